// Package s3 lists and reads objects in an Amazon S3 bucket, or any
// S3-compatible store, through S3's REST API (ListObjectsV2, GetObject) signed
// with Signature Version 4. Credentials and region come from the AWS default
// chain of aws-sdk-go-v2/config (environment, shared config and credentials
// files, SSO, web identity, container and instance roles).
package s3

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/llmcost/llmcost/internal/cost"
)

// Config names a bucket and, optionally, where and how to reach it.
type Config struct {
	Bucket string
	// Region overrides the region from the AWS configuration.
	Region string
	// Endpoint is the base URL of an S3-compatible store ("" = AWS). Setting it
	// also selects path-style addressing.
	Endpoint string
}

// emptySHA256 is the SHA-256 of an empty body, the payload hash of a GET.
const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// Bucket is one S3 bucket. It implements cost.Bucket.
type Bucket struct {
	client *http.Client
	creds  aws.CredentialsProvider // nil = unsigned requests
	signer *v4.Signer
	region string
	base   string // URL of the bucket, without a trailing slash.
	name   string
}

var _ cost.Bucket = (*Bucket)(nil)

// Open returns the bucket described by c, with credentials from the default chain.
func Open(ctx context.Context, c Config) (*Bucket, error) {
	if strings.TrimSpace(c.Bucket) == "" {
		return nil, cost.FieldErrorf("bucket", "An S3 source needs a bucket.")
	}
	var opts []func(*config.LoadOptions) error
	if c.Region != "" {
		opts = append(opts, config.WithRegion(c.Region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, cost.Errorf(cost.CodeUnavailable, "AWS configuration: %v", err)
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	b := &Bucket{client: http.DefaultClient, creds: cfg.Credentials, signer: v4.NewSigner(), region: cfg.Region, name: c.Bucket}
	switch {
	case c.Endpoint != "":
		b.base = strings.TrimRight(c.Endpoint, "/") + "/" + escapePath(c.Bucket)
	case strings.Contains(c.Bucket, "."): // Virtual-hosted names with dots break TLS.
		b.base = fmt.Sprintf("https://s3.%s.amazonaws.com/%s", cfg.Region, escapePath(c.Bucket))
	default:
		b.base = fmt.Sprintf("https://%s.s3.%s.amazonaws.com", c.Bucket, cfg.Region)
	}
	return b, nil
}

// String returns "s3://bucket".
func (b *Bucket) String() string { return "s3://" + b.name }

// listResult is one page of a ListObjectsV2 answer.
type listResult struct {
	Contents []struct {
		Key          string    `xml:"Key"`
		LastModified time.Time `xml:"LastModified"`
		ETag         string    `xml:"ETag"`
		Size         int64     `xml:"Size"`
	} `xml:"Contents"`
	IsTruncated           bool   `xml:"IsTruncated"`
	NextContinuationToken string `xml:"NextContinuationToken"`
}

// List returns the objects whose keys start with prefix, ordered by key.
func (b *Bucket) List(ctx context.Context, prefix string) ([]cost.Object, error) {
	var out []cost.Object
	q := url.Values{"list-type": {"2"}, "prefix": {prefix}}
	for {
		var page listResult
		if err := b.listPage(ctx, q, &page); err != nil {
			return nil, b.fail("list "+prefix, err)
		}
		for _, o := range page.Contents {
			out = append(out, cost.Object{Key: o.Key, Size: o.Size, ETag: strings.Trim(o.ETag, `"`), Updated: o.LastModified.UTC()})
		}
		if !page.IsTruncated || page.NextContinuationToken == "" {
			return out, nil
		}
		q.Set("continuation-token", page.NextContinuationToken)
	}
}

func (b *Bucket) listPage(ctx context.Context, q url.Values, page *listResult) error {
	resp, err := b.get(ctx, "", q)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return s3Error(resp)
	}
	return xml.NewDecoder(resp.Body).Decode(page)
}

// Open reads one object; CodeNotFound when it does not exist.
func (b *Bucket) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	resp, err := b.get(ctx, key, nil)
	if err != nil {
		return nil, b.fail("read "+key, err)
	}
	switch resp.StatusCode {
	case http.StatusOK:
		return resp.Body, nil
	case http.StatusNotFound:
		resp.Body.Close()
		return nil, cost.Errorf(cost.CodeNotFound, "%s/%s does not exist.", b, key)
	}
	defer resp.Body.Close()
	return nil, b.fail("read "+key, s3Error(resp))
}

// get sends a signed GET for key (or the bucket itself when key is "").
func (b *Bucket) get(ctx context.Context, key string, q url.Values) (*http.Response, error) {
	u, err := url.Parse(b.base + "/" + escapePath(key))
	if err != nil {
		return nil, err
	}
	u.RawQuery = strings.ReplaceAll(q.Encode(), "+", "%20")
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("X-Amz-Content-Sha256", emptySHA256)
	if b.creds != nil {
		creds, err := b.creds.Retrieve(ctx)
		if err != nil {
			return nil, fmt.Errorf("AWS credentials: %w", err)
		}
		err = b.signer.SignHTTP(ctx, creds, req, emptySHA256, "s3", b.region, time.Now().UTC(),
			func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
		if err != nil {
			return nil, err
		}
	}
	return b.client.Do(req)
}

// escapePath percent-encodes every byte of a key except unreserved characters
// and '/', as S3's canonical request requires.
func escapePath(key string) string {
	var sb strings.Builder
	for i := 0; i < len(key); i++ {
		c := key[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte("-_.~/", c) >= 0 {
			sb.WriteByte(c)
		} else {
			fmt.Fprintf(&sb, "%%%02X", c)
		}
	}
	return sb.String()
}

// s3Error describes a failed call by its status and S3's error code and message.
func s3Error(resp *http.Response) error {
	var e struct {
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if xml.Unmarshal(data, &e) == nil && e.Code != "" {
		return fmt.Errorf("%s: %s: %s", resp.Status, e.Code, e.Message)
	}
	return fmt.Errorf("%s", resp.Status)
}

func (b *Bucket) fail(op string, err error) error {
	return cost.Errorf(cost.CodeUnavailable, "%s: %s: %v", b, op, err)
}
