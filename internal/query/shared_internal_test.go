package query

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"

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
