package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// Every record can be corrected or deleted, and totals, tiers and search
// follow at once.
func TestEditAndRemoveRecords(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "王小明")
	e.ok("add", "李四")
	e.ok("buy", "1", "1280", "--item", "普洱茶饼", "--date", "2026-11-01") // purchase 1
	e.ok("buy", "2", "100", "--item", "白茶", "--date", "2026-11-02")    // purchase 2
	revenue := func(c string) string {
		var card struct {
			Metrics struct {
				Revenue string `json:"revenue"`
			} `json:"metrics"`
			Tier string `json:"tier"`
		}
		if err := json.Unmarshal([]byte(e.ok("show", c, "--json")), &card); err != nil {
			t.Fatal(err)
		}
		return card.Metrics.Revenue + " " + card.Tier
	}
	if got := revenue("1"); got != "1280.00 key" {
		t.Fatalf("before: %s", got)
	}
	// A wrong amount and item, corrected: the ranking turns.
	if got := e.ok("edit", "purchase", "1", "--amount", "12.80", "--item", "红茶"); got != "" {
		t.Errorf("piped edit printed %q", got)
	}
	if got := revenue("1"); got != "12.80 small" {
		t.Errorf("after the correction: %s", got)
	}
	if got := revenue("2"); got != "100.00 key" {
		t.Errorf("李四 after 王小明's correction: %s", got)
	}
	if out := e.ok("find", "红茶"); !strings.HasPrefix(out, "1\t王小明") {
		t.Errorf("search does not follow the new item: %q", out)
	}
	if out := e.ok("find", "普洱茶饼"); out != "" {
		t.Errorf("the old item is still found: %q", out)
	}
	// Moved to the right customer.
	e.ok("edit", "purchase", "1", "--customer", "李四")
	if got := revenue("2"); got != "112.80 key" {
		t.Errorf("李四 after the move: %s", got)
	}
	if got := revenue("1"); got != "0.00 prospect" {
		t.Errorf("王小明 after the move: %s", got)
	}
	// Contacts and follow-ups.
	e.ok("log", "1", "call", "asked about tea")
	e.ok("edit", "contact", "1", "--kind", "visit", "--summary", "brought samples")
	var card struct {
		Contacts []struct {
			Kind    string `json:"kind"`
			Summary string `json:"summary"`
		} `json:"contacts"`
		FollowUps []struct {
			Due  string `json:"due"`
			What string `json:"what"`
		} `json:"followups"`
	}
	e.ok("follow", "1", "+3d", "send samples")
	e.ok("edit", "followup", "1", "--due", "2026-12-01", "--what", "send the catalogue")
	json.Unmarshal([]byte(e.ok("show", "1", "--json")), &card)
	if len(card.Contacts) != 1 || card.Contacts[0].Kind != "visit" || card.Contacts[0].Summary != "brought samples" ||
		len(card.FollowUps) != 1 || card.FollowUps[0].Due != "2026-12-01" || card.FollowUps[0].What != "send the catalogue" {
		t.Errorf("after the corrections: %+v", card)
	}
	e.ok("rm", "contact", "1")
	e.ok("rm", "followup", "1")
	e.ok("rm", "purchase", "2")
	card.Contacts, card.FollowUps = nil, nil
	json.Unmarshal([]byte(e.ok("show", "1", "--json")), &card)
	if len(card.Contacts) != 0 || len(card.FollowUps) != 0 || revenue("2") != "12.80 key" {
		t.Errorf("after deleting: %+v, 李四 %s", card, revenue("2"))
	}
	if out, _, code := e.run(false, "check"); code != 0 {
		t.Errorf("check after the corrections: %s", out)
	}
	errs := []struct {
		args []string
		want string
	}{
		{[]string{"edit", "purchase", "9"}, "rolo: nothing to change; pass the fields to correct, e.g. --amount or --item (see rolo edit purchase --help)\n"},
		{[]string{"edit", "purchase", "9", "--amount", "5"}, "rolo: no purchase with id 9\n"},
		{[]string{"edit", "purchase", "x", "--amount", "5"}, "rolo: \"x\" is not a purchase id; the ids are in rolo show CUSTOMER\n"},
		{[]string{"edit", "purchase", "1", "--qty", "0"}, "rolo: --qty \"0\": the quantity must be a number more than zero\n"},
		{[]string{"edit", "purchase", "1", "--paid", "50"}, "rolo: --paid 50.00 is more than the amount 12.80; record what was collected (at most the amount), and later payments with rolo pay\n"},
		{[]string{"edit", "contact", "1", "--kind", "visit"}, "rolo: no contact with id 1\n"},
		{[]string{"edit", "contact", "3", "--kind", "fax"}, "rolo: no contact with id 3\n"},
		{[]string{"rm", "followup", "77"}, "rolo: no follow-up with id 77\n"},
		{[]string{"rm", "payment", "1"}, "rolo: no payment with id 1\n"},
		{[]string{"edit", "purchase", "1", "--date", "2027-01-01"}, "rolo: --date 2027-01-01 is in the future; pass --planned to record a purchase agreed for that day (it counts from then)\n"},
	}
	for _, c := range errs {
		if _, stderr, code := e.run(false, c.args...); code != 2 || stderr != c.want {
			t.Errorf("%v: exit %d\n%q\nwant\n%q", c.args, code, stderr, c.want)
		}
	}
}

