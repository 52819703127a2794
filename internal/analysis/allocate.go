package analysis

import (
	"math"
	"sort"
)

// Allocation is a billed amount split across customers.
type Allocation struct {
	Shares       map[string]float64 // Customer id → USD.
	Unattributed float64            // USD left to no customer.
}

// Allocate splits billed (one model-day's invoiced cost) across customers in
// proportion to their event tokens. tokens maps customer id → tokens; the ""
// key holds tokens no customer is attributed to. Shares are rounded down to
// whole cents; everything not allocated, including the share of unattributed
// tokens, stays unattributed, so Shares plus Unattributed add up to billed, to
// the cent. Without any tokens, all of billed is unattributed.
func Allocate(billed float64, tokens map[string]float64) Allocation {
	a := Allocation{Shares: map[string]float64{}}
	var total float64
	for _, n := range tokens {
		if n > 0 {
			total += n
		}
	}
	ids := make([]string, 0, len(tokens))
	for id, n := range tokens {
		if id != "" && n > 0 {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	allocated := 0.0
	for _, id := range ids {
		share := math.Floor(billed*tokens[id]/total*100) / 100
		if billed < 0 {
			share = math.Ceil(billed*tokens[id]/total*100) / 100
		}
		a.Shares[id] = share
		allocated += share
	}
	a.Unattributed = math.Round((billed-allocated)*100) / 100
	return a
}
