package sync

import (
	"path"
	"sort"
	"strings"

	"github.com/llmcost/llmcost/internal/cost"
)

// discoverGCP groups the objects under prefix by the invoice month in their
// path ("invoice_month=202610/", "2026-10/", "billing-202610-000.json"): one
// delivery per month, identified by a hash of its objects. Objects with no
// month, folder markers and marker files ("_SUCCESS", dot files) are ignored.
func discoverGCP(prefix string, objs []cost.Object) []Delivery {
	index := indexObjects(objs)
	byMonth := map[string][]string{}
	for _, o := range objs {
		base := path.Base(o.Key)
		if strings.HasSuffix(o.Key, "/") || strings.HasPrefix(base, "_") || strings.HasPrefix(base, ".") {
			continue
		}
		month := monthInPath(strings.TrimPrefix(o.Key, prefix))
		if month == "" {
			continue
		}
		byMonth[month] = append(byMonth[month], o.Key)
	}
	months := make([]string, 0, len(byMonth))
	for m := range byMonth {
		months = append(months, m)
	}
	sort.Strings(months)
	out := make([]Delivery, 0, len(months))
	for _, m := range months {
		files := byMonth[m]
		sort.Strings(files)
		d := Delivery{Key: m, Period: m, Files: files}
		finish(&d, index)
		out = append(out, d)
	}
	return out
}
