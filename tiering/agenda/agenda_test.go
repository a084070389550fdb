package agenda

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rolo-crm/rolo/tiering"
	"github.com/rolo-crm/rolo/tiering/clv"
)

var today = d("2026-11-22")

func reasons(items []Item, id int64) []Reason {
	var out []Reason
	for _, it := range items {
		if it.CustomerID == id {
			out = append(out, it.Reason)
		}
	}
	return out
}

func find(items []Item, id int64, r Reason) *Item {
	for i := range items {
		if items[i].CustomerID == id && items[i].Reason == r {
			return &items[i]
		}
	}
	return nil
}

func quiet() Config {
	cfg := DefaultConfig()
	cfg.Festivals = nil
	return cfg
}

func TestCadencePerTier(t *testing.T) {
	// Each last touched exactly its tier's cadence ago: due today, not overdue.
	cs := []Customer{
		{ID: 1, Tier: tiering.Key, Status: "active", LastContact: today.AddDate(0, 0, -14)},
		{ID: 2, Tier: tiering.Major, Status: "active", LastContact: today.AddDate(0, 0, -30)},
		{ID: 3, Tier: tiering.Ordinary, Status: "active", LastContact: today.AddDate(0, 0, -90)},
		{ID: 4, Tier: tiering.Small, Status: "active", LastContact: today.AddDate(0, 0, -180)},
		// One day short of the cadence, with no look-ahead: not due.
		{ID: 5, Tier: tiering.Key, Status: "active", LastContact: today.AddDate(0, 0, -13)},
		// Override: every 7 days, last contact 10 days ago → 3 days overdue.
		{ID: 6, Tier: tiering.Small, Status: "active", CadenceDays: 7, LastContact: today.AddDate(0, 0, -10)},
	}
	cfg := quiet()
	cfg.Days = 0
	items := Build(today, cs, nil, cfg)
	for id := int64(1); id <= 4; id++ {
		it := find(items, id, Cadence)
		if it == nil || !it.Due.Equal(today) || it.Overdue() {
			t.Errorf("customer %d: cadence item %+v, want due today", id, it)
		}
	}
	if it := find(items, 5, Cadence); it != nil {
		t.Errorf("customer 5 is not due yet: %+v", it)
	}
	if it := find(items, 6, Cadence); it == nil || it.DaysOverdue != 3 {
		t.Errorf("override: %+v, want 3 days overdue", it)
	}
	// With the default 7-day look-ahead customer 5 is due soon.
	if it := find(Build(today, cs, nil, quiet()), 5, Cadence); it == nil || it.Due != today.AddDate(0, 0, 1) {
		t.Errorf("look-ahead: %+v", it)
	}
}

func TestContactOrPurchaseResetsTheClock(t *testing.T) {
	base := Customer{ID: 1, Tier: tiering.Major, Status: "active", LastContact: today.AddDate(0, 0, -45)}
	if find(Build(today, []Customer{base}, nil, quiet()), 1, Cadence) == nil {
		t.Fatal("45 days without contact: major customer should be due")
	}
	called := base
	called.LastContact = today.AddDate(0, 0, -2)
	if it := find(Build(today, []Customer{called}, nil, quiet()), 1, Cadence); it != nil {
		t.Errorf("a contact 2 days ago resets the clock, got %+v", it)
	}
	bought := base
	bought.Bought = RhythmOf([]time.Time{today.AddDate(0, 0, -3)})
	if it := find(Build(today, []Customer{bought}, nil, quiet()), 1, Cadence); it != nil {
		t.Errorf("a purchase 3 days ago resets the clock, got %+v", it)
	}
}

