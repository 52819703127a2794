package main

import (
	"context"
	"io"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/mcp"
	"github.com/llmcost/llmcost/internal/query"
)

// runMCP serves the Model Context Protocol over standard input and output:
// from a running server with --server and --token (the token's scope), or
// from the data directory as the admin, narrowed to --customer when given.
func (m *Main) runMCP(ctx context.Context) error {
	mcp.Version = Version
	var (
		s   *sdk.Server
		err error
	)
	if m.Config.Server != "" {
		var cs *sdk.ClientSession
		s, cs, err = mcp.Remote(ctx, m.Config.Server, m.Config.Token)
		if err != nil {
			return err
		}
		defer cs.Close()
	} else {
		db, oerr := m.openExistingStore()
		if oerr != nil {
			return oerr
		}
		p := cost.AdminPrincipal()
		if m.Customer != "" {
			p = cost.CustomerPrincipal(m.Customer)
		}
		s, err = mcp.NewServer(ctx, query.NewService(m.costStore(db), m.Config.Clock()), p)
		if err != nil {
			return err
		}
	}
	m.Logger.Info("mcp serving on standard input and output")
	err = s.Run(ctx, &sdk.IOTransport{Reader: io.NopCloser(m.Stdin), Writer: nopWriteCloser{m.Stdout}})
	if ctx.Err() != nil { // Interrupted: a normal way to stop.
		return nil
	}
	return err
}

// nopWriteCloser leaves the process's standard output open when the MCP
// session ends.
type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }
