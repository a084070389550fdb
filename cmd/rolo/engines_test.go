package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/rolo-crm/rolo/internal/pgtest"
)

// A notebook copied into PostgreSQL answers every command as the file
// did, to the byte, and copied back it is the same notebook: one store,
// two engines, and rolo copy between them.
func TestSameAnswersOnBothEngines(t *testing.T) {
	dsn, _ := pgtest.Database(t)
	e := newEnv(t)
	file := filepath.Join(t.TempDir(), "demo.db")
	e.ok("demo", "--customers", "80", "--seed", "11", "--out", file, "--no-tui")
	e.db = file
	e.ok("config", "plan.capacity", "9")

	if _, errs, code := e.run(false, "copy", file, dsn); code != 0 || !strings.Contains(errs, "Copied 80 customers") {
		t.Fatalf("copy into PostgreSQL: exit %d: %s", code, errs)
	}
	commands := [][]string{
		{"--json", "list"}, {"list", "--tier", "key,major"}, {"--json", "show", "3"}, {"show", "王浩俊"},
		{"--json", "find", "王"}, {"find", "wx"}, {"find", "普洱"}, {"--json", "due", "--days", "30"},
		{"--json", "today", "--week"}, {"--json", "pyramid"}, {"--json", "pyramid", "--method", "pareto", "--by", "profit"},
		{"--json", "pyramid", "--method", "scorecard"}, {"--json", "pyramid", "--as-of", "2026-06-30"},
		{"--json", "rfm"}, {"--json", "movers", "--since", "1y"}, {"--json", "churn"}, {"--json", "owed"},
		{"--json", "greet", "--festival", "中秋"}, {"--json", "clv"}, {"--json", "pyramid", "--by", "clv"}, {"export", "purchases"}, {"export", "all"}, {"config"},
	}
	answers := map[string]string{}
	for _, c := range commands {
		e.db = file
		out, errs, code := e.run(false, c...)
		if code > 1 { // 1: something is overdue
			t.Fatalf("rolo %s: exit %d: %s", strings.Join(c, " "), code, errs)
		}
		answers[strings.Join(c, " ")] = out
	}
	for _, c := range commands {
		e.db = dsn
		out, errs, code := e.run(false, c...)
		if code > 1 {
			t.Errorf("rolo %s on PostgreSQL: exit %d: %s", strings.Join(c, " "), code, errs)
			continue
		}
		if want := answers[strings.Join(c, " ")]; out != want {
			t.Errorf("rolo %s: PostgreSQL answers\n%.600s\nthe file answers\n%.600s", strings.Join(c, " "), out, want)
		}
	}
	// Written on PostgreSQL, read back into a file: the same notebook.
	e.db = dsn
	e.ok("buy", "3", "1280", "--item", "普洱茶饼", "--date", "2026-11-20")
	e.ok("log", "3", "call", "约了下周拜访")
	want := e.ok("export", "all")
	back := filepath.Join(t.TempDir(), "back.db")
	if _, errs, code := e.run(false, "copy", dsn, back); code != 0 {
		t.Fatalf("copy back: exit %d: %s", code, errs)
	}
	e.db = back
	if got := e.ok("export", "all"); got != want {
		t.Errorf("copied back from PostgreSQL, the notebook exports another file")
	}
}
