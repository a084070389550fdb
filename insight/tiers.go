package insight

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/tiering"
)

// TierQuery says how to rank customers.
type TierQuery struct {
	Method tiering.Method    // "" is the pyramid
	By     tiering.Indicator // "" is revenue
	AsOf   time.Time         // the day that counts as today
	Since  time.Time         // count only purchases on or after this day; zero for all
}

func (q TierQuery) resolve() TierQuery {
	if q.Method == "" {
		q.Method = tiering.MethodPyramid
	}
	if q.By == "" {
		q.By = tiering.ByRevenue
	}
	q.AsOf = day(q.AsOf)
	if !q.Since.IsZero() {
		q.Since = day(q.Since)
	}
	return q
}

// Tiers is every current customer ranked by one method.
type Tiers struct {
	Query    TierQuery
	Config   tiering.Config
	Currency money.Currency
	Metrics  []tiering.Metrics // every current customer, by id
	Assign   map[int64]tiering.Assignment
	Lifetime *Lifetime // the lifetime values ranked, when ranking by them
	Dropped  int       // customers the rep stopped serving: outside the ranks, listed on their own
}

// metricsOptions asks the store for only what a method looks at: the
// purchase figures alone unless it weighs contacts, referrals or surveys.
func metricsOptions(cfg tiering.Config) store.MetricsOptions {
	switch cfg.Method {
	case tiering.MethodScorecard:
		return store.MetricsOptions{Growth: true}
	case tiering.MethodScore:
		if cfg.ScoreWeights["referrals"] > 0 || cfg.ScoreWeights["satisfaction"] > 0 {
			return store.MetricsOptions{}
		}
	}
	return store.MetricsOptions{Lean: true}
}

// Tiers ranks every current customer as q asks. Ranked by revenue over
// all purchases, the tiers are recorded in the tier history (one row per
// customer whose tier changed), which the card's movement line and
// `movers` read.
func (s *Service) Tiers(ctx context.Context, q TierQuery) (*Tiers, error) {
	q = q.resolve()
	if t := s.cached(ctx, q); t != nil {
		return t, nil
	}
	set, err := s.st.Settings(ctx)
	if err != nil {
		return nil, err
	}
	cfg := set.Tiering
	cfg.Method, cfg.By = q.Method, q.By
	opts := metricsOptions(cfg)
	opts.Since = q.Since
	ms, err := s.st.Metrics(ctx, q.AsOf, opts)
	if err != nil {
		return nil, err
	}
	dropped, err := s.st.Dropped(ctx)
	if err != nil {
		return nil, err
	}
	t := &Tiers{Query: q, Config: cfg, Currency: s.st.Currency(), Metrics: ms, Dropped: dropped}
	if cfg.By == tiering.ByCLV {
		if t.Lifetime, err = s.Lifetime(ctx, LifetimeQuery{AsOf: q.AsOf}); err != nil {
			return nil, err
		}
		clvOf := make(map[int64]money.Amount, len(t.Lifetime.Rows))
		for _, r := range t.Lifetime.Rows {
			clvOf[r.ID] = r.CLV
		}
		for i := range ms {
			ms[i].CLV = clvOf[ms[i].ID]
		}
	}
	t.Assign = tiering.Assign(ms, cfg, q.AsOf)
	if q.By == tiering.ByRevenue && q.Since.IsZero() {
		if _, err := s.st.RecordTiers(ctx, string(cfg.Method), q.AsOf, t.Assign); err != nil {
			return nil, err
		}
	}
	s.mu.Lock()
	s.tiers.put(ctx, s.st, q, t)
	s.mu.Unlock()
	return t, nil
}

// TierMap is every current customer's tier by the notebook's own ranking
// (the pyramid by revenue with its cuts); customers not in it have not
// bought and are prospects.
type TierMap map[int64]tiering.Tier

// Of is a customer's tier; prospect when they have not bought.
func (m TierMap) Of(id int64) tiering.Tier {
	if t, ok := m[id]; ok {
		return t
	}
	return tiering.Prospect
}

