package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/jackc/pgx/v5"

	"github.com/llmcost/llmcost/internal/alert"
)

// testService returns the address an environment variable names, failing
// under CI when it is missing and skipping otherwise.
func testService(t *testing.T, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not set; CI must run the scale-out test", name)
		}
		t.Skipf("%s is not set", name)
	}
	return v
}

// freshName returns test_<random>.
func freshName() string {
	var b [6]byte
	rand.Read(b[:])
	return "test_" + hex.EncodeToString(b[:])
}

// scaleOutStores returns a new ClickHouse database and a new PostgreSQL schema
// on the test servers, as --store and --meta values, dropped when the test ends.
func scaleOutStores(t *testing.T) (store, meta string) {
	chAddr := testService(t, "LLMCOST_TEST_CLICKHOUSE")
	pgDSN := testService(t, "LLMCOST_TEST_POSTGRES")
	host := chAddr[strings.Index(chAddr, "://")+3:]
	name := freshName()
	t.Cleanup(func() {
		if conn, err := ch.Open(&ch.Options{Addr: []string{host}}); err == nil {
			conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name)
			conn.Close()
		}
		if conn, err := pgx.Connect(context.Background(), pgDSN); err == nil {
			conn.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+name+" CASCADE")
			conn.Close(context.Background())
		}
	})
	u, err := url.Parse(pgDSN)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return "clickhouse://" + host + "/" + name, u.String()
}

// replica is one "llmcost serve" process: the test binary re-executed as the
// command (see TestMain).
type replica struct {
	cmd   *exec.Cmd
	url   string
	admin string // The admin token, when this replica generated it.
	name  string // As the alert history names it.
}

var listening = regexp.MustCompile(`listening on (http://\S+)`)

// startReplica starts a server with its own data directory on the shared
// stores and waits until it listens; the first also prints the admin token.
func startReplica(t *testing.T, env map[string]string, first bool) *replica {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), "LLMCOST_TEST_RUN_MAIN=1", "LLMCOST_TEST_ARGS=serve --addr 127.0.0.1:0",
		"LLMCOST_DATA="+filepath.Join(t.TempDir(), "data"))
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := &replica{cmd: cmd}
	host, _ := os.Hostname()
	r.name = host + ":" + strconv.Itoa(cmd.Process.Pid)
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	})
	lines := bufio.NewScanner(out)
	for r.url == "" && lines.Scan() {
		if m := listening.FindStringSubmatch(lines.Text()); m != nil {
			r.url = m[1]
		}
	}
	if r.url == "" {
		t.Fatalf("the replica stopped before listening: %v", lines.Err())
	}
	// The first replica generates the admin token and prints it next.
	if first && lines.Scan() && strings.HasPrefix(lines.Text(), "Admin token (generated now") && lines.Scan() {
		r.admin = strings.TrimSpace(lines.Text())
	}
	go io.Copy(io.Discard, out)
	return r
}

// hookLog is a webhook receiver that records every request's payload and can
// hold the requests of one rule until released.
type hookLog struct {
	mu       sync.Mutex
	got      []alert.Payload
	holdRule string
	held     chan struct{} // Closed when a held request arrives.
	release  chan struct{} // Closing it lets held requests answer.
}

func (h *hookLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var p alert.Payload
	if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	h.mu.Lock()
	h.got = append(h.got, p)
	hold := p.RuleID != "" && p.RuleID == h.holdRule && h.release != nil
	if hold {
		select {
		case <-h.held:
		default:
			close(h.held)
		}
	}
	release := h.release
	h.mu.Unlock()
	if hold {
		<-release
	}
}

// deliveries returns the requests for rule so far, and the distinct event ids.
func (h *hookLog) deliveries(rule string) (requests int, events map[string]string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	events = map[string]string{}
	for _, p := range h.got {
		if p.RuleID == rule {
			requests++
			events[p.EventID] = p.Status
		}
	}
	return requests, events
}

// eventually polls cond until it holds, failing after a minute.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !cond(); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting: %s", what)
		}
	}
}

