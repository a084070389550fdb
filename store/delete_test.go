package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rolo-crm/rolo/money"
)

// DeletePurchaseAlone deletes a purchase only when no payment is recorded
// against it; otherwise nothing, and it says which payments.
func TestDeletePurchaseAlone(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		s := newTestStore(t)
		ctx := context.Background()
		c, err := s.AddCustomer(ctx, Customer{Name: "赵六"})
		if err != nil {
			t.Fatal(err)
		}
		zero := money.Amount(0)
		owed, err := s.AddPurchase(ctx, Purchase{CustomerID: c.ID, Date: "2026-10-01", Amount: 100000, Paid: &zero, Quantity: 1, Item: "壶"})
		if err != nil {
			t.Fatal(err)
		}
		plain, err := s.AddPurchase(ctx, Purchase{CustomerID: c.ID, Date: "2026-10-02", Amount: 5000, Quantity: 1, Item: "茶"})
		if err != nil {
			t.Fatal(err)
		}
		pays, err := s.Pay(ctx, c.ID, 30000, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), owed.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.DeletePurchaseAlone(ctx, owed.ID)
		var paid *PaymentsRecorded
		if !errors.As(err, &paid) || KindOf(err) != KindInvalid || len(paid.Payments) != 1 || paid.Payments[0].ID != pays[0].ID {
			t.Fatalf("purchase with a payment: %v (%+v)", err, paid)
		}
		if _, err := s.Purchase(ctx, owed.ID); err != nil {
			t.Errorf("refused, yet the purchase is gone: %v", err)
		}
		if got, _ := s.Payments(ctx, c.ID); len(got) != 1 {
			t.Errorf("refused, yet payments are %+v", got)
		}
		if p, err := s.DeletePurchaseAlone(ctx, plain.ID); err != nil || p.ID != plain.ID {
			t.Errorf("purchase without payments: %+v %v", p, err)
		}
		if _, err := s.Purchase(ctx, plain.ID); KindOf(err) != KindNotFound {
			t.Errorf("deleted purchase still read: %v", err)
		}
	})
}

// A payment is never dated before the sale it pays: Pay refuses such a
// day for a named purchase, spreads a payment only over the purchases made
// by its day, and a purchase is not moved after its payments.
func TestPaymentNotBeforeSale(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		s := newTestStore(t)
		ctx := context.Background()
		c, err := s.AddCustomer(ctx, Customer{Name: "王小明"})
		if err != nil {
			t.Fatal(err)
		}
		zero := money.Amount(0)
		june, err := s.AddPurchase(ctx, Purchase{CustomerID: c.ID, Date: "2026-06-10", Amount: 128000, Paid: &zero, Quantity: 1, Item: "壶"})
		if err != nil {
			t.Fatal(err)
		}
		nov, err := s.AddPurchase(ctx, Purchase{CustomerID: c.ID, Date: "2026-11-20", Amount: 5000, Paid: &zero, Quantity: 1, Item: "茶"})
		if err != nil {
			t.Fatal(err)
		}
		on := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }
		refused := func(what string, err error, words ...string) {
			t.Helper()
			var e *Error
			if !errors.As(err, &e) || e.Kind != KindInvalid {
				t.Fatalf("%s: %v, want refused as invalid", what, err)
			}
			for _, w := range words {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%s: %q does not say %q", what, err, w)
				}
			}
		}
		_, err = s.Pay(ctx, c.ID, 50000, on(6, 1), 0, "")
		refused("paying before any sale", err, "2026-06-01", "2026-06-10")
		_, err = s.Pay(ctx, c.ID, 1000, on(11, 1), nov.ID, "")
		refused("paying the November purchase on 1 November", err, "2026-11-20", "2026-11-01")
		// On 1 November only the June purchase was owed: 1,280.00, not 1,330.00.
		_, err = s.Pay(ctx, c.ID, 129000, on(11, 1), 0, "")
		refused("paying on 1 November more than was owed by then", err, "1280.00")
		pays, err := s.Pay(ctx, c.ID, 50000, on(11, 1), 0, "")
		if err != nil || len(pays) != 1 || pays[0].PurchaseID != june.ID {
			t.Fatalf("paying 500.00 on 1 November: %+v, %v; want it on the June purchase", pays, err)
		}
		_, err = s.UpdatePurchase(ctx, june.ID, func(p *Purchase) error { p.Date = "2026-11-02"; return nil })
		refused("moving the June purchase after its payment", err, "2026-11-01", "500.00")
		if p, err := s.UpdatePurchase(ctx, june.ID, func(p *Purchase) error { p.Date = "2026-10-31"; return nil }); err != nil || p.Date != "2026-10-31" {
			t.Errorf("moving the June purchase to 31 October, before its payment: %+v, %v", p, err)
		}
		// Paid on the day of the sale: allowed.
		if _, err := s.Pay(ctx, c.ID, 1000, on(11, 20), nov.ID, ""); err != nil {
			t.Errorf("paying on the day of the sale: %v", err)
		}
		// A deposit before the sale, as an older notebook or an import
		// holds it, leaves the purchase editable, and even movable.
		if err := s.Bulk(ctx, func(b *Bulk) error {
			_, err := b.AddPayment(&Payment{PurchaseID: nov.ID, Date: "2026-11-01", Amount: 500})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpdatePurchase(ctx, nov.ID, func(p *Purchase) error { p.Note = "gift wrap"; return nil }); err != nil {
			t.Errorf("a note on a purchase with an earlier deposit: %v", err)
		}
		if _, err := s.UpdatePurchase(ctx, nov.ID, func(p *Purchase) error { p.Date = "2026-11-19"; return nil }); err != nil {
			t.Errorf("moving a purchase with an earlier deposit a day back: %v", err)
		}
	})
}

