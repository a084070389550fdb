package main

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rolo-crm/rolo/internal/pgtest"
)

// A copy into a team's database whose purchase numbers were used before
// (a purchase added and deleted): the purchases keep their ids, so every
// payment stays on its purchase — the money owed is the source's.
func TestCopyIntoAUsedDatabaseKeepsPayments(t *testing.T) {
	dsn, _ := pgtest.Database(t)
	e := newEnv(t)
	file := filepath.Join(t.TempDir(), "demo.db")
	e.ok("demo", "--customers", "40", "--seed", "5", "--out", file, "--no-tui")
	e.db = file
	wantOwed, wantAll := e.ok("--json", "owed"), e.ok("export", "payments")
	e.db = dsn
	e.ok("init")
	e.ok("add", "Tester")
	e.ok("buy", "Tester", "100")
	e.ok("rm", "Tester", "--purge")
	if _, errs, code := e.run(false, "copy", file, dsn); code != 0 {
		t.Fatalf("copy: exit %d: %s", code, errs)
	}
	if got := e.ok("--json", "owed"); got != wantOwed {
		t.Errorf("owed after the copy:\n%.500s\nin the file:\n%.500s", got, wantOwed)
	}
	if got := e.ok("export", "payments"); got != wantAll {
		t.Errorf("payments after the copy differ from the file's")
	}
}

