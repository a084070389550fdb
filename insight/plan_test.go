package insight

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/store"
)

func (b *lifeBook) plan(asOf time.Time, days int, keep bool) *Plan {
	b.t.Helper()
	p, err := b.svc.Plan(b.ctx, PlanQuery{AsOf: asOf, Days: days, Keep: keep})
	if err != nil {
		b.t.Fatal(err)
	}
	return p
}

func todayIDs(p *Plan) []int64 {
	var out []int64
	for _, r := range p.Today {
		out = append(out, r.Top().CustomerID)
	}
	return out
}

func set(t *testing.T, st *store.Store, key, value string) {
	t.Helper()
	if err := st.SetSetting(context.Background(), key, value); err != nil {
		t.Fatal(err)
	}
}

// A notebook of customers all overdue for contact: n small ones (bought
// once long ago, small amounts) and one big customer slipping away.
func overdueBook(t *testing.T, n int) (*lifeBook, []int64, int64) {
	b := newLifeBook(t)
	var small []int64
	for i := range n {
		id := b.customer(fmt.Sprintf("小%02d", i))
		b.buy(id, "2026-01-05", money.Amount(1000+100*i)) // 10.00, 11.00, …: silent since January
		small = append(small, id)
	}
	// The big one buys every 20 days; last purchase 2026-09-01: long past twice the rhythm.
	big := b.customer("大客户")
	for _, d := range []string{"2026-07-13", "2026-08-02", "2026-08-22", "2026-09-01"} {
		b.buy(big, d, 500000)
	}
	return b, small, big
}