// NotebookTiers is every customer's tier by the notebook's own ranking,
// as of a day: what the accounts list, the agenda and the card show.
func (s *Service) NotebookTiers(ctx context.Context, asOf time.Time) (TierMap, error) {
	q := TierQuery{AsOf: asOf}.resolve()
	if t := s.cached(ctx, q); t != nil {
		return t.Map(), nil
	}
	// The pyramid by revenue: each buyer's tier follows from their kept
	// revenue and the kept tier floors (unless purchases are dated after
	// the day).
	cuts, ok, err := s.st.TierCuts(ctx, q.AsOf)
	if err != nil {
		return nil, err
	}
	if !ok {
		// As of a day before the latest purchase: ranked from the
		// purchase index, not full metrics of everyone.
		tiers, err := s.st.TiersAsOf(ctx, q.AsOf)
		if err != nil {
			return nil, err
		}
		out := make(TierMap, len(tiers))
		for id, t := range tiers {
			if t != tiering.Prospect {
				out[id] = t
			}
		}
		return out, nil
	}
	ms, ok, err := s.st.BuyerRevenue(ctx, q.AsOf)
	if err != nil {
		return nil, err
	}
	if !ok { // a purchase dated after the day arrived in between
		return s.NotebookTiers(ctx, asOf)
	}
	out := make(TierMap, len(ms))
	for i := range ms {
		out[ms[i].ID] = cuts.Tier(ms[i].Revenue)
	}
	return out, nil
}

// TierOf is one customer's tier by the notebook's own ranking: as of today
// one row of the kept totals against the kept tier floors.
func (s *Service) TierOf(ctx context.Context, id int64, asOf time.Time) (tiering.Tier, error) {
	t, ok, err := s.st.TierOf(ctx, id, day(asOf))
	if err != nil || ok {
		return t, err
	}
	m, err := s.NotebookTiers(ctx, asOf)
	if err != nil {
		return "", err
	}
	return m.Of(id), nil
}

// Map is the tiers as a TierMap.
func (t *Tiers) Map() TierMap {
	out := make(TierMap, len(t.Assign))
	for id, a := range t.Assign {
		if a.Tier != tiering.Prospect {
			out[id] = a.Tier
		}
	}
	return out
}

// Order lists the method's tiers, best first.
func (t *Tiers) Order() []tiering.Tier { return tiering.TiersOf(t.Config.Method) }

// ValueBy is what the tier table sums as value: the indicator, or revenue
// for the score methods.
func (t *Tiers) ValueBy() tiering.Indicator {
	if t.Config.Method == tiering.MethodScore || t.Config.Method == tiering.MethodScorecard {
		return tiering.ByRevenue
	}
	return t.Config.By
}

// ValueIsMoney says the ranking value of a customer (Assignment.Value,
// TierRow.Value) is money in minor units rather than a count or a score.
func (t *Tiers) ValueIsMoney() bool {
	m := t.Config.Method
	return t.Config.By != tiering.ByCount && (m == tiering.MethodPyramid || m == tiering.MethodPareto)
}

// Summary is the tier table: customers and value per tier, best first.
func (t *Tiers) Summary() []tiering.TierSummary {
	return tiering.Summarize(t.Metrics, t.Assign, t.Order(), t.ValueBy())
}

// Uncosted is the revenue of purchases without a recorded cost: the
// profit figures leave it out (cost unknown is not zero profit).
func (t *Tiers) Uncosted() money.Amount {
	var sum money.Amount
	for i := range t.Metrics {
		sum += t.Metrics[i].Uncosted
	}
	return sum
}

// Prospects counts the customers without a purchase, outside the ranks.
func (t *Tiers) Prospects() int {
	n := 0
	for _, a := range t.Assign {
		if a.Tier == tiering.Prospect {
			n++
		}
	}
	return n
}

// Group is the top of the pyramid the practice calls 关键客户: key and major
// customers together, the fifth that brings most of the profit.
type Group struct {
	Customers     int     `json:"customers"`
	CustomerShare float64 `json:"customer_share"` // percent of ranked customers
	ValueShare    float64 `json:"value_share"`    // percent of the value
}