// A customer literally named "purchase" is still reachable as #ID.
func TestCustomerNamedLikeARecord(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "purchase")
	e.ok("edit", "#1", "--phone", "13800000000")
	if out := e.ok("show", "purchase"); !strings.Contains(out, "phone\t13800000000\n") {
		t.Errorf("show purchase:\n%s", out)
	}
	if _, stderr, code := e.run(false, "edit", "purchase"); code != 2 ||
		stderr != "rolo: purchase needs the purchase ID (see rolo show CUSTOMER) (got no arguments)\nUsage: rolo edit purchase ID [flags]\n" {
		t.Errorf("edit purchase without an id: %d %q", code, stderr)
	}
}

// Payments after the sale: the oldest debts are paid first, what is owed
// goes down, the agenda reminds after the terms, and too much is refused.
func TestPayAndOwed(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "王小明")
	e.ok("add", "李四")
	e.ok("buy", "1", "1000", "--paid", "200", "--date", "2026-09-01", "--item", "普洱") // owes 800
	e.ok("buy", "1", "500", "--paid", "0", "--date", "2026-11-10")                    // owes 500
	e.ok("buy", "2", "300", "--paid", "100", "--date", "2026-11-20")                  // owes 200
	e.ok("buy", "2", "999", "--date", "2026-11-21")                                   // paid in full
	if got := e.ok("owed"); got != "1\t王小明\t1300.00\t2026-09-01\t82\t1 2\n2\t李四\t200.00\t2026-11-20\t2\t3\n" {
		t.Errorf("owed:\n%s", got)
	}
	// The payment goes to the oldest debt first, then the next.
	out := e.ok("pay", "王小明", "1000")
	if out != "1\n2\n" {
		t.Errorf("pay printed %q, want the two payment ids", out)
	}
	var pays []struct {
		PurchaseID int64  `json:"purchase_id"`
		Amount     string `json:"amount"`
	}
	json.Unmarshal([]byte(e.ok("pay", "1", "50", "--purchase", "2", "--json")), &pays)
	if len(pays) != 1 || pays[0].PurchaseID != 2 || pays[0].Amount != "50.00" {
		t.Errorf("pay --purchase: %+v", pays)
	}
	if got := e.ok("owed"); got != "1\t王小明\t250.00\t2026-11-10\t12\t2\n2\t李四\t200.00\t2026-11-20\t2\t3\n" {
		t.Errorf("owed after paying:\n%s", got)
	}
	var card struct {
		Metrics struct {
			Paid        string `json:"paid"`
			Outstanding string `json:"outstanding"`
		} `json:"metrics"`
	}
	json.Unmarshal([]byte(e.ok("show", "1", "--json")), &card)
	if card.Metrics.Paid != "1250.00" || card.Metrics.Outstanding != "250.00" {
		t.Errorf("王小明 after paying: %+v", card.Metrics)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"pay", "1", "300"}, "rolo: a payment of 300.00 is more than the 250.00 owed\n"},
		{[]string{"pay", "2", "5", "--purchase", "1"}, "rolo: customer 2 has no purchase 1\n"},
		{[]string{"pay", "2", "5", "--purchase", "4"}, "rolo: purchase 4 is paid in full\n"},
		{[]string{"pay", "2", "5元5"}, "rolo: AMOUNT: \"5元5\" is not an amount (unexpected character); write it like 1234.50\n"},
		{[]string{"pay", "2", "0"}, "rolo: a payment must be more than zero\n"},
		{[]string{"edit", "purchase", "1", "--amount", "100"}, "rolo: the 200.00 paid at the sale is more than the new amount 100.00; correct it too with --paid (at most the amount)\n"},
		{[]string{"pay", "2", "5", "--date", "2027-01-01"}, "rolo: --date 2027-01-01 is in the future; record a payment when it is made\n"},
	} {
		if _, stderr, code := e.run(false, c.args...); code != 2 || stderr != c.want {
			t.Errorf("%v: exit %d %q, want %q", c.args, code, stderr, c.want)
		}
	}
	// 30-day terms: 王小明's purchase 2 (2026-11-10) is due 2026-12-10.
	due, _, _ := e.run(false, "--as-of", "2026-12-11", "due")
	if !strings.Contains(due, "2026-12-10\t1\t1\t王小明\tkey\tpayment\towes 250.00 bought 2026-11-10 (30-day terms) — ask for payment\t\n") {
		t.Errorf("due lacks the payment reminder:\n%s", due)
	}
	e.ok("config", "payment.terms", "60")
	if due, _, _ := e.run(false, "--as-of", "2026-12-11", "due"); strings.Contains(due, "payment") {
		t.Errorf("60-day terms, still reminded:\n%s", due)
	}
	// A payment recorded by mistake is deleted: the debt is back.
	e.ok("rm", "payment", "3")
	if got := e.ok("owed"); !strings.Contains(got, "1\t王小明\t300.00\t") {
		t.Errorf("owed after deleting a payment:\n%s", got)
	}
	// Lowering an amount below what was paid is refused.
	if _, stderr, code := e.run(false, "edit", "purchase", "1", "--amount", "500"); code != 2 ||
		stderr != "rolo: purchase 1 has been paid 500.00 more than its new amount 500.00; delete a payment first\n" {
		t.Errorf("edit below paid: %d %q", code, stderr)
	}
	// Deleting a purchase takes the money received on it only when asked.
	// Purchase 1 has payment 1 (800.00) against it, purchase 2 payment 2 (200.00).
	if _, stderr, code := e.run(false, "rm", "purchase", "2"); code != 2 ||
		stderr != "rolo: purchase 2 has 1 payment recorded against it (payment 2, 200.00); add --with-payments to delete it with the purchase, or rolo rm payment ID first. Nothing was deleted\n" {
		t.Errorf("rm purchase with payments: %d %q", code, stderr)
	}
	if got := e.ok("owed"); !strings.Contains(got, "1\t王小明\t300.00\t") {
		t.Errorf("owed after a refused delete:\n%s", got)
	}
	e.ok("rm", "purchase", "2", "--with-payments")
	e.ok("rm", "purchase", "4") // paid at the sale, no payments: deleted without asking
	if got := e.ok("owed"); strings.Contains(got, "王小明") || !strings.Contains(got, "2\t李四\t200.00\t") {
		t.Errorf("owed after deleting purchase 2 and its payment (purchase 1 is paid off):\n%s", got)
	}
	if _, stderr, code := e.run(false, "rm", "payment", "2"); code != 2 || stderr != "rolo: no payment with id 2\n" {
		t.Errorf("payment 2 went with its purchase: %d %q", code, stderr)
	}
	if out, _, code := e.run(false, "check"); code != 0 {
		t.Errorf("check: %s", out)
	}
}

