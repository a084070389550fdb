// Package tiering turns per-customer metrics into tiers, scores and
// segments: the value pyramid, ABC (Pareto) classes, weighted scores, the
// current × potential scorecard, RFM and the loyalty index.
//
// It is pure: no I/O, no SQL, no clock. The date that counts as "today"
// is always passed in, and it imports nothing else of rolo.
package tiering

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Tier is a class of customers.
type Tier string

// Pyramid tiers, best first, and Prospect for customers without purchases.
const (
	Key      Tier = "key"
	Major    Tier = "major"
	Ordinary Tier = "ordinary"
	Small    Tier = "small"
	Prospect Tier = "prospect"
)

// ABC classes of the Pareto method.
const (
	A Tier = "A"
	B Tier = "B"
	C Tier = "C"
)

// Scorecard quadrants (current value × potential value).
const (
	Core     Tier = "core"     // high current, high potential
	Harvest  Tier = "harvest"  // high current, low potential
	Develop  Tier = "develop"  // low current, high potential
	Maintain Tier = "maintain" // low current, low potential
)

// PyramidTiers are the count-pyramid tiers, best first.
var PyramidTiers = []Tier{Key, Major, Ordinary, Small}

// Rank orders tiers of any method, best first (0); unknown tiers sort last.
func Rank(t Tier) int {
	switch t {
	case Key, A, Core:
		return 0
	case Major, B, Harvest:
		return 1
	case Ordinary, C, Develop:
		return 2
	case Small, Maintain:
		return 3
	}
	return 4
}

// Named is the tier with its Chinese label, "key 重要客户", or the label
// alone when it already says the tier ("A类", not "A A类").
func Named(t Tier) string {
	l := Label(t)
	if l == "" || strings.HasPrefix(l, string(t)) {
		return cmp.Or(l, string(t))
	}
	return string(t) + " " + l
}

// Label is the Chinese name of a tier, for people: the practice's 重要客户
// (top 1%), 次要客户 (next 19%), 普通客户 and 小客户; KeyGroupLabel names
// the top two together.
func Label(t Tier) string {
	switch t {
	case Key:
		return "重要客户"
	case Major:
		return "次要客户"
	case Ordinary:
		return "普通客户"
	case Small:
		return "小客户"
	case Prospect:
		return "潜在客户"
	case Dropped:
		return "不再服务"
	case A:
		return "A类"
	case B:
		return "B类"
	case C:
		return "C类"
	case Core:
		return "核心"
	case Harvest:
		return "维持收益"
	case Develop:
		return "重点培养"
	case Maintain:
		return "低成本服务"
	}
	return string(t)
}

// KeyGroupLabel names key and major customers together: 关键客户, the fifth
// of customers that brings most of the profit.
const KeyGroupLabel = "关键客户"

// Treatment is how a rep should serve a tier.
type Treatment struct {
	CadenceDays int    `json:"cadence_days"`
	Service     string `json:"service"`
	Action      string `json:"action"`
}

// Treatments are the default recommendations per pyramid tier.
var Treatments = map[Tier]Treatment{
	Key:      {14, "closest contact, best service, senior attention", "visit or call every two weeks; remember family events; first in line for new stock"},
	Major:    {30, "care and attention, priority service", "call monthly; festival and birthday greetings; look for ways to move them up"},
	Ordinary: {90, "standard service, cultivate", "contact quarterly; offer what would make them a major customer"},
	Small:    {180, "low-cost service", "greet twice a year; serve efficiently; watch for growth"},
	Prospect: {30, "win the first order", "follow up on their needs; ask who referred them"},
}

// TreatmentFor returns the treatment of a tier of any method.
func TreatmentFor(t Tier) Treatment {
	if tr, ok := Treatments[t]; ok {
		return tr
	}
	return Treatments[PyramidTiers[min(Rank(t), 3)]]
}

// Dropped marks customers the rep stopped serving: outside the tiers.
const Dropped Tier = "dropped"

// Shown is the tier a list shows for a customer of this status: a dropped
// customer is outside the ranks whatever they bought, not a prospect.
func Shown(t Tier, status string) Tier {
	if status == "dropped" {
		return Dropped
	}
	return t
}

// TreatmentOf is how to serve one customer: their tier's treatment, unless
// they were dropped or their attitude says otherwise (a harmful customer
// is not given the best service whatever they buy).
func TreatmentOf(t Tier, status, attitude string) Treatment {
	tr := TreatmentFor(t)
	switch {
	case status == "dropped" || t == Dropped:
		return Treatment{0, "no longer served", "do not contact; listed on their own (rolo list --status dropped)"}
	case attitude == "harmful":
		tr.Service = "formal, minimal service"
		tr.Action = "keep contact short and on record; no special offers; consider dropping them"
	case attitude == "price_driven":
		tr.Service = "efficient service, no special prices"
		tr.Action = "offer value lines; do not compete on discounts"
	}
	return tr
}

// Item is one customer's value on the ranking indicator.
type Item struct {
	ID    int64
	Value float64
}

// DefaultPyramidCuts are the cumulative count cuts in percent: 1% key,
// 20% key+major, 50% key+major+ordinary, the rest small.
var DefaultPyramidCuts = []float64{1, 20, 50, 100}

// DefaultParetoCuts are the cumulative value-share cuts in percent for A and B.
var DefaultParetoCuts = []float64{80, 95}

// ParseCuts reads cuts such as "1,20,50,100": increasing percentages in (0,100].
func ParseCuts(s string, n int) ([]float64, error) {
	parts := strings.Split(s, ",")
	if len(parts) != n {
		return nil, fmt.Errorf("cuts %q: want %d comma-separated percentages", s, n)
	}
	out := make([]float64, n)
	prev := 0.0
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(p), "%")), 64)
		if err != nil || v <= prev || v > 100 || math.IsNaN(v) {
			return nil, fmt.Errorf("cuts %q: want increasing percentages between 0 and 100", s)
		}
		out[i], prev = v, v
	}
	return out, nil
}

