// `ferry login`: checks an API token against the hub (GET /api/v1/whoami) and saves hub, token and CA
// in the config file (0600) for the other commands.
import { parseArgs } from 'node:util';
import { configPath, normalizeHubUrl, readCaFile, writeConfig, type Connection } from '../config.ts';
import { CliError, EXIT, usageError, type CliIo, type ExitCode } from '../exit-codes.ts';
import { whoami } from '../fleet-api.ts';
import { HELP_OPTION, parseFlags } from '../options.ts';

export const LOGIN_USAGE = `usage: ferry login --hub URL [--token TOKEN | < token-file] [--ca FILE]

Checks an API token with the hub and saves the hub's URL, the token and the CA in the config file
($FERRY_CONFIG, else ~/.config/ferry/config.json; readable by you only). Without --token the token is
read from stdin, which keeps it out of your shell history and the process list.

  --hub URL         the hub's URL (or FERRY_HUB)
  --token TOKEN     the API token (ferry-hub prints the first admin token once; POST /api/v1/tokens makes more)
  --ca FILE         CA certificate (PEM) that signs the hub's certificate; saved with the token

examples:
  ferry login --hub https://ferry.example.com < ~/ferry-admin-token
  pass show ferry/token | ferry login --hub https://ferry.internal:8443 --ca ./ferry-ca.pem
  ferry login --hub http://127.0.0.1:8080 --token "$TOKEN"

exit codes: 0 logged in, 2 usage, 4 the hub refused the token, 5 hub unreachable`;

const OPTIONS = {
  hub: { type: 'string' },
  token: { type: 'string' },
  ca: { type: 'string' },
  ...HELP_OPTION,
} as const;

async function readToken(flag: string | undefined, io: CliIo): Promise<string> {
  if (flag !== undefined) return flag.trim();
  const stdin = await io.readStdin();
  if (stdin === undefined) throw usageError('give --token TOKEN, or pipe the token on stdin', LOGIN_USAGE);
  return stdin.trim();
}

export async function runLogin(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseFlags(
    () => parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: true }),
    LOGIN_USAGE,
  );
  if (values.help) {
    io.stdout(`${LOGIN_USAGE}\n`);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw usageError(`unexpected argument ${positionals[0] ?? ''}`, LOGIN_USAGE);
  const hubText = values.hub ?? io.env.FERRY_HUB;
  if (hubText === undefined || hubText === '') throw usageError('give --hub URL', LOGIN_USAGE);
  const hub = normalizeHubUrl(hubText, values.hub !== undefined ? '--hub' : 'FERRY_HUB');
  const ca = values.ca === undefined ? undefined : readCaFile(values.ca, '--ca');
  const token = await readToken(values.token, io);
  if (token === '' || /\s/.test(token))
    throw usageError('the token is empty or has spaces in it (give exactly the token)', LOGIN_USAGE);
  const connection: Connection = { hub, token, ca };
  let who;
  try {
    who = await whoami(connection);
  } catch (error) {
    if (error instanceof CliError && error.exitCode === EXIT.unauthorized)
      throw new CliError(EXIT.unauthorized, `the hub at ${hub} refused the token: ${error.message}`, {
        cause: error,
      });
    throw error;
  }
  const path = configPath(io);
  writeConfig(path, { hub, token, ...(ca === undefined ? {} : { ca }) });
  io.stdout(`logged in to ${hub} as ${who.name} (${who.role}); saved in ${path}\n`);
  return EXIT.ok;
}
