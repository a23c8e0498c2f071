// Pushes the example (examples/hello) to the local Git server as the repository `fleet`, under
// `clusters/local`: the folder the cluster follows.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Harness } from '../../test/harness/src/index.ts';
import { EXAMPLE_DIR, NAMES } from './layout.ts';

export interface ExampleRepo {
  /** The clone URL (no credentials). */
  readonly url: string;
  /** The same with the Git server's user in it, for a person's `git clone`. */
  readonly urlWithCredentials: string;
  /** The commit pushed. */
  readonly sha: string;
  readonly files: readonly string[];
}

export async function pushExample(harness: Harness): Promise<ExampleRepo> {
  const names = readdirSync(EXAMPLE_DIR).filter((name) => /\.(ya?ml|md)$/.test(name));
  const files = Object.fromEntries(
    names.map((name) => [`${NAMES.path}/${name}`, readFileSync(join(EXAMPLE_DIR, name), 'utf8')]),
  );
  const repos = harness.repos();
  const created = await repos.create(NAMES.repo, { files, message: 'hello: the example app' });
  return {
    url: created.url,
    urlWithCredentials: repos.urlWithCredentials(NAMES.repo),
    sha: created.sha ?? (await repos.head(NAMES.repo, 'main')),
    files: names,
  };
}

/** The commit `main` has on the server now (a person may have pushed since). */
export function gitHead(harness: Harness): Promise<string> {
  return harness.repos().head(NAMES.repo, 'main');
}