// Deleting a customer's only purchase (written in error) takes back what
// it set off: the customer is a prospect again and their referrer's
// thank-you, not done yet, goes; undo puts both back, and thanks done
// are not asked again.
func TestDeleteOnlyPurchaseUnbuys(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		s := newTestStore(t)
		ctx := context.Background()
		ref, err := s.AddCustomer(ctx, Customer{Name: "张伟"})
		if err != nil {
			t.Fatal(err)
		}
		c, err := s.AddCustomer(ctx, Customer{Name: "诸葛亮", ReferredBy: &ref.ID})
		if err != nil {
			t.Fatal(err)
		}
		state := func() (string, []FollowUp) {
			t.Helper()
			got, err := s.Customer(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			fs, err := s.FollowUps(ctx, ref.ID, false)
			if err != nil {
				t.Fatal(err)
			}
			return got.Status, fs
		}
		p, err := s.AddPurchase(ctx, Purchase{CustomerID: c.ID, Date: "2026-11-30", Amount: 5000, Quantity: 1, Item: "茶"})
		if err != nil {
			t.Fatal(err)
		}
		if st, fs := state(); st != "active" || len(fs) != 1 || fs[0].Source != "referral" {
			t.Fatalf("after the first purchase: %s, referrer's follow-ups %+v", st, fs)
		}
		del, pays, err := s.DeletePurchase(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if st, fs := state(); st != "prospect" || len(fs) != 0 {
			t.Errorf("after deleting the only purchase: %s, referrer's follow-ups %+v; want a prospect and no thank-you", st, fs)
		}
		if err := s.RestorePurchase(ctx, del, pays); err != nil {
			t.Fatal(err)
		}
		st, fs := state()
		if st != "active" || len(fs) != 1 {
			t.Fatalf("after undo: %s, referrer's follow-ups %+v; want active and the thank-you back", st, fs)
		}
		if _, err := s.CompleteFollowUp(ctx, fs[0].ID, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		if del, pays, err = s.DeletePurchase(ctx, p.ID); err != nil {
			t.Fatal(err)
		}
		if _, fs := state(); len(fs) != 1 || fs[0].DoneAt == nil {
			t.Errorf("deleting the purchase again: referrer's follow-ups %+v; want the thanks done kept", fs)
		}
		if err := s.RestorePurchase(ctx, del, pays); err != nil {
			t.Fatal(err)
		}
		if _, fs := state(); len(fs) != 1 {
			t.Errorf("undo after the thanks were done: referrer's follow-ups %+v; want no second thank-you", fs)
		}
		// Renamed after the thanks were written, then their only purchase
		// deleted and put back: still one thank-you.
		if _, err := s.UpdateCustomer(ctx, c.ID, func(x *Customer) error { x.Name = "孔明"; return nil }); err != nil {
			t.Fatal(err)
		}
		if del, pays, err = s.DeletePurchase(ctx, p.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.RestorePurchase(ctx, del, pays); err != nil {
			t.Fatal(err)
		}
		if _, fs := state(); len(fs) != 1 {
			t.Errorf("after a rename, delete and undo: referrer's follow-ups %+v; want one thank-you", fs)
		}
		// Made active by the rep's hand, not by a purchase: kept.
		byHand, err := s.AddCustomer(ctx, Customer{Name: "黄忠", Status: "active"})
		if err != nil {
			t.Fatal(err)
		}
		q, err := s.AddPurchase(ctx, Purchase{CustomerID: byHand.ID, Date: "2026-11-21", Amount: 100, Quantity: 1})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.DeletePurchase(ctx, q.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Customer(ctx, byHand.ID); got.Status != "active" {
			t.Errorf("a customer made active by hand, their only purchase deleted: %s, want active", got.Status)
		}
		// A customer with purchases left keeps their status.
		if _, err := s.AddPurchase(ctx, Purchase{CustomerID: c.ID, Date: "2026-12-01", Amount: 100, Quantity: 1}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.DeletePurchase(ctx, p.ID); err != nil {
			t.Fatal(err)
		}
		if st, _ := state(); st != "active" {
			t.Errorf("one purchase of two deleted: %s, want active", st)
		}
	})
}

// Deleting the purchase that won a lapsed or lost customer back (written
// in error) makes them lapsed or lost again, as they were; a customer an
// earlier purchase since then won back stays won back.
func TestDeleteWinBackPurchase(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		s := newTestStore(t)
		ctx := context.Background()
		c, err := s.AddCustomer(ctx, Customer{Name: "李娜"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddPurchase(ctx, Purchase{CustomerID: c.ID, Date: "2025-02-01", Amount: 100, Quantity: 1}); err != nil {
			t.Fatal(err)
		}
		if err := s.SetStatuses(ctx, []StatusChange{{CustomerID: c.ID, Status: "lost", Reason: "price", Date: "2026-06-01"}}); err != nil {
			t.Fatal(err)
		}
		back, err := s.AddPurchase(ctx, Purchase{CustomerID: c.ID, Date: "2026-11-20", Amount: 900, Quantity: 1})
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Customer(ctx, c.ID); got.Status != "won_back" {
			t.Fatalf("after buying again: %s", got.Status)
		}
		del, pays, err := s.DeletePurchase(ctx, back.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Customer(ctx, c.ID); got.Status != "lost" || got.LostReason != "price" {
			t.Errorf("the win-back purchase deleted: %s (%s), want lost (price)", got.Status, got.LostReason)
		}
		if err := s.RestorePurchase(ctx, del, pays); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Customer(ctx, c.ID); got.Status != "won_back" {
			t.Errorf("after undo: %s, want won_back", got.Status)
		}
		// Two purchases since: deleting the later keeps them won back.
		later, err := s.AddPurchase(ctx, Purchase{CustomerID: c.ID, Date: "2026-11-21", Amount: 50, Quantity: 1})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.DeletePurchase(ctx, later.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Customer(ctx, c.ID); got.Status != "won_back" {
			t.Errorf("a second purchase since deleted: %s, want won_back", got.Status)
		}
	})
}

// A status set by hand keeps to the lifecycle: a lost reason only for a
// lost customer (and gone when they leave lost), no prospect with
// purchases, won back only for a lapsed or lost buyer.
func TestStatusByHandKeepsTheLifecycle(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		s := newTestStore(t)
		ctx := context.Background()
		c, err := s.AddCustomer(ctx, Customer{Name: "张伟"})
		if err != nil {
			t.Fatal(err)
		}
		set := func(status, reason string) error {
			_, err := s.UpdateCustomer(ctx, c.ID, func(x *Customer) error { x.Status, x.LostReason = status, reason; return nil })
			return err
		}
		if err := set("won_back", ""); err == nil {
			t.Error("a prospect who never bought was made won back")
		}
		if err := set("prospect", "price"); err == nil || !strings.Contains(err.Error(), "lost reason is for a lost customer") {
			t.Errorf("a reason for a prospect: %v", err)
		}
		if _, err := s.AddPurchase(ctx, Purchase{CustomerID: c.ID, Date: "2026-11-01", Amount: 100, Quantity: 1}); err != nil {
			t.Fatal(err)
		}
		if err := set("prospect", ""); err == nil || !strings.Contains(err.Error(), "has 1 purchases") {
			t.Errorf("a buyer made a prospect: %v", err)
		}
		if err := set("lost", "price"); err != nil {
			t.Fatal(err)
		}
		if err := set("won_back", "price"); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Customer(ctx, c.ID); got.Status != "won_back" || got.LostReason != "" {
			t.Errorf("won back from lost: %s (%q), want won_back without a reason", got.Status, got.LostReason)
		}
		if err := set("active", "service"); err == nil {
			t.Error("a reason given to an active customer")
		}
	})
}

// A lunar leap month a year does not have is refused (2027 has none, 2028
// has 闰五月), for birthdays and events; one without a year may fall in
// any year's.
func TestLeapMonthTheYearHas(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		s := newTestStore(t)
		ctx := context.Background()
		for _, tt := range []struct {
			date string
			ok   bool
		}{{"2027-06-07", false}, {"2028-05-07", true}, {"2028-06-07", false}, {"--06-07", true}} {
			_, err := s.AddCustomer(ctx, Customer{Name: "T" + tt.date, Birthday: tt.date, BirthdayLunar: true, BirthdayLeap: true})
			if (err == nil) != tt.ok {
				t.Errorf("leap-month birthday %s: %v, want taken %v", tt.date, err, tt.ok)
			}
		}
		c, err := s.AddCustomer(ctx, Customer{Name: "李娜"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddEvent(ctx, Event{CustomerID: c.ID, What: "x", Date: "2027-06-07", Lunar: true, Leap: true, Once: true}); err == nil || !strings.Contains(err.Error(), "no leap month") {
			t.Errorf("a one-off event in a leap month 2027 has not: %v", err)
		}
	})
}
