package ingest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/llmcost/llmcost/internal/billing"
	"github.com/llmcost/llmcost/internal/cost"
)

// focusLoader is a store that reads a FOCUS CSV file itself (duckdb.DB).
type focusLoader interface {
	fileLoader
	// LoadFOCUS writes the file's lines, replacing the partitions they name;
	// it returns cost.ErrNotLoaded, having changed nothing, when the file holds
	// something only the line-by-line reader handles.
	LoadFOCUS(ctx context.Context, f *cost.FOCUSFile) (*cost.LoadResult, error)
}

// loadFOCUS has the store read a FOCUS CSV file, as loadUnified does a
// unified one.
func (r *run) loadFOCUS(ld focusLoader) (done bool, cleanup func(), err error) {
	return r.loadSpooled(ld, func(path string, cols []string) (*cost.LoadResult, error) {
		f, err := r.focusFile(path, cols)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", cost.ErrNotLoaded, err)
		}
		return ld.LoadFOCUS(r.ctx, f)
	})
}

// focusFile describes the spooled FOCUS file at path with the line-by-line
// reader's rules: billing's FOCUS mapping, then the customer, model family and
// checks the ingester applies to every line.
func (r *run) focusFile(path string, cols []string) (*cost.FOCUSFile, error) {
	lay, err := billing.NewFOCUSLayout(r.name, cols)
	if err != nil {
		return nil, err
	}
	now := r.in.now()
	return &cost.FOCUSFile{
		Name: r.name, Path: path, Columns: cols, TextColumns: lay.TextCols, Roles: lay.Role,
		Text: func(vals []string, noConsumed bool) (*cost.FOCUSText, error) {
			t, err := lay.Text(r.name, vals, noConsumed)
			if err != nil {
				return nil, err
			}
			l := t.Line
			if l.CustomerID = r.in.customerFromTags(l.Tags); l.CustomerID == "" {
				l.CustomerID = r.in.Mapping.AccountCustomer(l.CloudProvider, l.AccountID, l.Project)
			}
			if l.CustomerID != "" && cost.ValidCustomerID(l.CustomerID) != nil {
				return nil, errors.New("a customer id no customer may have")
			}
			if l.ModelFamily == "" {
				l.ModelFamily = cost.ModelFamily(l.Model)
			}
			return t, nil
		},
		OpenMonth:  time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC),
		MaxAbsCost: cost.MaxAbsCost,
	}, nil
}
