-- The cloud providers of each partition's lines, with the newest day of
-- their lines and when they were ingested, apart for lines derived from
-- others (allocation and superseded estimates, computed from other lines):
-- the freshness (LatestData) reads this small table rather than every line,
-- and so does the list of providers present (providerSet). Every write that
-- replaces a partition, or adds lines to an event batch's partition,
-- rewrites that partition's rows in the same transaction (see latest.go).
CREATE TABLE partition_latest (
	source         VARCHAR NOT NULL,
	key            VARCHAR NOT NULL,
	cloud_provider VARCHAR NOT NULL,
	derived        BOOLEAN NOT NULL,
	latest_date    DATE NOT NULL,
	ingested_at    TIMESTAMP NOT NULL
);

INSERT INTO partition_latest
SELECT source, source_partition, cloud_provider, cost_source = 'allocation' OR cost_source = 'superseded_estimate',
	max(date), max(ingested_at)
FROM cost_lines
GROUP BY ALL;
