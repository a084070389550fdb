package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/rolo-crm/rolo/insight"
	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/tiering"
	"github.com/rolo-crm/rolo/tiering/agenda"
)

// accountsHeading is the Accounts column headings as drawn.
func accountsHeading(t *testing.T, m *Model) string {
	t.Helper()
	for _, l := range lines(m.View()) {
		if strings.Contains(l, "TOUCHED") {
			return l
		}
	}
	t.Fatalf("no column headings on Accounts:\n%s", m.View())
	return ""
}

// A tier opened from the pyramid, or a search, lists customers in an order
// of its own; leaving it (esc: everyone) puts back the rep's sort, in its
// direction.
func TestFilteredListGivesBackTheRepsSort(t *testing.T) {
	for _, c := range []struct {
		name   string
		sortBy []string // keys that set the rep's sort first
		want   string   // the heading of the sort, before and after
		leave  []string // keys that open a filtered list and leave it
	}{
		{"tier, name", nil, "NAME↑", []string{"4", "enter", "esc"}},
		{"tier, name reversed", []string{"S"}, "NAME↓", []string{"4", "enter", "esc"}},
		{"tier, value", []string{"s"}, "VALUE↓", []string{"4", "enter", "esc"}},
		{"tier, next due", []string{"s", "s", "s"}, "NEXT DUE↑", []string{"4", "enter", "esc"}},
		{"search, name reversed", []string{"S"}, "NAME↓", []string{"/", "w", "x", "m", "esc"}},
		{"search kept, value", []string{"s"}, "VALUE↓", []string{"/", "w", "enter", "esc"}},
		{"tier then search, name reversed", []string{"S"}, "NAME↓", []string{"4", "enter", "/", "w", "esc"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := start(t, sample(t), 100, 30)
			press(t, m, c.sortBy...)
			if h := accountsHeading(t, m); !strings.Contains(h, c.want) {
				t.Fatalf("the heading is %q before, want %s", h, c.want)
			}
			press(t, m, c.leave...)
			if m.accounts.title != "" || m.accounts.query != "" || m.accounts.ids != nil {
				t.Fatalf("still a filtered list:\n%s", m.View())
			}
			if h := accountsHeading(t, m); !strings.Contains(h, c.want) {
				t.Errorf("back to everyone, the heading is %q, want the rep's sort %s", h, c.want)
			}
		})
	}
}

// dueListNotebook is a notebook of n customers, each with one row on the
// Due screen: the first capacity of them today's plan. Customer 1 has
// three reasons (complaint+payment+follow-up).
type dueListNotebook struct {
	*fakeNotebook
	n, capacity int
}

func newDueListNotebook(n, capacity int) *dueListNotebook {
	f := &fakeNotebook{}
	for i := 1; i <= n; i++ {
		f.accounts = append(f.accounts, store.AccountRow{ID: int64(i), Name: fmt.Sprintf("客户%02d", i)})
	}
	return &dueListNotebook{fakeNotebook: f, n: n, capacity: capacity}
}

func (f *dueListNotebook) Plan(ctx context.Context, q insight.PlanQuery) (*insight.Plan, error) {
	var items []agenda.Item
	for i := 1; i <= f.n; i++ {
		it := agenda.Item{CustomerID: int64(i), Name: fmt.Sprintf("客户%02d", i), Tier: tiering.Small, Reason: agenda.Cadence,
			Detail: "no contact for 200 days", Due: q.AsOf.AddDate(0, 0, -i), DaysOverdue: i}
		if i == 1 {
			it.Reason, it.Detail = agenda.Complaint, "open complaint 3: 花茶有霉味"
			items = append(items, it,
				agenda.Item{CustomerID: 1, Name: it.Name, Tier: it.Tier, Reason: agenda.Payment, Detail: "owes 500", Due: it.Due, DaysOverdue: 1, PurchaseID: 4},
				agenda.Item{CustomerID: 1, Name: it.Name, Tier: it.Tier, Reason: agenda.FollowUp, Detail: "送样品", Due: it.Due, DaysOverdue: 1, FollowUpID: 5})
			continue
		}
		items = append(items, it)
	}
	p := &insight.Plan{AsOf: q.AsOf, Agenda: &insight.Agenda{AsOf: q.AsOf, Items: items}}
	for _, e := range p.Agenda.Entries()[:f.capacity] {
		p.Today = append(p.Today, insight.PlanRow{Planned: agenda.Planned{Entry: e, Day: q.AsOf}})
	}
	return p, nil
}