func TestReorder(t *testing.T) {
	// Purchase days 30 and 40 days apart: median gap 35; last 2026-11-01 → expected 2026-12-06.
	days := []time.Time{d("2026-09-12"), d("2026-10-12"), d("2026-11-01")}
	if g := MedianGap(days); g != 25 {
		// gaps 30 and 20 → median of two = 25
		t.Fatalf("MedianGap = %d, want 25", g)
	}
	c := Customer{ID: 1, Tier: tiering.Small, Status: "active", Bought: RhythmOf(days), LastContact: today}
	it := find(Build(today, []Customer{c}, nil, quiet()), 1, Reorder)
	if it == nil || it.Due != d("2026-11-26") || it.Overdue() {
		t.Errorf("inferred reorder = %+v, want due 2026-11-26", it)
	}
	// Fewer than three purchase days: no rhythm, no inferred reorder.
	c.Bought = RhythmOf(days[1:])
	if it := find(Build(today, []Customer{c}, nil, quiet()), 1, Reorder); it != nil {
		t.Errorf("two purchase days inferred %+v", it)
	}
	// A recorded expected date wins.
	c.NextExpected = d("2026-11-20")
	if it := find(Build(today, []Customer{c}, nil, quiet()), 1, Reorder); it == nil || it.DaysOverdue != 2 {
		t.Errorf("recorded reorder = %+v, want 2 days overdue", it)
	}
	// Far past the recorded date it becomes slipping away (unless a recent
	// contact pauses it: see TestContactPausesSlipping).
	c.NextExpected = d("2026-08-01")
	c.Bought = RhythmOf([]time.Time{d("2026-05-01")})
	c.LastContact = d("2026-04-01")
	got := reasons(Build(today, []Customer{c}, nil, quiet()), 1)
	// (and the small customer's cadence: 180 days after the last purchase)
	if !reflect.DeepEqual(got, []Reason{Slipping, Cadence}) {
		t.Errorf("reasons = %v, want [slipping cadence]", got)
	}
}

func TestSlippingAway(t *testing.T) {
	// Buys every 10 days; last purchase 25 days ago > 2×10.
	c := Customer{ID: 1, Tier: tiering.Ordinary, Status: "active",
		Bought: RhythmOf([]time.Time{d("2026-10-08"), d("2026-10-18"), d("2026-10-28")})}
	it := find(Build(today, []Customer{c}, nil, quiet()), 1, Slipping)
	if it == nil || it.Due != d("2026-11-17") || it.DaysOverdue != 5 {
		t.Errorf("slipping = %+v, want due 2026-11-17, 5 days overdue", it)
	}
	if find(Build(today, []Customer{c}, nil, quiet()), 1, Reorder) != nil {
		t.Errorf("a slipping customer should not also get a reorder item")
	}
}

func TestWinBack(t *testing.T) {
	// Lost to a competitor, last touched 100 days ago, two attempts made:
	// the third waits 30·2² = 120 days, due 2026-12-04 — not yet.
	c := Customer{ID: 1, Tier: tiering.Small, Status: "lost", LostReason: "competitor", WinBacks: 2,
		LastContact: today.AddDate(0, 0, -100), Bought: RhythmOf([]time.Time{d("2025-01-01")})}
	if items := Build(today, []Customer{c}, nil, quiet()); len(items) != 0 {
		t.Errorf("third attempt before its day: %+v", items)
	}
	// 130 days: due 2026-11-12, ten days overdue.
	c.LastContact = today.AddDate(0, 0, -130)
	items := Build(today, []Customer{c}, nil, quiet())
	if got := reasons(items, 1); !reflect.DeepEqual(got, []Reason{WinBack}) {
		t.Fatalf("reasons = %v, want [win-back]", got)
	}
	if items[0].Detail != "lost customer (competitor); win-back attempt 3 of 3 — ask what they get elsewhere and match it" ||
		items[0].Due != d("2026-11-12") || items[0].DaysOverdue != 10 {
		t.Errorf("win-back = %+v", items[0])
	}
	// The first attempt of a lapsed customer comes 30 days after the last touch.
	lapsed := Customer{ID: 2, Tier: tiering.Major, Status: "lapsed", Bought: RhythmOf([]time.Time{d("2026-09-01")}),
		LastContact: d("2026-10-20")}
	if it := find(Build(today, []Customer{lapsed}, nil, quiet()), 2, WinBack); it == nil || it.Due != d("2026-11-19") ||
		!strings.Contains(it.Detail, "lapsed customer; win-back attempt 1 of 3") {
		t.Errorf("lapsed: %+v", it)
	}
	// After three attempts, or when the customer moved or closed, no more.
	c.WinBacks = 3
	if items := Build(today, []Customer{c}, nil, quiet()); len(items) != 0 {
		t.Errorf("after the last attempt: %+v", items)
	}
	c.WinBacks, c.LostReason = 0, "moved"
	if items := Build(today, []Customer{c}, nil, quiet()); len(items) != 0 {
		t.Errorf("a customer who moved away: %+v", items)
	}
	c.Status, c.LostReason = "dropped", ""
	if items := Build(today, []Customer{c}, nil, quiet()); len(items) != 0 {
		t.Errorf("dropped customers are never on the agenda: %+v", items)
	}
}

