package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// rolo export all, then rolo import all into a new notebook: the same
// notebook, as every export of it shows; a notebook with customers is
// refused; follow-ups and surveys import on their own.
func TestExportImportAll(t *testing.T) {
	e := demoEnv(t, "60")
	e.ok("add", "Evil\x1b]52;c;aGk=\x07\r\nTEL:1", "--phone", "000123", "--notes", "'=x")
	e.ok("follow", "61", "today", "ring\rback")
	e.ok("survey", "61", "--satisfaction", "5", "--initiative", "4", "--repurchase", "5", "--recommend", "4", "--resistance", "3")
	e.ok("event", "61", "婚礼\t周年", "2015-10-01", "--lunar")
	e.ok("snooze", "61", "cadence", "--note", "on holiday")
	e.ok("edit", "61", "--status", "lost", "--lost-reason", "price")
	file := filepath.Join(t.TempDir(), "notebook.json")
	e.ok("export", "all", "-o", file)

	e2 := newEnv(t)
	_, errs, code := e2.run(false, "import", "all", file)
	if code != 0 || !strings.HasPrefix(errs, "Imported 61 customers, ") || !strings.Contains(errs, " surveys, ") ||
		!strings.Contains(errs, " payments, ") || !strings.Contains(errs, " events") {
		t.Fatalf("import all: %d %q", code, errs)
	}
	for _, kind := range []string{"customers", "purchases", "contacts", "followups", "surveys", "payments", "events", "statuses", "agenda_actions"} {
		a, b := e.ok("export", kind, "--raw"), e2.ok("export", kind, "--raw")
		if a != b || strings.Count(a, "\n") < 2 {
			t.Errorf("%s differ after the round trip (or too few to tell):\n%s\n%s", kind, a, b)
		}
	}
	a, _, _ := e.run(false, "due", "--json")
	b, _, _ := e2.run(false, "due", "--json")
	if a != b || !strings.Contains(a, "ring") {
		t.Errorf("rolo due differs after the round trip:\n%s\n%s", a, b)
	}
	_, errs, code = e2.run(false, "import", "all", file)
	if code != 2 || !strings.Contains(errs, "restores a whole notebook with its ids into an empty one") || !strings.Contains(errs, "add --new-ids") {
		t.Errorf("into a full notebook: %d %q", code, errs)
	}
	// With new ids: these customers are there already.
	_, errs, code = e2.run(false, "import", "all", "--new-ids", file)
	if code != 2 || !strings.Contains(errs, "was this notebook added before?") {
		t.Errorf("the same notebook added with new ids: %d %q", code, errs)
	}
	if _, errs, code = e2.run(false, "import", "customers", "--new-ids", file); code != 2 || !strings.Contains(errs, "--new-ids is for rolo import all") {
		t.Errorf("--new-ids for customers: %d %q", code, errs)
	}
	_, errs, code = e2.run(false, "export", "all", "--format", "csv")
	if code != 2 || !strings.Contains(errs, "writes the whole notebook as JSON") {
		t.Errorf("export all as CSV: %d %q", code, errs)
	}

	// Follow-ups from a CSV, by the customer's phone.
	csv := filepath.Join(t.TempDir(), "f.csv")
	os.WriteFile(csv, []byte("customer_phone,due,what\n000123,2026-11-25,送样品\n"), 0o600)
	e.ok("import", "followups", csv)
	if got := e.ok("export", "followups", "--fields", "customer_id,due,what", "--since", "2026-11-25"); !strings.Contains(got, "61,2026-11-25,送样品\r\n") {
		t.Errorf("imported follow-up: %q", got)
	}

	// Payments after the sale from a spreadsheet, by purchase id; the
	// status history is restored with the whole notebook only.
	e3 := newEnv(t)
	e3.ok("add", "王小明")
	e3.ok("buy", "1", "1000", "--paid", "200", "--date", "2026-11-01")
	pays := filepath.Join(t.TempDir(), "p.csv")
	os.WriteFile(pays, []byte("购买编号,日期,金额,备注\n1,2026-11-10,300,转账\n1,2026-11-20,500,现金\n"), 0o600)
	e3.ok("import", "payments", pays)
	if got := e3.ok("owed"); got != "" {
		t.Errorf("after importing the payments, owed = %q", got)
	}
	if _, errs, code := e3.run(false, "import", "statuses", pays); code != 2 || !strings.Contains(errs, `cannot import "statuses"`) {
		t.Errorf("import statuses: %d %q", code, errs)
	}
}