// KeyGroup is the key and major tiers together; ok is false for methods
// other than the pyramid.
func (t *Tiers) KeyGroup() (g Group, ok bool) {
	if t.Config.Method != tiering.MethodPyramid {
		return g, false
	}
	for _, s := range t.Summary() {
		if s.Tier == tiering.Key || s.Tier == tiering.Major {
			g.Customers += s.Customers
			g.CustomerShare += s.CustomerShare
			g.ValueShare += s.ValueShare
		}
	}
	return g, true
}

// TierRow is one customer in the ranking.
type TierRow struct {
	ID         int64
	Name       string
	Tier       tiering.Tier
	Value      float64 // the ranking value: money in minor units when ValueIsMoney, else a count or a score
	Revenue    money.Amount
	Profit     money.Amount // of the purchases with a recorded cost
	Uncosted   money.Amount // revenue without a recorded cost
	Purchases  int
	Last       time.Time
	Current    float64 // scorecard parts, 0–100
	Potential  float64
	LossMaking bool
}

// ProfitKnown says some of the customer's revenue has a recorded cost:
// without any, their profit is unknown rather than zero.
func (r TierRow) ProfitKnown() bool { return r.Revenue == 0 || r.Uncosted < r.Revenue }

// Rows lists every customer, best tier first, then by value (highest
// first), then by id.
func (t *Tiers) Rows() []TierRow {
	rows := make([]TierRow, 0, len(t.Metrics))
	for i := range t.Metrics {
		m := &t.Metrics[i]
		a := t.Assign[m.ID]
		rows = append(rows, TierRow{ID: m.ID, Name: m.Name, Tier: a.Tier, Value: a.Value, Revenue: m.Revenue,
			Profit: m.Profit, Uncosted: m.Uncosted, Purchases: m.Purchases, Last: m.Last, Current: a.Current, Potential: a.Potential,
			LossMaking: a.LossMaking})
	}
	slices.SortFunc(rows, func(a, b TierRow) int {
		return cmp.Or(cmp.Compare(tiering.Rank(a.Tier), tiering.Rank(b.Tier)), cmp.Compare(b.Value, a.Value), cmp.Compare(a.ID, b.ID))
	})
	return rows
}

