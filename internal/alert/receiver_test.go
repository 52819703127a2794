package alert_test

import (
	"crypto/tls"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"

	"github.com/llmcost/llmcost/internal/alert"
)

// webhook is an httptest receiver that checks each body's signature.
type webhook struct {
	t      *testing.T
	secret string
	srv    *httptest.Server
	mu     sync.Mutex
	got    []alert.Payload
	bad    int  // Requests with a wrong signature.
	fail   bool // Answer 503 instead of accepting.
	// failFirst answers 503 to this many requests first.
	failFirst int
	hold      chan struct{} // When set, requests wait for it to close.
	tries     int
}

func newWebhook(t *testing.T, secret string) *webhook {
	w := &webhook{t: t, secret: secret}
	w.srv = httptest.NewServer(http.HandlerFunc(w.serve))
	t.Cleanup(w.srv.Close)
	return w
}

func (w *webhook) serve(rw http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	w.mu.Lock()
	w.tries++
	hold, fail := w.hold, w.fail || w.tries <= w.failFirst
	w.mu.Unlock()
	if hold != nil {
		<-hold
	}
	if fail {
		http.Error(rw, "down", http.StatusServiceUnavailable)
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if r.Header.Get(alert.SignatureHeader) != alert.Sign(w.secret, body) {
		w.bad++
		http.Error(rw, "bad signature", http.StatusUnauthorized)
		return
	}
	var p alert.Payload
	if err := json.Unmarshal(body, &p); err != nil {
		w.t.Errorf("webhook body: %v", err)
	}
	w.got = append(w.got, p)
}

// received returns the accepted payloads so far.
func (w *webhook) received() []alert.Payload {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]alert.Payload(nil), w.got...)
}

// mailbox is an in-process SMTP server collecting messages.
type mailbox struct {
	mu   sync.Mutex
	msgs []mail
	addr *net.TCPAddr
}

type mail struct {
	From string
	To   []string
	Data string
	TLS  bool // Sent over STARTTLS.
}

func newMailbox(t *testing.T) *mailbox { return newMailboxTLS(t, nil) }

// newMailboxTLS offers STARTTLS when tc is set.
func newMailboxTLS(t *testing.T, tc *tls.Config) *mailbox {
	mb := &mailbox{}
	s := smtp.NewServer(mb)
	s.TLSConfig = tc
	s.Domain = "localhost"
	s.AllowInsecureAuth = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mb.addr = ln.Addr().(*net.TCPAddr)
	go s.Serve(ln)
	t.Cleanup(func() { s.Close() })
	return mb
}

func (mb *mailbox) messages() []mail {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	return append([]mail(nil), mb.msgs...)
}

// NewSession implements smtp.Backend.
func (mb *mailbox) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{mb: mb, conn: c}, nil
}

type session struct {
	mb   *mailbox
	conn *smtp.Conn
	cur  mail
}

func (s *session) Reset()        { s.cur = mail{} }
func (s *session) Logout() error { return nil }
func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.cur.From = from
	return nil
}
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.cur.To = append(s.cur.To, to)
	return nil
}
func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.Data = string(b)
	_, s.cur.TLS = s.conn.TLSConnectionState()
	s.mb.mu.Lock()
	s.mb.msgs = append(s.mb.msgs, s.cur)
	s.mb.mu.Unlock()
	return nil
}

// testAllowHosts lets test engines deliver to receivers on loopback, as an
// admin's LLMCOST_ALERT_ALLOW_HOSTS would; without it every loopback delivery
// is refused.
var testAllowHosts = []string{"127.0.0.1"}
