// The build stage of an image's Dockerfile, played on this machine, since no container runtime works
// here: its COPY instructions fill a context folder with what they name from the repository (less what
// the .dockerignore leaves out), and its RUN instructions run there with `sh -c`, in order, with the
// stage's ENV. Two things differ from `docker build`, and only these:
//   - RUN lines that install system packages (apt-get) or the pinned pnpm (npm install --global) are
//     left to the machine: scripts/setup.sh installed the same (pnpm, kubectl, python3, make, g++);
//   - /out becomes a folder of the run's own, and pnpm runs offline from this machine's store
//     (pnpm_config_offline), trusting the lockfile that setup's online install verified
//     (pnpm_config_trust_lockfile).
// What comes out is the image's /out: the bundle its runtime stage holds at /app.
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { parseCopy, parseEnv, type Instruction } from './dockerfile.ts';
import { isExcluded, type IgnoreRule } from './dockerignore.ts';
import { BUNDLE_DIR, REPO_ROOT, type LoadedImage } from './images.ts';
import { runCommand, tail } from './run-command.ts';

/** RUN lines this machine stands in for: system packages and the global pnpm. */
export const SYSTEM_RUN = /^(apt-get\s|npm install --global\s)/;

export interface BundleBuild {
  /** A folder of this build's own (0755, so that the image's user can reach the bundle). */
  readonly root: string;
  /** The build stage's WORKDIR, /src. */
  readonly contextDir: string;
  /** The build stage's /out. */
  readonly outDir: string;
  /** The RUN lines left to the machine, and the ones that ran. */
  readonly skipped: readonly string[];
  readonly ran: readonly string[];
  remove(): void;
}

/** Copies `source` (relative to the repository) as COPY does: a folder's content, less what is excluded. */
function copyFromContext(rules: readonly IgnoreRule[], source: string, destination: string): number {
  const from = join(REPO_ROOT, source);
  if (!statSync(from).isDirectory()) {
    if (isExcluded(rules, source)) return 0;
    mkdirSync(dirname(destination), { recursive: true });
    copyFileSync(from, destination);
    return 1;
  }
  let copied = 0;
  for (const entry of readdirSync(from)) {
    copied += copyFromContext(rules, posix.join(source, entry), join(destination, entry));
  }
  return copied;
}

function copyInstruction(image: LoadedImage, instruction: Instruction, contextDir: string): void {
  const copy = parseCopy(instruction);
  if (copy.from !== undefined) throw new Error(`build stage line ${instruction.line}: COPY --from`);
  const intoFolder = copy.dest.endsWith('/') || copy.dest === '.' || copy.sources.length > 1;
  for (const source of copy.sources) {
    const clean = posix.normalize(source).replace(/\/+$/, '');
    const isFolder = statSync(join(REPO_ROOT, clean)).isDirectory();
    const target =
      intoFolder && !isFolder
        ? join(contextDir, copy.dest, posix.basename(clean))
        : join(contextDir, copy.dest);
    if (copyFromContext(image.ignore, clean, target) === 0)
      throw new Error(`build stage line ${instruction.line}: COPY ${source} copies nothing`);
  }
}

/** `/out` in a RUN line, as a path of its own, becomes `outDir`. */
export function rewriteBundleDir(text: string, outDir: string): string {
  return text.replace(
    new RegExp(`(^|[\\s="'])${BUNDLE_DIR}(?=[\\s/"']|$)`, 'g'),
    (_, lead: string) => `${lead}${outDir}`,
  );
}

/** Node's headers for node-gyp, as scripts/setup.sh finds them, so that better-sqlite3 never downloads them. */
function nodeDir(): Record<string, string> {
  if (process.env.npm_config_nodedir !== undefined) return {};
  const dir = ['/usr', '/usr/local'].find((d) => {
    try {
      return statSync(join(d, 'include', 'node', 'node.h')).isFile();
    } catch {
      return false;
    }
  });
  return dir === undefined ? {} : { npm_config_nodedir: dir };
}

export async function buildBundle(image: LoadedImage): Promise<BundleBuild> {
  const root = mkdtempSync(join(tmpdir(), `ferry-image-${image.spec.name}-`));
  chmodSync(root, 0o755);
  const contextDir = join(root, 'src');
  const outDir = join(root, 'out');
  const remove = (): void => {
    rmSync(root, { recursive: true, force: true });
  };
  const skipped: string[] = [];
  const ran: string[] = [];
  let env: NodeJS.ProcessEnv = {
    ...process.env,
    ...nodeDir(),
    pnpm_config_offline: 'true',
    pnpm_config_trust_lockfile: 'true',
  };
  let workdir: string | undefined;
  try {
    for (const instruction of image.build.instructions) {
      switch (instruction.keyword) {
        case 'ENV':
          env = { ...env, ...parseEnv(instruction) };
          break;
        case 'ARG':
          break;
        case 'WORKDIR':
          workdir = instruction.text.trim();
          mkdirSync(contextDir, { recursive: true });
          break;
        case 'COPY':
        case 'RUN': {
          if (instruction.keyword === 'RUN' && SYSTEM_RUN.test(instruction.text)) {
            skipped.push(instruction.text);
            break;
          }
          if (workdir !== '/src')
            throw new Error(`build stage line ${instruction.line}: expected WORKDIR /src before it`);
          if (instruction.keyword === 'COPY') {
            copyInstruction(image, instruction, contextDir);
            break;
          }
          const command = rewriteBundleDir(instruction.text, outDir);
          const result = await runCommand('sh', ['-c', command], { cwd: contextDir, env });
          if (result.code !== 0)
            throw new Error(
              `${image.spec.dockerfile} line ${instruction.line} failed (${String(result.code ?? result.signal)}): ${instruction.text}\n${tail(result)}`,
            );
          ran.push(instruction.text);
          break;
        }
        default:
          throw new Error(
            `${image.spec.dockerfile} line ${instruction.line}: ${instruction.keyword} in the build stage is not played here`,
          );
      }
    }
  } catch (error) {
    remove();
    throw error;
  }
  return { root, contextDir, outDir, skipped, ran, remove };
}
