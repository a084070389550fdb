package tiering

import (
	"cmp"
	"slices"
	"time"
)

// RFM is one buyer's recency, frequency and monetary quintile scores.
type RFM struct {
	ID      int64   `json:"id"`
	R       int     `json:"r"`
	F       int     `json:"f"`
	M       int     `json:"m"`
	Segment Segment `json:"segment"`
}

// Segment is a named RFM segment.
type Segment string

// The usual RFM segments, from the R and F scores.
const (
	Champions         Segment = "Champions"
	Loyal             Segment = "Loyal"
	PotentialLoyalist Segment = "Potential Loyalist"
	NewCustomers      Segment = "New Customers"
	Promising         Segment = "Promising"
	NeedAttention     Segment = "Need Attention"
	AboutToSleep      Segment = "About To Sleep"
	AtRisk            Segment = "At Risk"
	CantLoseThem      Segment = "Can't Lose Them"
	Hibernating       Segment = "Hibernating"
	Lost              Segment = "Lost"
)

// Segments lists the segments in display order, best first.
var Segments = []Segment{Champions, Loyal, PotentialLoyalist, NewCustomers, Promising, NeedAttention,
	AboutToSleep, AtRisk, CantLoseThem, Hibernating, Lost}

// SegmentLabels are the Chinese names of the segments.
var SegmentLabels = map[Segment]string{
	Champions: "冠军客户", Loyal: "忠诚客户", PotentialLoyalist: "潜在忠诚客户", NewCustomers: "新客户",
	Promising: "有潜力客户", NeedAttention: "需要关注", AboutToSleep: "即将沉睡", AtRisk: "流失风险",
	CantLoseThem: "不能失去", Hibernating: "休眠客户", Lost: "已流失",
}

// SegmentOf names the segment of an R and F score (1–5 each):
//
//	R\F  1            2            3            4          5
//	5    New          Potential    Potential    Champions  Champions
//	4    Promising    Potential    Potential    Loyal      Loyal
//	3    About2Sleep  About2Sleep  NeedAttn     Loyal      Loyal
//	2    Hibernating  Hibernating  At Risk      At Risk    Can't Lose
//	1    Lost         Hibernating  At Risk      At Risk    Can't Lose
func SegmentOf(r, f int) Segment {
	switch {
	case r >= 5 && f >= 4:
		return Champions
	case r >= 3 && f >= 4:
		return Loyal
	case r >= 4 && f >= 2:
		return PotentialLoyalist
	case r == 5:
		return NewCustomers
	case r == 4:
		return Promising
	case r == 3 && f == 3:
		return NeedAttention
	case r == 3:
		return AboutToSleep
	case f == 5:
		return CantLoseThem
	case f >= 3:
		return AtRisk
	case r == 1 && f == 1:
		return Lost
	}
	return Hibernating
}

// Quintiles scores each item 1–5 by rank: score = floor(5·(rank_min−1)/N)+1,
// where rank_min is the 1-based rank in ascending order of the first of its
// tie group, so tied items share a score and a higher value scores higher.
func Quintiles(items []Item) map[int64]int {
	scores := quintiles(items)
	out := make(map[int64]int, len(items))
	for i, it := range items {
		out[it.ID] = scores[i]
	}
	return out
}

// quintiles is Quintiles as a slice parallel to items.
func quintiles(items []Item) []int {
	n := len(items)
	order := make([]int32, n)
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return cmp.Compare(items[a].Value, items[b].Value) })
	out := make([]int, n)
	rankMin := 1
	for i, k := range order {
		if i > 0 && items[k].Value != items[order[i-1]].Value {
			rankMin = i + 1
		}
		out[k] = 5*(rankMin-1)/n + 1
	}
	return out
}

// ComputeRFM scores every buyer: R from days since the last purchase (recent
// is 5), F from the number of purchase days, M from revenue.
func ComputeRFM(ms []Metrics, asOf time.Time) []RFM {
	var r, f, m []Item
	for i := range ms {
		if b := &ms[i]; b.Buyer() {
			r = append(r, Item{b.ID, -float64(b.RecencyDays(asOf))})
			f = append(f, Item{b.ID, float64(b.PurchaseDays)})
			m = append(m, Item{b.ID, float64(b.Revenue)})
		}
	}
	rs, fs, mss := quintiles(r), quintiles(f), quintiles(m)
	out := make([]RFM, len(r))
	for i, it := range r {
		out[i] = RFM{ID: it.ID, R: rs[i], F: fs[i], M: mss[i], Segment: SegmentOf(rs[i], fs[i])}
	}
	slices.SortFunc(out, func(a, b RFM) int { return cmp.Compare(a.ID, b.ID) })
	return out
}
