-- Alert evaluation state per rule and label set, alert history, and
-- notification channels: searchable columns, plus the whole record as JSON.
CREATE TABLE alert_states (
	rule_id    VARCHAR NOT NULL,
	key        VARCHAR NOT NULL,
	body       VARCHAR NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	PRIMARY KEY (rule_id, key)
);

CREATE TABLE alert_events (
	id          VARCHAR PRIMARY KEY,
	rule_id     VARCHAR NOT NULL,
	customer_id VARCHAR NOT NULL,
	event_at    TIMESTAMP NOT NULL,
	body        VARCHAR NOT NULL
);

CREATE TABLE alert_channels (
	id          VARCHAR PRIMARY KEY,
	customer_id VARCHAR NOT NULL,
	body        VARCHAR NOT NULL,
	created_at  TIMESTAMP NOT NULL
);
