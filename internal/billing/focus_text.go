package billing

import (
	"errors"
	"slices"
	"strings"

	"github.com/llmcost/llmcost/internal/cost"
)

// focusNumberRoles are the FOCUS roles whose values are numbers or
// timestamps; every other column the mapping reads is text.
var focusNumberRoles = []string{"cost", "cost_usd", "list_cost", "start", "end", "period_start",
	"consumed_qty", "pricing_qty", "block", "eff_price", "eff_cost", "list_price"}

// FOCUSLayout is a FOCUS header split into the text columns that decide a
// line's fields (provider, service, meters, tags, …) and the number and
// timestamp columns, by role ("cost", "list_cost", "start", "end",
// "period_start", "consumed_qty", "pricing_qty"; -1 when absent).
type FOCUSLayout struct {
	header   []string
	TextCols []int
	Role     map[string]int
}

// ErrFOCUSText is returned for a FOCUS file or value whose lines need more
// than their text columns to map (another currency, Microsoft's pricing
// blocks, tags that are not JSON): the line-by-line reader reads it.
var ErrFOCUSText = errors.New("the line needs the line-by-line reader")

// NewFOCUSLayout resolves a FOCUS header.
func NewFOCUSLayout(file string, header []string) (*FOCUSLayout, error) {
	r := record{file: file, cols: map[string]int{}, name: header}
	for i, h := range header {
		if _, dup := r.cols[strings.ToLower(h)]; dup {
			return nil, ErrFOCUSText
		}
		r.cols[strings.ToLower(h)] = i
	}
	m, err := newFocusMap(&r)
	if err != nil {
		return nil, err
	}
	if m.col["block"] >= 0 || m.col["unit_desc"] >= 0 {
		return nil, ErrFOCUSText // Per-line prices decide the tokens.
	}
	lay := &FOCUSLayout{header: header, Role: map[string]int{}}
	for _, role := range focusNumberRoles {
		lay.Role[role] = m.col[role]
	}
	for role, i := range m.col {
		if i >= 0 && !slices.Contains(focusNumberRoles, role) && !slices.Contains(lay.TextCols, i) {
			lay.TextCols = append(lay.TextCols, i)
		}
	}
	for _, i := range m.meters {
		if !slices.Contains(lay.TextCols, i) {
			lay.TextCols = append(lay.TextCols, i)
		}
	}
	slices.Sort(lay.TextCols)
	return lay, nil
}

// focusProbeTime is the time of the probe line Text maps.
const focusProbeTime = "2000-01-01T00:00:00Z"

// Text maps one distinct combination of the text columns (vals by position,
// the number columns ignored) as ReadFOCUS maps a line; noConsumed is set when
// the line's ConsumedQuantity is empty (its PricingQuantity and unit count).
// It returns ErrFOCUSText when the line needs its numbers to be mapped.
func (lay *FOCUSLayout) Text(file string, vals []string, noConsumed bool) (*cost.FOCUSText, error) {
	r := record{file: file, line: 2, cols: map[string]int{}, name: lay.header, vals: make([]string, len(lay.header))}
	for i, h := range lay.header {
		r.cols[strings.ToLower(h)] = i
	}
	for _, i := range lay.TextCols {
		r.vals[i] = vals[i]
	}
	set := func(role, v string) {
		if i := lay.Role[role]; i >= 0 {
			r.vals[i] = v
		}
	}
	set("cost", "0")
	set("start", focusProbeTime)
	set("period_start", focusProbeTime)
	set("pricing_qty", "1")
	if !noConsumed {
		set("consumed_qty", "1")
	}
	m, err := newFocusMap(&r)
	if err != nil {
		return nil, err
	}
	warned := false
	l, err := m.line(&r, func(string) { warned = true })
	if err != nil || warned || l.Currency != "USD" {
		return nil, ErrFOCUSText
	}
	block := l.UsageAmount
	if noConsumed && lay.Role["pricing_qty"] < 0 {
		block = 1 // The quantity is 0 whatever the block.
	}
	prefix, ok := strings.CutSuffix(l.SourcePartition, "/2000-01")
	if !ok {
		return nil, ErrFOCUSText
	}
	return &cost.FOCUSText{Line: l, Block: block, Prefix: prefix}, nil
}
