package tui

import (
	"context"
	"strings"
	"testing"

	"github.com/rolo-crm/rolo/insight"
	"github.com/rolo-crm/rolo/store"
)

// A rep's day in the TUI alone at 80×24: add a customer, record a purchase
// with cost and part paid, a later payment, fix a wrong amount, delete a
// mistaken contact and undo it — and the notebook (what rolo show reads
// from another terminal) has it all.
func TestARepsDayInTheTUI(t *testing.T) {
	st := sample(t)
	ctx := context.Background()
	m := start(t, st, 80, 24)
	svc := insight.New(st)

	press(t, m, "a")
	typeText(t, m, "张伟")
	press(t, m, "tab")
	typeText(t, m, "伟业贸易")
	press(t, m, "tab")
	typeText(t, m, "13912345678")
	press(t, m, "ctrl+s")
	if m.active != scrAccount || !strings.Contains(m.View(), "张伟") {
		t.Fatalf("after adding, the new card is not shown:\n%s", m.View())
	}
	id := m.account.id
	c, err := svc.Customer(ctx, id)
	if err != nil || c.Name != "张伟" || c.Company != "伟业贸易" || c.Phone != "13912345678" {
		t.Fatalf("customer %d = %+v, %v", id, c, err)
	}

	// A purchase: amount, item, (quantity, date: empty means 1 and today), cost, paid.
	press(t, m, "b")
	typeText(t, m, "1280")
	press(t, m, "tab")
	typeText(t, m, "普洱")
	press(t, m, "tab", "tab", "tab")
	typeText(t, m, "700")
	press(t, m, "tab")
	typeText(t, m, "500")
	press(t, m, "ctrl+s")
	ps, _ := st.Purchases(ctx, id, 0)
	if len(ps) != 1 || ps[0].Amount != 128000 || *ps[0].Cost != 70000 || *ps[0].Paid != 50000 || ps[0].Quantity != 1 || ps[0].Date != "2026-11-22" {
		t.Fatalf("purchase = %+v", ps)
	}
	if v := m.View(); !strings.Contains(v, "owes 780.00") {
		t.Errorf("the card does not say what is owed:\n%s", v)
	}

	// A payment later: 300 of the 780 owed.
	press(t, m, "p")
	typeText(t, m, "300")
	press(t, m, "ctrl+s")
	card, _ := svc.Card(ctx, id, insight.CardQuery{AsOf: today})
	if card.Metrics.Outstanding != 48000 || len(card.Payments) != 1 {
		t.Fatalf("after the payment: owes %d, payments %+v", card.Metrics.Outstanding, card.Payments)
	}

	// The amount was wrong: select the purchase, e, type the right one (it
	// replaces the old value), save.
	for m.account.selected().kind != itemPurchase {
		press(t, m, "down")
	}
	press(t, m, "e")
	typeText(t, m, "1180")
	press(t, m, "ctrl+s")
	if p, _ := st.Purchase(ctx, ps[0].ID); p.Amount != 118000 || *p.Paid != 50000 {
		t.Fatalf("corrected purchase = %+v", p)
	}

	// A contact logged by mistake, deleted (asked once), then undone.
	press(t, m, "l")
	press(t, m, "tab")
	typeText(t, m, "wrong customer")
	press(t, m, "ctrl+s")
	ks, _ := st.Contacts(ctx, id, 0)
	if len(ks) != 1 {
		t.Fatalf("contacts: %+v", ks)
	}
	for m.account.selected().kind != itemContact {
		press(t, m, "down")
	}
	press(t, m, "D")
	if !strings.Contains(m.status, "Delete the call of 2026-11-22") {
		t.Fatalf("D did not ask: %q", m.status)
	}
	press(t, m, "y")
	if ks, _ := st.Contacts(ctx, id, 0); len(ks) != 0 {
		t.Fatalf("contact not deleted: %+v", ks)
	}
	press(t, m, "u")
	back, _ := st.Contacts(ctx, id, 0)
	if len(back) != 1 || back[0].ID != ks[0].ID || back[0].Summary != "wrong customer" {
		t.Fatalf("undo did not bring the contact back as it was: %+v", back)
	}
	if !strings.Contains(m.status, "undone: call deleted") {
		t.Errorf("status after undo: %q", m.status)
	}
	// Any other key than y cancels a question.
	press(t, m, "D", "n")
	if ks, _ := st.Contacts(ctx, id, 0); len(ks) != 1 || m.status != "cancelled" {
		t.Errorf("n did not cancel: %q %+v", m.status, ks)
	}

	// What another terminal's rolo show reads.
	card, _ = svc.Card(ctx, id, insight.CardQuery{AsOf: today})
	if card.Metrics.Revenue != 118000 || card.Metrics.Profit != 48000 || card.Metrics.Outstanding != 38000 || len(card.Contacts) != 1 {
		t.Errorf("the notebook after the day: %+v", card.Metrics)
	}
	if rep, err := st.Check(ctx); err != nil || !rep.OK {
		t.Errorf("check: %+v %v", rep, err)
	}
}

