// Package agenda decides who a rep should contact and why: due follow-ups,
// tier cadence passed, expected reorders missed, birthdays (solar or lunar)
// and festivals coming, open complaints, customers slipping away and
// lapsed ones to win back. It is pure: everything, including "today", is
// passed in.
package agenda

import (
	"cmp"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/tiering"
	"github.com/rolo-crm/rolo/tiering/clv"
)

// Reason is why a customer is on the agenda.
type Reason string

// Reasons.
const (
	FollowUp  Reason = "follow-up"
	Complaint Reason = "complaint"
	Payment   Reason = "payment"
	Cadence   Reason = "cadence"
	Reorder   Reason = "reorder"
	Slipping  Reason = "slipping"
	WinBack   Reason = "win-back"
	BirthdayR Reason = "birthday"
	EventR    Reason = "event"
	FestivalR Reason = "festival"
	SurveyR   Reason = "survey"
)

// Reasons lists every reason, in the order one customer's items due the
// same day are shown.
var Reasons = []Reason{FollowUp, Complaint, Payment, Cadence, Reorder, Slipping, WinBack, BirthdayR, EventR, FestivalR, SurveyR}

func reasonOrder(r Reason) int {
	for i, x := range Reasons {
		if x == r {
			return i
		}
	}
	return len(Reasons)
}

// ComplaintDays is how long a complaint may stay open before it is overdue.
const ComplaintDays = 2

// SlippingAfter is how many days past a recorded expected reorder a customer
// without a purchase rhythm of their own counts as slipping away.
const SlippingAfter = 60

// MaxOverdueDays caps the days overdue that order items within a tier: a
// customer two months late and one two years late are equally late.
const MaxOverdueDays = 60

// Customer is what the agenda needs to know about one customer.
type Customer struct {
	ID           int64
	Name         string
	Tier         tiering.Tier
	Status       string // prospect, active, lapsed, lost, won_back, dropped
	LostReason   string
	Birthday     *Birthday // nil when unknown
	CadenceDays  int       // per-customer override; 0 uses the tier's
	Created      time.Time // when the customer was added
	LastContact  time.Time // zero when never
	Reached      time.Time // the last contact the rep made (not a complaint or feedback); zero when never
	Bought       Rhythm    // their purchase days in brief
	NextExpected time.Time // recorded on the latest purchase; zero when none
	Complaints   []OpenComplaint
	Greeted      time.Time // the latest greeting, gift or visit; zero when never
	WinBacks     int       // contacts the rep made since the last purchase (win-back attempts)
	Debts        []Debt    // purchases not paid in full, oldest first
	Events       []Event   // dated personal events: anniversaries, a child's exam...
	LastSurvey   time.Time // the latest loyalty survey; zero when never
	Actions      []Action  // items snoozed or dismissed by the rep
}

// Debt is a purchase not yet paid in full.
type Debt struct {
	PurchaseID  int64
	Date        time.Time
	Item        string
	Outstanding money.Amount
}

// OpenComplaint is an unresolved complaint.
type OpenComplaint struct {
	ID      int64
	At      time.Time
	Summary string
}

// Event is a dated personal event: yearly (an anniversary) or once (a
// child's exam), solar or lunar.
type Event struct {
	ID   int64
	What string
	Date Birthday // month and day, lunar or not
	Year int      // the year of a one-off event (lunar year when lunar)
	Once bool
}

// Next is the event's first occurrence on or after t; ok is false for a
// one-off event already past.
func (e Event) Next(t time.Time) (time.Time, bool) {
	if !e.Once {
		d, err := e.Date.OnOrAfter(t)
		return d, err == nil
	}
	var d time.Time
	var err error
	if e.Date.Lunar {
		d, err = SolarOfLunar(e.Year, e.Date.Month, e.Date.Day, e.Date.Leap)
	} else {
		d = solarInYear(e.Year, e.Date.Month, e.Date.Day)
	}
	return d, err == nil && !d.Before(day(t.Year(), t.Month(), t.Day()))
}

