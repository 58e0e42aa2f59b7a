-- Per-item policies (gateway/policy.h): who may see and use which tools, resources and prompts.
-- rule is the JSON of the policy's effect, server_id, who (subjects, scopes, claims) and what
-- (tools, resources, prompts), as the admin API validated it.
CREATE TABLE policies (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  priority    INTEGER NOT NULL,
  enabled     INTEGER NOT NULL DEFAULT 1,
  rule        TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);
