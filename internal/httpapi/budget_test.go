package httpapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/llmcost/llmcost/internal/cost"
)

type budgetBody struct {
	CustomerID string  `json:"customer_id"`
	MonthlyUSD float64 `json:"monthly_usd"`
}

func TestBudgets_PutGetListDelete(t *testing.T) {
	e := newEnv(t, nil)
	for _, b := range []budgetBody{{"cust_acme", 1500}, {"cust_globex", 250.5}, {"_org", 10000}} {
		var got budgetBody
		decode(t, e.do("PUT", "/api/v1/budgets/"+b.CustomerID, e.admin, map[string]any{"monthly_usd": b.MonthlyUSD}), http.StatusOK, &got)
		if got != b {
			t.Errorf("PUT returned %+v, want %+v", got, b)
		}
	}
	var got budgetBody
	decode(t, e.do("GET", "/api/v1/budgets/cust_acme", e.admin, nil), http.StatusOK, &got)
	if want := (budgetBody{"cust_acme", 1500}); got != want {
		t.Errorf("GET cust_acme=%+v, want %+v", got, want)
	}
	var all []budgetBody
	decode(t, e.do("GET", "/api/v1/budgets", e.admin, nil), http.StatusOK, &all)
	if len(all) != 3 {
		t.Fatalf("admin list has %d budgets, want 3: %+v", len(all), all)
	}
	if all[0] != (budgetBody{"_org", 10000}) {
		t.Errorf("first budget=%+v, want the organisation's", all[0])
	}

	var own []budgetBody
	decode(t, e.do("GET", "/api/v1/budgets", e.acme, nil), http.StatusOK, &own)
	if len(own) != 1 || own[0] != (budgetBody{"cust_acme", 1500}) {
		t.Errorf("customer list=%+v, want only its own budget", own)
	}
	decode(t, e.do("GET", "/api/v1/budgets/cust_acme", e.acme, nil), http.StatusOK, &got)
	wantError(t, e.do("GET", "/api/v1/budgets/cust_globex", e.acme, nil), http.StatusForbidden, cost.CodeForbidden, "")
	wantError(t, e.do("GET", "/api/v1/budgets/_org", e.acme, nil), http.StatusForbidden, cost.CodeForbidden, "")

	if w := e.do("DELETE", "/api/v1/budgets/cust_globex", e.admin, nil); w.Code != http.StatusNoContent {
		t.Fatalf("DELETE status=%d, want 204", w.Code)
	}
	wantError(t, e.do("GET", "/api/v1/budgets/cust_globex", e.admin, nil), http.StatusNotFound, cost.CodeNotFound, "")
	wantError(t, e.do("DELETE", "/api/v1/budgets/cust_globex", e.admin, nil), http.StatusNotFound, cost.CodeNotFound, "")
}

func TestBudgets_BadInput(t *testing.T) {
	e := newEnv(t, nil)
	tests := []struct{ name, body, field string }{
		{"Negative", `{"monthly_usd":-5}`, "monthly_usd"},
		{"Missing", `{}`, "monthly_usd"},
		{"NotANumber", `{"monthly_usd":"lots"}`, "monthly_usd"},
		{"UnknownField", `{"monthly_usd":5,"monthly":5}`, "monthly"},
		{"MismatchedCustomer", `{"customer_id":"cust_b","monthly_usd":5}`, "customer_id"},
		{"Malformed", `{"monthly_usd":`, ""},
		{"Empty", ``, ""},
		{"TwoValues", `{"monthly_usd":5}{}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, e.do("PUT", "/api/v1/budgets/cust_a", e.admin, tt.body), http.StatusBadRequest, cost.CodeInvalid, tt.field)
		})
	}
}

func TestBudgetStatus_Scope(t *testing.T) {
	e := newEnv(t, nil)
	var gotID string
	var gotP cost.Principal
	e.query.BudgetStatusFn = func(_ context.Context, p cost.Principal, id string) (*cost.BudgetStatus, error) {
		gotP, gotID = p, id
		return &cost.BudgetStatus{CustomerID: id, Budget: 100, Spent: 50, PercentUsed: 50, HasBudget: true}, nil
	}
	e.query.BudgetStatusesFn = func(_ context.Context, p cost.Principal) ([]cost.BudgetStatus, error) {
		if !p.Admin {
			return nil, cost.Errorf(cost.CodeForbidden, "admin only")
		}
		return []cost.BudgetStatus{{CustomerID: "cust_acme"}}, nil
	}
	tests := []struct {
		name, token, query string
		wantStatus         int
		wantID             string
	}{
		{"AdminOrg", e.admin, "", 200, ""},
		{"AdminOrgAlias", e.admin, "?customer_id=_org", 200, ""},
		{"AdminCustomer", e.admin, "?customer_id=cust_globex", 200, "cust_globex"},
		{"CustomerOwnImplicit", e.acme, "", 200, ""},
		{"CustomerOwnExplicit", e.acme, "?customer_id=cust_acme", 200, "cust_acme"},
		{"CustomerOther", e.acme, "?customer_id=cust_globex", 403, ""},
		{"CustomerOrg", e.acme, "?customer_id=_org", 403, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gotID = "unset"
			w := e.do("GET", "/api/v1/budgets/status"+tt.query, tt.token, nil)
			if tt.wantStatus != 200 {
				wantError(t, w, tt.wantStatus, cost.CodeForbidden, "")
				if gotID != "unset" {
					t.Errorf("service called with %q despite refused scope", gotID)
				}
				return
			}
			decode(t, w, 200, &cost.BudgetStatus{})
			if gotID != tt.wantID {
				t.Errorf("service customer=%q, want %q", gotID, tt.wantID)
			}
			if tt.token == e.acme && gotP != cost.CustomerPrincipal("cust_acme") {
				t.Errorf("service principal=%v, want customer:cust_acme", gotP)
			}
		})
	}
	var list []cost.BudgetStatus
	decode(t, e.do("GET", "/api/v1/budgets/status?all=1", e.admin, nil), 200, &list)
	if len(list) != 1 {
		t.Errorf("all=1 returned %d statuses, want 1", len(list))
	}
	wantError(t, e.do("GET", "/api/v1/budgets/status?all=1", e.acme, nil), 403, cost.CodeForbidden, "")
}

// TestBudgets_PutAnswersStoredBudget checks that PUT answers the budget as
// stored, updated_at included, so the answer equals a GET that follows.
func TestBudgets_PutAnswersStoredBudget(t *testing.T) {
	e := newEnv(t, nil)
	tests := []struct{ id, body string }{
		{"cust_acme", `{"monthly_usd":1500}`},
		{"_org", `{"monthly_usd":10000}`},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			var put, get map[string]any
			decode(t, e.do("PUT", "/api/v1/budgets/"+tt.id, e.admin, tt.body), http.StatusOK, &put)
			decode(t, e.do("GET", "/api/v1/budgets/"+tt.id, e.admin, nil), http.StatusOK, &get)
			for _, k := range []string{"customer_id", "monthly_usd", "updated_at"} {
				if put[k] != get[k] {
					t.Errorf("%s: PUT answered %v, GET %v", k, put[k], get[k])
				}
			}
		})
	}
}