// Action is an item the rep snoozed (until a day) or dismissed (this
// occurrence, and any earlier one).
type Action struct {
	Reason    Reason
	Ref       int64     // the follow-up, complaint, purchase or event it is about; 0 otherwise
	Due       time.Time // the due day of the item acted on
	Until     time.Time // snoozed until this day (exclusive); zero for a dismissal
	Dismissed bool
}

// hides reports whether the action hides an item today.
func (a Action) hides(it Item, today time.Time) bool {
	if a.Reason != it.Reason || a.Ref != it.Ref() {
		return false
	}
	if a.Dismissed {
		return !it.Due.After(a.Due)
	}
	return today.Before(a.Until)
}

// Task is an open follow-up from the notebook.
type Task struct {
	ID         int64
	CustomerID int64
	Due        time.Time
	What       string
}

// Config tunes the rules.
type Config struct {
	Cadence      map[tiering.Tier]int // days between contacts per tier
	Days         int                  // how far ahead "due soon" looks
	BirthdayDays int                  // how far ahead birthdays and events show
	FestivalDays int
	Festivals    []Festival // lunar festivals plus configured ones
	GreetTiers   map[tiering.Tier]bool
	// Alive, when set, adds customers whose BG/NBD P(alive) is below
	// MinPAlive to the slipping-away list.
	Alive *clv.BGNBD
	// MinPAlive is the P(alive) under which a customer counts as slipping away.
	MinPAlive float64
	// PaymentTerms is how many days after a purchase what is still owed is due.
	PaymentTerms int
	// WinBackAttempts is how many win-back contacts a lapsed or lost
	// customer gets before the reminders stop; WinBackDays is the wait
	// before the first, doubling for each attempt after it.
	WinBackAttempts, WinBackDays int
	// SlippingPause is how many days a contact pauses "slipping away": the
	// rep is already on it.
	SlippingPause int
	// SurveyMonths is how often the customers of SurveyTiers are asked the
	// loyalty survey; 0 never.
	SurveyMonths int
	SurveyTiers  map[tiering.Tier]bool
	// Money writes an amount in the detail of an item ("owes 320.00");
	// minor units as a number when nil.
	Money func(money.Amount) string
}

// MinPAlive is the default P(alive) under which a customer counts as
// slipping away.
const MinPAlive = 0.3

// DefaultConfig: key 14 days, major 30, ordinary 90, small 180; look 7 days
// ahead; three win-back attempts after 30, 60 and 120 days.
func DefaultConfig() Config {
	return Config{
		Cadence:         map[tiering.Tier]int{tiering.Key: 14, tiering.Major: 30, tiering.Ordinary: 90, tiering.Small: 180, tiering.Prospect: 30},
		Days:            7,
		BirthdayDays:    7,
		FestivalDays:    7,
		Festivals:       append([]Festival(nil), LunarFestivals...),
		GreetTiers:      map[tiering.Tier]bool{tiering.Key: true, tiering.Major: true},
		MinPAlive:       MinPAlive,
		PaymentTerms:    30,
		WinBackAttempts: 3,
		WinBackDays:     30,
		SlippingPause:   30,
		SurveyMonths:    6,
		SurveyTiers:     map[tiering.Tier]bool{tiering.Key: true},
	}
}

// Item is one line of the agenda.
type Item struct {
	CustomerID  int64        `json:"customer_id"`
	Name        string       `json:"name"`
	Tier        tiering.Tier `json:"tier"`
	Reason      Reason       `json:"reason"`
	Detail      string       `json:"detail"`
	Due         time.Time    `json:"due"`
	DaysOverdue int          `json:"days_overdue"`
	FollowUpID  int64        `json:"followup_id,omitempty"`
	ComplaintID int64        `json:"complaint_id,omitempty"`
	PurchaseID  int64        `json:"purchase_id,omitempty"` // the purchase a payment is owed for
	EventID     int64        `json:"event_id,omitempty"`
}

// Overdue reports whether the item's date has passed.
func (it Item) Overdue() bool { return it.DaysOverdue > 0 }

