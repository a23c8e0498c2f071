// Schema version 1: every table of the hub. Times are milliseconds since the Unix epoch; JSON columns
// are checked with json_valid; children of a cluster go with it (ON DELETE CASCADE).

export const SCHEMA_V1 = `
CREATE TABLE clusters (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  labels TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(labels)),
  repo TEXT NOT NULL,
  ref TEXT NOT NULL,
  path TEXT NOT NULL,
  target_namespace TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'enrolled', 'recovering')),
  cluster_uid TEXT,
  agent_version TEXT,
  kubernetes_version TEXT,
  created_at INTEGER NOT NULL,
  enrolled_at INTEGER,
  last_heard_at INTEGER,
  sync_id TEXT,
  sync_revision TEXT,
  sync_result TEXT,
  sync_commit_time INTEGER,
  sync_started_at INTEGER,
  applied_revision TEXT,
  last_applied_at INTEGER,
  health_status TEXT,
  health_message TEXT,
  refusal TEXT,
  refused_at INTEGER,
  recovery_started_at INTEGER,
  recovered_at INTEGER,
  recovery_expected INTEGER
) STRICT;
CREATE INDEX clusters_repo ON clusters (repo);
CREATE INDEX clusters_last_heard ON clusters (last_heard_at);

CREATE TABLE enrollment_tokens (
  digest TEXT PRIMARY KEY,
  cluster_id INTEGER NOT NULL REFERENCES clusters (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_by_credential_digest TEXT,
  used_at INTEGER,
  superseded_at INTEGER
) STRICT;
CREATE INDEX enrollment_tokens_cluster ON enrollment_tokens (cluster_id);

CREATE TABLE credentials (
  digest TEXT PRIMARY KEY,
  cluster_id INTEGER NOT NULL REFERENCES clusters (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  connected_at INTEGER,
  revoked_at INTEGER,
  revoked_reason TEXT
) STRICT;
CREATE INDEX credentials_cluster ON credentials (cluster_id);
CREATE UNIQUE INDEX credentials_one_active ON credentials (cluster_id) WHERE revoked_at IS NULL;

CREATE TABLE api_tokens (
  digest TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('viewer', 'admin')),
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
) STRICT;
CREATE UNIQUE INDEX api_tokens_active_name ON api_tokens (name) WHERE revoked_at IS NULL;

CREATE TABLE agent_epochs (
  cluster_id INTEGER NOT NULL REFERENCES clusters (id) ON DELETE CASCADE,
  epoch TEXT NOT NULL,
  last_seq INTEGER NOT NULL,
  first_seen_at INTEGER NOT NULL,
  PRIMARY KEY (cluster_id, epoch)
) STRICT;

CREATE TABLE syncs (
  id INTEGER PRIMARY KEY,
  cluster_id INTEGER NOT NULL REFERENCES clusters (id) ON DELETE CASCADE,
  sync_id TEXT NOT NULL,
  revision TEXT,
  commit_time INTEGER,
  started_at INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL,
  result TEXT NOT NULL,
  health_status TEXT NOT NULL,
  health_message TEXT NOT NULL,
  counts TEXT NOT NULL CHECK (json_valid(counts)),
  errors TEXT NOT NULL CHECK (json_valid(errors)),
  UNIQUE (cluster_id, sync_id)
) STRICT;
CREATE INDEX syncs_newest ON syncs (cluster_id, started_at, id);

CREATE TABLE resources (
  cluster_id INTEGER NOT NULL REFERENCES clusters (id) ON DELETE CASCADE,
  api_group TEXT NOT NULL,
  version TEXT NOT NULL,
  kind TEXT NOT NULL,
  namespace TEXT NOT NULL,
  name TEXT NOT NULL,
  health_status TEXT NOT NULL,
  health_message TEXT NOT NULL,
  last_action TEXT,
  drifted INTEGER NOT NULL DEFAULT 0 CHECK (drifted IN (0, 1)),
  PRIMARY KEY (cluster_id, api_group, kind, namespace, name)
) STRICT, WITHOUT ROWID;

CREATE TABLE snapshots (
  cluster_id INTEGER NOT NULL REFERENCES clusters (id) ON DELETE CASCADE,
  snapshot_id TEXT NOT NULL,
  digest TEXT NOT NULL,
  complete INTEGER NOT NULL DEFAULT 0 CHECK (complete IN (0, 1)),
  chunks INTEGER NOT NULL DEFAULT 0,
  started_at INTEGER NOT NULL,
  completed_at INTEGER,
  PRIMARY KEY (cluster_id, snapshot_id)
) STRICT;

CREATE TABLE snapshot_staging (
  cluster_id INTEGER NOT NULL,
  snapshot_id TEXT NOT NULL,
  api_group TEXT NOT NULL,
  version TEXT NOT NULL,
  kind TEXT NOT NULL,
  namespace TEXT NOT NULL,
  name TEXT NOT NULL,
  health_status TEXT NOT NULL,
  health_message TEXT NOT NULL,
  last_action TEXT,
  drifted INTEGER NOT NULL CHECK (drifted IN (0, 1)),
  PRIMARY KEY (cluster_id, snapshot_id, api_group, kind, namespace, name),
  FOREIGN KEY (cluster_id, snapshot_id) REFERENCES snapshots (cluster_id, snapshot_id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  cluster_id INTEGER NOT NULL REFERENCES clusters (id) ON DELETE CASCADE,
  at INTEGER NOT NULL,
  type TEXT NOT NULL,
  reason TEXT NOT NULL,
  message TEXT NOT NULL
) STRICT;
CREATE INDEX events_newest ON events (cluster_id, at, id);

CREATE TABLE drift (
  id INTEGER PRIMARY KEY,
  cluster_id INTEGER NOT NULL REFERENCES clusters (id) ON DELETE CASCADE,
  api_group TEXT NOT NULL,
  version TEXT NOT NULL,
  kind TEXT NOT NULL,
  namespace TEXT NOT NULL,
  name TEXT NOT NULL,
  drift_kind TEXT NOT NULL,
  fields TEXT NOT NULL CHECK (json_valid(fields)),
  action TEXT NOT NULL,
  at INTEGER NOT NULL
) STRICT;
CREATE INDEX drift_newest ON drift (cluster_id, at, id);
`;
