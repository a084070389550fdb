package insight

import (
	"context"
	"fmt"
	"time"

	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/tiering"
	"github.com/rolo-crm/rolo/tiering/agenda"
)

// ReportRow is one customer's line of the whole-notebook report (rolo
// export tiers): tier, value, RFM scores and lifetime value.
type ReportRow struct {
	tiering.Metrics
	Tier       tiering.Tier
	Value      float64 // the ranking value (money in minor units: revenue)
	LossMaking bool
	RFM        *tiering.RFM // nil for customers without a purchase
	Lifetime   *LifetimeRow // nil for customers without a purchase
}

// Report is every current customer's tier by the notebook's ranking, RFM
// scores and lifetime value, by id.
func (s *Service) Report(ctx context.Context, asOf time.Time) ([]ReportRow, error) {
	t, err := s.Tiers(ctx, TierQuery{AsOf: asOf})
	if err != nil {
		return nil, err
	}
	lt, err := s.Lifetime(ctx, LifetimeQuery{AsOf: asOf})
	if err != nil {
		return nil, err
	}
	life := make(map[int64]*LifetimeRow, len(lt.Rows))
	for i := range lt.Rows {
		life[lt.Rows[i].ID] = &lt.Rows[i]
	}
	rfm := map[int64]*tiering.RFM{}
	scores := tiering.ComputeRFM(t.Metrics, t.Query.AsOf)
	for i := range scores {
		rfm[scores[i].ID] = &scores[i]
	}
	rows := make([]ReportRow, len(t.Metrics))
	for i, m := range t.Metrics {
		a := t.Assign[m.ID]
		rows[i] = ReportRow{Metrics: m, Tier: a.Tier, Value: a.Value, LossMaking: a.LossMaking, RFM: rfm[m.ID], Lifetime: life[m.ID]}
	}
	return rows, nil
}

// Event is one dated thing for a calendar: a follow-up or a birthday.
type Event struct {
	UID        string // stable across exports, unique per occurrence
	Date       time.Time
	Summary    string
	CustomerID int64
	Kind       agenda.Reason // follow-up, birthday or event
}

// CalendarYears is how many years of birthdays the calendar lists: lunar
// birthdays move every year, so each is written as an explicit date.
const CalendarYears = 5

// Calendar lists the open follow-ups due within CalendarYears and every
// current customer's birthdays over those years, by date.
func (s *Service) Calendar(ctx context.Context, asOf time.Time) ([]Event, error) {
	asOf = day(asOf)
	until := asOf.AddDate(CalendarYears, 0, 0)
	fs, err := s.st.OpenFollowUpsDue(ctx, until)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(fs))
	for i, f := range fs {
		ids[i] = f.CustomerID
	}
	names, err := s.st.CustomersByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	var out []Event
	for _, f := range fs {
		d, _ := store.ParseDate(f.Due)
		out = append(out, Event{UID: fmt.Sprintf("followup-%d@rolo", f.ID), Date: d, CustomerID: f.CustomerID,
			Summary: "Follow up: " + names[f.CustomerID].Name + " — " + f.What, Kind: agenda.FollowUp})
	}
	err = s.st.EachCustomer(ctx, "", func(c store.Customer) error {
		if c.ArchivedAt != nil || c.Birthday == "" {
			return nil
		}
		b, err := store.ParseBirthday(c.Birthday, c.BirthdayLunar)
		if err != nil {
			return nil
		}
		bd := agenda.Birthday{Month: b.Month, Day: b.Day, Lunar: c.BirthdayLunar, Leap: c.BirthdayLeap}
		what := "birthday"
		if c.BirthdayLunar {
			what = fmt.Sprintf("lunar birthday (农历 %d月%d日)", b.Month, b.Day)
		}
		for from := asOf; from.Before(until); {
			d, err := bd.OnOrAfter(from)
			if err != nil || !d.Before(until) {
				break
			}
			// A lunar birthday can fall twice in one solar year: the date,
			// not the year, names the occurrence.
			out = append(out, Event{UID: fmt.Sprintf("birthday-%d-%s@rolo", c.ID, d.Format("20060102")), Date: d,
				CustomerID: c.ID, Summary: c.Name + " " + what, Kind: agenda.BirthdayR})
			from = d.AddDate(0, 0, 1)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Dated events (anniversaries, 婚庆喜事), yearly ones every year of the window.
	evs, err := s.st.Events(ctx, 0)
	if err != nil {
		return nil, err
	}
	owners := make([]int64, len(evs))
	for i, e := range evs {
		owners[i] = e.CustomerID
	}
	if names, err = s.st.CustomersByID(ctx, owners); err != nil {
		return nil, err
	}
	for _, e := range evs {
		c := names[e.CustomerID]
		ae, err := e.Agenda()
		if err != nil || c.Status == "dropped" {
			continue
		}
		for from := asOf; from.Before(until); {
			d, ok := ae.Next(from)
			if !ok || !d.Before(until) {
				break
			}
			out = append(out, Event{UID: fmt.Sprintf("event-%d-%s@rolo", e.ID, d.Format("20060102")), Date: d,
				CustomerID: c.ID, Summary: c.Name + " " + e.What, Kind: agenda.EventR})
			from = d.AddDate(0, 0, 1)
		}
	}
	return out, nil
}
