package mcp

import (
	"context"
	"net/http"
	"strings"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

// Remote connects to a running llmcost server's /mcp endpoint with a bearer
// token and returns a server that offers the same tools and resources, each
// call forwarded to it, for use over stdio by desktop clients. The remote
// server applies the token's scope. Close the returned session when done.
func Remote(ctx context.Context, baseURL, token string) (*sdk.Server, *sdk.ClientSession, error) {
	hc := &http.Client{Transport: bearerTransport{token: token, next: http.DefaultTransport}}
	client := sdk.NewClient(&sdk.Implementation{Name: "llmcost-mcp-stdio", Version: Version}, nil)
	cs, err := client.Connect(ctx, &sdk.StreamableClientTransport{
		Endpoint: strings.TrimRight(baseURL, "/") + "/mcp", HTTPClient: hc, DisableStandaloneSSE: true}, nil)
	if err != nil {
		return nil, nil, err
	}
	s := sdk.NewServer(&sdk.Implementation{Name: "llmcost", Version: Version}, &sdk.ServerOptions{
		Instructions: cs.InitializeResult().Instructions})
	if err := mirror(ctx, s, cs); err != nil {
		cs.Close()
		return nil, nil, err
	}
	return s, cs, nil
}

// mirror adds the remote session's tools and resources to s.
func mirror(ctx context.Context, s *sdk.Server, cs *sdk.ClientSession) error {
	for tool, err := range cs.Tools(ctx, nil) {
		if err != nil {
			return err
		}
		s.AddTool(tool, func(ctx context.Context, req *sdk.CallToolRequest) (*sdk.CallToolResult, error) {
			return cs.CallTool(ctx, &sdk.CallToolParams{Name: req.Params.Name, Arguments: req.Params.Arguments})
		})
	}
	for res, err := range cs.Resources(ctx, nil) {
		if err != nil {
			return err
		}
		s.AddResource(res, func(ctx context.Context, req *sdk.ReadResourceRequest) (*sdk.ReadResourceResult, error) {
			return cs.ReadResource(ctx, &sdk.ReadResourceParams{URI: req.Params.URI})
		})
	}
	return nil
}

// bearerTransport adds an Authorization header to every request.
type bearerTransport struct {
	token string
	next  http.RoundTripper
}

func (t bearerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+t.token)
	return t.next.RoundTrip(r)
}