// Ref is the record the item is about: its follow-up, complaint, purchase
// or event; 0 for items about the customer as a whole.
func (it Item) Ref() int64 {
	return max(it.FollowUpID, it.ComplaintID, it.PurchaseID, it.EventID)
}

// TierRank orders tiers for the agenda: key customers first, prospects last.
func TierRank(t tiering.Tier) int {
	switch t {
	case tiering.Key:
		return 0
	case tiering.Major:
		return 1
	case tiering.Ordinary:
		return 2
	case tiering.Small:
		return 3
	}
	return 4
}

func days(a, b time.Time) int { return int(math.Round(b.Sub(a).Hours() / 24)) }

// detail writes the detail of an item: the agenda of a large notebook
// writes one for each of 100,000 items, and fmt took a fifth of it.
type detail []byte

func newDetail(s string) detail         { return append(make(detail, 0, 128), s...) }
func (d detail) s(s string) detail      { return append(d, s...) }
func (d detail) n(n int) detail         { return strconv.AppendInt(d, int64(n), 10) }
func (d detail) day(t time.Time) detail { return t.AppendFormat(d, "2006-01-02") }
func (d detail) String() string         { return string(d) }

func (cfg Config) money(a money.Amount) string {
	if cfg.Money == nil {
		return fmt.Sprint(int64(a))
	}
	return cfg.Money(a)
}

// Rhythm is a customer's purchase days in brief: enough for the reorder,
// slipping-away and P(alive) rules without the days themselves.
type Rhythm struct {
	Days        int       // distinct purchase days
	First, Last time.Time // zero without purchases
	Gap         int       // MedianGap of the days
}

// RhythmOf summarises distinct purchase days given in ascending order.
func RhythmOf(ds []time.Time) Rhythm {
	if len(ds) == 0 {
		return Rhythm{}
	}
	return Rhythm{Days: len(ds), First: ds[0], Last: ds[len(ds)-1], Gap: MedianGap(ds)}
}

// MedianGap is the median number of days between consecutive purchase days,
// or 0 with fewer than three purchase days.
func MedianGap(ds []time.Time) int {
	if len(ds) < 3 {
		return 0
	}
	gaps := make([]int, len(ds)-1)
	for i := 1; i < len(ds); i++ {
		gaps[i-1] = days(ds[i-1], ds[i])
	}
	sort.Ints(gaps)
	n := len(gaps)
	if n%2 == 1 {
		return gaps[n/2]
	}
	return (gaps[n/2-1] + gaps[n/2] + 1) / 2
}

// Build makes the agenda as of today: every item due on or before
// today + cfg.Days (birthdays, events and festivals within their own
// windows), ordered by Sort. Items the rep snoozed or dismissed are left out.
// A large notebook is built and sorted in two halves side by side, then
// merged: Sort is a total order, so the result is the same.
func Build(today time.Time, cs []Customer, tasks []Task, cfg Config) []Item {
	today = day(today.Year(), today.Month(), today.Day())
	b := builder{today: today, horizon: today.AddDate(0, 0, cfg.Days), cfg: cfg, festivals: upcomingFestivals(today, cfg)}
	byID := make(map[int64]*Customer, len(cs))
	for i := range cs {
		byID[cs[i].ID] = &cs[i]
	}
	parts := [][]Customer{cs}
	if len(cs) >= 2000 && runtime.GOMAXPROCS(0) > 1 {
		parts = [][]Customer{cs[:len(cs)/2], cs[len(cs)/2:]}
	}
	sorted := make([][]Item, len(parts))
	var wg sync.WaitGroup
	for i, part := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var ts []Task
			if i == 0 {
				ts = tasks
			}
			sorted[i] = b.build(part, ts, byID)
		}()
	}
	wg.Wait()
	if len(sorted) == 1 {
		return sorted[0]
	}
	return merge(sorted[0], sorted[1])
}

// builder makes the items of part of a notebook.
type builder struct {
	today, horizon time.Time
	cfg            Config
	festivals      []datedFestival
}

