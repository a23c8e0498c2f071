// The API probe's own process (started by probe-proc.ts): probes until told to stop over IPC, then
// answers with what it measured and exits. Nothing else runs on its event loop, so a latency it takes
// is the hub's answer and this machine's scheduling, not the benchmark's other work.
import { startApiProbe } from './api-probe.ts';

interface ProbeChildConfig {
  readonly baseUrl: string;
  readonly token: string;
  readonly intervalMs: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as ProbeChildConfig;
const probe = startApiProbe(config.baseUrl, config.token, config.intervalMs);
process.on('message', (message: { readonly type?: string }) => {
  if (message.type !== 'stop') return;
  void probe.stop().then((results) => {
    process.send?.(results, () => {
      process.exit(0);
    });
  });
});
process.send?.({ type: 'ready' });
