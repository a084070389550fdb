package insight

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/tiering"
	"github.com/rolo-crm/rolo/tiering/agenda"
)

// A hand-built notebook for the lifecycle: every date is fixed, the
// notebook's today is 2026-11-22.
type lifeBook struct {
	t   *testing.T
	ctx context.Context
	svc *Service
	st  *store.Store
}

func newLifeBook(t *testing.T) *lifeBook {
	svc, st := open(t)
	return &lifeBook{t: t, ctx: context.Background(), svc: svc, st: st}
}

func (b *lifeBook) customer(name string) int64 {
	b.t.Helper()
	c, err := b.st.AddCustomer(b.ctx, store.Customer{Name: name})
	if err != nil {
		b.t.Fatal(err)
	}
	return c.ID
}

func (b *lifeBook) buy(id int64, date string, amount money.Amount) {
	b.t.Helper()
	if _, err := b.st.AddPurchase(b.ctx, store.Purchase{CustomerID: id, Date: date, Amount: amount}); err != nil {
		b.t.Fatal(err)
	}
}

func (b *lifeBook) contact(id int64, date, kind string) {
	b.t.Helper()
	if _, err := b.st.AddContact(b.ctx, store.Contact{CustomerID: id, At: date + "T10:00:00Z", Kind: kind, Summary: kind}); err != nil {
		b.t.Fatal(err)
	}
}

func (b *lifeBook) status(id int64) (string, string) {
	b.t.Helper()
	c, err := b.st.Customer(b.ctx, id)
	if err != nil {
		b.t.Fatal(err)
	}
	return c.Status, c.LostReason
}

func (b *lifeBook) agenda(asOf time.Time, lapse bool) *Agenda {
	b.t.Helper()
	ag, err := b.svc.Agenda(b.ctx, AgendaQuery{AsOf: asOf, Days: 7, Lapse: lapse})
	if err != nil {
		b.t.Fatal(err)
	}
	return ag
}

func itemsOf(ag *Agenda, id int64) []agenda.Item {
	var out []agenda.Item
	for _, it := range ag.Items {
		if it.CustomerID == id {
			out = append(out, it)
		}
	}
	return out
}

func hasReason(items []agenda.Item, r agenda.Reason) *agenda.Item {
	for i := range items {
		if items[i].Reason == r {
			return &items[i]
		}
	}
	return nil
}

// active → lapsed when the customer slips past their own rhythm (only on
// today's agenda); lapsed → won_back on a new purchase (not on one written
// down late from before the lapse); win-back attempts stop after three.
func TestLapseAndWinBack(t *testing.T) {
	b := newLifeBook(t)
	id := b.customer("钱小红")
	for _, d := range []string{"2026-10-08", "2026-10-18", "2026-10-28"} {
		b.buy(id, d, 10000)
	}
	if st, _ := b.status(id); st != "active" {
		t.Fatalf("a prospect who bought is %q, want active", st)
	}
	// Every 10 days; 25 days since the last purchase is past twice the rhythm.
	ag := b.agenda(today, false)
	if it := hasReason(itemsOf(ag, id), agenda.Slipping); it == nil || it.Due.Format(store.DateLayout) != "2026-11-17" {
		t.Fatalf("slipping item = %+v, want due 2026-11-17", it)
	}
	if st, _ := b.status(id); st != "active" || len(ag.Lapsed) != 0 {
		t.Fatalf("a look at the agenda without Lapse changed the status to %q (%v)", st, ag.Lapsed)
	}
	ag = b.agenda(today, true)
	if len(ag.Lapsed) != 1 || ag.Lapsed[0].CustomerID != id || ag.Lapsed[0].Date != "2026-11-22" || !ag.Lapsed[0].Auto {
		t.Fatalf("lapsed = %+v", ag.Lapsed)
	}
	// The agenda that lapses them already shows them as the next one will:
	// to win back, not slipping.
	if items := itemsOf(ag, id); hasReason(items, agenda.WinBack) == nil || hasReason(items, agenda.Slipping) != nil {
		t.Fatalf("the agenda that lapsed them lists %+v, want the win-back", items)
	}
	if st, _ := b.status(id); st != "lapsed" {
		t.Fatalf("status = %q, want lapsed", st)
	}
	// Lapsed, the customer gets win-back attempts, not cadence or slipping.
	items := itemsOf(b.agenda(today, true), id)
	wb := hasReason(items, agenda.WinBack)
	if wb == nil || !strings.Contains(wb.Detail, "attempt 1 of 3") || len(items) != 1 {
		t.Fatalf("lapsed customer's items = %+v, want one win-back attempt 1 of 3", items)
	}
	// Attempts at growing intervals from the last touch: 30, 60, 120 days.
	b.contact(id, "2026-11-22", "call")
	future := today.AddDate(0, 0, 60)
	if wb := hasReason(itemsOf(b.agenda(future, false), id), agenda.WinBack); wb == nil || wb.Due.Format(store.DateLayout) != "2027-01-21" ||
		!strings.Contains(wb.Detail, "attempt 2 of 3") {
		t.Errorf("second attempt = %+v, want due 2027-01-21 (60 days after the first)", wb)
	}
	b.contact(id, "2026-11-23", "call")
	b.contact(id, "2026-11-24", "call")
	if items := itemsOf(b.agenda(today.AddDate(1, 0, 0), false), id); hasReason(items, agenda.WinBack) != nil {
		t.Errorf("after three attempts the reminders go on: %+v", items)
	}
	// A purchase from before the lapse, written down late, wins nobody back.
	b.buy(id, "2026-11-01", 5000)
	if st, _ := b.status(id); st != "lapsed" {
		t.Errorf("an old purchase moved a lapsed customer to %q", st)
	}
	b.buy(id, "2026-11-22", 5000)
	if st, _ := b.status(id); st != "won_back" {
		t.Errorf("a new purchase left a lapsed customer %q, want won_back", st)
	}
}

