package tui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/rolo-crm/rolo/insight"
	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/tiering"
)

// fakeNotebook answers the TUI with fixed data and chosen failures, so
// screens can be tested without a notebook file.
type fakeNotebook struct {
	Notebook  // what a test does not use panics when called
	accounts  []store.AccountRow
	tiersErr  error
	agendaErr error
	tierCalls int
}

func (f *fakeNotebook) Currency() money.Currency { return money.Currency{Code: "JPY"} }
func (f *fakeNotebook) Accounts(ctx context.Context, q store.AccountQuery) ([]store.AccountRow, int, error) {
	return f.accounts, len(f.accounts), nil
}
func (f *fakeNotebook) Search(ctx context.Context, q string, o store.SearchOptions) ([]store.SearchHit, error) {
	return nil, nil
}
func (f *fakeNotebook) PrepareShortSearch(ctx context.Context) error { return nil }
func (f *fakeNotebook) NotebookTiers(ctx context.Context, asOf time.Time) (insight.TierMap, error) {
	return insight.TierMap{1: tiering.Key}, f.tiersErr
}
func (f *fakeNotebook) Tiers(ctx context.Context, q insight.TierQuery) (*insight.Tiers, error) {
	f.tierCalls++
	if f.tiersErr != nil {
		return nil, f.tiersErr
	}
	q.Method, q.By = cmpOr(q.Method, tiering.MethodPyramid), cmpOr(q.By, tiering.ByRevenue)
	ms := []tiering.Metrics{{ID: 1, Name: "山田", Revenue: 5000, Purchases: 2}, {ID: 2, Name: "李四"}}
	cfg := tiering.DefaultConfig()
	cfg.Method, cfg.By = q.Method, q.By
	return &insight.Tiers{Query: q, Config: cfg, Metrics: ms, Assign: tiering.Assign(ms, cfg, q.AsOf)}, nil
}
func (f *fakeNotebook) Movers(ctx context.Context, q insight.TierQuery, from time.Time) (*insight.Moves, error) {
	return &insight.Moves{}, nil
}
func (f *fakeNotebook) Plan(ctx context.Context, q insight.PlanQuery) (*insight.Plan, error) {
	if f.agendaErr != nil {
		return nil, f.agendaErr
	}
	return &insight.Plan{AsOf: q.AsOf, Agenda: &insight.Agenda{AsOf: q.AsOf}}, nil
}
func (f *fakeNotebook) Card(ctx context.Context, id int64, q insight.CardQuery) (*insight.Card, error) {
	return &insight.Card{Customer: store.Customer{ID: id, Name: "山田"}, Tier: tiering.Key}, nil
}
func (f *fakeNotebook) AddPurchase(ctx context.Context, p store.Purchase) (store.Purchase, *store.FollowUp, error) {
	return p, nil, nil
}
func (f *fakeNotebook) AddContact(ctx context.Context, c store.Contact) (store.Contact, error) {
	return c, nil
}
func (f *fakeNotebook) AddFollowUp(ctx context.Context, x store.FollowUp) (store.FollowUp, error) {
	return x, nil
}
func (f *fakeNotebook) CompleteFollowUp(ctx context.Context, id int64, at time.Time) (store.FollowUp, error) {
	return store.FollowUp{}, nil
}
func (f *fakeNotebook) RescheduleFollowUp(ctx context.Context, id int64, due time.Time) error {
	return nil
}
func (f *fakeNotebook) ResolveComplaint(ctx context.Context, id int64, at time.Time, note string) (store.FollowUp, error) {
	return store.FollowUp{}, nil
}
func (f *fakeNotebook) UpdateCustomer(ctx context.Context, id int64, fn func(c *store.Customer) error) (store.Customer, error) {
	return store.Customer{}, nil
}

func cmpOr[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// A failing read says so in the status line instead of leaving the screen
// waiting; money is written in the notebook's currency (yen: no decimals).
func TestFakeNotebookErrorsAndCurrency(t *testing.T) {
	f := &fakeNotebook{agendaErr: errors.New("notebook busy: another program is writing"),
		accounts: []store.AccountRow{{ID: 1, Name: "山田", Revenue: 128000}}}
	m := New(f, today, Options{Now: fixedNow, StaticCursor: true})
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	run(t, m, m.Init())
	if v := m.View(); !strings.Contains(v, "128,000") || strings.Contains(v, "128,000.00") {
		t.Errorf("yen amounts should have no decimals:\n%s", v)
	}
	if !m.isErr || !strings.Contains(m.status, "notebook busy") {
		t.Errorf("status = %q (error %v), want the agenda's error", m.status, m.isErr)
	}
	if len(m.sh.pending) != 0 {
		t.Errorf("%d requests still counted in flight after every reply came", len(m.sh.pending))
	}
}

// Two rankings asked in a row whose replies come back in the wrong order:
// the screen keeps the latest, and the spinner stops once both are back
// (a stale reply is still an answer).
func TestStaleRepliesDoNotStickTheSpinner(t *testing.T) {
	f := &fakeNotebook{}
	m := New(f, today, Options{Now: fixedNow, StaticCursor: true})
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	run(t, m, m.Init())
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("4")})
	_, first := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("m")})  // pareto
	_, second := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("m")}) // score
	if len(m.sh.pending) != 2 {
		t.Fatalf("%d requests in flight, want 2", len(m.sh.pending))
	}
	run(t, m, second)
	run(t, m, first) // the stale one arrives last
	if method, _, _ := m.Ranking(); method != tiering.MethodScore {
		t.Errorf("the screen shows %s, want the latest ranking asked (score)", method)
	}
	if len(m.sh.pending) != 0 {
		t.Errorf("%d requests still counted in flight", len(m.sh.pending))
	}
}
