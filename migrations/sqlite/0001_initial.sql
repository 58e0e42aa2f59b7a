-- mcpgw initial schema. Times are Unix epoch milliseconds (INTEGER); JSON documents are TEXT.

-- Upstream MCP servers (federated gateways).
CREATE TABLE gateways (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  slug          TEXT NOT NULL UNIQUE,
  description   TEXT NOT NULL DEFAULT '',
  url           TEXT NOT NULL,
  transport     TEXT NOT NULL DEFAULT 'streamable_http',
  auth_type     TEXT NOT NULL DEFAULT 'none',
  auth_secret   BLOB,                      -- encrypted credentials, never plain text
  headers       TEXT NOT NULL DEFAULT '{}',
  capabilities  TEXT NOT NULL DEFAULT '{}',
  status        TEXT NOT NULL DEFAULT 'unknown',
  last_seen_at  INTEGER,
  last_error    TEXT,
  enabled       INTEGER NOT NULL DEFAULT 1,
  tags          TEXT NOT NULL DEFAULT '[]',
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);

-- Tools: REST endpoints wrapped as MCP tools, and tools discovered on upstream MCP servers.
CREATE TABLE tools (
  id               TEXT PRIMARY KEY,
  name             TEXT NOT NULL UNIQUE,
  original_name    TEXT NOT NULL,
  description      TEXT NOT NULL DEFAULT '',
  input_schema     TEXT NOT NULL DEFAULT '{"type":"object"}',
  output_schema    TEXT,
  annotations      TEXT NOT NULL DEFAULT '{}',
  integration_type TEXT NOT NULL CHECK (integration_type IN ('REST', 'MCP')),
  request_type     TEXT,
  url              TEXT,
  headers          TEXT NOT NULL DEFAULT '{}',
  auth_type        TEXT NOT NULL DEFAULT 'none',
  auth_secret      BLOB,
  timeout_ms       INTEGER NOT NULL DEFAULT 30000,
  gateway_id       TEXT REFERENCES gateways(id) ON DELETE CASCADE,
  enabled          INTEGER NOT NULL DEFAULT 1,
  tags             TEXT NOT NULL DEFAULT '[]',
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
);
CREATE INDEX tools_gateway ON tools(gateway_id);

CREATE TABLE resources (
  id           TEXT PRIMARY KEY,
  uri          TEXT NOT NULL UNIQUE,
  original_uri TEXT NOT NULL,
  name         TEXT NOT NULL,
  description  TEXT NOT NULL DEFAULT '',
  mime_type    TEXT,
  is_template  INTEGER NOT NULL DEFAULT 0,
  annotations  TEXT NOT NULL DEFAULT '{}',
  gateway_id   TEXT REFERENCES gateways(id) ON DELETE CASCADE,
  enabled      INTEGER NOT NULL DEFAULT 1,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);
CREATE INDEX resources_gateway ON resources(gateway_id);

CREATE TABLE prompts (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  original_name TEXT NOT NULL,
  description   TEXT NOT NULL DEFAULT '',
  arguments     TEXT NOT NULL DEFAULT '[]',
  gateway_id    TEXT REFERENCES gateways(id) ON DELETE CASCADE,
  enabled       INTEGER NOT NULL DEFAULT 1,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);
CREATE INDEX prompts_gateway ON prompts(gateway_id);

-- Virtual servers: a chosen set of tools, resources and prompts served at /servers/<id>/mcp.
CREATE TABLE servers (
  id                     TEXT PRIMARY KEY,
  name                   TEXT NOT NULL UNIQUE,
  description            TEXT NOT NULL DEFAULT '',
  expose_original_names  INTEGER NOT NULL DEFAULT 0,
  tags                   TEXT NOT NULL DEFAULT '[]',
  created_at             INTEGER NOT NULL,
  updated_at             INTEGER NOT NULL
);
CREATE TABLE server_tools (
  server_id TEXT NOT NULL REFERENCES servers(id) ON DELETE CASCADE,
  tool_id   TEXT NOT NULL REFERENCES tools(id) ON DELETE CASCADE,
  PRIMARY KEY (server_id, tool_id)
);
CREATE TABLE server_resources (
  server_id   TEXT NOT NULL REFERENCES servers(id) ON DELETE CASCADE,
  resource_id TEXT NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
  PRIMARY KEY (server_id, resource_id)
);
CREATE TABLE server_prompts (
  server_id TEXT NOT NULL REFERENCES servers(id) ON DELETE CASCADE,
  prompt_id TEXT NOT NULL REFERENCES prompts(id) ON DELETE CASCADE,
  PRIMARY KEY (server_id, prompt_id)
);

-- Opaque API tokens: only the SHA-256 of the token is kept.
CREATE TABLE api_tokens (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL DEFAULT '',
  token_hash  TEXT NOT NULL UNIQUE,
  prefix      TEXT NOT NULL,
  subject     TEXT NOT NULL,
  scopes      TEXT NOT NULL,            -- JSON array of scope names
  servers     TEXT NOT NULL DEFAULT '[]',
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER,
  revoked_at  INTEGER
);

-- Streamable HTTP sessions (kept here when the SQLite event store is in use).
CREATE TABLE sessions (
  id               TEXT PRIMARY KEY,
  subject          TEXT NOT NULL,
  server_id        TEXT,
  protocol_version TEXT NOT NULL,
  client_info      TEXT NOT NULL DEFAULT '{}',
  capabilities     TEXT NOT NULL DEFAULT '{}',
  created_at       INTEGER NOT NULL,
  last_used_at     INTEGER NOT NULL
);

-- SSE event store: events of one stream are ordered by seq.
CREATE TABLE events (
  stream_id  TEXT NOT NULL,
  seq        INTEGER NOT NULL,
  session_id TEXT NOT NULL,
  payload    TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (stream_id, seq)
) WITHOUT ROWID;
CREATE INDEX events_session ON events(session_id);
CREATE INDEX events_created ON events(created_at);
