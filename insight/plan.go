package insight

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/tiering/agenda"
	"github.com/rolo-crm/rolo/tiering/clv"
)

// PlanQuery asks for the day's plan.
type PlanQuery struct {
	AsOf time.Time
	Days int // how many days to plan, today first (1 for today, 7 for the week)
	// Keep makes today's plan stable through the day: the first plan of the
	// day is kept in the notebook and later calls show the same customers,
	// ticking off those done. Set it for today only (not a look at another
	// day): it also marks the customers found slipping away as lapsed, as
	// today's agenda does.
	Keep bool
}

// Plan is today's plan and the days after it.
type Plan struct {
	AsOf      time.Time
	Capacity  agenda.Capacity
	WorthFrom string // "clv" (the fitted lifetime model) or "revenue_12m"
	Today     []PlanRow
	Later     []agenda.PlanDay // the days after today
	Backlog   int              // customers with something due by today who are not on today's plan
	Agenda    *Agenda          // everything due within 7 days (or the days planned), as rolo due has it
}

// Rest is the agenda's customers who are not on today's plan, in the
// agenda's order.
func (p *Plan) Rest() []agenda.Entry {
	on := make(map[int64]bool, len(p.Today))
	for _, r := range p.Today {
		on[r.Top().CustomerID] = true
	}
	var out []agenda.Entry
	for _, e := range p.Agenda.Entries() {
		if !on[e.Top().CustomerID] {
			out = append(out, e)
		}
	}
	return out
}

// PlanRow is one customer on today's plan.
type PlanRow struct {
	agenda.Planned
	Done bool // contacted today, or nothing of theirs is due any more
	// Contacted: done because contacted today while something of theirs
	// is still due (a debt, a complaint, the survey: a contact does not
	// clear those); "✓ contacted", not "✓ done".
	Contacted bool
	Added     bool // a complaint or follow-up that fell due after the plan was made, or one who fills its room
	// Snoozed, when nothing of theirs is due any more because the rep
	// snoozed it (not contacted, not done): the snooze that returns last.
	Snoozed *agenda.Action
}

// Done counts the customers on today's plan who are done (not those
// snoozed).
func (p *Plan) Done() int {
	n := 0
	for _, r := range p.Today {
		if r.Done {
			n++
		}
	}
	return n
}

// keptPlan is today's plan as first made, kept for the rest of the day.
type keptPlan struct {
	Date string  `json:"date"`
	IDs  []int64 `json:"customer_ids"`
	// Capacity is the capacity it was made for: a plan kept from before
	// the rep changed it is made again.
	Capacity *agenda.Capacity `json:"capacity,omitempty"`
	// MustDos are the complaints and follow-ups already due when the plan
	// was made ("complaint-7", "follow-up-12"): only others join it later.
	MustDos []string `json:"must_dos"`
}

// mustDoKeys names the complaints and follow-ups due by day among items.
func mustDoKeys(items []agenda.Item, day time.Time) []string {
	var out []string
	for _, it := range items {
		switch {
		case it.Reason == agenda.Complaint:
			out = append(out, fmt.Sprintf("complaint-%d", it.ComplaintID))
		case it.Reason == agenda.FollowUp && !it.Due.After(day):
			out = append(out, fmt.Sprintf("follow-up-%d", it.FollowUpID))
		}
	}
	return out
}

const planKey = "plan.today"

