package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/ingest"
)

// runIngest ingests the files into the data directory, or posts each to
// --server. Locally, several billing files are applied together, as one
// delivery (the parts of a CUR or an Azure export name the same partition, so
// applied one by one each would replace the one before); event files, and
// files posted to a server, are applied one by one.
func (m *Main) runIngest(ctx context.Context) error {
	var ingestOne func(context.Context, string, io.Reader) (*cost.IngestSummary, error)
	billing := !strings.EqualFold(strings.TrimSpace(m.Format), ingest.FormatEvents)
	if m.Config.Server != "" {
		ingestOne = m.ingestRemote
		if billing && len(m.Args) > 1 {
			fmt.Fprintln(m.Stderr, "warning: with --server each file is applied on its own, so files naming the same "+
				"partition (the parts of one delivery) replace each other; ingest them together without --server")
		}
	} else {
		db, err := m.openStore()
		if err != nil {
			return err
		}
		in, err := m.newIngester(db, true)
		if err != nil {
			return err
		}
		in.After = m.afterSteps(db, m.evaluateAlerts, m.Stdout)
		if billing && len(m.Args) > 1 {
			sum, err := in.IngestFiles(ctx, m.Format, m.inputFiles(), nil)
			if err != nil {
				return err
			}
			printSummary(m.Stdout, fmt.Sprintf("%d files", len(m.Args)), sum)
			return nil
		}
		ingestOne = func(ctx context.Context, name string, r io.Reader) (*cost.IngestSummary, error) {
			return in.Ingest(ctx, m.Format, name, r)
		}
	}
	for _, name := range m.Args {
		sum, err := m.ingestFile(ctx, name, ingestOne)
		if err != nil {
			return err
		}
		printSummary(m.Stdout, name, sum)
	}
	return nil
}

// inputFiles returns the command's file arguments as ingest inputs, opened
// when read ("-" is standard input).
func (m *Main) inputFiles() []ingest.File {
	files := make([]ingest.File, len(m.Args))
	for i, name := range m.Args {
		files[i] = ingest.File{Name: name, Open: func(context.Context) (io.ReadCloser, error) {
			if name == "-" {
				return io.NopCloser(m.Stdin), nil
			}
			f, err := os.Open(name)
			if err != nil {
				return nil, cost.Errorf(cost.CodeInvalid, "Cannot open %s: %v.", name, err)
			}
			return f, nil
		}}
	}
	return files
}

func (m *Main) ingestFile(ctx context.Context, name string,
	fn func(context.Context, string, io.Reader) (*cost.IngestSummary, error)) (*cost.IngestSummary, error) {
	if name == "-" {
		return fn(ctx, "stdin", m.Stdin)
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, cost.Errorf(cost.CodeInvalid, "Cannot open %s: %v.", name, err)
	}
	defer f.Close()
	return fn(ctx, name, f)
}

// ingestRemote posts one file to a running server's /api/v1/ingest.
func (m *Main) ingestRemote(ctx context.Context, name string, r io.Reader) (*cost.IngestSummary, error) {
	q := url.Values{"format": {m.Format}, "name": {name}}
	var sum cost.IngestSummary
	if err := m.call(ctx, "POST", "/api/v1/ingest?"+q.Encode(), "application/octet-stream", r, &sum); err != nil {
		return nil, err
	}
	return &sum, nil
}

// call sends a request to --server with the bearer token and decodes the JSON
// answer into out, turning API errors back into *cost.Error.
func (m *Main) call(ctx context.Context, method, path, contentType string, body io.Reader, out any) error {
	if m.Config.Token == "" {
		return cost.FieldErrorf("LLMCOST_TOKEN", "A token is required with --server: use --token or LLMCOST_TOKEN.")
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(m.Config.Server, "/")+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+m.Config.Token)
	req.Header.Set("Content-Type", contentType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return cost.Errorf(cost.CodeUnavailable, "Cannot reach %s: %v.", m.Config.Server, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		var e struct {
			Error cost.Error `json:"error"`
		}
		if json.Unmarshal(b, &e) == nil && e.Error.Message != "" {
			return &e.Error
		}
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, bytes.TrimSpace(b))
	}
	return json.Unmarshal(b, out)
}

func printSummary(w io.Writer, name string, s *cost.IngestSummary) {
	fmt.Fprintf(w, "%s: %d rows, %d lines written, %d partitions replaced", name, s.Rows, s.LinesWritten, s.PartitionsReplaced)
	if s.EventsInserted+s.EventsDuplicate > 0 {
		fmt.Fprintf(w, ", %d events new, %d duplicate", s.EventsInserted, s.EventsDuplicate)
	}
	fmt.Fprintf(w, ", %d unpriced lines, $%.2f\n", s.UnpricedLines, s.CostUSD)
	if len(s.UnpricedModels) > 0 {
		fmt.Fprintf(w, "  unpriced models: %s\n", strings.Join(s.UnpricedModels, ", "))
	}
	for _, warn := range s.Warnings {
		fmt.Fprintf(w, "  warning: %s\n", warn)
	}
}
