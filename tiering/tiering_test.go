package tiering

import (
	"bufio"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

func items(vals ...float64) []Item {
	out := make([]Item, len(vals))
	for i, v := range vals {
		out[i] = Item{ID: int64(i + 1), Value: v}
	}
	return out
}

func counts(tiers map[int64]Tier, order []Tier) []int {
	out := make([]int, len(order))
	for _, t := range tiers {
		for i, o := range order {
			if o == t {
				out[i]++
			}
		}
	}
	return out
}

func TestPyramid(t *testing.T) {
	tests := []struct {
		name string
		vals []float64
		want []Tier // by id
	}{
		{"n=1", []float64{5}, []Tier{Key}},
		// ceil(2·1%) = ceil(2·20%) = ceil(2·50%) = 1: the second customer is small.
		{"n=2", []float64{5, 3}, []Tier{Key, Small}},
		// ceil(7·1%)=1, ceil(7·20%)=2, ceil(7·50%)=4
		{"n=7", []float64{70, 60, 50, 40, 30, 20, 10}, []Tier{Key, Major, Ordinary, Ordinary, Small, Small, Small}},
		{"n=7 unsorted", []float64{10, 70, 30, 60, 20, 50, 40}, []Tier{Small, Key, Small, Major, Small, Ordinary, Ordinary}},
		// rank 3 ties with rank 2 and shares major; rank 5 ties with rank 4 and shares ordinary.
		{"ties across cuts", []float64{70, 60, 60, 40, 40, 20, 10}, []Tier{Key, Major, Major, Ordinary, Ordinary, Small, Small}},
		{"all equal", []float64{3, 3, 3, 3}, []Tier{Key, Key, Key, Key}},
		{"zero and negative", []float64{0, -5, 10, 0, -1, 2, 1}, []Tier{Ordinary, Small, Key, Ordinary, Small, Major, Ordinary}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Pyramid(items(tt.vals...), nil)
			for i, want := range tt.want {
				if got[int64(i+1)] != want {
					t.Errorf("id %d (value %v) = %s, want %s", i+1, tt.vals[i], got[int64(i+1)], want)
				}
			}
		})
	}
	if got := Pyramid(nil, nil); len(got) != 0 {
		t.Errorf("empty input gave %v", got)
	}
	// 100 distinct values: exactly 1/19/30/50.
	vals := make([]float64, 100)
	for i := range vals {
		vals[i] = float64(i)
	}
	if c := counts(Pyramid(items(vals...), nil), PyramidTiers); !reflect.DeepEqual(c, []int{1, 19, 30, 50}) {
		t.Errorf("n=100 counts = %v", c)
	}
}

func TestPareto(t *testing.T) {
	// Shares of value before each: 0, 50, 80, 90, 95.
	got := Pareto(items(50, 30, 10, 5, 5), nil)
	want := []Tier{A, A, B, B, C}
	for i, w := range want {
		if got[int64(i+1)] != w {
			t.Errorf("id %d = %s, want %s", i+1, got[int64(i+1)], w)
		}
	}
	// Custom cuts 20,50: the few who bring the first fifth of sales.
	got = Pareto(items(30, 25, 20, 15, 10), []float64{20, 50})
	if c := counts(got, []Tier{A, B, C}); !reflect.DeepEqual(c, []int{1, 1, 3}) {
		t.Errorf("cuts 20,50 counts = %v", c)
	}
	if got := Pareto(items(0, 0), nil); got[1] != C || got[2] != C {
		t.Errorf("zero total: %v", got)
	}
}

func TestQuintiles(t *testing.T) {
	got := Quintiles(items(1, 2, 3, 4, 5, 6, 7, 8, 9, 10))
	for i, want := range []int{1, 1, 2, 2, 3, 3, 4, 4, 5, 5} {
		if got[int64(i+1)] != want {
			t.Errorf("value %d scored %d, want %d", i+1, got[int64(i+1)], want)
		}
	}
	// Ties share rank_min: values 1,1,1,1,5 → rank_min 1 for the ones, 5 for the five.
	got = Quintiles(items(1, 1, 1, 1, 5))
	if got[1] != 1 || got[4] != 1 || got[5] != 5 {
		t.Errorf("ties: %v", got)
	}
	if got := Quintiles(items(7)); got[1] != 1 {
		t.Errorf("n=1: %v", got)
	}
}

