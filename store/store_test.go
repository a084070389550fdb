package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"github.com/rolo-crm/rolo/money"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var fixedNow = func() time.Time { return time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC) }

func newTestStore(t testing.TB) *Store {
	t.Helper()
	if onPG(t) {
		return newPGTestStore(t)
	}
	path := filepath.Join(t.TempDir(), "nb", "notebook.db")
	s, err := Open(context.Background(), path, Options{Create: true, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestOpenCreatesPrivateFiles(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	if _, err := s.AddCustomer(ctx, Customer{Name: "王小明"}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{s.Path(), s.Path() + "-wal"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode = %v, want 0600", filepath.Base(p), fi.Mode().Perm())
		}
	}
	fi, err := os.Stat(filepath.Dir(s.Path()))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o700 {
		t.Errorf("folder mode = %v, want 0700", fi.Mode().Perm())
	}
}

// Per-connection pragmas must reach every pooled connection, not just one.
func TestPragmasOnEveryConnection(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	// The whole list reads without the cell check and must give it back.
	if _, err := s.AddCustomer(ctx, Customer{Name: "王芳"}); err != nil {
		t.Fatal(err)
	}
	if err := s.EachListed(ctx, CustomerFilter{}, func(*Listed) error { return nil }); err != nil {
		t.Fatal(err)
	}
	for _, db := range []*sql.DB{s.w, s.r} {
		var conns []*sql.Conn
		for i := 0; i < 3 && (db != s.w || i == 0); i++ {
			c, err := db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			conns = append(conns, c)
		}
		for _, c := range conns {
			var fk, busy, secure, cells int
			var mode string
			if err := c.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
				t.Fatal(err)
			}
			c.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busy)
			c.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode)
			c.QueryRowContext(ctx, "PRAGMA secure_delete").Scan(&secure)
			c.QueryRowContext(ctx, "PRAGMA cell_size_check").Scan(&cells)
			if fk != 1 || busy != 10000 || mode != "wal" || secure != 1 || cells != 1 {
				t.Errorf("pragmas: foreign_keys=%d busy_timeout=%d journal_mode=%s secure_delete=%d cell_size_check=%d", fk, busy, mode, secure, cells)
			}
			c.Close()
		}
	}
}

func TestOpenMissingDoesNotCreate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "typo.db")
	_, err := Open(context.Background(), path, Options{})
	if !errors.Is(err, ErrNoNotebook) {
		t.Fatalf("err = %v, want ErrNoNotebook", err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("opening a missing notebook created %s", path)
	}
}