// build makes the items of customers cs and of tasks (of any customer in
// byID), leaves out those snoozed or dismissed and sorts them.
func (b builder) build(cs []Customer, tasks []Task, byID map[int64]*Customer) []Item {
	// Sized for a notebook's usual agenda (about one item per customer, and
	// every debt and complaint): a slice of 100,000 items grown by doubling
	// copies and keeps several times its size.
	size := len(tasks) + len(cs)
	for i := range cs {
		size += len(cs[i].Debts) + len(cs[i].Complaints)
	}
	out := make([]Item, 0, size)
	add := func(c *Customer, r Reason, due time.Time, detail string) *Item {
		it := Item{CustomerID: c.ID, Name: c.Name, Tier: c.Tier, Reason: r, Detail: detail, Due: due,
			DaysOverdue: max(0, days(due, b.today))}
		out = append(out, it)
		return &out[len(out)-1]
	}
	for _, t := range tasks {
		c, ok := byID[t.CustomerID]
		if !ok || t.Due.After(b.horizon) || c.Status == "dropped" {
			continue
		}
		add(c, FollowUp, t.Due, t.What).FollowUpID = t.ID
	}
	for i := range cs {
		b.customer(&cs[i], add)
	}
	kept := out[:0]
	for _, it := range out {
		if !hidden(byID[it.CustomerID], it, b.today) {
			kept = append(kept, it)
		}
	}
	Sort(kept)
	return kept
}

// customer adds customer c's items.
func (b builder) customer(c *Customer, add func(*Customer, Reason, time.Time, string) *Item) {
	today, horizon, cfg, festivals := b.today, b.horizon, b.cfg, b.festivals
	if c.Status == "dropped" {
		return
	}
	for _, k := range c.Complaints {
		due := day(k.At.Year(), k.At.Month(), k.At.Day()).AddDate(0, 0, ComplaintDays)
		add(c, Complaint, due, fmt.Sprintf("open complaint %d: %s", k.ID, k.Summary)).ComplaintID = k.ID
	}
	for _, d := range c.Debts {
		if due := d.Date.AddDate(0, 0, cfg.PaymentTerms); !due.After(horizon) {
			what := ""
			if d.Item != "" {
				what = " for " + d.Item
			}
			add(c, Payment, due, newDetail("owes ").s(cfg.money(d.Outstanding)).s(what).s(" bought ").day(d.Date).
				s(" (").n(cfg.PaymentTerms).s("-day terms) — ask for payment").String()).PurchaseID = d.PurchaseID
		}
	}
	// Every clock runs from the last contact or purchase; from the day
	// the customer was added only when there is neither.
	lastBuy := c.Bought.Last
	touch := latest(c.LastContact, lastBuy)
	if touch.IsZero() {
		touch = c.Created
	}
	switch c.Status {
	case "lapsed", "lost":
		winBack(c, touch, cfg, horizon, add)
	default:
		cad := cfg.Cadence[c.Tier]
		if c.CadenceDays > 0 {
			cad = c.CadenceDays
		}
		if cad > 0 && !touch.IsZero() {
			if due := touch.AddDate(0, 0, cad); !due.After(horizon) {
				add(c, Cadence, due, newDetail("no contact for ").n(days(touch, today)).s(" days; ").s(string(c.Tier)).
					s(" customers every ").n(cad).s(" days").String())
			}
		}
		if !lastBuy.IsZero() {
			rhythm(c, today, horizon, cfg, add)
		}
	}
	if c.Birthday != nil {
		if bd, err := c.Birthday.OnOrAfter(today); err == nil && days(today, bd) <= cfg.BirthdayDays &&
			!greetedFor(c.Greeted, bd, cfg.BirthdayDays) {
			kind := "birthday"
			if c.Birthday.Lunar {
				kind = "lunar birthday"
			}
			add(c, BirthdayR, bd, fmt.Sprintf("%s on %s — send wishes", kind, bd.Format("2006-01-02")))
		}
	}
	for _, e := range c.Events {
		if d, ok := e.Next(today); ok && days(today, d) <= cfg.BirthdayDays && !greetedFor(c.Greeted, d, cfg.BirthdayDays) {
			add(c, EventR, d, fmt.Sprintf("%s on %s — send wishes", e.What, d.Format("2006-01-02"))).EventID = e.ID
		}
	}
	if cfg.GreetTiers[c.Tier] && c.Status != "lost" {
		for _, f := range festivals {
			if greetedFor(c.Greeted, f.date, cfg.FestivalDays) {
				continue
			}
			add(c, FestivalR, f.date, fmt.Sprintf("%s on %s — send greetings", f.Name, f.date.Format("2006-01-02")))
		}
	}
	// The loyalty survey asks a customer who still buys; one lapsed or
	// lost is won back first (win-back), not surveyed.
	if cfg.SurveyMonths > 0 && cfg.SurveyTiers[c.Tier] && !lastBuy.IsZero() && c.Status != "lost" && c.Status != "lapsed" {
		from, what := c.LastSurvey, fmt.Sprintf("last loyalty survey %s", c.LastSurvey.Format("2006-01-02"))
		if from.IsZero() {
			from, what = c.Bought.First, "no loyalty survey yet"
		}
		if due := from.AddDate(0, cfg.SurveyMonths, 0); !due.After(horizon) {
			add(c, SurveyR, due, fmt.Sprintf("%s; ask the five loyalty questions every %d months (rolo survey)", what, cfg.SurveyMonths))
		}
	}
}

