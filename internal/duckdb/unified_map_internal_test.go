package duckdb

import (
	"context"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/llmcost/llmcost/internal/cost"
)

// mapFile spools body and maps its distinct text values with rules that
// upper-case providers and models and take the customer from the project.
func mapFile(t *testing.T, body string) (*unifiedMap, error) {
	t.Helper()
	db, err := Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	sf, err := db.SpoolFile()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(sf.Name()) })
	if _, err := sf.WriteString(body); err != nil {
		t.Fatal(err)
	}
	sf.Close()
	cols := strings.Split(strings.SplitN(body, "\n", 2)[0], ",")
	f := &cost.UnifiedFile{Path: sf.Name(), Columns: cols,
		Provider: strings.ToUpper, Model: strings.ToUpper,
		Family: func(m string) string { return "fam-" + m },
		Tags:   func(s string) (string, bool) { return s, strings.HasPrefix(s, "{") },
		Customer: func(tags, provider, account, project string) string {
			return project
		}}
	pos, err := unifiedPositions(f)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := db.db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	m := &unifiedMap{pos: pos}
	from, args := unifiedFrom(f)
	return m, mapDistinct(context.Background(), conn, f, m, from, args)
}

func TestMapDistinct(t *testing.T) {
	t.Run("ValuesAsWrittenAreNotMapped", func(t *testing.T) {
		m, err := mapFile(t, "date,cloud_provider,service,model,cost_usd,customer_id\n"+
			"2026-10-01,AWS,Bedrock,M1,1,c1\n2026-10-02,GCP,Vertex,M2,2,c2\n2026-10-02,GCP,Vertex,M2,2,c2\n")
		if err != nil {
			t.Fatal(err)
		}
		if len(m.col) != 0 || m.customer != nil {
			t.Errorf("col = %v, customer = %v; want no mapping", m.col, m.customer)
		}
		if got, want := m.family, map[string]string{"M1": "fam-M1", "M2": "fam-M2"}; !reflect.DeepEqual(got, want) {
			t.Errorf("family = %v, want %v", got, want)
		}
	})
	t.Run("ChangedValuesAreMappedPerDistinctValue", func(t *testing.T) {
		m, err := mapFile(t, "date,cloud_provider,service,model,token_type,cost_usd,customer_id,project\n"+
			"2026-10-01,aws, Bedrock ,m1,INPUT,1,,p1\n2026-10-02,AWS,NULL,m1,input,2,c2,p1\n")
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]map[string]string{
			"cloud_provider": {"aws": "AWS", "AWS": "AWS"},
			"service":        {" Bedrock ": "Bedrock", "NULL": ""},
			"model":          {"m1": "M1"},
			"token_type":     {"INPUT": "input", "input": "input"},
		}
		if !reflect.DeepEqual(m.col, want) {
			t.Errorf("col = %v, want %v", m.col, want)
		}
		// The tuple is customer_id, cloud_provider, project: a line without a
		// customer takes its project's.
		wantCust := map[string]string{"\x00aws\x00p1": "p1", "c2\x00AWS\x00p1": "c2"}
		if !reflect.DeepEqual(m.customer, wantCust) {
			t.Errorf("customer = %q, want %q", m.customer, wantCust)
		}
	})
	for _, tc := range []struct{ name, body string }{
		{"EmptyProvider", "date,cloud_provider,cost_usd\n2026-10-01, ,1\n"},
		{"UnknownTokenType", "date,cloud_provider,token_type,cost_usd\n2026-10-01,AWS,words,1\n"},
		{"BadUnpriced", "date,cloud_provider,unpriced,cost_usd\n2026-10-01,AWS,maybe,1\n"},
		{"BadTags", "date,cloud_provider,tags,cost_usd\n2026-10-01,AWS,[1],1\n"},
		{"ReservedCustomer", "date,cloud_provider,customer_id,cost_usd\n2026-10-01,AWS,_org,1\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := mapFile(t, tc.body); err == nil {
				t.Error("mapped; want the file left to the line-by-line reader")
			}
		})
	}
}
