// Ages as kubectl prints them: "45s", "5m30s", "3h", "2d4h", "400d", "3y".
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function two(value: number, unit: string, rest: number, restUnit: string): string {
  return rest === 0 ? `${value}${unit}` : `${value}${unit}${rest}${restUnit}`;
}

/** A duration in milliseconds, short; negative (a clock ahead of ours) counts as 0. */
export function formatAge(ms: number): string {
  const t = Math.max(0, ms);
  const seconds = Math.floor(t / SECOND);
  const minutes = Math.floor(t / MINUTE);
  const hours = Math.floor(t / HOUR);
  const days = Math.floor(t / DAY);
  if (seconds < 120) return `${seconds}s`;
  if (minutes < 10) return two(minutes, 'm', seconds % 60, 's');
  if (hours < 3) return `${minutes}m`;
  if (hours < 8) return two(hours, 'h', minutes % 60, 'm');
  if (hours < 48) return `${hours}h`;
  if (days < 8) return two(days, 'd', hours % 24, 'h');
  if (days < 730) return `${days}d`;
  return `${Math.floor(days / 365)}y`;
}

/** "5m ago" since an ISO time, "never" for null, the text itself when it is not a time. */
export function formatSince(iso: string | null, now: Date): string {
  if (iso === null) return 'never';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  return `${formatAge(now.getTime() - at)} ago`;
}
