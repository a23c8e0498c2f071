import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { editYamlMapping, isPlainSafe, parseYamlStream, toYaml, YamlError } from './yaml.ts';

const AMBIGUOUS = [
  'yes',
  'no',
  'on',
  'off',
  'y',
  'n',
  'true',
  'False',
  'null',
  '~',
  '',
  '1',
  '1.0',
  '010',
  '0x1F',
  '0b11',
  '1_000',
  '+600',
  '.inf',
  '2024-01-01',
  '190:20:30',
  ' lead',
  'trail ',
  'a: b',
  'a #b',
  '#c',
  '-x',
  '*a',
  '&a',
  '!t',
  '%x',
  '@x',
  '`x',

  '=',
  '[x]',
  '{x}',
  "'q",
  '"q',
];

describe('toYaml', () => {
  it('quotes every string that YAML 1.1 or 1.2 would read as something else', () => {
    for (const value of AMBIGUOUS) {
      const text = toYaml({ value });
      assert.deepEqual(parseYamlStream(text, 'test'), [{ value }], `${JSON.stringify(value)} as ${text}`);
      assert.match(text, /^value: "/, `${JSON.stringify(value)} is quoted`);
    }
  });

  it('writes plain strings plainly and keeps numbers and booleans', () => {
    assert.equal(
      toYaml({ url: 'https://hub.example.com:8443', ok: true, count: 3, name: 'ferry-agent' }),
      'url: https://hub.example.com:8443\nok: true\ncount: 3\nname: ferry-agent\n',
    );
  });

  it('writes multi-line strings as literal blocks', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    const text = toYaml({ 'ca.crt': pem });
    assert.equal(text, 'ca.crt: |\n  -----BEGIN CERTIFICATE-----\n  AAAA\n  -----END CERTIFICATE-----\n');
    assert.deepEqual(parseYamlStream(text, 'test'), [{ 'ca.crt': pem }]);
  });

  it('tells plain-safe strings apart', () => {
    assert.equal(isPlainSafe('main'), true);
    assert.equal(isPlainSafe('tag:v1.2.0'), true);
    assert.equal(isPlainSafe('yes'), false);
    assert.equal(isPlainSafe('key:'), false);
  });
});

describe('parseYamlStream', () => {
  it('skips empty documents and names the source of an error', () => {
    assert.deepEqual(parseYamlStream('---\na: 1\n---\n# only a comment\n---\nb: 2\n', 's'), [
      { a: 1 },
      { b: 2 },
    ]);
    assert.throws(
      () => parseYamlStream('a: [1\n', 'the file'),
      (error: unknown) => error instanceof YamlError && error.message.startsWith('the file: '),
    );
  });
});

describe('editYamlMapping', () => {
  const TEXT = `kind: GitSync
spec:
  # The repository.
  repo: https://old.example/x.git
  ref: main
  # A comment before interval.
  interval: 60s
`;

  it('sets, inserts after a key, and deletes, keeping comments', () => {
    const edited = editYamlMapping(
      TEXT,
      ['spec'],
      [
        { key: 'repo', value: 'https://new.example/y.git' },
        { key: 'path', value: 'clusters/a', after: 'ref' },
        { key: 'ref', value: undefined },
      ],
      'test',
    );
    assert.equal(
      edited,
      `kind: GitSync
spec:
  # The repository.
  repo: https://new.example/y.git
  path: clusters/a
  # A comment before interval.
  interval: 60s
`,
    );
  });

  it('adds a key at the end when its neighbour is absent', () => {
    const edited = editYamlMapping(TEXT, ['spec'], [{ key: 'path', value: 'p', after: 'missing' }], 'test');
    assert.match(edited, /interval: 60s\n {2}path: p\n$/);
  });

  it('refuses a path that is not a mapping', () => {
    assert.throws(() => editYamlMapping(TEXT, ['kind'], [], 'the text'), /the text: kind is not a mapping/);
  });
});