func TestComplaintAgeing(t *testing.T) {
	cs := []Customer{{ID: 1, Tier: tiering.Small, Status: "active", LastContact: today, Complaints: []OpenComplaint{
		{ID: 7, At: time.Date(2026, 11, 21, 15, 0, 0, 0, time.UTC), Summary: "late"},
		{ID: 8, At: time.Date(2026, 11, 17, 9, 0, 0, 0, time.UTC), Summary: "broken"},
	}}}
	items := Build(today, cs, nil, quiet())
	fresh, old := items[1], items[0]
	if old.ComplaintID != 8 || old.DaysOverdue != 3 || fresh.ComplaintID != 7 || fresh.Overdue() || fresh.Due != d("2026-11-23") {
		t.Errorf("complaints = %+v", items)
	}
}

func TestBirthdays(t *testing.T) {
	cfg := quiet()
	cs := []Customer{
		{ID: 1, Status: "active", LastContact: today, Birthday: &Birthday{Month: 11, Day: 25}},
		{ID: 2, Status: "active", LastContact: today, Birthday: &Birthday{Month: 12, Day: 5}}, // 13 days away
	}
	items := Build(today, cs, nil, cfg)
	if it := find(items, 1, BirthdayR); it == nil || it.Due != d("2026-11-25") {
		t.Errorf("solar birthday: %+v", it)
	}
	if it := find(items, 2, BirthdayR); it != nil {
		t.Errorf("birthday 13 days away shown: %+v", it)
	}
	// Lunar 八月十五 is 2026-09-25: five days ahead of 2026-09-20.
	lunar := []Customer{{ID: 3, Status: "active", LastContact: d("2026-09-20"), Birthday: &Birthday{Month: 8, Day: 15, Lunar: true}}}
	if it := find(Build(d("2026-09-20"), lunar, nil, cfg), 3, BirthdayR); it == nil || it.Due != d("2026-09-25") || it.Detail != "lunar birthday on 2026-09-25 — send wishes" {
		t.Errorf("lunar birthday: %+v", it)
	}
	// 29 February in a common year is celebrated on the 28th.
	feb := []Customer{{ID: 4, Status: "active", LastContact: d("2027-02-25"), Birthday: &Birthday{Month: 2, Day: 29}}}
	if it := find(Build(d("2027-02-25"), feb, nil, cfg), 4, BirthdayR); it == nil || it.Due != d("2027-02-28") {
		t.Errorf("Feb 29 in 2027: %+v", it)
	}
}

func TestFestivalGreetings(t *testing.T) {
	// Spring Festival 2027 is 2027-02-06; a week before, key and major customers are to be greeted.
	day := d("2027-02-01")
	cs := []Customer{
		{ID: 1, Tier: tiering.Key, Status: "active", LastContact: day},
		{ID: 2, Tier: tiering.Small, Status: "active", LastContact: day},
		{ID: 3, Tier: tiering.Major, Status: "active", LastContact: day, Greeted: d("2027-01-30")},
	}
	items := Build(day, cs, nil, DefaultConfig())
	if it := find(items, 1, FestivalR); it == nil || it.Due != d("2027-02-06") {
		t.Errorf("key customer greeting: %+v", it)
	}
	if find(items, 2, FestivalR) != nil || find(items, 3, FestivalR) != nil {
		t.Errorf("small or already greeted customers listed: %+v", items)
	}
	list := GreetingList(cs, d("2027-02-06"), 7)
	if len(list) != 2 || list[0].ID != 1 || list[1].ID != 2 {
		t.Errorf("greeting list = %+v, want key customer 1 then 2 (3 already greeted)", list)
	}
}

