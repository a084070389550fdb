package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/rolo-crm/rolo/insight"
	"github.com/rolo-crm/rolo/store"
)

// cst is Beijing time, eight hours ahead of UTC: a morning there is the
// evening before in UTC.
var cst = time.FixedZone("CST", 8*3600)

// startIn is start with the rep in time zone loc.
func startIn(t testing.TB, st *store.Store, w, h int, loc *time.Location) *Model {
	m := New(insight.New(st), today, Options{Now: fixedNow, StaticCursor: true, Location: loc})
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	run(t, m, m.Init())
	return m
}

// cardOf opens the card of the customer named name from Accounts.
func cardOf(t *testing.T, m *Model, name string) {
	t.Helper()
	for i := 0; ; i++ {
		if r, ok := m.accounts.selected(); ok && r.Name == name {
			break
		}
		if i > 50 {
			t.Fatalf("%s is not on Accounts:\n%s", name, m.View())
		}
		press(t, m, "down")
	}
	press(t, m, "enter")
	if m.active != scrAccount || m.account.data == nil || m.account.data.Customer.Name != name {
		t.Fatalf("the card of %s did not open:\n%s", name, m.View())
	}
}

// addContact records a contact of kind at a moment for customer id.
func addContact(t *testing.T, st *store.Store, id int64, kind, summary, at string) store.Contact {
	t.Helper()
	k, err := st.AddContact(context.Background(), store.Contact{CustomerID: id, Kind: kind, Summary: summary, At: at})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// A contact logged at 07:00 Beijing time is kept as 23:00 UTC the day
// before; the card dates it by the rep's day, on its line, in the open
// complaints, in the delete question and in the correction form.
func TestCardDatesContactsByTheRepsDay(t *testing.T) {
	st := sample(t)
	// 王小明 is customer 1 (sample). 2026-11-20 07:00 and 07:30 in Beijing.
	addContact(t, st, 1, "visit", "拜访了工厂", "2026-11-19T23:00:00Z")
	addContact(t, st, 1, "complaint", "茶饼有破损", "2026-11-19T23:30:00Z")
	m := startIn(t, st, 100, 40, cst)
	cardOf(t, m, "王小明")
	v := m.View()
	for _, want := range []string{"2026-11-20  visit 拜访", "2026-11-20  open complaint 投诉"} {
		if !strings.Contains(v, want) {
			t.Errorf("the card lacks %q (the Beijing day):\n%s", want, v)
		}
	}
	if strings.Contains(v, "2026-11-19") {
		t.Errorf("the card shows the UTC day 2026-11-19:\n%s", v)
	}
	// The open complaint in To do: 2 days before the 22nd, not 3.
	if !strings.Contains(v, "complaint  2d ago — 茶饼有破损") {
		t.Errorf("the open complaint is not dated by the Beijing day:\n%s", v)
	}
	for m.account.selected().kind != itemContact {
		press(t, m, "down")
	}
	press(t, m, "D")
	if m.asking == nil || !strings.Contains(m.asking.question, "of 2026-11-20") {
		t.Errorf("the delete question does not give the Beijing day: %+v", m.asking)
	}
	press(t, m, "n", "e")
	if f := m.account.form; f == nil || !strings.Contains(f.title, "of 2026-11-20") || f.fields[2].value() != "2026-11-20" {
		t.Errorf("the correction form does not give the Beijing day:\n%s", m.View())
	}
}

// The contact form's When takes what rolo log --at takes: a time of day
// (in the rep's zone), a date and a time, or a date alone (midday of it);
// a day still to come is refused as before.
func TestContactFormTakesATimeOfDay(t *testing.T) {
	// Today is 2026-11-22; in Beijing 15:00 is 07:00 UTC (the notebook
	// keeps UTC; the card shows the rep's day).
	for _, c := range []struct {
		when, at string
	}{
		{"下午3点", "2026-11-22T07:00:00Z"},
		{"09:30", "2026-11-22T01:30:00Z"},
		{"昨天下午3点", "2026-11-21T07:00:00Z"},
		{"2026-11-20 07:00", "2026-11-19T23:00:00Z"},
		{"yesterday 15:30", "2026-11-21T07:30:00Z"},
		{"2026-11-20", "2026-11-20T04:00:00Z"}, // its midday in Beijing
		{"明天", ""},
		{"明天上午9点", ""},
	} {
		t.Run(c.when, func(t *testing.T) {
			st := sample(t)
			m := startIn(t, st, 80, 24, cst)
			cardOf(t, m, "Anna Li")
			id := m.account.id
			press(t, m, "l", "tab")
			typeText(t, m, "聊了新茶")
			press(t, m, "tab")
			typeText(t, m, c.when)
			press(t, m, "ctrl+s")
			ks, err := st.Contacts(context.Background(), id, 0)
			if err != nil {
				t.Fatal(err)
			}
			if c.at == "" {
				if m.account.form == nil || !strings.Contains(formText(m.View()), "is in the future") || len(ks) != 0 {
					t.Errorf("a contact still to come was not refused (contacts %+v):\n%s", ks, m.View())
				}
				return
			}
			if m.account.form != nil || len(ks) != 1 {
				t.Fatalf("%q was not taken (contacts %+v):\n%s", c.when, ks, m.View())
			}
			if ks[0].At != c.at {
				t.Errorf("%q saved as %s, want %s", c.when, ks[0].At, c.at)
			}
		})
	}
}

// The card says whether each complaint is open or resolved, at every
// width; kinds with long Chinese names are not cut either.
func TestCardShowsComplaintStatus(t *testing.T) {
	st := sample(t)
	ctx := context.Background()
	addContact(t, st, 1, "complaint", "花茶有霉味", "2026-11-20T02:00:00Z")
	old := addContact(t, st, 1, "complaint", "送货太慢", "2026-11-10T02:00:00Z")
	if _, err := st.ResolveComplaint(ctx, old.ID, today.Add(-24*time.Hour), "换了快递"); err != nil {
		t.Fatal(err)
	}
	addContact(t, st, 1, "message", "发了新茶的照片", "2026-11-05T02:00:00Z")
	for _, size := range [][2]int{{80, 24}, {60, 20}, {120, 40}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			m := start(t, st, size[0], size[1])
			cardOf(t, m, "王小明")
			for range 30 { // down to the contacts at the end of the card
				press(t, m, "down")
			}
			v := m.View()
			for _, want := range []string{"open complaint 投诉", "resolved complaint 投诉", "message 微信/短信"} {
				if !strings.Contains(v, want) {
					t.Errorf("the card lacks %q:\n%s", want, v)
				}
			}
			if size[0] >= 80 {
				for _, want := range []string{"花茶有霉味", "送货太慢"} {
					if !strings.Contains(v, want) {
						t.Errorf("the card lacks the summary %q:\n%s", want, v)
					}
				}
			}
			fits(t, v, size[0], size[1])
		})
	}
}

