package httpapi_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/llmcost/llmcost/internal/auth"
	"github.com/llmcost/llmcost/internal/duckdb"
	"github.com/llmcost/llmcost/internal/httpapi"
)

var testNow = time.Date(2026, 11, 28, 15, 0, 0, 0, time.UTC)

// env is a server under test with a real in-memory DuckDB store, an in-memory
// keyring and fakes for the services a test configures.
type env struct {
	t      *testing.T
	srv    *httpapi.Server
	keys   *auth.Keyring
	store  *duckdb.DB
	query  *queryService
	logs   *bytes.Buffer
	admin  string
	acme   string // Customer token for cust_acme.
	globex string // Customer token for cust_globex.
}

func newEnv(t *testing.T, edit func(*httpapi.Config)) *env {
	t.Helper()
	keys, err := auth.NewKeyring("")
	if err != nil {
		t.Fatal(err)
	}
	store, err := duckdb.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	e := &env{t: t, keys: keys, store: store, query: &queryService{}, logs: &bytes.Buffer{}, admin: keys.AdminToken()}
	cfg := httpapi.Config{
		Addr: "127.0.0.1:0", Store: store, Query: e.query, Keyring: keys,
		Logger: slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Now:    func() time.Time { return testNow },
	}
	if edit != nil {
		edit(&cfg)
	}
	e.srv = httpapi.NewServer(cfg)
	e.acme = e.mint("cust_acme", time.Hour)
	e.globex = e.mint("cust_globex", time.Hour)
	return e
}

func (e *env) mint(customer string, ttl time.Duration) string {
	tok, _, err := e.keys.Mint(customer, ttl, testNow)
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// do sends a request to the handler; body may be nil, a string or a value to encode.
func (e *env) do(method, path, token string, body any, hdr ...string) *httptest.ResponseRecorder {
	e.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		r = bytes.NewReader(buf)
	}
	req := httptest.NewRequest(method, path, r)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i] == "RemoteAddr" { // The client's address, not a header.
			req.RemoteAddr = hdr[i+1]
			continue
		}
		req.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(w, req)
	return w
}

// decode reads a JSON response into v, failing the test on a status other than want.
func decode(t *testing.T, w *httptest.ResponseRecorder, want int, v any) {
	t.Helper()
	if w.Code != want {
		t.Fatalf("status=%d, want %d; body %s", w.Code, want, w.Body.String())
	}
	if v == nil {
		return
	}
	if err := json.Unmarshal(body(t, w), v); err != nil {
		t.Fatalf("decode %T: %v", v, err)
	}
}

// body returns a response's body, decompressed as its Content-Encoding says.
func body(t *testing.T, w *httptest.ResponseRecorder) []byte {
	t.Helper()
	var rd io.Reader = bytes.NewReader(w.Body.Bytes())
	switch enc := w.Header().Get("Content-Encoding"); enc {
	case "":
	case "gzip":
		zr, err := gzip.NewReader(rd)
		if err != nil {
			t.Fatal(err)
		}
		rd = zr
	case "zstd":
		zr, err := zstd.NewReader(rd)
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		rd = zr
	default:
		t.Fatalf("Content-Encoding %q", enc)
	}
	b, err := io.ReadAll(rd)
	if err != nil {
		t.Fatalf("decompress %s: %v", w.Header().Get("Content-Encoding"), err)
	}
	return b
}

// apiError is the error body of every failed request.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field"`
	} `json:"error"`
}

// wantError checks status, code and (when set) field of an error response.
func wantError(t *testing.T, w *httptest.ResponseRecorder, status int, code, field string) apiError {
	t.Helper()
	var e apiError
	decode(t, w, status, &e)
	if e.Error.Code != code {
		t.Errorf("error code=%q, want %q (message %q)", e.Error.Code, code, e.Error.Message)
	}
	if field != "" && e.Error.Field != field {
		t.Errorf("error field=%q, want %q (message %q)", e.Error.Field, field, e.Error.Message)
	}
	if e.Error.Message == "" {
		t.Error("error message is empty")
	}
	return e
}

// newEnvWithKeys rebuilds e's server with the same keyring and store but another clock.
func newEnvWithKeys(t *testing.T, e *env, now func() time.Time) *env {
	t.Helper()
	e.srv = httpapi.NewServer(httpapi.Config{Store: e.store, Query: e.query, Keyring: e.keys,
		Logger: slog.New(slog.NewTextHandler(e.logs, nil)), Now: now})
	return e
}
