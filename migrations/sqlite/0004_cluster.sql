-- Several nodes on one database: which nodes are alive, the standalone streams that every node
-- appends to, which node serves which POST stream, and what one node hands to another.
-- (SQLite has one node: these tables stay empty there, kept so both engines have one schema.)
CREATE TABLE nodes (
  id           TEXT PRIMARY KEY,
  started_at   BIGINT NOT NULL,
  heartbeat_at BIGINT NOT NULL
);

-- The last seq of a stream that any node may append to (a session's GET stream): its next event
-- takes last_seq + 1 under this row's lock, so seqs are given in commit order across nodes.
CREATE TABLE stream_heads (
  stream_id  TEXT PRIMARY KEY,
  session_id TEXT NOT NULL,
  last_seq   BIGINT NOT NULL
);
CREATE INDEX stream_heads_session ON stream_heads(session_id);

-- A POST stream and the node that answers its requests: another node that a client resumes it
-- on follows it from here, and answers its requests with an error once that node is dead.
CREATE TABLE streams (
  stream_id   TEXT PRIMARY KEY,
  session_id  TEXT NOT NULL,
  node_id     TEXT NOT NULL,
  request_ids TEXT NOT NULL DEFAULT '[]',
  finished    INTEGER NOT NULL DEFAULT 0,
  created_at  BIGINT NOT NULL
);
CREATE INDEX streams_session ON streams(session_id);

-- A message for the node that waits for it (a client's answer to a request that node sent).
CREATE TABLE node_messages (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  node_id    TEXT NOT NULL,
  session_id TEXT NOT NULL,
  payload    TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX node_messages_node ON node_messages(node_id, id);

-- Every change of the catalog gets a number of the whole database, so that the nodes holding one
-- session put that change's list_changed on its GET stream once: an event's dedupe key is unique
-- per stream.
CREATE TABLE catalog_epoch (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  n  BIGINT NOT NULL
);
INSERT INTO catalog_epoch(id, n) VALUES (1, 0);
ALTER TABLE events ADD COLUMN dedupe TEXT;
CREATE UNIQUE INDEX events_dedupe ON events(stream_id, dedupe) WHERE dedupe IS NOT NULL;
