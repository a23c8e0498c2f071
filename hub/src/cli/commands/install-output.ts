// Handing out an install manifest (`cluster add`, `cluster install-manifest`): read back what it will
// install, refuse one that does not follow the cluster's source, say on stderr what it installs and
// how to apply it, then print it to stdout or write it to a file readable by its owner only (it holds
// the one-time enrollment token).
import { chmodSync, writeFileSync } from 'node:fs';
import { describeInstall, InstallError, type InstallDescription } from '../../install/index.ts';
import type { ClusterJson, EnrollmentJson } from '../cluster-json.ts';
import { CliError, EXIT, type CliIo } from '../exit-codes.ts';

export interface DeliverOptions {
  readonly cluster: ClusterJson;
  readonly enrollment: EnrollmentJson;
  readonly manifest: string;
  /** Write here instead of stdout. */
  readonly file: string | undefined;
}

function describe(manifest: string): InstallDescription {
  try {
    return describeInstall(manifest);
  } catch (error) {
    if (error instanceof InstallError)
      throw new CliError(EXIT.failure, `the hub's install manifest cannot be read: ${error.message}`, {
        cause: error,
      });
    throw error;
  }
}

function shown(path: string): string {
  return path === '' ? '(root)' : path;
}

/** Every difference between what the manifest installs and the cluster's source at the hub. */
export function sourceMismatches(description: InstallDescription, cluster: ClusterJson): string[] {
  const { repo, ref, path } = cluster.source;
  const problems: string[] = [];
  if (description.repo !== repo) problems.push(`repo ${description.repo}, not ${repo}`);
  if (description.ref !== ref) problems.push(`ref ${description.ref}, not ${ref}`);
  if (description.path !== path) problems.push(`path ${shown(description.path)}, not ${shown(path)}`);
  return problems;
}

export function deliverManifest(options: DeliverOptions, io: CliIo): void {
  const { cluster, enrollment, manifest, file } = options;
  const description = describe(manifest);
  const mismatches = sourceMismatches(description, cluster);
  if (mismatches.length > 0)
    throw new CliError(
      EXIT.failure,
      `the install manifest the hub served does not follow cluster ${cluster.name}'s source (${mismatches.join('; ')}); not printing it`,
    );
  const pinned = description.image.includes('@sha256:') ? '' : ' (a tag, not pinned by digest)';
  io.stderr(
    `install manifest for cluster ${cluster.name}: repo ${description.repo}, ref ${description.ref}, ` +
      `path ${shown(description.path)}, image ${description.image}${pinned}; ` +
      `apply with kubectl apply -f ${file ?? '-'}\n` +
      (description.credentialsSecret === undefined
        ? ''
        : `the repo is private: create Secret ferry-system/${description.credentialsSecret} (username and password, or bearerToken) in the cluster\n`) +
      `it reports to ${description.hubUrl ?? '(no hub)'}; its one-time enrollment token is valid until ` +
      `${enrollment.expiresAt} and works once\n`,
  );
  if (file === undefined) {
    io.stdout(manifest);
    return;
  }
  try {
    writeFileSync(file, manifest, { mode: 0o600 });
    chmodSync(file, 0o600);
  } catch (error) {
    throw new CliError(EXIT.failure, `-f ${file}: cannot write it (${(error as Error).message})`, {
      cause: error,
    });
  }
  io.stderr(`wrote ${file}\n`);
}
