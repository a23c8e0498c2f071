// The quick start's command line: where its state lives, the cluster to use (a local harness cluster,
// or --kubeconfig), and --exit-when-ready for tests. Pure: it returns the options or the problem.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

export const QUICKSTART_USAGE = `usage:
  bash scripts/run.sh [--dir DIR] [--kubeconfig FILE] [--exit-when-ready]

Starts Ferry on this machine and keeps it running until Ctrl-C: a local Kubernetes cluster (a real
kube-apiserver 1.20 and etcd; Pods are made ready by a SIMULATED kubelet), a local Git server with the
example repo (examples/hello), the hub, and an agent enrolled through the hub's install manifest.
Ctrl-C stops everything it started.

  --dir DIR            where everything it runs keeps its state and logs (default .harness); cleared
                       at start, after stopping whatever a previous quick start left running there
  --kubeconfig FILE    use this cluster instead of starting one: the install manifest is applied to
                       it and the agent runs on this machine with this kubeconfig
                       (ferry-agent run --kubeconfig FILE); the Git server and hub stay local
  --exit-when-ready    for tests: once everything is ready and printed, stop it all and exit 0
  -h, --help           this text`;

export interface QuickstartOptions {
  /** Absolute. */
  readonly dir: string;
  /** Absolute; undefined: start a local harness cluster. */
  readonly kubeconfig: string | undefined;
  readonly exitWhenReady: boolean;
}

export type ParsedOptions =
  | { readonly kind: 'run'; readonly options: QuickstartOptions }
  | { readonly kind: 'help' }
  | { readonly kind: 'usage'; readonly problem: string };

export function parseQuickstartArgs(argv: readonly string[], cwd: string): ParsedOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        dir: { type: 'string', default: '.harness' },
        kubeconfig: { type: 'string' },
        'exit-when-ready': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return { kind: 'usage', problem: (error as Error).message };
  }
  if (values.help) return { kind: 'help' };
  if (values.dir === '') return { kind: 'usage', problem: '--dir must name a folder' };
  if (values.kubeconfig === '') return { kind: 'usage', problem: '--kubeconfig must name a file' };
  return {
    kind: 'run',
    options: {
      dir: resolve(cwd, values.dir),
      kubeconfig: values.kubeconfig === undefined ? undefined : resolve(cwd, values.kubeconfig),
      exitWhenReady: values['exit-when-ready'],
    },
  };
}
