// Render, driven by fixtures named by state: each folder under fixtures/ is a sync path as Git would hold
// it, and its expect.json says what render makes of it: the objects in order (with their file:line and,
// when given, their exact manifests), or every error in order. Fixtures render into the target namespace
// `apps` (unless expect.json's `options` say otherwise) so that namespace defaulting shows.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { formatRef } from '@ferry/shared';
import {
  DEFAULT_RENDER_OPTIONS,
  IGNORE_FILE,
  ParseCache,
  isRenderInput,
  printObjects,
  REDACTED,
  render,
  type RenderedObject,
  type RenderErrorCode,
  type RenderFile,
  type RenderOptions,
} from './index.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const EXPECT_FILE = 'expect.json';
const FIXTURE_OPTIONS: RenderOptions = { ...DEFAULT_RENDER_OPTIONS, targetNamespace: 'apps' };

interface ExpectedObject {
  /** `formatRef` of the object: `Kind/namespace/name`, `Kind/name`, with `.group` after a non-core kind. */
  readonly ref: string;
  readonly file: string;
  readonly line: number;
  readonly namespaceDefaulted?: boolean;
}

interface ExpectedError {
  readonly file: string;
  readonly line: number;
  readonly code: RenderErrorCode;
  /** A part of the message. */
  readonly contains: string;
  /** Something the message must not say (a Secret's value). */
  readonly excludes?: string;
}

interface Expectation {
  readonly options?: Partial<RenderOptions>;
  readonly objects?: readonly ExpectedObject[];
  /** The exact manifests of the objects, in order. */
  readonly manifests?: readonly unknown[];
  readonly errors?: readonly ExpectedError[];
}

/** Every file under `dir`, with `/`-separated paths relative to `root`. */
function readTree(root: string, dir = ''): RenderFile[] {
  return readdirSync(join(root, dir))
    .sort()
    .flatMap((name) => {
      const path = dir === '' ? name : `${dir}/${name}`;
      if (statSync(join(root, path)).isDirectory()) return readTree(root, path);
      return [{ path, content: new Uint8Array(readFileSync(join(root, path))) }];
    });
}

function loadFixture(scenario: string): { files: RenderFile[]; expectation: Expectation } {
  const root = join(FIXTURES, scenario);
  const files = readTree(root).filter((file) => file.path !== EXPECT_FILE);
  const expectation = JSON.parse(readFileSync(join(root, EXPECT_FILE), 'utf8')) as Expectation;
  return { files, expectation };
}

const scenarios = readdirSync(FIXTURES)
  .filter((name) => statSync(join(FIXTURES, name)).isDirectory())
  .sort();

describe('render fixtures', () => {
  it('has a fixture for every state render must handle', () => {
    const required = [
      'plain-multi-doc',
      'list-kind',
      'ignore-file',
      'non-manifest-files-ignored',
      'kustomization-unsupported',
      'kustomization-capital-unsupported',
      'helm-chart-unsupported',
      'invalid-yaml',
      'missing-fields',
      'duplicate-objects',
      'secret-invalid-base64',
      'secret-valid',
      'namespace-defaults',
      'port-protocols',
      'alias-bomb',
      'document-too-large',
      'too-many-objects',
      'yaml11-values',
      'invalid-utf8',
    ];
    assert.deepEqual(
      required.filter((scenario) => !scenarios.includes(scenario)),
      [],
    );
  });

  for (const scenario of scenarios) {
    it(scenario, () => {
      const { files, expectation } = loadFixture(scenario);
      const result = render(files, { ...FIXTURE_OPTIONS, ...expectation.options });

      if (expectation.errors !== undefined) {
        const expected = expectation.errors;
        assert.ok(
          !result.ok,
          `expected ${expected.length} errors, but rendered: ${result.ok ? result.objects.map((o) => formatRef(o.ref)).join(', ') : ''}`,
        );
        assert.deepEqual(
          result.errors.map(({ file, line, code }) => ({ file, line, code })),
          expected.map(({ file, line, code }) => ({ file, line, code })),
          result.errors
            .map((error) => `${error.file}:${error.line} ${error.code}: ${error.message}`)
            .join('\n'),
        );
        result.errors.forEach((error, index) => {
          const want = expected[index];
          assert.ok(want !== undefined);
          assert.ok(error.message.includes(want.contains), `"${error.message}" says "${want.contains}"`);
          if (want.excludes !== undefined) {
            assert.ok(!error.message.includes(want.excludes), `"${error.message}" leaks "${want.excludes}"`);
          }
        });
        return;
      }

      assert.ok(
        result.ok,
        `expected objects, got errors:\n${result.ok ? '' : result.errors.map((e) => `${e.file}:${e.line} ${e.code}: ${e.message}`).join('\n')}`,
      );
      const expected = expectation.objects ?? [];
      assert.deepEqual(
        result.objects.map((object, index) => ({
          ref: formatRef(object.ref),
          file: object.source.file,
          line: object.source.line,
          ...(expected[index]?.namespaceDefaulted === undefined
            ? {}
            : { namespaceDefaulted: object.namespaceDefaulted }),
        })),
        expected,
      );
      if (expectation.manifests !== undefined) {
        assert.deepEqual(
          result.objects.map((object) => object.manifest),
          expectation.manifests,
        );
      }
    });
  }
});