// Members lists the ids of a tier's customers, by id.
func (t *Tiers) Members(tier tiering.Tier) []int64 {
	var ids []int64
	for id, a := range t.Assign {
		if a.Tier == tier {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// Moves are the customers whose tier changed between two rankings.
type Moves struct {
	From, To time.Time
	Method   tiering.Method
	List     []Move // ups first, then by the tier reached, then by id
}

// Move is one customer's change of tier.
type Move struct {
	tiering.Move
	Name string
}

// Up counts the moves up into each tier, Down the moves down.
func (m *Moves) Up() map[tiering.Tier]int   { return m.count(true) }
func (m *Moves) Down() map[tiering.Tier]int { return m.count(false) }

func (m *Moves) count(up bool) map[tiering.Tier]int {
	out := map[tiering.Tier]int{}
	for _, mv := range m.List {
		if mv.Up == up {
			out[mv.To]++
		}
	}
	return out
}

// Totals counts who moved up and who fell, leaving out customers who left
// the ranks (archived or no longer buying).
func (m *Moves) Totals() (up, down int) {
	for _, mv := range m.List {
		switch {
		case mv.To == tiering.Prospect:
		case mv.Up:
			up++
		default:
			down++
		}
	}
	return up, down
}

// Movers compares everyone's tier as of from (ranked on the purchases up
// to that day) with their tier as of q.AsOf. A prospect who bought for the
// first time counts as a move up.
func (s *Service) Movers(ctx context.Context, q TierQuery, from time.Time) (*Moves, error) {
	q = q.resolve()
	from = day(from)
	if !from.Before(q.AsOf) {
		return nil, store.Errorf(store.KindInvalid, "the day to compare with (%s) must be before %s", from.Format(store.DateLayout), q.AsOf.Format(store.DateLayout))
	}
	now, err := s.Tiers(ctx, q)
	if err != nil {
		return nil, err
	}
	qt := q
	qt.AsOf = from
	then, err := s.Tiers(ctx, qt)
	if err != nil {
		return nil, err
	}
	names := make(map[int64]string, len(now.Metrics))
	for _, m := range now.Metrics {
		names[m.ID] = m.Name
	}
	out := &Moves{From: from, To: q.AsOf, Method: now.Config.Method}
	for _, mv := range tiering.Moves(then.Assign, now.Assign) {
		out.List = append(out.List, Move{Move: mv, Name: names[mv.ID]})
	}
	return out, nil
}

// cached is the ranking q computed earlier, if the notebook has not
// changed since.
func (s *Service) cached(ctx context.Context, q TierQuery) *Tiers {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tiers.get(ctx, s.st, q)
}

// tierCache keeps the tiers computed while the notebook is unchanged: the
// TUI asks for the same ranking again as the rep moves between screens.
// The Service's mutex guards it.
type tierCache struct {
	version int64
	byQuery map[TierQuery]*Tiers
}

func (c *tierCache) get(ctx context.Context, st *store.Store, q TierQuery) *Tiers {
	v, err := st.DataVersion(ctx)
	if err != nil || c.byQuery == nil || v != c.version {
		return nil
	}
	return c.byQuery[q]
}

func (c *tierCache) put(ctx context.Context, st *store.Store, q TierQuery, t *Tiers) {
	v, err := st.DataVersion(ctx)
	if err != nil {
		return
	}
	if c.byQuery == nil || v != c.version {
		c.byQuery, c.version = map[TierQuery]*Tiers{}, v
	}
	c.byQuery[q] = t
}

// ListQuery asks for customers with their tier by the notebook's own ranking.
type ListQuery struct {
	Filter store.CustomerFilter
	Tiers  map[tiering.Tier]bool // only these tiers (prospect: everyone outside the ranks); nil for all
	AsOf   time.Time
}

// ListCustomers calls fn for each customer q selects, ordered by name, with
// their tier, as the customers are read (the first reach fn before the last
// are read). Tiers come from the kept revenue and tier floors; as of a day
// before some purchases the notebook is ranked as of that day first.
func (s *Service) ListCustomers(ctx context.Context, q ListQuery, fn func(c *store.Customer, tier tiering.Tier) error) error {
	f, tierOf, err := s.listFilter(ctx, q)
	if err != nil {
		return err
	}
	return s.st.EachListed(ctx, f, func(l *store.Listed) error {
		return fn(&l.Customer, tiering.Shown(tierOf(l), l.Status))
	})
}

// CountCustomers is how many customers ListCustomers would list without
// the filter's limit and offset.
func (s *Service) CountCustomers(ctx context.Context, q ListQuery) (int, error) {
	f, _, err := s.listFilter(ctx, q)
	if err != nil {
		return 0, err
	}
	return s.st.CountCustomers(ctx, f)
}

// listFilter turns the tiers asked for into a store filter and says how to
// tell each listed customer's tier.
func (s *Service) listFilter(ctx context.Context, q ListQuery) (store.CustomerFilter, func(*store.Listed) tiering.Tier, error) {
	f := q.Filter
	cuts, ok, err := s.st.TierCuts(ctx, day(q.AsOf))
	if err != nil {
		return f, nil, err
	}
	if ok {
		if q.Tiers != nil {
			f.Bands = []store.RevenueBand{}
			for _, t := range tiering.PyramidTiers {
				if q.Tiers[t] {
					f.Bands = append(f.Bands, cuts.Band(t))
				}
			}
			f.Prospects = q.Tiers[tiering.Prospect]
		}
		return f, func(l *store.Listed) tiering.Tier {
			if !l.Ranked {
				return tiering.Prospect
			}
			return cuts.Tier(l.Revenue)
		}, nil
	}
	// Purchases dated after the day: rank the notebook as of it.
	tiers, err := s.NotebookTiers(ctx, q.AsOf)
	if err != nil {
		return f, nil, err
	}
	if q.Tiers != nil {
		f.IDs = []int64{}
		for id, t := range tiers {
			if q.Tiers[t] {
				f.IDs = append(f.IDs, id)
			}
		}
		slices.Sort(f.IDs)
		f.Prospects = q.Tiers[tiering.Prospect]
	}
	return f, func(l *store.Listed) tiering.Tier { return tiers.Of(l.ID) }, nil
}
