package main

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// firstLeaf is the first leaf page of a table, from SQLite's dbstat.
func firstLeaf(t *testing.T, path, table string) int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var p int
	if err := db.QueryRow(`SELECT min(pageno) FROM dbstat WHERE name = ? AND pagetype = 'leaf'`, table).Scan(&p); err != nil {
		t.Fatal(err)
	}
	return p
}

// A damaged notebook: commands stop with exit 3 and say what to do, check
// names the damage, and check --repair saves the rest into a new notebook.
func TestDamagedNotebook(t *testing.T) {
	e := newEnv(t)
	var b strings.Builder
	b.WriteString("name,phone\n")
	for i := range 60 {
		fmt.Fprintf(&b, "客户%02d,1380000%04d\n", i, i)
	}
	file := filepath.Join(t.TempDir(), "c.csv")
	os.WriteFile(file, []byte(b.String()), 0o600)
	e.ok("import", "customers", file)
	b.Reset()
	b.WriteString("customer_id,date,item,amount\n")
	for i := range 400 {
		fmt.Fprintf(&b, "%d,2026-01-02,普洱%03d,100\n", 1+i%60, i)
	}
	os.WriteFile(file, []byte(b.String()), 0o600)
	e.ok("import", "purchases", file)
	page := firstLeaf(t, e.db, "purchases")
	f, _ := os.OpenFile(e.db, os.O_RDWR, 0)
	f.WriteAt([]byte(strings.Repeat("\xff", 12)), int64(page-1)*4096)
	f.Close()

	for _, args := range [][]string{{"add", "新客户"}, {"log", "1", "call", "hello"}, {"list"}} {
		_, errs, code := e.run(false, args...)
		if code != 3 || !strings.Contains(errs, "is damaged") || !strings.Contains(errs, "rolo check --repair copies every readable row") {
			t.Errorf("%s on a damaged notebook: exit %d %q", args[0], code, errs)
		}
	}
	out, errs, code := e.run(false, "check")
	if code != 3 || !regexp.MustCompile(fmt.Sprintf(`(?m)^damaged: table purchases: Tree \d+ page %d: `, page)).MatchString(out) ||
		!strings.Contains(errs, fmt.Sprintf("is damaged: table purchases (page %d)", page)) || !strings.Contains(errs, "rolo check --repair") ||
		strings.Contains(errs, "rolo check shows") {
		t.Errorf("check: exit %d\n%s%s", code, out, errs)
	}

	out, _, code = e.run(false, "check", "--json")
	var rep struct {
		OK     bool `json:"ok"`
		Full   bool `json:"full"`
		Damage []struct {
			Object, Table string
			Page          int
		} `json:"damage"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 3 || rep.OK || rep.Full || len(rep.Damage) == 0 ||
		rep.Damage[0].Table != "purchases" || rep.Damage[0].Page != page {
		t.Errorf("check --json: exit %d %+v %v\n%s", code, rep, err, out)
	}

	out, errs, code = e.run(false, "check", "--repair")
	copyPath := strings.TrimSuffix(e.db, ".db") + ".recovered.db"
	if code != 0 || !strings.Contains(out, "Saved what could be read into "+copyPath) ||
		!regexp.MustCompile(`(?m)^  customers +60 saved$`).MatchString(out) ||
		!regexp.MustCompile(`(?m)^  purchases +\d+ saved; could not read ids \d+–\d+$`).MatchString(out) ||
		!strings.Contains(out, "The copy passes the quick check.") {
		t.Errorf("check --repair: exit %d\n%s%s", code, out, errs)
	}
	rescued := &testEnv{t: t, db: copyPath, env: map[string]string{}}
	if out := rescued.ok("check", "--full"); !strings.HasPrefix(out, "ok: "+copyPath+" (full check") {
		t.Errorf("the copy: %q", out)
	}
	if n := countLines(rescued.ok("list")); n != 60 {
		t.Errorf("the copy lists %d customers, want 60", n)
	}
	if got := rescued.ok("find", "1380000"+"0039"); !strings.Contains(got, "客户39") {
		t.Errorf("search in the copy: %q", got)
	}
}

// A notebook cut short before its first customer: the repair saves
// nothing, says so with a non-zero exit and leaves no empty copy to be
// moved into the notebook's place.
func TestRepairOfNothingFails(t *testing.T) {
	e := newEnv(t)
	for i := range 200 {
		e.ok("add", fmt.Sprintf("客户%d", i), "--notes", strings.Repeat("很长的备注", 40))
	}
	whole, err := os.ReadFile(e.db)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(e.db, whole[:8192], 0o600); err != nil {
		t.Fatal(err)
	}
	out, errs, code := e.run(false, "check", "--repair")
	copyPath := strings.TrimSuffix(e.db, ".db") + ".recovered.db"
	if code != 3 || !strings.Contains(errs, "no customer, purchase or record could be read") || strings.Contains(out, "move the copy") {
		t.Errorf("repair of a notebook cut short: exit %d\n%s%s", code, out, errs)
	}
	for _, f := range []string{copyPath, copyPath + "-wal", copyPath + "-shm"} {
		if _, err := os.Stat(f); err == nil {
			t.Errorf("%s left behind", f)
		}
	}
}