// Plan draws up the day's plan: of everyone on the agenda, as many as the
// day's capacity (settings plan.capacity), must-dos first (open complaints,
// follow-ups due), then by value at stake — worth (lifetime value when the
// model is fitted, else revenue of the last 12 months) times urgency; the
// rest spread over the following days. See package agenda for the rule.
func (s *Service) Plan(ctx context.Context, q PlanQuery) (*Plan, error) {
	asOf := day(q.AsOf)
	n := min(max(q.Days, 1), 14)
	set, err := s.st.Settings(ctx)
	if err != nil {
		return nil, err
	}
	ag, err := s.agenda(ctx, AgendaQuery{AsOf: asOf, Days: max(n, 7), Lapse: q.Keep}, true)
	if err != nil {
		return nil, err
	}
	info, from, err := s.planInfo(ctx, ag)
	if err != nil {
		return nil, err
	}
	festivalDay := func(d time.Time) bool {
		for _, f := range ag.cfg.Festivals {
			if next, err := f.Next(d); err == nil && !next.After(d.AddDate(0, 0, ag.cfg.FestivalDays)) {
				return true
			}
		}
		return false
	}
	plan := &Plan{AsOf: asOf, Capacity: set.Capacity, WorthFrom: from, Agenda: ag}

	var kept keptPlan
	if q.Keep {
		if _, err := s.st.LoadState(ctx, planKey, &kept); err != nil {
			return nil, err
		}
	}
	contacted := func(id int64) bool {
		c := ag.customer(id)
		return c != nil && !c.Reached.Before(asOf)
	}
	entries := ag.Entries()
	if q.Keep && kept.Date == asOf.Format(store.DateLayout) && (kept.Capacity == nil || *kept.Capacity == set.Capacity) {
		// The plan made earlier today stands: the same customers, in the
		// same order; a complaint or follow-up that fell due since joins it.
		known := make(map[string]bool, len(kept.MustDos))
		for _, k := range kept.MustDos {
			known[k] = true
		}
		onPlan := make(map[int64]bool, len(kept.IDs))
		for _, id := range kept.IDs {
			onPlan[id] = true
		}
		byID := make(map[int64]agenda.Entry, len(kept.IDs))
		for _, e := range entries {
			if id := e.Top().CustomerID; onPlan[id] {
				byID[id] = e
			}
		}
		for _, id := range kept.IDs {
			row := PlanRow{Planned: agenda.Planned{Day: asOf}}
			var due bool
			if e, ok := byID[id]; ok {
				// Still on the agenda; done when nothing is due today any more.
				row.Entry = e
				row.Priority, due = agenda.PriorityOn(e, asOf, info[id])
				row.Done = !due
			} else {
				row.Done = true
				it := agenda.Item{CustomerID: id, Name: s.nameOf(ctx, id)}
				if c := ag.customer(id); c != nil {
					it.Tier = c.Tier // nothing left due: their tier all the same (it was blank)
				}
				row.Entry = agenda.Entry{Items: []agenda.Item{it}}
			}
			row.Contacted = due && contacted(id)
			row.Done = row.Done || contacted(id)
			if c := ag.customer(id); row.Done && !contacted(id) && c != nil {
				for i, a := range c.Actions {
					// A snooze of something due by today (not of next week's birthday).
					if !a.Dismissed && !a.Due.After(asOf) && asOf.Before(a.Until) && (row.Snoozed == nil || a.Until.After(row.Snoozed.Until)) {
						row.Snoozed = &c.Actions[i]
					}
				}
				// A follow-up due when the plan was made and moved since
				// (snoozing a follow-up moves its day).
				for _, it := range row.Items {
					if it.Reason == agenda.FollowUp && it.Due.After(asOf) && known[fmt.Sprintf("follow-up-%d", it.FollowUpID)] &&
						(row.Snoozed == nil || it.Due.After(row.Snoozed.Until)) {
						row.Snoozed = &agenda.Action{Reason: agenda.FollowUp, Ref: it.FollowUpID, Until: it.Due}
					}
				}
				row.Done = row.Snoozed == nil
			}
			plan.Today = append(plan.Today, row)
		}
		rest := make([]agenda.Entry, 0, len(entries))
		joined := false // someone joined the plan: it is saved again
		for _, e := range entries {
			id := e.Top().CustomerID
			if onPlan[id] {
				continue
			}
			fresh := false
			for _, k := range mustDoKeys(e.Items, asOf) {
				fresh = fresh || (kept.MustDos != nil && !known[k])
			}
			if p, ok := agenda.PriorityOn(e, asOf, info[id]); ok && fresh && !contacted(id) {
				plan.Today = append(plan.Today, PlanRow{Planned: agenda.Planned{Entry: e, Priority: p, Day: asOf}, Added: true})
				// Kept from now on: contacted, it stays on the plan, done,
				// and its place is not given to another.
				kept.IDs = append(kept.IDs, id)
				joined = true
				continue
			}
			rest = append(rest, e)
		}
		// Room left on the plan (it was made when fewer were due): who
		// became due since fills it, by the same rule, and stays on it.
		if free := set.Capacity.PerDay[asOf.Weekday()] - len(plan.Today); free > 0 {
			var open []agenda.Entry
			for _, e := range rest {
				if !contacted(e.Top().CustomerID) {
					open = append(open, e)
				}
			}
			var room agenda.Capacity
			for d := range room.PerDay {
				room.PerDay[d] = free
			}
			if fill := agenda.Spread(asOf, open, info, room, nil, 1)[0].Customers; len(fill) > 0 {
				filled := make(map[int64]bool, len(fill))
				for _, p := range fill {
					filled[p.Top().CustomerID] = true
					kept.IDs = append(kept.IDs, p.Top().CustomerID)
					plan.Today = append(plan.Today, PlanRow{Planned: p, Added: true})
				}
				rest = slices.DeleteFunc(rest, func(e agenda.Entry) bool { return filled[e.Top().CustomerID] })
				joined = true
			}
		}
		if joined {
			if err := s.st.SaveState(ctx, planKey, kept); err != nil {
				return nil, err
			}
		}
		if n > 1 {
			plan.Later = agenda.Spread(asOf.AddDate(0, 0, 1), rest, info, set.Capacity, festivalDay, n-1)
		}
		plan.Backlog = dueBy(rest, asOf, info)
		return plan, nil
	}

	days := agenda.Spread(asOf, entries, info, set.Capacity, festivalDay, n)
	ids := make([]int64, 0, len(days[0].Customers))
	onPlan := map[int64]bool{}
	for _, p := range days[0].Customers {
		id := p.Top().CustomerID
		ids = append(ids, id)
		onPlan[id] = true
		plan.Today = append(plan.Today, PlanRow{Planned: p, Done: contacted(id), Contacted: contacted(id)})
	}
	plan.Later = days[1:]
	var rest []agenda.Entry
	for _, e := range entries {
		if !onPlan[e.Top().CustomerID] {
			rest = append(rest, e)
		}
	}
	plan.Backlog = dueBy(rest, asOf, info)
	if q.Keep {
		mustDos := []string{} // [] not null: null marks a plan kept before must-dos were
		for _, e := range entries {
			mustDos = append(mustDos, mustDoKeys(e.Items, asOf)...)
		}
		if err := s.st.SaveState(ctx, planKey, keptPlan{Date: asOf.Format(store.DateLayout), IDs: ids, MustDos: mustDos, Capacity: &set.Capacity}); err != nil {
			return nil, err
		}
	}
	return plan, nil
}

