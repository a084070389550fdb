package tiering

import (
	"github.com/rolo-crm/rolo/money"
	"math/rand/v2"
	"testing"
	"time"
)

func benchMetrics(n int) []Metrics {
	rng := rand.New(rand.NewPCG(1, 1))
	asOf := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	ms := make([]Metrics, n)
	for i := range ms {
		p := 1 + rng.IntN(30)
		ms[i] = Metrics{ID: int64(i + 1), Revenue: money.Amount(rng.ExpFloat64() * 100000), Profit: money.Amount(rng.NormFloat64() * 10000),
			Purchases: p, PurchaseDays: p, Last: asOf.AddDate(0, 0, -rng.IntN(1000)), First: asOf.AddDate(-4, 0, 0)}
	}
	return ms
}

func BenchmarkAssignPyramid100k(b *testing.B) {
	ms := benchMetrics(100000)
	cfg := DefaultConfig()
	asOf := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Assign(ms, cfg, asOf)
	}
}

func BenchmarkComputeRFM100k(b *testing.B) {
	ms := benchMetrics(100000)
	asOf := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ComputeRFM(ms, asOf)
	}
}
