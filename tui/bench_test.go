package tui

import (
	"context"
	"github.com/rolo-crm/rolo/insight"
	"os"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/rolo-crm/rolo/store"
)

// Benchmarks against a large notebook named by ROLO_BENCH_DB (bench/run.sh).
func benchModelStore(b *testing.B) *store.Store {
	path := os.Getenv("ROLO_BENCH_DB")
	if path == "" {
		b.Skip("set ROLO_BENCH_DB to a large notebook (bench/run.sh does)")
	}
	st, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}

// BenchmarkFirstScreen is the time from a new model to the accounts table
// drawn with its first page (tiers arrive later, in the background).
func BenchmarkFirstScreen(b *testing.B) {
	st := benchModelStore(b)
	for i := 0; i < b.N; i++ {
		m := New(insight.New(st), today, Options{Now: fixedNow, StaticCursor: true})
		m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
		run(b, m, m.accounts.reload())
		if m.accounts.total == 0 {
			b.Fatal("no rows")
		}
		_ = m.View()
	}
}

// BenchmarkFilterKeystroke is one keystroke in the filter: search, fetch the
// page of matches, draw.
func BenchmarkFilterKeystroke(b *testing.B) {
	st := benchModelStore(b)
	m := New(insight.New(st), today, Options{Now: fixedNow, StaticCursor: true})
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	run(b, m, m.accounts.reload())
	run(b, m, m.prepareSearch()) // Init starts it beside the first screen
	press(b, m, "/")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, k := range []string{"w", "x"} {
			press(b, m, k)
		}
		press(b, m, "backspace")
		press(b, m, "backspace")
		_ = m.View()
	}
	b.StopTimer()
	// Four keystrokes per iteration.
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/4/1e6, "ms/keystroke")
}
