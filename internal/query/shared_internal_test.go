package query

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

func TestSharedAggregatesDo(t *testing.T) {
	frame := &cost.Frame{Rows: [][]any{{1.0}}}
	ctx := context.Background()

	t.Run("OneRunForConcurrentCallers", func(t *testing.T) {
		s := newSharedAggregates()
		var runs atomic.Int32
		release := make(chan struct{})
		run := func() (*cost.Frame, error) { runs.Add(1); <-release; return frame, nil }
		got := make(chan *cost.Frame, 3)
		for range 3 {
			go func() { f, _ := s.do(ctx, "k", run); got <- f }()
		}
		for runs.Load() == 0 {
			runtime.Gosched()
		}
		close(release)
		for range 3 {
			if f := <-got; f != frame {
				t.Errorf("got %v, want the shared frame", f)
			}
		}
		if n := runs.Load(); n != 1 {
			t.Errorf("%d runs, want 1", n)
		}
	})

	t.Run("ErrorsAreNotKept", func(t *testing.T) {
		s := newSharedAggregates()
		if _, err := s.do(ctx, "k", func() (*cost.Frame, error) { return nil, errors.New("boom") }); err == nil {
			t.Fatal("want the run's error")
		}
		if f, err := s.do(ctx, "k", func() (*cost.Frame, error) { return frame, nil }); err != nil || f != frame {
			t.Errorf("after an error: %v, %v; want a new run", f, err)
		}
	})

	t.Run("NoCallerGetsAnotherRequestsCancellation", func(t *testing.T) {
		s := newSharedAggregates()
		started, release := make(chan struct{}), make(chan struct{})
		go s.do(ctx, "k", func() (*cost.Frame, error) {
			close(started)
			<-release
			return nil, fmt.Errorf("query: %w", context.Canceled)
		})
		<-started
		done := make(chan *cost.Frame)
		go func() {
			f, err := s.do(ctx, "k", func() (*cost.Frame, error) { return frame, nil })
			if err != nil {
				t.Error(err)
			}
			done <- f
		}()
		close(release)
		if f := <-done; f != frame {
			t.Errorf("waiter got %v, want its own answer", f)
		}
	})

	t.Run("KeepsTheLastFew", func(t *testing.T) {
		s := newSharedAggregates()
		var runs int
		run := func() (*cost.Frame, error) { runs++; return frame, nil }
		for i := range sharedKept + 1 {
			s.do(ctx, fmt.Sprint(i), run)
		}
		s.do(ctx, fmt.Sprint(sharedKept), run) // Kept.
		s.do(ctx, "0", run)                    // Dropped: the oldest.
		if want := sharedKept + 2; runs != want {
			t.Errorf("%d runs, want %d", runs, want)
		}
	})
}

func TestOutliersOf(t *testing.T) {
	days := &cost.Frame{Rows: [][]any{
		{"2026-11-01", "cust_a", 10.0}, {"2026-11-02", "cust_a", 10.0}, {"2026-11-03", "cust_a", 10.0}, {"2026-11-04", "cust_a", 40.0},
		{"2026-11-01", "cust_b", 1.0}, {"2026-11-02", "cust_b", 1.0}, {"2026-11-03", "cust_b", 1.0}, {"2026-11-04", "cust_b", 2.0},
		{"2026-11-04", "cust_c", 5.0},                                                               // One day: no deviation.
		{"2026-11-01", "cust_d", 3.0}, {"2026-11-02", "cust_d", 3.0}, {"2026-11-03", "cust_d", 9.0}, // Nothing on the day.
		{"2026-11-03", "cust_e", 0.0}, {"2026-11-04", "cust_e", 0.0}, // A mean of 0.
		{"2026-11-04", "", 100.0},                                     // Unattributed.
		{"2026-10-31", "cust_f", 1.0}, {"2026-11-04", "cust_f", 50.0}, // Its first day is outside the baseline.
	}}
	got := outliersOf(days, cost.DateRange{From: mustDay("2026-11-01"), To: mustDay("2026-11-05")}, mustDay("2026-11-04"), 1)
	// cust_a: mean 17.5, σ 15, 40 > 32.5, rise 1.29; cust_b: mean 1.25, σ 0.5, 2 > 1.75, rise 0.6.
	want := [][]any{{"cust_a", 40.0, 17.5, 15.0}, {"cust_b", 2.0, 1.25, 0.5}}
	if !reflect.DeepEqual(got.Rows, want) {
		t.Errorf("outliers = %v, want %v", got.Rows, want)
	}
}

func mustDay(s string) time.Time {
	d, err := cost.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}
