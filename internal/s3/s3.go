// Package s3 lists and reads objects in an Amazon S3 bucket, or any
// S3-compatible store, with aws-sdk-go-v2. Credentials and region come from the
// AWS default chain (environment, shared config and credentials files, SSO, web
// identity, container and instance roles).
package s3

import (
	"context"
	"errors"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

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

// Bucket is one S3 bucket. It implements cost.Bucket.
type Bucket struct {
	client *awss3.Client
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
	client := awss3.NewFromConfig(cfg, func(o *awss3.Options) {
		o.DisableLogOutputChecksumValidationSkipped = true
		if c.Endpoint != "" {
			o.BaseEndpoint = aws.String(c.Endpoint)
			o.UsePathStyle = true
		}
	})
	return &Bucket{client: client, name: c.Bucket}, nil
}

// String returns "s3://bucket".
func (b *Bucket) String() string { return "s3://" + b.name }

// List returns the objects whose keys start with prefix, ordered by key.
func (b *Bucket) List(ctx context.Context, prefix string) ([]cost.Object, error) {
	var out []cost.Object
	p := awss3.NewListObjectsV2Paginator(b.client, &awss3.ListObjectsV2Input{
		Bucket: aws.String(b.name), Prefix: aws.String(prefix),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, b.fail("list "+prefix, err)
		}
		for _, o := range page.Contents {
			out = append(out, cost.Object{
				Key:     aws.ToString(o.Key),
				Size:    aws.ToInt64(o.Size),
				ETag:    strings.Trim(aws.ToString(o.ETag), `"`),
				Updated: aws.ToTime(o.LastModified).UTC(),
			})
		}
	}
	return out, nil
}

// Open reads one object; CodeNotFound when it does not exist.
func (b *Bucket) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	res, err := b.client.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String(b.name), Key: aws.String(key)})
	if err != nil {
		var nk *types.NoSuchKey
		if errors.As(err, &nk) {
			return nil, cost.Errorf(cost.CodeNotFound, "%s/%s does not exist.", b, key)
		}
		return nil, b.fail("read "+key, err)
	}
	return res.Body, nil
}

func (b *Bucket) fail(op string, err error) error {
	return cost.Errorf(cost.CodeUnavailable, "%s: %s: %v", b, op, err)
}
