package ingest

import (
	"github.com/llmcost/llmcost/internal/billing"
	"github.com/llmcost/llmcost/internal/cost"
)

// readNative reads a cloud's native billing export: AWS CUR and Azure cost
// details as CSV, or Parquet when the content starts with its magic; GCP
// billing export rows.
func (r *run) readNative(format string, add billing.LineFunc) error {
	o := &billing.NativeOptions{Mapping: r.in.Mapping, CustomerKeys: r.in.CustomerKeys, Now: r.in.now()}
	if format == FormatGCP {
		return billing.ReadGCPBilling(r.name, r.src, o, add, r.warn)
	}
	if !r.src.isParquet() {
		if format == FormatAzure {
			return billing.ReadAzureCost(r.name, r.src, o, add, r.warn)
		}
		return billing.ReadAWSCUR(r.name, r.src, o, add, r.warn)
	}
	f, size, err := r.src.spool()
	if err != nil {
		return cost.Errorf(cost.CodeInvalid, "%s: %v", r.name, err)
	}
	defer f.Close()
	if format == FormatAzure {
		return billing.ReadAzureCostParquet(r.name, f, size, o, add, r.warn)
	}
	return billing.ReadAWSCURParquet(r.name, f, size, o, add, r.warn)
}
