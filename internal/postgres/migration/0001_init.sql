-- Metadata shared by every llmcost replica: budgets, settings, alert rules,
-- customers, alert state, history and channels, and the data version that
-- result caches key their answers by. Records kept whole as JSON carry their
-- searchable columns beside (TEXT, not JSONB: JSON may hold \u0000).
CREATE TABLE budgets (
	customer_id TEXT PRIMARY KEY,
	monthly_usd DOUBLE PRECISION NOT NULL,
	updated_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

CREATE TABLE alert_rules (
	id          TEXT PRIMARY KEY,
	customer_id TEXT NOT NULL,
	rule        TEXT NOT NULL,
	created_at  TIMESTAMPTZ NOT NULL,
	updated_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE customers (
	id   TEXT PRIMARY KEY,
	name TEXT NOT NULL
);

CREATE TABLE alert_states (
	rule_id    TEXT NOT NULL,
	key        TEXT NOT NULL,
	body       TEXT NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (rule_id, key)
);

CREATE TABLE alert_events (
	id          TEXT PRIMARY KEY,
	rule_id     TEXT NOT NULL,
	customer_id TEXT NOT NULL,
	event_at    TIMESTAMPTZ NOT NULL,
	body        TEXT NOT NULL
);
CREATE INDEX alert_events_at ON alert_events (event_at DESC, id);

CREATE TABLE alert_channels (
	id          TEXT PRIMARY KEY,
	customer_id TEXT NOT NULL,
	body        TEXT NOT NULL,
	created_at  TIMESTAMPTZ NOT NULL
);

-- One row: bumped in the transaction of every budget or customer change, and
-- after every published write of cost data (NoteDataChange).
CREATE TABLE data_version (
	one     BOOLEAN PRIMARY KEY DEFAULT true CHECK (one),
	epoch   TEXT NOT NULL, -- Differs for every database, so versions never repeat.
	version BIGINT NOT NULL
);
INSERT INTO data_version (epoch, version) VALUES (substr(md5(random()::text || clock_timestamp()::text), 1, 8), 0);
