package ingest

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// progress writes an ingest's progress to a writer: on a terminal one line
// rewritten in place, elsewhere (a log, a pipe) one line per report.
type progress struct {
	w   io.Writer
	tty bool
	mu  sync.Mutex
}

// newProgress returns a progress writer to w; nil writes nothing.
func newProgress(w io.Writer) *progress {
	if w == nil {
		return nil
	}
	p := &progress{w: w}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

// update reports a step on the way: rewritten in place on a terminal.
func (p *progress) update(format string, args ...any) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty {
		fmt.Fprintf(p.w, "\r"+format+"\x1b[K", args...)
		return
	}
	fmt.Fprintf(p.w, format+"\n", args...)
}

// line reports a step that stays on screen.
func (p *progress) line(format string, args ...any) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty {
		format = "\r" + format + "\x1b[K"
	}
	fmt.Fprintf(p.w, format+"\n", args...)
}

// ticking reports what f says every period (2s on a terminal, 10s elsewhere)
// until the returned stop is called.
func (p *progress) ticking(f func(elapsed time.Duration) string) (stop func()) {
	if p == nil {
		return func() {}
	}
	period := 10 * time.Second
	if p.tty {
		period = 2 * time.Second
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		start := time.Now()
		t := time.NewTicker(period)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				p.update("%s", f(time.Since(start).Round(time.Second)))
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// rateAndShare formats rows per second since start and, when the file's
// size is known, how much of it was read.
func rateAndShare(rows int, start time.Time, read, total int64) string {
	s := fmt.Sprintf("%d rows, %.0f rows/s, %.1f MB read", rows, float64(rows)/time.Since(start).Seconds(), float64(read)/1e6)
	if total > 0 {
		s += fmt.Sprintf(" (%d%%)", min(100, read*100/total))
	}
	return s
}
