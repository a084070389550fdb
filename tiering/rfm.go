package tiering

import (
	"sort"
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
	out := make(map[int64]int, len(items))
	n := len(items)
	sorted := append([]Item(nil), items...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Value < sorted[j].Value })
	rankMin := 1
	for i, it := range sorted {
		if i > 0 && it.Value != sorted[i-1].Value {
			rankMin = i + 1
		}
		out[it.ID] = 5*(rankMin-1)/n + 1
	}
	return out
}

// ComputeRFM scores every buyer: R from days since the last purchase (recent
// is 5), F from the number of purchase days, M from revenue.
func ComputeRFM(ms []Metrics, asOf time.Time) []RFM {
	buyers := buyersOf(ms)
	r := make([]Item, len(buyers))
	f := make([]Item, len(buyers))
	m := make([]Item, len(buyers))
	for i, b := range buyers {
		r[i] = Item{b.ID, -float64(b.RecencyDays(asOf))}
		f[i] = Item{b.ID, float64(b.PurchaseDays)}
		m[i] = Item{b.ID, float64(b.Revenue)}
	}
	rs, fs, mss := Quintiles(r), Quintiles(f), Quintiles(m)
	out := make([]RFM, len(buyers))
	for i, b := range buyers {
		out[i] = RFM{ID: b.ID, R: rs[b.ID], F: fs[b.ID], M: mss[b.ID], Segment: SegmentOf(rs[b.ID], fs[b.ID])}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
