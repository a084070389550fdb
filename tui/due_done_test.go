package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
)

// A customer of today's plan whose only reason is snoozed leaves the
// agenda but keeps their place on the plan, ticked off, with their tier.
// The pane below the list then says who it is and that they are done for
// today: no reason, and no date of the year 1 printed as 01-01 (or
// 0001-01-01), at any size.
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
			for m.due.cursor != at {
				press(t, m, "down")
			}
			press(t, m, "z")
			if !strings.Contains(m.status, "snoozed") {
				t.Fatalf("z did not snooze: status %q", m.status)
			}
			for m.due.cursor != at {
				press(t, m, "down")
			}
			if e := m.due.selected(); e == nil || e.Top().Name != "王小明" || !m.due.done[at] {
				t.Fatalf("王小明's row is not done on the plan after the snooze:\n%s", m.View())
			}
			// The row keeps its tier badge: 王小明 is the key customer (sample).
			for _, l := range lines(m.View()) {
				if strings.Contains(l, "✓ done") && strings.Contains(l, "王小明") && !strings.Contains(l, "KEY") {
					t.Errorf("the done row lost its tier: %q", l)
				}
			}
			pane := duePane(t, m)
			if !strings.Contains(pane, "王小明") || !strings.Contains(pane, "done") {
				t.Errorf("the pane of a done row does not say who is done:\n%s", pane)
			}
			for _, zero := range []string{"01-01", "0001"} {
				if strings.Contains(m.View(), zero) {
					t.Errorf("a zero date (%s) on the screen:\n%s", zero, m.View())
				}
			}
			for _, l := range lines(m.View()) {
				if w := lipgloss.Width(l); w > size[0] {
					t.Errorf("line of width %d: %q", w, l)
				}
			}
		})
	}
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
