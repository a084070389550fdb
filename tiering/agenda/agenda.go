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
	"slices"
	"sort"
	"strings"
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
	Cadence   Reason = "cadence"
	Reorder   Reason = "reorder"
	Slipping  Reason = "slipping"
	WinBack   Reason = "win-back"
	BirthdayR Reason = "birthday"
	FestivalR Reason = "festival"
	Payment   Reason = "payment"
)

// reasonOrder breaks ties between one customer's items due the same day.
var reasonOrder = map[Reason]int{FollowUp: 0, Complaint: 1, Payment: 2, Cadence: 3, Reorder: 4, Slipping: 5, WinBack: 6, BirthdayR: 7, FestivalR: 8}

// ComplaintDays is how long a complaint may stay open before it is overdue.
const ComplaintDays = 2

// SlippingAfter is how many days past a recorded expected reorder a customer
// without a purchase rhythm of their own counts as slipping away.
const SlippingAfter = 60

// MaxOverdueWeight caps the days overdue that count towards priority, so a
// key customer two weeks late comes before a small one gone quiet for years.
const MaxOverdueWeight = 60

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
	Bought       Rhythm    // their purchase days in brief
	NextExpected time.Time // recorded on the latest purchase; zero when none
	Complaints   []OpenComplaint
	Greeted      time.Time // the latest greeting logged; zero when never
	WinBacks     int       // contacts since the last purchase (win-back attempts)
	Debts        []Debt    // purchases not paid in full, oldest first
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
	BirthdayDays int
	FestivalDays int
	Festivals    []Festival // lunar festivals plus configured solar ones
	GreetTiers   map[tiering.Tier]bool
	// Alive, when set, adds customers whose BG/NBD P(alive) is below
	// MinPAlive to the slipping-away list.
	Alive *clv.BGNBD
	// PaymentTerms is how many days after a purchase what is still owed
	// is due.
	PaymentTerms int
	// Money writes an amount in the detail of an item ("owes 320.00");
	// minor units as a number when nil.
	Money func(money.Amount) string
}

// MinPAlive is the P(alive) under which a customer counts as slipping away.
const MinPAlive = 0.3

