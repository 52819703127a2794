package alert_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/alert"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/duckdb"
	"github.com/llmcost/llmcost/internal/query"
)

func TestRedacted(t *testing.T) {
	tests := []struct {
		in      cost.AlertChannel
		wantURL string
	}{
		{cost.AlertChannel{Type: cost.ChannelSlack, URL: "https://hooks.slack.com/services/T0/B0/XYZ"}, "https://hooks.slack.com/%E2%80%A6"},
		{cost.AlertChannel{Type: cost.ChannelWebhook, URL: "https://u:p@hooks.example.com/in?token=abc", Secret: "k"}, "https://hooks.example.com/in"},
		{cost.AlertChannel{Type: cost.ChannelEmail, Password: "pw", SMTPHost: "smtp"}, ""},
	}
	for _, tt := range tests {
		got := tt.in.Redacted()
		if got.URL != tt.wantURL || got.Secret != "" || got.Password != "" || !got.HasSecret {
			t.Errorf("Redacted(%+v) = %+v, want URL %q and has_secret", tt.in, got, tt.wantURL)
		}
	}
}

func TestLoadChannels(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.json", `{"channels":[{"id":"ops","type":"webhook","url":"https://h.example.com/x"},
		{"id":"mail","type":"email","smtp_host":"smtp.example.com","from":"a@example.com","to":["b@example.com"]}]}`)
	chs, err := alert.LoadChannels(good)
	if err != nil || len(chs) != 2 || chs[1].SMTPPort != 587 || chs[0].Source != "config" {
		t.Fatalf("LoadChannels = %+v, %v", chs, err)
	}
	for name, body := range map[string]string{
		"dup.json":     `{"channels":[{"id":"a","type":"slack","url":"https://x.example.com"},{"id":"a","type":"slack","url":"https://x.example.com"}]}`,
		"badurl.json":  `{"channels":[{"id":"a","type":"webhook","url":"ftp://x"}]}`,
		"unknown.json": `{"channels":[{"id":"a","type":"pager"}]}`,
		"field.json":   `{"channels":[{"id":"a","type":"slack","url":"https://x.example.com","colour":"red"}]}`,
	} {
		if _, err := alert.LoadChannels(write(name, body)); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: error %v, want one naming the file", name, err)
		}
	}
}

func TestTestRule_Slack(t *testing.T) {
	var got map[string]string
	slack := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		json.NewDecoder(r.Body).Decode(&got)
	}))
	defer slack.Close()
	db, err := duckdb.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := func() time.Time { return time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC) }
	e := alert.New(alert.Config{AllowHosts: testAllowHosts, Query: query.NewService(db, now), Store: db, Alerts: db, BaseURL: "https://llmcost.example.com",
		Channels: []cost.AlertChannel{{ID: "team", Type: cost.ChannelSlack, URL: slack.URL + "/services/T/B/X"}}})
	ctx, admin := context.Background(), cost.AdminPrincipal()
	r := &cost.AlertRule{Name: "Costs spike", Kind: cost.AlertAnomaly, Channels: []string{"team"}, Enabled: true}
	if err := e.SaveRule(ctx, admin, r); err != nil {
		t.Fatal(err)
	}
	ev, err := e.TestRule(ctx, admin, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := "*[llmcost] TEST: Costs spike*\nTest notification for the anomaly rule \"Costs spike\"; real alerts will look like this.\n" +
		"<https://llmcost.example.com/d/anomalies?from=2026-10-29&to=2026-11-27|Open the dashboard>"
	if ev.Delivery != cost.DeliverySent || got["text"] != want {
		t.Errorf("delivery %s, slack text %q\nwant %q", ev.Delivery, got["text"], want)
	}
}

func TestEmail_STARTTLS(t *testing.T) {
	certSrv := httptest.NewTLSServer(http.NotFoundHandler()) // A certificate for 127.0.0.1.
	defer certSrv.Close()
	pool := x509.NewCertPool()
	pool.AddCert(certSrv.Certificate())
	mb := newMailboxTLS(t, &tls.Config{Certificates: certSrv.TLS.Certificates})
	db, err := duckdb.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := func() time.Time { return time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC) }
	mailCh := cost.AlertChannel{ID: "mail", Type: cost.ChannelEmail, SMTPHost: "127.0.0.1", SMTPPort: mb.addr.Port,
		StartTLS: true, From: "llmcost@example.com", To: []string{"ops@example.com"}}
	ctx, admin := context.Background(), cost.AdminPrincipal()
	r := &cost.AlertRule{Name: "Budget", Kind: cost.AlertBudget, Channels: []string{"mail"}, Enabled: true}
	tests := []struct {
		name string
		tls  *tls.Config
		want string
	}{
		{"trusted certificate", &tls.Config{RootCAs: pool}, cost.DeliverySent},
		{"untrusted certificate", nil, cost.DeliveryFailed}, // STARTTLS is really used.
	}
	for _, tt := range tests {
		e := alert.New(alert.Config{AllowHosts: testAllowHosts, Query: query.NewService(db, now), Store: db, Alerts: db, SMTPTLS: tt.tls,
			Channels: []cost.AlertChannel{mailCh}, Retry: alert.Retry{Attempts: 1, Timeout: 10 * time.Second}})
		if r.ID == "" {
			if err := e.SaveRule(ctx, admin, r); err != nil {
				t.Fatal(err)
			}
		}
		ev, err := e.TestRule(ctx, admin, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if ev.Delivery != tt.want {
			t.Errorf("%s: delivery %s (%+v), want %s", tt.name, ev.Delivery, ev.Deliveries, tt.want)
		}
	}
	msgs := mb.messages()
	if len(msgs) != 1 || !msgs[0].TLS || !strings.Contains(msgs[0].Data, "Subject: [llmcost] TEST: Budget") {
		t.Errorf("mailbox = %+v, want one message over TLS", msgs)
	}
}

func TestWebhook_RetriesThenSucceeds(t *testing.T) {
	hook := newWebhook(t, "k")
	hook.failFirst = 2
	db, err := duckdb.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := func() time.Time { return time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC) }
	e := alert.New(alert.Config{AllowHosts: testAllowHosts, Query: query.NewService(db, now), Store: db, Alerts: db,
		Channels: []cost.AlertChannel{{ID: "hook", Type: cost.ChannelWebhook, URL: hook.srv.URL, Secret: "k"}},
		Retry:    alert.Retry{Attempts: 4, Backoff: time.Millisecond, Timeout: 10 * time.Second}})
	ctx, admin := context.Background(), cost.AdminPrincipal()
	r := &cost.AlertRule{Name: "Spike", Kind: cost.AlertAnomaly, Channels: []string{"hook"}, Enabled: true}
	if err := e.SaveRule(ctx, admin, r); err != nil {
		t.Fatal(err)
	}
	ev, err := e.TestRule(ctx, admin, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Delivery != cost.DeliverySent || ev.Deliveries[0].Attempts != 3 || len(hook.received()) != 1 {
		t.Errorf("delivery = %+v, received %d; want sent on the third attempt", ev.Deliveries, len(hook.received()))
	}
}