/** Renders one inline YAML file, which must render. */
function renderYaml(path: string, text: string): readonly RenderedObject[] {
  const result = render([{ path, content: new TextEncoder().encode(text) }], FIXTURE_OPTIONS);
  assert.ok(result.ok, result.ok ? '' : JSON.stringify(result.errors));
  return result.objects;
}

const SECRET = `apiVersion: v1
kind: Secret
metadata:
  name: credentials
data:
  password: aHVudGVyMg==
stringData:
  token: plain-token
`;

describe('printObjects', () => {
  it('starts each object with a `# Source: file:line` comment', () => {
    const objects = renderYaml(
      'app/config.yaml',
      '# settings\n\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n',
    );
    assert.equal(
      printObjects(objects, { showSecrets: false }),
      '---\n# Source: app/config.yaml:3\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: apps\n',
    );
  });

  it('redacts the values of Secret data and stringData, and keeps their keys', () => {
    const printed = printObjects(renderYaml('secret.yaml', SECRET), { showSecrets: false });
    assert.match(printed, new RegExp(`password: ${REDACTED}\n`));
    assert.match(printed, new RegExp(`token: ${REDACTED}\n`));
    assert.doesNotMatch(printed, /aHVudGVyMg==|plain-token/);
  });

  it('prints Secret values when showSecrets is set', () => {
    const printed = printObjects(renderYaml('secret.yaml', SECRET), { showSecrets: true });
    assert.match(printed, /password: aHVudGVyMg==\n[^]*token: plain-token\n/);
  });

  it('leaves ConfigMap data alone', () => {
    const printed = printObjects(
      renderYaml(
        'cm.yaml',
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  password: visible\n',
      ),
      {
        showSecrets: false,
      },
    );
    assert.match(printed, /password: visible\n/);
  });

  it('does not redact the objects it was given (it redacts a copy)', () => {
    const objects = renderYaml('secret.yaml', SECRET);
    printObjects(objects, { showSecrets: false });
    assert.deepEqual(objects[0]?.manifest.data, { password: 'aHVudGVyMg==' });
  });

  // The printed stream is "what the agent would apply"; read back (by Ferry, or by kubectl, both YAML 1.1)
  // it must give the same objects, so strings that YAML 1.1 reads as booleans, numbers or timestamps
  // must be printed quoted.
  it('prints strings that YAML 1.1 reads as other types quoted, so the stream renders back to the same objects', () => {
    const objects = renderYaml(
      'cm.yaml',
      `apiVersion: v1
kind: ConfigMap
metadata:
  name: looks-typed
data:
  yesWord: "yes"
  onWord: "on"
  letterY: "y"
  letterN: "N"
  octal: "0400"
  binary: "0b11"
  underscores: "1_000"
  date: "2001-12-14"
  clock: "12:30"
  tilde: "~"
`,
    );
    const printed = printObjects(objects, { showSecrets: true });
    assert.deepEqual(
      renderYaml('printed.yaml', printed).map((object) => object.manifest),
      objects.map((object) => object.manifest),
      printed,
    );
  });
});

describe('isRenderInput', () => {
  const cases: readonly (readonly [string, boolean])[] = [
    ['deploy.yaml', true],
    ['nested/deep/service.yml', true],
    ['config.json', true],
    ['UPPER.YAML', true],
    [IGNORE_FILE, true],
    ['kustomization.yaml', true],
    ['base/kustomization.yml', true],
    ['base/Kustomization', true],
    ['Chart.yaml', true],
    ['README.md', false],
    ['script.sh', false],
    ['deploy.yaml.bak', false],
    ['templates/_helpers.tpl', false],
    ['kustomization', false],
  ];
  for (const [path, wanted] of cases) {
    it(`${wanted ? 'reads' : 'skips'} ${path}`, () => {
      assert.equal(isRenderInput(path), wanted);
    });
  }
});

describe('render with a parse cache', () => {
  it('gives the same objects from the cache, and a caller changing them does not change the cache', () => {
    const cache = new ParseCache();
    const files: RenderFile[] = [
      {
        path: 'cm.yaml',
        content: new TextEncoder().encode(
          'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n',
        ),
      },
    ];
    const first = render(files, FIXTURE_OPTIONS, cache);
    assert.ok(first.ok);
    const data = first.objects[0]?.manifest.data as Record<string, string>;
    data.k = 'changed by a caller';
    const second = render(files, FIXTURE_OPTIONS, cache);
    assert.ok(second.ok);
    assert.deepEqual(second.objects[0]?.manifest.data, { k: 'v' });
    assert.deepEqual(render(files, FIXTURE_OPTIONS), second);
  });
});
