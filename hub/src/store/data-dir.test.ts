import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultDataDir, defaultDbPath } from './data-dir.ts';

describe('the default data directory', () => {
  it('is FERRY_HUB_DATA when it is set', () => {
    assert.equal(
      defaultDataDir({ env: { FERRY_HUB_DATA: '/srv/ferry' }, uid: 0, home: '/root' }),
      '/srv/ferry',
    );
  });

  it('is /var/lib/ferry-hub for root', () => {
    assert.equal(defaultDataDir({ env: {}, uid: 0, home: '/root' }), '/var/lib/ferry-hub');
  });

  it('is ~/.ferry-hub for anyone else, and an empty FERRY_HUB_DATA counts as unset', () => {
    assert.equal(
      defaultDataDir({ env: { FERRY_HUB_DATA: '' }, uid: 1000, home: '/home/ann' }),
      '/home/ann/.ferry-hub',
    );
  });

  it('holds the database file hub.db', () => {
    assert.equal(defaultDbPath({ env: {}, uid: 0, home: '/root' }), '/var/lib/ferry-hub/hub.db');
  });
});
