package azblob

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// authorizer adds credentials to a request.
type authorizer interface {
	authorize(ctx context.Context, req *http.Request) error
}

// connectionString is what llmcost uses of an Azure Storage connection string.
type connectionString struct {
	endpoint string // Blob service URL.
	account  string
	key      []byte // Account key; nil with a SAS token or anonymous access.
	sas      string // SharedAccessSignature, without a leading '?'.
}

// parseConnectionString reads "Key=Value;…" pairs: AccountName, AccountKey,
// BlobEndpoint, DefaultEndpointsProtocol, EndpointSuffix, SharedAccessSignature.
func parseConnectionString(s string) (connectionString, error) {
	kv := map[string]string{}
	for _, part := range strings.Split(s, ";") {
		if k, v, ok := strings.Cut(strings.TrimSpace(part), "="); ok {
			kv[strings.ToLower(k)] = v
		}
	}
	cs := connectionString{endpoint: kv["blobendpoint"], account: kv["accountname"], sas: strings.TrimPrefix(kv["sharedaccesssignature"], "?")}
	if cs.endpoint == "" {
		if cs.account == "" {
			return cs, fmt.Errorf("the connection string has neither BlobEndpoint nor AccountName")
		}
		proto, suffix := kv["defaultendpointsprotocol"], kv["endpointsuffix"]
		if proto == "" {
			proto = "https"
		}
		if suffix == "" {
			suffix = "core.windows.net"
		}
		cs.endpoint = fmt.Sprintf("%s://%s.blob.%s", proto, cs.account, suffix)
	}
	if k := kv["accountkey"]; k != "" && cs.sas == "" {
		key, err := base64.StdEncoding.DecodeString(k)
		if err != nil {
			return cs, fmt.Errorf("the connection string's AccountKey is not base64")
		}
		if cs.account == "" {
			return cs, fmt.Errorf("the connection string has an AccountKey but no AccountName")
		}
		cs.key = key
	}
	return cs, nil
}

func (cs connectionString) authorizer() authorizer {
	switch {
	case cs.key != nil:
		return sharedKey{account: cs.account, key: cs.key}
	case cs.sas != "":
		return sasToken(cs.sas)
	}
	return anonymous{}
}

// sasToken appends a shared access signature to the query.
type sasToken string

func (s sasToken) authorize(_ context.Context, req *http.Request) error {
	if req.URL.RawQuery != "" {
		req.URL.RawQuery += "&"
	}
	req.URL.RawQuery += string(s)
	return nil
}

// anonymous sends requests as they are, for public containers.
type anonymous struct{}

func (anonymous) authorize(context.Context, *http.Request) error { return nil }

// sharedKey signs requests with the account key (the Blob service's Shared Key
// authorization).
type sharedKey struct {
	account string
	key     []byte
}

func (k sharedKey) authorize(_ context.Context, req *http.Request) error {
	mac := hmac.New(sha256.New, k.key)
	mac.Write([]byte(k.stringToSign(req)))
	req.Header.Set("Authorization", "SharedKey "+k.account+":"+base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	return nil
}

// stringToSign is the canonical form of a body-less request: the verb, twelve
// standard headers (empty here but Range), the x-ms- headers and the resource.
func (k sharedKey) stringToSign(req *http.Request) string {
	h := req.Header
	lines := []string{req.Method, h.Get("Content-Encoding"), h.Get("Content-Language"), "", h.Get("Content-MD5"),
		h.Get("Content-Type"), "", h.Get("If-Modified-Since"), h.Get("If-Match"), h.Get("If-None-Match"),
		h.Get("If-Unmodified-Since"), h.Get("Range")}
	var ms []string
	for name, values := range h {
		if name = strings.ToLower(name); strings.HasPrefix(name, "x-ms-") {
			ms = append(ms, name+":"+strings.Join(values, ","))
		}
	}
	slices.Sort(ms)
	return strings.Join(lines, "\n") + "\n" + strings.Join(ms, "\n") + "\n" + k.canonicalResource(req.URL)
}

// canonicalResource is "/account" + the escaped path, then each query
// parameter, lower-cased and sorted, as "\nname:value[,value]".
func (k sharedKey) canonicalResource(u *url.URL) string {
	var sb strings.Builder
	sb.WriteString("/" + k.account)
	if u.EscapedPath() == "" {
		sb.WriteString("/")
	}
	sb.WriteString(u.EscapedPath())
	q, _ := url.ParseQuery(u.RawQuery)
	names := make([]string, 0, len(q))
	for n := range q {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		vals := slices.Sorted(slices.Values(q[n]))
		sb.WriteString("\n" + strings.ToLower(n) + ":" + strings.Join(vals, ","))
	}
	return sb.String()
}