func TestOrdering(t *testing.T) {
	cs := []Customer{
		{ID: 1, Name: "small long ago", Tier: tiering.Small, Status: "active", LastContact: today.AddDate(0, 0, -180-400)},
		{ID: 2, Name: "key late", Tier: tiering.Key, Status: "active", LastContact: today.AddDate(0, 0, -14-20)},
		{ID: 3, Name: "major late", Tier: tiering.Major, Status: "active", LastContact: today.AddDate(0, 0, -30-10)},
		{ID: 4, Name: "ordinary soon", Tier: tiering.Ordinary, Status: "active", LastContact: today.AddDate(0, 0, -88)},
		{ID: 5, Name: "key soon", Tier: tiering.Key, Status: "active", LastContact: today.AddDate(0, 0, -12)},
		{ID: 6, Name: "prospect silent", Tier: tiering.Prospect, Status: "prospect", Created: today.AddDate(0, 0, -658)},
		{ID: 7, Name: "small complains", Tier: tiering.Small, Status: "active", LastContact: today,
			Complaints: []OpenComplaint{{ID: 1, At: today.AddDate(0, 0, -1), Summary: "late"}}},
		{ID: 8, Name: "major later", Tier: tiering.Major, Status: "active", LastContact: today.AddDate(0, 0, -30-200)},
	}
	tasks := []Task{{ID: 9, CustomerID: 4, Due: today.AddDate(0, 0, 1), What: "call"}}
	var got []int64
	for _, it := range Build(today, cs, tasks, quiet()) {
		got = append(got, it.CustomerID)
	}
	// The open complaint first, though not overdue; then what is overdue by
	// tier: key (2), major (8: 200 days, counted as 60, before 3: 10 days),
	// small (1), prospect (6, silent 658 days); then due soon by date:
	// ordinary's follow-up tomorrow, then on the 24th key's cadence before
	// ordinary's.
	want := []int64{7, 2, 8, 3, 1, 6, 4, 5, 4}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("order = %v, want %v", got, want)
	}
}

// Every clock runs from the last contact or purchase; from the day the
// customer was added only when there is neither (an imported history gets
// its reminders at once).
func TestClocksRunFromTheLastTouch(t *testing.T) {
	imported := Customer{ID: 1, Tier: tiering.Small, Status: "active", Created: today,
		Bought: RhythmOf([]time.Time{d("2025-01-10")})}
	it := find(Build(today, []Customer{imported}, nil, quiet()), 1, Cadence)
	if it == nil || it.Due != d("2025-07-09") {
		t.Errorf("imported history: cadence %+v, want due 180 days after the purchase, 2025-07-09", it)
	}
	newcomer := Customer{ID: 2, Tier: tiering.Prospect, Status: "prospect", Created: d("2026-10-01")}
	if it := find(Build(today, []Customer{newcomer}, nil, quiet()), 2, Cadence); it == nil || it.Due != d("2026-10-31") {
		t.Errorf("never contacted, never bought: %+v, want 30 days after being added", it)
	}
	lapsed := Customer{ID: 3, Status: "lapsed", Created: today, Bought: RhythmOf([]time.Time{d("2025-01-10")})}
	if it := find(Build(today, []Customer{lapsed}, nil, quiet()), 3, WinBack); it == nil || it.Due != d("2025-02-09") {
		t.Errorf("win-back clock: %+v", it)
	}
}

