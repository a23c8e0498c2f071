// The images' production bundles, built as their Dockerfiles' build stages build them (build-bundle.ts:
// the same COPY set and RUN lines, offline from this machine's pnpm store) and started as their
// entrypoints start them (runtime.ts: as the image's user when run as root). A bundle that answers here
// runs with its production dependencies alone: nothing else is in it.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { describeInstall } from '../../hub/src/install/index.ts';
import { buildBundle, SYSTEM_RUN, type BundleBuild } from './build-bundle.ts';
import { startBundleHub } from './hub-bundle.ts';
import { IMAGES, loadImage, REPO_ROOT, type LoadedImage } from './images.ts';
import { renderOverlay } from './overlay.ts';
import { tail } from './run-command.ts';
import { prepareRuntime, type Runtime } from './runtime.ts';

/** Top-level packages of a node_modules folder (`@scope/name` for scoped ones). */
function installedPackages(nodeModules: string): string[] {
  return readdirSync(nodeModules)
    .filter((entry) => !entry.startsWith('.'))
    .flatMap((entry) =>
      entry.startsWith('@')
        ? readdirSync(join(nodeModules, entry)).map((name) => `${entry}/${name}`)
        : [entry],
    )
    .sort();
}

/** The agent's image as the release's deploy/agent names it. */
function shippedAgentImage(): string {
  const deployment = parse(readFileSync(join(REPO_ROOT, 'deploy/agent/base/deployment.yaml'), 'utf8')) as {
    spec: { template: { spec: { containers: { name: string; image: string }[] } } };
  };
  const image = deployment.spec.template.spec.containers.find((c) => c.name === 'agent')?.image;
  assert.ok(image);
  return image;
}

function bundleTests(image: LoadedImage, context: () => { build: BundleBuild; runtime: Runtime }): void {
  it('plays every build step but the system packages and the pinned pnpm, which this machine has', () => {
    const { build } = context();
    assert.ok(build.skipped.every((run) => SYSTEM_RUN.test(run)));
    assert.ok(build.skipped.some((run) => run.startsWith('npm install --global pnpm@')));
    assert.ok(build.ran.some((run) => run.includes(`--prod deploy /out`)));
  });

  it('holds the entrypoint and the production dependencies, and nothing else', () => {
    const { build, runtime } = context();
    assert.ok(existsSync(runtime.entrypoint[1] ?? ''), `${String(runtime.entrypoint[1])} was built`);
    assert.deepEqual(
      installedPackages(join(build.outDir, 'node_modules')),
      Object.keys(image.packageJson.dependencies ?? {}).sort(),
    );
    const store = readdirSync(join(build.outDir, 'node_modules', '.pnpm'));
    for (const dev of ['typescript@', 'tsx@', 'eslint@', '@types+better-sqlite3@'])
      assert.ok(!store.some((entry) => entry.startsWith(dev)), `${dev} is not in the bundle`);
    assert.ok(!existsSync(join(build.outDir, 'src')), 'no TypeScript sources');
  });

  it('answers --help through its entrypoint, and through each bin on PATH', async () => {
    const { runtime } = context();
    const help = await runtime.run([...runtime.entrypoint, '--help']);
    assert.equal(help.code, 0, tail(help));
    assert.match(help.stdout, /^usage:/);
    for (const { link } of runtime.links) {
      const bin = await runtime.run([basename(link), '--help']);
      assert.equal(bin.code, 0, `${basename(link)} --help: ${tail(bin)}`);
      assert.match(bin.stdout, /^usage:/);
    }
  });
}

for (const spec of IMAGES) {
  const image = loadImage(spec);
  describe(`the ${spec.name} image's bundle, built as ${spec.dockerfile} builds it`, () => {
    let built: { build: BundleBuild; runtime: Runtime } | undefined;
    const context = (): { build: BundleBuild; runtime: Runtime } => {
      assert.ok(built, 'the bundle was built');
      return built;
    };
    before(async () => {
      const build = await buildBundle(image);
      built = { build, runtime: prepareRuntime(image, build) };
    });
    after(() => {
      built?.build.remove();
    });

    bundleTests(image, context);

    if (spec.name === 'agent')
      it('renders a folder with its production dependencies alone, Secret values redacted', async () => {
        const { runtime } = context();
        const dir = runtime.path('/tmp/render');
        mkdirSync(dir, { recursive: true });
        writeFileSync(
          join(dir, 'app.yaml'),
          'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  greeting: hello\n---\n' +
            'apiVersion: v1\nkind: Secret\nmetadata:\n  name: web\nstringData:\n  password: s3cret-value\n',
        );
        const render = await runtime.run([...runtime.entrypoint, 'render', '--dir', dir]);
        assert.equal(render.code, 0, tail(render));
        assert.match(render.stdout, /kind: ConfigMap/);
        assert.match(render.stdout, /namespace: default/);
        assert.doesNotMatch(render.stdout, /s3cret-value/);
      });

    if (spec.name === 'hub') {
      it('starts, serves the install manifest built into it through `ferry cluster add`, stops on SIGTERM', async () => {
        const { runtime } = context();
        const hub = await startBundleHub(runtime);
        let code: number | string;
        try {
          const health = await fetch(`${hub.url}/healthz`);
          assert.equal(health.status, 200);
          const add = await runtime.run(
            ['ferry', 'cluster', 'add', 'edge-1', '--repo', 'https://git.example.com/fleet.git'],
            { env: { FERRY_HUB: hub.url, FERRY_TOKEN: hub.adminToken } },
          );
          assert.equal(add.code, 0, tail(add));
          const installed = describeInstall(add.stdout);
          assert.equal(installed.image, shippedAgentImage());
          assert.equal(installed.hubUrl, hub.url);
        } finally {
          code = await hub.stop();
        }
        assert.equal(code, 0, hub.output());
        assert.ok(
          existsSync(join(runtime.env.FERRY_HUB_DATA ?? '', 'hub.db')),
          'the database is in FERRY_HUB_DATA',
        );
      });

      it("serves an overlay's agent image when FERRY_HUB_INSTALL_MANIFEST names the overlay's rendering", async () => {
        const { build, runtime } = context();
        const override = { newName: 'registry.example.com/platform/ferry-agent', newTag: '0.1.0-acme.1' };
        const text = await renderOverlay('deploy/agent', join(build.root, 'overlay'), override);
        const manifest = runtime.path('/etc/ferry-hub/agent.yaml');
        mkdirSync(join(manifest, '..'), { recursive: true });
        writeFileSync(manifest, text);
        const hub = await startBundleHub(runtime, { FERRY_HUB_INSTALL_MANIFEST: manifest });
        let code: number | string;
        try {
          const add = await runtime.run(
            ['ferry', 'cluster', 'add', 'edge-2', '--repo', 'https://git.example.com/fleet.git'],
            { env: { FERRY_HUB: hub.url, FERRY_TOKEN: hub.adminToken } },
          );
          assert.equal(add.code, 0, tail(add));
          const image = `${override.newName}:${override.newTag}`;
          assert.match(add.stderr, new RegExp(`image ${image.replace(/\./g, '\\.')} `));
          assert.equal(describeInstall(add.stdout).image, image);
        } finally {
          code = await hub.stop();
        }
        assert.equal(code, 0, hub.output());
      });
    }
  });
}
