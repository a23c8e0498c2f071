// `pnpm harness up|down|status`: the harness for people. Starts real clusters and the Git server in
// the background and records them in DIR/state.json.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Harness } from './harness.ts';

const USAGE = `usage:
  pnpm harness up     [--clusters N] [--dir DIR] [--no-git]   start N clusters (default 1) and the Git server
  pnpm harness add    NAME [--dir DIR]                        add one more cluster
  pnpm harness destroy NAME [--dir DIR]                       stop one cluster and purge its etcd data
  pnpm harness status [--dir DIR]                             print DIR/state.json
  pnpm harness down   [--dir DIR] [--purge]                   stop everything by PID (and delete DIR)
DIR defaults to ./.harness`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      dir: { type: 'string', default: '.harness' },
      clusters: { type: 'string', default: '1' },
      'no-git': { type: 'boolean', default: false },
      purge: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [verb, name] = positionals;
  if (values.help || verb === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return verb === undefined && !values.help ? 2 : 0;
  }
  const harness = Harness.open(values.dir);
  switch (verb) {
    case 'up': {
      const count = Number(values.clusters);
      if (!Number.isInteger(count) || count < 0)
        throw new Error(`--clusters must be a whole number, not ${values.clusters}`);
      const started = Date.now();
      try {
        await Promise.all(Array.from({ length: count }, (_, i) => harness.addCluster(`c${i + 1}`)));
        if (!values['no-git']) {
          await harness.startGit({
            users: [{ username: 'ferry', password: randomBytes(12).toString('hex') }],
            tokens: [randomBytes(20).toString('hex')],
          });
        }
      } catch (error) {
        await harness.down();
        throw error;
      }
      printState(harness);
      process.stdout.write(
        `\nup in ${((Date.now() - started) / 1000).toFixed(1)} s; state in ${harness.dir}/state.json\n`,
      );
      process.stdout.write(`stop with: pnpm harness down --dir ${values.dir}\n`);
      return 0;
    }
    case 'add':
    case 'destroy':
      if (name === undefined) throw new Error(`${verb} needs a cluster name`);
      if (verb === 'add') await harness.addCluster(name);
      else await harness.destroyCluster(name);
      printState(harness);
      return 0;
    case 'status':
      printState(harness);
      return 0;
    case 'down': {
      await harness.down({ purge: values.purge });
      const left = harness.leftovers();
      if (left.length > 0) {
        process.stderr.write(`still running after down:\n  ${left.join('\n  ')}\n`);
        return 1;
      }
      process.stdout.write('all harness processes stopped\n');
      return 0;
    }
    default:
      process.stderr.write(`unknown verb ${verb}\n${USAGE}\n`);
      return 2;
  }
}

function printState(harness: Harness): void {
  const state = harness.state();
  for (const cluster of Object.values(state.clusters)) {
    process.stdout.write(`cluster ${cluster.name}: ${cluster.server}  kubeconfig ${cluster.kubeconfig}\n`);
  }
  if (state.git) {
    const user = state.git.users[0];
    process.stdout.write(
      `git: ${state.git.url}  (user ${user?.username ?? '-'}; credentials in state.json)\n`,
    );
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`harness: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
