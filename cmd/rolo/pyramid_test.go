package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// tierRow and rfmRow read the JSON rows of pyramid and rfm.
type tierRow struct {
	ID   int64  `json:"id"`
	Tier string `json:"tier"`
}

type rfmRow struct {
	ID           int64 `json:"id"`
	R, F, M      int
	Segment      string `json:"segment"`
	SegmentLabel string `json:"segment_label"`
}

// sevenCustomers: c1 bought 700, c2 600 ... c7 100, all on 2026-10-01, plus a prospect.
func sevenCustomers(t *testing.T) *testEnv {
	e := newEnv(t)
	for i := 1; i <= 7; i++ {
		e.ok("add", fmt.Sprintf("客户%d", i))
		e.ok("buy", fmt.Sprint(i), fmt.Sprint(800-100*i), "--date", "2026-10-01")
	}
	e.ok("add", "Prospect Pat")
	return e
}

func TestPyramidPipedAndJSON(t *testing.T) {
	e := sevenCustomers(t)
	got := e.ok("pyramid")
	// No purchase has a cost: profit is unknown (blank), not zero.
	want := "1\t客户1\tkey\t700.00\t700.00\t\t1\t2026-10-01\t\n" +
		"2\t客户2\tmajor\t600.00\t600.00\t\t1\t2026-10-01\t\n" +
		"3\t客户3\tordinary\t500.00\t500.00\t\t1\t2026-10-01\t\n" +
		"4\t客户4\tordinary\t400.00\t400.00\t\t1\t2026-10-01\t\n" +
		"5\t客户5\tsmall\t300.00\t300.00\t\t1\t2026-10-01\t\n" +
		"6\t客户6\tsmall\t200.00\t200.00\t\t1\t2026-10-01\t\n" +
		"7\t客户7\tsmall\t100.00\t100.00\t\t1\t2026-10-01\t\n" +
		"8\tProspect Pat\tprospect\t0.00\t0.00\t0.00\t0\t\t\n"
	if got != want {
		t.Errorf("pyramid piped:\n%s\nwant:\n%s", got, want)
	}
	var rows []tierRow
	if err := json.Unmarshal([]byte(e.ok("pyramid", "--method", "pareto", "--json")), &rows); err != nil {
		t.Fatal(err)
	}
	// Total 2800: shares before are 0, 25, 46.4, 64.3, 78.6 (A), 89.3 (B), 96.4 (C).
	tiers := ""
	for _, r := range rows {
		tiers += string(r.Tier) + " "
	}
	if tiers != "A A A A A B C prospect " {
		t.Errorf("pareto tiers = %q", tiers)
	}
	_, errs, code := e.run(false, "pyramid", "--method", "magic")
	if code != 2 || !strings.Contains(errs, `unknown method "magic"`) {
		t.Errorf("bad method: %d %q", code, errs)
	}
}

func TestPyramidTTY(t *testing.T) {
	e := sevenCustomers(t)
	e.env["NO_COLOR"] = "1"
	out, _, code := e.run(true, "pyramid")
	if code != 0 {
		t.Fatal(code)
	}
	for _, want := range []string{"重要客户", "小客户", "1 prospect (no purchase yet)", "key 重要客户", "14.3%", "25.0%",
		"关键客户 (key + major): 2 customers, 29% of the customers, bring 46% of the revenue."} {
		if !strings.Contains(out, want) {
			t.Errorf("pyramid on a terminal lacks %q:\n%s", want, out)
		}
	}
}

func TestRFMAndMovers(t *testing.T) {
	e := sevenCustomers(t)
	// 客户7 buys a lot now: moves from small to key since 90 days ago.
	e.ok("buy", "7", "5000", "--date", "2026-11-20")
	var rows []rfmRow
	if err := json.Unmarshal([]byte(e.ok("rfm", "--json")), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 7 {
		t.Fatalf("%d rfm rows, want 7 buyers", len(rows))
	}
	last := rows[6]
	if last.ID != 7 || last.R != 5 || last.F != 5 || last.M != 5 || last.Segment != "Champions" || last.SegmentLabel != "冠军客户" {
		t.Errorf("customer 7 rfm = %+v", last)
	}
	if rows[0].R != 1 || rows[0].F != 1 {
		t.Errorf("customer 1 rfm = %+v (ties on recency and frequency share score 1)", rows[0])
	}
	// As of 2026-11-01: 1 key, 2 major, 3-4 ordinary, 5-7 small. Now 7 (5100) leads.
	got := e.ok("movers", "--since", "2026-11-01")
	want := "7\t客户7\tup\tsmall\tkey\n" +
		"1\t客户1\tdown\tkey\tmajor\n" +
		"2\t客户2\tdown\tmajor\tordinary\n" +
		"4\t客户4\tdown\tordinary\tsmall\n"
	if got != want {
		t.Errorf("movers:\n%s\nwant:\n%s", got, want)
	}
}

// Reports as of an earlier day leave out who was not yet a customer then:
// no prospect of the past, and no tier recorded before they existed.
func TestNoTierBeforeTheCustomerExisted(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "甲")
	e.ok("buy", "1", "500", "--date", "2026-01-05")
	e.ok("add", "乙") // created today, 2026-11-22
	e.ok("buy", "2", "99999.99")
	e.ok("add", "丙") // a prospect since today
	var then []tierRowJSON
	if err := json.Unmarshal([]byte(e.ok("pyramid", "--as-of", "2026-09-01", "--json")), &then); err != nil {
		t.Fatal(err)
	}
	if len(then) != 1 || then[0].ID != 1 {
		t.Errorf("pyramid as of 2026-09-01: %+v, want 甲 alone", then)
	}
	if got := e.ok("movers", "--since", "2026-09-01"); !strings.Contains(got, "2\t乙\tup\tprospect\tkey\n") || strings.Contains(got, "丙") {
		t.Errorf("movers:\n%s", got)
	}
	for _, id := range []string{"2", "3"} {
		var card struct {
			History []struct{ Date, Tier string } `json:"tier_history"`
		}
		if err := json.Unmarshal([]byte(e.ok("show", id, "--json")), &card); err != nil {
			t.Fatal(err)
		}
		for _, h := range card.History {
			if h.Date < "2026-11-22" {
				t.Errorf("customer %s, created 2026-11-22, has a tier recorded on %s: %+v", id, h.Date, card.History)
			}
		}
	}
}

