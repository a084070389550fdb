package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// A full disk (simulated with max_page_count) fails the write with a plain
// message; what was there before stays, and the notebook checks out.
func TestDiskFull(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	c, _ := s.AddCustomer(ctx, Customer{Name: "王小明"})
	if _, err := s.AddPurchase(ctx, Purchase{CustomerID: c.ID, Date: "2026-01-01", Amount: 100}); err != nil {
		t.Fatal(err)
	}
	var pages int
	s.w.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages)
	if _, err := s.w.ExecContext(ctx, fmt.Sprintf("PRAGMA max_page_count = %d", pages+2)); err != nil {
		t.Fatal(err)
	}
	err := s.Bulk(ctx, func(b *Bulk) error {
		for i := 0; i < 5000; i++ {
			if _, err := b.AddPurchase(&Purchase{CustomerID: c.ID, Date: "2026-02-01", Amount: 1, Note: strings.Repeat("x", 200)}); err != nil {
				return err
			}
		}
		return nil
	})
	if !errors.Is(err, ErrDiskFull) || !strings.Contains(err.Error(), "free some disk space and try again (nothing was changed)") {
		t.Fatalf("err = %v, want ErrDiskFull", err)
	}
	s.w.ExecContext(ctx, "PRAGMA max_page_count = 1073741823")
	ps, _ := s.Purchases(ctx, c.ID, 0)
	if len(ps) != 1 {
		t.Errorf("%d purchases after a failed import, want the 1 from before", len(ps))
	}
	if rep, err := s.Check(ctx); err != nil || !rep.OK {
		t.Errorf("check: %+v %v", rep, err)
	}
}

func TestReadOnlyNotebook(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root: file permissions do not stop writes")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "nb.db")
	s, err := Open(context.Background(), path, Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	os.Chmod(path, 0o400)
	os.Chmod(dir, 0o500)
	defer os.Chmod(dir, 0o700)
	s, err = Open(context.Background(), path, Options{})
	if err == nil {
		_, err = s.AddCustomer(context.Background(), Customer{Name: "x"})
		s.Close()
	}
	if !errors.Is(err, ErrReadOnly) && !errors.Is(err, ErrNotPermitted) {
		t.Errorf("read-only notebook: err = %v", err)
	}
}

// Any search text is literal: it never errors (except empty or invalid
// UTF-8, which say so) and never matches by syntax.
func FuzzSearch(f *testing.F) {
	s := newTestStore(f)
	ctx := context.Background()
	for _, n := range []string{"王小明", "Anna Li", "李\"四", "O'Brien"} {
		s.AddCustomer(ctx, Customer{Name: n})
	}
	for _, q := range []string{"王", "wxm", `"`, "*", "NEAR(a b)", "a OR b", "%", "_", "\\", "';DROP TABLE customers;--", "^王"} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		hits, err := s.Search(ctx, q, SearchOptions{})
		q = strings.ReplaceAll(q, "\x00", "")
		if strings.TrimSpace(q) == "" || !utf8.ValidString(q) {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Search(%q) err = %v, want ErrInvalid", q, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("Search(%q): %v", q, err)
		}
		lq := strings.ToLower(strings.TrimSpace(q))
		for _, h := range hits {
			c := h.Customer
			text := strings.ToLower(strings.Join([]string{c.Name, c.Pinyin, c.Initials}, " "))
			if !strings.Contains(text, lq) && !strings.Contains(text, pinyinQuery(lq)) {
				t.Fatalf("Search(%q) found %q", q, c.Name)
			}
		}
	})
}

func FuzzParseSince(f *testing.F) {
	for _, s := range []string{"90d", "12w", "6m", "1y", "2026-01-01", "-3d", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseSince(s, fixedNow())
		if err == nil && (d.Hour() != 0 || d.After(fixedNow()) && !strings.Contains(s, "-") && len(s) != 10) {
			t.Fatalf("ParseSince(%q) = %v", s, d)
		}
	})
}
