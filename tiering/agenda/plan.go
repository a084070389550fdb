package agenda

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// A day's plan: of everyone on the agenda, the few a rep can contact
// today, chosen by one priority rule.
//
//  1. Must-dos first: an open complaint, or a follow-up due (promised).
//  2. Then value at stake: what the customer is worth (lifetime value where
//     the model is fitted, else revenue of the last 12 months) times how
//     urgent their most urgent item is (Urgency).
//  3. Ties, and customers worth nothing yet (prospects), keep the agenda's
//     order.
//
// Today gets at most the day's capacity; the rest is spread over the
// following days without exceeding theirs, and what is not done rolls
// forward (it is still on tomorrow's agenda, more overdue).

// Capacity is how many customers a rep contacts per weekday, and how many
// more greetings fit on a day near a festival.
type Capacity struct {
	PerDay    [7]int // by time.Weekday: Sunday first
	Greetings int    // extra, for festival greetings only, on days within festival.days of a festival
}

// DefaultCapacity is 12 contacts every day and 10 extra greetings near a festival.
func DefaultCapacity() Capacity {
	return Capacity{PerDay: [7]int{12, 12, 12, 12, 12, 12, 12}, Greetings: 10}
}

var weekdays = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday, "thu": time.Thursday,
	"fri": time.Friday, "sat": time.Saturday,
	"周日": time.Sunday, "周一": time.Monday, "周二": time.Tuesday, "周三": time.Wednesday, "周四": time.Thursday,
	"周五": time.Friday, "周六": time.Saturday,
}

// ParseCapacity reads "12" (every day) or "12,sat=6,sun=0" (12 on the days
// not named) or "mon=15,tue=15,wed=15,thu=15,fri=15,sat=5,sun=0". A value
// that says something twice is read by its last word ("1,20,50" is 50):
// CheckCapacity refuses it, for a value being set.
func ParseCapacity(s string) ([7]int, error) { return parseCapacity(s, false) }

// CheckCapacity is ParseCapacity's error for a capacity being set, and
// more: one number for the days not named, each weekday at most once.
func CheckCapacity(s string) error {
	_, err := parseCapacity(s, true)
	return err
}

func parseCapacity(s string, strict bool) ([7]int, error) {
	const how = "write one number for every day, then weekday=number for the days that differ (15,sat=6,sun=0)"
	var out [7]int
	def, set := 12, map[time.Weekday]int{}
	var plain []string
	seen := map[time.Weekday]string{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, num, named := strings.Cut(part, "=")
		if !named {
			num = name
		}
		n, err := strconv.Atoi(strings.TrimSpace(num))
		if err != nil || n < 0 || n > 500 {
			return out, fmt.Errorf("%q: write a number of customers from 0 to 500", part)
		}
		if !named {
			def, plain = n, append(plain, part)
			continue
		}
		wd, ok := weekdays[strings.ToLower(strings.TrimSpace(name))]
		if !ok {
			return out, fmt.Errorf("%q: a weekday is mon, tue, wed, thu, fri, sat or sun", name)
		}
		if first, twice := seen[wd]; strict && twice {
			return out, fmt.Errorf("%s is given twice (%s, %s); name each weekday at most once: %s", wd, first, part, how)
		}
		seen[wd] = part
		set[wd] = n
	}
	if strict && len(plain) > 1 {
		return out, fmt.Errorf("%d numbers without a weekday (%s), and only one can be for every day; %s",
			len(plain), strings.Join(plain, ", "), how)
	}
	for d := range out {
		out[d] = def
		if n, ok := set[time.Weekday(d)]; ok {
			out[d] = n
		}
	}
	return out, nil
}

// Priority is why a customer is where they are in the plan.
type Priority struct {
	MustDo  bool    `json:"must_do"` // an open complaint or a follow-up due
	Worth   float64 `json:"worth"`   // lifetime value, else revenue of the last 12 months (currency units)
	Urgency float64 `json:"urgency"` // of the most urgent item due, 0.5–2
	Score   float64 `json:"score"`   // Worth × Urgency
}