// DefaultConfig: key 14 days, major 30, ordinary 90, small 180; look 7 days ahead.
func DefaultConfig() Config {
	return Config{
		Cadence:      map[tiering.Tier]int{tiering.Key: 14, tiering.Major: 30, tiering.Ordinary: 90, tiering.Small: 180, tiering.Prospect: 30},
		Days:         7,
		BirthdayDays: 7,
		FestivalDays: 7,
		Festivals:    append([]Festival(nil), LunarFestivals...),
		GreetTiers:   map[tiering.Tier]bool{tiering.Key: true, tiering.Major: true},
		PaymentTerms: 30,
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
	Priority    float64      `json:"priority"`
	FollowUpID  int64        `json:"followup_id,omitempty"`
	ComplaintID int64        `json:"complaint_id,omitempty"`
	PurchaseID  int64        `json:"purchase_id,omitempty"` // the purchase a payment is owed for
}

// Overdue reports whether the item's date has passed.
func (it Item) Overdue() bool { return it.DaysOverdue > 0 }

// TierWeight ranks tiers for ordering: key customers first.
func TierWeight(t tiering.Tier) float64 {
	switch t {
	case tiering.Key:
		return 4
	case tiering.Major:
		return 3
	case tiering.Ordinary:
		return 2
	}
	return 1
}

func days(a, b time.Time) int { return int(math.Round(b.Sub(a).Hours() / 24)) }

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
// today + cfg.Days (birthdays and festivals within their own windows),
// overdue first (by tier weight × days overdue), then by date and tier.
func Build(today time.Time, cs []Customer, tasks []Task, cfg Config) []Item {
	today = day(today.Year(), today.Month(), today.Day())
	horizon := today.AddDate(0, 0, cfg.Days)
	byID := make(map[int64]*Customer, len(cs))
	for i := range cs {
		byID[cs[i].ID] = &cs[i]
	}
	var out []Item
	add := func(c *Customer, r Reason, due time.Time, detail string) *Item {
		it := Item{CustomerID: c.ID, Name: c.Name, Tier: c.Tier, Reason: r, Detail: detail, Due: due,
			DaysOverdue: max(0, days(due, today))}
		out = append(out, it)
		return &out[len(out)-1]
	}
	for _, t := range tasks {
		c, ok := byID[t.CustomerID]
		if !ok || t.Due.After(horizon) {
			continue
		}
		add(c, FollowUp, t.Due, t.What).FollowUpID = t.ID
	}
	festivals := upcomingFestivals(today, cfg)
	for i := range cs {
		c := &cs[i]
		if c.Status == "dropped" {
			continue
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
				add(c, Payment, due, fmt.Sprintf("owes %s%s bought %s (%d-day terms) — ask for payment",
					cfg.money(d.Outstanding), what, d.Date.Format("2006-01-02"), cfg.PaymentTerms)).PurchaseID = d.PurchaseID
			}
		}
		lastBuy, gap := c.Bought.Last, c.Bought.Gap
		lost := c.Status == "lost" || c.Status == "lapsed"
		switch {
		case lost:
			// Win back: keep in touch with lapsed and lost customers at the ordinary pace.
			last := latest(c.LastContact, lastBuy, c.Created)
			cad := cfg.Cadence[tiering.Ordinary]
			if c.CadenceDays > 0 {
				cad = c.CadenceDays
			}
			if due := last.AddDate(0, 0, cad); !due.After(horizon) {
				detail := fmt.Sprintf("%s customer", c.Status)
				if c.LostReason != "" {
					detail += " (" + c.LostReason + ")"
				}
				detail += fmt.Sprintf("; %d win-back attempts so far — try again", c.WinBacks)
				add(c, WinBack, due, detail)
			}
		default:
			cad := cfg.Cadence[c.Tier]
			if c.CadenceDays > 0 {
				cad = c.CadenceDays
			}
			last := latest(c.LastContact, lastBuy, c.Created)
			if cad > 0 && !last.IsZero() {
				if due := last.AddDate(0, 0, cad); !due.After(horizon) {
					add(c, Cadence, due, fmt.Sprintf("no contact for %d days; %s customers every %d days", days(last, today), c.Tier, cad))
				}
			}
			if !lastBuy.IsZero() {
				expected, how := c.NextExpected, "expected"
				if expected.IsZero() || !expected.After(lastBuy) {
					expected, how = time.Time{}, ""
					if gap > 0 {
						expected, how = lastBuy.AddDate(0, 0, gap), fmt.Sprintf("usually buys every %d days; expected", gap)
					}
				}
				switch {
				case gap > 0 && days(lastBuy, today) > 2*gap:
					// Long past their own rhythm: a missed reorder has become a customer slipping away.
					add(c, Slipping, lastBuy.AddDate(0, 0, 2*gap), fmt.Sprintf("slipping away: no purchase for %d days, usually every %d — suggest a win-back contact", days(lastBuy, today), gap))
				case gap == 0 && !expected.IsZero() && days(expected, today) > SlippingAfter:
					add(c, Slipping, expected.AddDate(0, 0, SlippingAfter), fmt.Sprintf("slipping away: expected to reorder by %s, no purchase since %s — suggest a win-back contact", expected.Format("2006-01-02"), lastBuy.Format("2006-01-02")))
				case cfg.Alive != nil && c.Bought.Days > 1 && pAlive(cfg.Alive, c.Bought, today) < MinPAlive:
					p := pAlive(cfg.Alive, c.Bought, today)
					add(c, Slipping, today, fmt.Sprintf("slipping away: only a %.0f%% chance they are still buying (last bought %s) — suggest a win-back contact", 100*p, lastBuy.Format("2006-01-02")))
				case !expected.IsZero() && !expected.After(horizon):
					add(c, Reorder, expected, fmt.Sprintf("%s to reorder by %s; last bought %s", how, expected.Format("2006-01-02"), lastBuy.Format("2006-01-02")))
				}
			}
		}
		if c.Birthday != nil {
			if bd, err := c.Birthday.OnOrAfter(today); err == nil && days(today, bd) <= cfg.BirthdayDays {
				kind := "birthday"
				if c.Birthday.Lunar {
					kind = "lunar birthday"
				}
				add(c, BirthdayR, bd, fmt.Sprintf("%s on %s — send wishes", kind, bd.Format("2006-01-02")))
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
	}
	for i := range out {
		it := &out[i]
		w := TierWeight(it.Tier)
		if it.Overdue() {
			it.Priority = w * float64(min(it.DaysOverdue, MaxOverdueWeight))
		} else {
			it.Priority = w / float64(1+days(today, it.Due))
		}
	}
	Sort(out)
	return out
}

// Sort orders items: overdue first by tier weight × days overdue, then the
// rest by date, then tier, then name.
func Sort(items []Item) {
	slices.SortFunc(items, func(a, b Item) int {
		switch {
		case a.Overdue() != b.Overdue():
			return boolFirst(a.Overdue())
		case a.Overdue() && a.Priority != b.Priority:
			return cmp.Compare(b.Priority, a.Priority)
		case a.Overdue() && a.DaysOverdue != b.DaysOverdue:
			return cmp.Compare(b.DaysOverdue, a.DaysOverdue)
		case !a.Due.Equal(b.Due):
			return a.Due.Compare(b.Due)
		case TierWeight(a.Tier) != TierWeight(b.Tier):
			return cmp.Compare(TierWeight(b.Tier), TierWeight(a.Tier))
		case a.Name != b.Name:
			return strings.Compare(a.Name, b.Name)
		case a.CustomerID != b.CustomerID:
			return cmp.Compare(a.CustomerID, b.CustomerID)
		case a.Reason != b.Reason:
			return cmp.Compare(reasonOrder[a.Reason], reasonOrder[b.Reason])
		}
		// A total order, so a fast unstable sort is still deterministic.
		return cmp.Or(cmp.Compare(a.FollowUpID, b.FollowUpID), cmp.Compare(a.ComplaintID, b.ComplaintID),
			cmp.Compare(a.PurchaseID, b.PurchaseID), strings.Compare(a.Detail, b.Detail))
	})
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
		if wi, wj := TierWeight(out[i].Tier), TierWeight(out[j].Tier); wi != wj {
			return wi > wj
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

// Group gathers sorted items per customer, keeping the order of each
// customer's most urgent item.
func Group(items []Item) []Entry {
	idx := map[int64]int{}
	var out []Entry
	for _, it := range items {
		i, ok := idx[it.CustomerID]
		if !ok {
			i = len(out)
			idx[it.CustomerID] = i
			out = append(out, Entry{})
		}
		out[i].Items = append(out[i].Items, it)
	}
	return out
}

// pAlive is the BG/NBD P(alive) of a customer with these purchase days.
func pAlive(m *clv.BGNBD, r Rhythm, today time.Time) float64 {
	weeks := func(a, b time.Time) float64 { return b.Sub(a).Hours() / 24 / 7 }
	return m.PAlive(r.Days-1, weeks(r.First, r.Last), weeks(r.First, today))
}
