-- Upstream items are kept exactly as the upstream described them (definition: its JSON object),
-- so that the gateway changes nothing but the names it must rewrite.
ALTER TABLE tools ADD COLUMN definition TEXT;
ALTER TABLE resources ADD COLUMN definition TEXT;
ALTER TABLE prompts ADD COLUMN definition TEXT;
ALTER TABLE gateways ADD COLUMN timeout_ms BIGINT NOT NULL DEFAULT 30000;
ALTER TABLE gateways ADD COLUMN server_info TEXT NOT NULL DEFAULT '{}';
ALTER TABLE gateways ADD COLUMN protocol_version TEXT;
CREATE INDEX resources_uri_gateway ON resources(gateway_id, original_uri);
