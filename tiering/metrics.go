package tiering

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rolo-crm/rolo/money"
)

// Metrics describe one customer as of a date. Money is in minor units.
type Metrics struct {
	ID                 int64        `json:"id"`
	Name               string       `json:"name,omitempty"`
	Revenue            money.Amount `json:"revenue"`
	Profit             money.Amount `json:"profit"`   // over purchases with a known cost
	Uncosted           money.Amount `json:"uncosted"` // revenue of purchases without a recorded cost
	Paid               money.Amount `json:"paid"`
	Outstanding        money.Amount `json:"outstanding"`
	Purchases          int          `json:"purchases"`
	PurchaseDays       int          `json:"purchase_days"`
	First              time.Time    `json:"first_purchase"`
	Last               time.Time    `json:"last_purchase"`
	LastContact        time.Time    `json:"last_contact"`
	Created            time.Time    `json:"created"`
	Referrals          int          `json:"referrals"`
	ReferredRevenue    money.Amount `json:"referred_revenue"`
	Satisfaction       float64      `json:"satisfaction"` // latest survey, 1–5; 0 = none
	Loyalty            float64      `json:"loyalty"`      // latest loyalty index, 0–100; 0 = none
	OpenComplaints     int          `json:"open_complaints"`
	ResolvedComplaints int          `json:"resolved_complaints"`
	Revenue12          money.Amount `json:"revenue_last_12m"`
	RevenuePrev12      money.Amount `json:"revenue_prev_12m"`
	CLV                money.Amount `json:"clv,omitempty"` // lifetime value, when ranking by it
}

// Buyer reports whether the customer has bought anything.
func (m Metrics) Buyer() bool { return m.Purchases > 0 }

// RecencyDays is the number of days since the last purchase, -1 without one.
func (m Metrics) RecencyDays(asOf time.Time) int {
	if m.Last.IsZero() {
		return -1
	}
	return Days(m.Last, asOf)
}

// TenureDays is the number of days since the first purchase (or since the
// customer was added when there is none).
func (m Metrics) TenureDays(asOf time.Time) int {
	start := m.First
	if start.IsZero() {
		start = m.Created
	}
	if start.IsZero() {
		return 0
	}
	return max(0, Days(start, asOf))
}

// Indicator is what customers are ranked by.
type Indicator string

// Indicators.
const (
	ByRevenue Indicator = "revenue"
	ByProfit  Indicator = "profit"
	ByPaid    Indicator = "paid"
	ByCount   Indicator = "count"
	ByCLV     Indicator = "clv" // needs Metrics.CLV filled in (rolo pyramid --by clv)
)

// Indicators lists the ranking indicators.
var Indicators = []Indicator{ByRevenue, ByProfit, ByPaid, ByCount, ByCLV}

// ParseIndicator checks an indicator name.
func ParseIndicator(s string) (Indicator, error) {
	for _, i := range Indicators {
		if string(i) == s {
			return i, nil
		}
	}
	return "", fmt.Errorf("unknown indicator %q; use one of revenue, profit, paid, count, clv", s)
}

// Value of the indicator for m.
func (ind Indicator) Value(m Metrics) float64 {
	switch ind {
	case ByProfit:
		return float64(m.Profit)
	case ByPaid:
		return float64(m.Paid)
	case ByCount:
		return float64(m.Purchases)
	case ByCLV:
		return float64(m.CLV)
	}
	return float64(m.Revenue)
}

// Method is a tiering method.
type Method string

// Methods.
const (
	MethodPyramid   Method = "pyramid"
	MethodPareto    Method = "pareto"
	MethodScore     Method = "score"
	MethodScorecard Method = "scorecard"
)

// Methods lists the tiering methods.
var Methods = []Method{MethodPyramid, MethodPareto, MethodScore, MethodScorecard}

// ParseMethod checks a method name.
func ParseMethod(s string) (Method, error) {
	for _, m := range Methods {
		if string(m) == s {
			return m, nil
		}
	}
	return "", fmt.Errorf("unknown method %q; use one of pyramid, pareto, score, scorecard", s)
}

// Config holds the tunable parts of tiering (from the notebook settings).
type Config struct {
	Method       Method
	By           Indicator
	PyramidCuts  []float64          // 4 cumulative count cuts
	ParetoCuts   []float64          // 2 cumulative value-share cuts
	ScoreWeights map[string]float64 // revenue, profit, paid, count, recency, frequency, referrals, satisfaction
}

// DefaultConfig is the pyramid by revenue with the default cuts.
func DefaultConfig() Config {
	return Config{Method: MethodPyramid, By: ByRevenue, PyramidCuts: DefaultPyramidCuts,
		ParetoCuts: DefaultParetoCuts, ScoreWeights: DefaultScoreWeights()}
}

// DefaultScoreWeights weigh the score method's indicators.
func DefaultScoreWeights() map[string]float64 {
	return map[string]float64{"revenue": 0.4, "profit": 0.2, "count": 0.2, "recency": 0.2}
}

