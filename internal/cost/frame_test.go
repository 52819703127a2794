package cost_test

import (
	"math"
	"testing"

	"github.com/llmcost/llmcost/internal/cost"
)

func TestNumber(t *testing.T) {
	tests := []struct {
		in   any
		want float64
	}{
		{2.5, 2.5}, {float32(1.5), 1.5}, {int(3), 3}, {int32(-4), -4}, {int64(5), 5}, {uint64(6), 6},
		{nil, 0}, {math.NaN(), 0}, {"7", 0}, {true, 0}, {math.Inf(1), math.Inf(1)},
	}
	for _, tt := range tests {
		if got := cost.Number(tt.in); got != tt.want {
			t.Errorf("Number(%#v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
