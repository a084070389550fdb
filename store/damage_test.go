package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
	// Known from now on: a write elsewhere is refused too, in this
	// process and the next.
	if _, err := s.AddPurchase(ctx, Purchase{CustomerID: 1, Date: "2026-02-01", Amount: 1}); !errors.Is(err, ErrDamaged) {
		t.Errorf("a purchase after the damage was seen: %v", err)
	}
	s2, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if s2.Damaged() == "" {
		t.Error("the next process does not know the notebook is damaged")
	}
}

// Once a check has found a large notebook damaged, nothing more is written
// to it — though the damage is in pages a write does not read — until it
// passes a check again or another file takes its name.
func TestDamageNoteRefusesWrites(t *testing.T) {
	ctx := context.Background()
	path := damagedNotebook(t, 3000)
	good, _ := os.ReadFile(path)
	breakPage(t, path, leafPages(t, path, "purchases")[3])
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddCustomer(ctx, Customer{Name: "新客户"}); err != nil {
		t.Fatalf("before any check, a write that does not read the damaged page goes through: %v", err)
	}
	s.Close()
	if rep, err := CheckFile(ctx, path, CheckOptions{}); err != nil || rep.OK {
		t.Fatalf("check: %+v %v", rep, err)
	}
	if _, err := os.Stat(DamageNotePath(path)); err != nil {
		t.Fatalf("no note beside the damaged notebook: %v", err)
	}
	s, err = Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d := s.Damaged(); !strings.Contains(d, "table purchases") {
		t.Errorf("Damaged() = %q", d)
	}
	if _, err := s.AddCustomer(ctx, Customer{Name: "又一个"}); !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), "nothing is written to it until it passes a check") {
		t.Errorf("a write after the check: %v", err)
	}
	if cs, _, err := s.ListCustomers(ctx, CustomerFilter{}); err != nil || len(cs) == 0 {
		t.Errorf("reading a damaged notebook: %d customers, %v", len(cs), err)
	}
	s.Close()

	// Restored in place (the same file): the note holds until a check passes.
	if err := os.WriteFile(path, good, 0o600); err != nil {
		t.Fatal(err)
	}
	os.Remove(path + "-wal")
	os.Remove(path + "-shm")
	s, err = Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Damaged() == "" {
		t.Error("a notebook restored in place lost its note before a check")
	}
	if rep, err := s.Check(ctx); err != nil || !rep.OK {
		t.Fatalf("check of the restored notebook: %+v %v", rep, err)
	}
	if _, err := s.AddCustomer(ctx, Customer{Name: "又一个"}); err != nil {
		t.Errorf("a write after a passing check: %v", err)
	}
	s.Close()
	if _, err := os.Stat(DamageNotePath(path)); err == nil {
		t.Error("the note outlived a passing check")
	}

	// Another file takes the name: the note is about a file that is gone.
	noteDamage(path, "quick_check", "table purchases", fixedNow())
	other := filepath.Join(t.TempDir(), "other.db")
	os.WriteFile(other, good, 0o600)
	if err := os.Rename(other, path); err != nil {
		t.Fatal(err)
	}
	s, err = Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if d := s.Damaged(); d != "" {
		t.Errorf("a new file at the path is taken for damaged: %q", d)
	}
	if _, err := os.Stat(DamageNotePath(path)); err == nil {
		t.Error("the stale note was kept")
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

// Each of SQLite's findings is placed: by the b-tree it names, the index
// or table, or the b-tree a page belongs to (walked on the connection it
// is given: the check holds every other one).
func TestDescribeDamage(t *testing.T) {
	ctx := context.Background()
	path := damagedNotebook(t, 200)
	leaf := leafPages(t, path, "purchases")[1]
	db, err := sql.Open("sqlite", checkDSN(path))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	conn, err := checkConn(ctx, db, forRescue)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	s := &Store{path: path}
	schema, err := s.readSchema(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	root := 0
	for _, o := range schema {
		if o.name == "customers" {
			root = o.root
		}
	}
	for _, tt := range []struct{ line, want string }{
		{fmt.Sprintf("Page %d: never used", leaf), "table purchases"},
		{fmt.Sprintf("Tree %d page 7 cell 2: invalid page number 99999", root), "table customers"},
		{"row 5 missing from index customers_name", "index customers_name of table customers"},
		{"wrong # of entries in index purchases_date", "index purchases_date of table purchases"},
		{"NULL value in customers.name", "table customers"},
		{`fts5: checksum mismatch for table "search"`, "the search index"},
		{"Freelist: invalid page number 99999", "the list of free pages"},
		{"malformed database schema (followups_open) - no such table: main.followqps", "the table of contents (its entry followups_open)"},
		{"Page 999999: never used", "an unused page"},
	} {
		got := describeDamage(ctx, conn, schema, []string{tt.line})
		if len(got) != 1 || got[0].Object != tt.want {
			t.Errorf("%q placed as %+v, want %q", tt.line, got, tt.want)
		}
	}
}

// A page no b-tree uses (here: one more page than the notebook had, counted
// in the header) is named by its number; placing it walks every b-tree,
// which must not wait for a connection the check holds.
func TestCheckNamesUnusedPage(t *testing.T) {
	ctx := context.Background()
	path := damagedNotebook(t, 200)
	b, _ := os.ReadFile(path)
	pages := binary.BigEndian.Uint32(b[28:32])
	binary.BigEndian.PutUint32(b[28:32], pages+1)
	b = append(b, make([]byte, 4096)...)
	os.WriteFile(path, b, 0o600)
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	rep, err := CheckFile(ctx, path, CheckOptions{})
	if ctx.Err() != nil {
		t.Fatal("the check waited for a connection it holds itself")
	}
	if err != nil || rep.OK || len(rep.Damage) != 1 || rep.Damage[0].Object != "an unused page" || rep.Damage[0].Page != int(pages+1) {
		t.Errorf("check: %+v %v", rep, err)
	}
}

// Every finding is placed, also the ones SQLite words as just "database
// disk image is malformed" (a record it cannot decode): bits flipped
// across a page of rows.
func TestCheckNamesEveryFinding(t *testing.T) {
	ctx := context.Background()
	src := damagedNotebook(t, 200)
	good, _ := os.ReadFile(src)
	page := leafPages(t, src, "customers")[2]
	path := filepath.Join(t.TempDir(), "d.db")
	found := 0
	for off := 8; off < 4096; off += 61 {
		b := append([]byte(nil), good...)
		b[(page-1)*4096+off] ^= 0x10
		os.WriteFile(path, b, 0o600)
		os.Remove(DamageNotePath(path))
		rep, err := CheckFile(ctx, path, CheckOptions{Full: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range rep.Damage {
			found++
			if d.Object == unnamed || d.Table == "" && !strings.HasPrefix(d.Object, "the ") {
				t.Errorf("bit at %d of page %d: %q not placed (%q)", off, page, d.Object, d.Detail)
			}
		}
	}
	if found == 0 {
		t.Fatal("no flip was found: the test tests nothing")
	}
}

// The summary names each damaged object once, with all its pages.
func TestDamageObjectsOnceWithTheirPages(t *testing.T) {
	r := CheckReport{Damage: []Damage{
		{Object: "index purchases_date of table purchases", Page: 225},
		{Object: "index purchases_date of table purchases", Page: 223},
		{Object: "table purchases", Page: 12},
		{Object: "index purchases_date of table purchases", Page: 224},
		{Object: "index purchases_date of table purchases", Page: 223},
		{Object: "the list of free pages"},
	}}
	got := strings.Join(r.Objects(), "; ")
	if want := "index purchases_date of table purchases (pages 223, 224, 225); table purchases (page 12); the list of free pages"; got != want {
		t.Errorf("objects: %s\nwant:    %s", got, want)
	}
}
