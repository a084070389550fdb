package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/rolo-crm/rolo/insight"
	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/tiering"
	"github.com/rolo-crm/rolo/tiering/agenda"
)

// formText is the words of a screen, box borders left out and the lines
// joined: a message wrapped inside a form reads as one again.
func formText(view string) string {
	var words []string
	for _, l := range lines(view) {
		words = append(words, strings.Fields(strings.NewReplacer("│", " ", "╭", " ", "╰", " ", "─", " ", "╮", " ", "╯", " ").Replace(l))...)
	}
	return strings.Join(words, " ")
}

// fits fails when a line of the screen is wider, or the screen taller, than w×h.
func fits(t *testing.T, view string, w, h int) {
	t.Helper()
	ls := lines(view)
	if len(ls) > h {
		t.Errorf("%d lines on a screen of %d:\n%s", len(ls), h, view)
	}
	for _, l := range ls {
		if lw := lipgloss.Width(l); lw > w {
			t.Errorf("line of width %d on a screen of %d: %q", lw, w, l)
		}
	}
}

// The notebook refuses a payment of more than is owed, and a purchase
// corrected below what has been paid for it, only once the form's own
// checks have passed. The form stays open with what was typed and shows
// the notebook's whole message, at 80×24 and 60×20; nothing is written.
// Corrected, the same form then saves.
func TestFormKeepsInputTheNotebookRefuses(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {60, 20}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			st := newStore(t)
			ctx := context.Background()
			c, err := st.AddCustomer(ctx, store.Customer{Name: "赵六"})
			if err != nil {
				t.Fatal(err)
			}
			zero := money.Amount(0)
			// 1,500.00 owed on one purchase; another of 1,000.00 paid in full by a payment.
			if _, err := st.AddPurchase(ctx, store.Purchase{CustomerID: c.ID, Date: "2026-11-01", Amount: 150000, Paid: &zero, Quantity: 1, Item: "茶"}); err != nil {
				t.Fatal(err)
			}
			paid, err := st.AddPurchase(ctx, store.Purchase{CustomerID: c.ID, Date: "2026-10-01", Amount: 100000, Paid: &zero, Quantity: 1, Item: "壶"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := st.Pay(ctx, c.ID, 100000, today.AddDate(0, 0, -30), paid.ID, ""); err != nil {
				t.Fatal(err)
			}
			// What the notebook says to each, asked directly (neither writes).
			_, payErr := st.Pay(ctx, c.ID, 200000, today, 0, "")
			_, editErr := st.UpdatePurchase(ctx, paid.ID, func(p *store.Purchase) error { p.Amount = 90000; return nil })
			for _, err := range []error{payErr, editErr} {
				if store.KindOf(err) != store.KindInvalid {
					t.Fatalf("the notebook took it or failed otherwise: %v", err)
				}
			}
			if len(editErr.Error()) <= 80 {
				t.Fatalf("the message %q fits a status line: not the case tested", editErr)
			}

			m := start(t, st, size[0], size[1])
			press(t, m, "enter")
			press(t, m, "p")
			typeText(t, m, "2000")
			press(t, m, "ctrl+s")
			v := m.View()
			if m.account.form == nil || m.account.form.fields[0].value() != "2000" {
				t.Fatalf("the payment form closed or lost the amount typed:\n%s", v)
			}
			if !strings.Contains(formText(v), formText(payErr.Error())) || m.isErr {
				t.Errorf("the form does not show %q in full (status %q):\n%s", payErr, m.status, v)
			}
			fits(t, v, size[0], size[1])
			if pays, _ := st.Payments(ctx, c.ID); len(pays) != 1 {
				t.Errorf("payments after the refusal: %+v", pays)
			}
			press(t, m, "backspace", "backspace", "backspace", "backspace")
			typeText(t, m, "500")
			press(t, m, "ctrl+s")
			if pays, _ := st.Payments(ctx, c.ID); m.account.form != nil || len(pays) != 2 {
				t.Fatalf("the corrected payment was not saved (payments %+v):\n%s", pays, m.View())
			}

			for i := 0; m.account.selected().kind != itemPurchase || m.account.data.Purchases[m.account.selected().idx].ID != paid.ID; i++ {
				if i > 20 {
					t.Fatalf("purchase %d not on the card:\n%s", paid.ID, m.View())
				}
				press(t, m, "down")
			}
			press(t, m, "e")
			typeText(t, m, "900")
			press(t, m, "ctrl+s")
			v = m.View()
			if m.account.form == nil || m.account.form.fields[0].value() != "900" {
				t.Fatalf("the purchase form closed or lost the amount typed:\n%s", v)
			}
			if !strings.Contains(formText(v), formText(editErr.Error())) || m.isErr {
				t.Errorf("the form does not show %q in full (status %q):\n%s", editErr, m.status, v)
			}
			fits(t, v, size[0], size[1])
			if p, _ := st.Purchase(ctx, paid.ID); p.Amount != 100000 {
				t.Errorf("the refused correction was written: %+v", p)
			}
		})
	}
}