// alertEvents lists a rule's alert history through c.
func alertEvents(c client, rule string) []struct{ ID, Status, Delivery, Replica string } {
	var evs []struct{ ID, Status, Delivery, Replica string }
	c.must(200, "GET", "/api/v1/alerts/events?rule_id="+rule, nil, &evs)
	return evs
}

// conditionalQuery posts a query to base with If-None-Match: etag and returns
// the status, the answer's ETag and its total (on 200).
func conditionalQuery(t *testing.T, base, token, body, etag string) (status int, tag string, total float64) {
	t.Helper()
	req, _ := http.NewRequest("POST", base+"/api/v1/query", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		var res result
		if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
			t.Fatal(err)
		}
		total = res.Rows[0][0].(float64)
	}
	return resp.StatusCode, resp.Header.Get("ETag"), total
}

// TestReplicas_ShareEverything runs two servers on one ClickHouse and one
// PostgreSQL, as a scaled-out deployment does, and checks that they share
// budgets, tokens, data versions and alerts, with each notification sent once
// even when the replica evaluating alerts is killed in the middle of one.
func TestReplicas_ShareEverything(t *testing.T) {
	store, meta := scaleOutStores(t)
	hook := &hookLog{}
	receiver := httptest.NewServer(hook)
	defer receiver.Close()
	env := map[string]string{"LLMCOST_STORE": store, "LLMCOST_META": meta, "LLMCOST_LOG_LEVEL": "warn",
		"LLMCOST_ALERT_INTERVAL": "1s", "LLMCOST_ALERT_ALLOW_HOSTS": "127.0.0.1"}
	a := startReplica(t, env, true) // Starts first: generates the admin token and takes the alert lease.
	b := startReplica(t, env, false)
	if a.admin == "" {
		t.Fatal("the first replica printed no admin token")
	}
	adminA, adminB := client{t, a.url, a.admin}, client{t, b.url, a.admin}

	t.Run("BudgetSetOnAReadOnB", func(t *testing.T) {
		adminA.must(200, "PUT", "/api/v1/budgets/cust_acme", `{"monthly_usd":1500}`, nil)
		var got struct {
			MonthlyUSD float64 `json:"monthly_usd"`
		}
		adminB.must(200, "GET", "/api/v1/budgets/cust_acme", nil, &got)
		if got.MonthlyUSD != 1500 {
			t.Errorf("budget read on b = %v, want 1500", got.MonthlyUSD)
		}
	})

	yesterday := time.Now().UTC().AddDate(0, 0, -1).Format("2006-01-02")
	header := "date,cloud_provider,service,model,token_type,cost_usd,usage_amount,customer_id\n"
	total := `{"metrics":["cost_usd"],"period":{"from":"` + yesterday + `","to":"` + yesterday + `"}}`
	t.Run("IngestOnAVisibleOnB", func(t *testing.T) {
		adminA.must(200, "POST", "/api/v1/ingest?format=unified&name=aws.csv",
			header+yesterday+",AWS,Amazon Bedrock,claude-3-5-sonnet,input,25,25000,cust_acme\n", nil)
		status, tag, got := conditionalQuery(t, b.url, a.admin, total, "")
		if status != 200 || got != 25 || tag == "" {
			t.Fatalf("b's total after an ingest through a: status %d, total %v, ETag %q; want 200, 25 and a tag", status, got, tag)
		}
		// b keeps that answer while nothing changes: the same tag, unmodified.
		if status, again, _ := conditionalQuery(t, b.url, a.admin, total, tag); status != http.StatusNotModified || again != tag {
			t.Fatalf("b's second identical query: status %d, ETag %q; want 304 and %q", status, again, tag)
		}
		adminA.must(200, "POST", "/api/v1/ingest?format=unified&name=gcp.csv",
			header+yesterday+",GCP,Vertex AI,gemini-1.5-pro,input,5,5000,cust_acme\n", nil)
		status, moved, got := conditionalQuery(t, b.url, a.admin, total, tag)
		if status != 200 || got != 30 || moved == tag {
			t.Errorf("b's answer after a second ingest through a: status %d, total %v, ETag %q; want 200, 30 and a new tag",
				status, got, moved)
		}
	})

	t.Run("TokenMintedOnAWorksOnB", func(t *testing.T) {
		var tok struct {
			Token string `json:"token"`
		}
		adminA.must(201, "POST", "/api/v1/tokens", `{"customer_id":"cust_acme","ttl_seconds":3600}`, &tok)
		acme := client{t, b.url, tok.Token}
		var me struct {
			CustomerID string `json:"customer_id"`
		}
		acme.must(200, "GET", "/api/v1/me", nil, &me)
		if me.CustomerID != "cust_acme" {
			t.Errorf("b authenticates a's token as %+v, want cust_acme", me)
		}
	})

	var channel struct{ ID string }
	adminA.must(201, "POST", "/api/v1/alerts/channels",
		`{"name":"ops","type":"webhook","url":"`+receiver.URL+`","secret":"s3cret-s3cret"}`, &channel)
	newRule := func(c client, name string, threshold float64) string {
		var r struct{ ID string }
		c.must(201, "POST", "/api/v1/alerts/rules", fmt.Sprintf(`{"name":%q,"kind":"threshold","window":"day",
			"threshold":%v,"channels":[%q],"enabled":true}`, name, threshold, channel.ID), &r)
		return r.ID
	}

	first := newRule(adminA, "Daily spend over $20", 20)
	// The lease holder (usually a, which started first) evaluates; the other
	// replica takes over when it dies.
	var leader, follower *replica
	t.Run("RuleFiresOnceWhileBothRun", func(t *testing.T) {
		eventually(t, "the rule's notification", func() bool { n, _ := hook.deliveries(first); return n > 0 })
		// Both replicas go on evaluating every second; wait until b has
		// answered a few more rounds, then count.
		time.Sleep(4 * time.Second)
		n, evs := hook.deliveries(first)
		if n != 1 || len(evs) != 1 {
			t.Fatalf("%d deliveries of %d events, want 1 of 1", n, len(evs))
		}
		hist := alertEvents(adminB, first)
		if len(hist) != 1 || hist[0].Delivery != "sent" {
			t.Fatalf("history = %+v, want one event, sent", hist)
		}
		switch hist[0].Replica {
		case a.name:
			leader, follower = a, b
		case b.name:
			leader, follower = b, a
		default:
			t.Fatalf("the event was sent by %q, neither %s nor %s", hist[0].Replica, a.name, b.name)
		}
	})
	if leader == nil {
		t.FailNow()
	}
	survivor := client{t, follower.url, a.admin}

	t.Run("OnceAfterTheEvaluatorIsKilled", func(t *testing.T) {
		hook.mu.Lock()
		hook.held, hook.release = make(chan struct{}), make(chan struct{})
		hook.mu.Unlock()
		second := newRule(survivor, "Daily spend over $10", 10)
		hook.mu.Lock()
		hook.holdRule = second
		held := hook.held
		hook.mu.Unlock()
		<-held // The leader is evaluating: its notification is on its way.
		if err := leader.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		leader.cmd.Wait()
		close(hook.release)
		eventually(t, "b to finish what a left", func() bool {
			hist := alertEvents(survivor, second)
			return len(hist) == 1 && hist[0].Delivery == "sent"
		})
		time.Sleep(4 * time.Second) // More rounds on b alone.
		hist := alertEvents(survivor, second)
		if len(hist) != 1 || hist[0].Replica != follower.name || hist[0].Status != "firing" {
			t.Fatalf("history of the second rule = %+v, want one firing sent by %s", hist, follower.name)
		}
		requests, evs := hook.deliveries(second)
		if len(evs) != 1 || evs[hist[0].ID] != "firing" {
			t.Errorf("the receiver got events %v, want only %s", evs, hist[0].ID)
		}
		t.Logf("second rule: %d requests for its one event (the killed leader's, then the survivor's)", requests)
		if n, evs := hook.deliveries(first); n != 1 || len(evs) != 1 {
			t.Errorf("the first rule: %d deliveries of %d events after the takeover, want 1 of 1", n, len(evs))
		}
		survivor.must(200, "GET", "/api/v1/budgets/cust_acme", nil, nil)
	})
}