// Today's plan holds at most the day's capacity; must-dos (complaints,
// follow-ups due) come first, then value at stake: a big customer slipping
// away before small ones long silent.
func TestPlanCapacityAndOrder(t *testing.T) {
	b, small, big := overdueBook(t, 12)
	set(t, b.st, "plan.capacity", "5")
	// A small customer's complaint and another's follow-up due: must-dos.
	if _, err := b.st.AddContact(b.ctx, store.Contact{CustomerID: small[3], At: "2026-11-21T09:00:00Z", Kind: "complaint", Summary: "破损"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.st.AddFollowUp(b.ctx, store.FollowUp{CustomerID: small[7], Due: "2026-11-20", What: "回电"}); err != nil {
		t.Fatal(err)
	}
	p := b.plan(today, 1, false)
	got := todayIDs(p)
	if len(got) != 5 {
		t.Fatalf("today's plan has %d customers, capacity is 5: %v", len(got), got)
	}
	if got[0] != small[3] || got[1] != small[7] || got[2] != big {
		t.Errorf("plan = %v; want the complaint (%d), the follow-up (%d), then the big customer slipping away (%d)", got, small[3], small[7], big)
	}
	// Then the small ones by what they bring: the largest first.
	if got[3] != small[11] || got[4] != small[10] {
		t.Errorf("plan = %v; after the must-dos and the big customer, want %d and %d (the largest small ones)", got, small[11], small[10])
	}
	if !p.Today[0].MustDo || p.Today[2].MustDo || p.Today[2].Score <= p.Today[3].Score {
		t.Errorf("priorities: %+v", p.Today)
	}
	if p.Backlog != 13-5 {
		t.Errorf("backlog = %d, want %d", p.Backlog, 13-5)
	}
	// Capacity per weekday: 2026-11-22 is a Sunday.
	set(t, b.st, "plan.capacity", "5,sun=2")
	if p := b.plan(today, 1, false); len(p.Today) != 2 {
		t.Errorf("Sunday capacity 2: plan of %d", len(p.Today))
	}
}

// The rest is spread over the next days within their capacity, each
// customer once; what is not done rolls forward to the next day.
func TestPlanSpreadAndRollForward(t *testing.T) {
	b, _, _ := overdueBook(t, 12)
	set(t, b.st, "plan.capacity", "4")
	p := b.plan(today, 7, false)
	seen := map[int64]bool{}
	total := len(p.Today)
	for _, id := range todayIDs(p) {
		seen[id] = true
	}
	for _, d := range p.Later {
		if len(d.Customers) > d.Capacity || d.Capacity != 4 {
			t.Errorf("%s: %d customers, capacity %d", d.Date.Format("01-02"), len(d.Customers), d.Capacity)
		}
		for _, c := range d.Customers {
			if seen[c.Top().CustomerID] {
				t.Errorf("customer %d planned twice", c.Top().CustomerID)
			}
			seen[c.Top().CustomerID] = true
			total++
		}
	}
	if total != 13 || len(p.Later) != 6 || len(p.Later[0].Customers) != 4 || len(p.Later[2].Customers) != 1 {
		t.Errorf("13 customers over 4 a day: today %d, then %v", len(p.Today), p.Later)
	}
	// Nothing done today: tomorrow's plan is today's (still overdue, more so).
	tomorrow := b.plan(today.AddDate(0, 0, 1), 1, false)
	if fmt.Sprint(todayIDs(tomorrow)) != fmt.Sprint(todayIDs(p)) {
		t.Errorf("undone work did not roll forward: today %v, tomorrow %v", todayIDs(p), todayIDs(tomorrow))
	}
}

// Kept for the day, the plan does not reshuffle: a contact ticks a customer
// off (still listed), a change of worth moves nobody, a new complaint joins.
func TestPlanStableForTheDay(t *testing.T) {
	b, small, big := overdueBook(t, 12)
	set(t, b.st, "plan.capacity", "4")
	first := b.plan(today, 1, true)
	ids := todayIDs(first)
	b.contact(ids[1], "2026-11-22", "call")
	b.buy(small[0], "2026-11-20", 9000000) // small[0] is suddenly worth a lot: no reshuffle today
	again := b.plan(today, 1, true)
	if fmt.Sprint(todayIDs(again)) != fmt.Sprint(ids) {
		t.Fatalf("the plan reshuffled during the day: %v then %v", ids, todayIDs(again))
	}
	if !again.Today[1].Done || again.Today[0].Done || again.Done() != 1 {
		t.Errorf("after a call to %d: done flags %v", ids[1], []bool{again.Today[0].Done, again.Today[1].Done})
	}
	if _, err := b.st.AddContact(b.ctx, store.Contact{CustomerID: small[5], At: "2026-11-22T15:00:00Z", Kind: "complaint", Summary: "漏发"}); err != nil {
		t.Fatal(err)
	}
	withComplaint := b.plan(today, 1, true)
	last := withComplaint.Today[len(withComplaint.Today)-1]
	if len(withComplaint.Today) != 5 || last.Top().CustomerID != small[5] || !last.Added {
		t.Errorf("a complaint that came in during the day did not join the plan: %v", todayIDs(withComplaint))
	}
	// Without Keep (another day, or a look), the plan is made afresh.
	if fresh := b.plan(today, 1, false); todayIDs(fresh)[1] != small[0] && todayIDs(fresh)[0] != small[0] {
		t.Logf("fresh plan: %v (big %d)", todayIDs(fresh), big)
	}
}

// A plan made when fewer customers were due than the day holds takes in
// those who become due later in the day, up to the capacity, and keeps
// them: contacted, they stay on it, done, and nobody else takes the slot.
func TestPlanKeptFillsItsRoom(t *testing.T) {
	b, _, _ := overdueBook(t, 2)
	set(t, b.st, "plan.capacity", "4")
	first := b.plan(today, 1, true)
	if len(first.Today) != 3 {
		t.Fatalf("three customers due, capacity 4: plan of %d", len(first.Today))
	}
	// Two customers come due during the day; one slot is free.
	late := []int64{b.customer("迟01"), b.customer("迟02")}
	b.buy(late[0], "2026-01-05", 900000) // worth more, so first
	b.buy(late[1], "2026-01-05", 1000)
	again := b.plan(today, 1, true)
	got := todayIDs(again)
	if len(got) != 4 || fmt.Sprint(got[:3]) != fmt.Sprint(todayIDs(first)) || got[3] != late[0] || !again.Today[3].Added {
		t.Fatalf("plan after two came due: %v (first %v), want the first three and then %d", got, todayIDs(first), late[0])
	}
	if again.Backlog != 1 {
		t.Errorf("backlog %d, want 1 (%d)", again.Backlog, late[1])
	}
	b.contact(late[0], "2026-11-22", "call")
	done := b.plan(today, 1, true)
	if got := todayIDs(done); len(got) != 4 || got[3] != late[0] || !done.Today[3].Done || done.Done() != 1 {
		t.Errorf("after a call to %d: plan %v, done %d", late[0], got, done.Done())
	}
}

// Must-dos already due when the plan was made but beyond its capacity stay
// in the backlog; only new ones join during the day.
func TestPlanKeptDoesNotGrowWithOldMustDos(t *testing.T) {
	b, small, _ := overdueBook(t, 8)
	set(t, b.st, "plan.capacity", "2")
	for _, i := range []int{1, 2, 3, 4} {
		if _, err := b.st.AddFollowUp(b.ctx, store.FollowUp{CustomerID: small[i], Due: "2026-11-21", What: "回电"}); err != nil {
			t.Fatal(err)
		}
	}
	first := b.plan(today, 1, true)
	again := b.plan(today, 1, true)
	if len(first.Today) != 2 || len(again.Today) != 2 {
		t.Errorf("four follow-ups due, capacity 2: plan of %d, then %d", len(first.Today), len(again.Today))
	}
	if again.Backlog != first.Backlog {
		t.Errorf("backlog %d then %d", first.Backlog, again.Backlog)
	}
}

// A plan kept for the day is made again when the rep changes the
// capacity: it follows the new capacity, not the one it was made for.
func TestPlanKeptFollowsANewCapacity(t *testing.T) {
	b, _, _ := overdueBook(t, 12)
	set(t, b.st, "plan.capacity", "8")
	if first := b.plan(today, 1, true); len(first.Today) != 8 {
		t.Fatalf("capacity 8: plan of %d", len(first.Today))
	}
	set(t, b.st, "plan.capacity", "3")
	fewer := b.plan(today, 1, true)
	if len(fewer.Today) != 3 || fewer.Capacity.PerDay[today.Weekday()] != 3 {
		t.Errorf("capacity lowered to 3 during the day: plan of %d (capacity %v)", len(fewer.Today), fewer.Capacity.PerDay)
	}
	// Kept again from then on.
	if again := b.plan(today, 1, true); fmt.Sprint(todayIDs(again)) != fmt.Sprint(todayIDs(fewer)) {
		t.Errorf("after the new plan: %v, then %v", todayIDs(fewer), todayIDs(again))
	}
}

// A customer on today's plan whose only reasons the rep snoozed is shown
// snoozed (until when), not done; a contact then makes them done.
func TestPlanSaysSnoozedNotDone(t *testing.T) {
	b, _, _ := overdueBook(t, 6)
	set(t, b.st, "plan.capacity", "3")
	first := b.plan(today, 1, true)
	row := first.Today[1]
	until := today.AddDate(0, 0, 3)
	for _, it := range row.Items {
		if _, err := b.svc.Snooze(b.ctx, it, until, ""); err != nil {
			t.Fatal(err)
		}
	}
	again := b.plan(today, 1, true)
	got := again.Today[1]
	if got.Top().CustomerID != row.Top().CustomerID || got.Done || got.Snoozed == nil || !got.Snoozed.Until.Equal(until) || again.Done() != 0 {
		t.Fatalf("after snoozing %d to %s: done %v, snoozed %+v, %d done in all", row.Top().CustomerID, until.Format("01-02"), got.Done, got.Snoozed, again.Done())
	}
	b.contact(row.Top().CustomerID, "2026-11-22", "call")
	if called := b.plan(today, 1, true).Today[1]; !called.Done || called.Snoozed != nil {
		t.Errorf("after a call: done %v, snoozed %+v; want done", called.Done, called.Snoozed)
	}
}

// Snoozing a follow-up moves its day: the customer it kept on today's plan
// is shown snoozed to that day, not done.
func TestPlanSaysFollowUpSnoozed(t *testing.T) {
	b, small, _ := overdueBook(t, 4)
	set(t, b.st, "plan.capacity", "3")
	// Called yesterday, a call back promised: only the follow-up is due.
	b.contact(small[2], "2026-11-21", "call")
	if _, err := b.st.AddFollowUp(b.ctx, store.FollowUp{CustomerID: small[2], Due: "2026-11-21", What: "回电"}); err != nil {
		t.Fatal(err)
	}
	first := b.plan(today, 1, true)
	var row *PlanRow
	for i := range first.Today {
		if first.Today[i].Top().CustomerID == small[2] {
			row = &first.Today[i]
		}
	}
	if row == nil || !row.MustDo {
		t.Fatalf("the follow-up's customer is not on the plan as a must-do: %v", todayIDs(first))
	}
	if len(row.Items) != 1 {
		t.Fatalf("more than the follow-up is due: %+v", row.Items)
	}
	until := today.AddDate(0, 0, 3)
	if _, err := b.svc.Snooze(b.ctx, row.Items[0], until, ""); err != nil {
		t.Fatal(err)
	}
	for _, r := range b.plan(today, 1, true).Today {
		if r.Top().CustomerID == small[2] && (r.Done || r.Snoozed == nil || !r.Snoozed.Until.Equal(until)) {
			t.Errorf("after snoozing the follow-up: done %v, snoozed %+v; want snoozed to %s", r.Done, r.Snoozed, until.Format("01-02"))
		}
	}
}

// A customer on the kept plan with nothing left due (contacted, and no
// other reason) keeps their tier on the plan's line; it was blank.
func TestPlanDoneKeepsTheTier(t *testing.T) {
	b := newLifeBook(t)
	id := b.customer("甲")
	b.buy(id, "2026-11-01", 100000)
	set(t, b.st, "plan.capacity", "3")
	first := b.plan(today, 1, true)
	if got := todayIDs(first); len(got) != 1 || got[0] != id {
		t.Fatalf("plan: %v, want %d", got, id)
	}
	b.contact(id, "2026-11-22", "visit")
	again := b.plan(today, 1, true)
	if len(again.Today) != 1 || !again.Today[0].Done {
		t.Fatalf("after the visit: %+v", again.Today)
	}
	if r := again.Today[0]; r.Top().Reason != "" {
		t.Fatalf("still on the agenda (%s): not the case under test", r.Top().Reason)
	}
	if tier := again.Today[0].Top().Tier; tier == "" {
		t.Errorf("the done customer's tier is blank")
	}
}

// A complaint that joins the kept plan during the day stays on it once
// the customer is contacted (done), and its place is not given to another:
// the day never holds more than its capacity.
func TestPlanJoinedMustDoKeepsItsPlace(t *testing.T) {
	b, _, _ := overdueBook(t, 1) // two customers due
	set(t, b.st, "plan.capacity", "3")
	if first := b.plan(today, 1, true); len(first.Today) != 2 {
		t.Fatalf("two due, capacity 3: plan of %d", len(first.Today))
	}
	c := b.customer("投诉客户")
	if _, err := b.st.AddContact(b.ctx, store.Contact{CustomerID: c, At: "2026-11-22T08:00:00Z", Kind: "complaint", Summary: "漏发"}); err != nil {
		t.Fatal(err)
	}
	withC := b.plan(today, 1, true)
	if got := todayIDs(withC); len(got) != 3 || got[2] != c {
		t.Fatalf("the complaint did not join: %v", got)
	}
	b.contact(c, "2026-11-22", "call")
	late := b.customer("迟到")
	b.buy(late, "2026-01-05", 900000)
	after := b.plan(today, 1, true)
	got := todayIDs(after)
	if len(got) != 3 || got[2] != c || !after.Today[2].Done {
		t.Errorf("after a call to the complaint's customer: %v (done %v), want it kept, done, and no one else", got, after.Today[len(after.Today)-1].Done)
	}
}
