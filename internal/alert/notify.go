package alert

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/smtp"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// SignatureHeader carries the webhook body's HMAC-SHA256 as "sha256=<hex>".
const SignatureHeader = "X-Llmcost-Signature"

// Sign returns the signature header value of body under secret.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Payload is the JSON body a webhook receives.
type Payload struct {
	EventID    string            `json:"event_id"`
	Status     string            `json:"status"` // firing, resolved or test.
	Repeat     bool              `json:"repeat,omitempty"`
	RuleID     string            `json:"rule_id"`
	RuleName   string            `json:"rule_name"`
	Kind       string            `json:"kind"`
	CustomerID string            `json:"customer_id,omitempty"`
	Labels     map[string]string `json:"labels,omitempty"`
	Value      float64           `json:"value"`
	Message    string            `json:"message"`
	Link       string            `json:"link,omitempty"`
	At         time.Time         `json:"at"`
}

// payload returns the webhook body of an event.
func payload(e *cost.AlertEvent) Payload {
	return Payload{EventID: e.ID, Status: e.Status, Repeat: e.Repeat, RuleID: e.RuleID, RuleName: e.RuleName,
		Kind: e.Kind, CustomerID: e.CustomerID, Labels: e.Labels, Value: e.Value, Message: e.Message, Link: e.Link, At: e.At}
}

// Subject is the one-line title of an event: "[llmcost] FIRING: Daily spend over $1,000.00".
func Subject(e *cost.AlertEvent) string {
	return fmt.Sprintf("[llmcost] %s: %s", strings.ToUpper(e.Status), e.RuleName)
}

// Text is the plain-text body of an event: the sentence and the link.
func Text(e *cost.AlertEvent) string {
	if e.Link == "" {
		return e.Message
	}
	return e.Message + "\n" + e.Link
}

// Retry is how sending retries: Attempts tries in all, waiting Backoff, then
// twice as long, and so on; each try is bounded by Timeout.
type Retry struct {
	Attempts int
	Backoff  time.Duration
	Timeout  time.Duration
}

// DefaultRetry tries 4 times over about 7 seconds, 10 seconds per try.
var DefaultRetry = Retry{Attempts: 4, Backoff: time.Second, Timeout: 10 * time.Second}

// transport is how notifications leave: HTTP for webhooks and Slack, a dial
// function and TLS settings for SMTP. Both connect through a guard.
type transport struct {
	client *http.Client
	dial   func(ctx context.Context, network, addr string) (net.Conn, error)
	tls    *tls.Config
}

// newTransport returns the transport whose connections go through g.
func newTransport(g *guard, smtpTLS *tls.Config) transport {
	return transport{client: g.httpClient(), dial: g.DialContext, tls: smtpTLS}
}

// send delivers an event to one channel with retries.
func send(ctx context.Context, c cost.AlertChannel, e *cost.AlertEvent, rt Retry, tr transport) cost.Delivery {
	d := cost.Delivery{ChannelID: c.ID, Type: c.Type}
	wait := rt.Backoff
	for d.Attempts = 1; ; d.Attempts++ {
		tctx, cancel := context.WithTimeout(ctx, rt.Timeout)
		err := sendOnce(tctx, c, e, tr)
		cancel()
		if err == nil {
			d.Status, d.Error = cost.DeliverySent, ""
			return d
		}
		d.Status, d.Error = cost.DeliveryFailed, err.Error()
		if d.Attempts >= rt.Attempts || ctx.Err() != nil || errors.Is(err, errRefused) {
			return d
		}
		select {
		case <-ctx.Done():
			return d
		case <-time.After(wait):
		}
		wait *= 2
	}
}

func sendOnce(ctx context.Context, c cost.AlertChannel, e *cost.AlertEvent, tr transport) error {
	switch c.Type {
	case cost.ChannelWebhook:
		body, err := json.Marshal(payload(e))
		if err != nil {
			return err
		}
		h := http.Header{"X-Llmcost-Event": {e.ID}}
		if c.Secret != "" {
			h.Set(SignatureHeader, Sign(c.Secret, body))
		}
		return post(ctx, tr.client, c.URL, body, h)
	case cost.ChannelSlack:
		text := "*" + Subject(e) + "*\n" + e.Message
		if e.Link != "" {
			text += "\n<" + e.Link + "|Open the dashboard>"
		}
		body, err := json.Marshal(map[string]string{"text": text})
		if err != nil {
			return err
		}
		return post(ctx, tr.client, c.URL, body, http.Header{})
	case cost.ChannelEmail:
		return sendMail(ctx, c, e, tr)
	}
	return fmt.Errorf("unknown channel type %q", c.Type)
}

// post sends a JSON body and accepts any 2xx answer.
func post(ctx context.Context, client *http.Client, target string, body []byte, h http.Header) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header = h
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "llmcost-alerts")
	resp, err := client.Do(req)
	var ue *url.Error
	if errors.As(err, &ue) {
		ue.URL = redactURL(ue.URL) // A Slack URL is a secret.
	}
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("%s answered %s", redactURL(target), resp.Status)
	}
	return nil
}

// redactURL drops the path and query of a URL for error messages (Slack URLs are secrets).
func redactURL(u string) string {
	return cost.AlertChannel{Type: cost.ChannelSlack, URL: u}.Redacted().URL
}

// sendMail sends an event as a plain-text email, upgrading with STARTTLS when
// the channel asks for it.
func sendMail(ctx context.Context, c cost.AlertChannel, e *cost.AlertEvent, tr transport) error {
	addr := net.JoinHostPort(c.SMTPHost, strconv.Itoa(c.SMTPPort))
	base := tr.tls
	conn, err := tr.dial(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	cl, err := smtp.NewClient(conn, c.SMTPHost)
	if err != nil {
		conn.Close()
		return err
	}
	defer cl.Close()
	if c.StartTLS {
		cfg := &tls.Config{}
		if base != nil {
			cfg = base.Clone()
		}
		cfg.ServerName = c.SMTPHost
		if err := cl.StartTLS(cfg); err != nil {
			return fmt.Errorf("STARTTLS: %w", err)
		}
	}
	if c.Username != "" {
		if err := cl.Auth(smtp.PlainAuth("", c.Username, c.Password, c.SMTPHost)); err != nil {
			return fmt.Errorf("SMTP auth: %w", err)
		}
	}
	if err := cl.Mail(c.From); err != nil {
		return err
	}
	for _, to := range c.To {
		if err := cl.Rcpt(to); err != nil {
			return err
		}
	}
	w, err := cl.Data()
	if err != nil {
		return err
	}
	msg := "From: " + c.From + "\r\nTo: " + strings.Join(c.To, ", ") + "\r\nSubject: " + headerSafe(Subject(e)) +
		"\r\nContent-Type: text/plain; charset=utf-8\r\nX-Llmcost-Event: " + e.ID + "\r\n\r\n" +
		strings.ReplaceAll(Text(e), "\n", "\r\n") + "\r\n"
	if _, err := w.Write([]byte(msg)); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return cl.Quit()
}

// headerSafe keeps a header value on one line.
func headerSafe(s string) string {
	return strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
}
