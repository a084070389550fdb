package tui

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/rolo-crm/rolo/insight"
	"github.com/rolo-crm/rolo/internal/pgtest"
	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/store/demo"
)

// Golden screens of every screen at 80×24 and 120×40 on the demo notebook
// (seed 1, 60 customers, as of 2026-11-22). Regenerate deliberately with
// go test ./tui -run TestGolden -update, and review the diff.
func TestGolden(t *testing.T) {
	goldenScreens(t, newStore(t), func(t *testing.T, view string) { golden.RequireEqual(t, []byte(view)) })
}

// The same screens on a PostgreSQL notebook holding the same demo are the
// same, to the character: one store, two engines.
func TestGoldenPostgreSQL(t *testing.T) {
	dsn, _ := pgtest.Database(t)
	st, err := store.Open(context.Background(), dsn, store.Options{Create: true, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	goldenScreens(t, st, func(t *testing.T, view string) {
		name := strings.TrimPrefix(t.Name(), "TestGoldenPostgreSQL/")
		want, err := os.ReadFile(filepath.Join("testdata", "TestGolden", name+".golden"))
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.ReplaceAll(view, "\r\n", "\n"); got != strings.ReplaceAll(string(want), "\r\n", "\n") {
			t.Errorf("on PostgreSQL the screen differs from SQLite's golden %s:\n%s", name, got)
		}
	})
}

// goldenScreens drives every screen on st, filled with the demo, and
// checks each final view.
func goldenScreens(t *testing.T, st *store.Store, check func(t *testing.T, view string)) {
	if _, err := demo.Generate(context.Background(), st, demo.Options{Seed: 1, Customers: 60, Today: today}); err != nil {
		t.Fatal(err)
	}
	// The pyramid screen compares with 90 days ago, which records the tiers
	// of that day; the card's movement line reads them. Record them first,
	// as a notebook in use has, so no screen depends on which was drawn first.
	if _, err := insight.New(st).Movers(context.Background(), insight.TierQuery{AsOf: today}, today.AddDate(0, 0, -90)); err != nil {
		t.Fatal(err)
	}
	screens := []struct {
		name  string
		keys  []string
		ready string // text that shows the screen has all its data
	}{
		{"accounts", nil, ""},
		{"account", []string{"enter"}, ""}, // enter waits for the card
		{"due", []string{"3"}, "Today: done"},
		{"pyramid", []string{"4"}, "moved up"},
		{"help", []string{"?"}, "next screen"},
		{"add_customer", []string{"a"}, "Add a customer"},
		{"purchase_form", []string{"enter", "b"}, "Add a purchase"},
		{"contact_form", []string{"enter", "l"}, "Log a contact"},
		{"delete_asks", []string{"enter", "down", "D"}, "y/n"},
		{"archived", []string{"A"}, "Archived customers"},
		{"profile_form", []string{"enter", "e"}, "Edit "},
		{"followup_form", []string{"enter", "f"}, "Schedule a follow-up"},
		{"payment_form", []string{"/", "zhupenghong", "wait:  1 found", "enter", "p"}, "Record a payment"},
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, sc := range screens {
			t.Run(fmt.Sprintf("%s_%dx%d", sc.name, size[0], size[1]), func(t *testing.T) {
				m := New(insight.New(st), today, Options{Now: fixedNow, StaticCursor: true})
				tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(size[0], size[1]))
				waitFor(t, tm, "MAJ")
				for _, k := range sc.keys {
					switch k {
					case "enter":
						tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
						waitFor(t, tm, "Treatment") // the card is in
					case "down":
						tm.Send(tea.KeyMsg{Type: tea.KeyDown})
					default:
						if text, ok := strings.CutPrefix(k, "wait:"); ok {
							waitFor(t, tm, text)
						} else {
							tm.Type(k)
						}
					}
				}
				if sc.ready != "" {
					waitFor(t, tm, sc.ready)
				}
				waitQuiet(t, tm)
				tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
				final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
				check(t, final.View())
			})
		}
	}
}

// waitQuiet waits until the program has drawn nothing for a quarter of a
// second: every load it started has come back (a load in flight keeps the
// spinner turning, and so the screen changing).
func waitQuiet(t *testing.T, tm *teatest.TestModel) {
	t.Helper()
	last, since := -1, time.Now()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		if len(b) != last {
			last, since = len(b), time.Now()
		}
		return time.Since(since) >= 250*time.Millisecond
	}, teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(25*time.Millisecond))
}

func waitFor(t *testing.T, tm *teatest.TestModel, text string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(text)) },
		teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
}