// Archiving a customer who still owes says so on a terminal.
func TestArchiveSaysWhatIsOwed(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "欧阳娜娜")
	e.ok("buy", "1", "5000", "--paid", "1000", "--date", "2026-10-01")
	out, _, code := e.run(true, "rm", "1")
	if code != 0 || !strings.Contains(out, "Archived 欧阳娜娜") || !strings.Contains(out, "They still owe 4,000.00") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

// rm --purge deletes for good: on a terminal it asks first; no keeps all.
func TestPurgeAsksOnATerminal(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "王小明")
	e.ok("buy", "1", "100", "--date", "2026-11-01")
	_, errs, code := e.exec(true, "n\n", "rm", "1", "--purge")
	if code != 2 || !strings.Contains(errs, "for good? [y/N]") || !strings.Contains(errs, "not deleted; rolo rm 1 without --purge archives them") {
		t.Errorf("answered no: exit %d %q", code, errs)
	}
	if out := e.ok("show", "1"); !strings.Contains(out, "purchase\t1\t") {
		t.Errorf("after no, the customer or the purchase is gone:\n%s", out)
	}
	if _, errs, code := e.exec(true, "y\n", "rm", "1", "--purge"); code != 0 {
		t.Errorf("answered yes: exit %d %q", code, errs)
	}
	if _, _, code := e.run(false, "show", "1"); code == 0 {
		t.Error("purged customer still shown")
	}
}

