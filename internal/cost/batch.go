package cost

// Partition names one replaceable unit of billing data: a source × account ×
// billing period (e.g. "aws-cur", "123456789012/2026-10"), or an event batch.
type Partition struct {
	Source string `json:"source"`
	Key    string `json:"key"`
}

// Batch is everything one ingested file contributes, written by Store.Apply in a
// single transaction.
type Batch struct {
	// Replace lists partitions whose existing lines are deleted before Lines are
	// inserted. Every line's (Source, SourcePartition) must be one of them.
	Replace []Partition
	Lines   []LineItem
	// Events are per-request usages; those whose EventID the store has already seen
	// are skipped. The new ones are rolled up into daily lines with
	// Source "events" and SourcePartition EventBatch.
	Events     []EventUsage
	EventBatch string
}

// ApplyResult reports what Store.Apply changed.
type ApplyResult struct {
	LinesWritten       int `json:"lines_written"`
	LinesDeleted       int `json:"lines_deleted"`
	PartitionsReplaced int `json:"partitions_replaced"`
	EventsInserted     int `json:"events_inserted"`
	EventsDuplicate    int `json:"events_duplicate"`
}

// IngestSummary is what an ingest reports to its caller (CLI or HTTP).
type IngestSummary struct {
	File               string      `json:"file,omitempty"`
	Format             string      `json:"format"`
	Rows               int         `json:"rows"`
	LinesWritten       int         `json:"lines_written"`
	TokenLines         int         `json:"token_lines"`
	PartitionsReplaced int         `json:"partitions_replaced"`
	Partitions         []Partition `json:"partitions,omitempty"`
	EventsInserted     int         `json:"events_inserted"`
	EventsDuplicate    int         `json:"events_duplicate"`
	UnpricedLines      int         `json:"unpriced_lines"`
	UnpricedModels     []string    `json:"unpriced_models,omitempty"`
	CostUSD            float64     `json:"cost_usd"`
	Warnings           []string    `json:"warnings,omitempty"`
}
