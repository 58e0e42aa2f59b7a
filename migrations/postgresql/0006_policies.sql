-- Per-item policies (gateway/policy.h): who may see and use which tools, resources and prompts.
-- rule is the JSON of the policy's effect, server_id, who (subjects, scopes, claims) and what
-- (tools, resources, prompts), as the admin API validated it.
CREATE TABLE policies (
  id          TEXT COLLATE "C" PRIMARY KEY,
  name        TEXT COLLATE "C" NOT NULL UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  priority    BIGINT NOT NULL,
  enabled     BIGINT NOT NULL DEFAULT 1,
  rule        TEXT NOT NULL,
  created_at  BIGINT NOT NULL,
  updated_at  BIGINT NOT NULL
);
