package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func TestCLVCommand(t *testing.T) {
	// Too little data: say so and fall back to the simple CLV.
	e := newEnv(t)
	e.ok("add", "王小明")
	e.ok("buy", "1", "1000", "--date", "2025-06-01")
	e.ok("buy", "1", "500", "--date", "2026-06-01")
	var out struct {
		Model struct {
			Fitted    bool    `json:"fitted"`
			Reason    string  `json:"reason"`
			Retention float64 `json:"retention"`
		}
		Customers []struct {
			ID     int64    `json:"id"`
			PAlive *float64 `json:"p_alive"`
			Spend  *string  `json:"expected_spend"`
			CLV    string   `json:"clv"`
		}
	}
	clv := func(e *testEnv) {
		t.Helper()
		if err := json.Unmarshal([]byte(e.ok("clv", "--json")), &out.Customers); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(e.ok("clv", "--model", "--json")), &out.Model); err != nil {
			t.Fatal(err)
		}
	}
	clv(e)
	// Piped, the unknown figures are blank, as JSON's null: P(alive), the
	// next 90 days, the spend; the value is known.
	if got := e.ok("clv"); got != "1\t王小明\tkey\t\t\t\t136.36\n" {
		t.Errorf("clv piped = %q", got)
	}
	// Retention 1 (bought in both years), m = 500 × 30%, i = 10%, over the
	// default 12 months: one year's margin, kept and discounted: 150·1/1.1.
	if out.Model.Fitted || !strings.Contains(out.Model.Reason, "only 1 buying customers") || out.Model.Retention != 1 ||
		len(out.Customers) != 1 || out.Customers[0].PAlive != nil || out.Customers[0].Spend != nil || out.Customers[0].CLV != "136.36" {
		t.Errorf("fallback = %+v", out)
	}
	// show says the value came from the simple formula, and why; it has no P(alive).
	var card struct {
		Lifetime struct {
			Fitted bool     `json:"fitted"`
			Reason string   `json:"reason"`
			PAlive *float64 `json:"p_alive"`
			CLV    string   `json:"clv"`
		} `json:"lifetime"`
	}
	if err := json.Unmarshal([]byte(e.ok("show", "1", "--json")), &card); err != nil {
		t.Fatal(err)
	}
	if lt := card.Lifetime; lt.Fitted || lt.PAlive != nil || lt.CLV != "136.36" || !strings.Contains(lt.Reason, "only 1 buying customers") {
		t.Errorf("show after a fallback analysis: %+v", lt)
	}

	// Enough data: the demo notebook fits, and show uses the saved model.
	d := &testEnv{t: t, db: filepath.Join(t.TempDir(), "demo.db"), env: map[string]string{}}
	d.ok("demo", "--customers", "300", "--out", d.db, "--no-tui")
	clv(d)
	if !out.Model.Fitted {
		t.Fatalf("demo notebook not fitted: %s", out.Model.Reason)
	}
	for _, c := range out.Customers {
		if c.PAlive == nil || *c.PAlive < 0 || *c.PAlive > 1 || c.Spend == nil || strings.HasPrefix(c.CLV, "-") {
			t.Fatalf("customer %+v out of range", c)
		}
	}
	show := d.ok("show", "1", "--json")
	if !strings.Contains(show, `"lifetime": {`) || !strings.Contains(show, `"model_as_of": "2026-11-22"`) {
		t.Errorf("show after clv lacks lifetime figures:\n%s", show)
	}
	var rows []struct {
		Tier  string      `json:"tier"`
		Value json.Number `json:"value"`
	}
	if err := json.Unmarshal([]byte(d.ok("pyramid", "--by", "clv", "--json")), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 || rows[0].Tier != "key" || rows[0].Value == "" || strings.HasPrefix(string(rows[0].Value), "-") || rows[0].Value == "0.00" {
		t.Errorf("pyramid --by clv starts with %+v, want a key customer valued by CLV", rows[:min(3, len(rows))])
	}
	_, errs, code := d.run(false, "clv", "--margin", "lots")
	if code != 2 || !strings.Contains(errs, `--margin "lots": write a percentage`) {
		t.Errorf("bad margin: %d %q", code, errs)
	}
	_, errs, code = d.run(false, "clv", "--discount", "0.08")
	if code != 2 || !strings.Contains(errs, `--discount "0.08": 0.08 without % would be 0.08%`) {
		t.Errorf("discount 0.08: %d %q", code, errs)
	}
}
