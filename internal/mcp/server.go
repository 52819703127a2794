// Package mcp serves llmcost's query layer over the Model Context Protocol,
// with the official Go SDK: tools for the typed query operations (cost totals,
// breakdowns and top-N over a period, quick stats, budget status, forecast,
// anomalies, explaining a day, dimension values) and resources for the four
// dashboards' current figures. Each server is built for one principal: its
// tools' schemas enumerate only the values that principal may use, and every
// call goes through the query layer, which applies the principal's scope. No
// tool takes or writes SQL.
package mcp

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/google/jsonschema-go/jsonschema"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/llmcost/llmcost/internal/cost"
)

// Version is reported to clients as the server version.
var Version = "dev"

// NewServer returns an MCP server for principal p over the query layer. The
// dimension values its schemas enumerate are read once, now.
func NewServer(ctx context.Context, q cost.QueryService, p cost.Principal) (*sdk.Server, error) {
	v, err := readVocabulary(ctx, q, p)
	if err != nil {
		return nil, err
	}
	s := sdk.NewServer(&sdk.Implementation{Name: "llmcost", Title: "llmcost: LLM token cost", Version: Version},
		&sdk.ServerOptions{Instructions: instructions(p)})
	t := &tools{q: q, p: p}
	if err := t.register(s, v); err != nil {
		return nil, err
	}
	addDashboardResources(s, q, p)
	return s, nil
}

// NewHTTPHandler serves streamable-HTTP MCP for the principal the request's
// context carries (put there by the API's bearer authentication). It is
// stateless: every request gets a server built for its own principal, so no
// session can be reached with another principal's token.
func NewHTTPHandler(q cost.QueryService, log *slog.Logger) http.Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return sdk.NewStreamableHTTPHandler(func(r *http.Request) *sdk.Server {
		p, ok := cost.PrincipalFromContext(r.Context())
		if !ok {
			return nil
		}
		s, err := NewServer(r.Context(), q, p)
		if err != nil {
			log.Error("mcp server", "principal", p.String(), "err", err)
			return nil
		}
		return s
	}, &sdk.StreamableHTTPOptions{Stateless: true, JSONResponse: true, Logger: log,
		// Every request carries a bearer token a rebinding page cannot have, and
		// a reverse proxy on the same host forwards with its public Host header.
		DisableLocalhostProtection: true})
}

func instructions(p cost.Principal) string {
	s := "llmcost answers questions about LLM token costs across clouds (GCP Vertex AI, AWS Bedrock, " +
		"Azure OpenAI, OpenAI, Anthropic). Amounts are USD; dates are UTC days. Periods are names such as " +
		"today, yesterday, this_week, last_week, this_month, last_month, last_7_days, last_30_days, YYYY-MM, " +
		"or explicit from/to dates (YYYY-MM-DD)."
	if p.IsCustomer() {
		s += " This connection sees only customer " + p.CustomerID + "'s costs."
	}
	return s
}

// schemaFor infers the JSON schema of a tool input type.
func schemaFor[T any]() (*jsonschema.Schema, error) { return jsonschema.For[T](nil) }
