package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fsouza/fake-gcs-server/fakestorage"

	"github.com/llmcost/llmcost/internal/alert"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/duckdb"
)

// fakeGCS starts fake-gcs-server in-process with one month of unified exports
// in gs://exports/llm/, points the GCS client at it, and returns a sources file
// naming it.
func fakeGCS(t *testing.T, dir string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	srv, err := fakestorage.NewServerWithOptions(fakestorage.Options{Scheme: "http", Host: "127.0.0.1", Port: uint16(port),
		PublicHost: fmt.Sprintf("127.0.0.1:%d", port)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	srv.CreateBucketWithOpts(fakestorage.CreateBucketOpts{Name: "exports"})
	csv := "date,cloud_provider,service,model,token_type,cost_usd,usage_amount,customer_id\n" +
		"2026-10-01,GCP,Vertex AI,gemini-2.5-pro,input,12.5,1000000,cust_acme\n" +
		"2026-10-02,GCP,Vertex AI,gemini-2.5-pro,output,9.5,100000,\n"
	srv.CreateObject(fakestorage.Object{ObjectAttrs: fakestorage.ObjectAttrs{BucketName: "exports",
		Name: "llm/invoice_month=202610/part-0.csv"}, Content: []byte(csv)})
	t.Setenv("STORAGE_EMULATOR_HOST", fmt.Sprintf("127.0.0.1:%d", port))

	sources := filepath.Join(dir, "sources.json")
	body := `{"sources":[{"name":"gcp","kind":"gcp-billing","format":"unified","url":"gs://exports/llm/"}]}`
	if err := os.WriteFile(sources, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return sources
}

// TestSync_GCS syncs a month of exports from an in-process fake GCS twice: the
// first run applies it, the second finds it unchanged.
func TestSync_GCS(t *testing.T) {
	dir := t.TempDir()
	sources := fakeGCS(t, dir)
	env := map[string]string{"LLMCOST_DATA": filepath.Join(dir, "data"), "LLMCOST_NOW": "2026-11-05", "LLMCOST_LOG_LEVEL": "warn"}
	m := mustRun(t, env, "sync", "--sources", sources)
	if out := m.Stdout.(*bytes.Buffer).String(); !strings.Contains(out, "gcp applied 2026-10") || !strings.Contains(out, "$22.00") {
		t.Fatalf("first sync printed %q, want gcp applied 2026-10 … $22.00", out)
	}
	m.Close()
	m = mustRun(t, env, "sync", "--sources", sources)
	if out := m.Stdout.(*bytes.Buffer).String(); !strings.Contains(out, "gcp unchanged 2026-10") {
		t.Fatalf("second sync printed %q, want gcp unchanged 2026-10", out)
	}
}

// TestServe_ScheduledSync starts serve with a sources file; its first scheduled
// sync applies the month without any request.
func TestServe_ScheduledSync(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"LLMCOST_NOW": "2026-11-05", "LLMCOST_LOG_LEVEL": "warn", "LLMCOST_SYNC_SOURCES": fakeGCS(t, dir)}
	m := mustRun(t, env, "serve", "--data", filepath.Join(dir, "data"), "--addr", "127.0.0.1:0")
	for i := 0; ; i++ {
		if _, err := m.Store.Setting(t.Context(), "sync/gcp/2026-10"); err == nil {
			break
		} else if cost.ErrorCode(err) != cost.CodeNotFound || i == 600 {
			t.Fatalf("scheduled sync recorded nothing: %v\nstderr: %s", err, m.Stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
	var sum float64
	err := m.Store.Lines(t.Context(), cost.LineFilter{}, func(l *cost.LineItem) error { sum += l.CostUSD; return nil })
	if err != nil || sum != 22 {
		t.Fatalf("stored $%v (%v), want $22", sum, err)
	}
}

func TestReadSyncFile_Errors(t *testing.T) {
	tests := []struct {
		name, body, wantField string
	}{
		{"UnknownField", `{"sources":[{"name":"a","kind":"aws-cur","url":"s3://b/p","bucket":"x"}]}`, "LLMCOST_SYNC_SOURCES"},
		{"NoSources", `{"sources":[]}`, "LLMCOST_SYNC_SOURCES"},
		{"BadScheme", `{"sources":[{"name":"a","kind":"aws-cur","url":"ftp://b/p"}]}`, "sources[0].url"},
		{"NoName", `{"sources":[{"kind":"aws-cur","url":"s3://b/p"}]}`, "sources[0].name"},
		{"UnknownKind", `{"sources":[{"name":"a","kind":"oci","url":"s3://b/p"}]}`, "sources[0].kind"},
		{"NoBucket", `{"sources":[{"name":"a","kind":"gcp-billing","url":"gs:///p"}]}`, "sources[0].url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "sources.json")
			if err := os.WriteFile(path, []byte(tt.body), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := readSyncFile(path)
			if got := cost.ErrorField(err); got != tt.wantField {
				t.Fatalf("error field %q, want %q (err %v)", got, tt.wantField, err)
			}
		})
	}
}

// TestReadSyncFile_ErrorPosition checks that a sources file that is not the
// JSON expected is refused with the line and column at fault.
func TestReadSyncFile_ErrorPosition(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"NotJSON", "not json", "sources.json, line 1, column 2: "},
		{"SyntaxOnLine3", "{\"sources\": [\n  {\"name\": \"a\",\n   \"kind\" \"aws-cur\"}\n]}", "sources.json, line 3, column 11: "},
		{"WrongType", "{\"sources\": [\n  {\"name\": 5}\n]}", "sources.json, line 2, column 12: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "sources.json")
			if err := os.WriteFile(path, []byte(tt.body), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := readSyncFile(path)
			if got := cost.ErrorMessage(err); !strings.Contains(got, tt.want) {
				t.Errorf("message %q, want it to hold %q", got, tt.want)
			}
		})
	}
}

// TestSync_EvaluatesAlerts syncs a month whose bill crosses a rule's threshold:
// the rule fires once the sync has applied it, as after an ingest.
func TestSync_EvaluatesAlerts(t *testing.T) {
	dir := t.TempDir()
	sources := fakeGCS(t, dir)
	var mu sync.Mutex
	var got []alert.Payload
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p alert.Payload
		json.NewDecoder(r.Body).Decode(&p)
		mu.Lock()
		got = append(got, p)
		mu.Unlock()
	}))
	defer hook.Close()
	chFile := filepath.Join(dir, "channels.json")
	if err := os.WriteFile(chFile, fmt.Appendf(nil, `{"channels":[{"id":"ops","type":"webhook","url":%q}]}`, hook.URL), 0o600); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	if err := os.MkdirAll(data, 0o700); err != nil {
		t.Fatal(err)
	}
	db, err := duckdb.Open(filepath.Join(data, StoreFile))
	if err != nil {
		t.Fatal(err)
	}
	// The export's 2026-10-02 costs $9.50, yesterday at LLMCOST_NOW.
	rule := &cost.AlertRule{Name: "Daily spend over $5", Kind: cost.AlertThreshold, Window: cost.AlertWindowDay,
		Threshold: 5, Channels: []string{"ops"}, Enabled: true}
	if err := db.SaveAlertRule(t.Context(), rule); err != nil {
		t.Fatal(err)
	}
	db.Close()
	env := map[string]string{"LLMCOST_DATA": data, "LLMCOST_NOW": "2026-10-03", "LLMCOST_LOG_LEVEL": "warn",
		"LLMCOST_ALERT_CHANNELS": chFile, "LLMCOST_ALERT_ALLOW_HOSTS": "127.0.0.1"}
	mustRun(t, env, "sync", "--sources", sources).Close()
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || got[0].RuleID != rule.ID || got[0].Status != cost.AlertFiring || got[0].Value != 9.5 {
		t.Fatalf("notifications after the sync = %+v, want one firing of %s at 9.5", got, rule.ID)
	}
}
