// A repair of the smart-HTTP ref advertisement, for one gap in isomorphic-git: when the server's HEAD
// names a branch that does not exist (a bare repo made with `git init --bare`, then only `main` pushed),
// the server advertises no HEAD, and isomorphic-git's fetch fails with "Could not find HEAD" even for an
// explicit ref (isomorphic-git#1654). Following an explicit ref must work, so the advertisement gets a
// HEAD line that points at the first advertised ref. Ferry never uses HEAD: it always names its ref.

const ENCODER = new TextEncoder();
const DECODER = new TextDecoder();

interface PktLine {
  /** undefined for a flush packet (0000). */
  readonly payload: Uint8Array | undefined;
}

function parsePktLines(data: Uint8Array): PktLine[] | undefined {
  const lines: PktLine[] = [];
  let at = 0;
  while (at < data.length) {
    if (at + 4 > data.length) return undefined;
    const length = Number.parseInt(DECODER.decode(data.subarray(at, at + 4)), 16);
    if (Number.isNaN(length) || (length !== 0 && length < 4) || at + Math.max(length, 4) > data.length) {
      return undefined;
    }
    lines.push({ payload: length === 0 ? undefined : data.subarray(at + 4, at + length) });
    at += length === 0 ? 4 : length;
  }
  return lines;
}

function pkt(payload: Uint8Array | undefined): Uint8Array {
  if (payload === undefined) return ENCODER.encode('0000');
  const head = ENCODER.encode((payload.length + 4).toString(16).padStart(4, '0'));
  const out = new Uint8Array(head.length + payload.length);
  out.set(head);
  out.set(payload, head.length);
  return out;
}

const REF_LINE = /^([0-9a-f]{40}) ([^\0\n]+)/;

/**
 * Returns the advertisement with a `HEAD` ref added when it has refs but no HEAD; otherwise (HEAD
 * present, no refs, protocol v2, or anything it cannot parse) returns it unchanged.
 */
export function ensureAdvertisedHead(advertisement: Uint8Array): Uint8Array {
  const lines = parsePktLines(advertisement);
  if (lines === undefined) return advertisement;
  let firstRef = -1;
  let firstOid = '';
  for (const [index, line] of lines.entries()) {
    if (line.payload === undefined) continue;
    const match = REF_LINE.exec(DECODER.decode(line.payload));
    if (match === null) continue;
    if (match[2] === 'HEAD') return advertisement;
    if (firstRef === -1) {
      firstRef = index;
      firstOid = match[1] ?? '';
    }
  }
  if (firstRef === -1) return advertisement;
  const head: PktLine = { payload: ENCODER.encode(`${firstOid} HEAD\n`) };
  const repaired = [...lines.slice(0, firstRef + 1), head, ...lines.slice(firstRef + 1)];
  const parts = repaired.map((line) => pkt(line.payload));
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
