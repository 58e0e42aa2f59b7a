-- The resources a legacy session subscribed to, and the node that holds each subscription in its
-- upstream session: a node that restores the session (this one, after a restart) renews the ones
-- no live node holds (transport/subscription_keeper.h). Deleted with the session. One node has
-- the empty id.
CREATE TABLE session_subscriptions (
  session_id TEXT NOT NULL,
  uri        TEXT NOT NULL,
  node_id    TEXT NOT NULL,
  PRIMARY KEY (session_id, uri)
);
CREATE INDEX session_subscriptions_node ON session_subscriptions(node_id);