// A contact pauses "slipping away" for a while: the rep is on it.
func TestContactPausesSlipping(t *testing.T) {
	c := Customer{ID: 1, Tier: tiering.Ordinary, Status: "active",
		Bought: RhythmOf([]time.Time{d("2026-10-08"), d("2026-10-18"), d("2026-10-28")}), LastContact: d("2026-11-10")}
	if it := find(Build(today, []Customer{c}, nil, quiet()), 1, Slipping); it != nil {
		t.Errorf("a contact 12 days ago should pause slipping: %+v", it)
	}
	// Paused, a customer long past their rhythm is not "due to reorder"
	// either (nor one long past a recorded expected date).
	if it := find(Build(today, []Customer{c}, nil, quiet()), 1, Reorder); it != nil {
		t.Errorf("a paused slipping customer got a reorder item: %+v", it)
	}
	late := Customer{ID: 2, Tier: tiering.Small, Status: "active", Bought: RhythmOf([]time.Time{d("2025-05-17")}),
		NextExpected: d("2025-07-05"), LastContact: d("2026-11-04")}
	if got := reasons(Build(today, []Customer{late}, nil, quiet()), 2); len(got) != 0 {
		t.Errorf("a customer 505 days past a recorded reorder, contacted 18 days ago: %v, want nothing", got)
	}
	c.LastContact = d("2026-10-01") // before the last purchase: no pause
	if it := find(Build(today, []Customer{c}, nil, quiet()), 1, Slipping); it == nil {
		t.Error("no slipping without a recent contact")
	}
	cfg := quiet()
	cfg.SlippingPause = 5
	c.LastContact = d("2026-11-10")
	if it := find(Build(today, []Customer{c}, nil, cfg), 1, Slipping); it == nil {
		t.Error("a 5-day pause is over after 12 days")
	}
}

// Dated events reach the agenda like birthdays, yearly or once, solar or
// lunar; a greeting (or a gift, or a visit) logged before one clears it.
func TestEvents(t *testing.T) {
	c := Customer{ID: 1, Status: "active", LastContact: today, Events: []Event{
		{ID: 1, What: "wedding anniversary", Date: Birthday{Month: 11, Day: 25}},
		{ID: 2, What: "daughter's exam", Date: Birthday{Month: 11, Day: 27}, Year: 2026, Once: true},
		{ID: 3, What: "company anniversary", Date: Birthday{Month: 11, Day: 23}, Year: 2025, Once: true}, // past
		{ID: 4, What: "婚庆喜事", Date: Birthday{Month: 10, Day: 16, Lunar: true}},                           // 农历十月十六 = 2026-11-25
	}}
	items := Build(today, []Customer{c}, nil, quiet())
	var got []string
	for _, it := range items {
		if it.Reason == EventR {
			got = append(got, fmt.Sprintf("%d %s", it.EventID, it.Due.Format("2006-01-02")))
		}
	}
	want := []string{"4 2026-11-24", "1 2026-11-25", "2 2026-11-27"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("events = %v, want %v", got, want)
	}
	c.Greeted = d("2026-11-21")
	c.Birthday = &Birthday{Month: 11, Day: 26}
	for _, it := range Build(today, []Customer{c}, nil, quiet()) {
		if it.Reason == EventR || it.Reason == BirthdayR {
			t.Errorf("greeted yesterday, still reminded: %+v", it)
		}
	}
}

// Key customers are asked the loyalty survey every six months.
func TestSurveyReminder(t *testing.T) {
	c := Customer{ID: 1, Tier: tiering.Key, Status: "active", LastContact: today,
		Bought: RhythmOf([]time.Time{d("2025-03-01")}), LastSurvey: d("2026-05-20")}
	it := find(Build(today, []Customer{c}, nil, quiet()), 1, SurveyR)
	if it == nil || it.Due != d("2026-11-20") || it.DaysOverdue != 2 {
		t.Errorf("survey = %+v, want due 2026-11-20", it)
	}
	c.LastSurvey = time.Time{}
	if it := find(Build(today, []Customer{c}, nil, quiet()), 1, SurveyR); it == nil || it.Due != d("2025-09-01") {
		t.Errorf("never surveyed = %+v, want six months after the first purchase", it)
	}
	// A key customer lapsed or lost is won back, not asked loyalty questions.
	for _, status := range []string{"lapsed", "lost"} {
		gone := c
		gone.Status = status
		if it := find(Build(today, []Customer{gone}, nil, quiet()), 1, SurveyR); it != nil {
			t.Errorf("a %s key customer is surveyed: %+v", status, it)
		}
	}
	c.Tier = tiering.Major
	if it := find(Build(today, []Customer{c}, nil, quiet()), 1, SurveyR); it != nil {
		t.Errorf("major customers are not surveyed by default: %+v", it)
	}
}

