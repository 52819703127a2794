// Package azblob lists and reads blobs in an Azure Blob Storage container with
// the Azure SDK's azblob module. Credentials come from a connection string when
// one is given (AZURE_STORAGE_CONNECTION_STRING), otherwise from azidentity's
// default chain (environment, workload identity, managed identity, Azure CLI).
package azblob

import (
	"context"
	"io"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/bloberror"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/container"

	"github.com/llmcost/llmcost/internal/cost"
)

// Config names a container and how to reach it: a connection string, or an
// account URL ("https://account.blob.core.windows.net") with default credentials.
type Config struct {
	Container        string
	ConnectionString string
	AccountURL       string
}

// Container is one blob container. It implements cost.Bucket.
type Container struct {
	client *container.Client
	name   string
}

var _ cost.Bucket = (*Container)(nil)

// Open returns the container described by c.
func Open(c Config) (*Container, error) {
	if strings.TrimSpace(c.Container) == "" {
		return nil, cost.FieldErrorf("container", "An Azure Blob source needs a container.")
	}
	var client *container.Client
	var err error
	switch {
	case c.ConnectionString != "":
		client, err = container.NewClientFromConnectionString(c.ConnectionString, c.Container, nil)
	case c.AccountURL != "":
		cred, cerr := azidentity.NewDefaultAzureCredential(nil)
		if cerr != nil {
			return nil, cost.Errorf(cost.CodeUnavailable, "Azure credentials: %v", cerr)
		}
		client, err = container.NewClient(strings.TrimRight(c.AccountURL, "/")+"/"+c.Container, cred, nil)
	default:
		return nil, cost.FieldErrorf("account_url", "An Azure Blob source needs an account URL or a connection string.")
	}
	if err != nil {
		return nil, cost.Errorf(cost.CodeInvalid, "Azure Blob container %s: %v", c.Container, err)
	}
	return &Container{client: client, name: c.Container}, nil
}

// String returns "azblob://container".
func (c *Container) String() string { return "azblob://" + c.name }

// List returns the blobs whose names start with prefix, ordered by name.
func (c *Container) List(ctx context.Context, prefix string) ([]cost.Object, error) {
	var out []cost.Object
	p := c.client.NewListBlobsFlatPager(&container.ListBlobsFlatOptions{Prefix: &prefix})
	for p.More() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, cost.Errorf(cost.CodeUnavailable, "%s: list %s: %v", c, prefix, err)
		}
		for _, b := range page.Segment.BlobItems {
			o := cost.Object{Key: deref(b.Name)}
			if pr := b.Properties; pr != nil {
				if pr.ContentLength != nil {
					o.Size = *pr.ContentLength
				}
				if pr.ETag != nil {
					o.ETag = strings.Trim(string(*pr.ETag), `"`)
				}
				if pr.LastModified != nil {
					o.Updated = pr.LastModified.UTC()
				}
			}
			out = append(out, o)
		}
	}
	return out, nil
}

// Open reads one blob; CodeNotFound when it does not exist.
func (c *Container) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	res, err := c.client.NewBlobClient(key).DownloadStream(ctx, nil)
	if bloberror.HasCode(err, bloberror.BlobNotFound) {
		return nil, cost.Errorf(cost.CodeNotFound, "%s/%s does not exist.", c, key)
	} else if err != nil {
		return nil, cost.Errorf(cost.CodeUnavailable, "%s: read %s: %v", c, key, err)
	}
	return res.Body, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
