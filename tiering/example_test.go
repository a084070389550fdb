package tiering_test

import (
	"fmt"
	"time"

	"github.com/rolo-crm/rolo/tiering"
)

func ExamplePyramid() {
	// Seven customers ranked by revenue: ceil(7·1%)=1 key, ceil(7·20%)=2, ceil(7·50%)=4.
	items := []tiering.Item{{ID: 1, Value: 700}, {ID: 2, Value: 600}, {ID: 3, Value: 500}, {ID: 4, Value: 400},
		{ID: 5, Value: 300}, {ID: 6, Value: 200}, {ID: 7, Value: 100}}
	tiers := tiering.Pyramid(items, nil)
	for id := int64(1); id <= 7; id++ {
		fmt.Print(tiers[id], " ")
	}
	fmt.Println()
	// Output: key major ordinary ordinary small small small
}

func ExamplePareto() {
	// A while the value share before the customer is under 80%, B under 95%.
	items := []tiering.Item{{ID: 1, Value: 50}, {ID: 2, Value: 30}, {ID: 3, Value: 10}, {ID: 4, Value: 5}, {ID: 5, Value: 5}}
	tiers := tiering.Pareto(items, nil)
	fmt.Println(tiers[1], tiers[2], tiers[3], tiers[4], tiers[5])
	// Output: A A B B C
}

func ExampleQuintiles() {
	items := []tiering.Item{{ID: 1, Value: 3}, {ID: 2, Value: 3}, {ID: 3, Value: 8}, {ID: 4, Value: 1}, {ID: 5, Value: 9}}
	q := tiering.Quintiles(items)
	fmt.Println(q[1], q[2], q[3], q[4], q[5])
	// Output: 2 2 4 1 5
}

func ExampleSegmentOf() {
	fmt.Println(tiering.SegmentOf(5, 5), "/", tiering.SegmentOf(1, 5), "/", tiering.SegmentLabels[tiering.SegmentOf(1, 1)])
	// Output: Champions / Can't Lose Them / 已流失
}

func ExampleLoyaltyIndex() {
	fmt.Println(tiering.LoyaltyIndex([5]int{5, 4, 5, 4, 2}))
	// Output: 75
}

func ExampleComputeRFM() {
	asOf := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	ms := []tiering.Metrics{
		{ID: 1, Purchases: 9, PurchaseDays: 9, Revenue: 90000, Last: asOf.AddDate(0, 0, -3)},
		{ID: 2, Purchases: 1, PurchaseDays: 1, Revenue: 500, Last: asOf.AddDate(-2, 0, 0)},
	}
	for _, r := range tiering.ComputeRFM(ms, asOf) {
		fmt.Println(r.ID, r.R, r.F, r.M, r.Segment)
	}
	// Output:
	// 1 3 3 3 Need Attention
	// 2 1 1 1 Lost
}

func ExampleAssign() {
	asOf := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	ms := []tiering.Metrics{{ID: 1, Revenue: 5000, Purchases: 2}, {ID: 2}}
	as := tiering.Assign(ms, tiering.DefaultConfig(), asOf)
	fmt.Println(as[1].Tier, as[2].Tier)
	// Output: key prospect
}

func ExampleMoves() {
	then := map[int64]tiering.Assignment{1: {Tier: tiering.Small}, 2: {Tier: tiering.Key}, 3: {Tier: tiering.Major}}
	now := map[int64]tiering.Assignment{1: {Tier: tiering.Key}, 2: {Tier: tiering.Major}, 3: {Tier: tiering.Major}, 4: {Tier: tiering.Small}}
	for _, m := range tiering.Moves(then, now) {
		fmt.Println(m.ID, m.From, "→", m.To, m.Up)
	}
	// Output:
	// 1 small → key true
	// 4 prospect → small true
	// 2 key → major false
}
