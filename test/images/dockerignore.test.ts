// The .dockerignore reader against the rules Docker documents: parent folders, `**`, exceptions and
// their order, cleaned patterns.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isExcluded, parseDockerignore } from './dockerignore.ts';

const excluded = (ignore: string, path: string): boolean => isExcluded(parseDockerignore(ignore), path);

describe('parseDockerignore and isExcluded', () => {
  it('excludes what a pattern matches and everything under it', () => {
    assert.ok(excluded('hub', 'hub/src/main.ts'));
    assert.ok(excluded('deploy/examples', 'deploy/examples/agent-overlay/kustomization.yaml'));
    assert.ok(!excluded('deploy/examples', 'deploy/agent/kustomization.yaml'));
    assert.ok(!excluded('hub', 'hubris.txt'));
  });

  it('reads **/ as any number of folders, none included, and * as one name', () => {
    const ignore = '**/node_modules\n**/*.tsbuildinfo\n*/temp*';
    assert.ok(excluded(ignore, 'node_modules/.pnpm/a/package.json'));
    assert.ok(excluded(ignore, 'agent/node_modules/ws/index.js'));
    assert.ok(!excluded(ignore, 'agent/src/node_modules.ts'));
    assert.ok(excluded(ignore, 'tsconfig.tsbuildinfo'));
    assert.ok(excluded(ignore, 'hub/dist/x.tsbuildinfo'));
    assert.ok(excluded(ignore, 'somedir/temporary.txt'));
    assert.ok(!excluded(ignore, 'somedir/sub/temporary.txt'));
  });

  it('lets the last matching line decide, so ! brings a path back', () => {
    assert.ok(!excluded('*.md\n!README*.md\nREADME-secret.md', 'README.md'));
    assert.ok(excluded('*.md\n!README*.md\nREADME-secret.md', 'README-secret.md'));
    assert.ok(!excluded('*.md\nREADME-secret.md\n!README*.md', 'README-secret.md'));
    assert.ok(!excluded('*\n!shared', 'shared/src/index.ts'));
    assert.ok(excluded('*\n!shared', 'agent/src/main.ts'));
  });

  it('cleans patterns and skips comments and blank lines', () => {
    assert.ok(excluded('# a comment\n\n/dist/\n', 'dist/main.js'));
    assert.ok(excluded('./docs/../docs', 'docs/README.md'));
    assert.ok(!excluded('#docs', 'docs/README.md'));
  });
});
