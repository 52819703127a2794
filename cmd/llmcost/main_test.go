package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"testing"
)

const testAdminToken = "e2e-admin-token-0123456789"

// newTestMain returns a Main reading env from a map and writing to buffers.
func newTestMain(env map[string]string) *Main {
	m := NewMain()
	m.Getenv = func(k string) string { return env[k] }
	m.Stdin = strings.NewReader("")
	m.Stdout, m.Stderr = &bytes.Buffer{}, &bytes.Buffer{}
	return m
}

// mustRun parses args and runs them; the Main is closed when the test ends.
func mustRun(t *testing.T, env map[string]string, args ...string) *Main {
	t.Helper()
	m := newTestMain(env)
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	if err := m.ParseFlags(t.Context(), args); err != nil {
		t.Fatalf("ParseFlags(%v): %v", args, err)
	}
	if err := m.Run(t.Context()); err != nil {
		t.Fatalf("Run(%v): %v\nstderr: %s", args, err, m.Stderr)
	}
	return m
}

// client talks to a test server with one token.
type client struct {
	t     *testing.T
	base  string
	token string
}

// do sends a request and decodes a JSON answer into out (when non-nil). It
// returns the status and, for errors, the error body.
func (c client) do(method, path string, body any, out any) (int, apiError) {
	c.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		buf, _ := json.Marshal(b)
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequestWithContext(c.t.Context(), method, c.base+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var e apiError
	if resp.StatusCode >= 300 {
		if err := json.Unmarshal(raw, &e); err != nil {
			c.t.Fatalf("%s %s: status %d, body %s is not an error object", method, path, resp.StatusCode, raw)
		}
		return resp.StatusCode, e
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			c.t.Fatalf("%s %s: decode %T: %v (body %.300s)", method, path, out, err, raw)
		}
	}
	return resp.StatusCode, e
}

// must is do, failing unless the status is want.
func (c client) must(want int, method, path string, body any, out any) {
	c.t.Helper()
	if got, e := c.do(method, path, body, out); got != want {
		c.t.Fatalf("%s %s: status %d (%+v), want %d", method, path, got, e.Error, want)
	}
}

type apiError struct {
	Error struct {
		Code, Message, Field string
	} `json:"error"`
}

// result is the JSON of a cost.Result.
type result struct {
	Columns []string `json:"columns"`
	Rows    [][]any  `json:"rows"`
	Period  struct {
		From, To string
	} `json:"period"`
}

// sums returns the number column value by the string key column.
func (r result) sums(t *testing.T, key, val string) map[string]float64 {
	t.Helper()
	ki, vi := -1, -1
	for i, c := range r.Columns {
		if c == key {
			ki = i
		}
		if c == val {
			vi = i
		}
	}
	if ki < 0 || vi < 0 {
		t.Fatalf("columns %v lack %q or %q", r.Columns, key, val)
	}
	out := map[string]float64{}
	for _, row := range r.Rows {
		k, _ := row[ki].(string)
		v, _ := row[vi].(float64)
		out[k] += v
	}
	return out
}

// fixture is a small unified CSV with its totals computed as it is written.
type fixture struct {
	csv        string
	rows       int
	byProvider map[string]float64
	byCustomer map[string]float64
	total      float64
}

// newFixture writes 28 days × 3 providers × 3 customers ("" = unattributed) ×
// input/output lines of November 2026, with costs that vary by every key.
func newFixture() fixture {
	f := fixture{byProvider: map[string]float64{}, byCustomer: map[string]float64{}}
	var b strings.Builder
	b.WriteString("date,cloud_provider,service,model,token_type,cost_usd,usage_amount,customer_id\n")
	providers := []struct{ name, service, model string }{
		{"AWS", "Amazon Bedrock", "claude-3-5-sonnet"},
		{"GCP", "Vertex AI", "gemini-1.5-pro"},
		{"Azure", "Azure OpenAI", "gpt-4o"},
	}
	customers := []string{"cust_acme", "cust_globex", ""}
	for day := 1; day <= 28; day++ {
		for pi, p := range providers {
			for ci, c := range customers {
				for ti, tt := range []string{"input", "output"} {
					cost := float64(day*(pi+1)+ci*7+ti*3) + 0.25
					tokens := cost * 1000
					fmt.Fprintf(&b, "2026-11-%02d,%s,%s,%s,%s,%.2f,%.0f,%s\n", day, p.name, p.service, p.model, tt, cost, tokens, c)
					f.rows++
					f.byProvider[p.name] += cost
					f.byCustomer[c] += cost
					f.total += cost
				}
			}
		}
	}
	f.csv = b.String()
	return f
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Max(1, math.Abs(b)) }
