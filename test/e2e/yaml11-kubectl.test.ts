// End to end: Ferry reads YAML the way Kubernetes does. kubectl (the referee: its YAML is go-yaml v2,
// YAML 1.1, through sigs.k8s.io/yaml) and Ferry's render() read the same file, and must give the same
// objects. kubectl runs `create --dry-run=client -o json`, which needs a reachable cluster for discovery
// only and creates nothing; `--validate=false` keeps its client-side schema check (which rejects nulls)
// out of a comparison of parsing. Where kubectl refuses a document, Ferry must refuse it too; where
// Kubernetes only refuses at the API server (a boolean where a string belongs), the server dry-run shows
// it and Ferry renders the document (it does not know field types; the apply reports the server's error).
// Only flags kubectl 1.20 has: create, --dry-run=client|server, --validate=false, -o json|jsonpath, -n, -f.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_RENDER_OPTIONS, render, type RenderResult } from '../../agent/src/render/index.ts';
import { freshNamespace, Harness, HarnessError, type FreshNamespace } from '../harness/src/index.ts';

const CLUSTER = process.env.FERRY_TEST_CLUSTER ?? 'c1';

type Json = Record<string, unknown>;

/** The top-level values of a JSON stream: kubectl 1.32 prints one value per object. */
function parseJsonStream(text: string): unknown[] {
  const values: unknown[] = [];
  let depth = 0;
  let start = 0;
  let inString = false;
  let escaped = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (inString) {
      if (escaped) escaped = false;
      else if (char === '\\') escaped = true;
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
    } else if (char === '{' || char === '[') {
      if (depth === 0) start = index;
      depth += 1;
    } else if (char === '}' || char === ']') {
      depth -= 1;
      if (depth === 0) values.push(JSON.parse(text.slice(start, index + 1)));
    }
  }
  return values;
}

/** Older kubectl print several objects as one `kind: List`. */
function flattenLists(values: readonly unknown[]): Json[] {
  return values.flatMap((value) => {
    const object = value as Json;
    return object.kind === 'List' && Array.isArray(object.items) ? (object.items as Json[]) : [object];
  });
}

function at(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((current, key) => (current as Json | undefined)?.[key], value);
}

const DEPLOYMENT_INTS = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ints
spec:
  replicas: 0x2
  revisionHistoryLimit: 1_0
  progressDeadlineSeconds: +600
  minReadySeconds: 0b11
  selector:
    matchLabels:
      app: ints
  template:
    metadata:
      labels:
        app: ints
    spec:
      terminationGracePeriodSeconds: 010
      containers:
        - name: app
          image: example.invalid/app:1
      volumes:
        - name: credentials
          secret:
            secretName: credentials
            defaultMode: 0400
`;

const DEPLOYMENT_BOOLS = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: bools
spec:
  paused: yes
  selector:
    matchLabels:
      app: bools
  template:
    metadata:
      labels:
        app: bools
    spec:
      automountServiceAccountToken: off
      enableServiceLinks: No
      hostNetwork: n
      hostPID: N
      hostIPC: OFF
      containers:
        - name: app
          image: example.invalid/app:1
          stdin: Y
          tty: on
          securityContext:
            privileged: False
            allowPrivilegeEscalation: NO
            readOnlyRootFilesystem: On
`;

const configMap = (name: string, data: string): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n${data}`;

interface Case {
  readonly name: string;
  readonly text: string;
  /** File extension: kubectl sniffs the content, Ferry goes by the extension. */
  readonly extension?: string;
}

/** Documents that kubectl and Ferry read alike (every case here passes). */
const SAME: readonly Case[] = [
  { name: 'YAML 1.1 integers in int fields: 0x2, 010, 0400, 1_0, +600, 0b11', text: DEPLOYMENT_INTS },
  { name: 'YAML 1.1 booleans in boolean fields: yes, no, on, off, y, n in any case', text: DEPLOYMENT_BOOLS },
  {
    name: 'booleans, integers and floats as map keys become their JSON spelling',
    text: configMap(
      'keys',
      '  yes: a\n  Off: b\n  0x1F: c\n  010: d\n  1.5: e\n  1e3: f\n  +12: g\n  .5: h\n',
    ),
  },
  {
    name: 'quoted scalars stay strings',
    text: configMap(
      'quoted',
      `  octal: "0400"
  yesWord: 'yes'
  onWord: "on"
  letterN: "n"
  hex: "0x1F"
  underscores: "1_000"
  tilde: "~"
  nullWord: 'null'
  date: "2001-12-14"
  clock: "12:30"
  exponent: "1e3"
  empty: ""
  "yes": quoted key
