package tiering

import (
	"encoding/binary"
	"github.com/rolo-crm/rolo/money"
	"math"
	"testing"
)

// values decodes fuzz bytes into up to 200 small integer values (ties are likely).
func values(data []byte) []Item {
	var out []Item
	for i := 0; i+2 <= len(data) && len(out) < 200; i += 2 {
		v := int16(binary.LittleEndian.Uint16(data[i:]))
		out = append(out, Item{ID: int64(len(out) + 1), Value: float64(v % 50)})
	}
	return out
}

func FuzzTierInvariants(f *testing.F) {
	f.Add([]byte{1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0})
	f.Add([]byte{9, 0, 9, 0, 9, 0})
	f.Add([]byte{0xff, 0xff, 0, 0, 1, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		its := values(data)
		for name, tiers := range map[string]map[int64]Tier{"pyramid": Pyramid(its, nil), "pareto": Pareto(its, nil)} {
			// Every customer gets exactly one tier.
			if len(tiers) != len(its) {
				t.Fatalf("%s: %d tiers for %d customers", name, len(tiers), len(its))
			}
			// Tiers are monotone in the value: a larger value never gets a worse tier.
			for _, a := range its {
				for _, b := range its {
					if a.Value > b.Value && Rank(tiers[a.ID]) > Rank(tiers[b.ID]) {
						t.Fatalf("%s: value %v got %s but smaller %v got %s", name, a.Value, tiers[a.ID], b.Value, tiers[b.ID])
					}
				}
			}
		}
		// Pyramid tiers never hold more than their cut allows, except for ties.
		p := Pyramid(its, nil)
		if len(its) > 0 {
			best := math.Inf(-1)
			for _, it := range its {
				best = math.Max(best, it.Value)
			}
			for _, it := range its {
				if it.Value == best && p[it.ID] != Key {
					t.Fatalf("the largest value is %s, not key", p[it.ID])
				}
			}
		}
		// Shares sum to 100% of customers.
		ms := make([]Metrics, len(its))
		as := map[int64]Assignment{}
		for i, it := range its {
			ms[i] = Metrics{ID: it.ID, Revenue: money.Amount(it.Value) + 100, Purchases: 1}
			as[it.ID] = Assignment{ID: it.ID, Tier: p[it.ID]}
		}
		sum, vsum := 0.0, 0.0
		for _, s := range Summarize(ms, as, PyramidTiers, ByRevenue) {
			sum += s.CustomerShare
			vsum += s.ValueShare
		}
		if len(its) > 0 && (math.Abs(sum-100) > 1e-9 || math.Abs(vsum-100) > 1e-9) {
			t.Fatalf("shares sum to %v%% of customers and %v%% of value", sum, vsum)
		}
		// Quintile scores are 1–5 and monotone.
		q := Quintiles(its)
		for _, a := range its {
			if q[a.ID] < 1 || q[a.ID] > 5 {
				t.Fatalf("quintile %d", q[a.ID])
			}
			for _, b := range its {
				if a.Value > b.Value && q[a.ID] < q[b.ID] {
					t.Fatalf("quintiles not monotone")
				}
			}
		}
	})
}