// sortAsc is a copy of items by value, lowest first (ties by id: the
// callers give ties one shared figure, so their order is immaterial).
func sortAsc(items []Item) []Item { return sortByValue(items, 1) }

// sortDesc orders items best first: value descending, then id ascending.
func sortDesc(items []Item) []Item { return sortByValue(items, -1) }

// sortByValue is a copy of items by value (dir 1 ascending, -1 descending),
// then by id ascending: a total order, so the fast unstable sort is
// deterministic.
func sortByValue(items []Item, dir int) []Item {
	out := append([]Item(nil), items...)
	slices.SortFunc(out, func(a, b Item) int {
		if c := dir * cmp.Compare(a.Value, b.Value); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out
}

// Pyramid assigns count-pyramid tiers. Items are ranked by value, best
// first; rank i (1-based, of n) falls in the first tier whose cumulative cut
// c has i ≤ ceil(n·c/100). Tied values share the better tier: a tie group
// takes the tier of its best rank. cuts has one entry per tier of tiers
// (nil means DefaultPyramidCuts over PyramidTiers).
func Pyramid(items []Item, cuts []float64) map[int64]Tier {
	if cuts == nil {
		cuts = DefaultPyramidCuts
	}
	out := make(map[int64]Tier, len(items))
	sorted := sortDesc(items)
	bounds := PyramidBounds(len(sorted), cuts)
	groupTier := Tier("")
	for i, it := range sorted {
		if i == 0 || it.Value != sorted[i-1].Value {
			groupTier = tierAtRank(i+1, bounds)
		}
		out[it.ID] = groupTier
	}
	return out
}

func tierAtRank(rank int, bounds []int) Tier {
	tiers := PyramidTiers
	for k, b := range bounds {
		if rank <= b && k < len(tiers) {
			return tiers[k]
		}
	}
	return tiers[len(tiers)-1]
}

// PyramidTierAt is the count-pyramid tier of the customer whose tie group
// starts at rank rankMin (1-based) of n ranked customers: the rule of
// Pyramid, for one customer whose rank is already known.
func PyramidTierAt(rankMin, n int, cuts []float64) Tier {
	return tierAtRank(rankMin, PyramidBounds(n, cuts))
}

// PyramidBounds are the last ranks of each tier of a count pyramid of n
// ranked customers: rank i is in the first tier k with i ≤ bounds[k]
// (nil cuts are DefaultPyramidCuts).
func PyramidBounds(n int, cuts []float64) []int {
	if cuts == nil {
		cuts = DefaultPyramidCuts
	}
	bounds := make([]int, len(cuts))
	for k, c := range cuts {
		bounds[k] = int(math.Ceil(float64(n) * c / 100))
	}
	return bounds
}

// Pareto assigns ABC classes by cumulative share of value: an item is A
// while the share of value of the items before it is below cuts[0], B while
// below cuts[1], else C. When the total is not positive everyone is C.
func Pareto(items []Item, cuts []float64) map[int64]Tier {
	if cuts == nil {
		cuts = DefaultParetoCuts
	}
	out := make(map[int64]Tier, len(items))
	total := 0.0
	for _, it := range items {
		total += it.Value
	}
	sorted := sortDesc(items)
	before := 0.0
	for _, it := range sorted {
		share := 0.0
		if total > 0 {
			share = 100 * before / total
		}
		switch {
		case total <= 0:
			out[it.ID] = C
		case share < cuts[0]:
			out[it.ID] = A
		case share < cuts[1]:
			out[it.ID] = B
		default:
			out[it.ID] = C
		}
		before += it.Value
	}
	return out
}

// PercentRanks maps each item to its mid-rank percentile in [0,100]: the
// share of other items with a lower value, counting ties as half. A single
// item gets 100.
func PercentRanks(items []Item) map[int64]float64 {
	out := make(map[int64]float64, len(items))
	n := len(items)
	if n == 1 {
		out[items[0].ID] = 100
		return out
	}
	sorted := sortAsc(items)
	for i := 0; i < n; {
		j := i
		for j < n && sorted[j].Value == sorted[i].Value {
			j++
		}
		// items i..j-1 tie: below = i, equal others = j-i-1
		p := 100 * (float64(i) + float64(j-i-1)/2) / float64(n-1)
		for k := i; k < j; k++ {
			out[sorted[k].ID] = p
		}
		i = j
	}
	return out
}

// Days between two dates (b − a) in whole days.
func Days(a, b time.Time) int {
	return int(math.Round(b.Sub(a).Hours() / 24))
}

// Move is one customer's change of tier between two dates.
type Move struct {
	ID   int64 `json:"id"`
	From Tier  `json:"from"`
	To   Tier  `json:"to"`
	Up   bool  `json:"up"`
}

// Moves compares tiers then and now: customers missing then count as
// prospects, so a first purchase is a move up. Ups come first, then by the
// tier reached (best first), then by id.
func Moves(then, now map[int64]Assignment) []Move {
	var out []Move
	for id, a := range now {
		before, ok := then[id]
		if !ok {
			before.Tier = Prospect
		}
		if before.Tier == a.Tier {
			continue
		}
		out = append(out, Move{ID: id, From: before.Tier, To: a.Tier, Up: Rank(a.Tier) < Rank(before.Tier)})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Up != b.Up {
			return a.Up
		}
		if Rank(a.To) != Rank(b.To) {
			return Rank(a.To) < Rank(b.To)
		}
		return a.ID < b.ID
	})
	return out
}
