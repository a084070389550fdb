package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rolo-crm/rolo/render"
)

// tiersBy reads id → tier from a --json list of rows.
func tiersBy(t *testing.T, out string) map[int64]string {
	t.Helper()
	var rows []struct {
		ID   int64  `json:"id"`
		Tier string `json:"tier"`
	}
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("%v in %q", err, out)
	}
	m := map[int64]string{}
	for _, r := range rows {
		m[r.ID] = r.Tier
	}
	return m
}

// The list's tiers come from what the notebook keeps; after every kind of
// write they are the tiers rolo pyramid ranks from scratch.
func TestListTiersMatchPyramidAfterWrites(t *testing.T) {
	e := newEnv(t)
	for i := 1; i <= 30; i++ {
		e.ok("add", fmt.Sprintf("客户%d", i), "--phone", fmt.Sprintf("1380000%04d", i))
	}
	for i := 1; i <= 26; i++ { // 26..30 stay prospects; equal amounts tie
		e.ok("buy", strconv.Itoa(i), strconv.Itoa(100*(i%7+1)), "--date", "2026-10-01")
	}
	dropped := map[int64]bool{}
	same := func(when string) {
		t.Helper()
		list, pyramid := tiersBy(t, e.ok("--json", "list")), tiersBy(t, e.ok("--json", "pyramid"))
		for id, tier := range list {
			want, ok := pyramid[id]
			switch {
			case dropped[id]: // outside the ranks, and not a prospect
				want = "dropped"
			case !ok:
				want = "prospect"
			}
			if tier != want {
				t.Errorf("%s: customer %d is %s in the list, %s in the pyramid", when, id, tier, want)
			}
		}
		if len(list) == 0 {
			t.Fatalf("%s: empty list", when)
		}
		// Listing a tier lists exactly its customers.
		for _, tier := range []string{"key", "major", "ordinary", "small", "prospect"} {
			got := tiersBy(t, e.ok("--json", "list", "--tier", tier))
			for id, want := range list {
				if _, in := got[id]; in != (want == tier) {
					t.Errorf("%s: list --tier %s lists customer %d (%s): %v", when, tier, id, want, in)
				}
			}
		}
	}
	same("bought")
	e.ok("buy", "3", "5000", "--date", "2026-10-02")
	same("a big purchase")
	e.ok("edit", "purchase", "1", "--amount", "9000")
	same("purchase edited")
	e.ok("rm", "purchase", "27") // the big purchase
	same("purchase deleted")
	e.ok("edit", "5", "--status", "dropped")
	e.ok("edit", "29", "--status", "dropped") // a prospect dropped
	dropped[5], dropped[29] = true, true
	same("customers dropped")
	e.ok("rm", "6")
	same("customer archived")
	e.ok("buy", "28", "700", "--date", "2026-10-03")
	same("a new buyer")
	e.ok("config", "pyramid.cuts", "10,30,60,100")
	same("new cuts")
	if out := e.ok("list", "--tier", "key"); !strings.Contains(out, "key") {
		t.Errorf("plain list --tier key: %q", out)
	}
}

// A long list streams on a terminal too: the columns take their widths
// from the first rows, and every customer is printed once, under one header.
func TestLongListStreams(t *testing.T) {
	e := newEnv(t)
	var b strings.Builder
	b.WriteString("name,company\n")
	for i := 0; i < 1500; i++ {
		company := ""
		if i == 1400 {
			company = strings.Repeat("宽", 40) // wider than anything before it
		}
		fmt.Fprintf(&b, "客户%04d,%s\n", i, company)
	}
	path := filepath.Join(t.TempDir(), "c.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	e.ok("import", "customers", path)
	out, errs, code := e.run(true, "list")
	if code != 0 {
		t.Fatal(errs)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 1501 || !strings.Contains(lines[0], "ID") || strings.Count(out, "NAME") != 1 {
		t.Fatalf("%d lines, first %q", len(lines), lines[0])
	}
	for i, l := range lines {
		if w := render.Width(l); w > 100 {
			t.Errorf("line %d is %d cells wide: %q", i, w, l)
		}
	}
	if !strings.Contains(lines[1401], "宽") || !strings.Contains(lines[1401], "…") {
		t.Errorf("the wide company is cut to the columns' width: %q", lines[1401])
	}
	piped := e.ok("list")
	if n := strings.Count(piped, "\n"); n != 1500 {
		t.Errorf("piped: %d rows", n)
	}
	if rows := tiersBy(t, e.ok("--json", "list")); len(rows) != 1500 {
		t.Errorf("json: %d rows", len(rows))
	}
}

// An empty list, pyramid or plan on a terminal says why and what to do
// instead of printing a bare header or a pyramid of zeros; in a pipe an
// empty list stays empty.
func TestEmptyStatesSayWhatToDo(t *testing.T) {
	e := newEnv(t)
	out, errs, code := e.run(true, "list")
	if code != 0 || out != "" || !strings.Contains(errs, "No customers yet") || !strings.Contains(errs, "rolo add NAME") {
		t.Errorf("empty list: exit %d, out %q, err %q", code, out, errs)
	}
	if out, errs, _ := e.run(false, "list"); out != "" || errs != "" {
		t.Errorf("empty piped list wrote %q / %q", out, errs)
	}
	out, _, _ = e.run(true, "pyramid")
	if !strings.Contains(out, "No one is in the pyramid yet") || strings.Contains(out, "CUSTOMERS") {
		t.Errorf("empty pyramid:\n%s", out)
	}
	out, _, _ = e.run(true, "today")
	if strings.Contains(out, "0 more customers") {
		t.Errorf("empty plan counts nobody waiting:\n%s", out)
	}
	e.ok("add", "王小明")
	if _, errs, _ := e.run(true, "list", "--tag", "vip"); !strings.Contains(errs, "No customer matches") {
		t.Errorf("filtered empty list: %q", errs)
	}
	if _, errs, _ := e.run(true, "list", "--archived"); !strings.Contains(errs, "No archived customers") {
		t.Errorf("empty archived list: %q", errs)
	}
	out, _, _ = e.run(true, "pyramid")
	if !strings.Contains(out, "1 prospect") {
		t.Errorf("pyramid of a prospect only:\n%s", out)
	}
	e.ok("buy", "王小明", "100", "--date", "2026-01-05")
	out, _, _ = e.run(true, "pyramid", "--since", "1m")
	if !strings.Contains(out, "No one bought between 2026-10-22 and 2026-11-22") {
		t.Errorf("pyramid of an empty window:\n%s", out)
	}
	out, _, _ = e.run(true, "pyramid")
	if !strings.Contains(out, "CUSTOMERS") || strings.Contains(out, "No one") {
		t.Errorf("pyramid with a buyer:\n%s", out)
	}
}