// Undoing a customer just added removes them; undoing an archive brings
// them back; undo with nothing done says so.
func TestUndoAddAndArchive(t *testing.T) {
	st := sample(t)
	ctx := context.Background()
	m := start(t, st, 100, 30)
	press(t, m, "u")
	if m.status != "nothing to undo in this session" {
		t.Errorf("status = %q", m.status)
	}
	press(t, m, "x") // archive the first customer by pinyin: Anna Li
	press(t, m, "y")
	if c, _ := st.Customer(ctx, 4); c.ArchivedAt == nil {
		t.Fatalf("x y did not archive Anna Li")
	}
	press(t, m, "A")
	if v := m.View(); !strings.Contains(v, "Archived customers") || !strings.Contains(v, "Anna Li") {
		t.Errorf("archived list:\n%s", v)
	}
	press(t, m, "u")
	if c, _ := st.Customer(ctx, 4); c.ArchivedAt != nil {
		t.Errorf("undo did not restore Anna Li")
	}
	press(t, m, "A", "a")
	typeText(t, m, "Temp")
	press(t, m, "ctrl+s")
	id := m.account.id
	press(t, m, "u")
	if _, err := st.Customer(ctx, id); store.KindOf(err) != store.KindNotFound {
		t.Errorf("undoing the add left customer %d: %v", id, err)
	}
	if m.active == scrAccount {
		t.Errorf("still on the card of a customer who is gone")
	}
}

// A dated event added on the card (v): lunar and yearly, shown on the card
// with how far it is, deleted with D y and brought back with u.
func TestEventOnTheCard(t *testing.T) {
	st := sample(t)
	ctx := context.Background()
	m := start(t, st, 80, 24)
	press(t, m, "enter")
	id := m.account.id
	press(t, m, "v")
	typeText(t, m, "公司周年")
	press(t, m, "tab")
	typeText(t, m, "11-15")
	press(t, m, "tab", "right") // every year, lunar date
	press(t, m, "ctrl+s")
	es, err := st.Events(ctx, id)
	if err != nil || len(es) != 1 || es[0].What != "公司周年" || !es[0].Lunar || es[0].Once || es[0].Date != "--11-15" {
		t.Fatalf("events = %+v, %v", es, err)
	}
	// Lunar 11-15 of 2026 is 2026-12-23: 31 days after 2026-11-22.
	for m.account.selected().kind != itemEvent {
		press(t, m, "down")
	}
	if v := m.View(); !strings.Contains(v, "in 31d") || !strings.Contains(v, "公司周年") {
		t.Errorf("the card does not show the event and when:\n%s", v)
	}
	press(t, m, "D", "y")
	if es, _ := st.Events(ctx, id); len(es) != 0 {
		t.Fatalf("D y left %+v", es)
	}
	press(t, m, "u")
	if es, _ := st.Events(ctx, id); len(es) != 1 || es[0].What != "公司周年" {
		t.Errorf("undo did not bring the event back: %+v", es)
	}
	// A one-off event needs its year: the form says so and keeps what was typed.
	press(t, m, "v")
	typeText(t, m, "高考")
	press(t, m, "tab")
	typeText(t, m, "06-07")
	press(t, m, "tab", "right", "right")
	press(t, m, "ctrl+s")
	if v := m.View(); !strings.Contains(v, "needs its year") || !strings.Contains(v, "高考") {
		t.Errorf("a one-off event without a year:\n%s", v)
	}
}