// merge merges two lists sorted by Sort.
func merge(a, b []Item) []Item {
	out := make([]Item, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if compareItems(b[0], a[0]) < 0 {
			out, b = append(out, b[0]), b[1:]
		} else {
			out, a = append(out, a[0]), a[1:]
		}
	}
	return append(append(out, a...), b...)
}

func hidden(c *Customer, it Item, today time.Time) bool {
	if c == nil {
		return false
	}
	for _, a := range c.Actions {
		if a.hides(it, today) {
			return true
		}
	}
	return false
}

// rhythm adds what the customer's own buying says: slipping away (long past
// their usual gap, or a recorded expected purchase long past, or unlikely
// to be still buying), else a reorder expected.
func rhythm(c *Customer, today, horizon time.Time, cfg Config, add func(*Customer, Reason, time.Time, string) *Item) {
	lastBuy, gap := c.Bought.Last, c.Bought.Gap
	expected, how := c.NextExpected, "expected"
	if expected.IsZero() || !expected.After(lastBuy) {
		expected, how = time.Time{}, ""
		if gap > 0 {
			expected, how = lastBuy.AddDate(0, 0, gap), newDetail("usually buys every ").n(gap).s(" days; expected").String()
		}
	}
	// A recent contact pauses slipping away: the rep is already on it.
	paused := !c.LastContact.IsZero() && c.LastContact.After(lastBuy) && days(c.LastContact, today) < cfg.SlippingPause
	minP := cfg.MinPAlive
	if minP == 0 {
		minP = MinPAlive
	}
	// Long past their own rhythm (or a recorded expected purchase long
	// past), a missed reorder has become a customer slipping away; while
	// paused, that customer gets neither reminder.
	switch {
	case gap > 0 && days(lastBuy, today) > 2*gap:
		if !paused {
			add(c, Slipping, lastBuy.AddDate(0, 0, 2*gap), newDetail("slipping away: no purchase for ").n(days(lastBuy, today)).
				s(" days, usually every ").n(gap).s(" — suggest a win-back contact").String())
		}
	case gap == 0 && !expected.IsZero() && days(expected, today) > SlippingAfter:
		if !paused {
			add(c, Slipping, expected.AddDate(0, 0, SlippingAfter), fmt.Sprintf("slipping away: expected to reorder by %s, no purchase since %s — suggest a win-back contact", expected.Format("2006-01-02"), lastBuy.Format("2006-01-02")))
		}
	case cfg.Alive != nil && c.Bought.Days > 1 && pAlive(cfg.Alive, c.Bought, today) < minP:
		if !paused {
			p := pAlive(cfg.Alive, c.Bought, today)
			add(c, Slipping, today, fmt.Sprintf("slipping away: only a %.0f%% chance they are still buying (last bought %s) — suggest a win-back contact", 100*p, lastBuy.Format("2006-01-02")))
		}
	case !expected.IsZero() && !expected.After(horizon):
		add(c, Reorder, expected, newDetail(how).s(" to reorder by ").day(expected).s("; last bought ").day(lastBuy).String())
	}
}

