package azblob

import (
	"net/http"
	"testing"
)

func TestParseConnectionString(t *testing.T) {
	tests := []struct {
		name, in          string
		endpoint, account string
		auth              string // sharedKey, sas or anonymous
		wantErr           bool
	}{
		{"azurite", "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;",
			"http://127.0.0.1:10000/devstoreaccount1", "devstoreaccount1", "sharedKey", false},
		{"account and suffix", "AccountName=acme;AccountKey=a2V5;EndpointSuffix=core.chinacloudapi.cn",
			"https://acme.blob.core.chinacloudapi.cn", "acme", "sharedKey", false},
		{"sas", "BlobEndpoint=https://acme.blob.core.windows.net;SharedAccessSignature=?sv=2021-08-06&sig=abc",
			"https://acme.blob.core.windows.net", "", "sas", false},
		{"public", "BlobEndpoint=https://acme.blob.core.windows.net", "https://acme.blob.core.windows.net", "", "anonymous", false},
		{"no endpoint", "AccountKey=a2V5", "", "", "", true},
		{"bad key", "AccountName=acme;AccountKey=not base64!", "", "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs, err := parseConnectionString(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if tt.wantErr {
				return
			}
			if cs.endpoint != tt.endpoint || cs.account != tt.account {
				t.Errorf("got endpoint %q account %q, want %q %q", cs.endpoint, cs.account, tt.endpoint, tt.account)
			}
			var got string
			switch cs.authorizer().(type) {
			case sharedKey:
				got = "sharedKey"
			case sasToken:
				got = "sas"
			case anonymous:
				got = "anonymous"
			}
			if got != tt.auth {
				t.Errorf("authorizer %s, want %s", got, tt.auth)
			}
		})
	}
}

// TestSharedKeyStringToSign checks the canonical request of a List Blobs call
// against the layout the Blob service documents: twelve header lines, the x-ms-
// headers sorted, then the resource with its query parameters sorted.
func TestSharedKeyStringToSign(t *testing.T) {
	req, _ := http.NewRequest("GET", "http://127.0.0.1:10000/devstoreaccount1/billing?restype=container&comp=list&prefix=a%20b%2F", nil)
	req.Header.Set("X-Ms-Version", "2021-08-06")
	req.Header.Set("X-Ms-Date", "Thu, 03 Dec 2026 10:00:00 GMT")
	got := sharedKey{account: "devstoreaccount1"}.stringToSign(req)
	want := "GET\n\n\n\n\n\n\n\n\n\n\n\n" +
		"x-ms-date:Thu, 03 Dec 2026 10:00:00 GMT\nx-ms-version:2021-08-06\n" +
		"/devstoreaccount1/devstoreaccount1/billing\ncomp:list\nprefix:a b/\nrestype:container"
	if got != want {
		t.Errorf("string to sign:\n%q\nwant\n%q", got, want)
	}
}
