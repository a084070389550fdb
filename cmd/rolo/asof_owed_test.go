package main

import (
	"strings"
	"testing"
)

// owed and due as of a past day count what was bought and paid by then:
// a purchase made later is not owed yet, and a payment made later has not
// been made yet.
func TestOwedAndDueAsOfPastDay(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "李娜")
	e.ok("add", "王晓敏")
	e.ok("buy", "李娜", "8000", "--paid", "0", "--date", "2026-10-01", "--item", "紫砂壶")
	e.ok("buy", "王晓敏", "870", "--paid", "0", "--date", "2026-11-20")
	e.ok("pay", "李娜", "7000", "--date", "2026-11-01")

	now := e.ok("owed")
	if !strings.Contains(now, "1000.00") || !strings.Contains(now, "870.00") {
		t.Errorf("owed today:\n%s\nwant 李娜's 1000.00 left and 王晓敏's 870.00", now)
	}
	then := e.ok("--as-of", "2026-10-30", "owed")
	if !strings.Contains(then, "8000.00") || strings.Contains(then, "王晓敏") || strings.Contains(then, "\t-") {
		t.Errorf("owed as of 2026-10-30:\n%s\nwant 李娜's 8000.00 (paid on 11-01), nothing of 王晓敏's (bought 11-20), no negative days", then)
	}
	due, errs, code := e.run(false, "--as-of", "2026-10-30", "due", "--json")
	if code > 1 { // 1: something is overdue
		t.Fatalf("due as of 2026-10-30: exit %d: %s", code, errs)
	}
	if !strings.Contains(due, "owes 8,000.00") || strings.Contains(due, "870.00") {
		t.Errorf("due as of 2026-10-30:\n%s\nwant 李娜's debt of 8000.00 and nothing of 王晓敏's", due)
	}
	if got := e.ok("--as-of", "2020-01-01", "owed"); got != "" {
		t.Errorf("owed as of 2020, before every sale:\n%s\nwant nothing", got)
	}
}

// The thank-you a key customer's purchase calls for goes when the purchase
// is deleted.
func TestThanksGoWithTheirPurchase(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "王小明")
	e.ok("buy", "王小明", "500", "--date", "2026-11-01")
	id := strings.TrimSpace(e.ok("buy", "王小明", "1280", "--item", "普洱"))
	if fs := e.ok("export", "followups"); !strings.Contains(fs, "thank-you call for purchase "+id+" of 普洱") {
		t.Fatalf("no thank-you for purchase %s:\n%s", id, fs)
	}
	e.ok("rm", "purchase", id)
	if fs := e.ok("export", "followups"); strings.Contains(fs, "thank-you") {
		t.Errorf("the thank-you outlived its purchase:\n%s", fs)
	}
}
