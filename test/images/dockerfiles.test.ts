// The images' Dockerfiles, read statically (no container runtime works on these machines): a Node.js 20
// base on one Debian release in every stage, COPY sources that exist and that the .dockerignore keeps,
// a numeric non-root USER, an entrypoint and bins that the package's build output produces, and the
// values the install manifest and the hub's configuration rely on. bundles.test.ts builds and starts
// what these files describe.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { all, execForm, parseCopy, stageEnv } from './dockerfile.ts';
import { isExcluded } from './dockerignore.ts';
import {
  APP_DIR,
  BUNDLE_DIR,
  IMAGES,
  imageSpec,
  loadImage,
  readJson,
  REPO_ROOT,
  type PackageJson,
} from './images.ts';
import { imageUser, symbolicLinks } from './runtime.ts';
import { HUB_NODE_OPTIONS } from '../../hub/src/node-options.ts';

/** node:20, node:20.19.5, with a Debian release and optionally -slim and a digest. */
const NODE_IMAGE =
  /^(?:docker\.io\/)?(?:library\/)?node:(\d+)(?:\.\d+){0,2}-([a-z]+)(-slim)?(?:@sha256:[0-9a-f]{64})?$/;

function filesUnder(path: string): string[] {
  if (!statSync(join(REPO_ROOT, path)).isDirectory()) return [path];
  return readdirSync(join(REPO_ROOT, path)).flatMap((entry) => filesUnder(posix.join(path, entry)));
}

interface TsConfig {
  compilerOptions?: { rootDir?: string; outDir?: string };
}

