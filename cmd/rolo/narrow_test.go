package main

import (
	"strings"
	"testing"
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
