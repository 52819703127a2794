// Package gcs lists and reads objects in a Google Cloud Storage bucket through
// the JSON API (storage/v1) over HTTPS. Credentials come from Application
// Default Credentials (GOOGLE_APPLICATION_CREDENTIALS, gcloud's user
// credentials, the metadata server); STORAGE_EMULATOR_HOST points the client at
// an emulator such as fake-gcs-server, without credentials.
package gcs

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2/google"

	"github.com/llmcost/llmcost/internal/cost"
)

// DefaultEndpoint is the JSON API's public endpoint.
const DefaultEndpoint = "https://storage.googleapis.com"

// readOnlyScope is the OAuth scope the bucket's client asks for.
const readOnlyScope = "https://www.googleapis.com/auth/devstorage.read_only"

// Bucket is one GCS bucket. It implements cost.Bucket.
type Bucket struct {
	client   *http.Client
	endpoint string // Scheme and host, without a trailing slash.
	name     string
}

var _ cost.Bucket = (*Bucket)(nil)

// Open returns the named bucket: on the emulator STORAGE_EMULATOR_HOST names
// (host:port or a URL) when it is set, else on Google Cloud Storage with
// Application Default Credentials.
func Open(ctx context.Context, name string) (*Bucket, error) {
	if strings.TrimSpace(name) == "" {
		return nil, cost.FieldErrorf("bucket", "A GCS source needs a bucket.")
	}
	if host := os.Getenv("STORAGE_EMULATOR_HOST"); host != "" {
		if !strings.Contains(host, "://") {
			host = "http://" + host
		}
		return &Bucket{client: http.DefaultClient, endpoint: strings.TrimRight(host, "/"), name: name}, nil
	}
	client, err := google.DefaultClient(ctx, readOnlyScope)
	if err != nil {
		return nil, cost.Errorf(cost.CodeUnavailable, "Google Cloud credentials: %v", err)
	}
	return &Bucket{client: client, endpoint: DefaultEndpoint, name: name}, nil
}

// Close releases idle connections.
func (b *Bucket) Close() error {
	b.client.CloseIdleConnections()
	return nil
}

// String returns "gs://bucket".
func (b *Bucket) String() string { return "gs://" + b.name }

// objectList is one page of the JSON API's objects.list answer.
type objectList struct {
	Items []struct {
		Name       string    `json:"name"`
		Size       string    `json:"size"`       // uint64 as a string
		Generation string    `json:"generation"` // int64 as a string
		Updated    time.Time `json:"updated"`
	} `json:"items"`
	NextPageToken string `json:"nextPageToken"`
}

// List returns the objects whose names start with prefix, ordered by name. An
// object's ETag is its generation, which changes whenever it is rewritten.
func (b *Bucket) List(ctx context.Context, prefix string) ([]cost.Object, error) {
	var out []cost.Object
	q := url.Values{"prefix": {prefix}, "fields": {"items(name,size,generation,updated),nextPageToken"}}
	for {
		page, err := b.listPage(ctx, q)
		if err != nil {
			return nil, cost.Errorf(cost.CodeUnavailable, "%s: list %s: %v", b, prefix, err)
		}
		for _, it := range page.Items {
			size, _ := strconv.ParseInt(it.Size, 10, 64)
			out = append(out, cost.Object{Key: it.Name, Size: size, ETag: it.Generation, Updated: it.Updated.UTC()})
		}
		if page.NextPageToken == "" {
			return out, nil
		}
		q.Set("pageToken", page.NextPageToken)
	}
}

func (b *Bucket) listPage(ctx context.Context, q url.Values) (*objectList, error) {
	resp, err := b.get(ctx, "/storage/v1/b/"+url.PathEscape(b.name)+"/o?"+q.Encode())
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, statusError(resp)
	}
	var page objectList
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		return nil, fmt.Errorf("objects.list answer: %w", err)
	}
	return &page, nil
}

// Open reads one object; CodeNotFound when it does not exist.
func (b *Bucket) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	resp, err := b.get(ctx, "/storage/v1/b/"+url.PathEscape(b.name)+"/o/"+url.PathEscape(key)+"?alt=media")
	if err != nil {
		return nil, cost.Errorf(cost.CodeUnavailable, "%s: read %s: %v", b, key, err)
	}
	switch resp.StatusCode {
	case http.StatusOK:
		return resp.Body, nil
	case http.StatusNotFound:
		resp.Body.Close()
		return nil, cost.Errorf(cost.CodeNotFound, "%s/%s does not exist.", b, key)
	}
	defer resp.Body.Close()
	return nil, cost.Errorf(cost.CodeUnavailable, "%s: read %s: %v", b, key, statusError(resp))
}

func (b *Bucket) get(ctx context.Context, pathAndQuery string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.endpoint+pathAndQuery, nil)
	if err != nil {
		return nil, err
	}
	return b.client.Do(req)
}

// statusError describes a failed JSON API call by its status and the message of
// its error body ({"error":{"message":…}}).
func statusError(resp *http.Response) error {
	var e struct {
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if json.Unmarshal(data, &e) == nil && e.Error.Message != "" {
		return fmt.Errorf("%s: %s", resp.Status, e.Error.Message)
	}
	return fmt.Errorf("%s", resp.Status)
}
