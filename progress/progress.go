// Package progress lets long work say how far it is: the work counts into
// a Meter carried by its context (every method is safe on a nil Meter, so
// work without one pays nothing), and the command line draws it. It does
// no I/O.
package progress

import (
	"context"
	"io"
	"sync"
	"sync/atomic"
)

// Meter is how far one piece of work is: the stage it is in, and done out
// of total units of that stage (total 0 when unknown).
type Meter struct {
	done, total atomic.Int64
	mu          sync.Mutex
	stage, unit string
}

// New returns a Meter.
func New() *Meter { return &Meter{} }

// Stage starts a stage of the work: its name ("reading purchases"), how
// many units it has (0 when unknown) and what they are ("rows", "bytes").
func (m *Meter) Stage(name string, total int64, unit string) {
	if m == nil {
		return
	}
	m.mu.Lock()
	m.stage, m.unit = name, unit
	m.mu.Unlock()
	m.total.Store(total)
	m.done.Store(0)
}

// Add counts n more units done.
func (m *Meter) Add(n int64) {
	if m != nil {
		m.done.Add(n)
	}
}

// Snapshot is the meter now.
func (m *Meter) Snapshot() (stage string, done, total int64, unit string) {
	if m == nil {
		return "", 0, 0, ""
	}
	m.mu.Lock()
	stage, unit = m.stage, m.unit
	m.mu.Unlock()
	return stage, m.done.Load(), m.total.Load(), unit
}

type key struct{}

// With returns ctx carrying m.
func With(ctx context.Context, m *Meter) context.Context { return context.WithValue(ctx, key{}, m) }

// From is the Meter ctx carries, or nil.
func From(ctx context.Context) *Meter {
	m, _ := ctx.Value(key{}).(*Meter)
	return m
}

// Reader counts the bytes read through r into m.
func Reader(r io.Reader, m *Meter) io.Reader {
	if m == nil {
		return r
	}
	return &reader{r, m}
}

type reader struct {
	r io.Reader
	m *Meter
}

func (r *reader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.m.Add(int64(n))
	return n, err
}

// Writer counts the bytes written through w into m.
func Writer(w io.Writer, m *Meter) io.Writer {
	if m == nil {
		return w
	}
	return &writer{w, m}
}

type writer struct {
	w io.Writer
	m *Meter
}

func (w *writer) Write(p []byte) (int, error) {
	n, err := w.w.Write(p)
	w.m.Add(int64(n))
	return n, err
}