// refusingNotebook is a notebook that fails every write with err: one
// customer (山田) with a purchase owing, a contact, a follow-up, and a
// reason to contact them today.
type refusingNotebook struct {
	*fakeNotebook
	err error
}

func newRefusingNotebook(err error) *refusingNotebook {
	return &refusingNotebook{fakeNotebook: &fakeNotebook{accounts: []store.AccountRow{{ID: 1, Name: "山田"}}}, err: err}
}

func (f *refusingNotebook) Card(ctx context.Context, id int64, q insight.CardQuery) (*insight.Card, error) {
	zero := money.Amount(0)
	return &insight.Card{
		Customer:  store.Customer{ID: id, Name: "山田", Status: "active"},
		Tier:      tiering.Key,
		Purchases: []store.Purchase{{ID: 7, CustomerID: id, Date: "2026-11-01", Amount: 150000, Paid: &zero, Quantity: 1, Item: "茶"}},
		Debts:     []store.Debt{{PurchaseID: 7, CustomerID: id, Date: "2026-11-01", Item: "茶", Amount: 150000, Outstanding: 150000}},
		Contacts:  []store.Contact{{ID: 8, CustomerID: id, Kind: "call", Summary: "问候", At: "2026-11-20T10:00:00Z"}},
		FollowUps: []store.FollowUp{{ID: 9, CustomerID: id, Due: "2026-11-25", What: "送样品"}},
	}, nil
}

func (f *refusingNotebook) Plan(ctx context.Context, q insight.PlanQuery) (*insight.Plan, error) {
	e := agenda.Entry{Items: []agenda.Item{{CustomerID: 1, Name: "山田", Tier: tiering.Key, Reason: agenda.Cadence,
		Detail: "no contact for 30 days", Due: q.AsOf.AddDate(0, 0, -3), DaysOverdue: 3}}}
	return &insight.Plan{AsOf: q.AsOf, Today: []insight.PlanRow{{Planned: agenda.Planned{Entry: e, Day: q.AsOf}}},
		Agenda: &insight.Agenda{AsOf: q.AsOf, Items: e.Items}}, nil
}

func (f *refusingNotebook) DuplicateOf(ctx context.Context, c store.Customer, was *store.Customer) (*insight.Duplicate, error) {
	return nil, nil
}
func (f *refusingNotebook) AddCustomer(ctx context.Context, c store.Customer) (store.Customer, error) {
	return store.Customer{}, f.err
}
func (f *refusingNotebook) UpdateCustomer(ctx context.Context, id int64, fn func(c *store.Customer) error) (store.Customer, error) {
	return store.Customer{}, f.err
}
func (f *refusingNotebook) AddPurchase(ctx context.Context, p store.Purchase) (store.Purchase, *store.FollowUp, error) {
	return store.Purchase{}, nil, f.err
}
func (f *refusingNotebook) UpdatePurchase(ctx context.Context, id int64, fn func(p *store.Purchase) error) (store.Purchase, error) {
	return store.Purchase{}, f.err
}
func (f *refusingNotebook) Pay(ctx context.Context, customerID int64, amount money.Amount, date time.Time, purchaseID int64, note string) ([]store.Payment, error) {
	return nil, f.err
}
func (f *refusingNotebook) AddContact(ctx context.Context, c store.Contact) (store.Contact, error) {
	return store.Contact{}, f.err
}
func (f *refusingNotebook) UpdateContact(ctx context.Context, id int64, fn func(c *store.Contact) error) (store.Contact, error) {
	return store.Contact{}, f.err
}
func (f *refusingNotebook) AddFollowUp(ctx context.Context, x store.FollowUp) (store.FollowUp, error) {
	return store.FollowUp{}, f.err
}
func (f *refusingNotebook) UpdateFollowUp(ctx context.Context, id int64, fn func(f *store.FollowUp) error) (store.FollowUp, error) {
	return store.FollowUp{}, f.err
}
func (f *refusingNotebook) AddEvent(ctx context.Context, e store.Event) (store.Event, error) {
	return store.Event{}, f.err
}
func (f *refusingNotebook) Dismiss(ctx context.Context, it agenda.Item, note string, at time.Time) (func(context.Context) error, error) {
	return nil, f.err
}

