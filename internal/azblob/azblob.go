// Package azblob lists and reads blobs in an Azure Blob Storage container
// through the Blob service's REST API (List Blobs, Get Blob). Requests are
// signed with the account key of a connection string
// (AZURE_STORAGE_CONNECTION_STRING), carry its SAS token, or carry a bearer
// token from azidentity's default chain (environment, workload identity,
// managed identity, Azure CLI) when only an account URL is given.
package azblob

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/llmcost/llmcost/internal/cost"
)

// apiVersion is the Blob service version the requests ask for (x-ms-version).
const apiVersion = "2021-08-06"

// storageScope is the OAuth scope of Azure Storage.
const storageScope = "https://storage.azure.com/.default"

// Config names a container and how to reach it: a connection string, or an
// account URL ("https://account.blob.core.windows.net") with default credentials.
type Config struct {
	Container        string
	ConnectionString string
	AccountURL       string
}

// Container is one blob container. It implements cost.Bucket.
type Container struct {
	client *http.Client
	base   string // URL of the container, without a trailing slash.
	name   string
	auth   authorizer
}

var _ cost.Bucket = (*Container)(nil)

// Open returns the container described by c.
func Open(c Config) (*Container, error) {
	if strings.TrimSpace(c.Container) == "" {
		return nil, cost.FieldErrorf("container", "An Azure Blob source needs a container.")
	}
	var endpoint string
	var auth authorizer
	switch {
	case c.ConnectionString != "":
		cs, err := parseConnectionString(c.ConnectionString)
		if err != nil {
			return nil, cost.Errorf(cost.CodeInvalid, "Azure Blob container %s: %v", c.Container, err)
		}
		endpoint, auth = cs.endpoint, cs.authorizer()
	case c.AccountURL != "":
		cred, err := azidentity.NewDefaultAzureCredential(nil)
		if err != nil {
			return nil, cost.Errorf(cost.CodeUnavailable, "Azure credentials: %v", err)
		}
		endpoint, auth = c.AccountURL, bearer{cred}
	default:
		return nil, cost.FieldErrorf("account_url", "An Azure Blob source needs an account URL or a connection string.")
	}
	base := strings.TrimRight(endpoint, "/") + "/" + url.PathEscape(c.Container)
	return &Container{client: http.DefaultClient, base: base, name: c.Container, auth: auth}, nil
}

// String returns "azblob://container".
func (c *Container) String() string { return "azblob://" + c.name }

// blobList is one page of a List Blobs answer.
type blobList struct {
	Blobs []struct {
		Name       string `xml:"Name"`
		Properties struct {
			LastModified  string `xml:"Last-Modified"`
			ETag          string `xml:"Etag"`
			ContentLength int64  `xml:"Content-Length"`
		} `xml:"Properties"`
	} `xml:"Blobs>Blob"`
	NextMarker string `xml:"NextMarker"`
}

// List returns the blobs whose names start with prefix, ordered by name.
func (c *Container) List(ctx context.Context, prefix string) ([]cost.Object, error) {
	var out []cost.Object
	q := url.Values{"restype": {"container"}, "comp": {"list"}, "prefix": {prefix}}
	for {
		var page blobList
		if err := c.listPage(ctx, q, &page); err != nil {
			return nil, cost.Errorf(cost.CodeUnavailable, "%s: list %s: %v", c, prefix, err)
		}
		for _, b := range page.Blobs {
			o := cost.Object{Key: b.Name, Size: b.Properties.ContentLength, ETag: strings.Trim(b.Properties.ETag, `"`)}
			if t, err := time.Parse(time.RFC1123, b.Properties.LastModified); err == nil {
				o.Updated = t.UTC()
			}
			out = append(out, o)
		}
		if page.NextMarker == "" {
			return out, nil
		}
		q.Set("marker", page.NextMarker)
	}
}

func (c *Container) listPage(ctx context.Context, q url.Values, page *blobList) error {
	resp, err := c.get(ctx, "", q)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return blobError(resp)
	}
	return xml.NewDecoder(resp.Body).Decode(page)
}

// Open reads one blob; CodeNotFound when it does not exist.
func (c *Container) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	resp, err := c.get(ctx, key, nil)
	if err != nil {
		return nil, cost.Errorf(cost.CodeUnavailable, "%s: read %s: %v", c, key, err)
	}
	switch resp.StatusCode {
	case http.StatusOK:
		return resp.Body, nil
	case http.StatusNotFound:
		resp.Body.Close()
		return nil, cost.Errorf(cost.CodeNotFound, "%s/%s does not exist.", c, key)
	}
	defer resp.Body.Close()
	return nil, cost.Errorf(cost.CodeUnavailable, "%s: read %s: %v", c, key, blobError(resp))
}

// get sends an authorized GET for blob key (the container itself when key is "").
func (c *Container) get(ctx context.Context, key string, q url.Values) (*http.Response, error) {
	raw := c.base
	if key != "" {
		raw += "/" + strings.ReplaceAll(url.PathEscape(key), "%2F", "/")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		return nil, err
	}
	req.URL.RawQuery = strings.ReplaceAll(q.Encode(), "+", "%20")
	req.Header.Set("X-Ms-Version", apiVersion)
	req.Header.Set("X-Ms-Date", time.Now().UTC().Format(http.TimeFormat))
	if err := c.auth.authorize(ctx, req); err != nil {
		return nil, err
	}
	return c.client.Do(req)
}

// blobError describes a failed call by its status and the service's error code
// and message.
func blobError(resp *http.Response) error {
	var e struct {
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if xml.Unmarshal(data, &e) == nil && e.Code != "" {
		msg, _, _ := strings.Cut(e.Message, "\n")
		return fmt.Errorf("%s: %s: %s", resp.Status, e.Code, msg)
	}
	return fmt.Errorf("%s", resp.Status)
}

// bearer authorizes requests with an OAuth token for Azure Storage.
type bearer struct{ cred azcore.TokenCredential }

func (b bearer) authorize(ctx context.Context, req *http.Request) error {
	tok, err := b.cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{storageScope}})
	if err != nil {
		return fmt.Errorf("Azure credentials: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+tok.Token)
	return nil
}
