package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/store"
)

// owing adds a customer and one purchase of amount on day, paid at the
// sale (the rest owed).
func owing(t *testing.T, st *store.Store, name, day string, amount, paid money.Amount, item string) (store.Customer, store.Purchase) {
	t.Helper()
	ctx := context.Background()
	c, err := st.AddCustomer(ctx, store.Customer{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	p, err := st.AddPurchase(ctx, store.Purchase{CustomerID: c.ID, Date: day, Amount: amount, Paid: &paid, Quantity: 1, Item: item})
	if err != nil {
		t.Fatal(err)
	}
	return c, p
}

// Deleting a purchase takes the payments recorded against it: the
// question says so, and how much, before y; n keeps everything.
func TestDeletePurchaseSaysItsPayments(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	c, p := owing(t, st, "赵六", "2026-10-01", 100000, 0, "壶")
	for _, amount := range []money.Amount{30000, 20000} {
		if _, err := st.Pay(ctx, c.ID, amount, today.AddDate(0, 0, -3), p.ID, ""); err != nil {
			t.Fatal(err)
		}
	}
	m := start(t, st, 100, 30)
	press(t, m, "enter")
	for i := 0; m.account.selected().kind != itemPurchase; i++ {
		if i > 20 {
			t.Fatalf("the purchase is not on the card:\n%s", m.View())
		}
		press(t, m, "down")
	}
	press(t, m, "D")
	if m.asking == nil || !strings.Contains(m.asking.question, "and the 2 payments of 500.00 recorded against it?") {
		t.Fatalf("question: %+v\n%s", m.asking, m.View())
	}
	press(t, m, "n")
	if pays, _ := st.Payments(ctx, c.ID); len(pays) != 2 {
		t.Errorf("payments after answering no: %+v", pays)
	}
}

// A debt weeks overdue behind an open complaint (which leads its
// customer's row even before it is due) makes the row late, as in the CLI.
func TestDueRowLateBehindAComplaint(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	c, _ := owing(t, st, "欧阳娜娜", today.AddDate(0, 0, -60).Format(store.DateLayout), 500000, 100000, "礼盒")
	if _, err := st.AddContact(ctx, store.Contact{CustomerID: c.ID, Kind: "complaint", Summary: "包装破损",
		At: today.Add(9 * time.Hour).Format(time.RFC3339)}); err != nil {
		t.Fatal(err)
	}
	m := start(t, st, 100, 30)
	press(t, m, "3")
	v := m.View()
	row := ""
	for _, l := range lines(v) {
		if strings.Contains(l, "欧阳娜娜") {
			row = l
			break
		}
	}
	if !strings.Contains(row, "30d late") || !strings.Contains(row, "complaint") {
		t.Errorf("row %q, want 30d late (the debt) with the complaint:\n%s", row, v)
	}
}

// esc closes the help, as ? does.
func TestEscClosesHelp(t *testing.T) {
	m := start(t, newStore(t), 80, 24)
	press(t, m, "?")
	if !m.showHelp {
		t.Fatal("? did not open the help")
	}
	press(t, m, "esc")
	if m.showHelp {
		t.Errorf("esc left the help open:\n%s", m.View())
	}
}

// Editing a profile to another customer's phone (written otherwise) asks
// first, as adding does; no keeps the form, yes saves.
func TestProfileEditAsksAboutAnotherCustomersPhone(t *testing.T) {
	st := sample(t)
	ctx := context.Background()
	m := start(t, st, 80, 24)
	press(t, m, "enter")
	me := m.account.data.Customer
	other := int64(1)
	if me.ID == other {
		other = 2
	}
	if _, err := st.UpdateCustomer(ctx, other, func(c *store.Customer) error { c.Phone = "+86 139-1234-5678"; return nil }); err != nil {
		t.Fatal(err)
	}
	press(t, m, "e")
	if m.account.form == nil {
		t.Fatalf("no profile form:\n%s", m.View())
	}
	press(t, m, "tab", "tab")
	typeText(t, m, "13912345678")
	press(t, m, "ctrl+s")
	if m.asking == nil || !strings.Contains(m.asking.question, "13912345678 is already the phone of") || !strings.Contains(m.asking.question, "too?") {
		t.Fatalf("no question: %+v %q\n%s", m.asking, m.status, m.View())
	}
	press(t, m, "n")
	if c, _ := st.Customer(ctx, me.ID); c.Phone == "13912345678" || m.account.form == nil {
		t.Fatalf("after no: phone %q, form %v", c.Phone, m.account.form != nil)
	}
	press(t, m, "ctrl+s", "y")
	if c, _ := st.Customer(ctx, me.ID); c.Phone != "13912345678" {
		t.Errorf("after yes: phone %q\n%s", c.Phone, m.View())
	}
}

// Archiving a customer who still owes says so before y: the debt leaves
// owed and the agenda with them.
func TestArchiveSaysWhatIsOwed(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	c, _ := owing(t, st, "欧阳娜娜", "2026-10-01", 500000, 100000, "礼盒")
	m := start(t, st, 100, 30)
	press(t, m, "x")
	if m.asking == nil || !strings.Contains(m.asking.question, "who still owes 4,000.00?") {
		t.Fatalf("question: %+v\n%s", m.asking, m.View())
	}
	press(t, m, "n")
	if got, _ := st.Customer(ctx, c.ID); got.ArchivedAt != nil {
		t.Error("archived after no")
	}
}
