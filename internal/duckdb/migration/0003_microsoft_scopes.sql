-- Microsoft exports are scoped to a billing account or to one subscription, so
-- their partitions carry the subscription: "billing account/subscription/month"
-- for azure-cost lines and "Azure/billing account/sub-account/month" for
-- Microsoft FOCUS lines. Lines stored under the older keys (without the
-- subscription) move to the new ones, so that the next delivery of their
-- subscription replaces them instead of being counted beside them.
UPDATE cost_lines
SET source_partition = split_part(source_partition, '/', 1) || '/' || account_id || '/'
	|| split_part(source_partition, '/', 2)
WHERE source = 'azure-cost' AND account_id <> ''
	AND length(source_partition) - length(replace(source_partition, '/', '')) = 1
	AND split_part(source_partition, '/', 1) <> account_id;

UPDATE cost_lines
SET source_partition = 'Azure/' || split_part(source_partition, '/', 2) || '/' || account_id || '/'
	|| split_part(source_partition, '/', 3)
WHERE source = 'focus' AND cloud_provider = 'Azure' AND account_id <> ''
	AND length(source_partition) - length(replace(source_partition, '/', '')) = 2
	AND split_part(source_partition, '/', 2) <> account_id;

DELETE FROM partitions WHERE source IN ('azure-cost', 'focus');

INSERT INTO partitions (source, key, line_count, cost_usd, ingested_at)
SELECT source, source_partition, count(*), sum(cost_usd), max(ingested_at)
FROM cost_lines
WHERE source IN ('azure-cost', 'focus')
GROUP BY source, source_partition;