// Every form that saves through the notebook: when the notebook refuses
// the values as invalid, the form stays open with what was typed and the
// whole message inside it; when it fails otherwise (busy), the form closes
// and the status line says so, as for any write.
func TestEveryFormKeepsRefusedInput(t *testing.T) {
	const long = "the notebook cannot take this: a reason long enough to need two lines at eighty columns, ending here"
	on := func(kind itemKind) []string { return []string{"enter", "select:" + fmt.Sprint(int(kind)), "e"} }
	forms := []struct {
		name  string
		open  []string // keys that open the form
		typed string   // typed into the field the form opens on, after tabs
		tabs  int
		more  string // typed into the next field, when the form needs it
	}{
		{"add customer", []string{"a"}, "赵六", 0, ""},
		{"profile", on(itemProfile), "山田太郎", 0, ""},
		{"purchase", []string{"enter", "b"}, "2000", 0, ""},
		{"purchase corrected", on(itemPurchase), "900", 0, ""},
		{"payment", []string{"enter", "p"}, "1200", 0, ""},
		{"contact", []string{"enter", "l"}, "聊了新茶", 1, ""},
		{"contact corrected", on(itemContact), "改过的记录", 1, ""},
		{"follow-up", []string{"enter", "f"}, "送目录", 1, ""},
		{"follow-up corrected", on(itemFollowUp), "送新目录", 1, ""},
		{"event", []string{"enter", "v"}, "公司周年", 0, "2015-10-01"},
		{"dismiss on Due", []string{"3", "x"}, "出差了", 0, ""},
		{"contact on Due", []string{"3", "l"}, "打过电话", 1, ""},
	}
	for _, fm := range forms {
		for _, refusal := range []struct {
			err   error
			keeps bool
		}{
			{store.Errorf(store.KindInvalid, "%s", long), true},
			{store.Errorf(store.KindBusy, "another program is writing to the notebook; try again in a moment"), false},
		} {
			t.Run(fmt.Sprintf("%s/%v", fm.name, store.KindOf(refusal.err)), func(t *testing.T) {
				m := New(newRefusingNotebook(refusal.err), today, Options{Now: fixedNow, StaticCursor: true})
				m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
				run(t, m, m.Init())
				for _, k := range fm.open {
					if kind, ok := strings.CutPrefix(k, "select:"); ok {
						for i := 0; fmt.Sprint(int(m.account.selected().kind)) != kind; i++ {
							if i > 10 {
								t.Fatalf("no item of kind %s on the card:\n%s", kind, m.View())
							}
							press(t, m, "down")
						}
						continue
					}
					press(t, m, k)
				}
				if !m.current().capturing() {
					t.Fatalf("%v opened no form:\n%s", fm.open, m.View())
				}
				for range fm.tabs {
					press(t, m, "tab")
				}
				typeText(t, m, fm.typed)
				if fm.more != "" {
					press(t, m, "tab")
					typeText(t, m, fm.more)
				}
				press(t, m, "ctrl+s")
				v := m.View()
				if !refusal.keeps {
					if m.current().capturing() || !m.isErr || !strings.Contains(m.status, "another program is writing") {
						t.Errorf("a busy notebook: form open %v, status %q", m.current().capturing(), m.status)
					}
					return
				}
				if !m.current().capturing() || !strings.Contains(v, fm.typed) {
					t.Fatalf("the form closed or lost %q:\n%s", fm.typed, v)
				}
				if !strings.Contains(formText(v), long) || m.isErr {
					t.Errorf("the form does not show the whole message (status %q):\n%s", m.status, v)
				}
				fits(t, v, 80, 24)
				// The form is still a form: esc closes it.
				press(t, m, "esc")
				if m.current().capturing() {
					t.Errorf("esc did not close the form:\n%s", m.View())
				}
			})
		}
	}
}