func TestOpenRefusesOtherFiles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()

	other := filepath.Join(dir, "other.db")
	db, err := sql.Open("sqlite", other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE t(x)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := Open(ctx, other, Options{}); !errors.Is(err, ErrNotNotebook) {
		t.Errorf("another program's database: err = %v, want ErrNotNotebook", err)
	}

	garbage := filepath.Join(dir, "garbage.db")
	junk := []byte("this is not a database at all, just some text that goes on for a while..........")
	for len(junk) < 8192 {
		junk = append(junk, junk...)
	}
	os.WriteFile(garbage, junk, 0o600)
	if _, err := Open(ctx, garbage, Options{}); !errors.Is(err, ErrDamaged) {
		t.Errorf("garbage file: err = %v, want ErrDamaged", err)
	}
	after, _ := os.ReadFile(garbage)
	if string(after) != string(junk) {
		t.Errorf("opening a garbage file changed it")
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	if _, err := s.w.ExecContext(ctx, "PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	path := s.Path()
	s.Close()
	_, err := Open(ctx, path, Options{})
	if !errors.Is(err, ErrTooNew) {
		t.Fatalf("err = %v, want ErrTooNew", err)
	}
}

func TestMigrateOlderNotebookBacksUpFirst(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	c, err := s.AddCustomer(ctx, Customer{Name: "李四", Phone: "139"})
	if err != nil {
		t.Fatal(err)
	}
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	ms = append(ms, migration{version: len(ms) + 1, name: "9999_test.sql",
		sql: "ALTER TABLE customers ADD COLUMN nickname TEXT NOT NULL DEFAULT 'none'"})
	if err := s.applyMigrations(ctx, ms, len(ms)-1, false); err != nil {
		t.Fatal(err)
	}
	var v int
	var nick string
	s.r.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	if v != len(ms) {
		t.Errorf("user_version = %d, want %d", v, len(ms))
	}
	if err := s.r.QueryRowContext(ctx, "SELECT nickname FROM customers WHERE id = ?", c.ID).Scan(&nick); err != nil || nick != "none" {
		t.Errorf("migrated row: nickname=%q err=%v", nick, err)
	}
	backup := fmt.Sprintf("%s.v%d.bak", s.Path(), len(ms)-1)
	fi, err := os.Stat(backup)
	if err != nil {
		t.Fatalf("no backup before migrating: %v", err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("backup mode = %v, want 0600", fi.Mode().Perm())
	}
	b, err := Open(ctx, backup, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	got, err := b.Customer(ctx, c.ID)
	if err != nil || got.Name != "李四" {
		t.Errorf("backup holds %+v, %v", got, err)
	}
}

func TestCheckAndBackup(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	c, _ := s.AddCustomer(ctx, Customer{Name: "王小明"})
	s.AddPurchase(ctx, Purchase{CustomerID: c.ID, Date: "2026-01-02", Amount: 100, Item: "茶"})
	rep, err := s.Check(ctx)
	if err != nil || !rep.OK {
		t.Fatalf("check: %+v %v", rep, err)
	}
	dest := filepath.Join(t.TempDir(), "copy.db")
	if err := s.Backup(ctx, dest); err != nil {
		t.Fatal(err)
	}
	if err := s.Backup(ctx, dest); !errors.Is(err, ErrExists) {
		t.Errorf("second backup to the same name: err = %v, want ErrExists", err)
	}
	b, err := Open(ctx, dest, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ps, _ := b.Purchases(ctx, c.ID, 0)
	if len(ps) != 1 || ps[0].Item != "茶" {
		t.Errorf("backup purchases = %+v", ps)
	}
}

func TestCheckFindsDriftedTotals(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	c, _ := s.AddCustomer(ctx, Customer{Name: "王小明"})
	s.AddPurchase(ctx, Purchase{CustomerID: c.ID, Date: "2026-01-02", Amount: 100})
	s.AddPurchase(ctx, Purchase{CustomerID: c.ID, Date: "2026-01-02", Amount: 50})
	var n, days int
	s.r.QueryRowContext(ctx, "SELECT n, days FROM purchase_totals WHERE customer_id = ?", c.ID).Scan(&n, &days)
	if n != 2 || days != 1 {
		t.Errorf("totals n=%d days=%d, want 2 purchases on 1 day", n, days)
	}
	if _, err := s.w.ExecContext(ctx, "UPDATE purchase_totals SET revenue = 1"); err != nil {
		t.Fatal(err)
	}
	rep, err := s.Check(ctx)
	if err != nil || rep.OK || rep.Totals != 1 {
		t.Errorf("check = %+v, %v; want one mismatched customer", rep, err)
	}
}

// Bulk turns the per-row triggers off and rebuilds totals and the search
// index at the end: the result must match single writes exactly.
func TestBulkIndexesAndTotals(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		s := newTestStore(t)
		ctx := context.Background()
		var ids []int64
		err := s.Bulk(ctx, func(b *Bulk) error {
			for _, n := range []string{"王小明", "李四"} {
				c := Customer{Name: n}
				id, err := b.AddCustomer(&c)
				if err != nil {
					return err
				}
				ids = append(ids, id)
			}
			for i, d := range []string{"2026-01-01", "2026-01-01", "2026-02-01"} {
				if _, err := b.AddPurchase(&Purchase{CustomerID: ids[0], Date: d, Amount: money.Amount(100 * (i + 1)), Item: "紫砂壶"}); err != nil {
					return err
				}
			}
			_, err := b.AddContact(&Contact{CustomerID: ids[1], At: "2026-01-05T10:00:00Z", Kind: "call", Summary: "问了白茶价格"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for q, want := range map[string]int64{"wxm": ids[0], "紫砂壶": ids[0], "白茶价": ids[1], "lisi": ids[1]} {
			hits, err := s.Search(ctx, q, SearchOptions{})
			if err != nil || len(hits) != 1 || hits[0].Customer.ID != want {
				t.Errorf("after bulk, Search(%q) = %+v, %v", q, hits, err)
			}
		}
		var rev, n, days int64
		s.r.QueryRowContext(ctx, "SELECT revenue, n, days FROM purchase_totals WHERE customer_id = ?", ids[0]).Scan(&rev, &n, &days)
		if rev != 600 || n != 3 || days != 2 {
			t.Errorf("totals after bulk: revenue %d, n %d, days %d; want 600, 3, 2", rev, n, days)
		}
		var bulk int
		s.r.QueryRowContext(ctx, "SELECT count(*) FROM settings WHERE key = 'bulk'").Scan(&bulk)
		if bulk != 0 {
			t.Error("the bulk marker outlived its transaction")
		}
		if rep, err := s.Check(ctx); err != nil || !rep.OK {
			t.Errorf("check: %+v %v", rep, err)
		}
		// A failing bulk leaves nothing behind.
		err = s.Bulk(ctx, func(b *Bulk) error {
			c := Customer{Name: "ghost"}
			if _, err := b.AddCustomer(&c); err != nil {
				return err
			}
			_, err := b.AddPurchase(&Purchase{CustomerID: 999, Date: "2026-01-01", Amount: 1})
			return err
		})
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("purchase for a missing customer: err = %v", err)
		}
		if hits, _ := s.Search(ctx, "ghost", SearchOptions{}); len(hits) != 0 {
			t.Errorf("rolled-back bulk left %+v", hits)
		}
	})
}

// A long-lived process (the TUI, tests) checks after writing: the check
// must not compare against a full-text index structure cached before.
func TestCheckAfterWritesInTheSameProcess(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		s := newTestStore(t)
		ctx := context.Background()
		c, err := s.AddCustomer(ctx, Customer{Name: "王芳"})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 3; i++ {
			if rep, err := s.Check(ctx); err != nil || !rep.OK {
				t.Fatalf("check %d: %+v %v", i, rep, err)
			}
			if _, err := s.AddPurchase(ctx, Purchase{CustomerID: c.ID, Date: "2026-01-0" + string(rune('1'+i)), Item: "普洱茶", Quantity: 1, Amount: 500}); err != nil {
				t.Fatal(err)
			}
		}
		if rep, err := s.Check(ctx); err != nil || !rep.OK {
			t.Fatalf("check after writes: %+v %v", rep, err)
		}
	})
}

// A notebook that has no purchases version yet (one made by rolo v1, whose
// state never had it) reads version 0, not an error: `clv` on such a
// notebook failed with "converting NULL to string".
func TestPurchasesVersionMissing(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	if _, err := s.w.ExecContext(ctx, `DELETE FROM state WHERE key = ?`, purchasesVersion); err != nil {
		t.Fatal(err)
	}
	if v, err := s.PurchasesVersion(ctx); err != nil || v != 0 {
		t.Errorf("PurchasesVersion without one = %d, %v; want 0, nil", v, err)
	}
	if _, found, err := s.state(ctx, s.r, purchasesVersion); found || err != nil {
		t.Errorf("state found %v, %v; want not found", found, err)
	}
}
