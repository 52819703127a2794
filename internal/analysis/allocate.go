package analysis

import (
	"math"
	"sort"
)

// EventTokens are one model-day's gateway event tokens: token type → customer
// id → tokens. The "" customer holds tokens no customer is attributed to.
type EventTokens map[string]map[string]float64

// Add adds n tokens of tokenType for customer.
func (e EventTokens) Add(tokenType, customer string, n float64) {
	if e[tokenType] == nil {
		e[tokenType] = map[string]float64{}
	}
	e[tokenType][customer] += n
}

// Share is one customer's part of a billed amount.
type Share struct {
	USD    float64 // Cost moved to the customer.
	Tokens float64 // Billed tokens moved with it; 0 for a non-token charge.
}

// Split allocates one group of unattributed billed cost of a model-day — usd
// billed for tokens of tokenType, or for a non-token charge when tokenType is
// "" — to the customers with event tokens that model-day.
//
// When tokenType is set and the events have tokens of that type, customer c
// with t_c of them gets usd·t_c/max(T, tokens) and tokens·t_c/max(T, tokens),
// where T counts every event token of that type, with a customer or not.
// Otherwise c gets usd·t_c/T, and no tokens, where t_c and T count the events'
// tokens on the same side as tokenType (see TokenSide) or, when there are
// none (or for a non-token charge), tokens of every type. Event tokens with no
// customer get no share, nor does the part of the billed tokens the events
// never saw: that residual stays unattributed. Shares are exact; customers
// without positive tokens are left out, and with no event tokens at all the
// result is empty.
func Split(usd, tokens float64, tokenType string, ev EventTokens) map[string]Share {
	per, total := ev.of(tokenType)
	withTokens := tokenType != "" && total > 0
	denom := total
	switch {
	case withTokens:
		denom = math.Max(total, tokens)
	default:
		if per, total = ev.side(TokenSide(tokenType)); total <= 0 {
			per, total = ev.all()
		}
		denom = total
	}
	out := map[string]Share{}
	if denom <= 0 {
		return out
	}
	for c, t := range per {
		if c == "" || t <= 0 {
			continue
		}
		s := Share{USD: usd * t / denom}
		if withTokens {
			s.Tokens = tokens * t / denom
		}
		out[c] = s
	}
	return out
}

// Token sides: clouds bill cache reads and writes with input and reasoning
// with output, under their own meters or not, so estimates are matched with
// billed tokens by side.
const (
	SideInput  = "input"
	SideOutput = "output"
)

// TokenSide returns the side of a token type: SideInput for input, cache_read
// and cache_write; SideOutput for output and reasoning; "" otherwise.
func TokenSide(tokenType string) string {
	switch tokenType {
	case "input", "cache_read", "cache_write":
		return SideInput
	case "output", "reasoning":
		return SideOutput
	}
	return ""
}

// side returns the positive tokens of the types on one side per customer and
// their total.
func (e EventTokens) side(side string) (map[string]float64, float64) {
	per := map[string]float64{}
	var total float64
	if side == "" {
		return per, 0
	}
	for tt, byCustomer := range e {
		if TokenSide(tt) != side {
			continue
		}
		for c, n := range byCustomer {
			if n > 0 {
				per[c] += n
				total += n
			}
		}
	}
	return per, total
}

// of returns the positive tokens of one type per customer and their total.
func (e EventTokens) of(tokenType string) (map[string]float64, float64) {
	if tokenType == "" {
		return nil, 0
	}
	per := map[string]float64{}
	var total float64
	for c, n := range e[tokenType] {
		if n > 0 {
			per[c] += n
			total += n
		}
	}
	return per, total
}

// all returns the positive tokens of every type per customer and their total.
func (e EventTokens) all() (map[string]float64, float64) {
	per := map[string]float64{}
	var total float64
	for _, byCustomer := range e {
		for c, n := range byCustomer {
			if n > 0 {
				per[c] += n
				total += n
			}
		}
	}
	return per, total
}

// Allocation is a billed amount split across customers, for display.
type Allocation struct {
	Shares       map[string]float64 // Customer id → USD.
	Unattributed float64            // USD left to no customer.
}

// RoundShares rounds each customer's exact share of billed towards zero to
// whole cents; everything not allocated, rounding included, stays
// unattributed, so Shares plus Unattributed add up to billed, to the cent.
// Customers whose share is 0 are left out.
func RoundShares(billed float64, exact map[string]float64) Allocation {
	a := Allocation{Shares: map[string]float64{}}
	ids := make([]string, 0, len(exact))
	for id := range exact {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	allocated := 0.0
	for _, id := range ids {
		// Round to a millionth of a cent first, so 5.9999999999 counts as 6.
		share := math.Trunc(math.Round(exact[id]*1e8)/1e6) / 100
		if id == "" || share == 0 {
			continue
		}
		a.Shares[id] = share
		allocated += share
	}
	a.Unattributed = math.Round((billed-allocated)*100) / 100
	return a
}
