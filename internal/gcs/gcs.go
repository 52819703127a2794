// Package gcs lists and reads objects in a Google Cloud Storage bucket with
// cloud.google.com/go/storage. Credentials come from Application Default
// Credentials (GOOGLE_APPLICATION_CREDENTIALS, gcloud's user credentials, the
// metadata server).
package gcs

import (
	"context"
	"errors"
	"io"
	"strconv"
	"strings"

	"cloud.google.com/go/storage"
	"google.golang.org/api/iterator"
	"google.golang.org/api/option"

	"github.com/llmcost/llmcost/internal/cost"
)

// Bucket is one GCS bucket. It implements cost.Bucket.
type Bucket struct {
	client *storage.Client
	bucket *storage.BucketHandle
	name   string
}

var _ cost.Bucket = (*Bucket)(nil)

// Open returns the named bucket, with Application Default Credentials unless
// opts say otherwise (tests pass an emulator's client options).
func Open(ctx context.Context, name string, opts ...option.ClientOption) (*Bucket, error) {
	if strings.TrimSpace(name) == "" {
		return nil, cost.FieldErrorf("bucket", "A GCS source needs a bucket.")
	}
	client, err := storage.NewClient(ctx, opts...)
	if err != nil {
		return nil, cost.Errorf(cost.CodeUnavailable, "Google Cloud Storage client: %v", err)
	}
	return &Bucket{client: client, bucket: client.Bucket(name), name: name}, nil
}

// Close releases the client.
func (b *Bucket) Close() error { return b.client.Close() }

// String returns "gs://bucket".
func (b *Bucket) String() string { return "gs://" + b.name }

// List returns the objects whose names start with prefix, ordered by name. An
// object's ETag is its generation, which changes whenever it is rewritten.
func (b *Bucket) List(ctx context.Context, prefix string) ([]cost.Object, error) {
	var out []cost.Object
	it := b.bucket.Objects(ctx, &storage.Query{Prefix: prefix})
	for {
		a, err := it.Next()
		if errors.Is(err, iterator.Done) {
			return out, nil
		}
		if err != nil {
			return nil, cost.Errorf(cost.CodeUnavailable, "%s: list %s: %v", b, prefix, err)
		}
		out = append(out, cost.Object{Key: a.Name, Size: a.Size,
			ETag: strconv.FormatInt(a.Generation, 10), Updated: a.Updated.UTC()})
	}
}

// Open reads one object; CodeNotFound when it does not exist.
func (b *Bucket) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	r, err := b.bucket.Object(key).NewReader(ctx)
	if errors.Is(err, storage.ErrObjectNotExist) {
		return nil, cost.Errorf(cost.CodeNotFound, "%s/%s does not exist.", b, key)
	} else if err != nil {
		return nil, cost.Errorf(cost.CodeUnavailable, "%s: read %s: %v", b, key, err)
	}
	return r, nil
}