// dueBy counts the entries with something due by day.
func dueBy(entries []agenda.Entry, day time.Time, info map[int64]agenda.PlanCustomer) int {
	n := 0
	for _, e := range entries {
		if _, ok := agenda.PriorityOn(e, day, info[e.Top().CustomerID]); ok {
			n++
		}
	}
	return n
}

func (s *Service) nameOf(ctx context.Context, id int64) string {
	cs, err := s.st.CustomersByID(ctx, []int64{id})
	if err != nil {
		return ""
	}
	return cs[id].Name
}

// planInfo is what the plan weighs each customer on the agenda by: their
// worth (lifetime value from the kept fitted model, else revenue of the
// last 12 months — or of the 12 before, when that was more), P(alive) when
// the model knows it, and their cadence.
func (s *Service) planInfo(ctx context.Context, ag *Agenda) (map[int64]agenda.PlanCustomer, string, error) {
	asOf := ag.AsOf
	ids := make([]int64, 0, len(ag.Entries()))
	info := make(map[int64]agenda.PlanCustomer, len(ag.Entries()))
	for _, e := range ag.Entries() {
		id := e.Top().CustomerID
		ids = append(ids, id)
		pc := agenda.PlanCustomer{PAlive: -1, Cadence: ag.cfg.Cadence[e.Top().Tier]}
		if c := ag.customer(id); c != nil && c.CadenceDays > 0 {
			pc.Cadence = c.CadenceDays
		}
		info[id] = pc
	}
	var m savedModel
	found, err := s.st.LoadState(ctx, modelKey, &m)
	if err != nil {
		return nil, "", err
	}
	cur := s.st.Currency()
	// Recent revenue: read with the agenda when there is no model, else
	// only when the model gives no figure.
	revenue := func() (map[int64][2]money.Amount, error) {
		if ag.recent != nil {
			return ag.recent, nil
		}
		return s.st.RecentRevenue(ctx, asOf)
	}
	if !found || !m.Fitted {
		// Without a model the worth is recent revenue alone.
		rev, err := revenue()
		if err != nil {
			return nil, "", err
		}
		for _, id := range ids {
			pc := info[id]
			// A customer gone quiet is worth what they were: the better of
			// the last 12 months and the 12 before.
			pc.Worth = cur.Float(max(rev[id][0], rev[id][1]))
			info[id] = pc
		}
		return info, "revenue_12m", nil
	}
	var in []clv.Customer
	if ag.histories != nil {
		// Read with the agenda: what CLVHistoriesFor gives (tested).
		in = make([]clv.Customer, 0, len(ids))
		for _, id := range ids {
			if i, ok := slices.BinarySearchFunc(ag.histories, id, func(h clv.Customer, id int64) int { return cmp.Compare(h.ID, id) }); ok {
				in = append(in, ag.histories[i])
			}
		}
	} else if in, err = s.st.CLVHistoriesFor(ctx, asOf, ids); err != nil {
		return nil, "", err
	}
	figs := clv.FiguresAll(m.BG, m.GG, in, m.Options.HorizonMonths, m.Options.AnnualDiscount, m.Options.Margin)
	var rev map[int64][2]money.Amount // read only when a model gives no figure
	for i, c := range in {
		pc := info[c.ID]
		if r := figs[i]; r.CLV >= 0 && r.PAlive >= 0 && r.PAlive <= 1 {
			pc.Worth, pc.PAlive = r.CLV, r.PAlive
		} else {
			if rev == nil {
				if rev, err = revenue(); err != nil {
					return nil, "", err
				}
			}
			pc.Worth = cur.Float(max(rev[c.ID][0], rev[c.ID][1]))
		}
		info[c.ID] = pc
	}
	return info, "clv", nil
}
