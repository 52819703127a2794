package sync

import (
	"context"
	"path"
	"strings"

	"github.com/llmcost/llmcost/internal/cost"
)

// azureManifest is the part of an Azure cost export's manifest.json that sync reads.
type azureManifest struct {
	BlobCount    int `json:"blobCount"`
	ExportConfig struct {
		ExportName  string `json:"exportName"`
		ResourceID  string `json:"resourceId"`
		DataVersion string `json:"dataVersion"`
		Type        string `json:"type"`
	} `json:"exportConfig"`
	RunInfo struct {
		RunID         string `json:"runId"`
		SubmittedTime string `json:"submittedTime"`
		StartDate     string `json:"startDate"`
	} `json:"runInfo"`
	Blobs []struct {
		BlobName string `json:"blobName"`
	} `json:"blobs"`
}

// discoverAzure returns one delivery per (export, month): the newest run's
// manifest. A run is incomplete while any listed blob, or any of blobCount, is
// missing.
func discoverAzure(ctx context.Context, b cost.Bucket, objs []cost.Object) ([]Delivery, error) {
	index := indexObjects(objs)
	latest := map[string]Delivery{}
	submitted := map[string]string{}
	var order []string
	var out []Delivery
	for _, o := range objs {
		if !strings.EqualFold(path.Base(o.Key), "manifest.json") {
			continue
		}
		var m azureManifest
		if err := readJSON(ctx, b, o.Key, &m); err != nil {
			if cost.ErrorCode(err) != cost.CodeInvalid {
				return nil, err
			}
			out = append(out, badManifest(o.Key, err))
			continue
		}
		d := azureDelivery(o, &m, index)
		prev, ok := latest[d.Key]
		if !ok {
			order = append(order, d.Key)
		}
		newer := m.RunInfo.SubmittedTime > submitted[d.Key] ||
			(m.RunInfo.SubmittedTime == submitted[d.Key] && d.updated.After(prev.updated))
		if !ok || newer {
			latest[d.Key], submitted[d.Key] = d, m.RunInfo.SubmittedTime
		}
	}
	for _, k := range order {
		out = append(out, latest[k])
	}
	return out, nil
}

func azureDelivery(o cost.Object, m *azureManifest, index map[string]cost.Object) Delivery {
	dir := path.Dir(o.Key)
	export := firstNonEmpty(m.ExportConfig.ExportName, strings.ToLower(m.ExportConfig.ResourceID+"/"+m.ExportConfig.Type), dir)
	period := periodOf(m.RunInfo.StartDate, o.Key)
	d := Delivery{Key: export + "/" + period, Period: period, Manifest: o.Key, ID: m.RunInfo.RunID, updated: o.Updated}
	for _, bl := range m.Blobs {
		name := strings.TrimPrefix(bl.BlobName, "/")
		if _, ok := index[name]; !ok {
			// Some exports name blobs relative to the manifest's folder.
			if rel := path.Join(dir, name); index[rel].Key != "" {
				name = rel
			}
		}
		d.Files = append(d.Files, name)
	}
	finish(&d, index)
	if m.BlobCount > len(m.Blobs) {
		d.Missing = append(d.Missing, "blobCount is "+itoa(m.BlobCount)+" but the manifest lists "+itoa(len(m.Blobs)))
	}
	return d
}
