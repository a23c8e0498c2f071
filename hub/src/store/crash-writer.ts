// For the crash test: an agent's stream written into the store until this process is killed. Usage:
//   node --import tsx crash-writer.ts DB CLUSTER EPOCH
// It prints `start N` (the seq stored for the epoch when it opened), then `ack N` after each
// applyAgentBatch has returned, never before. It resends a few already-stored records first, as an
// agent does whose acknowledgements were lost, and stops by itself after a while if nobody kills it.
import { CRASH_LIMITS, recordFor } from './crash-records.ts';
import { openStore } from './store.ts';
import type { AgentRecord } from './types.ts';

const RESEND = 3;
const MAX_RUN_MS = 120_000;

function main(argv: string[]): number {
  const [path, cluster, epoch] = argv;
  if (path === undefined || cluster === undefined || epoch === undefined) {
    process.stderr.write('usage: crash-writer.ts DB CLUSTER EPOCH\n');
    return 2;
  }
  const store = openStore({ path, limits: CRASH_LIMITS });
  const stored = store.epochSeq(cluster, epoch);
  process.stdout.write(`start ${stored}\n`);
  let next = Math.max(1, stored - RESEND + 1);
  const deadline = Date.now() + MAX_RUN_MS;
  while (Date.now() < deadline) {
    const size = 1 + Math.floor(Math.random() * 8);
    const records: AgentRecord[] = Array.from({ length: size }, (_, i) => recordFor(epoch, next + i));
    const result = store.applyAgentBatch(cluster, records, new Date());
    if (!result.ok) {
      process.stderr.write(`batch refused: ${result.reason}\n`);
      return 1;
    }
    const ack = result.acks.find((a) => a.epoch === epoch)?.seq ?? 0;
    process.stdout.write(`ack ${ack}\n`);
    next += size;
  }
  store.close();
  return 0;
}

process.exitCode = main(process.argv.slice(2));
