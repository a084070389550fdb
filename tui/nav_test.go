package tui

import (
	"strings"
	"testing"
)

// / searches from any screen; 2 without a customer says so; G and g go to
// the end and the start of every list.
func TestNavigationEverywhere(t *testing.T) {
	m := start(t, sample(t), 100, 30)
	press(t, m, "2")
	if m.active != scrAccounts || !strings.Contains(m.status, "pick a customer first") {
		t.Errorf("2 without a customer: screen %d, status %q", m.active, m.status)
	}
	for _, scr := range []string{"3", "4"} {
		press(t, m, scr, "/")
		if m.active != scrAccounts || !m.accounts.typing {
			t.Errorf("/ from screen %s: on %d, typing %v", scr, m.active, m.accounts.typing)
		}
		press(t, m, "esc")
	}
	press(t, m, "G")
	if m.accounts.cursor != m.accounts.total-1 {
		t.Errorf("G on accounts: cursor %d of %d", m.accounts.cursor, m.accounts.total)
	}
	press(t, m, "enter", "G")
	if it := m.account.selected(); it.kind != itemContact && it.kind != itemPurchase {
		t.Errorf("G on the card selected %+v, want the last record", it)
	}
	press(t, m, "g")
	if m.account.sel != 0 {
		t.Errorf("g on the card: %d", m.account.sel)
	}
	press(t, m, "4", "G")
	if m.pyramid.sel != 3 {
		t.Errorf("G on the pyramid: tier %d", m.pyramid.sel)
	}
}

// Keys that arrive together in one read (a held j, fast typing) each
// count; once one opens a field, the rest is typed into it.
func TestKeyBursts(t *testing.T) {
	st := sample(t)
	m := start(t, st, 80, 24)
	press(t, m, "jjj")
	if m.accounts.cursor != 3 {
		t.Errorf("after the burst jjj the cursor is on row %d, want 3", m.accounts.cursor)
	}
	press(t, m, "/wx")
	if m.active != scrAccounts || m.accounts.filter.Value() != "wx" {
		t.Errorf("burst /wx: screen %d, filter %q; want the accounts filter holding wx", m.active, m.accounts.filter.Value())
	}
}