// Lost reasons that are worth no win-back: the customer moved away, or the
// business closed.
var unrecoverable = map[string]bool{"moved": true, "closed": true}

// winBackHint is what to try, by why a customer was lost.
var winBackHint = map[string]string{
	"price":      "offer better value or a cheaper line",
	"service":    "apologise and show what changed",
	"quality":    "show what is better now",
	"competitor": "ask what they get elsewhere and match it",
}

// winBack adds the next win-back attempt of a lapsed or lost customer: a
// few at growing intervals (WinBackDays, then doubling), none for a
// customer who moved away or closed.
func winBack(c *Customer, touch time.Time, cfg Config, horizon time.Time, add func(*Customer, Reason, time.Time, string) *Item) {
	if unrecoverable[c.LostReason] || c.WinBacks >= cfg.WinBackAttempts || touch.IsZero() {
		return
	}
	wait := cfg.WinBackDays << c.WinBacks
	due := touch.AddDate(0, 0, wait)
	if due.After(horizon) {
		return
	}
	who := c.Status + " customer"
	if c.LostReason != "" {
		who += " (" + c.LostReason + ")"
	}
	hint := winBackHint[c.LostReason]
	if hint == "" {
		hint = "ask how they are and remind them of what they liked"
	}
	add(c, WinBack, due, newDetail(who).s("; win-back attempt ").n(c.WinBacks+1).s(" of ").n(cfg.WinBackAttempts).s(" — ").s(hint).String())
}

// Sort orders the agenda by one rule: open complaints first, oldest first;
// then what is overdue, by tier (key first, prospects last), then by days
// overdue (counting at most MaxOverdueDays, and none for a loyalty
// survey), most first; then what is due soon, by date, then tier. Ties go
// by name and customer.
func Sort(items []Item) {
	slices.SortFunc(items, compareItems)
}

// compareItems is Sort's order.
func compareItems(a, b Item) int {
	ac, bc := a.Reason == Complaint, b.Reason == Complaint
	switch {
	case ac != bc:
		return boolFirst(ac)
	case ac && !a.Due.Equal(b.Due):
		return a.Due.Compare(b.Due)
	case a.Overdue() != b.Overdue():
		return boolFirst(a.Overdue())
	case a.Overdue() && TierRank(a.Tier) != TierRank(b.Tier):
		return cmp.Compare(TierRank(a.Tier), TierRank(b.Tier))
	case a.Overdue() && lateness(a) != lateness(b):
		return cmp.Compare(lateness(b), lateness(a))
	case !a.Overdue() && !a.Due.Equal(b.Due):
		return a.Due.Compare(b.Due)
	case TierRank(a.Tier) != TierRank(b.Tier):
		return cmp.Compare(TierRank(a.Tier), TierRank(b.Tier))
	case a.Name != b.Name:
		return strings.Compare(a.Name, b.Name)
	case a.CustomerID != b.CustomerID:
		return cmp.Compare(a.CustomerID, b.CustomerID)
	case a.Reason != b.Reason:
		return cmp.Compare(reasonOrder(a.Reason), reasonOrder(b.Reason))
	}
	// A total order, so a fast unstable sort is still deterministic.
	return cmp.Or(cmp.Compare(b.DaysOverdue, a.DaysOverdue), cmp.Compare(a.Ref(), b.Ref()), strings.Compare(a.Detail, b.Detail))
}

// lateness is how late an overdue item counts in the order: its days
// overdue up to MaxOverdueDays, and none for a loyalty survey, which is
// late from a customer's first purchase until the first survey and would
// otherwise lead a customer's line before what the rep must do.
func lateness(it Item) int {
	if it.Reason == SurveyR {
		return 0
	}
	return min(it.DaysOverdue, MaxOverdueDays)
}

