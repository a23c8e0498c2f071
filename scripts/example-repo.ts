// Pushes examples/hello to the harness Git server as the repository `fleet` (path `clusters/local`),
// and prints its URL. Used by scripts/run.sh.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Harness } from '../test/harness/src/index.ts';

const root = resolve(fileURLToPath(import.meta.url), '..', '..');
const harness = Harness.open(process.argv[2] ?? join(root, '.harness'));
const example = join(root, 'examples', 'hello');
const files = Object.fromEntries(
  readdirSync(example)
    .filter((name) => name.endsWith('.yaml'))
    .map((name) => [`clusters/local/${name}`, readFileSync(join(example, name), 'utf8')]),
);
const repos = harness.repos();
const name = 'fleet';
const existing = harness.state().git !== undefined;
if (!existing) throw new Error('no Git server in the harness: run pnpm harness up first');
const { url } = await repos.create(name, { files, message: 'hello: the example app' });
process.stdout.write(`${url}\n`);