// A corrected purchase stays selected, though its new date moves it down
// the card's purchases.
func TestCorrectedPurchaseStaysSelected(t *testing.T) {
	st := sample(t)
	ctx := context.Background()
	for _, d := range []string{"2026-11-10", "2026-10-01"} {
		if _, _, err := insight.New(st).AddPurchase(ctx, store.Purchase{CustomerID: 1, Date: d, Amount: 50000, Quantity: 1, Item: "壶 " + d}); err != nil {
			t.Fatal(err)
		}
	}
	m := start(t, st, 100, 40)
	cardOf(t, m, "王小明")
	for m.account.selected().kind != itemPurchase {
		press(t, m, "down")
	}
	p := m.account.data.Purchases[m.account.selected().idx]
	if p.Date != "2026-11-10" {
		t.Fatalf("the first purchase selected is of %s, want the newest (2026-11-10)", p.Date)
	}
	press(t, m, "e", "tab", "tab", "tab")
	typeText(t, m, "2026-08-01")
	press(t, m, "ctrl+s")
	if m.account.form != nil {
		t.Fatalf("the correction was not saved:\n%s", m.View())
	}
	it := m.account.selected()
	if it.kind != itemPurchase || m.account.data.Purchases[it.idx].ID != p.ID || m.account.data.Purchases[it.idx].Date != "2026-08-01" {
		t.Errorf("the selection left purchase %d:\n%s", p.ID, m.View())
	}
	if !strings.Contains(m.View(), "▸ 2026-08-01") {
		t.Errorf("the corrected purchase is not the one marked:\n%s", m.View())
	}
}

func TestLocalDay(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"UTC, the Beijing morning", "2026-11-19T23:00:00Z", "2026-11-20"},
		{"UTC, the same day", "2026-11-20T02:00:00Z", "2026-11-20"},
		{"its own offset", "2026-11-20T07:00:00+08:00", "2026-11-20"},
		{"another zone's offset", "2026-11-19T18:00:00-05:00", "2026-11-19"},
		{"a date", "2026-11-20", "2026-11-20"},
		{"empty", "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := localDay(c.in, cst); got != c.want {
				t.Errorf("localDay(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}