// startOn is start on any notebook.
func startOn(t testing.TB, nb Notebook, w, h int) *Model {
	m := New(nb, today, Options{Now: fixedNow, StaticCursor: true})
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	run(t, m, m.Init())
	return m
}

// resize is the terminal changing size, as bubbletea reports it.
func resize(t testing.TB, m *Model, w, h int) {
	_, cmd := m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	run(t, m, cmd)
}

// Scrolled to the end of a list in a small window, then the window grows:
// the list shows as many rows as fit, the first ones again when all fit,
// and the cursor stays in view. Due and Accounts alike.
func TestListsFillTheWindowAfterAResize(t *testing.T) {
	for _, c := range []struct {
		name string
		n    int    // rows in the list
		key  string // the screen
	}{
		{"due, all fit", 10, "3"},
		{"due, more than fit", 60, "3"},
		{"accounts, all fit", 30, "1"},
		{"accounts, more than fit", 60, "1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := startOn(t, newDueListNotebook(c.n, min(c.n, 8)), 80, 14)
			press(t, m, c.key, "G")
			resize(t, m, 120, 40)
			v := m.View()
			rows, top, cursor, visible := 0, 0, 0, 0
			if c.key == "3" {
				rows, top, cursor, visible = len(m.due.items), m.due.top, m.due.cursor, m.due.visible()
			} else {
				rows, top, cursor, visible = m.accounts.total, m.accounts.top, m.accounts.cursor, m.accounts.visible()
			}
			if cursor != rows-1 || cursor < top || cursor >= top+visible {
				t.Errorf("the cursor (%d) is not on the last row (%d) in view (%d–%d)", cursor, rows-1, top, top+visible-1)
			}
			if want := max(0, rows-visible); top != want {
				t.Errorf("the list starts at row %d, want %d (%d rows, %d fit):\n%s", top, want, rows, visible, v)
			}
			first := fmt.Sprintf("客户%02d", top+1)
			if !strings.Contains(v, first) || !strings.Contains(v, fmt.Sprintf("客户%02d", rows)) {
				t.Errorf("rows %s to the last are not all shown:\n%s", first, v)
			}
			fits(t, v, 120, 40)
		})
	}
}

// The Due screen's WHY column widens at wide sizes until a customer's
// reasons show whole; narrow sizes still fit.
func TestDueWhyWidensWithTheWindow(t *testing.T) {
	for _, size := range [][2]int{{120, 40}, {100, 30}, {80, 24}, {60, 20}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			m := startOn(t, newDueListNotebook(10, 5), size[0], size[1])
			press(t, m, "3")
			v := m.View()
			row := dueRow(m, "客户01")
			if size[0] >= 100 && !strings.Contains(row, "complaint+payment+follow-up") {
				t.Errorf("the reasons are cut at %d columns: %q", size[0], row)
			}
			if size[0] >= 80 && !strings.Contains(row, "open complaint") {
				t.Errorf("no detail at %d columns: %q", size[0], row)
			}
			fits(t, v, size[0], size[1])
		})
	}
}

// The card scrolled to its end in a small window, then the window grows
// to hold all of it: the card shows from its first line, no blank lines
// above the end, the selection still in view.
func TestCardFillsTheWindowAfterAResize(t *testing.T) {
	st := sample(t)
	for i := range 12 {
		addContact(t, st, 1, "call", fmt.Sprintf("电话 %d", i), fmt.Sprintf("2026-10-%02dT02:00:00Z", i+1))
	}
	m := start(t, st, 80, 14)
	cardOf(t, m, "王小明")
	press(t, m, "G")
	if m.account.vp.YOffset == 0 {
		t.Fatalf("the card does not scroll at 80×14: not the case tested")
	}
	resize(t, m, 120, 40)
	v := m.View()
	if !strings.Contains(lines(v)[1], "王小明  明达贸易") {
		t.Errorf("the card does not show from its first line:\n%s", v)
	}
	if !strings.Contains(v, "▸ 2026-10-03  call") {
		t.Errorf("the selected contact is not in view:\n%s", v)
	}
}
