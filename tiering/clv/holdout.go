package clv

import (
	"cmp"
	"slices"
)

// HoldoutGroup is the customers with one number of calibration repeat
// purchases (the last group: that many or more), with their mean predicted
// and mean actual repeat purchases in the hold-out period.
type HoldoutGroup struct {
	X         int     `json:"x"`
	OrMore    bool    `json:"or_more,omitempty"`
	Customers int     `json:"customers"`
	Predicted float64 `json:"predicted"`
	Actual    float64 `json:"actual"`
}

// HoldoutReport checks a fitted model against what customers did next.
type HoldoutReport struct {
	Weeks     float64        `json:"weeks"`
	Customers int            `json:"customers"`
	Groups    []HoldoutGroup `json:"groups"`          // x = 0, 1, …, 6 and 7+
	Predicted float64        `json:"predicted_total"` // repeat purchases
	Actual    int            `json:"actual_total"`
}

// HoldoutGroups is how many groups Holdout reports: 0 to 6 calibration
// repeat purchases and 7 or more, as in Fader, Hardie & Lee (2005), figure 4.
const HoldoutGroups = 8

// Holdout compares the purchases bg expects in the holdoutWeeks after the
// calibration period, E[Y(t) | x, tx, T] for each customer of calib, with
// actual, each customer's repeat purchase days in the hold-out period
// (missing means none; customers not in calib are ignored). The sums run
// in ID order, so the report does not depend on the order of calib.
func Holdout(calib []Customer, actual map[int64]int, holdoutWeeks float64, bg BGNBD) HoldoutReport {
	cs := slices.Clone(calib)
	slices.SortStableFunc(cs, func(a, b Customer) int { return cmp.Compare(a.ID, b.ID) })
	t := nonNeg(holdoutWeeks)
	rep := HoldoutReport{Weeks: t, Customers: len(cs), Groups: make([]HoldoutGroup, HoldoutGroups)}
	var pred, act [HoldoutGroups]float64
	for _, c := range cs {
		c = clean(c)
		g := min(c.X, HoldoutGroups-1)
		e := bg.Expected(t, c.X, c.Tx, c.T)
		a := max(actual[c.ID], 0)
		rep.Groups[g].Customers++
		pred[g] += e
		act[g] += float64(a)
		rep.Predicted += e
		rep.Actual += a
	}
	for g := range rep.Groups {
		gr := &rep.Groups[g]
		gr.X, gr.OrMore = g, g == HoldoutGroups-1
		if gr.Customers > 0 {
			gr.Predicted, gr.Actual = pred[g]/float64(gr.Customers), act[g]/float64(gr.Customers)
		}
	}
	return rep
}
