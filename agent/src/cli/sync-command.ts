// `ferry-agent sync --once`: one sync of a repo path into a cluster, from outside it (a kubeconfig) or
// inside it (the ServiceAccount). Prints the ChangeSet, what was pruned and the errors.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_APPLY_REVISION_OPTIONS } from '../engine/apply-revision.ts';
import { connect, KubeApiClient, KubeError } from '../kube/index.ts';
import { protectedRefs } from '../protected.ts';
import { DEFAULT_DELETION_BUDGET } from '../prune/types.ts';
import { DEFAULT_RENDER_OPTIONS } from '../render/index.ts';
import { DEFAULT_FETCH_SOURCE_OPTIONS, SourceError } from '../source/index.ts';
import { syncOnce, type SyncReport } from '../sync.ts';
import { EXIT, type CliIo, type ExitCode } from './exit-codes.ts';
import { syncReportJson, syncReportTable } from './print-sync.ts';
import { AUTH_SECRET_USAGE, SOURCE_OPTIONS, SOURCE_USAGE, sourceSpecFrom } from './source-options.ts';
import { readGitCredentials } from '../git-credentials.ts';

export const SYNC_USAGE = `usage:
  ferry-agent sync --once --repo URL [--ref REF] [--path P] [options]

${SOURCE_USAGE}
${AUTH_SECRET_USAGE}
  --target-namespace NS   namespace for namespaced objects that name none (default: default)
  --kubeconfig F          the cluster (default: in-cluster when run in a pod, else the default kubeconfig)
  --context C             kubeconfig context
  --namespace NS          Ferry's own namespace: holds the inventory (default: ferry-system)
  --name NAME             the sync's name: ownership labels and the inventory name (default: ferry)
  --dry-run               plan only: server-side dry-runs, no writes, no prune
  --no-prune              apply without pruning
  --allow-empty           let an empty desired set prune everything Ferry owns
  --allow-deletions SHA   allow this one revision to exceed the deletion budget
  --output table|json     (default: table on a terminal, else json)

exit codes: 0 synced, 1 failed (render, plan, apply or prune), 2 bad arguments, 3 Git source error,
            4 applied but prune blocked by a guard (the deletion budget, an empty desired set)`;

const OPTIONS = {
  ...SOURCE_OPTIONS,
  'auth-secret': { type: 'string' },
  once: { type: 'boolean', default: false },
  'target-namespace': { type: 'string', default: DEFAULT_RENDER_OPTIONS.targetNamespace },
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  namespace: { type: 'string', default: 'ferry-system' },
  name: { type: 'string', default: 'ferry' },
  'dry-run': { type: 'boolean', default: false },
  'no-prune': { type: 'boolean', default: false },
  'allow-empty': { type: 'boolean', default: false },
  'allow-deletions': { type: 'string' },
  output: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function usage(io: CliIo, message: string): ExitCode {
  io.stderr(`ferry-agent sync: ${message}\n${SYNC_USAGE}\n`);
  return EXIT.usage;
}

function exitCode(report: SyncReport): ExitCode {
  if (report.failure?.step === 'fetch') return EXIT.source;
  if (report.result === 'prune-blocked') return EXIT.pruneBlocked;
  return report.result === 'failed' ? EXIT.invalid : EXIT.ok;
}

export async function runSync(argv: readonly string[], io: CliIo, isTty: boolean): Promise<ExitCode> {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (error) {
    return usage(io, (error as Error).message);
  }
  if (values.help) {
    io.stdout(`${SYNC_USAGE}\n`);
    return EXIT.ok;
  }
  if (!values.once)
    return usage(
      io,
      'only --once is supported from the command line (the agent runs continuously in the cluster)',
    );
  if (values.repo === undefined) return usage(io, '--repo is required');
  const output = values.output ?? (isTty ? 'table' : 'json');
  if (output !== 'table' && output !== 'json')
    return usage(io, `--output must be table or json, not ${output}`);
  if (values['allow-deletions'] !== undefined && !/^[0-9a-f]{40}$/.test(values['allow-deletions'])) {
    return usage(io, '--allow-deletions takes the full 40-digit commit SHA of the revision to allow');
  }
  let source;
  try {
    source = sourceSpecFrom({ ...values, repo: values.repo }, io.env);
  } catch (error) {
    if (error instanceof SourceError)
      return error.code === 'invalid-ref'
        ? usage(io, error.message)
        : (io.stderr(`ferry-agent sync: ${error.message}\n`), EXIT.source);
    throw error;
  }
  const cacheDir = values['cache-dir'] ?? mkdtempSync(join(tmpdir(), 'ferry-sync-'));
  let kube: KubeApiClient | undefined;
  try {
    kube = new KubeApiClient(
      await connect({
        ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
        ...(values.context ? { context: values.context } : {}),
      }),
    );
    const secret = values['auth-secret']?.split('/');
    if (secret !== undefined) {
      if (secret.length !== 2) return usage(io, '--auth-secret takes NAMESPACE/NAME');
      const credentials = await readGitCredentials(kube, secret[0] ?? '', secret[1] ?? '');
      source = {
        ...source,
        auth: credentials.auth,
        ...(credentials.ca !== undefined ? { ca: credentials.ca } : {}),
      };
    }
    const report = await syncOnce(kube, {
      source,
      fetch: { ...DEFAULT_FETCH_SOURCE_OPTIONS, cacheDir },
      render: { ...DEFAULT_RENDER_OPTIONS, targetNamespace: values['target-namespace'] },
      apply: { ...DEFAULT_APPLY_REVISION_OPTIONS, dryRun: values['dry-run'] },
      owner: { namespace: values.namespace, name: values.name },
      inventory: { namespace: values.namespace, name: `${values.name}-inventory` },
      prune: {
        enabled: !values['no-prune'],
        allowEmpty: values['allow-empty'],
        budget: DEFAULT_DELETION_BUDGET,
        allowedRevision: values['allow-deletions'],
      },
      protectedRefs: protectedRefs(values.namespace),
      ensureNamespace: true,
    });
    io.stdout(output === 'json' ? syncReportJson(report) : syncReportTable(report));
    return exitCode(report);
  } catch (error) {
    if (error instanceof KubeError) {
      io.stderr(`ferry-agent sync: ${error.message}\n`);
      return EXIT.invalid;
    }
    if (error instanceof SourceError) {
      io.stderr(`ferry-agent sync: source error (${error.code}): ${error.message}\n`);
      return EXIT.source;
    }
    throw error;
  } finally {
    await kube?.close();
    if (values['cache-dir'] === undefined) rmSync(cacheDir, { recursive: true, force: true });
  }
}
