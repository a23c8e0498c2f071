// `ferry`: the command line of the Ferry hub's API. Dispatches to one module per command; every
// CliError ends here as "ferry: <message>" on stderr (with the usage for a usage error) and its exit
// code. Anything else is a bug: printed with its stack, exit 1.
import { runCluster } from './commands/cluster.ts';
import { runLogin } from './commands/login.ts';
import { runStatus } from './commands/status.ts';
import { CliError, EXIT, usageError, type CliIo, type ExitCode } from './exit-codes.ts';

export const FERRY_USAGE = `usage: ferry <command> [options]

The Ferry fleet from the command line: the hub's API for people and scripts.

commands:
  login                      check an API token with the hub and save it (ferry login --help)
  status                     the fleet: state, health, sync, revision, last heard (ferry status --help)
  cluster add|list|get|install-manifest
                             register clusters and hand out install manifests (ferry cluster --help)

Every command takes --help. Commands that talk to the hub take --hub URL and --ca FILE.

environment:
  FERRY_HUB      the hub's URL (over the config file's)
  FERRY_TOKEN    the API token (over the config file's)
  FERRY_CA       CA certificate file (PEM) for the hub's TLS certificate
  FERRY_CONFIG   the config file (default ~/.config/ferry/config.json)

exit codes: 0 ok, 1 failure, 2 usage, 3 not found, 4 unauthorized or forbidden, 5 hub unreachable

examples:
  ferry login --hub https://ferry.example.com < admin-token
  ferry cluster add prod-eu-1 --repo https://git.example.com/fleet.git --path clusters/prod-eu-1 | kubectl apply -f -
  ferry status -o wide`;

const COMMANDS: Readonly<Record<string, (argv: readonly string[], io: CliIo) => Promise<ExitCode>>> = {
  login: runLogin,
  status: runStatus,
  cluster: runCluster,
  clusters: runCluster,
};

async function dispatch(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const [command, ...rest] = argv;
  if (command === '-h' || command === '--help' || command === 'help') {
    io.stdout(`${FERRY_USAGE}\n`);
    return EXIT.ok;
  }
  if (command === undefined) throw usageError('give a command', FERRY_USAGE);
  const run = COMMANDS[command];
  if (run === undefined) throw usageError(`unknown command ${command}`, FERRY_USAGE);
  return run(rest, io);
}

/** Runs one `ferry` command line; returns its exit code. */
export async function runFerry(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr(`ferry: ${error.message}\n${error.usage === undefined ? '' : `\n${error.usage}\n`}`);
      return error.exitCode;
    }
    io.stderr(
      `ferry: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return EXIT.failure;
  }
}
