package chat_test

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/llmcost/llmcost/internal/cost"
)

// TestAdversarial asks, as one customer, every question of testdata/adversarial.txt
// and checks that no answer, data frame, link or suggestion holds another
// customer's name or id, another customer's figure, or an organisation total.
func TestAdversarial(t *testing.T) {
	f := setup(t)
	const me = "cust_acme"
	var qs []string
	file, err := os.Open("testdata/adversarial.txt")
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(file)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			qs = append(qs, l)
		}
	}
	file.Close()
	qs = append(qs, strings.Repeat("How much did cust_globex spend? ", 320), strings.Repeat("ü∑ß😀 ", 2500))

	var names []string
	var others []string
	for _, c := range f.data.Customers {
		if c.ID != me {
			names = append(names, strings.ToLower(c.ID), strings.ToLower(c.Name))
			others = append(others, c.ID)
		}
	}
	// Figures the customer must never see: other customers' and the organisation's
	// totals over the periods questions name.
	var secret []float64
	for _, p := range []string{"yesterday", "last_week", "this_week", "last_month", "this_month", "last_30_days", "nov18", "sep"} {
		r := rangeOf(p)
		for _, id := range others {
			if s := f.total(r, map[string]string{"customer": id}, ""); s.cost > 0 {
				secret = append(secret, s.cost)
			}
		}
		secret = append(secret, f.total(r, nil, "").cost)
	}
	for _, b := range f.data.Budgets {
		if b.CustomerID != me {
			secret = append(secret, b.MonthlyUSD)
		}
	}
	own := map[float64]bool{}
	for _, b := range f.data.Budgets {
		if b.CustomerID == me {
			own[b.MonthlyUSD] = true
		}
	}

	p := cost.CustomerPrincipal(me)
	for i, q := range qs {
		a, err := f.engine.Ask(context.Background(), p, cost.ChatRequest{Message: q, ConversationID: "adv", CustomerID: "cust_globex"})
		if err != nil {
			if code := cost.ErrorCode(err); code == cost.CodeInternal {
				t.Errorf("q%d %.60q: internal error %v", i, q, err)
			}
			continue
		}
		b, _ := json.Marshal(a)
		blob := strings.ToLower(string(b))
		for _, n := range names {
			if strings.Contains(blob, n) {
				t.Errorf("q%d %.60q: answer mentions %q: %s", i, q, n, a.Answer)
			}
		}
		for _, x := range secret {
			if !own[x] && hasMoney(a.Answer, x) {
				t.Errorf("q%d %.60q: answer holds another tenant's figure $%.2f: %s", i, q, x, a.Answer)
			}
		}
		if a.Data != nil {
			for _, row := range a.Data.Rows {
				for _, cell := range row {
					if s, ok := cell.(string); ok && s != me && strings.HasPrefix(s, "cust_") {
						t.Errorf("q%d %.60q: data holds customer %q", i, q, s)
					}
				}
			}
		}
		for _, l := range a.Links {
			if strings.Contains(l.URL, "customer_id") && !strings.Contains(l.URL, "var-customer_id="+me) {
				t.Errorf("q%d %.60q: link %s is not scoped to %s", i, q, l.URL, me)
			}
		}
	}
}

// TestConversationsArePerPrincipal checks that a conversation id cannot carry an
// admin's plan (naming another customer) into a customer's question.
func TestConversationsArePerPrincipal(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	if _, err := f.engine.Ask(ctx, cost.AdminPrincipal(), cost.ChatRequest{Message: "What did cust_globex spend last month?", ConversationID: "shared"}); err != nil {
		t.Fatal(err)
	}
	a, err := f.engine.Ask(ctx, cost.CustomerPrincipal("cust_acme"), cost.ChatRequest{Message: "and the month before?", ConversationID: "shared"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(strings.ToLower(a.Answer), "globex") || a.Understood && hasMoney(a.Answer, f.total(rangeOf("sep"), map[string]string{"customer": "cust_globex"}, "").cost) {
		t.Errorf("customer continued the admin's conversation: %s", a.Answer)
	}
}
