-- Sessions remember the virtual servers their token was limited to, for list_changed scoping
-- after a restart.
ALTER TABLE sessions ADD COLUMN token_servers TEXT NOT NULL DEFAULT '[]';
CREATE INDEX sessions_last_used ON sessions(last_used_at);
