package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/httpapi"
)

// TestDecode_NumberMessages checks that a number that does not fit its field
// is named as such, not as a value of the wrong type ("must be a JSON number,
// not number 1.5").
func TestDecode_NumberMessages(t *testing.T) {
	e := newEnv(t, nil)
	tests := []struct {
		name, method, path, body, field, want string
	}{
		{"FractionForWholeNumber", "POST", "/api/v1/tokens", `{"customer_id":"cust_a","ttl_seconds":1.5}`,
			"ttl_seconds", `Field "ttl_seconds" must be a whole number within range, not 1.5.`},
		{"TooLargeForWholeNumber", "POST", "/api/v1/tokens", `{"customer_id":"cust_a","ttl_seconds":1e30}`,
			"ttl_seconds", `Field "ttl_seconds" must be a whole number within range, not 1e30.`},
		{"BeyondFloat64", "PUT", "/api/v1/budgets/cust_a", `{"monthly_usd":1e400}`,
			"monthly_usd", `Field "monthly_usd" is out of range: 1e400.`},
		{"StringForNumber", "PUT", "/api/v1/budgets/cust_a", `{"monthly_usd":"lots"}`,
			"monthly_usd", `Field "monthly_usd" must be a JSON number, not string.`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := wantError(t, e.do(tt.method, tt.path, e.admin, tt.body), http.StatusBadRequest, cost.CodeInvalid, tt.field)
			if got.Error.Message != tt.want {
				t.Errorf("message=%q, want %q", got.Error.Message, tt.want)
			}
		})
	}
}

// TestForbidden_LogNamesPrincipal checks the warning logged for a refused
// request: it names the principal, and a token refused before it has one (a
// gateway token outside the budget check) is not logged as a customer.
func TestForbidden_LogNamesPrincipal(t *testing.T) {
	e := newEnv(t, nil)
	gw, _, err := e.keys.MintGateway("litellm", time.Hour, testNow)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, token, path, want string
	}{
		{"Customer", e.acme, "/api/v1/budgets/cust_globex", "principal=customer:cust_acme"},
		{"GatewayToken", gw, "/api/v1/me", "principal=none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.logs.Reset()
			wantError(t, e.do("GET", tt.path, tt.token, nil), http.StatusForbidden, cost.CodeForbidden, "")
			var got string
			for _, line := range strings.Split(e.logs.String(), "\n") {
				if strings.Contains(line, "request outside principal scope") {
					got = line
				}
			}
			if !strings.Contains(got, tt.want+" ") {
				t.Errorf("log line %q, want it to contain %q", got, tt.want)
			}
		})
	}
}

// TestRequestText_NotUTF8 checks that a path or query parameter that is not
// UTF-8 is refused as bad input (it used to reach the store and fail as 500).
func TestRequestText_NotUTF8(t *testing.T) {
	e := newEnv(t, nil)
	tests := []struct {
		name, token, path, field string
	}{
		{"BudgetPath", e.admin, "/api/v1/budgets/%ff", "path"},
		{"PanelVariable", e.admin, "/api/v1/panels/overview/daily-cost-trend?var-model=%ff%fe", "var-model"},
		{"CustomerParameter", e.admin, "/api/v1/quick-stats?customer_id=%c3", "customer_id"},
		{"ParameterName", e.acme, "/api/v1/forecast?%ff=1", "query"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, e.do("GET", tt.path, tt.token, nil), http.StatusBadRequest, cost.CodeInvalid, tt.field)
		})
	}
}

// TestChat_CustomerIDMustBeValid checks that the admin's chat customer_id is
// held to the rules of a customer id, as when minting a token.
func TestChat_CustomerIDMustBeValid(t *testing.T) {
	asked := false
	chat := &chatService{AskFn: func(context.Context, cost.Principal, cost.ChatRequest) (*cost.ChatAnswer, error) {
		asked = true
		return &cost.ChatAnswer{Answer: "ok"}, nil
	}}
	e := newEnv(t, func(c *httpapi.Config) { c.Chat = chat })
	tests := []struct{ name, customer string }{
		{"ControlCharacter", `\u0000`},
		{"LeadingSpace", ` cust_acme`},
		{"Reserved", `_org`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			asked = false
			body := `{"message":"How much did we spend yesterday?","customer_id":"` + tt.customer + `"}`
			wantError(t, e.do("POST", "/api/v1/chat", e.admin, body), http.StatusBadRequest, cost.CodeInvalid, "customer_id")
			if asked {
				t.Error("the chat engine was asked")
			}
		})
	}
}

// TestGatewayTokens_BadInputNamesField checks that a refused gateway-token
// request names the request's own field.
func TestGatewayTokens_BadInputNamesField(t *testing.T) {
	e := newEnv(t, nil)
	tests := []struct{ name, body, field string }{
		{"NoName", `{"ttl_seconds":60}`, "name"},
		{"BlankName", `{"name":"  ","ttl_seconds":60}`, "name"},
		{"LongName", `{"name":"` + strings.Repeat("g", 201) + `","ttl_seconds":60}`, "name"},
		{"TTLTooLong", `{"name":"litellm","ttl_seconds":99999999999}`, "ttl_seconds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, e.do("POST", "/api/v1/gateway-tokens", e.admin, tt.body), http.StatusBadRequest, cost.CodeInvalid, tt.field)
		})
	}
}
