package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// rolo copy makes a new notebook that exports exactly what the old one
// does, settings included, and says the counts and money match.
func TestCopyIntoNewFile(t *testing.T) {
	e := newEnv(t)
	src := filepath.Join(t.TempDir(), "src.db")
	e.ok("demo", "--customers", "40", "--seed", "3", "--out", src, "--no-tui")
	e.db = src
	e.ok("config", "plan.capacity", "7")
	wantAll := e.ok("export", "all")

	dst := filepath.Join(t.TempDir(), "dst.db")
	_, errs, code := e.run(false, "copy", src, dst)
	if code != 0 || !strings.Contains(errs, "Copied 40 customers") || !strings.Contains(errs, "same rows and the same money") {
		t.Fatalf("copy: exit %d: %s", code, errs)
	}
	e.db = dst
	if got := e.ok("export", "all"); got != wantAll {
		t.Errorf("the copy exports another notebook (%d vs %d bytes)", len(got), len(wantAll))
	}
	if got := strings.TrimSpace(e.ok("config", "plan.capacity")); !strings.Contains(got, "7") {
		t.Errorf("plan.capacity in the copy: %q", got)
	}
	// Into a notebook that holds customers: refused, nothing written.
	before, _ := os.ReadFile(dst)
	_, errs, code = e.run(false, "copy", src, dst)
	if code != 2 || !strings.Contains(errs, "already holds 40 customers") || !strings.Contains(errs, "add --new-ids") {
		t.Errorf("copy into a full notebook: exit %d: %s", code, errs)
	}
	if after, _ := os.ReadFile(dst); string(after) != string(before) {
		t.Errorf("a refused copy changed %s", dst)
	}
	// With new ids: the same notebook again is refused (its customers are
	// there), another one is added to it.
	if _, errs, code := e.run(false, "copy", "--new-ids", src, dst); code != 2 || !strings.Contains(errs, "was this notebook added before?") ||
		!strings.Contains(errs, "is unchanged, and so is") || !strings.Contains(errs, "it was most likely added before, and nothing was written") {
		t.Errorf("the same notebook copied in twice: exit %d: %s", code, errs)
	}
	if _, errs, code := e.run(false, "copy", "--allow-duplicates", src, dst); code != 2 || !strings.Contains(errs, "goes with --new-ids") {
		t.Errorf("--allow-duplicates alone: exit %d: %s", code, errs)
	}
	if after, _ := os.ReadFile(dst); string(after) != string(before) {
		t.Errorf("a refused copy changed %s", dst)
	}
	other := filepath.Join(t.TempDir(), "other.db")
	e.db = other
	e.ok("init")
	e.ok("add", "新客户甲", "--phone", "13912345678")
	e.ok("buy", "新客户甲", "880")
	_, errs, code = e.run(false, "copy", "--new-ids", other, dst)
	if code != 0 || !strings.Contains(errs, "Copied 1 customer, 1 purchase") || !strings.Contains(errs, "revenue 880.00") {
		t.Errorf("another notebook copied in with new ids: exit %d: %s", code, errs)
	}
	e.db = dst
	if out := e.ok("show", "新客户甲"); !strings.Contains(out, "880") || !strings.Contains(out, "id\t41\n") {
		t.Errorf("the customer copied in with a new id:\n%s", out)
	}
	// Onto itself, or from nothing: refused, nothing made.
	if _, errs, code := e.run(false, "copy", src, src); code != 2 || !strings.Contains(errs, "both FROM and TO") {
		t.Errorf("copy onto itself: exit %d: %s", code, errs)
	}
	missing := filepath.Join(t.TempDir(), "none.db")
	out := filepath.Join(t.TempDir(), "out.db")
	if _, _, code := e.run(false, "copy", missing, out); code != 3 {
		t.Errorf("copy from a missing notebook: exit %d", code)
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("a failed copy left %s", out)
	}
}

// Into an empty notebook that exists (rolo init made it), the copy fills it.
func TestCopyIntoEmptyNotebook(t *testing.T) {
	e := newEnv(t)
	empty := e.db
	src := filepath.Join(t.TempDir(), "src.db")
	e.ok("demo", "--customers", "20", "--seed", "4", "--out", src, "--no-tui")
	e.db = src
	want := e.ok("--json", "pyramid")
	if _, errs, code := e.run(false, "--json", "copy", src, empty); code != 0 || errs != "" {
		t.Fatalf("copy: exit %d: %s", code, errs)
	}
	e.db = empty
	if got := e.ok("--json", "pyramid"); got != want {
		t.Errorf("pyramid of the copy differs")
	}
}
