import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { renderInstallManifest, type StaticManifest } from '../../install/index.ts';
import { SAMPLE_TOKEN, sampleValues, shippedStaticManifest } from '../../install/test-static-manifest.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import { clusterFixture } from '../test-fixtures.ts';
import { recordingIo } from '../test-io.ts';
import { deliverManifest } from './install-output.ts';

const cluster = clusterFixture('enrolled-current');
const enrollment = {
  token: SAMPLE_TOKEN,
  expiresAt: '2025-01-02T12:00:00.000Z',
  installUrl: 'https://hub/install/x',
};
const dir = mkdtempSync(join(tmpdir(), 'ferry-install-output-'));
let shipped: StaticManifest;
before(async () => {
  shipped = await shippedStaticManifest();
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

function manifestFor(overrides: Parameters<typeof sampleValues>[0] = {}): string {
  const { repo, ref, path } = cluster.source;
  return renderInstallManifest(shipped, sampleValues({ name: cluster.name, repo, ref, path, ...overrides }));
}

describe('deliverManifest', () => {
  it('says on stderr what the manifest installs, then prints it to stdout', () => {
    const io = recordingIo();
    const manifest = manifestFor();
    deliverManifest({ cluster, enrollment, manifest, file: undefined }, io);
    assert.equal(io.out(), manifest);
    assert.equal(
      io.err(),
      `install manifest for cluster prod-eu-1: repo https://git.example.com/fleet.git, ref main, path clusters/prod-eu-1, ` +
        `image ${shipped.image} (a tag, not pinned by digest); apply with kubectl apply -f -\n` +
        'it reports to https://hub.example.com:8443; its one-time enrollment token is valid until ' +
        '2025-01-02T12:00:00.000Z and works once\n',
    );
  });

  it('writes it to a file only its owner can read', () => {
    const io = recordingIo();
    const file = join(dir, 'm.yaml');
    const manifest = manifestFor();
    deliverManifest({ cluster, enrollment, manifest, file }, io);
    assert.equal(readFileSync(file, 'utf8'), manifest);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(io.out(), '');
    assert.match(io.err(), new RegExp(`apply with kubectl apply -f ${file}\n[^]*wrote ${file}\n$`));
  });

  it("refuses a manifest that does not follow the cluster's source, printing nothing", () => {
    const io = recordingIo();
    assert.throws(
      () => {
        deliverManifest(
          {
            cluster,
            enrollment,
            manifest: manifestFor({ repo: 'https://evil.example/x.git', path: '' }),
            file: undefined,
          },
          io,
        );
      },
      (error: unknown) =>
        error instanceof CliError &&
        error.exitCode === EXIT.failure &&
        error.message.includes('repo https://evil.example/x.git, not https://git.example.com/fleet.git') &&
        error.message.includes('path (root), not clusters/prod-eu-1'),
    );
    assert.equal(io.out(), '');
  });

  it('refuses a text that is no install manifest', () => {
    assert.throws(() => {
      deliverManifest({ cluster, enrollment, manifest: 'kind: List\n', file: undefined }, recordingIo());
    }, /the hub's install manifest cannot be read/);
  });
});
