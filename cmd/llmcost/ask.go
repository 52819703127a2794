package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/query"
)

// runAsk answers one question from the data directory or from --server.
func (m *Main) runAsk(ctx context.Context) error {
	req := cost.ChatRequest{Message: strings.Join(m.Args, " "), CustomerID: m.Customer}
	var ans *cost.ChatAnswer
	var err error
	if m.Config.Server != "" {
		ans, err = m.askRemote(ctx, req)
	} else {
		ans, err = m.askLocal(ctx, req)
	}
	if err != nil {
		return err
	}
	printAnswer(m.Stdout, ans)
	return nil
}

// askLocal asks as the admin, narrowed to --customer when given. With no cost
// data in the store the answer says so and how to load some.
func (m *Main) askLocal(ctx context.Context, req cost.ChatRequest) (*cost.ChatAnswer, error) {
	db, err := m.openExistingStore()
	if err != nil {
		return nil, err
	}
	if empty, err := storeIsEmpty(ctx, m.costStore(db)); err != nil {
		return nil, err
	} else if empty {
		return &cost.ChatAnswer{Answer: m.noDataHint()}, nil
	}
	engine, err := m.newChat(query.NewService(m.costStore(db), m.Config.Clock()), db, nil)
	if err != nil {
		return nil, err
	}
	return engine.Ask(ctx, cost.AdminPrincipal(), req)
}

func (m *Main) askRemote(ctx context.Context, req cost.ChatRequest) (*cost.ChatAnswer, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	var ans cost.ChatAnswer
	if err := m.call(ctx, "POST", "/api/v1/chat", "application/json", bytes.NewReader(body), &ans); err != nil {
		return nil, err
	}
	return &ans, nil
}

// printAnswer writes the answer, how it was understood, its data as a small
// table, links and suggestions. The suggestions of a question that was not
// understood follow the answer, which often introduces them ("for example:").
func printAnswer(w io.Writer, a *cost.ChatAnswer) {
	fmt.Fprintln(w, a.Answer)
	if !a.Understood && len(a.Suggestions) > 0 {
		if !strings.HasSuffix(strings.TrimSpace(a.Answer), ":") {
			fmt.Fprintln(w, "\nTry:")
		}
		for _, s := range a.Suggestions {
			fmt.Fprintf(w, "  %s\n", s)
		}
	}
	if a.Interpretation != nil && a.Interpretation.Line != "" {
		fmt.Fprintln(w, "("+a.Interpretation.Line+")")
	}
	if a.Data != nil && len(a.Data.Rows) > 0 {
		fmt.Fprintln(w)
		printFrame(w, a.Data, 20)
	}
	for _, l := range a.Links {
		fmt.Fprintf(w, "\n%s: %s", l.Title, l.URL)
	}
	if len(a.Links) > 0 {
		fmt.Fprintln(w)
	}
}

// printFrame writes up to max rows of f as tab-separated text.
func printFrame(w io.Writer, f *cost.Frame, max int) {
	fmt.Fprintln(w, strings.Join(f.Columns, "\t"))
	for i, row := range f.Rows {
		if i == max {
			fmt.Fprintf(w, "… %d more rows\n", len(f.Rows)-max)
			break
		}
		cells := make([]string, len(row))
		for j, v := range row {
			switch x := v.(type) {
			case nil:
				cells[j] = ""
			case float64:
				cells[j] = fmt.Sprintf("%.2f", x)
			default:
				cells[j] = fmt.Sprint(x)
			}
		}
		fmt.Fprintln(w, strings.Join(cells, "\t"))
	}
}
