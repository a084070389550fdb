package insight

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/settings"
	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/tiering"
	"github.com/rolo-crm/rolo/tiering/agenda"
	"github.com/rolo-crm/rolo/tiering/clv"
)

// AgendaQuery asks who to contact.
type AgendaQuery struct {
	AsOf time.Time
	Days int                   // also what falls due within this many days (0: only what is due today)
	Only map[tiering.Tier]bool // only customers of these tiers; nil for all
	// Lapse marks the active customers found slipping away as lapsed, as
	// of AsOf (the lifecycle moves on). Set it for today's agenda only: a
	// look at another day changes nothing.
	Lapse bool
}

// Agenda is who to contact and why, most urgent first.
type Agenda struct {
	AsOf   time.Time
	Days   int
	Items  []agenda.Item        // every reason, most urgent first
	Lapsed []store.StatusChange // customers this agenda found slipping away and marked lapsed

	cfg       agenda.Config
	customers []agenda.Customer // every current customer, in id order, for the day's plan
	ids       []int64           // their ids, to look them up by (made on first use)
	idsOnce   sync.Once
	histories []clv.Customer            // read with the agenda (store.AgendaData), in id order, for the day's plan; nil when not
	recent    map[int64][2]money.Amount // likewise (store.AgendaData.Recent)
	group     sync.Once
	entries   []agenda.Entry
}

// Entries is the agenda by customer: one entry each, in the order of their
// most urgent reason. Grouped on first use: a list of every item (rolo due
// piped or as JSON) never needs the second copy of 100,000 items.
func (a *Agenda) Entries() []agenda.Entry {
	a.group.Do(func() { a.entries = agenda.Group(a.Items) })
	return a.entries
}

// Overdue counts the customers with something overdue.
func (a *Agenda) Overdue() int {
	n := 0
	for _, e := range a.Entries() {
		if _, late := e.Late(); late {
			n++
		}
	}
	return n
}

// agendaConfig is the notebook's agenda rules, looking days ahead; a fitted
// lifetime model adds customers unlikely to be still buying to "slipping
// away".
func (s *Service) agendaConfig(ctx context.Context, set settings.Settings, days int) (agenda.Config, error) {
	cfg := set.Agenda(days)
	cfg.Money = set.Currency.Grouped
	var m savedModel
	found, err := s.st.LoadState(ctx, modelKey, &m)
	if err != nil {
		return cfg, err
	}
	if found && m.Fitted {
		cfg.Alive = &m.BG
	}
	return cfg, nil
}

// agendaInputs loads every current customer with their tier by the
// notebook's own ranking, and the open follow-ups.
func (s *Service) agendaInputs(ctx context.Context, asOf time.Time) ([]agenda.Customer, []agenda.Task, error) {
	return s.st.AgendaInputs(ctx, asOf, true)
}

// Agenda is who to contact as of q.AsOf and why, by the rules of package
// agenda and the notebook's settings.
func (s *Service) Agenda(ctx context.Context, q AgendaQuery) (*Agenda, error) {
	return s.agenda(ctx, q, false)
}

