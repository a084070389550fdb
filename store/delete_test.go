package store

import (
	"context"
	"errors"
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
