package main

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

// rolo export tiers --format json: money columns are decimal strings in
// the notebook currency (or null), never floats; the model's figures are
// numbers rounded to four places, without float noise.
func TestExportTiersJSONMoney(t *testing.T) {
	e := demoEnv(t, "300")
	e.ok("clv") // fit the model, so the lifetime columns are filled
	out := e.ok("export", "tiers", "--format", "json")
	var rows []map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &rows); err != nil || len(rows) < 100 {
		t.Fatalf("%d rows: %v", len(rows), err)
	}
	decimal := regexp.MustCompile(`^"-?[0-9]+\.[0-9]{2}"$`)
	number := regexp.MustCompile(`^-?[0-9]+(\.[0-9]{1,4})?$`)
	seen := map[string]int{}
	for _, r := range rows {
		for _, k := range []string{"value", "revenue", "profit", "revenue_without_cost", "paid", "outstanding", "expected_spend", "clv"} {
			v := string(r[k])
			if v == "null" {
				continue
			}
			seen[k]++
			if !decimal.MatchString(v) {
				t.Errorf("customer %s: %s = %s, want a decimal string like \"1280.50\"", r["customer_id"], k, v)
			}
		}
		for _, k := range []string{"p_alive", "expected_purchases_90d"} {
			v := string(r[k])
			if v == "null" {
				continue
			}
			seen[k]++
			if !number.MatchString(v) {
				t.Errorf("customer %s: %s = %s, want a number with at most 4 decimals", r["customer_id"], k, v)
			}
		}
	}
	for _, k := range []string{"value", "clv", "expected_spend", "p_alive"} {
		if seen[k] == 0 {
			t.Errorf("no row has %s: the test does not see it", k)
		}
	}
	if strings.Contains(out, "e-") || strings.Contains(out, "E+") {
		t.Errorf("a float in exponent form")
	}
}
