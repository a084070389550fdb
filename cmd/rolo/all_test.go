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
	file := filepath.Join(t.TempDir(), "notebook.json")
	e.ok("export", "all", "-o", file)

	e2 := newEnv(t)
	_, errs, code := e2.run(false, "import", "all", file)
	if code != 0 || !strings.HasPrefix(errs, "Imported 61 customers, ") || !strings.Contains(errs, " surveys from ") {
		t.Fatalf("import all: %d %q", code, errs)
	}
	for _, kind := range []string{"customers", "purchases", "contacts", "followups", "surveys"} {
		if a, b := e.ok("export", kind, "--raw"), e2.ok("export", kind, "--raw"); a != b {
			t.Errorf("%s differ after the round trip", kind)
		}
	}
	a, _, _ := e.run(false, "due", "--json")
	b, _, _ := e2.run(false, "due", "--json")
	if a != b || !strings.Contains(a, "ring") {
		t.Errorf("rolo due differs after the round trip:\n%s\n%s", a, b)
	}
	_, errs, code = e2.run(false, "import", "all", file)
	if code != 2 || !strings.Contains(errs, "restores a whole notebook into an empty one") {
		t.Errorf("into a full notebook: %d %q", code, errs)
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
}
