package demo

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/rolo-crm/rolo/store"
)

var today = time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)

func generate(t testing.TB, o Options) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "demo.db"), store.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	o.Today = today
	if _, err := Generate(context.Background(), st, o); err != nil {
		t.Fatal(err)
	}
	return st
}

func BenchmarkGenerate(b *testing.B) {
	for i := 0; i < b.N; i++ {
		generate(b, Options{Seed: 1, Customers: 20000, Purchases: 200000})
	}
}