// Lost needs a reason; moved and closed get no win-back, the others get a
// hint by their reason; dropped customers leave the agenda and the ranks.
func TestLostReasonsAndDropped(t *testing.T) {
	b := newLifeBook(t)
	moved, price, dropped, kept := b.customer("搬走了"), b.customer("嫌贵"), b.customer("难缠"), b.customer("好客户")
	for _, id := range []int64{moved, price, dropped, kept} {
		b.buy(id, "2026-06-01", 20000)
	}
	b.buy(kept, "2026-06-02", 1000)
	_, err := b.st.UpdateCustomer(b.ctx, moved, func(c *store.Customer) error { c.Status = "lost"; return nil })
	if store.KindOf(err) != store.KindInvalid || !strings.Contains(err.Error(), "moved, price, service, quality, competitor, closed, other") {
		t.Fatalf("lost without a reason: %v", err)
	}
	for id, reason := range map[int64]string{moved: "moved", price: "price"} {
		if _, err := b.st.UpdateCustomer(b.ctx, id, func(c *store.Customer) error { c.Status, c.LostReason = "lost", reason; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b.st.UpdateCustomer(b.ctx, dropped, func(c *store.Customer) error {
		c.Status, c.Attitude = "dropped", "harmful"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	ag := b.agenda(today, false)
	if items := itemsOf(ag, moved); len(items) != 0 {
		t.Errorf("a customer who moved away got %+v", items)
	}
	if wb := hasReason(itemsOf(ag, price), agenda.WinBack); wb == nil || !strings.Contains(wb.Detail, "lost customer (price)") ||
		!strings.Contains(wb.Detail, "better value") {
		t.Errorf("price-lost win-back = %+v", wb)
	}
	if items := itemsOf(ag, dropped); len(items) != 0 {
		t.Errorf("a dropped customer is on the agenda: %+v", items)
	}
	tiers, err := b.svc.Tiers(b.ctx, TierQuery{AsOf: today})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := tiers.Assign[dropped]; ok || tiers.Dropped != 1 || len(tiers.Assign) != 3 {
		t.Errorf("ranks %v with %d dropped; want 3 ranked, the dropped one outside", tiers.Assign, tiers.Dropped)
	}
	card, err := b.svc.Card(b.ctx, dropped, CardQuery{AsOf: today})
	if err != nil {
		t.Fatal(err)
	}
	if card.Tier != tiering.Dropped || strings.Contains(card.Treatment.Action, "best service") {
		t.Errorf("dropped, harmful customer's card: tier %s, treatment %q", card.Tier, card.Treatment.Action)
	}

	// The churn report: lost by reason and gained per month.
	ch, err := b.svc.Churn(b.ctx, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), today)
	if err != nil {
		t.Fatal(err)
	}
	if len(ch.Lost) != 2 || len(ch.ByReason) != 2 || ch.ByReason[0].Count != 1 || len(ch.Months) != 6 ||
		ch.Months[0].Gained != 4 || ch.Months[5].Lost != 2 {
		t.Errorf("churn = %+v", ch)
	}
}

// A key or major customer's purchase proposes a thank-you follow-up;
// a small customer's, or an old purchase written down late, does not.
func TestThankYouFollowUp(t *testing.T) {
	b := newLifeBook(t)
	var ids []int64
	for i := range 10 {
		id := b.customer("客户" + string(rune('A'+i)))
		b.buy(id, "2026-01-10", money.Amount(1000*(i+1)))
		ids = append(ids, id)
	}
	top, bottom := ids[9], ids[0]
	_, f, err := b.svc.AddPurchase(b.ctx, store.Purchase{CustomerID: top, Date: "2026-11-21", Amount: 50000, Item: "普洱茶饼"})
	if err != nil {
		t.Fatal(err)
	}
	if f == nil || f.Due != "2026-11-24" || !strings.Contains(f.What, "普洱茶饼") || f.CustomerID != top {
		t.Errorf("thank-you follow-up = %+v, want one due 2026-11-24 (3 days after)", f)
	}
	if _, f, err := b.svc.AddPurchase(b.ctx, store.Purchase{CustomerID: bottom, Date: "2026-11-21", Amount: 100}); err != nil || f != nil {
		t.Errorf("a small customer's purchase proposed %+v (%v)", f, err)
	}
	if _, f, err := b.svc.AddPurchase(b.ctx, store.Purchase{CustomerID: top, Date: "2026-09-01", Amount: 100}); err != nil || f != nil {
		t.Errorf("a purchase from September written down today proposed %+v (%v)", f, err)
	}
}

// Any agenda item can be snoozed (it comes back on the day) or dismissed
// with a reason; both can be undone; a complaint is resolved, not dismissed.
func TestSnoozeAndDismissAnyItem(t *testing.T) {
	b := newLifeBook(t)
	id := b.customer("周一")
	b.buy(id, "2026-01-10", 1000)
	cadence := func(asOf time.Time) *agenda.Item {
		return hasReason(itemsOf(b.agenda(asOf, false), id), agenda.Cadence)
	}
	it := cadence(today)
	if it == nil {
		t.Fatal("no cadence item for a customer silent since January")
	}
	undo, err := b.svc.Snooze(b.ctx, *it, today.AddDate(0, 0, 3), "")
	if err != nil {
		t.Fatal(err)
	}
	if cadence(today) != nil || cadence(today.AddDate(0, 0, 2)) != nil {
		t.Error("a snoozed item is still on the agenda before the day")
	}
	if cadence(today.AddDate(0, 0, 3)) == nil {
		t.Error("a snoozed item did not come back on the day")
	}
	if err := undo(b.ctx); err != nil || cadence(today) == nil {
		t.Errorf("undo of the snooze: %v", err)
	}
	if _, err := b.svc.Dismiss(b.ctx, *it, " ", today); store.KindOf(err) != store.KindInvalid {
		t.Errorf("a dismissal without a reason: %v", err)
	}
	if _, err := b.svc.Dismiss(b.ctx, *it, "met at the fair", today); err != nil {
		t.Fatal(err)
	}
	if cadence(today.AddDate(0, 0, 30)) != nil {
		t.Error("a dismissed item came back")
	}
	k, err := b.st.AddContact(b.ctx, store.Contact{CustomerID: id, At: "2026-11-20T09:00:00Z", Kind: "complaint", Summary: "送货晚了"})
	if err != nil {
		t.Fatal(err)
	}
	c := hasReason(itemsOf(b.agenda(today.AddDate(0, 0, 10), false), id), agenda.Complaint)
	if c == nil || c.ComplaintID != k.ID {
		t.Fatalf("complaint item = %+v", c)
	}
	if _, err := b.svc.Dismiss(b.ctx, *c, "no", today); err == nil || !strings.Contains(err.Error(), "resolve") {
		t.Errorf("dismissing a complaint: %v", err)
	}
}

// A card's movement line ends with its tier as of now: after the first
// sale the card said KEY but "pyramid: prospect since" until the notebook
// was ranked again.
func TestCardMovementEndsWithTheTierNow(t *testing.T) {
	b := newLifeBook(t)
	id := b.customer("王小明")
	if _, err := b.svc.Tiers(b.ctx, TierQuery{AsOf: today}); err != nil { // records prospect
		t.Fatal(err)
	}
	steps := func() string {
		t.Helper()
		c, err := b.svc.Card(b.ctx, id, CardQuery{AsOf: today})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, mv := range c.Movements {
			for _, s := range mv.Steps {
				out = append(out, string(mv.Method)+":"+s.Tier+"@"+s.Date)
			}
		}
		return strings.Join(out, " ")
	}
	if got := steps(); got != "pyramid:prospect@2026-11-22" {
		t.Fatalf("before the sale: %s", got)
	}
	b.buy(id, "2026-11-22", 50000)
	if got := steps(); got != "pyramid:prospect@2026-11-22 pyramid:key@2026-11-22" {
		t.Errorf("after the first sale: %s", got)
	}
}