// boolFirst orders true before false.
func boolFirst(b bool) int {
	if b {
		return -1
	}
	return 1
}

func latest(ts ...time.Time) time.Time {
	var out time.Time
	for _, t := range ts {
		if t.After(out) {
			out = t
		}
	}
	return out
}

type datedFestival struct {
	Festival
	date time.Time
}

func upcomingFestivals(today time.Time, cfg Config) []datedFestival {
	var out []datedFestival
	for _, f := range cfg.Festivals {
		d, err := f.Next(today)
		if err == nil && days(today, d) <= cfg.FestivalDays {
			out = append(out, datedFestival{f, d})
		}
	}
	return out
}

// greetedFor reports whether a greeting logged at g counts for a festival on
// date: logged within the window before it, or on the day.
func greetedFor(g, date time.Time, window int) bool {
	if g.IsZero() {
		return false
	}
	g = day(g.Year(), g.Month(), g.Day())
	return !g.Before(date.AddDate(0, 0, -max(window, 7)*2)) && !g.After(date.AddDate(0, 0, 1))
}

// GreetingList lists who to greet for a festival occurring on date: every
// customer not yet greeted for it, key and major first.
func GreetingList(cs []Customer, date time.Time, window int) []Customer {
	var out []Customer
	for _, c := range cs {
		if c.Status == "dropped" || greetedFor(c.Greeted, date, window) {
			continue
		}
		out = append(out, c)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if ri, rj := TierRank(out[i].Tier), TierRank(out[j].Tier); ri != rj {
			return ri < rj
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// Entry is one customer's items on the agenda, most urgent first.
type Entry struct {
	Items []Item
}

// Top is the entry's most urgent item.
func (e Entry) Top() Item { return e.Items[0] }

// Late is the entry's most urgent overdue item (Top when it is overdue);
// ok is false when nothing in it is overdue. An open complaint comes first
// even before it is due, and a debt weeks overdue behind it must still
// count as overdue.
func (e Entry) Late() (Item, bool) {
	for _, x := range e.Items {
		if x.Overdue() {
			return x, true
		}
	}
	return Item{}, false
}

// Why names the entry's reasons, most urgent first, each once with how
// many items it has: "complaint+payment×2".
func (e Entry) Why() string {
	var order []Reason
	count := map[Reason]int{}
	for _, it := range e.Items {
		if count[it.Reason] == 0 {
			order = append(order, it.Reason)
		}
		count[it.Reason]++
	}
	parts := make([]string, len(order))
	for i, r := range order {
		parts[i] = string(r)
		if n := count[r]; n > 1 {
			parts[i] += fmt.Sprintf("×%d", n)
		}
	}
	return strings.Join(parts, "+")
}

// Group gathers sorted items per customer, keeping the order of each
// customer's most urgent item.
func Group(items []Item) []Entry {
	// Two passes: count each customer's items, then give each entry its
	// run of one array (one allocation instead of a slice per customer).
	idx := make(map[int64]int, len(items)/2)
	var n []int
	for _, it := range items {
		i, ok := idx[it.CustomerID]
		if !ok {
			i = len(n)
			idx[it.CustomerID] = i
			n = append(n, 0)
		}
		n[i]++
	}
	out := make([]Entry, len(n))
	all := make([]Item, len(items))
	at := 0
	for i, k := range n {
		out[i].Items = all[at : at : at+k]
		at += k
	}
	for _, it := range items {
		i := idx[it.CustomerID]
		out[i].Items = append(out[i].Items, it)
	}
	return out
}

// pAlive is the BG/NBD P(alive) of a customer with these purchase days.
func pAlive(m *clv.BGNBD, r Rhythm, today time.Time) float64 {
	weeks := func(a, b time.Time) float64 { return b.Sub(a).Hours() / 24 / 7 }
	return m.PAlive(r.Days-1, weeks(r.First, r.Last), weeks(r.First, today))
}
