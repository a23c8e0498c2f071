// `pnpm --filter @ferry/hub build:install` (also the last step of the hub's `build`): renders
// `kubectl kustomize deploy/agent` into hub/dist/install/agent.yaml, the static install manifest the
// hub serves (with each cluster's values filled in). Needs kubectl on PATH; a path argument writes
// elsewhere.
import { buildStaticManifest } from '../src/install/index.ts';

const [outFile] = process.argv.slice(2);
try {
  const built = await buildStaticManifest(outFile === undefined ? {} : { outFile });
  process.stdout.write(`wrote ${built.outFile}: ${built.documents} objects, agent image ${built.image}\n`);
} catch (error) {
  process.stderr.write(`build-install: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
