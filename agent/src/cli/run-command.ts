// `ferry-agent run`: the agent itself, in the cluster (or, for development, outside it with
// --kubeconfig). Flags win over the environment the Deployment sets (deploy/agent).
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDuration } from '../gitsync/parse-spec.ts';
import { hubUrls } from '../hub/config.ts';
import { runAgent, type AgentConfig } from '../runtime/agent.ts';
import { EXIT, type CliIo, type ExitCode } from './exit-codes.ts';

export const RUN_USAGE = `usage:
  ferry-agent run [options]

Runs the agent: follows the GitSync in its namespace (created from the bootstrap ConfigMap at start),
syncs on Git changes, \`ferry.dev/requested-at\` annotations, spec changes and drift; serves /healthz,
/readyz and /metrics; holds a Lease so that one replica syncs at a time. With a Secret ferry-agent-hub
in its namespace (keys url, enrollmentToken, ca.crt) it enrolls with that hub and reports to it; without
one it runs alone.

  --kubeconfig F            the cluster (default: in-cluster)
  --context C               kubeconfig context
  --namespace NS            the agent's namespace (env FERRY_NAMESPACE; in-cluster: its own)
  --name NAME               the GitSync's name (env FERRY_GITSYNC; default ferry)
  --bootstrap-configmap CM  ConfigMap holding gitsync.yaml (default ferry-agent-bootstrap)
  --port N                  port of /healthz, /readyz, /metrics (env FERRY_PORT; default 8080)
  --host H                  address to listen on (default 0.0.0.0)
  --cache-dir D             Git cache (env FERRY_CACHE_DIR; default a folder under the temp dir)
  --identity ID             Lease holder and Event reporter (env POD_NAME; default the host name)
  --health-timeout D        how long applied objects may take to be healthy (default 5m)
  --log-level L             debug, info, warn or error (env FERRY_LOG_LEVEL; default info)
  --hub-url URL             the hub's base URL, over the Secret's url (env FERRY_HUB_URL; local runs)`;

const OPTIONS = {
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  namespace: { type: 'string' },
  name: { type: 'string' },
  'bootstrap-configmap': { type: 'string', default: 'ferry-agent-bootstrap' },
  port: { type: 'string' },
  host: { type: 'string', default: '0.0.0.0' },
  'cache-dir': { type: 'string' },
  identity: { type: 'string' },
  'health-timeout': { type: 'string', default: '5m' },
  'log-level': { type: 'string' },
  'hub-url': { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

function usage(io: CliIo, message: string): ExitCode {
  io.stderr(`ferry-agent run: ${message}\n${RUN_USAGE}\n`);
  return EXIT.usage;
}

export async function runRun(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (error) {
    return usage(io, (error as Error).message);
  }
  if (values.help) {
    io.stdout(`${RUN_USAGE}\n`);
    return EXIT.ok;
  }
  const port = Number(values.port ?? io.env.FERRY_PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    return usage(io, `--port must be a port number, not ${String(values.port ?? io.env.FERRY_PORT)}`);
  const healthTimeoutMs = parseDuration(values['health-timeout']);
  if (healthTimeoutMs === undefined)
    return usage(io, `--health-timeout must be a duration such as 90s or 5m`);
  const logLevel = values['log-level'] ?? io.env.FERRY_LOG_LEVEL ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel))
    return usage(io, `--log-level must be one of ${LOG_LEVELS.join(', ')}, not ${logLevel}`);
  const hubUrl = values['hub-url'] ?? (io.env.FERRY_HUB_URL === '' ? undefined : io.env.FERRY_HUB_URL);
  if (hubUrl !== undefined) {
    const urls = hubUrls(hubUrl);
    if (!urls.ok) return usage(io, `--hub-url ${urls.problem}`);
  }
  const config: AgentConfig = {
    connect: {
      ...(values.kubeconfig !== undefined ? { kubeconfig: values.kubeconfig } : {}),
      ...(values.context !== undefined ? { context: values.context } : {}),
    },
    namespace: values.namespace ?? io.env.FERRY_NAMESPACE,
    name: values.name ?? io.env.FERRY_GITSYNC ?? 'ferry',
    bootstrapConfigMap: values['bootstrap-configmap'],
    port,
    host: values.host,
    cacheDir: values['cache-dir'] ?? io.env.FERRY_CACHE_DIR ?? join(tmpdir(), 'ferry-agent-cache'),
    identity: values.identity ?? io.env.POD_NAME ?? hostname(),
    healthTimeoutMs,
    logLevel: logLevel as (typeof LOG_LEVELS)[number],
    watchNamespaces: (io.env.FERRY_NAMESPACES ?? '')
      .split(',')
      .map((n) => n.trim())
      .filter((n) => n !== ''),
    hubUrl,
  };
  return runAgent(config, io);
}
