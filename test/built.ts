// The end-to-end suites run `ferry-agent` and `ferry-hub` from the packages' build output (dist), as the
// images do: half the CPU of every start compared with compiling the sources on the fly, which adds up
// over a suite that starts them a few hundred times on two cores. Before the suites, the runner checks
// that each package's build is at least as new as its sources and builds the ones that are not.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The packages the suites run, in build order (shared first: the others import its dist). */
export const BUILT_PACKAGES = [
  { name: 'shared', entry: 'index.js' },
  { name: 'agent', entry: 'main.js' },
  { name: 'hub', entry: 'main.js' },
] as const;

type BuiltPackage = (typeof BUILT_PACKAGES)[number];

/** The newest modification time (ms) of what a package's build reads: its sources and configuration. */
function newestSource(root: string, pkg: BuiltPackage): number {
  const dir = join(root, pkg.name);
  let newest = 0;
  const visit = (path: string): void => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) visit(child);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
        newest = Math.max(newest, statSync(child).mtimeMs);
    }
  };
  visit(join(dir, 'src'));
  for (const file of ['package.json', 'tsconfig.json', 'tsconfig.build.json']) {
    const path = join(dir, file);
    if (existsSync(path)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** The packages whose dist entry is missing or older than a source (all of them when shared is). */
export function staleBuilds(root: string): BuiltPackage[] {
  const stale = BUILT_PACKAGES.filter((pkg) => {
    const entry = join(root, pkg.name, 'dist', pkg.entry);
    return (existsSync(entry) ? statSync(entry).mtimeMs : -1) < newestSource(root, pkg);
  });
  return stale.some((pkg) => pkg.name === 'shared') ? [...BUILT_PACKAGES] : stale;
}

/** Builds the stale packages with their own TypeScript configuration (what `pnpm -r build` runs). */
export async function buildStale(root: string, log: (line: string) => void): Promise<void> {
  const stale = staleBuilds(root);
  if (stale.length === 0) return;
  log(`building ${stale.map((pkg) => pkg.name).join(', ')}: the sources are newer than dist`);
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  for (const pkg of stale) {
    await new Promise<void>((done, fail) => {
      execFile(
        process.execPath,
        [tsc, '-p', join(root, pkg.name, 'tsconfig.build.json')],
        { cwd: join(root, pkg.name) },
        (error, stdout) => {
          if (error === null) done();
          else fail(new Error(`building ${pkg.name} failed:\n${stdout}`, { cause: error }));
        },
      );
    });
  }
}
