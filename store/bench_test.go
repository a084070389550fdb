package store

import (
	"context"
	"os"
	"testing"
	"time"
)

// Benchmarks of the hot queries run against a large notebook named by
// ROLO_BENCH_DB (bench/run.sh builds one with rolo demo); they skip without it.
func benchStore(b *testing.B) *Store {
	path := os.Getenv("ROLO_BENCH_DB")
	if path == "" {
		b.Skip("set ROLO_BENCH_DB to a large notebook (bench/run.sh does)")
	}
	s, err := Open(context.Background(), path, Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

var benchDay = time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)

func BenchmarkSearchPinyin(b *testing.B) {
	s := benchStore(b)
	for i := 0; i < b.N; i++ {
		if _, err := s.Search(context.Background(), "wxm", SearchOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSearchCJK(b *testing.B) {
	s := benchStore(b)
	for i := 0; i < b.N; i++ {
		if _, err := s.Search(context.Background(), "普洱茶", SearchOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSearchShortProfile(b *testing.B) {
	s := benchStore(b)
	for i := 0; i < b.N; i++ {
		if _, err := s.Search(context.Background(), "王", SearchOptions{ProfileOnly: true, Limit: 1000}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMetricsLean(b *testing.B) {
	s := benchStore(b)
	for i := 0; i < b.N; i++ {
		if _, err := s.Metrics(context.Background(), benchDay, MetricsOptions{Lean: true}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMetricsFull(b *testing.B) {
	s := benchStore(b)
	for i := 0; i < b.N; i++ {
		if _, err := s.Metrics(context.Background(), benchDay, MetricsOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAccountsPage(b *testing.B) {
	s := benchStore(b)
	for i := 0; i < b.N; i++ {
		if _, _, err := s.Accounts(context.Background(), AccountQuery{Sort: SortName, Offset: 50000, Limit: 200}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAgendaInputs(b *testing.B) {
	s := benchStore(b)
	for i := 0; i < b.N; i++ {
		if _, _, err := s.AgendaInputs(context.Background(), benchDay, true); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTierOf(b *testing.B) {
	s := benchStore(b)
	for i := 0; i < b.N; i++ {
		if _, _, err := s.TierOf(context.Background(), 5, benchDay); err != nil {
			b.Fatal(err)
		}
	}
}