// Urgency is how pressing an item due on or before day is, 0 when it is
// not due yet:
//
//	payment        1 + days overdue / 30 (at most 2)
//	cadence        1 + days overdue / the tier's cadence (at most 2)
//	slipping       1 + the chance they are gone (1 − P(alive)); 1.5 when unknown
//	reorder        1.5
//	win-back       1
//	birthday, event, festival   2 on the day or the day before, else not yet
//	survey         0.5
//
// Complaints and follow-ups are must-dos and rank before any urgency.
func Urgency(it Item, day time.Time, cadence int, pAlive float64) float64 {
	late := days(it.Due, day)
	switch it.Reason {
	case BirthdayR, EventR, FestivalR:
		if late >= -1 {
			return 2
		}
		return 0
	}
	if late < 0 {
		return 0
	}
	switch it.Reason {
	case Payment:
		return 1 + math.Min(float64(late)/30, 1)
	case Cadence:
		if cadence <= 0 {
			return 1
		}
		return 1 + math.Min(float64(late)/float64(cadence), 1)
	case Slipping:
		if pAlive >= 0 && pAlive <= 1 {
			return 2 - pAlive
		}
		return 1.5
	case Reorder:
		return 1.5
	case WinBack:
		return 1
	case SurveyR:
		return 0.5
	}
	return 1
}

// mustDo reports whether an item is a must-do on day.
func mustDo(it Item, day time.Time) bool {
	return it.Reason == Complaint || (it.Reason == FollowUp && !it.Due.After(day))
}

// PlanCustomer is what the plan needs of a customer besides their items.
type PlanCustomer struct {
	Worth   float64 // currency units
	PAlive  float64 // −1 when unknown
	Cadence int     // days, for the urgency of a late cadence
}

// Planned is one customer on a day's plan.
type Planned struct {
	Entry
	Priority
	Day      time.Time
	Greeting bool // on the extra greeting capacity near a festival
}

// PlanDay is one day of the plan.
type PlanDay struct {
	Date      time.Time
	Capacity  int
	Customers []Planned
}

// Spread plans days days from today: each day takes, of the customers with
// something due by then and not planned on an earlier day, the capacity's
// worth by priority; near a festival (festivalDay reports it) greetings may
// use the extra greeting capacity. entries are the agenda's, in its order;
// info gives each customer's worth, P(alive) and cadence.
func Spread(today time.Time, entries []Entry, info map[int64]PlanCustomer, capacity Capacity,
	festivalDay func(time.Time) bool, n int) []PlanDay {
	today = day(today.Year(), today.Month(), today.Day())
	planned := make(map[int64]bool, len(entries))
	order := make(map[int64]int, len(entries))
	for i, e := range entries {
		order[e.Top().CustomerID] = i
	}
	out := make([]PlanDay, 0, n)
	for d := range n {
		date := today.AddDate(0, 0, d)
		var pool []Planned
		for _, e := range entries {
			if planned[e.Top().CustomerID] {
				continue
			}
			if p, ok := PriorityOn(e, date, info[e.Top().CustomerID]); ok {
				pool = append(pool, Planned{Entry: e, Priority: p, Day: date})
			}
		}
		slices.SortStableFunc(pool, func(a, b Planned) int {
			switch {
			case a.MustDo != b.MustDo:
				return boolFirst(a.MustDo)
			case !a.MustDo && a.Score != b.Score:
				return cmp.Compare(b.Score, a.Score)
			}
			return cmp.Compare(order[a.Top().CustomerID], order[b.Top().CustomerID])
		})
		pd := PlanDay{Date: date, Capacity: capacity.PerDay[date.Weekday()]}
		extra := 0
		if festivalDay != nil && festivalDay(date) {
			extra = capacity.Greetings
		}
		for _, p := range pool {
			switch {
			case len(pd.Customers)-countGreetings(pd.Customers) < pd.Capacity:
			case extra > 0 && onlyGreetings(p.Entry, date):
				p.Greeting = true
				extra--
			default:
				continue
			}
			planned[p.Top().CustomerID] = true
			pd.Customers = append(pd.Customers, p)
		}
		out = append(out, pd)
	}
	return out
}

func countGreetings(ps []Planned) int {
	n := 0
	for _, p := range ps {
		if p.Greeting {
			n++
		}
	}
	return n
}

// onlyGreetings reports whether all that is due for the entry on day is a
// festival greeting.
func onlyGreetings(e Entry, day time.Time) bool {
	greeting := false
	for _, it := range e.Items {
		if Urgency(it, day, 0, -1) == 0 && !mustDo(it, day) {
			continue
		}
		if it.Reason != FestivalR {
			return false
		}
		greeting = true
	}
	return greeting
}

// PriorityOn is a customer's priority on day; ok is false when nothing of
// theirs is due by then.
func PriorityOn(e Entry, date time.Time, c PlanCustomer) (Priority, bool) {
	p := Priority{Worth: math.Max(c.Worth, 0)}
	due := false
	for _, it := range e.Items {
		if mustDo(it, date) {
			p.MustDo, due = true, true
			continue
		}
		if u := Urgency(it, date, c.Cadence, c.PAlive); u > 0 {
			due = true
			p.Urgency = math.Max(p.Urgency, u)
		}
	}
	p.Score = p.Worth * p.Urgency
	return p, due
}