// Any item can be snoozed until a day, or dismissed: that occurrence goes,
// a later one comes back.
func TestSnoozeAndDismiss(t *testing.T) {
	c := Customer{ID: 1, Tier: tiering.Major, Status: "active", LastContact: d("2026-10-01")} // cadence due 10-31
	snoozed := c
	snoozed.Actions = []Action{{Reason: Cadence, Due: d("2026-10-31"), Until: d("2026-11-25")}}
	if it := find(Build(today, []Customer{snoozed}, nil, quiet()), 1, Cadence); it != nil {
		t.Errorf("snoozed until the 25th: %+v", it)
	}
	if it := find(Build(d("2026-11-25"), []Customer{snoozed}, nil, quiet()), 1, Cadence); it == nil {
		t.Error("the snooze is over on the 25th")
	}
	dismissed := c
	dismissed.Actions = []Action{{Reason: Cadence, Due: d("2026-10-31"), Dismissed: true}}
	if it := find(Build(today, []Customer{dismissed}, nil, quiet()), 1, Cadence); it != nil {
		t.Errorf("dismissed: %+v", it)
	}
	dismissed.LastContact = d("2026-10-20") // a later occurrence: due 11-19
	if it := find(Build(today, []Customer{dismissed}, nil, quiet()), 1, Cadence); it == nil {
		t.Error("a dismissal hides that occurrence, not the next")
	}
	// An action is about its own record: complaint 7 snoozed, not 8.
	k := Customer{ID: 2, Status: "active", LastContact: today, Complaints: []OpenComplaint{
		{ID: 7, At: d("2026-11-10"), Summary: "a"}, {ID: 8, At: d("2026-11-10"), Summary: "b"}},
		Actions: []Action{{Reason: Complaint, Ref: 7, Until: d("2026-11-30")}}}
	items := Build(today, []Customer{k}, nil, quiet())
	if len(items) != 1 || items[0].ComplaintID != 8 {
		t.Errorf("complaints after snoozing 7: %+v", items)
	}
}

func TestSlippingByPAlive(t *testing.T) {
	// Bought weekly four times, then nothing for 20 weeks: the gap rule fires
	// first (more than twice the usual gap). With a two-purchase history there is
	// no rhythm, but P(alive) says they are gone.
	m := clv.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	c := Customer{ID: 1, Tier: tiering.Small, Status: "active",
		Bought: RhythmOf([]time.Time{d("2025-01-01"), d("2025-01-08")})}
	cfg := quiet()
	if it := find(Build(today, []Customer{c}, nil, cfg), 1, Slipping); it != nil {
		t.Fatalf("without a model: %+v", it)
	}
	cfg.Alive = &m
	it := find(Build(today, []Customer{c}, nil, cfg), 1, Slipping)
	if it == nil || !strings.Contains(it.Detail, "chance they are still buying") {
		t.Errorf("with a model: %+v", it)
	}
	p := m.PAlive(1, 1, float64(today.Sub(d("2025-01-01")).Hours())/24/7)
	if p >= MinPAlive {
		t.Errorf("test premise: P(alive) %.2f should be below %.2f", p, MinPAlive)
	}
}

func TestEntryWhy(t *testing.T) {
	e := Entry{Items: []Item{{Reason: Complaint}, {Reason: Payment}, {Reason: Cadence}, {Reason: Payment}}}
	if got := e.Why(); got != "complaint+payment×2+cadence" {
		t.Errorf("Why = %q", got)
	}
}