// A customer whose phone is already in the notebook is added only after a
// question; no brings back the form as it was typed, to change.
func TestDuplicateQuestionNoKeepsTheForm(t *testing.T) {
	st := sample(t)
	// Written otherwise in the notebook: the same phone.
	if _, err := st.UpdateCustomer(context.Background(), 1, func(c *store.Customer) error { c.Phone = "+86 139-1234-5678"; return nil }); err != nil {
		t.Fatal(err)
	}
	m := start(t, st, 80, 24)
	press(t, m, "a")
	typeText(t, m, "张伟")
	press(t, m, "tab", "tab")
	typeText(t, m, "13912345678")
	press(t, m, "ctrl+s")
	if m.asking == nil || !strings.Contains(m.asking.question, "13912345678 is already the phone of") {
		t.Fatalf("no question about the phone already in the notebook: %+v %q", m.asking, m.status)
	}
	press(t, m, "n")
	f := m.accounts.form
	if f == nil || f.fields[0].value() != "张伟" || f.fields[2].value() != "13912345678" {
		t.Fatalf("after no, the form is not back as typed:\n%s", m.View())
	}
	press(t, m, "ctrl+s", "y")
	if m.accounts.form != nil || m.active != scrAccount || !strings.Contains(m.View(), "张伟") {
		t.Errorf("after yes, 张伟 is not added and shown:\n%s", m.View())
	}
}

// The question about a phone already in the notebook is asked inside the
// form, under its fields, at every size, and the form does not say it is
// saving while it waits for the answer; yes then saves.
func TestDuplicateQuestionInsideTheForm(t *testing.T) {
	for _, size := range [][2]int{{120, 40}, {80, 24}, {60, 20}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			st := sample(t)
			if _, err := st.UpdateCustomer(context.Background(), 1, func(c *store.Customer) error { c.Phone = "13912345678"; return nil }); err != nil {
				t.Fatal(err)
			}
			m := start(t, st, size[0], size[1])
			press(t, m, "a")
			typeText(t, m, "钱多多")
			press(t, m, "tab", "tab")
			typeText(t, m, "13912345678")
			press(t, m, "ctrl+s")
			if m.asking == nil {
				t.Fatalf("no question about the phone already in the notebook (status %q)", m.status)
			}
			const q = "13912345678 is already the phone of 王小明 (#1). Add 钱多多 anyway? y/n"
			form := formText(m.accounts.form.view(m.sh.styles))
			if !strings.Contains(form, q) {
				t.Errorf("the form does not ask %q:\n%s", q, m.View())
			}
			if strings.Contains(m.View(), "saving") {
				t.Errorf("the form says it is saving while it waits for the answer:\n%s", m.View())
			}
			fits(t, m.View(), size[0], size[1])
			press(t, m, "n")
			if f := m.accounts.form; f == nil || strings.Contains(formText(m.View()), "anyway?") {
				t.Fatalf("after no, the form is not back without the question:\n%s", m.View())
			}
			press(t, m, "ctrl+s", "y")
			if m.accounts.form != nil || m.active != scrAccount || !strings.Contains(m.View(), "钱多多") {
				t.Errorf("after yes, 钱多多 is not added and shown:\n%s", m.View())
			}
		})
	}
}

// The add form reads a birthday as rolo add and import do (8月15日, a 农历
// prefix for a lunar one) and refuses a phone that is not a number.
func TestAddFormReadsBirthdaysAndChecksPhones(t *testing.T) {
	st := sample(t)
	m := start(t, st, 80, 24)
	press(t, m, "a")
	typeText(t, m, "钱多多")
	press(t, m, "tab", "tab")
	typeText(t, m, "abc")
	press(t, m, "tab", "tab", "tab", "tab")
	typeText(t, m, "农历8月15日")
	press(t, m, "ctrl+s")
	if m.accounts.form == nil || !strings.Contains(formText(m.View()), "not part of a phone number") {
		t.Fatalf("a phone of letters was not refused in the form:\n%s", m.View())
	}
	press(t, m, "shift+tab", "shift+tab", "shift+tab", "shift+tab")
	for range 3 {
		press(t, m, "backspace")
	}
	typeText(t, m, "13900001111")
	press(t, m, "ctrl+s")
	if m.accounts.form != nil {
		t.Fatalf("not added:\n%s", m.View())
	}
	hits, err := st.Search(context.Background(), "钱多多", store.SearchOptions{})
	if err != nil || len(hits) != 1 {
		t.Fatalf("钱多多: %v, %v", hits, err)
	}
	if c := hits[0].Customer; c.Birthday != "--08-15" || !c.BirthdayLunar || c.Phone != "13900001111" {
		t.Errorf("added with birthday %q (lunar %v), phone %q; want --08-15, lunar, 13900001111", c.Birthday, c.BirthdayLunar, c.Phone)
	}
}