// agenda is Agenda; forPlan reads with it what the day's plan values
// customers by (without a fitted model, their recent revenue).
func (s *Service) agenda(ctx context.Context, q AgendaQuery, forPlan bool) (*Agenda, error) {
	asOf := day(q.AsOf)
	if q.Days < 0 || q.Days > 366 {
		return nil, store.Errorf(store.KindInvalid, "look ahead 0 to 366 days, not %d", q.Days)
	}
	set, err := s.st.Settings(ctx)
	if err != nil {
		return nil, err
	}
	cfg, err := s.agendaConfig(ctx, set, q.Days)
	if err != nil {
		return nil, err
	}
	data, err := s.st.Agenda(ctx, asOf, store.AgendaOptions{Tiered: true, Recent: forPlan && cfg.Alive == nil})
	if err != nil {
		return nil, err
	}
	cs, tasks := data.Customers, data.Tasks
	items := agenda.Build(asOf, cs, tasks, cfg)
	var lapsed []store.StatusChange
	if q.Lapse {
		if lapsed, err = s.lapse(ctx, asOf, cs, items); err != nil {
			return nil, err
		}
		if len(lapsed) > 0 {
			// Shown as the next look will show them: lapsed, to win back.
			now := make(map[int64]bool, len(lapsed))
			for _, c := range lapsed {
				now[c.CustomerID] = true
			}
			for i := range cs {
				if now[cs[i].ID] {
					cs[i].Status = "lapsed"
				}
			}
			items = agenda.Build(asOf, cs, tasks, cfg)
		}
	}
	if q.Only != nil {
		kept := items[:0]
		for _, it := range items {
			if q.Only[it.Tier] {
				kept = append(kept, it)
			}
		}
		items = kept
	}
	return &Agenda{AsOf: asOf, Days: q.Days, Items: items, Lapsed: lapsed, cfg: cfg,
		customers: cs, histories: data.Histories, recent: data.Recent}, nil
}

// customer is the current customer id as the agenda read them; nil when
// not one.
func (ag *Agenda) customer(id int64) *agenda.Customer {
	ag.idsOnce.Do(func() {
		ag.ids = make([]int64, len(ag.customers))
		for i := range ag.customers {
			ag.ids[i] = ag.customers[i].ID
		}
	})
	// Searched in the ids alone: a tenth of the time of searching the
	// customers (400 bytes each) on a large notebook.
	i, ok := slices.BinarySearch(ag.ids, id)
	if !ok {
		return nil
	}
	return &ag.customers[i]
}

// Greetings is who to greet for a festival.
type Greetings struct {
	Festival  agenda.Festival
	Date      time.Time
	Customers []agenda.Customer // key and major first, those already greeted left out
}

// Festivals lists the festivals the notebook greets for.
func (s *Service) Festivals(ctx context.Context) ([]agenda.Festival, error) {
	set, err := s.st.Settings(ctx)
	if err != nil {
		return nil, err
	}
	return set.Agenda(7).Festivals, nil
}

// Greetings lists the customers to greet for the next occurrence of the
// festival named key (spring, mid-autumn, a configured festival), or of
// the festival that comes first from asOf when key is empty.
func (s *Service) Greetings(ctx context.Context, key string, asOf time.Time) (*Greetings, error) {
	asOf = day(asOf)
	set, err := s.st.Settings(ctx)
	if err != nil {
		return nil, err
	}
	cfg := set.Agenda(7)
	var fest *agenda.Festival
	var date time.Time
	var keys []string
	for i, f := range cfg.Festivals {
		keys = append(keys, f.Key)
		if strings.TrimSpace(key) != "" {
			if fest == nil && f.Is(key) {
				fest = &cfg.Festivals[i]
			}
			continue
		}
		// The lunar calendar's table ends some day: a festival past it
		// is not the next one.
		if d, err := f.Next(asOf); err == nil && (fest == nil || d.Before(date)) {
			fest, date = &cfg.Festivals[i], d
		}
	}
	if fest == nil && strings.TrimSpace(key) == "" {
		return nil, store.Errorf(store.KindInvalid, "no festival ahead of %s in the lunar calendar rolo knows", asOf.Format(store.DateLayout))
	}
	if fest == nil {
		return nil, store.Errorf(store.KindInvalid, "unknown festival %q; use one of %s", key, strings.Join(keys, ", "))
	}
	date, err = fest.Next(asOf)
	if err != nil {
		return nil, store.Errorf(store.KindInvalid, "%s: %v", fest.Name, err)
	}
	cs, _, err := s.agendaInputs(ctx, asOf)
	if err != nil {
		return nil, err
	}
	return &Greetings{Festival: *fest, Date: date, Customers: agenda.GreetingList(cs, date, cfg.FestivalDays)}, nil
}
