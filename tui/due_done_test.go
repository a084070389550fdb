package tui

import (
	"fmt"
	"strings"
	"testing"
)

// A customer of today's plan whose only reason is snoozed leaves the
// agenda but keeps their place on the plan, with their tier: shown
// snoozed, and until when, not ticked off as done. Contacted (the snooze
// undone, a call logged), the row is done, and the pane below the list
// says who it is and that they are done for today: no reason, and no date
// of the year 1 printed as 01-01 (or 0001-01-01), at any size.
func TestDueDoneRowPane(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {60, 20}, {120, 40}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			m := start(t, sample(t), size[0], size[1])
			press(t, m, "3")
			// 王小明 is on today's plan for one reason only: no contact
			// for three weeks (sample). Snoozing it takes him off the agenda.
			at := -1
			for i, e := range m.due.items[:m.due.planN] {
				if e.Top().Name == "王小明" && len(e.Items) == 1 {
					at = i
				}
			}
			if at < 0 {
				t.Fatalf("王小明 is not on today's plan with one reason: %+v", m.due.items)
			}
			toRow := func() {
				for m.due.cursor != at {
					press(t, m, "down")
				}
			}
			toRow()
			press(t, m, "z")
			if !strings.Contains(m.status, "snoozed") {
				t.Fatalf("z did not snooze: status %q", m.status)
			}
			toRow()
			if e := m.due.selected(); e == nil || e.Top().Name != "王小明" {
				t.Fatalf("王小明's row left the plan after the snooze:\n%s", m.View())
			}
			row := dueRow(m, "王小明")
			// The row keeps its tier badge: 王小明 is the key customer (sample).
			// Snoozed by z, cadence comes back in 3 days, on the 25th.
			if strings.Contains(row, "done") || !strings.Contains(row, "snoozed") || !strings.Contains(row, "KEY") {
				t.Errorf("the snoozed row is not shown snoozed with its tier: %q", row)
			}
			if !strings.Contains(row, "to 11-25") || (size[0] > 80 && !strings.Contains(row, "to 11-25: cadence")) {
				t.Errorf("the snoozed row does not say what comes back when: %q", row)
			}
			if v := m.View(); !strings.Contains(v, "Today: done 0 of ") || !strings.Contains(v, "1 snoozed") {
				t.Errorf("the summary counts the snoozed customer as done:\n%s", v)
			}
			pane := formText(duePane(t, m))
			if !strings.Contains(pane, "王小明 — snoozed: cadence to 2026-11-25") || strings.Contains(pane, "done") {
				t.Errorf("the pane of a snoozed row does not say it is snoozed until when:\n%s", pane)
			}
			fits(t, m.View(), size[0], size[1])

			press(t, m, "u")
			toRow()
			if m.due.done[at] {
				t.Fatalf("u did not bring the cadence back:\n%s", m.View())
			}
			press(t, m, "l", "tab")
			typeText(t, m, "打过电话")
			press(t, m, "ctrl+s")
			toRow()
			if e := m.due.selected(); e == nil || e.Top().Name != "王小明" || !m.due.done[at] {
				t.Fatalf("王小明's row is not done on the plan after the call:\n%s", m.View())
			}
			if row := dueRow(m, "王小明"); !strings.Contains(row, "✓ done") || !strings.Contains(row, "KEY") {
				t.Errorf("the row of a customer called is not done with their tier: %q", row)
			}
			pane = duePane(t, m)
			if !strings.Contains(pane, "王小明") || !strings.Contains(pane, "done") || strings.Contains(pane, "snoozed") {
				t.Errorf("the pane of a done row does not say who is done:\n%s", pane)
			}
			for _, zero := range []string{"01-01", "0001"} {
				if strings.Contains(m.View(), zero) {
					t.Errorf("a zero date (%s) on the screen:\n%s", zero, m.View())
				}
			}
			fits(t, m.View(), size[0], size[1])
		})
	}
}

// dueRow is the Due screen's first line that names who: their row of the list.
func dueRow(m *Model, who string) string {
	for _, l := range lines(m.View()) {
		if strings.Contains(l, who) {
			return l
		}
	}
	return ""
}

// duePane is the Due screen's detail pane as drawn: the body's lines after
// the rule that opens it.
func duePane(t *testing.T, m *Model) string {
	t.Helper()
	ls := lines(m.View())
	body := ls[1 : 1+m.bodyHeight()]
	for i := len(body) - 1; i >= 0; i-- {
		if strings.HasPrefix(strings.TrimSpace(body[i]), "──────────") {
			return strings.Join(body[i+1:], "\n")
		}
	}
	t.Fatalf("no detail pane on the Due screen:\n%s", m.View())
	return ""
}
