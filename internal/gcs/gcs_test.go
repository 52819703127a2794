package gcs_test

import (
	"context"
	"io"
	"testing"

	"github.com/fsouza/fake-gcs-server/fakestorage"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/gcs"
)

// TestBucket_EscapedNames reads objects whose names need escaping in a JSON API
// path (spaces, '#', '?', '%') from fake-gcs-server, and lists them by a prefix
// that needs escaping in a query string.
func TestBucket_EscapedNames(t *testing.T) {
	srv, err := fakestorage.NewServerWithOptions(fakestorage.Options{Scheme: "http", Host: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	srv.CreateBucketWithOpts(fakestorage.CreateBucketOpts{Name: "billing"})
	names := map[string]string{"odd & name/a b#1?.csv": "first", "odd & name/100%.csv": "second!"}
	for name, body := range names {
		srv.CreateObject(fakestorage.Object{ObjectAttrs: fakestorage.ObjectAttrs{BucketName: "billing", Name: name}, Content: []byte(body)})
	}
	t.Setenv("STORAGE_EMULATOR_HOST", srv.URL())
	b, err := gcs.Open(context.Background(), "billing")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	objs, err := b.List(context.Background(), "odd & name/")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(objs), len(names); got != want {
		t.Fatalf("listed %d objects (%+v), want %d", got, objs, want)
	}
	for _, o := range objs {
		want := names[o.Key]
		if o.Size != int64(len(want)) || o.ETag == "" {
			t.Errorf("listed %+v, want size %d and a generation", o, len(want))
		}
		r, err := b.Open(context.Background(), o.Key)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(r)
		r.Close()
		if err != nil || string(got) != want {
			t.Errorf("read %q = %q, %v; want %q", o.Key, got, err, want)
		}
	}
	if _, err := b.Open(context.Background(), "odd & name/missing.csv"); cost.ErrorCode(err) != cost.CodeNotFound {
		t.Errorf("missing object: got %v, want not_found", err)
	}
}
