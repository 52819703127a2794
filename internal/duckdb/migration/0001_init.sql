-- Cost lines: one row per (day, provider, service, model, token type, customer, …)
-- from one source partition. Empty strings mean "none"; rows are appended in date
-- order per batch so DuckDB's zone maps prune date ranges.
CREATE TABLE cost_lines (
	date                DATE NOT NULL,
	charge_period_start TIMESTAMP,
	charge_period_end   TIMESTAMP,
	cloud_provider      VARCHAR NOT NULL DEFAULT '',
	service             VARCHAR NOT NULL DEFAULT '',
	model               VARCHAR NOT NULL DEFAULT '',
	model_family        VARCHAR NOT NULL DEFAULT '',
	token_type          VARCHAR NOT NULL DEFAULT '',
	pricing_tier        VARCHAR NOT NULL DEFAULT '',
	usage_amount        DOUBLE NOT NULL DEFAULT 0,
	usage_unit          VARCHAR NOT NULL DEFAULT '',
	cost_usd            DOUBLE NOT NULL DEFAULT 0,
	cost                DOUBLE NOT NULL DEFAULT 0,
	currency            VARCHAR NOT NULL DEFAULT '',
	list_cost_usd       DOUBLE,
	customer_id         VARCHAR NOT NULL DEFAULT '',
	account_id          VARCHAR NOT NULL DEFAULT '',
	project             VARCHAR NOT NULL DEFAULT '',
	region              VARCHAR NOT NULL DEFAULT '',
	tags                VARCHAR,
	source              VARCHAR NOT NULL DEFAULT '',
	source_partition    VARCHAR NOT NULL DEFAULT '',
	cost_source         VARCHAR NOT NULL DEFAULT '',
	data_status         VARCHAR NOT NULL DEFAULT '',
	charge_category     VARCHAR NOT NULL DEFAULT '',
	requests            BIGINT NOT NULL DEFAULT 0,
	unpriced            BOOLEAN NOT NULL DEFAULT false,
	ingested_at         TIMESTAMP NOT NULL
);

-- The seed's view: exactly its columns, with "none" shown as NULL.
CREATE VIEW unified_costs AS
SELECT
	date,
	NULLIF(cloud_provider, '') AS cloud_provider,
	NULLIF(service, '') AS service,
	NULLIF(model, '') AS model,
	NULLIF(token_type, '') AS token_type,
	cost_usd,
	usage_amount,
	NULLIF(customer_id, '') AS customer_id
FROM cost_lines;

-- Replaceable units of data and what they hold.
CREATE TABLE partitions (
	source      VARCHAR NOT NULL,
	key         VARCHAR NOT NULL,
	line_count  BIGINT NOT NULL,
	cost_usd    DOUBLE NOT NULL,
	ingested_at TIMESTAMP NOT NULL
);

-- Event ids already rolled up, for deduplication.
CREATE TABLE events (
	event_id    VARCHAR NOT NULL,
	event_batch VARCHAR NOT NULL,
	event_time  TIMESTAMP NOT NULL,
	ingested_at TIMESTAMP NOT NULL
);

CREATE TABLE budgets (
	customer_id VARCHAR PRIMARY KEY,
	monthly_usd DOUBLE NOT NULL,
	updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE settings (
	key   VARCHAR PRIMARY KEY,
	value VARCHAR NOT NULL
);

-- Alert rules: the searchable columns, plus the whole rule as JSON.
CREATE TABLE alert_rules (
	id          VARCHAR PRIMARY KEY,
	customer_id VARCHAR NOT NULL,
	rule        VARCHAR NOT NULL,
	created_at  TIMESTAMP NOT NULL,
	updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE customers (
	id   VARCHAR PRIMARY KEY,
	name VARCHAR NOT NULL
);
