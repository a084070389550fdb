package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// On a narrow terminal the tables give way in their text columns: a phone
// number, a date or an id is never cut.
func TestNarrowTablesKeepNumbersWhole(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "白晨欣", "--phone", "13573207375", "--company", "广州鑫源餐饮管理有限公司", "--city", "广州", "--tag", "wholesale")
	e.ok("add", "Anna Chan", "--phone", "+65 4936 3197", "--company", "Summit Hotels International", "--city", "Vancouver")
	e.ok("buy", "白晨欣", "3470", "--paid", "0", "--date", "2024-09-30", "--item", "普洱茶饼")
	for _, w := range []int{80, 60} {
		out, errs, code := e.runW(w, "list")
		if code != 0 {
			t.Fatalf("list at %d: exit %d: %s", w, code, errs)
		}
		for _, whole := range []string{"13573207375", "+65 4936 3197"} {
			if !strings.Contains(out, whole) {
				t.Errorf("list at %d columns cut %q:\n%s", w, whole, out)
			}
		}
		out, errs, code = e.runW(w, "owed")
		if code != 0 {
			t.Fatalf("owed at %d: exit %d: %s", w, code, errs)
		}
		if !strings.Contains(out, "2024-09-30") {
			t.Errorf("owed at %d columns cut the date:\n%s", w, out)
		}
	}
}

// The pyramid at 80 columns: every line fits, the tiers' names are whole
// ("major 次要…" was cut to keep a cut action), what to do goes under its
// tier, and the 关键客户 sentence breaks between words ("rev|enue").
func TestNarrowPyramid(t *testing.T) {
	e := newEnv(t)
	for i, name := range []string{"王一", "王二", "王三", "王四", "王五", "王六"} {
		e.ok("add", name)
		e.ok("buy", name, fmt.Sprint(100000*(i+1)), "--date", "2026-10-01")
	}
	out, errs, code := e.runW(80, "pyramid")
	if code != 0 {
		t.Fatalf("pyramid: exit %d: %s", code, errs)
	}
	plain := ansi.Strip(out)
	for _, l := range strings.Split(plain, "\n") {
		if w := ansi.StringWidth(l); w > 80 {
			t.Errorf("a line of %d columns: %q", w, l)
		}
	}
	for _, whole := range []string{"key 重要客户", "major 次要客户", "ordinary 普通客户", "small 小客户", "visit or call every two weeks", "revenue."} {
		if !strings.Contains(plain, whole) {
			t.Errorf("pyramid at 80 columns cut %q:\n%s", whole, plain)
		}
	}
}
