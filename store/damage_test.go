package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// damagedNotebook makes a notebook of n customers with a purchase each and
// returns its path, closed and checkpointed, ready to be damaged.
func damagedNotebook(t *testing.T, n int) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "nb.db")
	err := Create(ctx, path, Options{Now: fixedNow}, func(s *Store) error {
		return s.Bulk(ctx, func(b *Bulk) error {
			for i := range n {
				c := Customer{Name: fmt.Sprintf("客户%04d", i), Notes: strings.Repeat("备注", 20)}
				id, err := b.AddCustomer(&c)
				if err != nil {
					return err
				}
				if _, err := b.AddPurchase(&Purchase{CustomerID: id, Date: "2026-01-02", Amount: 100, Item: fmt.Sprintf("茶%04d", i)}); err != nil {
					return err
				}
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// leafPages are the leaf pages of a table or index, from dbstat.
func leafPages(t *testing.T, path, name string) []int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno`, name)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var p int
		rows.Scan(&p)
		out = append(out, p)
	}
	if len(out) == 0 {
		t.Fatalf("no leaf pages of %s", name)
	}
	return out
}

// breakPage writes garbage over the header of page p (1-based), as a bad
// sector or a stray write would.
func breakPage(t *testing.T, path string, p int) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt(bytes.Repeat([]byte{0xff}, 12), int64(p-1)*4096); err != nil {
		t.Fatal(err)
	}
}

// replaceBytes changes the first occurrence of old in the file (same
// length), as a flipped byte inside a row would: the row still reads, but
// no longer matches its index entries.
func replaceBytes(t *testing.T, path string, old, new string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(b, []byte(old))
	if i < 0 || len(old) != len(new) {
		t.Fatalf("%q not in the file", old)
	}
	copy(b[i:], new)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// A small notebook is checked when it is opened: damage is found before
// anything is written, with a clear kind.
func TestOpenRefusesDamagedNotebook(t *testing.T) {
	ctx := context.Background()
	path := damagedNotebook(t, 60)
	breakPage(t, path, leafPages(t, path, "purchases")[0])
	before, _ := os.ReadFile(path)
	s, err := Open(ctx, path, Options{})
	if err == nil {
		s.Close()
	}
	if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), "table purchases") {
		t.Errorf("Open of a damaged notebook: %v", err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("the damaged notebook was changed")
	}

	// A row that no longer matches its index entries (a flipped byte in
	// a name): a notebook this small gets integrity_check, which sees it.
	path = damagedNotebook(t, 60)
	replaceBytes(t, path, "客户0042", "客户0043")
	s, err = Open(ctx, path, Options{})
	if err == nil {
		s.Close()
	}
	if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), "table customers") {
		t.Errorf("Open of a notebook whose index disagrees with a row: %v", err)
	}

	// Cut short: found from the header whatever the size.
	path = damagedNotebook(t, 60)
	fi, _ := os.Stat(path)
	os.Truncate(path, fi.Size()-3*4096)
	s, err = Open(ctx, path, Options{})
	if err == nil {
		s.Close()
	}
	if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), "pages its header gives") {
		t.Errorf("Open of a truncated notebook: %v", err)
	}
}

// Whatever the size, a write that reads a damaged page stops with
// ErrDamaged and changes nothing.
func TestWriteIntoDamagedPageStops(t *testing.T) {
	ctx := context.Background()
	path := damagedNotebook(t, 3000) // above quickCheckPages: not checked at open
	leaves := leafPages(t, path, "customers")
	breakPage(t, path, leaves[len(leaves)-1])
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatalf("a large notebook is not checked whole at open: %v", err)
	}
	defer s.Close()
	_, err = s.AddCustomer(ctx, Customer{Name: "新客户"})
	if !errors.Is(err, ErrDamaged) {
		t.Errorf("adding a customer after the damaged last page: %v", err)
	}
}

// check names what is damaged: the table and page of a broken page, the
// index a changed row no longer matches (that one only with Full).
func TestCheckNamesDamage(t *testing.T) {
	ctx := context.Background()
	path := damagedNotebook(t, 200)
	page := leafPages(t, path, "purchases")[1]
	breakPage(t, path, page)
	rep, err := CheckFile(ctx, path, CheckOptions{})
	if err != nil || rep.OK {
		t.Fatalf("quick check: %+v %v", rep, err)
	}
	if got := rep.Objects(); len(got) == 0 || got[0] != fmt.Sprintf("table purchases (page %d)", page) {
		t.Errorf("damage %v, want table purchases (page %d); SQLite said %q", got, page, rep.Integrity)
	}

	path = damagedNotebook(t, 200)
	replaceBytes(t, path, "客户0042", "客户0043")
	if rep, err := CheckFile(ctx, path, CheckOptions{}); err != nil || !rep.OK {
		t.Errorf("the quick check does not compare indexes with rows, yet: %+v %v", rep, err)
	}
	rep, err = CheckFile(ctx, path, CheckOptions{Full: true})
	if err != nil || rep.OK {
		t.Fatalf("full check: %+v %v", rep, err)
	}
	found := false
	for _, d := range rep.Damage {
		found = found || d.Table == "customers" && d.Index != ""
	}
	if !found {
		t.Errorf("full check damage %+v, want an index of customers named", rep.Damage)
	}
}