// A second customer with the same phone is an error in a script, a
// question on a terminal, and allowed with --allow-duplicates.
func TestAddDuplicates(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "王小明", "--phone", "13800138000")
	_, stderr, code := e.run(false, "add", "王晓明", "--phone", "13800138000")
	if code != 2 || stderr != "rolo: 13800138000 is already the phone of 王小明 (#1); rolo edit 1 changes them, or add --allow-duplicates to add another customer\n" {
		t.Errorf("duplicate phone: %d %q", code, stderr)
	}
	if id := e.ok("add", "王晓明", "--phone", "13800138000", "--allow-duplicates"); id != "2\n" {
		t.Errorf("--allow-duplicates: %q", id)
	}
	out, errs, code := e.exec(true, "n\n", "add", "Wang", "--email", "w@x.cn", "--phone", "13800138000")
	if code != 2 || !strings.Contains(errs, "13800138000 is already the phone of 王小明 (#1). Add Wang anyway? [y/N] ") || out != "" {
		t.Errorf("asked on a terminal, answered no: %d %q %q", code, out, errs)
	}
	if _, _, code := e.exec(true, "y\n", "add", "Wang", "--phone", "13800138000"); code != 0 {
		t.Errorf("answered yes: exit %d", code)
	}
}

// A bare number is a customer, never a complaint id.
func TestResolveTakesACustomer(t *testing.T) {
	e := newEnv(t)
	for _, n := range []string{"A", "B", "C"} {
		e.ok("add", n)
	}
	e.ok("complaint", "3", "broken")  // contact 1, customer 3
	e.ok("complaint", "1", "late")    // contact 2, customer 1
	e.ok("complaint", "1", "damaged") // contact 3, customer 1
	if _, stderr, code := e.run(false, "resolve", "2"); code != 2 || stderr != "rolo: B has no open complaint\n" {
		t.Errorf("resolve 2 (customer B): %d %q", code, stderr)
	}
	if _, stderr, code := e.run(false, "resolve", "1"); code != 2 ||
		stderr != "rolo: A has 2 open complaints (ids 2, 3); say which with --complaint ID\n" {
		t.Errorf("resolve 1: %d %q", code, stderr)
	}
	e.ok("resolve", "1", "--complaint", "3")
	e.ok("resolve", "3")
	var card struct {
		Open []struct {
			ID int64 `json:"id"`
		} `json:"open_complaints"`
	}
	json.Unmarshal([]byte(e.ok("show", "1", "--json")), &card)
	if len(card.Open) != 1 || card.Open[0].ID != 2 {
		t.Errorf("A's open complaints: %+v", card.Open)
	}
}
