package store

import (
	"bytes"
	"context"
	"database/sql"
	"github.com/rolo-crm/rolo/money"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// cellsOn is the number of rows on page p.
func cellsOn(t *testing.T, path string, p int) int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT ncell FROM dbstat WHERE pageno = ?`, p).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func rescued(rep RecoverReport, table string) TableRescued {
	for _, tr := range rep.Tables {
		if tr.Table == table {
			return tr
		}
	}
	return TableRescued{}
}

// Recover saves every row that can be read into a new notebook beside the
// damaged one, which it leaves untouched; the copy passes its check, with
// totals and search rebuilt, and history whose customer was lost kept
// under a placeholder.
func TestRecover(t *testing.T) {
	ctx := context.Background()
	const n = 400
	path := damagedNotebook(t, n)
	pp := leafPages(t, path, "purchases")
	cp := leafPages(t, path, "customers")
	lostPurchases, lostCustomers := cellsOn(t, path, pp[2]), cellsOn(t, path, cp[1])
	breakPage(t, path, pp[2])
	breakPage(t, path, cp[1])
	replaceBytes(t, path, "客户0399", "客户0398") // an index no longer matches its row
	before, _ := os.ReadFile(path)

	dest := RecoveredPath(path)
	if want := filepath.Join(filepath.Dir(path), "nb.recovered.db"); dest != want {
		t.Errorf("RecoveredPath = %s, want %s", dest, want)
	}
	rep, err := Recover(ctx, path, dest, Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("the damaged notebook was changed")
	}
	if got := rescued(rep, "purchases"); got.Saved != n-lostPurchases || len(got.Lost) != 1 {
		t.Errorf("purchases: %+v, want %d saved and one lost range", got, n-lostPurchases)
	}
	if got := rescued(rep, "customers"); got.Saved != n-lostCustomers || len(got.Lost) != 1 {
		t.Errorf("customers: %+v, want %d saved and one lost range", got, n-lostCustomers)
	}
	if rep.Placeholders != lostCustomers {
		t.Errorf("%d placeholder customers, want %d (one for each lost customer's purchase)", rep.Placeholders, lostCustomers)
	}
	if !rep.OK {
		t.Error("the new notebook fails its check")
	}
	full, err := CheckFile(ctx, dest, CheckOptions{Full: true})
	if err != nil || !full.OK {
		t.Errorf("full check of the new notebook: %+v %v", full, err)
	}
	s, err := Open(ctx, dest, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if hits, err := s.Search(ctx, "茶0300", SearchOptions{}); err != nil || len(hits) != 1 || hits[0].Customer.Name != "客户0300" {
		t.Errorf("search in the new notebook: %+v, %v", hits, err)
	}
	if fi, _ := os.Stat(dest); fi.Mode().Perm() != 0o600 {
		t.Errorf("the new notebook's mode is %v", fi.Mode().Perm())
	}
	if next := RecoveredPath(path); next != filepath.Join(filepath.Dir(path), "nb.recovered-2.db") {
		t.Errorf("the next RecoveredPath is %s", next)
	}
}

// A damaged entry in the table of contents stops SQLite reading anything;
// the check names it, and the rescue reads past it (writable_schema).
func TestRecoverPastDamagedSchema(t *testing.T) {
	ctx := context.Background()
	path := damagedNotebook(t, 50)
	replaceBytes(t, path, "ON followups(due)", "ON followqps(due)")
	rep, err := CheckFile(ctx, path, CheckOptions{})
	if err != nil || rep.OK || len(rep.Damage) == 0 || rep.Damage[0].Object != "the table of contents (its entry followups_open)" {
		t.Fatalf("check: %+v %v", rep, err)
	}
	dest := RecoveredPath(path)
	res, err := Recover(ctx, path, dest, Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if got := rescued(res, "customers"); got.Saved != 50 || len(got.Lost) != 0 {
		t.Errorf("customers: %+v", got)
	}
	if got := rescued(res, "purchases"); got.Saved != 50 {
		t.Errorf("purchases: %+v", got)
	}
	if !res.OK {
		t.Error("the copy fails its check")
	}
}

// Recover copies every table of the notebook but those it rebuilds: a
// table added to the schema and not to the list would be lost by every
// rescue (payments, events, statuses and agenda actions were).
func TestRecoverCopiesEveryTable(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t)
	c, err := s.AddCustomer(ctx, Customer{Name: "李娜"})
	if err != nil {
		t.Fatal(err)
	}
	zero := money.Amount(0)
	p, err := s.AddPurchase(ctx, Purchase{CustomerID: c.ID, Date: "2026-10-01", Amount: 8000, Paid: &zero, Quantity: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Pay(ctx, c.ID, 3000, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), p.ID, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddEvent(ctx, Event{CustomerID: c.ID, What: "开业", Date: "--10-01"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddAgendaAction(ctx, AgendaAction{CustomerID: c.ID, Reason: "cadence", Due: "2026-11-20", Until: "2026-11-25"}); err != nil {
		t.Fatal(err)
	}
	count := func(db *sql.DB, table string) int {
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	var tables []string
	rows, err := s.r.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'search%' AND name NOT LIKE 'sqlite%'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	dest := filepath.Join(t.TempDir(), "copy.db")
	rep, err := Recover(ctx, s.Path(), dest, Options{Now: fixedNow})
	if err != nil || !rep.OK {
		t.Fatalf("%+v, %v", rep, err)
	}
	db, err := sql.Open("sqlite", "file:"+dest+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, table := range tables {
		if table == "purchase_totals" || table == "agenda_kept" {
			continue // rebuilt (the kept agenda when next read)
		}
		if want, got := count(s.r, table), count(db, table); got != want || (want == 0 && table != "tier_history" && table != "surveys" && table != "contacts" && table != "followups") {
			t.Errorf("%s: %d rows in the copy, %d in the notebook", table, got, want)
		}
	}
}