for (const spec of IMAGES) {
  const image = loadImage(spec);
  const { build, final, packageJson, ignore } = image;
  const pkg = spec.packageDir;

  describe(spec.dockerfile, () => {
    it('builds every stage from Node.js 20 on one Debian release, and runs on its slim image', () => {
      const bases = image.dockerfile.stages.map((stage) => stage.base);
      const parsed = bases.map((base) => {
        const match = NODE_IMAGE.exec(base);
        assert.ok(match, `FROM ${base} is not a node:<version>-<debian release> image`);
        return { major: match[1], release: match[2], slim: match[3] !== undefined };
      });
      assert.deepEqual(new Set(parsed.map((p) => p.major)), new Set(['20']), bases.join(', '));
      assert.equal(new Set(parsed.map((p) => p.release)).size, 1, `one Debian release: ${bases.join(', ')}`);
      assert.ok(parsed.at(-1)?.slim, `the runtime stage is a slim image: ${bases.join(', ')}`);
    });

    it('copies from the build context only files that exist and that its .dockerignore keeps', () => {
      const stageNames = image.dockerfile.stages.map((stage) => stage.name);
      for (const stage of image.dockerfile.stages) {
        for (const copy of all(stage, 'COPY').map(parseCopy)) {
          if (copy.from !== undefined) {
            assert.ok(stageNames.includes(copy.from), `COPY --from=${copy.from} names an earlier stage`);
            continue;
          }
          for (const source of copy.sources) {
            const clean = posix.normalize(source).replace(/\/+$/, '');
            assert.doesNotMatch(clean, /[*?[]/, `COPY ${source}: a glob is not checked here`);
            assert.ok(existsSync(join(REPO_ROOT, clean)), `COPY ${source}: no such file in the repository`);
            assert.ok(!isExcluded(ignore, clean), `COPY ${source}: the .dockerignore leaves it out`);
            const kept = filesUnder(clean).filter((file) => !isExcluded(ignore, file));
            assert.ok(kept.length > 0, `COPY ${source}: every file under it is left out`);
          }
        }
      }
    });

    it("leaves a checkout's node_modules, dist and build info out of the context", () => {
      for (const path of [
        'node_modules/.pnpm/yaml@2.9.1/node_modules/yaml/package.json',
        `${pkg}/node_modules/@ferry/shared/package.json`,
        `${pkg}/dist/main.js`,
        'shared/dist/index.js',
        `${pkg}/tsconfig.build.tsbuildinfo`,
        '.git/HEAD',
      ])
        assert.ok(isExcluded(ignore, path), `${path} is sent to the build`);
      for (const path of [`${pkg}/src/main.ts`, 'shared/src/index.ts', 'pnpm-lock.yaml'])
        assert.ok(!isExcluded(ignore, path), `${path} is left out`);
    });

    it('copies the workspace packages it depends on, manifests first', () => {
      const copied = all(build, 'COPY').flatMap((copy) => parseCopy(copy).sources);
      const workspace = Object.entries(packageJson.dependencies ?? {})
        .filter(([, version]) => version.startsWith('workspace:'))
        .map(([name]) => name.replace(/^@ferry\//, ''));
      for (const dir of [...workspace, pkg]) {
        assert.ok(copied.includes(`${dir}/package.json`), `COPY ${dir}/package.json before the install`);
        assert.ok(copied.includes(`${dir}/`), `COPY ${dir}/`);
      }
    });

    it('installs the pnpm the workspace pins', () => {
      const root = readJson('package.json') as PackageJson;
      const pinned = root.packageManager ?? '';
      assert.match(pinned, /^pnpm@\d+\.\d+\.\d+$/);
      assert.ok(
        all(build, 'RUN').some((run) => run.text.includes(`npm install --global ${pinned}`)),
        `the build stage runs npm install --global ${pinned}`,
      );
    });

    it('deploys the package with production dependencies only into /out, which the image holds at /app', () => {
      const deploy = `pnpm --filter ${spec.packageName} --prod deploy ${BUNDLE_DIR}`;
      assert.ok(
        all(build, 'RUN').some((run) => run.text.includes(deploy)),
        `the build stage runs ${deploy}`,
      );
      const copies = all(final, 'COPY').map(parseCopy);
      assert.deepEqual(copies, [{ from: 'build', sources: [`${BUNDLE_DIR}/`], dest: `${APP_DIR}/` }]);
      assert.equal(all(final, 'WORKDIR').at(-1)?.text, APP_DIR);
    });

    it('runs as a numeric, non-root user', () => {
      const users = all(final, 'USER');
      assert.equal(users.length, 1, 'one USER in the runtime stage');
      const user = imageUser(final);
      assert.notEqual(user.uid, 0);
      assert.notEqual(user.gid, 0);
      assert.deepEqual(user, { uid: 65532, gid: 65532 });
    });

    it("starts a file of the package's build output with node", () => {
      const entrypoint = execForm(all(final, 'ENTRYPOINT').at(-1)?.text ?? '');
      assert.ok(entrypoint, 'ENTRYPOINT in exec form');
      const [node, file, ...rest] = entrypoint;
      assert.equal(node, 'node');
      assert.deepEqual(rest, []);
      assert.match(file ?? '', /^\/app\/dist\/.+\.js$/);
      const tsconfig = readJson(`${pkg}/tsconfig.build.json`) as TsConfig;
      assert.equal(tsconfig.compilerOptions?.outDir, 'dist');
      assert.equal(tsconfig.compilerOptions.rootDir, 'src');
      const built = (file ?? '').slice(`${APP_DIR}/`.length);
      const source = `${pkg}/src/${built.slice('dist/'.length).replace(/\.js$/, '.ts')}`;
      assert.ok(
        existsSync(join(REPO_ROOT, source)),
        `${source}, which the build compiles to ${pkg}/${built}`,
      );
      assert.ok(
        Object.values(packageJson.bin ?? {}).includes(`./${built}`),
        `a bin of ${spec.packageName} is ./${built}`,
      );
    });

    it('puts every bin of the package on PATH, pointing into dist and made executable', () => {
      const bins = Object.entries(packageJson.bin ?? {});
      assert.ok(bins.length > 0);
      const links = symbolicLinks(final);
      assert.equal(links.length, bins.length, `one link a bin: ${JSON.stringify(links)}`);
      const runs = all(build, 'RUN').map((run) => run.text);
      for (const [name, path] of bins) {
        assert.match(path, /^\.\/dist\/.+\.js$/, `bin ${name}`);
        const source = `${pkg}/src/${path.slice('./dist/'.length).replace(/\.js$/, '.ts')}`;
        assert.ok(existsSync(join(REPO_ROOT, source)), `bin ${name}: ${source}`);
        assert.ok(readFileSync(join(REPO_ROOT, source), 'utf8').startsWith('#!/usr/bin/env node\n'), source);
        const built = path.slice('./'.length);
        assert.deepEqual(
          links.find((link) => link.link === `/usr/local/bin/${name}`),
          { link: `/usr/local/bin/${name}`, target: `${APP_DIR}/${built}` },
          `ln -s ${APP_DIR}/${built} /usr/local/bin/${name}`,
        );
        assert.ok(
          runs.some((run) => new RegExp(`chmod 0?755 [^&]*${BUNDLE_DIR}/${built}\\b`).test(run)),
          `chmod 0755 ${BUNDLE_DIR}/${built}`,
        );
      }
    });
  });
}

interface Deployment {
  spec: {
    template: {
      spec: {
        securityContext: { runAsUser: number; runAsGroup: number };
        containers: { name: string; args: string[]; env: { name: string; value?: string }[] }[];
      };
    };
  };
}

describe('the images and what runs them', () => {
  it("the agent's image runs what deploy/agent's Deployment asks: its args, user and Git cache", () => {
    const image = loadImage(imageSpec('agent'));
    const deployment = parse(
      readFileSync(join(REPO_ROOT, 'deploy/agent/base/deployment.yaml'), 'utf8'),
    ) as Deployment;
    const pod = deployment.spec.template.spec;
    const container = pod.containers.find((c) => c.name === 'agent');
    assert.ok(container);
    assert.deepEqual(execForm(all(image.final, 'CMD').at(-1)?.text ?? ''), container.args);
    assert.deepEqual(imageUser(image.final), {
      uid: pod.securityContext.runAsUser,
      gid: pod.securityContext.runAsGroup,
    });
    const cache = container.env.find((e) => e.name === 'FERRY_CACHE_DIR')?.value;
    assert.equal(stageEnv(image.final).FERRY_CACHE_DIR, cache);
  });

  it("the hub's image runs Node with the hub's V8 options (what the quick start and the scale benchmark use)", () => {
    assert.equal(stageEnv(loadImage(imageSpec('hub')).final).NODE_OPTIONS, HUB_NODE_OPTIONS);
  });

  it("the hub's image keeps its database in a volume where FERRY_HUB_DATA points, owned by its user", () => {
    const image = loadImage(imageSpec('hub'));
    const data = stageEnv(image.final).FERRY_HUB_DATA;
    assert.equal(data, '/var/lib/ferry-hub', 'the data folder ferry-hub uses by default as root');
    assert.deepEqual(execForm(all(image.final, 'VOLUME').at(-1)?.text ?? ''), [data]);
    const { uid, gid } = imageUser(image.final);
    assert.ok(
      all(image.final, 'RUN').some((run) => run.text.includes(`chown ${uid}:${gid} ${data}`)),
      `chown ${uid}:${gid} ${data}`,
    );
  });

  it("the hub's build has node-gyp's tools and kubectl, and its bundle holds the install manifest", () => {
    const image = loadImage(imageSpec('hub'));
    const runs = all(image.build, 'RUN').map((run) => run.text);
    const apt = runs.find((run) => run.startsWith('apt-get'));
    for (const name of ['python3', 'make', 'g++', 'kubernetes-client'])
      assert.match(
        apt ?? '',
        new RegExp(`\\s${name.replace(/\+/g, '\\+')}(\\s|$)`),
        `apt-get install ${name}`,
      );
    assert.ok(runs.some((run) => run.includes(`test -s ${BUNDLE_DIR}/dist/install/agent.yaml`)));
    const copied = all(image.build, 'COPY').flatMap((copy) => parseCopy(copy).sources);
    assert.ok(copied.includes('deploy/agent/'), 'COPY deploy/agent/ (the hub build renders it)');
    for (const file of filesUnder('deploy/agent'))
      assert.ok(!isExcluded(image.ignore, file), `${file} is left out of the context`);
  });
});