// ScoreIndicators are the names ParseWeights accepts.
var ScoreIndicators = []string{"revenue", "profit", "paid", "count", "frequency", "recency", "referrals", "satisfaction"}

// ParseWeights reads "revenue=0.4,recency=0.2,...".
func ParseWeights(s string) (map[string]float64, error) {
	out := map[string]float64{}
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return nil, fmt.Errorf("weights %q: write name=weight pairs, e.g. revenue=0.5,recency=0.5", s)
		}
		k = strings.TrimSpace(k)
		known := false
		for _, n := range ScoreIndicators {
			known = known || n == k
		}
		if !known {
			return nil, fmt.Errorf("weights: unknown indicator %q; use %s", k, strings.Join(ScoreIndicators, ", "))
		}
		w, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || w < 0 || math.IsNaN(w) || math.IsInf(w, 0) {
			return nil, fmt.Errorf("weights: %q needs a weight of zero or more", k)
		}
		out[k] = w
	}
	sum := 0.0
	for _, w := range out {
		sum += w
	}
	if sum <= 0 {
		return nil, fmt.Errorf("weights %q: at least one weight must be positive", s)
	}
	return out, nil
}

func scoreValue(name string, m Metrics, asOf time.Time) float64 {
	switch name {
	case "revenue":
		return float64(m.Revenue)
	case "profit":
		return float64(m.Profit)
	case "paid":
		return float64(m.Paid)
	case "count":
		return float64(m.Purchases)
	case "frequency":
		return float64(m.PurchaseDays)
	case "recency":
		return -float64(m.RecencyDays(asOf)) // more recent is better
	case "referrals":
		return float64(m.Referrals)
	case "satisfaction":
		return m.Satisfaction
	}
	return 0
}

// Scores computes the weighted percentile-rank score (0–100) of every buyer.
func Scores(ms []Metrics, weights map[string]float64, asOf time.Time) map[int64]float64 {
	buyers := buyersOf(ms)
	out := make(map[int64]float64, len(buyers))
	if len(buyers) == 0 {
		return out
	}
	names := make([]string, 0, len(weights))
	sum := 0.0
	for k, w := range weights {
		if w > 0 {
			names = append(names, k)
			sum += w
		}
	}
	sort.Strings(names)
	for _, name := range names {
		items := make([]Item, len(buyers))
		for i, m := range buyers {
			items[i] = Item{m.ID, scoreValue(name, m, asOf)}
		}
		for id, p := range PercentRanks(items) {
			out[id] += p * weights[name] / sum
		}
	}
	return out
}

func buyersOf(ms []Metrics) []Metrics {
	out := make([]Metrics, 0, len(ms))
	for _, m := range ms {
		if m.Buyer() {
			out = append(out, m)
		}
	}
	return out
}

// Assignment is one customer's tier under a method.
type Assignment struct {
	ID    int64   `json:"id"`
	Tier  Tier    `json:"tier"`
	Value float64 `json:"value"` // the ranking value (indicator, score or total)
	// Scorecard parts, 0–100 (scorecard method only).
	Current    float64 `json:"current,omitempty"`
	Potential  float64 `json:"potential,omitempty"`
	LossMaking bool    `json:"loss_making,omitempty"`
}

// Assign tiers every customer by cfg as of asOf. Customers without
// purchases are prospects, outside the pyramid.
func Assign(ms []Metrics, cfg Config, asOf time.Time) map[int64]Assignment {
	out := make(map[int64]Assignment, len(ms))
	for i := range ms {
		if !ms[i].Buyer() {
			out[ms[i].ID] = Assignment{ID: ms[i].ID, Tier: Prospect}
		}
	}
	if cfg.By == "" {
		cfg.By = ByRevenue
	}
	var items []Item
	switch cfg.Method {
	case MethodScore:
		buyers := buyersOf(ms)
		scores := Scores(buyers, cfg.ScoreWeights, asOf)
		for _, m := range buyers {
			items = append(items, Item{m.ID, round2(scores[m.ID])})
		}
	case MethodScorecard:
		for id, a := range Scorecard(buyersOf(ms), asOf) {
			out[id] = a
		}
		markLoss(out, ms)
		return out
	default:
		// By index, not by value: copying 100,000 Metrics cost more than ranking them.
		items = make([]Item, 0, len(ms))
		for i := range ms {
			if ms[i].Buyer() {
				items = append(items, Item{ms[i].ID, cfg.By.Value(ms[i])})
			}
		}
	}
	var tiers map[int64]Tier
	if cfg.Method == MethodPareto {
		tiers = Pareto(items, cfg.ParetoCuts)
	} else {
		tiers = Pyramid(items, cfg.PyramidCuts)
	}
	for _, it := range items {
		out[it.ID] = Assignment{ID: it.ID, Tier: tiers[it.ID], Value: it.Value}
	}
	markLoss(out, ms)
	return out
}

