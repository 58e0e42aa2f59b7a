-- The resources a legacy session subscribed to, and the node that holds each subscription in its
-- upstream session: a node that restores the session, or takes over from a dead node, renews
-- the ones no live node holds (transport/subscription_keeper.h). Deleted with the session.
CREATE TABLE session_subscriptions (
  session_id TEXT COLLATE "C" NOT NULL,
  uri        TEXT COLLATE "C" NOT NULL,
  node_id    TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (session_id, uri)
);
CREATE INDEX session_subscriptions_node ON session_subscriptions(node_id);