func TestConfigChangesTiering(t *testing.T) {
	e := sevenCustomers(t)
	e.ok("config", "pareto.cuts", "20,50")
	if got := e.ok("config", "pareto.cuts"); got != "20,50\n" {
		t.Errorf("config get = %q", got)
	}
	var rows []tierRow
	json.Unmarshal([]byte(e.ok("pyramid", "--method", "pareto", "--json")), &rows)
	// Shares before: 0 (A), 25 (B), 46.4 (B), 64.3 (C)...
	if rows[0].Tier != "A" || rows[1].Tier != "B" || rows[2].Tier != "B" || rows[3].Tier != "C" {
		t.Errorf("pareto 20,50 = %+v", rows[:4])
	}
	for _, bad := range [][]string{{"pareto.cuts", "95,80"}, {"pyramid.cuts", "1,20,50"}, {"score.weights", "luck=1"},
		{"cadence", "vip=3"}, {"nope", "1"}} {
		_, errs, code := e.run(false, append([]string{"config"}, bad...)...)
		if code != 2 || errs == "" {
			t.Errorf("config %v accepted (exit %d)", bad, code)
		}
	}
}

// show ranks one customer with index look-ups; it must agree with the
// whole-notebook pyramid, archived customers and ties included.
func TestShowTierMatchesPyramid(t *testing.T) {
	e := sevenCustomers(t)
	e.ok("add", "Tie")
	e.ok("buy", "9", "500", "--date", "2026-10-01") // ties with 客户3
	e.ok("rm", "1")                                 // the top customer archived
	var rows []tierRow
	if err := json.Unmarshal([]byte(e.ok("pyramid", "--json")), &rows); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		var p struct {
			Tier string `json:"tier"`
		}
		json.Unmarshal([]byte(e.ok("show", fmt.Sprint(r.ID), "--json")), &p)
		if p.Tier != string(r.Tier) {
			t.Errorf("customer %d: show says %s, pyramid says %s", r.ID, p.Tier, r.Tier)
		}
	}
}

// Profit is ranked on the purchases with a recorded cost; a customer with
// no cost recorded has an unknown profit (null, blank), and the pyramid
// says how much revenue has no cost.
func TestProfitPyramidCostUnknown(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "甲")
	e.ok("buy", "1", "1000", "--cost", "600", "--date", "2026-10-01")
	e.ok("add", "乙")
	e.ok("buy", "2", "2000", "--date", "2026-10-01")
	e.ok("add", "丙")
	e.ok("buy", "3", "300", "--cost", "100", "--date", "2026-10-01")
	e.ok("buy", "3", "500", "--date", "2026-10-02")
	var rows []struct {
		ID     int64   `json:"id"`
		Value  string  `json:"value"`
		Profit *string `json:"profit"`
	}
	if err := json.Unmarshal([]byte(e.ok("pyramid", "--by", "profit", "--json")), &rows); err != nil {
		t.Fatal(err)
	}
	got := ""
	for _, r := range rows {
		p := "null"
		if r.Profit != nil {
			p = *r.Profit
		}
		got += fmt.Sprintf("%d:%s:%s ", r.ID, r.Value, p)
	}
	if got != "1:400.00:400.00 3:200.00:200.00 2:0.00:null " {
		t.Errorf("profit ranking = %q", got)
	}
	e.env["NO_COLOR"] = "1"
	out, _, _ := e.run(true, "pyramid", "--by", "profit")
	if !strings.Contains(out, "2,500.00 of revenue has no recorded cost") {
		t.Errorf("the profit pyramid does not say how much revenue has no cost:\n%s", out)
	}
	if out, _, _ := e.run(true, "pyramid", "--by", "revenue"); strings.Contains(out, "no recorded cost") {
		t.Errorf("the revenue pyramid talks about cost:\n%s", out)
	}
}