func TestSegmentOf(t *testing.T) {
	tests := []struct {
		r, f int
		want Segment
	}{
		{5, 5, Champions}, {5, 4, Champions}, {4, 5, Loyal}, {3, 4, Loyal}, {5, 2, PotentialLoyalist},
		{4, 3, PotentialLoyalist}, {5, 1, NewCustomers}, {4, 1, Promising}, {3, 3, NeedAttention},
		{3, 2, AboutToSleep}, {3, 1, AboutToSleep}, {2, 3, AtRisk}, {1, 4, AtRisk}, {1, 5, CantLoseThem},
		{2, 5, CantLoseThem}, {2, 2, Hibernating}, {2, 1, Hibernating}, {1, 2, Hibernating}, {1, 1, Lost},
	}
	for _, tt := range tests {
		if got := SegmentOf(tt.r, tt.f); got != tt.want {
			t.Errorf("SegmentOf(%d,%d) = %s, want %s", tt.r, tt.f, got, tt.want)
		}
	}
	for r := 1; r <= 5; r++ {
		for f := 1; f <= 5; f++ {
			if SegmentLabels[SegmentOf(r, f)] == "" {
				t.Errorf("segment of %d,%d has no Chinese label", r, f)
			}
		}
	}
}

func TestPercentRanks(t *testing.T) {
	got := PercentRanks(items(10, 20, 20, 40))
	want := map[int64]float64{1: 0, 2: 100 * 1.5 / 3, 3: 100 * 1.5 / 3, 4: 100}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("PercentRanks = %v, want %v", got, want)
	}
}

func TestLoyaltyIndex(t *testing.T) {
	for _, tt := range []struct {
		f    [5]int
		want float64
	}{{[5]int{1, 1, 1, 1, 1}, 0}, {[5]int{5, 5, 5, 5, 5}, 100}, {[5]int{5, 4, 5, 4, 2}, 75}, {[5]int{3, 3, 3, 3, 4}, 55}} {
		if got := LoyaltyIndex(tt.f); got != tt.want {
			t.Errorf("LoyaltyIndex(%v) = %v, want %v", tt.f, got, tt.want)
		}
	}
}

func TestAssignProspectsAndLoss(t *testing.T) {
	asOf := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	ms := []Metrics{
		{ID: 1, Revenue: 1000, Profit: 300, Purchases: 2, Last: asOf},
		{ID: 2, Revenue: 500, Profit: -50, Purchases: 1, Last: asOf},
		{ID: 3},
	}
	for _, m := range Methods {
		cfg := DefaultConfig()
		cfg.Method = m
		as := Assign(ms, cfg, asOf)
		if as[3].Tier != Prospect {
			t.Errorf("%s: a customer without purchases is %s, want prospect", m, as[3].Tier)
		}
		if !as[2].LossMaking || as[1].LossMaking {
			t.Errorf("%s: loss flags %v %v", m, as[1].LossMaking, as[2].LossMaking)
		}
		if len(as) != 3 {
			t.Errorf("%s: %d assignments for 3 customers", m, len(as))
		}
	}
}

// CDNOW_sample.txt: master id, sample id, yyyymmdd, quantity, dollars.
func loadCDNOW(t testing.TB) map[int64]float64 {
	t.Helper()
	// The repository's own copy (tiering/clv/testdata/cdnow, with its
	// licence note): the test runs on a fresh clone.
	f, err := os.Open(filepath.Join("clv", "testdata", "cdnow", "CDNOW_sample.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rev := map[int64]float64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) != 5 {
			continue
		}
		id, _ := strconv.ParseInt(fs[0], 10, 64)
		usd, err := strconv.ParseFloat(fs[4], 64)
		if err != nil {
			t.Fatal(err)
		}
		rev[id] += math.Round(usd * 100)
	}
	return rev
}

func TestCDNOWWholePeriod(t *testing.T) {
	rev := loadCDNOW(t)
	var its []Item
	for id, v := range rev {
		its = append(its, Item{id, v})
	}
	if len(its) != 2357 {
		t.Fatalf("%d customers, want 2357", len(its))
	}
	if c := counts(Pyramid(its, nil), PyramidTiers); !reflect.DeepEqual(c, []int{24, 448, 707, 1178}) {
		t.Errorf("pyramid by revenue = %v, want [24 448 707 1178]", c)
	}
	if c := counts(Pareto(its, nil), []Tier{A, B, C}); !reflect.DeepEqual(c, []int{777, 801, 779}) {
		t.Errorf("ABC 80/95 = %v, want [777 801 779]", c)
	}
}

// PyramidTierAt agrees with Pyramid for every rank, ties included.
func TestPyramidTierAt(t *testing.T) {
	vals := []float64{90, 80, 80, 70, 60, 60, 60, 50, 40, 30, 20, 10, 10}
	tiers := Pyramid(items(vals...), nil)
	for i, v := range vals {
		above := 0
		for _, w := range vals {
			if w > v {
				above++
			}
		}
		if got := PyramidTierAt(above+1, len(vals), nil); got != tiers[int64(i+1)] {
			t.Errorf("value %v: PyramidTierAt = %s, Pyramid = %s", v, got, tiers[int64(i+1)])
		}
	}
}