// A large notebook is built in halves side by side and merged: the result
// is what each customer's own agenda, sorted together, gives.
func TestBuildLargeIsEachCustomersAgenda(t *testing.T) {
	tiers := []tiering.Tier{tiering.Key, tiering.Major, tiering.Ordinary, tiering.Small, tiering.Prospect}
	statuses := []string{"active", "active", "lapsed", "lost", "dropped"}
	names := []string{"王芳", "Anna", "李雷", "王芳", "Zoë"} // shared names: ties go by id
	var cs []Customer
	var tasks []Task
	for i := range 3000 {
		c := Customer{ID: int64(i + 1), Name: names[i%5], Tier: tiers[i%5], Status: statuses[(i/5)%5],
			Created: today.AddDate(-2, 0, 0), LastContact: today.AddDate(0, 0, -(i % 300)), Greeted: today.AddDate(0, 0, -(i % 40)),
			Bought: Rhythm{Days: 1 + i%4, First: today.AddDate(-1, 0, -(i % 100)), Last: today.AddDate(0, 0, -(i % 200)), Gap: 20 + i%60}}
		if i%3 == 0 {
			c.Debts = []Debt{{PurchaseID: int64(i), Date: today.AddDate(0, 0, -(i % 90)), Item: "普洱", Outstanding: 1000}}
		}
		if i%7 == 0 {
			c.Complaints = []OpenComplaint{{ID: int64(i), At: today.AddDate(0, 0, -(i % 5)), Summary: "late"}}
		}
		if i%4 == 0 {
			c.Birthday = &Birthday{Month: 12, Day: 1 + i%9, Lunar: i%8 == 0}
		}
		if i%11 == 0 {
			c.Actions = []Action{{Reason: Cadence, Due: today, Until: today.AddDate(0, 0, 3)}}
		}
		if i%13 == 0 {
			tasks = append(tasks, Task{ID: int64(i), CustomerID: c.ID, Due: today.AddDate(0, 0, i%10-5), What: "call back"})
		}
		cs = append(cs, c)
	}
	cfg := DefaultConfig()
	got := Build(today, cs, tasks, cfg)
	var want []Item
	for i := range cs {
		var own []Task
		for _, k := range tasks {
			if k.CustomerID == cs[i].ID {
				own = append(own, k)
			}
		}
		want = append(want, Build(today, cs[i:i+1], own, cfg)...)
	}
	Sort(want)
	if len(got) < 3000 || !slices.Equal(got, want) {
		t.Fatalf("built %d items, each customer's own agenda sorted together has %d (equal: %v)", len(got), len(want), slices.Equal(got, want))
	}
}

// A loyalty survey, late from the first purchase until the first survey,
// does not lead a customer's line before a follow-up or a lapsed cadence;
// nor does a customer owed only a survey come before one a call is owed.
func TestSurveyDoesNotLead(t *testing.T) {
	never := Customer{ID: 1, Name: "甲", Tier: tiering.Key, Status: "active", LastContact: today.AddDate(0, 0, -20),
		Bought: RhythmOf([]time.Time{d("2024-03-01")})} // never surveyed: late since 2024-09-01
	called := Customer{ID: 2, Name: "乙", Tier: tiering.Key, Status: "active", LastContact: today.AddDate(0, 0, -40),
		Bought: RhythmOf([]time.Time{d("2026-10-01")}), LastSurvey: d("2026-10-01")}
	tasks := []Task{{ID: 7, CustomerID: 1, Due: today.AddDate(0, 0, -10), What: "回电"}}
	es := Group(Build(today, []Customer{never, called}, tasks, quiet()))
	// 乙's call is 26 days late, 甲's follow-up 10: 乙 first, though 甲's
	// survey is 812 days late.
	if len(es) != 2 || es[0].Top().CustomerID != 2 || es[0].Top().Reason != Cadence {
		t.Fatalf("lines: %+v; want 乙 first, for the call", es)
	}
	if es[1].Top().Reason != FollowUp {
		t.Errorf("甲's line is led by %s: %+v; want the follow-up", es[1].Top().Reason, es[1].Items)
	}
	if last := es[1].Items[len(es[1].Items)-1]; last.Reason != SurveyR || last.DaysOverdue < 400 {
		t.Errorf("甲's items: %+v; want the survey last", es[1].Items)
	}
}