`,
    ),
  },
  {
    name: 'numbers in YAML 1.1 spellings: .5, 1., 08.5, 1e3, exponents with underscores, -0, 0800, 08, +12',
    text: configMap(
      'numbers',
      `  half: .5
  one: 1.
  eightAndAHalf: 08.5
  exponent: 1e3
  scientific: 6.8523015e+5
  underscored: 685.230_15e+03
  negativeZero: -0
  notOctal: 0800
  eight: 08
  plus: +12
  binary: 0b101
  hex: 0x1F
  thousand: 1_000
  octal: 0400
  largestExact: 9007199254740991
`,
    ),
  },
  {
    name: 'null in every spelling: ~, null, Null, NULL, and an empty value',
    text: configMap('nulls', '  tilde: ~\n  word: null\n  capital: Null\n  upper: NULL\n  empty:\n'),
  },
  {
    name: 'anchors, aliases and merge keys: local keys win, then the earlier merge',
    text: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: merged
  labels: &labels
    app: merged
    tier: front
  annotations: &extra
    tier: ignored
    team: core
spec:
  selector:
    matchLabels: *labels
  template:
    metadata:
      labels:
        <<: *labels
        version: v1
      annotations:
        <<: [*labels, *extra]
        team: own
    spec:
      containers:
        - name: app
          image: example.invalid/app:1
          resources:
            limits: &limits
              cpu: 100m
              memory: 64Mi
            requests:
              <<: *limits
              cpu: 50m
`,
  },
  {
    name: 'block scalars: |, |-, |+, >, >- and an indentation indicator',
    text: configMap(
      'blocks',
      `  literal: |
    line one
      indented
    line three
  strip: |-
    stripped
  keep: |+
    kept

  folded: >
    folded
    text

    new paragraph
  foldedStrip: >-
    folded
    stripped
  indicator: |2
      two extra spaces
    base
  last: end
`,
    ),
  },
  {
    name: 'escapes in double quotes, quotes in single quotes, folded plain scalars and comments',
    text: configMap(
      'strings',
      `  escapes: "tab\\there\\nunicode \\u00e9 hex \\x41"
  single: 'it''s # not a comment'
  plain: one
    two
  hash: value # a comment
  colon: "a: b"
  url: http://example.invalid:8080/path
`,
    ),
  },
  {
    name: 'strings that only look special: 1.2.3, v1, 0x, 0b2, 1e, _1, a hex float, 12:60, =',
    text: configMap(
      'lookalikes',
      '  version: 1.2.3\n  v: v1\n  ip: 0.0.0.0\n  x: 0x\n  b: 0b2\n  e: 1e\n  u: _1\n  hexFloat: 0x1.8p1\n  clock: 12:60\n  equals: =\n',
    ),
  },
  {
    name: 'explicit tags: !!str, !!int and !!bool',
    text: configMap(
      'tags',
      '  strOctal: !!str 0400\n  strYes: !!str yes\n  strTilde: !!str ~\n  intQuoted: !!int "12"\n  boolQuoted: !!bool "true"\n',
    ),
  },
  {
    name: 'a kind: List and a ConfigMapList expand into their items',
    text: `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: first
    data:
      on: "off"
  - apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: second
    spec:
      replicas: 010
      selector:
        matchLabels:
          app: second
      template:
        metadata:
          labels:
            app: second
        spec:
          containers:
            - name: app
              image: example.invalid/app:1
---
apiVersion: v1
kind: ConfigMapList
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: third
`,
  },
  {
    name: 'a stream with comments, empty documents and a trailing ---',
    text: `# leading comment
---
${configMap('one', '  a: "1"\n')}---
---
# only a comment
---
${configMap('two', '  b: "2"\n')}---
`,
  },
  {
    name: 'CRLF line endings',
    text: configMap('crlf', '  a: yes\n  block: |\n    one\n    two\n').replaceAll('\n', '\r\n'),
  },
  {
    name: 'a .json file',
    extension: 'json',
    text: '{\n  "apiVersion": "v1",\n  "kind": "ConfigMap",\n  "metadata": { "name": "json" },\n  "data": { "yes": "on", "n": 1.5, "big": 9007199254740991, "nested": null }\n}\n',
  },
];

