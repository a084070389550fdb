package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExportImportCommands(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "王小明", "--phone", "+86 138 0013 8000", "--birthday", "1980-08-15", "--lunar", "--external-id", "W1")
	e.ok("buy", "W1", "1280", "--item", "=普洱", "--date", "2026-11-01")
	if got := e.ok("export", "purchases", "--fields", "customer_name,item,amount"); got != "customer_name,item,amount\r\n王小明,\"'=普洱\",1280.00\r\n" {
		t.Errorf("export purchases = %q", got)
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "c.csv")
	e.ok("export", "customers", "-o", out, "--bom")
	b, err := os.ReadFile(out)
	if err != nil || !strings.HasPrefix(string(b), "\ufeffid,external_id,name,") || !strings.Contains(string(b), "\"'+86 138 0013 8000\"") {
		t.Fatalf("export -o: %v %q", err, b)
	}
	fi, _ := os.Stat(out)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("export file mode %v, want 0600 (personal data)", fi.Mode().Perm())
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".rolo-export-*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}

	// Into a second notebook: customers then purchases, from a file and from stdin.
	e2 := newEnv(t)
	_, errs, code := e2.run(false, "import", "customers", out)
	if code != 0 || errs != "Imported 1 customer from "+out+".\n" {
		t.Fatalf("import: %d %q", code, errs)
	}
	show := e2.ok("show", "W1")
	if !strings.Contains(show, "phone\t+86 138 0013 8000\n") || !strings.Contains(show, "birthday\t1980-08-15 (lunar)\n") {
		t.Errorf("imported customer:\n%s", show)
	}
	var stdin strings.Builder
	stdin.WriteString(e.ok("export", "purchases"))
	out2, errs, code := e2.runIn(stdin.String(), "import", "purchases", "-")
	if code != 0 || !strings.Contains(errs, "Imported 1 purchase from standard input.") || out2 != "" {
		t.Errorf("import from stdin: %d %q %q", code, errs, out2)
	}
	if got := e2.ok("export", "purchases", "--fields", "item", "--raw"); got != "item\r\n=普洱\r\n" {
		t.Errorf("round trip of a formula-looking item: %q", got)
	}

	// A bad file: exit 2, the problems on stderr, nothing written.
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("姓名,电话\n李四,1\n,2\n"), 0o600)
	_, errs, code = e2.run(false, "import", "customers", bad)
	if code != 2 || !strings.Contains(errs, bad+": 1 problem; nothing was imported:\n  line 3: name is empty") {
		t.Errorf("bad import: %d %q", code, errs)
	}
	if strings.Contains(e2.ok("list"), "李四") {
		t.Error("a failed import wrote a row")
	}
	_, errs, code = e2.run(false, "import", "customers", filepath.Join(dir, "missing.csv"))
	if code != 2 || !strings.Contains(errs, "cannot read") {
		t.Errorf("missing file: %d %q", code, errs)
	}
	_, errs, code = e2.run(false, "export", "widgets")
	if code != 2 || !strings.Contains(errs, `cannot export "widgets"`) {
		t.Errorf("bad kind: %d %q", code, errs)
	}
}

func TestExportAgendaICSAndTiers(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "王小明", "--birthday", "1970-08-15", "--lunar")
	e.ok("follow", "1", "2026-12-01", "送月饼")
	ics := e.ok("export", "agenda", "--format", "ics")
	for _, want := range []string{"BEGIN:VCALENDAR\r\n", "DTSTART;VALUE=DATE:20261201\r\n", "SUMMARY:Follow up: 王小明 — 送月饼\r\n",
		"DTSTART;VALUE=DATE:20270915\r\n", "DTSTART;VALUE=DATE:20281003\r\n", "END:VCALENDAR\r\n"} {
		if !strings.Contains(ics, want) {
			t.Errorf("ics lacks %q", want)
		}
	}
	if n := strings.Count(ics, "lunar birthday"); n != 5 {
		t.Errorf("%d lunar birthdays in the calendar, want 5 years", n)
	}
	e.ok("buy", "1", "100", "--date", "2026-11-01")
	// One buyer is both the best and the worst: every quintile score is 1 (floor(5·0/1)+1).
	if got := e.ok("export", "tiers", "--fields", "customer_id,tier,revenue,segment", "--format", "ndjson"); got !=
		`{"customer_id":1,"tier":"key","revenue":"100.00","segment":"Lost"}`+"\n" {
		t.Errorf("export tiers = %q", got)
	}
}
