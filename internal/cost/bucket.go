package cost

import (
	"context"
	"io"
	"time"
)

// Object is one object (file) in a bucket: an S3 bucket, a GCS bucket or an
// Azure Blob container.
type Object struct {
	Key     string    `json:"key"`     // Full name inside the bucket.
	Size    int64     `json:"size"`    // Bytes.
	ETag    string    `json:"etag"`    // Changes whenever the content changes.
	Updated time.Time `json:"updated"` // Last modification.
}

// Bucket lists and reads objects in one object-store bucket or container. The
// s3, gcs and azblob packages implement it; the sync package pulls billing
// exports through it.
type Bucket interface {
	// List returns every object whose key starts with prefix, ordered by key.
	List(ctx context.Context, prefix string) ([]Object, error)
	// Open reads one object. Returns CodeNotFound when it does not exist.
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	// String names the bucket for reports and logs (e.g. "s3://bucket").
	String() string
}
