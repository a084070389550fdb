package insight

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/tiering"
	"github.com/rolo-crm/rolo/tiering/agenda"
)

// The customer lifecycle: prospect → active → lapsed → (lost with a reason
// | won_back); dropped for customers the rep stopped serving. A purchase
// makes a prospect active and wins a lapsed or lost customer back (the
// store does it with the purchase); a customer who slips away lapses (here,
// when the agenda is drawn up); lost and dropped are the rep's call.

// lapse marks as lapsed the active and won-back customers the agenda finds
// slipping away (long past their own rhythm, or unlikely to be still
// buying), and returns them.
func (s *Service) lapse(ctx context.Context, asOf time.Time, cs []agenda.Customer, items []agenda.Item) ([]store.StatusChange, error) {
	status := make(map[int64]string, len(cs))
	for _, c := range cs {
		status[c.ID] = c.Status
	}
	var changes []store.StatusChange
	seen := map[int64]bool{}
	for _, it := range items {
		st := status[it.CustomerID]
		if it.Reason != agenda.Slipping || !it.Overdue() || seen[it.CustomerID] || (st != "active" && st != "won_back") {
			continue
		}
		seen[it.CustomerID] = true
		changes = append(changes, store.StatusChange{CustomerID: it.CustomerID, Name: it.Name, Status: "lapsed",
			Date: asOf.Format(store.DateLayout), Auto: true})
	}
	return changes, s.st.SetStatuses(ctx, changes)
}

// AddPurchase records a purchase note. A purchase of a key or major
// customer (settings thanks.tiers) made in the last week schedules a
// thank-you follow-up thanks.days later; it is returned when there is one.
func (s *Service) AddPurchase(ctx context.Context, p store.Purchase) (store.Purchase, *store.FollowUp, error) {
	p, err := s.st.AddPurchase(ctx, p)
	if err != nil {
		return p, nil, err
	}
	f, err := s.thank(ctx, p)
	return p, f, err
}

// thank schedules the thank-you a purchase calls for (see AddPurchase).
func (s *Service) thank(ctx context.Context, p store.Purchase) (*store.FollowUp, error) {
	set, err := s.st.Settings(ctx)
	if err != nil || len(set.ThanksTiers) == 0 {
		return nil, err
	}
	d, _ := store.ParseDate(p.Date)
	created, _ := time.Parse(time.RFC3339, p.CreatedAt)
	if day(created).Sub(d) > 7*24*time.Hour {
		return nil, nil // an old purchase written down late: too late to thank
	}
	tier, err := s.TierOf(ctx, p.CustomerID, day(created))
	if err != nil || !set.ThanksTiers[tier] {
		return nil, err
	}
	f, err := s.st.AddFollowUp(ctx, store.FollowUp{CustomerID: p.CustomerID, Due: d.AddDate(0, 0, set.ThanksDays).Format(store.DateLayout),
		What: store.PurchaseThanks(p, string(tier)), Source: "thanks"})
	if err != nil {
		return nil, err
	}
	return &f, nil
}

// Snooze hides an agenda item until a day (a follow-up moves to that day);
// the returned function takes it back.
func (s *Service) Snooze(ctx context.Context, it agenda.Item, until time.Time, note string) (undo func(context.Context) error, err error) {
	if it.FollowUpID != 0 {
		f, err := s.st.FollowUp(ctx, it.FollowUpID)
		if err != nil {
			return nil, err
		}
		was, _ := store.ParseDate(f.Due)
		if err := s.st.RescheduleFollowUp(ctx, it.FollowUpID, until); err != nil {
			return nil, err
		}
		return func(ctx context.Context) error { return s.st.RescheduleFollowUp(ctx, it.FollowUpID, was) }, nil
	}
	a, err := s.st.AddAgendaAction(ctx, store.AgendaAction{CustomerID: it.CustomerID, Reason: string(it.Reason), Ref: it.Ref(),
		Due: it.Due.Format(store.DateLayout), Until: until.Format(store.DateLayout), Note: note})
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context) error { return s.st.DeleteAgendaAction(ctx, a.ID) }, nil
}