// markLoss flags the buyers whose profit is negative.
func markLoss(out map[int64]Assignment, ms []Metrics) {
	for i := range ms {
		if ms[i].Buyer() && ms[i].Profit < 0 {
			a := out[ms[i].ID]
			a.LossMaking = true
			out[ms[i].ID] = a
		}
	}
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// Scorecard rates every buyer on current value (financial: profit and paid
// ratio; sales: revenue, purchase count, recency) and potential value
// (customer: growth of the last 12 months over the 12 before, referrals,
// tenure; service: satisfaction, loyalty, resolved complaints), each 0–100
// as averaged percentile ranks, and places them in the 2×2 grid.
func Scorecard(buyers []Metrics, asOf time.Time) map[int64]Assignment {
	type part func(m Metrics) float64
	avg := func(parts ...part) map[int64]float64 {
		acc := map[int64]float64{}
		for _, p := range parts {
			items := make([]Item, len(buyers))
			for i, m := range buyers {
				items[i] = Item{m.ID, p(m)}
			}
			for id, v := range PercentRanks(items) {
				acc[id] += v / float64(len(parts))
			}
		}
		return acc
	}
	current := avg(
		func(m Metrics) float64 { return float64(m.Profit) },
		func(m Metrics) float64 {
			if m.Revenue <= 0 {
				return 1
			}
			return float64(m.Paid) / float64(m.Revenue)
		},
		func(m Metrics) float64 { return float64(m.Revenue) },
		func(m Metrics) float64 { return float64(m.Purchases) },
		func(m Metrics) float64 { return -float64(m.RecencyDays(asOf)) },
	)
	potential := avg(
		func(m Metrics) float64 { return growth(m) },
		func(m Metrics) float64 { return float64(m.Referrals) },
		func(m Metrics) float64 { return float64(m.TenureDays(asOf)) },
		func(m Metrics) float64 { return m.Satisfaction },
		func(m Metrics) float64 { return m.Loyalty },
		func(m Metrics) float64 { return float64(m.ResolvedComplaints - m.OpenComplaints) },
	)
	out := make(map[int64]Assignment, len(buyers))
	for _, m := range buyers {
		c, p := round2(current[m.ID]), round2(potential[m.ID])
		t := Maintain
		switch {
		case c >= 50 && p >= 50:
			t = Core
		case c >= 50:
			t = Harvest
		case p >= 50:
			t = Develop
		}
		out[m.ID] = Assignment{ID: m.ID, Tier: t, Value: round2((c + p) / 2), Current: c, Potential: p}
	}
	return out
}

// growth compares the last 12 months with the 12 before as a ratio change;
// new revenue with nothing before counts as +100%.
func growth(m Metrics) float64 {
	if m.RevenuePrev12 <= 0 {
		if m.Revenue12 > 0 {
			return 1
		}
		return 0
	}
	return float64(m.Revenue12-m.RevenuePrev12) / float64(m.RevenuePrev12)
}

// TierSummary is one row of the tier table.
type TierSummary struct {
	Tier          Tier    `json:"tier"`
	Customers     int     `json:"customers"`
	CustomerShare float64 `json:"customer_share"` // percent of ranked customers
	Value         float64 `json:"value"`
	ValueShare    float64 `json:"value_share"` // percent of total value
}

// Summarize counts customers and sums value (revenue by default indicator)
// per tier, in the given tier order. Shares are percentages of the buyers.
func Summarize(ms []Metrics, as map[int64]Assignment, order []Tier, by Indicator) []TierSummary {
	idx := map[Tier]int{}
	out := make([]TierSummary, len(order))
	for i, t := range order {
		idx[t] = i
		out[i].Tier = t
	}
	n, total := 0, 0.0
	for _, m := range ms {
		a, ok := as[m.ID]
		if !ok || a.Tier == Prospect {
			continue
		}
		i, ok := idx[a.Tier]
		if !ok {
			continue
		}
		v := by.Value(m)
		out[i].Customers++
		out[i].Value += v
		n++
		total += v
	}
	for i := range out {
		if n > 0 {
			out[i].CustomerShare = 100 * float64(out[i].Customers) / float64(n)
		}
		if total != 0 {
			out[i].ValueShare = 100 * out[i].Value / total
		}
	}
	return out
}

// TiersOf lists the tiers a method produces, best first.
func TiersOf(m Method) []Tier {
	switch m {
	case MethodPareto:
		return []Tier{A, B, C}
	case MethodScorecard:
		return []Tier{Core, Harvest, Develop, Maintain}
	}
	return PyramidTiers
}

// LoyaltyIndex maps the five loyalty factors (each 1–5: satisfaction,
// initiative, repurchase intent, recommendation intent, resistance to
// switching) to 0–100: the mean factor, rescaled so 1 → 0 and 5 → 100.
func LoyaltyIndex(factors [5]int) float64 {
	sum := 0
	for _, f := range factors {
		sum += f
	}
	return round2((float64(sum)/5 - 1) / 4 * 100)
}
