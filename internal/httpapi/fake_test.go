package httpapi_test

import (
	"context"
	"io"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// queryService is a function-field fake of cost.QueryService: a test sets only
// the functions it needs; the others fail loudly.
type queryService struct {
	QueryFn          func(ctx context.Context, p cost.Principal, q cost.Query) (*cost.Result, error)
	PanelFn          func(ctx context.Context, p cost.Principal, req cost.PanelRequest) (*cost.Result, error)
	ValuesFn         func(ctx context.Context, p cost.Principal, d cost.Dimension) ([]string, error)
	CustomersFn      func(ctx context.Context, p cost.Principal) ([]cost.Customer, error)
	QuickStatsFn     func(ctx context.Context, p cost.Principal, customerID string) (*cost.QuickStats, error)
	AnomaliesFn      func(ctx context.Context, p cost.Principal, req cost.AnomalyRequest) (*cost.AnomalyReport, error)
	ExplainFn        func(ctx context.Context, p cost.Principal, req cost.ExplainRequest) (*cost.Explanation, error)
	ForecastFn       func(ctx context.Context, p cost.Principal, customerID string) (*cost.Forecast, error)
	BudgetStatusFn   func(ctx context.Context, p cost.Principal, customerID string) (*cost.BudgetStatus, error)
	BudgetStatusesFn func(ctx context.Context, p cost.Principal) ([]cost.BudgetStatus, error)
}

var _ cost.QueryService = (*queryService)(nil)

var errUnset = cost.Errorf(cost.CodeNotImplemented, "fake: function not set")

func (s *queryService) Now() time.Time { return testNow }

func (s *queryService) Query(ctx context.Context, p cost.Principal, q cost.Query) (*cost.Result, error) {
	if s.QueryFn == nil {
		return nil, errUnset
	}
	return s.QueryFn(ctx, p, q)
}

func (s *queryService) Panel(ctx context.Context, p cost.Principal, req cost.PanelRequest) (*cost.Result, error) {
	if s.PanelFn == nil {
		return nil, errUnset
	}
	return s.PanelFn(ctx, p, req)
}

func (s *queryService) Values(ctx context.Context, p cost.Principal, d cost.Dimension) ([]string, error) {
	if s.ValuesFn == nil {
		return nil, errUnset
	}
	return s.ValuesFn(ctx, p, d)
}

func (s *queryService) Customers(ctx context.Context, p cost.Principal) ([]cost.Customer, error) {
	if s.CustomersFn == nil {
		return nil, errUnset
	}
	return s.CustomersFn(ctx, p)
}

func (s *queryService) QuickStats(ctx context.Context, p cost.Principal, id string) (*cost.QuickStats, error) {
	if s.QuickStatsFn == nil {
		return nil, errUnset
	}
	return s.QuickStatsFn(ctx, p, id)
}

func (s *queryService) Anomalies(ctx context.Context, p cost.Principal, req cost.AnomalyRequest) (*cost.AnomalyReport, error) {
	if s.AnomaliesFn == nil {
		return nil, errUnset
	}
	return s.AnomaliesFn(ctx, p, req)
}

func (s *queryService) Explain(ctx context.Context, p cost.Principal, req cost.ExplainRequest) (*cost.Explanation, error) {
	if s.ExplainFn == nil {
		return nil, errUnset
	}
	return s.ExplainFn(ctx, p, req)
}

func (s *queryService) Forecast(ctx context.Context, p cost.Principal, id string) (*cost.Forecast, error) {
	if s.ForecastFn == nil {
		return nil, errUnset
	}
	return s.ForecastFn(ctx, p, id)
}

func (s *queryService) BudgetStatus(ctx context.Context, p cost.Principal, id string) (*cost.BudgetStatus, error) {
	if s.BudgetStatusFn == nil {
		return nil, errUnset
	}
	return s.BudgetStatusFn(ctx, p, id)
}

func (s *queryService) BudgetStatuses(ctx context.Context, p cost.Principal) ([]cost.BudgetStatus, error) {
	if s.BudgetStatusesFn == nil {
		return nil, errUnset
	}
	return s.BudgetStatusesFn(ctx, p)
}

// ingester is a function-field fake of httpapi.Ingester.
type ingester struct {
	IngestFn func(ctx context.Context, format, name string, r io.Reader) (*cost.IngestSummary, error)
}

func (i *ingester) Ingest(ctx context.Context, format, name string, r io.Reader) (*cost.IngestSummary, error) {
	return i.IngestFn(ctx, format, name, r)
}

// chatService is a function-field fake of cost.ChatService.
type chatService struct {
	AskFn func(ctx context.Context, p cost.Principal, req cost.ChatRequest) (*cost.ChatAnswer, error)
}

func (c *chatService) Ask(ctx context.Context, p cost.Principal, req cost.ChatRequest) (*cost.ChatAnswer, error) {
	return c.AskFn(ctx, p, req)
}
