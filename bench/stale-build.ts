// Whether a benchmark's built package (its dist, what an image runs) is older than its sources: each
// benchmark of a built program warns before it measures an old build.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Source files of the package (the agent unless told) and of @ferry/shared newer than their built file
 * (a file the build did not emit, such as a test fixture, does not count); throws when the package is
 * not built at all.
 */
export function staleSources(repoRoot: string, pkg: 'agent' | 'hub' = 'agent'): string[] {
  const mtime = (path: string): number | undefined => {
    try {
      return statSync(path).mtimeMs;
    } catch {
      return undefined;
    }
  };
  const stale: string[] = [];
  if (mtime(join(repoRoot, pkg, 'dist', 'main.js')) === undefined)
    throw new Error(`the ${pkg} is not built: run \`pnpm --filter @ferry/${pkg}... build\``);
  for (const built of [pkg, 'shared']) {
    const src = join(repoRoot, built, 'src');
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
          const builtAt = mtime(join(repoRoot, built, 'dist', relative(src, path).replace(/\.ts$/, '.js')));
          if (builtAt !== undefined && builtAt < (mtime(path) ?? 0)) stale.push(relative(repoRoot, path));
        }
      }
    };
    walk(src);
  }
  return stale;
}
