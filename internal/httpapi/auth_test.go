package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

func TestAuth_Me(t *testing.T) {
	e := newEnv(t, nil)
	expired := e.mint("cust_acme", time.Minute)
	e = newEnvWithKeys(t, e, func() time.Time { return testNow.Add(2 * time.Minute) })

	tests := []struct {
		name       string
		header     string
		wantStatus int
		wantAdmin  bool
		wantCust   string
	}{
		{"Admin", "Bearer " + e.admin, http.StatusOK, true, ""},
		{"Customer", "Bearer " + e.acme, http.StatusOK, false, "cust_acme"},
		{"LowercaseScheme", "bearer " + e.acme, http.StatusOK, false, "cust_acme"},
		{"NoHeader", "", http.StatusUnauthorized, false, ""},
		{"BasicScheme", "Basic " + e.admin, http.StatusUnauthorized, false, ""},
		{"BadToken", "Bearer nope", http.StatusUnauthorized, false, ""},
		{"Tampered", "Bearer " + e.acme[:len(e.acme)-3] + "xyz", http.StatusUnauthorized, false, ""},
		{"Expired", "Bearer " + expired, http.StatusUnauthorized, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := e.do("GET", "/api/v1/me", "", nil, "Authorization", tt.header)
			if tt.wantStatus != http.StatusOK {
				wantError(t, w, tt.wantStatus, cost.CodeUnauthorized, "")
				if got := w.Header().Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer") {
					t.Errorf("WWW-Authenticate=%q, want Bearer challenge", got)
				}
				return
			}
			var got struct {
				Admin      bool   `json:"admin"`
				CustomerID string `json:"customer_id"`
			}
			decode(t, w, http.StatusOK, &got)
			if got.Admin != tt.wantAdmin || got.CustomerID != tt.wantCust {
				t.Errorf("me=%+v, want admin=%v customer=%q", got, tt.wantAdmin, tt.wantCust)
			}
		})
	}
}

func TestAuth_AdminOnlyRoutes(t *testing.T) {
	e := newEnv(t, nil)
	routes := []struct{ method, path, body string }{
		{"POST", "/api/v1/tokens", `{"customer_id":"cust_acme","ttl_seconds":60}`},
		{"POST", "/api/v1/ingest?format=unified", "date\n"},
		{"PUT", "/api/v1/budgets/cust_acme", `{"monthly_usd":1}`},
		{"DELETE", "/api/v1/budgets/cust_acme", ""},
	}
	for _, rt := range routes {
		t.Run(rt.method+rt.path, func(t *testing.T) {
			wantError(t, e.do(rt.method, rt.path, e.acme, rt.body), http.StatusForbidden, cost.CodeForbidden, "")
			wantError(t, e.do(rt.method, rt.path, "", rt.body), http.StatusUnauthorized, cost.CodeUnauthorized, "")
		})
	}
}

func TestTokens_MintAndUse(t *testing.T) {
	e := newEnv(t, nil)
	var tok struct {
		Token     string    `json:"token"`
		ExpiresAt time.Time `json:"expires_at"`
	}
	decode(t, e.do("POST", "/api/v1/tokens", e.admin, `{"customer_id":"cust_wonka","ttl_seconds":600}`), http.StatusCreated, &tok)
	if got, want := tok.ExpiresAt, testNow.Add(10*time.Minute); !got.Equal(want) {
		t.Errorf("expires_at=%v, want %v", got, want)
	}
	var me struct {
		CustomerID string `json:"customer_id"`
	}
	decode(t, e.do("GET", "/api/v1/me", tok.Token, nil), http.StatusOK, &me)
	if me.CustomerID != "cust_wonka" {
		t.Errorf("minted token's customer=%q, want cust_wonka", me.CustomerID)
	}

	bad := []struct{ name, body, field string }{
		{"NoCustomer", `{"ttl_seconds":60}`, "customer_id"},
		{"ZeroTTL", `{"customer_id":"c","ttl_seconds":0}`, "ttl_seconds"},
		{"TTLString", `{"customer_id":"c","ttl_seconds":"60"}`, "ttl_seconds"},
		{"UnknownField", `{"customer_id":"c","ttl":60}`, "ttl"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, e.do("POST", "/api/v1/tokens", e.admin, tt.body), http.StatusBadRequest, cost.CodeInvalid, tt.field)
		})
	}
}

func TestLinkToken(t *testing.T) {
	e := newEnv(t, nil)
	var tok struct {
		Token      string    `json:"token"`
		ExpiresAt  time.Time `json:"expires_at"`
		CustomerID string    `json:"customer_id"`
	}
	decode(t, e.do("POST", "/api/v1/link-tokens", e.acme, ""), http.StatusCreated, &tok)
	if tok.CustomerID != "cust_acme" || tok.Token == "" || tok.Token == e.acme {
		t.Fatalf("link token = %+v", tok)
	}
	var me struct {
		Admin      bool   `json:"admin"`
		CustomerID string `json:"customer_id"`
	}
	decode(t, e.do("GET", "/api/v1/me", tok.Token, ""), http.StatusOK, &me)
	if me.Admin || me.CustomerID != "cust_acme" {
		t.Errorf("link token signs in as %+v, want cust_acme", me)
	}
	wantError(t, e.do("POST", "/api/v1/link-tokens", e.admin, ""), http.StatusForbidden, cost.CodeForbidden, "")
	wantError(t, e.do("POST", "/api/v1/link-tokens", "", ""), http.StatusUnauthorized, cost.CodeUnauthorized, "")
}