// Reps and a manager write through row-level security, where PostgreSQL
// takes no COPY: importing purchases and copying a personal notebook in
// work for them too.
func TestRepsImportAndCopyIn(t *testing.T) {
	tm := newTeam(t)
	srv, e, ben, mia, ok := tm.srv, tm.e, tm.ben, tm.mia, tm.ok
	// A manager copies a personal notebook in: whole, the money as it was.
	mine := filepath.Join(t.TempDir(), "mine.db")
	ok("", "demo", "--customers", "15", "--seed", "6", "--out", mine, "--no-tui")
	e.db = mine
	want := e.ok("--json", "owed")
	e.db = srv.as(mia)
	if _, errs, code := e.run(false, "copy", mine, srv.as(mia)); code != 0 || !strings.Contains(errs, "Copied 15 customers") {
		t.Fatalf("mia copies her notebook in: exit %d: %s", code, errs)
	}
	if got := ok(mia, "--json", "owed"); got != want {
		t.Errorf("owed after mia's copy:\n%.400s\nin her file:\n%.400s", got, want)
	}
	// A second notebook's ids are taken by the first's customers, which
	// ben does not see: the copy says why it cannot go in, and writes
	// nothing (it said only "customer 1: customer id 1 is already used").
	// (Not a demo: its external ids, D000001..., are mia's demo's too,
	// and an external id is one customer's in the whole team.)
	bens := filepath.Join(t.TempDir(), "bens.db")
	e.db = bens
	e.ok("init")
	for i, name := range []string{"周一", "吴二", "郑三", "冯四", "陈五"} {
		e.ok("add", name, "--phone", fmt.Sprintf("1370000000%d", i))
		e.ok("buy", name, fmt.Sprint(300*(i+1)), "--item", "白茶", "--date", "2026-10-0"+fmt.Sprint(i+1), "--paid", "100")
	}
	e.ok("pay", "吴二", "150")
	e.ok("complaint", "郑三", "茶叶受潮")
	e.ok("add", "卫六", "--referred-by", "周一")
	if _, errs, code := e.run(false, "copy", bens, srv.as(ben)); code == 0 ||
		!strings.Contains(errs, "for rows of other reps of the team, which you do not see") ||
		!strings.Contains(errs, "rolo copy keeps every id, so it fills only an empty team notebook: nothing was written") ||
		!strings.Contains(errs, "Add --new-ids") {
		t.Errorf("ben copies his notebook into the team's: exit %d: %s", code, errs)
	}
	if out := ok(ben, "list"); strings.TrimSpace(out) != "" {
		t.Errorf("ben's failed copy left customers:\n%s", out)
	}
	// As it says: with new ids his notebook goes in whole, his.
	e.db = bens
	wantList, wantOwed := dropIDs(e.ok("list")), dropIDs(e.ok("owed"))
	if _, errs, code := e.run(false, "copy", "--new-ids", bens, srv.as(ben)); code != 0 ||
		!strings.Contains(errs, "Copied 6 customers") || !strings.Contains(errs, "The rows have new ids there") {
		t.Fatalf("ben copies his notebook in with new ids: exit %d: %s", code, errs)
	}
	if got := dropIDs(ok(ben, "list")); got != wantList {
		t.Errorf("ben's customers after his copy:\n%s\nin his file:\n%s", got, wantList)
	}
	if got := dropIDs(ok(ben, "owed")); got != wantOwed || !strings.Contains(wantOwed, "吴二\t350.00") {
		t.Errorf("ben's debts after his copy:\n%s\nin his file:\n%s", got, wantOwed)
	}
	if n := strings.Count(ok(mia, "list", "--team"), "\n"); n != 21 {
		t.Errorf("the manager sees %d customers after both copies, want 15 + 6", n)
	}
	// Twice: his customers are there already; nothing more is written.
	if _, errs, code := e.run(false, "copy", "--new-ids", bens, srv.as(ben)); code == 0 || !strings.Contains(errs, "was this notebook added before?") {
		t.Errorf("ben copies his notebook in again: exit %d: %s", code, errs)
	}
	if got := dropIDs(ok(ben, "list")); got != wantList {
		t.Errorf("ben's customers after copying twice:\n%s", got)
	}
	// A rep imports purchases for their own customer.
	ok(ben, "add", "王小明")
	csv := filepath.Join(t.TempDir(), "p.csv")
	if err := os.WriteFile(csv, []byte("customer_name,date,amount,item\n王小明,2026-11-01,1280,普洱茶饼\n王小明,2026-11-05,300,白茶\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ok(ben, "import", "purchases", csv)
	if out := ok(ben, "show", "王小明"); !strings.Contains(out, "普洱茶饼") || !strings.Contains(out, "白茶") {
		t.Errorf("ben's imported purchases:\n%s", out)
	}
	if out := ok(ben, "list"); strings.Count(strings.TrimSpace(out), "\n") != 6 {
		t.Errorf("ben sees more than his seven customers (six copied in, one added):\n%s", out)
	}
}

// rolo check on a team's notebook says what it did and where a repair
// comes from there; a database that does not exist says to create it.
func TestCheckAndInitOnAServer(t *testing.T) {
	dsn, _ := pgtest.Database(t)
	e := newEnv(t)
	e.db = dsn
	e.ok("init")
	if out := e.ok("check"); !strings.Contains(out, "(checked on the server") || strings.Contains(out, "note:") {
		t.Errorf("check: %q", out)
	}
	// A database whose locale leaves Chinese out of the search index:
	// init and check say so, and how to make one that does not.
	cdsn, _ := pgtest.DatabaseWith(t, "TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'")
	e.db = cdsn
	if _, errs, code := e.run(false, "init"); code != 0 || !strings.Contains(errs, "(LC_CTYPE C) do not count Chinese characters as letters") ||
		!strings.Contains(errs, "createdb --locale=C.UTF-8") {
		t.Errorf("init in the C locale: exit %d %q", code, errs)
	}
	e.ok("add", "王小明")
	if out := e.ok("check"); !strings.Contains(out, "note: the database's character classes") || !strings.Contains(out, "ok: ") {
		t.Errorf("check in the C locale: %q", out)
	}
	if out := e.ok("find", "王"); !strings.Contains(out, "王小明") {
		t.Errorf("find in the C locale: %q", out)
	}
	e.db = dsn
	if _, errs, code := e.run(false, "check", "--repair"); code != 2 || !strings.Contains(errs, "pg_dump") {
		t.Errorf("check --repair: exit %d %q", code, errs)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/no_such_database_6"
	e.db = u.String()
	_, errs, code := e.run(false, "init")
	if code != 3 || !strings.Contains(errs, "create the database first") || strings.Contains(errs, "run rolo init to create one") {
		t.Errorf("init of a missing database: exit %d %q", code, errs)
	}
}

// A rep's customer referred by another rep's: the rep sees neither the
// referrer nor its id, and copies what they see into a file.
func TestRepDoesNotSeeAnotherRepsReferrer(t *testing.T) {
	tm := newTeam(t)
	srv, e, ben, anna, mia, ok := tm.srv, tm.e, tm.ben, tm.anna, tm.mia, tm.ok
	ok(mia, "add", "王大力")
	ok(mia, "add", "李娜", "--referred-by", "王大力")
	ok(mia, "assign", "王大力", anna)
	ok(mia, "assign", "李娜", ben)
	if out := ok(ben, "show", "李娜", "--json"); !strings.Contains(out, `"referred_by": null`) && strings.Contains(out, `"referred_by"`) {
		t.Errorf("ben sees the id of anna's customer:\n%s", out)
	}
	back := filepath.Join(t.TempDir(), "ben.db")
	if _, errs, code := e.run(false, "copy", srv.as(ben), back); code != 0 || !strings.Contains(errs, "Copied 1 customer") {
		t.Errorf("ben copies what he sees: exit %d: %s", code, errs)
	}
	if out := ok(anna, "show", "王大力", "--json"); !strings.Contains(out, "王大力") {
		t.Errorf("anna's own card:\n%s", out)
	}
}

// dropIDs takes the ids off each line of piped output: the first column,
// and the last when it is a number (rolo owed's purchase).
func dropIDs(out string) string {
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Split(line, "\t")
		f = f[1:]
		if n := len(f); n > 0 && strings.Trim(f[n-1], "0123456789") == "" {
			f = f[:n-1]
		}
		b.WriteString(strings.Join(f, "\t") + "\n")
	}
	return b.String()
}
