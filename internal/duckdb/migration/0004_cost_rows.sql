-- Cost lines are stored in two tables and read through the view cost_lines,
-- which keeps the columns, types and "" for "none" of the table it replaces.
-- Storing a value costs DuckDB work per line and column (even a NULL), far
-- more for a string, so:
-- * cost_rows_basic holds the lines of unified files that have only the
--   seed's columns (and cost_source, data_status): the other columns hold
--   their defaults, the source is 'unified' and the partition key is the
--   provider and month, so none of them is stored;
-- * cost_rows holds every other line. The text columns most files leave
--   empty are stored as NULL when empty, and a line of a unified file
--   leaves its partition NULL: its key is its provider and month.
-- See rows.go (partitionKey).
CREATE TABLE cost_rows (
	date                DATE NOT NULL,
	charge_period_start TIMESTAMP,
	charge_period_end   TIMESTAMP,
	cloud_provider      VARCHAR NOT NULL DEFAULT '',
	service             VARCHAR NOT NULL DEFAULT '',
	model               VARCHAR NOT NULL DEFAULT '',
	model_family        VARCHAR NOT NULL DEFAULT '',
	token_type          VARCHAR NOT NULL DEFAULT '',
	pricing_tier        VARCHAR,
	usage_amount        DOUBLE NOT NULL DEFAULT 0,
	usage_unit          VARCHAR,
	cost_usd            DOUBLE NOT NULL DEFAULT 0,
	cost                DOUBLE NOT NULL DEFAULT 0,
	currency            VARCHAR,
	list_cost_usd       DOUBLE,
	customer_id         VARCHAR NOT NULL DEFAULT '',
	account_id          VARCHAR,
	project             VARCHAR,
	region              VARCHAR,
	tags                VARCHAR,
	source              VARCHAR NOT NULL DEFAULT '',
	source_partition    VARCHAR,
	cost_source         VARCHAR NOT NULL DEFAULT '',
	data_status         VARCHAR NOT NULL DEFAULT '',
	charge_category     VARCHAR,
	requests            BIGINT NOT NULL DEFAULT 0,
	unpriced            BOOLEAN NOT NULL DEFAULT false,
	ingested_at         TIMESTAMP NOT NULL
);

CREATE TABLE cost_rows_basic (
	date           DATE NOT NULL,
	cloud_provider VARCHAR NOT NULL,
	service        VARCHAR NOT NULL,
	model          VARCHAR NOT NULL,
	model_family   VARCHAR NOT NULL,
	token_type     VARCHAR NOT NULL,
	usage_amount   DOUBLE NOT NULL,
	cost_usd       DOUBLE NOT NULL,
	customer_id    VARCHAR NOT NULL,
	cost_source    VARCHAR NOT NULL,
	data_status    VARCHAR NOT NULL,
	ingested_at    TIMESTAMP NOT NULL
);

INSERT INTO cost_rows SELECT * FROM cost_lines;

DROP VIEW unified_costs;
DROP TABLE cost_lines;

CREATE VIEW cost_lines AS
SELECT
	date, charge_period_start, charge_period_end, cloud_provider, service, model, model_family,
	token_type, coalesce(pricing_tier, '') AS pricing_tier, usage_amount,
	coalesce(usage_unit, '') AS usage_unit, cost_usd, cost, coalesce(currency, '') AS currency,
	list_cost_usd, customer_id, coalesce(account_id, '') AS account_id,
	coalesce(project, '') AS project, coalesce(region, '') AS region, tags, source,
	coalesce(source_partition, cloud_provider || '/' || strftime(date, '%Y-%m')) AS source_partition,
	cost_source, data_status, coalesce(charge_category, '') AS charge_category, requests, unpriced,
	ingested_at
FROM cost_rows
UNION ALL
SELECT
	date, NULL::TIMESTAMP, NULL::TIMESTAMP, cloud_provider, service, model, model_family, token_type,
	'', usage_amount, '', cost_usd, 0::DOUBLE, '', NULL::DOUBLE, customer_id, '', '', '', NULL::VARCHAR,
	'unified', cloud_provider || '/' || strftime(date, '%Y-%m'), cost_source, data_status, '', 0::BIGINT,
	false, ingested_at
FROM cost_rows_basic;

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
