package insight

import (
	"context"
	"time"

	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/tiering"
)

// Card is everything about one customer: profile, tier and its treatment,
// value, lifetime value, history and what is open.
type Card struct {
	Customer       store.Customer
	Tier           tiering.Tier
	Treatment      tiering.Treatment // the tier's, with the customer's own cadence
	Metrics        tiering.Metrics
	Referrer       *store.Customer
	Purchases      []store.Purchase // newest first, up to the limit asked
	Contacts       []store.Contact  // newest first, up to the limit asked
	FollowUps      []store.FollowUp // open ones, soonest first
	Surveys        []store.Survey   // newest first
	History        []store.TierChange
	Movements      []Movement // the tier history by method, real changes only
	Events         []store.Event
	OpenComplaints []store.Contact
	Payments       []store.Payment   // after the sale, newest first
	Debts          []store.Debt      // purchases not paid in full, oldest first
	Lifetime       *CustomerLifetime // from the kept model; nil without one
	Monthly        []MonthRevenue    // revenue of each of the last 12 months, oldest first
}

// MonthRevenue is what a customer bought in one calendar month.
type MonthRevenue struct {
	Month   time.Time // the first of the month
	Revenue money.Amount
}

// CardQuery shapes a card.
type CardQuery struct {
	AsOf  time.Time
	Limit int // purchases and contacts to include; 0 for all
}

// Card reads one customer's card.
func (s *Service) Card(ctx context.Context, id int64, q CardQuery) (*Card, error) {
	asOf := day(q.AsOf)
	c, err := s.st.Customer(ctx, id)
	if err != nil {
		return nil, err
	}
	card := &Card{Customer: c}
	ms, err := s.st.Metrics(ctx, asOf, store.MetricsOptions{Only: id, Growth: true})
	if err != nil {
		return nil, err
	}
	if len(ms) == 1 {
		card.Metrics = ms[0]
	} else {
		card.Metrics = tiering.Metrics{ID: id, Name: c.Name} // archived: outside the ranks
	}
	card.Tier = tiering.Prospect
	switch {
	case c.Status == "dropped":
		card.Tier = tiering.Dropped
	case card.Metrics.Buyer() && c.ArchivedAt == nil:
		if card.Tier, err = s.TierOf(ctx, id, asOf); err != nil {
			return nil, err
		}
	}
	card.Treatment = tiering.TreatmentOf(card.Tier, c.Status, c.Attitude)
	if c.CadenceDays != nil {
		card.Treatment.CadenceDays = *c.CadenceDays
	}
	if c.ReferredBy != nil {
		r, err := s.st.Customer(ctx, *c.ReferredBy)
		switch {
		case err == nil:
			card.Referrer = &r
		case store.KindOf(err) == store.KindNotFound:
			// Another rep's customer on a team's notebook: not even its id.
			card.Customer.ReferredBy = nil
		}
	}
	if card.Purchases, err = s.st.Purchases(ctx, id, q.Limit); err != nil {
		return nil, err
	}
	if card.Contacts, err = s.st.Contacts(ctx, id, q.Limit); err != nil {
		return nil, err
	}
	if card.FollowUps, err = s.st.FollowUps(ctx, id, true); err != nil {
		return nil, err
	}
	if card.Surveys, err = s.st.Surveys(ctx, id); err != nil {
		return nil, err
	}
	if card.History, err = s.st.TierHistory(ctx, id); err != nil {
		return nil, err
	}
	card.Movements = movements(card.History)
	// The history is written when the notebook is ranked (pyramid, the
	// reports); the card's own tier is the ranking as of now. After a
	// sale that moved the customer, the movement line ends with it, not
	// with the tier the last ranking recorded ("prospect since" on a card
	// whose badge said KEY).
	for i, mv := range card.Movements {
		last := mv.Steps[len(mv.Steps)-1]
		if mv.Method == tiering.MethodPyramid && last.Tier != string(card.Tier) && last.Date <= asOf.Format(store.DateLayout) {
			card.Movements[i].Steps = append(mv.Steps, store.TierChange{CustomerID: id, Method: last.Method, Tier: string(card.Tier), Date: asOf.Format(store.DateLayout)})
		}
	}
	if card.Events, err = s.st.Events(ctx, id); err != nil {
		return nil, err
	}
	if card.OpenComplaints, err = s.st.OpenComplaints(ctx, id); err != nil {
		return nil, err
	}
	if card.Payments, err = s.st.Payments(ctx, id); err != nil {
		return nil, err
	}
	if card.Debts, err = s.st.Debts(ctx, id, asOf); err != nil {
		return nil, err
	}
	if card.Lifetime, err = s.CustomerLifetime(ctx, id, asOf); err != nil {
		return nil, err
	}
	first := time.Date(asOf.Year(), asOf.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -11, 0)
	byMonth, err := s.st.MonthlyRevenue(ctx, id, first)
	if err != nil {
		return nil, err
	}
	for m := first; !m.After(asOf); m = m.AddDate(0, 1, 0) {
		card.Monthly = append(card.Monthly, MonthRevenue{Month: m, Revenue: byMonth[m.Format("2006-01")]})
	}
	return card, nil
}
