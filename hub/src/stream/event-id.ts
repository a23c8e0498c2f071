// Event ids as clients see them: `<stream epoch>-<seq>`. The seq increases by one per event; the epoch
// is new with every hub process, so an id from before a restart is never taken for one of this
// process (whose seqs start again at 1): it gets the full list instead of a wrong replay.
import { randomBytes } from 'node:crypto';

export function newStreamEpoch(): string {
  return randomBytes(4).toString('hex');
}

export function formatEventId(epoch: string, seq: number): string {
  return `${epoch}-${seq}`;
}

/** The seq of a Last-Event-ID issued by this epoch; undefined for any other id (or none). */
export function seqOfEventId(epoch: string, id: string | undefined): number | undefined {
  if (id === undefined) return undefined;
  const match = /^([0-9a-f]{8})-([0-9]{1,15})$/.exec(id.trim());
  if (match?.[1] !== epoch || match[2] === undefined) return undefined;
  return Number(match[2]);
}