// Dismiss takes an agenda item off, with the reason why: this occurrence
// is gone, a later one comes back. A follow-up is marked done instead; an
// open complaint cannot be dismissed (resolve it).
func (s *Service) Dismiss(ctx context.Context, it agenda.Item, note string, at time.Time) (undo func(context.Context) error, err error) {
	switch {
	case it.Reason == agenda.Complaint:
		return nil, store.Errorf(store.KindInvalid, "an open complaint is not dismissed: resolve it (with a note of what was done)")
	case it.FollowUpID != 0:
		if _, err := s.st.CompleteFollowUp(ctx, it.FollowUpID, at); err != nil {
			return nil, err
		}
		return func(ctx context.Context) error {
			_, err := s.st.UpdateFollowUp(ctx, it.FollowUpID, func(f *store.FollowUp) error { f.DoneAt = nil; return nil })
			return err
		}, nil
	}
	if strings.TrimSpace(note) == "" {
		return nil, store.Errorf(store.KindInvalid, "say why it is dismissed (a note)")
	}
	a, err := s.st.AddAgendaAction(ctx, store.AgendaAction{CustomerID: it.CustomerID, Reason: string(it.Reason), Ref: it.Ref(),
		Due: it.Due.Format(store.DateLayout), Note: note})
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context) error { return s.st.DeleteAgendaAction(ctx, a.ID) }, nil
}

// AddEvent records a customer's dated event.
func (s *Service) AddEvent(ctx context.Context, e store.Event) (store.Event, error) {
	return s.st.AddEvent(ctx, e)
}

// DeleteEvent removes an event, returning it (for undo).
func (s *Service) DeleteEvent(ctx context.Context, id int64) (store.Event, error) {
	return s.st.DeleteEvent(ctx, id)
}

// Churn is who was lost and who was won back over a period, and customers
// gained against lost per month.
type Churn struct {
	From, To time.Time
	Lost     []store.StatusChange // customers lost, oldest first
	WonBack  []store.StatusChange
	Lapsed   []store.StatusChange
	ByReason []ReasonCount // the lost, by reason, most first
	Months   []ChurnMonth
}

// ReasonCount is how many customers were lost for one reason.
type ReasonCount struct {
	Reason string
	Count  int
}

// ChurnMonth is one month's customers gained (first purchase), lost, won
// back and lapsed.
type ChurnMonth struct {
	Month                         time.Time
	Gained, Lost, WonBack, Lapsed int
}

// Churn reports the lifecycle from..to.
func (s *Service) Churn(ctx context.Context, from, to time.Time) (*Churn, error) {
	from, to = day(from), day(to)
	if to.Before(from) {
		return nil, store.Errorf(store.KindInvalid, "the period ends (%s) before it starts (%s)", to.Format(store.DateLayout), from.Format(store.DateLayout))
	}
	changes, err := s.st.StatusChanges(ctx, from, to)
	if err != nil {
		return nil, err
	}
	gained, err := s.st.FirstPurchases(ctx, from, to)
	if err != nil {
		return nil, err
	}
	out := &Churn{From: from, To: to}
	months := map[string]*ChurnMonth{}
	for m := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC); !m.After(to); m = m.AddDate(0, 1, 0) {
		cm := &ChurnMonth{Month: m, Gained: gained[m.Format("2006-01")]}
		months[m.Format("2006-01")] = cm
	}
	reasons := map[string]int{}
	for _, c := range changes {
		cm := months[c.Date[:7]]
		switch c.Status {
		case "lost":
			out.Lost = append(out.Lost, c)
			reasons[c.Reason]++
			cm.Lost++
		case "won_back":
			out.WonBack = append(out.WonBack, c)
			cm.WonBack++
		case "lapsed":
			out.Lapsed = append(out.Lapsed, c)
			cm.Lapsed++
		}
	}
	for r, n := range reasons {
		out.ByReason = append(out.ByReason, ReasonCount{r, n})
	}
	slices.SortFunc(out.ByReason, func(a, b ReasonCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Reason, b.Reason))
	})
	for m := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC); !m.After(to); m = m.AddDate(0, 1, 0) {
		out.Months = append(out.Months, *months[m.Format("2006-01")])
	}
	return out, nil
}

// Movement is one method's tier changes of a customer, oldest first; only
// real changes (each differs from the one before).
type Movement struct {
	Method tiering.Method
	Steps  []store.TierChange
}

// movements groups tier history by method.
func movements(hist []store.TierChange) []Movement {
	var out []Movement
	idx := map[string]int{}
	for _, h := range hist {
		i, ok := idx[h.Method]
		if !ok {
			i = len(out)
			idx[h.Method] = i
			out = append(out, Movement{Method: tiering.Method(h.Method)})
		}
		steps := out[i].Steps
		if n := len(steps); n > 0 && steps[n-1].Tier == h.Tier {
			continue
		}
		out[i].Steps = append(steps, h)
	}
	return out
}