/** Documents that kubectl reads one way and Ferry another: each asserts kubectl's reading. */
const DIFFERENT: readonly Case[] = [
  {
    name: 'an unquoted date or timestamp stays the string it was written as',
    text: `apiVersion: v1
kind: ConfigMap
metadata:
  name: dates
  annotations:
    released: 2001-12-14
data:
  date: 2001-12-14
  timestamp: 2001-12-14t21:59:43.10-05:00
  spaced: 2001-12-14 21:59:43.10 -5
`,
  },
  {
    name: 'a date as a map key stays as written',
    text: configMap('date-key', '  2001-12-14: released\n'),
  },
  {
    name: 'clock-like (YAML 1.1 base 60) values and keys stay strings',
    text: configMap(
      'clocks',
      '  clock: 12:30\n  hms: 1:2:3\n  withFraction: 190:20:30.15\n  1:20: as a key\n',
    ),
  },
  {
    name: "Go's integer prefixes 0o, 0O, 0X and 0B are integers",
    text: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: prefixes
spec:
  replicas: 0o3
  minReadySeconds: 0X1F
  revisionHistoryLimit: 0B11
  progressDeadlineSeconds: 0O1130
  selector:
    matchLabels:
      app: prefixes
  template:
    metadata:
      labels:
        app: prefixes
    spec:
      terminationGracePeriodSeconds: 0o10
      containers:
        - name: app
          image: example.invalid/app:1
`,
  },
  {
    name: 'e followed by digits, and a lone dot, are strings (not NaN)',
    text: configMap(
      'not-numbers',
      '  e1: e5\n  E2: -e3\n  dot: .\n  plusDot: +.\n  dotE: .e1\n  underscore: ._\n',
    ),
  },
  {
    name: '!!binary is its decoded bytes, as a string',
    text: configMap('binary', '  greeting: !!binary aGVsbG8=\n'),
  },
  {
    name: '!!float on an integer is a number',
    text: configMap('float-tag', '  one: !!float 1\n'),
  },
  {
    name: 'float keys are spelled as Go spells them: 1e6 is "1e+06", .inf is ".inf"',
    text: configMap('float-keys', '  1e6: million\n  1234567.0: digits\n  .inf: infinite\n'),
  },
  {
    name: 'a .json file that holds YAML is read as YAML 1.1 (kubectl goes by the content)',
    extension: 'json',
    text: configMap('yaml-in-json', '  enabled: yes\n  mode: 0400\n'),
  },
];

/** Documents kubectl refuses to read: Ferry must refuse them too, with file:line. */
const REFUSED: readonly (Case & { readonly kubectl: RegExp })[] = [
  {
    name: '.inf and .nan cannot be JSON',
    text: configMap('infinite', '  big: .inf\n  unknown: .nan\n'),
    kubectl: /unsupported value: (\+Inf|NaN)/,
  },
  {
    name: 'a null key',
    text: configMap('null-key', '  ~: value\n'),
    kubectl: /unsupported map key/,
  },
  {
    name: 'a sequence as a key',
    text: configMap('sequence-key', '  [a, b]: value\n'),
    kubectl: /invalid map key/,
  },
  {
    name: 'a %YAML 1.2 directive (go-yaml v2 reads 1.1 only; Ferry would switch to 1.2: 0400 → 400, yes → "yes")',
    text: `%YAML 1.2\n--- \n${configMap('yaml12', '  mode: 0400\n  enabled: yes\n')}`,
    kubectl: /incompatible YAML document/,
  },
  {
    name: 'a .json file that is not JSON (0400)',
    extension: 'json',
    text: '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "not-json"}, "data": {"a": 0400}}\n',
    kubectl: /invalid character/,
  },
];

describe('Ferry reads YAML as kubectl does', () => {
  const harness = Harness.fromEnv();
  const kube = harness.kube(CLUSTER);
  let ns: FreshNamespace;
  let dir: string;
  let files = 0;

  before(async () => {
    ns = await freshNamespace(kube, 'yaml11');
    dir = mkdtempSync(join(tmpdir(), 'ferry-yaml11-'));
  });
  after(async () => {
    await ns.remove();
    await kube.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function write(text: string, extension = 'yaml'): string {
    files += 1;
    const path = join(dir, `case-${files}.${extension}`);
    writeFileSync(path, text);
    return path;
  }

  function ferry(path: string): RenderResult {
    const name = path.slice(dir.length + 1);
    return render([{ path: name, content: new Uint8Array(readFileSync(path)) }], {
      ...DEFAULT_RENDER_OPTIONS,
      targetNamespace: ns.name,
    });
  }

  function ferryObjects(path: string): Json[] {
    const result = ferry(path);
    assert.ok(result.ok, `Ferry refused it: ${result.ok ? '' : JSON.stringify(result.errors)}`);
    return result.objects.map((object) => object.manifest);
  }

  async function kubectl(path: string, dryRun: 'client' | 'server', validate = false): Promise<Json[]> {
    const args = ['create', `--dry-run=${dryRun}`, '-o', 'json', '-n', ns.name, '-f', path];
    const output = await harness.kubectl(CLUSTER, validate ? args : [...args, '--validate=false']);
    return flattenLists(parseJsonStream(output));
  }

  async function kubectlRefuses(
    path: string,
    dryRun: 'client' | 'server',
    validate = false,
  ): Promise<string> {
    let output: string;
    try {
      output = await harness.kubectl(CLUSTER, [
        'create',
        `--dry-run=${dryRun}`,
        '-o',
        'json',
        '-n',
        ns.name,
        '-f',
        path,
        ...(validate ? [] : ['--validate=false']),
      ]);
    } catch (error) {
      if (!(error instanceof HarnessError)) throw error;
      return error.message;
    }
    return assert.fail(`kubectl accepted it: ${output}`);
  }

  describe('documents both read alike', () => {
    for (const { name, text, extension } of SAME) {
      it(name, async () => {
        const path = write(text, extension);
        assert.deepEqual(ferryObjects(path), await kubectl(path, 'client'));
      });
    }
  });

  describe('documents Ferry reads differently from kubectl (each asserts what kubectl reads)', () => {
    for (const { name, text, extension } of DIFFERENT) {
      it(name, async () => {
        const path = write(text, extension);
        const expected = await kubectl(path, 'client');
        assert.deepEqual(ferryObjects(path), expected, `kubectl reads ${JSON.stringify(expected)}`);
      });
    }

    it('integers beyond 2^53: kubectl keeps every digit, Ferry refuses them rather than change them', async () => {
      const text = `apiVersion: batch/v1
kind: Job
metadata:
  name: big
spec:
  activeDeadlineSeconds: 9007199254740993
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: app
          image: example.invalid/app:1
`;
      const path = write(text);
      // JSON.parse would round kubectl's answer as Ferry rounds its own: compare the digits kubectl prints.
      const digits = await harness.kubectl(CLUSTER, [
        'create',
        '--dry-run=client',
        '--validate=false',
        '-o',
        'jsonpath={.spec.activeDeadlineSeconds}',
        '-n',
        ns.name,
        '-f',
        path,
      ]);
      assert.equal(digits, '9007199254740993');
      // A JavaScript number cannot hold it; rounding it silently would apply a value nobody wrote.
      const result = ferry(path);
      assert.ok(!result.ok);
      assert.deepEqual(
        result.errors.map(({ line, code }) => ({ line, code })),
        [{ line: 6, code: 'invalid-yaml' }],
      );
      assert.match(result.errors[0]?.message ?? '', /9007199254740993 is beyond/);
    });
  });

  describe('documents kubectl refuses to read, which Ferry must refuse too', () => {
    for (const { name, text, extension, kubectl: refusal } of REFUSED) {
      it(name, async () => {
        const path = write(text, extension);
        assert.match(await kubectlRefuses(path, 'client'), refusal);
        const result = ferry(path);
        assert.ok(
          !result.ok,
          `Ferry rendered ${JSON.stringify(result.ok ? result.objects.map((o) => o.manifest) : [])}`,
        );
        assert.equal(result.errors[0]?.code, 'invalid-yaml', JSON.stringify(result.errors));
      });
    }
  });

  describe('documents where Ferry is stricter than kubectl on purpose', () => {
    // go-yaml v2 keeps the last of two equal keys without a word; Ferry (like kustomize's kyaml) reports
    // the duplicate at its line, since one of the two values is silently lost.
    it('duplicate keys: kubectl keeps the last, Ferry reports the second key', async () => {
      const path = write(configMap('duplicates', '  a: first\n  a: second\n'));
      assert.deepEqual(at((await kubectl(path, 'client'))[0], 'data'), { a: 'second' });
      const result = ferry(path);
      assert.ok(!result.ok);
      assert.deepEqual(
        result.errors.map(({ line, code }) => ({ line, code })),
        [{ line: 7, code: 'invalid-yaml' }],
      );
    });

    it('keys that YAML 1.1 reads as the same boolean (yes, on): kubectl keeps the last, Ferry reports them', async () => {
      const path = write(configMap('same-boolean', '  yes: a\n  on: b\n'));
      assert.deepEqual(at((await kubectl(path, 'client'))[0], 'data'), { true: 'b' });
      const result = ferry(path);
      assert.ok(!result.ok);
      assert.equal(result.errors[0]?.code, 'invalid-yaml');
    });

    // kubectl reads a stream of JSON values; Ferry reads a .json file as one JSON document.
    it('a .json file with two objects one after the other: both read both', async () => {
      const path = write(
        '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}\n{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b"}}\n',
        'json',
      );
      assert.deepEqual(
        (await kubectl(path, 'client')).map((object) => at(object, 'metadata.name')),
        ['a', 'b'],
      );
      const result = ferry(path);
      assert.ok(result.ok);
      assert.deepEqual(
        result.objects.map((object) => [object.manifest.metadata.name, object.source.line]),
        [
          ['a', 1],
          ['b', 2],
        ],
      );
    });
  });

  describe('the API server', () => {
    it('takes YAML 1.1 integers and booleans with the values Ferry reads', async () => {
      const fields = [
        'spec.replicas',
        'spec.revisionHistoryLimit',
        'spec.progressDeadlineSeconds',
        'spec.minReadySeconds',
        'spec.paused',
        'spec.template.spec.terminationGracePeriodSeconds',
        'spec.template.spec.volumes',
        'spec.template.spec.automountServiceAccountToken',
        'spec.template.spec.enableServiceLinks',
        'spec.template.spec.hostNetwork',
        'spec.template.spec.hostPID',
        'spec.template.spec.hostIPC',
      ];
      for (const text of [DEPLOYMENT_INTS, DEPLOYMENT_BOOLS]) {
        const path = write(text);
        const [server] = await kubectl(path, 'server');
        const [ours] = ferryObjects(path);
        // The server leaves out booleans that are false (omitempty).
        const same = (theirs: unknown, mine: unknown, field: string): void => {
          assert.deepEqual(mine === false && theirs === undefined ? false : theirs, mine, field);
        };
        for (const field of fields) {
          if (at(ours, field) !== undefined) same(at(server, field), at(ours, field), field);
        }
        const serverContainer = (at(server, 'spec.template.spec.containers') as Json[])[0];
        const ourContainer = (at(ours, 'spec.template.spec.containers') as Json[])[0];
        for (const field of ['stdin', 'tty', 'securityContext']) {
          if (ourContainer?.[field] !== undefined) same(serverContainer?.[field], ourContainer[field], field);
        }
      }
      assert.equal(
        at(ferryObjects(write(DEPLOYMENT_INTS))[0], 'spec.template.spec.volumes.0.secret.defaultMode'),
        256,
      );
    });

    // ConfigMap data must be strings. kubectl's client dry-run passes a boolean or a number through; the
    // API server refuses it. Ferry renders it as it reads it (it does not know field types), so the
    // refusal comes from the server at apply time, with the server's message.
    it('refuses a boolean or a number in ConfigMap data, which kubectl and Ferry both read', async () => {
      const path = write(configMap('typed-data', '  enabled: yes\n  mode: 0400\n'));
      assert.deepEqual(at((await kubectl(path, 'client'))[0], 'data'), { enabled: true, mode: 256 });
      assert.match(await kubectlRefuses(path, 'server'), /cannot be handled as a ConfigMap/);
      assert.deepEqual(at(ferryObjects(path)[0], 'data'), { enabled: true, mode: 256 });
    });

    it('refuses Secret data that is not base64, and Ferry refuses it first without printing the value', async () => {
      const path = write(
        'apiVersion: v1\nkind: Secret\nmetadata:\n  name: plain\ndata:\n  password: hunter2-plain!\n',
      );
      assert.match(await kubectlRefuses(path, 'server'), /illegal base64/);
      const result = ferry(path);
      assert.ok(!result.ok);
      assert.deepEqual(
        result.errors.map(({ code }) => code),
        ['invalid-secret'],
      );
      for (const error of result.errors) assert.doesNotMatch(error.message, /hunter2/);
    });
  });

  // kubectl's client-side schema check (on by default) refuses a null where the schema wants a string;
  // Ferry's Secret check refuses a null Secret value too.
  it('kubectl validation and Ferry both refuse a null Secret value', async () => {
    const path = write('apiVersion: v1\nkind: Secret\nmetadata:\n  name: empty\ndata:\n  empty:\n');
    assert.match(await kubectlRefuses(path, 'client', true), /unknown object type "nil"/);
    const result = ferry(path);
    assert.ok(!result.ok);
    assert.equal(result.errors[0]?.code, 'invalid-secret');
  });
});
