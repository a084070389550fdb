package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestTodayCommand(t *testing.T) {
	e := newEnv(t)
	e.ok("config", "plan.capacity", "2")
	for _, c := range []struct{ name, amount string }{{"甲", "100"}, {"乙", "5000"}, {"丙", "300"}} {
		e.ok("add", c.name)
		e.ok("buy", c.name, c.amount, "--date", "2026-01-10")
	}
	e.ok("complaint", "甲", "少发了一盒")
	type row struct {
		planRowJSON
		Worth string `json:"worth"`
	}
	var rows []row
	if err := json.Unmarshal([]byte(e.ok("today", "--json")), &rows); err != nil {
		t.Fatal(err)
	}
	// Capacity 2: the complaint first, then the customer worth most.
	if len(rows) != 2 || rows[0].Name != "甲" || !rows[0].MustDo || rows[1].Name != "乙" || rows[1].MustDo ||
		rows[1].Worth != "5000.00" || rows[1].WorthFrom != "revenue_12m" || rows[1].Urgency <= 1 || rows[1].Score != 5000*rows[1].Urgency ||
		rows[1].Date != "2026-11-22" || rows[1].Rank != 2 {
		t.Fatalf("today = %+v", rows)
	}
	var week []row
	if err := json.Unmarshal([]byte(e.ok("today", "--week", "--json")), &week); err != nil {
		t.Fatal(err)
	}
	if len(week) != 3 || week[2].Name != "丙" || week[2].Date != "2026-11-23" {
		t.Errorf("week = %+v", week)
	}
	e.ok("log", "乙", "call", "聊了新茶")
	out, _, code := e.run(true, "today")
	// The call ticks 乙 off the plan, but the survey is still due: the
	// plan says contacted, not done, and why.
	if code != 0 || !strings.Contains(out, "1 of 2 done") || !strings.Contains(out, "✓ contacted  survey") || !strings.Contains(out, "1 more customer with something due waits") {
		t.Errorf("today on a terminal (exit %d):\n%s", code, out)
	}
	if err := json.Unmarshal([]byte(e.ok("today", "--json")), &rows); err != nil || len(rows) != 2 || !rows[1].Done || !rows[1].Contacted || rows[0].Contacted {
		t.Errorf("today --json after the call: %+v (%v)", rows, err)
	}
	e.ok("survey", "乙", "--satisfaction", "5", "--initiative", "4", "--repurchase", "4", "--recommend", "5", "--resistance", "1")
	if out, _, _ := e.run(true, "today"); !strings.Contains(out, "✓ done") || strings.Contains(out, "✓ contacted") {
		t.Errorf("today after the survey too:\n%s", out)
	}
	if _, errs, code := e.run(false, "config", "plan.capacity", "many"); code != 2 || !strings.Contains(errs, "write a number of customers") {
		t.Errorf("bad capacity: %d %q", code, errs)
	}
}
