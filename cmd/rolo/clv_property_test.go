package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// checkFinite walks a JSON document: every number finite, every money
// string a decimal within ±1e12, every p_alive within [0, 1].
func checkFinite(t *testing.T, what, doc string) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	for {
		var v any
		err := dec.Decode(&v)
		if err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("%s: not JSON: %v\n%s", what, err, doc)
			}
			return
		}
		walkJSON(t, what, "", v)
	}
}

var moneyKeys = map[string]bool{"clv": true, "expected_spend": true, "revenue": true, "profit": true, "value": true, "mean_spend": true}

func walkJSON(t *testing.T, what, key string, v any) {
	t.Helper()
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			walkJSON(t, what, k, c)
		}
	case []any:
		for _, c := range x {
			walkJSON(t, what, key, c)
		}
	case json.Number:
		f, err := x.Float64()
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			t.Errorf("%s: %s = %s", what, key, x)
		}
		if key == "p_alive" && (f < 0 || f > 1) {
			t.Errorf("%s: p_alive = %v", what, f)
		}
	case string:
		if moneyKeys[key] && x != "" {
			f, err := strconv.ParseFloat(x, 64)
			if err != nil || math.Abs(f) >= 1e12 {
				t.Errorf("%s: %s = %q is not a sensible amount", what, key, x)
			}
		}
	}
}

// No NaN, infinity or overflowed money reaches any output, on random small
// notebooks (5–500 customers) and on degenerate ones: everyone bought once
// on one day, identical histories, one huge spender, one price for all.
func TestLifetimeValueIsAlwaysFinite(t *testing.T) {
	type book struct {
		name string
		make func(t *testing.T) *testEnv
	}
	demoBook := func(n, seed int) book {
		return book{fmt.Sprintf("demo %d seed %d", n, seed), func(t *testing.T) *testEnv {
			e := &testEnv{t: t, db: filepath.Join(t.TempDir(), "demo.db"), env: map[string]string{}}
			e.ok("demo", "--out", e.db, "--no-tui", "--seed", strconv.Itoa(seed), "--customers", strconv.Itoa(n))
			return e
		}}
	}
	// imported writes n customers whose purchases come from buys(i, rng).
	imported := func(name string, n int, buys func(i int, rng *rand.Rand) []string) book {
		return book{name, func(t *testing.T) *testEnv {
			rng := rand.New(rand.NewPCG(uint64(n), 7))
			var cs, ps bytes.Buffer
			cs.WriteString("external_id,name\n")
			ps.WriteString("customer_external_id,date,amount\n")
			for i := range n {
				fmt.Fprintf(&cs, "c%d,客户%d\n", i, i)
				for _, b := range buys(i, rng) {
					fmt.Fprintf(&ps, "c%d,%s\n", i, b)
				}
			}
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, "c.csv"), cs.Bytes(), 0o600)
			os.WriteFile(filepath.Join(dir, "p.csv"), ps.Bytes(), 0o600)
			e := newEnv(t)
			e.ok("import", "customers", filepath.Join(dir, "c.csv"))
			e.ok("import", "purchases", filepath.Join(dir, "p.csv"))
			return e
		}}
	}
	books := []book{
		demoBook(5, 1), demoBook(40, 2), demoBook(150, 3), demoBook(200, 1), demoBook(500, 4),
		imported("everyone once, one day", 150, func(int, *rand.Rand) []string { return []string{"2026-03-01,100"} }),
		imported("identical histories", 150, func(int, *rand.Rand) []string {
			return []string{"2026-01-05,80", "2026-03-05,80", "2026-06-05,80"}
		}),
		imported("one huge spender", 160, func(i int, rng *rand.Rand) []string {
			amount := 50 + rng.IntN(200)
			if i == 0 {
				amount = 900_000_000
			}
			out := []string{fmt.Sprintf("2025-%02d-10,%d", 1+rng.IntN(12), amount)}
			for range rng.IntN(4) {
				out = append(out, fmt.Sprintf("2026-%02d-%02d,%d", 1+rng.IntN(10), 1+rng.IntN(28), amount))
			}
			return out
		}),
		imported("one price for all", 200, func(i int, rng *rand.Rand) []string {
			out := []string{fmt.Sprintf("2025-%02d-01,99", 1+rng.IntN(12))}
			for range rng.IntN(5) {
				out = append(out, fmt.Sprintf("2026-%02d-%02d,99", 1+rng.IntN(10), 1+rng.IntN(28)))
			}
			return out
		}),
	}
	for _, b := range books {
		t.Run(b.name, func(t *testing.T) {
			e := b.make(t)
			doc := e.ok("clv", "--json")
			checkFinite(t, "clv --json", doc)
			model := e.ok("clv", "--model", "--json")
			checkFinite(t, "clv --model --json", model)
			var m struct{ Status, Reason string }
			json.Unmarshal([]byte(model), &m)
			t.Logf("%s: %s", m.Status, m.Reason)
			checkFinite(t, "pyramid --by clv --json", e.ok("pyramid", "--by", "clv", "--json"))
			checkFinite(t, "export tiers --format json", e.ok("export", "tiers", "--format", "json"))
			var rows []struct {
				ID int64 `json:"id"`
			}
			json.Unmarshal([]byte(e.ok("list", "--json")), &rows)
			for i := 0; i < len(rows); i += max(1, len(rows)/5) {
				id := strconv.FormatInt(rows[i].ID, 10)
				checkFinite(t, "show "+id+" --json", e.ok("show", id, "--json"))
				out, _, _ := e.run(true, "show", id)
				if strings.Contains(out, "NaN") || strings.Contains(out, "Inf") || strings.Contains(out, "92,233,720") {
					t.Errorf("show %s:\n%s", id, out)
				}
			}
			out, _, code := e.run(true, "clv", "--limit", "0")
			if code != 0 || strings.Contains(out, "NaN") || strings.Contains(out, "Inf") || strings.Contains(out, "92,233,720") {
				t.Errorf("clv on a terminal (exit %d):\n%s", code, out)
			}
		})
	}
}
