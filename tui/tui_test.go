package tui

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
	"github.com/rolo-crm/rolo/insight"
	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/tiering"
	"github.com/rolo-crm/rolo/tiering/agenda"
)

var today = time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)

func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	os.Exit(m.Run())
}

func fixedNow() time.Time { return today.Add(10 * time.Hour) }

func newStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "nb.db"), store.Options{Create: true, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// run executes a command synchronously and feeds its messages back into
// the model, the way the bubbletea loop would. Cursor blinks and spinner
// ticks (which only sleep and redraw) are dropped.
func run(t testing.TB, m *Model, cmd tea.Cmd) {
	t.Helper()
	if cmd == nil {
		return
	}
	msg := cmd()
	switch msg := msg.(type) {
	case nil:
		return
	case tea.BatchMsg:
		for _, c := range msg {
			run(t, m, c)
		}
		return
	}
	pkg := reflect.TypeOf(msg).PkgPath()
	if strings.Contains(pkg, "bubbles/cursor") || strings.Contains(pkg, "bubbles/spinner") {
		return
	}
	if _, ok := msg.(tea.QuitMsg); ok {
		return
	}
	_, next := m.Update(msg)
	run(t, m, next)
}

func start(t testing.TB, st *store.Store, w, h int) *Model {
	m := New(insight.New(st), today, Options{Now: fixedNow, StaticCursor: true})
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	run(t, m, m.Init())
	return m
}

func press(t testing.TB, m *Model, keys ...string) {
	for _, k := range keys {
		var msg tea.KeyMsg
		switch k {
		case "enter":
			msg = tea.KeyMsg{Type: tea.KeyEnter}
		case "esc":
			msg = tea.KeyMsg{Type: tea.KeyEsc}
		case "tab":
			msg = tea.KeyMsg{Type: tea.KeyTab}
		case "down":
			msg = tea.KeyMsg{Type: tea.KeyDown}
		case "ctrl+s":
			msg = tea.KeyMsg{Type: tea.KeyCtrlS}
		case "backspace":
			msg = tea.KeyMsg{Type: tea.KeyBackspace}
		default:
			msg = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
		}
		_, cmd := m.Update(msg)
		run(t, m, cmd)
	}
}

func typeText(t testing.TB, m *Model, s string) {
	for _, r := range s {
		press(t, m, string(r))
	}
}

func sample(t testing.TB) *store.Store {
	st := newStore(t)
	ctx := context.Background()
	add := func(c store.Customer) int64 {
		out, err := st.AddCustomer(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		return out.ID
	}
	wxm := add(store.Customer{Name: "王小明", Company: "明达贸易"})
	wxh := add(store.Customer{Name: "王晓红", City: "杭州"})
	add(store.Customer{Name: "李四"})
	anna := add(store.Customer{Name: "Anna Li"})
	for i, id := range []int64{wxm, wxh, anna} {
		if _, err := st.AddPurchase(ctx, store.Purchase{CustomerID: id, Date: "2026-11-01", Amount: money.Amount(1000 * (3 - i)), Item: "茶"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.AddFollowUp(ctx, store.FollowUp{CustomerID: wxh, Due: "2026-11-20", What: "送样品"}); err != nil {
		t.Fatal(err)
	}
	return st
}

func lines(view string) []string { return strings.Split(view, "\n") }

func TestAccountsListFilterAndSort(t *testing.T) {
	m := start(t, sample(t), 100, 30)
	v := m.View()
	for _, want := range []string{"Anna Li", "李四", "王小明", "王晓红", " KEY ", "1 Accounts"} {
		if !strings.Contains(v, want) {
			t.Errorf("accounts view lacks %q:\n%s", want, v)
		}
	}
	// Sorted by pinyin: Anna Li, 李四 (lisi), 王晓红 (wangxiaohong), 王小明 (wangxiaoming).
	order := []string{"Anna Li", "李四", "王晓红", "王小明"}
	last := -1
	for _, n := range order {
		i := strings.Index(v, n)
		if i < last {
			t.Errorf("%s is out of pinyin order:\n%s", n, v)
		}
		last = i
	}
	press(t, m, "/")
	typeText(t, m, "wx")
	if m.accounts.total != 2 {
		t.Errorf("filter wx: %d rows, want 王小明 and 王晓红", m.accounts.total)
	}
	// Two characters look in names and profiles only, and say so.
	if v := m.View(); !strings.Contains(v, "2 found in names and profiles") {
		t.Errorf("filter wx does not say where it looked:\n%s", v)
	}
	typeText(t, m, "m")
	if m.accounts.total != 1 || m.accounts.rows[0].Name != "王小明" {
		t.Errorf("filter wxm: %+v", m.accounts.rows)
	}
	if v := m.View(); !strings.Contains(v, "1 found") || strings.Contains(v, "in names and profiles") {
		t.Errorf("filter wxm:\n%s", v)
	}
	press(t, m, "enter") // a single match opens it
	if m.active != scrAccount || !strings.Contains(m.View(), "明达贸易") {
		t.Errorf("enter on a single match should open the card:\n%s", m.View())
	}
	press(t, m, "esc", "esc")
	if m.active != scrAccounts || m.accounts.total != 4 {
		t.Errorf("esc twice: back to everyone, got screen %d total %d", m.active, m.accounts.total)
	}
	press(t, m, "s") // by value, largest first
	if m.accounts.rows[0].Name != "王小明" || m.accounts.rows[3].Name != "李四" {
		t.Errorf("sort by value: %+v", m.accounts.rows)
	}
}

func TestAccountCardForms(t *testing.T) {
	st := sample(t)
	m := start(t, st, 100, 30)
	press(t, m, "G", "enter") // the last by pinyin: 王小明
	if m.active != scrAccount || !strings.Contains(m.View(), "王小明") {
		t.Fatalf("not on the card:\n%s", m.View())
	}
	press(t, m, "b")
	typeText(t, m, "99.5")
	press(t, m, "tab")
	typeText(t, m, "白茶")
	press(t, m, "ctrl+s")
	ps, _ := st.Purchases(context.Background(), 1, 0)
	if len(ps) != 2 || ps[0].Amount != 9950 || ps[0].Item != "白茶" || ps[0].Date != "2026-11-22" {
		t.Fatalf("purchase not saved: %+v", ps)
	}
	if !strings.Contains(m.View(), "白茶") || !strings.Contains(m.status, "purchase recorded") {
		t.Errorf("card not refreshed or no status: %q\n%s", m.status, m.View())
	}
	// A bad amount keeps the form open with the error.
	press(t, m, "b")
	typeText(t, m, "12.345")
	press(t, m, "ctrl+s")
	if m.account.form == nil || !strings.Contains(m.View(), "more than 2 decimals") {
		t.Errorf("bad amount should stay in the form:\n%s", m.View())
	}
	press(t, m, "esc")
	// Log a complaint (the kind picker: c picks the next kind starting with
	// c after call), then select it and resolve it from the card.
	press(t, m, "l", "c")
	if v := m.View(); !strings.Contains(v, "complaint 投诉") {
		t.Fatalf("kind picker:\n%s", v)
	}
	press(t, m, "tab")
	typeText(t, m, "茶饼破损")
	press(t, m, "ctrl+s")
	open, _ := st.OpenComplaints(context.Background(), 1)
	if len(open) != 1 {
		t.Fatalf("complaint not logged: %+v", open)
	}
	for m.account.selected().kind != itemComplaint {
		press(t, m, "down")
	}
	press(t, m, "x")
	if open, _ := st.OpenComplaints(context.Background(), 1); len(open) != 0 {
		t.Errorf("x did not resolve the complaint")
	}
	fs, _ := st.FollowUps(context.Background(), 1, true)
	var sources []string
	for _, f := range fs {
		sources = append(sources, f.Source)
	}
	// 王小明 is the key customer: the purchase scheduled a thank-you too.
	if strings.Join(sources, " ") != "thanks complaint" {
		t.Errorf("follow-ups after the purchase and the complaint: %+v", fs)
	}
}

func TestDueActInPlace(t *testing.T) {
	st := sample(t)
	m := start(t, st, 100, 30)
	press(t, m, "3")
	for m.due.selected() != nil && m.due.selected().Top().Name != "王晓红" {
		press(t, m, "down")
	}
	v := m.View()
	if !strings.Contains(v, "王晓红") || !strings.Contains(v, "2d late") || !strings.Contains(v, "送样品") {
		t.Fatalf("due screen:\n%s", v)
	}
	press(t, m, "z")
	f, _ := st.FollowUp(context.Background(), 1)
	if f.Due != "2026-11-25" {
		t.Errorf("snooze: due %s, want 2026-11-25", f.Due)
	}
	// Snoozed to the 25th, the follow-up is not due yet: d leaves it.
	for m.due.selected().Top().Name != "王晓红" {
		press(t, m, "down")
	}
	press(t, m, "d")
	if f, _ := st.FollowUp(context.Background(), 1); f.DoneAt != nil || !strings.Contains(m.status, "is due in 3d, not yet") {
		t.Errorf("d closed a follow-up not due: %q", m.status)
	}
	// Put back (undo the snooze), then done.
	press(t, m, "u")
	for m.due.selected().Top().Name != "王晓红" {
		press(t, m, "down")
	}
	press(t, m, "d")
	if f, _ := st.FollowUp(context.Background(), 1); f.DoneAt == nil {
		t.Errorf("d did not mark the follow-up done")
	}
	if v := m.due.View(); strings.Contains(v, "送样品") {
		t.Errorf("done follow-up still listed:\n%s", v)
	}
	if !strings.Contains(m.status, "follow-up done: 送样品") {
		t.Errorf("status %q does not say which follow-up was closed", m.status)
	}
}

// d on a customer with no follow-up due says what clears the top item: a
// contact clears a cadence item, not what is owed (it said "log a contact
// to clear payment", and a call then left the debt on the agenda).
func TestDueDoneSaysWhatClearsADebt(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	c, err := st.AddCustomer(ctx, store.Customer{Name: "梁欣鹏"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddPurchase(ctx, store.Purchase{CustomerID: c.ID, Date: "2026-08-01", Item: "礼盒", Amount: 38000, Paid: new(money.Amount)}); err != nil {
		t.Fatal(err)
	}
	// The purchase's thank-you call, done: no follow-up is left.
	fs, err := st.FollowUps(ctx, c.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if _, err := st.CompleteFollowUp(ctx, f.ID, fixedNow()); err != nil {
			t.Fatal(err)
		}
	}
	m := start(t, st, 100, 30)
	press(t, m, "3")
	if sel := m.due.selected(); sel == nil || sel.Top().Reason != agenda.Payment {
		t.Fatalf("due screen, top item %+v:\n%s", sel, m.View())
	}
	press(t, m, "d")
	if !strings.Contains(m.status, "no follow-up here: record the payment (enter opens the account, p pays) to clear payment") {
		t.Errorf("d on a debt: %q", m.status)
	}
	// A call ticks him off today's plan as contacted, not done: he owes.
	if _, err := st.AddContact(ctx, store.Contact{CustomerID: c.ID, At: fixedNow().UTC().Format(time.RFC3339), Kind: "call"}); err != nil {
		t.Fatal(err)
	}
	press(t, m, "r")
	if v := m.due.View(); !strings.Contains(v, "✓ contacted") || strings.Contains(v, "✓ done") {
		t.Errorf("due screen after a call to a customer who owes:\n%s", v)
	}
}

// Any item, not only a follow-up, is snoozed with z and dismissed with x
// and a reason; both leave the Due screen and can be undone.
func TestDueSnoozeAndDismissAnyItem(t *testing.T) {
	st := sample(t)
	ctx := context.Background()
	m := start(t, st, 80, 24)
	press(t, m, "3")
	pick := func() *agenda.Item {
		for _, e := range m.due.items {
			for _, it := range e.Items {
				if it.FollowUpID == 0 && it.Reason != agenda.Complaint {
					return &it
				}
			}
		}
		return nil
	}
	first := pick()
	if first == nil {
		t.Fatal("the sample agenda has no item other than follow-ups and complaints")
	}
	count := func() int {
		ag, err := insight.New(st).Agenda(ctx, insight.AgendaQuery{AsOf: today, Days: 7})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, it := range ag.Items {
			if it.CustomerID == first.CustomerID && it.Reason == first.Reason {
				n++
			}
		}
		return n
	}
	if count() == 0 {
		t.Fatal("the item is not on the agenda")
	}
	for m.due.selected().Top().CustomerID != first.CustomerID || m.due.selected().Top().Reason != first.Reason {
		press(t, m, "down")
	}
	press(t, m, "z")
	if count() != 0 || !strings.Contains(m.status, "snoozed") {
		t.Errorf("z left %s of customer %d on the agenda (status %q)", first.Reason, first.CustomerID, m.status)
	}
	press(t, m, "u")
	if count() == 0 {
		t.Fatal("u did not bring the snoozed item back")
	}
	for m.due.selected().Top().CustomerID != first.CustomerID || m.due.selected().Top().Reason != first.Reason {
		press(t, m, "down")
	}
	press(t, m, "x")
	press(t, m, "enter") // no reason given: refused, the form stays
	if count() == 0 || m.due.form == nil {
		t.Errorf("a dismissal without a reason went through")
	}
	typeText(t, m, "见过面了")
	press(t, m, "enter")
	if count() != 0 {
		t.Errorf("x with a reason left the item on the agenda")
	}
}

func TestPyramidListsATier(t *testing.T) {
	m := start(t, sample(t), 120, 40)
	press(t, m, "4")
	v := m.View()
	for _, want := range []string{"关键客户", "小客户", "3 ranked, 1 prospects"} {
		if !strings.Contains(v, want) {
			t.Errorf("pyramid lacks %q:\n%s", want, v)
		}
	}
	press(t, m, "enter")
	if m.active != scrAccounts || m.accounts.total != 1 || m.accounts.rows[0].Name != "王小明" {
		t.Errorf("enter on key tier: screen %d, %+v", m.active, m.accounts.rows)
	}
	press(t, m, "4", "m") // pareto
	if !strings.Contains(m.View(), "pareto") || !strings.Contains(m.View(), "A类") {
		t.Errorf("method switch:\n%s", m.View())
	}
}

func TestHostileTextIsInert(t *testing.T) {
	st := newStore(t)
	evil := "Evil\x1b]52;c;aGk=\x07\x1b[2J\u202eName"
	if _, err := st.AddCustomer(context.Background(), store.Customer{Name: evil, Notes: "\x1b]8;;http://x\x1b\\click\x1b]8;;\x1b\\"}); err != nil {
		t.Fatal(err)
	}
	m := start(t, st, 100, 30)
	list := m.View()
	press(t, m, "enter")
	card := m.View()
	for _, v := range []string{list, card} {
		if strings.ContainsAny(v, "\x1b\x07\u202e") {
			t.Errorf("raw control characters reached the screen: %q", v)
		}
	}
	if !strings.Contains(list, `Evil\e]52;c;aGk=\x07`) {
		t.Errorf("the name is not shown as inert text in the list:\n%s", list)
	}
	if !strings.Contains(card, `Evil\e]52;c;aGk=\x07\e[2J\u202eName`) || !strings.Contains(card, `\e]8;;http://x\e\click`) {
		t.Errorf("the card does not show the text inert:\n%s", card)
	}
}

func TestResize(t *testing.T) {
	m := start(t, sample(t), 80, 24)
	for _, size := range [][2]int{{120, 40}, {80, 24}, {60, 15}, {200, 50}, {80, 24}} {
		m.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		if size[0] == 200 {
			press(t, m, "?") // full help on for the rest
		}
		for scr := 0; scr < nScreens; scr++ {
			if scr == scrAccount {
				press(t, m, "1", "enter")
			} else {
				press(t, m, []string{"1", "2", "3", "4"}[scr])
			}
			ls := lines(m.View())
			if len(ls) > size[1] {
				t.Errorf("%dx%d screen %d: %d lines", size[0], size[1], scr, len(ls))
			}
			for _, l := range ls {
				if w := lipgloss.Width(l); w > size[0] {
					t.Errorf("%dx%d screen %d: line of width %d: %q", size[0], size[1], scr, w, l)
				}
			}
		}
	}
}

func TestEmptyNotebook(t *testing.T) {
	m := start(t, newStore(t), 80, 24)
	if !strings.Contains(m.View(), "no customers yet") {
		t.Errorf("empty accounts:\n%s", m.View())
	}
	press(t, m, "2")
	if m.active == scrAccount || !strings.Contains(m.View(), "pick a customer first") {
		t.Errorf("account screen without a customer:\n%s", m.View())
	}
	press(t, m, "3")
	if !strings.Contains(m.View(), "nothing due") {
		t.Errorf("empty due:\n%s", m.View())
	}
	press(t, m, "4")
	if !strings.Contains(m.View(), "0 ranked, 0 prospects") {
		t.Errorf("empty pyramid:\n%s", m.View())
	}
}

// m cycles the methods and wraps round to the pyramid; i cycles what it ranks by.
func TestPyramidMethodAndIndicatorCycle(t *testing.T) {
	m := start(t, sample(t), 120, 40)
	press(t, m, "4")
	for range tiering.Methods {
		press(t, m, "m")
	}
	if m.pyramid.method != tiering.MethodPyramid || !strings.Contains(m.View(), "关键客户") {
		t.Errorf("after a full cycle of methods: %q\n%s", m.pyramid.method, m.View())
	}
	first := m.pyramid.by
	press(t, m, "i")
	if m.pyramid.by == first || m.pyramid.by != nextOf(tiering.Indicators, first) {
		t.Errorf("i: ranking by %q after %q", m.pyramid.by, first)
	}
}

// The mouse wheel moves the cursor three rows; other mouse events do nothing.
func TestMouseWheelMovesCursor(t *testing.T) {
	m := start(t, sample(t), 120, 40)
	m.Update(tea.MouseMsg{Button: tea.MouseButtonWheelDown})
	if m.accounts.cursor != 3 {
		t.Errorf("wheel down: cursor %d, want 3 (of 4 rows)", m.accounts.cursor)
	}
	m.Update(tea.MouseMsg{Button: tea.MouseButtonLeft})
	m.Update(tea.MouseMsg{Button: tea.MouseButtonWheelUp})
	if m.accounts.cursor != 0 {
		t.Errorf("wheel up: cursor %d, want 0", m.accounts.cursor)
	}
}

// Four-digit counts of movers keep their own columns: the table does not
// run "11.3%" into "+1021".
func TestPyramidMoversColumnsWiden(t *testing.T) {
	m := start(t, sample(t), 80, 24)
	press(t, m, "4")
	mv := &insight.Moves{}
	for i := range 1021 {
		mv.List = append(mv.List, insight.Move{Move: tiering.Move{ID: int64(i + 1), To: tiering.Ordinary, Up: true}})
	}
	for i := range 180 {
		mv.List = append(mv.List, insight.Move{Move: tiering.Move{ID: int64(5000 + i), To: tiering.Small}})
	}
	m.pyramid.moves = mv
	v := m.View()
	if !strings.Contains(v, " +1021") || !strings.Contains(v, " -180") || regexp.MustCompile(`\d%\+`).MatchString(v) {
		t.Errorf("movers' columns:\n%s", v)
	}
}

// At 60×20 the pyramid says the 关键客户 share of revenue, not "20% of
// customers…", and the movers' line is not cut in the middle of its hint.
func TestPyramidAt60(t *testing.T) {
	m := start(t, sample(t), 60, 20)
	press(t, m, "4")
	v := m.View()
	if !strings.Contains(v, "of customers, ") || !strings.Contains(v, "% of revenue") {
		t.Errorf("the key group's line at 60 columns:\n%s", v)
	}
	for _, l := range strings.Split(v, "\n") {
		if strings.HasSuffix(strings.TrimRight(ansi.Strip(l), " "), "(rolo") {
			t.Errorf("a line cut in its hint: %q", l)
		}
	}
}
