package store

import (
	"context"
	"testing"
	"time"
)

// Revenue of the last 12 months counts this year's purchases, for one
// customer (the card) as for everyone (the scorecard), today and as of a
// past day.
func TestRevenueLast12Months(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		s := newTestStore(t)
		ctx := context.Background()
		thisYear, _ := s.AddCustomer(ctx, Customer{Name: "今年"})
		both, _ := s.AddCustomer(ctx, Customer{Name: "两年"})
		for _, p := range []Purchase{
			{CustomerID: thisYear.ID, Date: "2026-03-01", Amount: 1000},
			{CustomerID: thisYear.ID, Date: "2026-11-22", Amount: 250}, // today counts
			{CustomerID: both.ID, Date: "2026-01-15", Amount: 700},
			{CustomerID: both.ID, Date: "2025-11-22", Amount: 300}, // 365 days back: the year before
			{CustomerID: both.ID, Date: "2024-11-23", Amount: 90},
			{CustomerID: both.ID, Date: "2024-11-22", Amount: 5000}, // more than two years back: neither
		} {
			p.Quantity = 1
			if _, err := s.AddPurchase(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		today := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
		want := map[int64][2]int64{thisYear.ID: {1250, 0}, both.ID: {700, 390}}
		for _, asOf := range []time.Time{today, today.AddDate(0, 0, 40)} {
			for _, opts := range []MetricsOptions{{Growth: true}, {Growth: true, Lean: true}, {Growth: true, Only: thisYear.ID}, {Growth: true, Only: both.ID}} {
				ms, err := s.Metrics(ctx, asOf, opts)
				if err != nil {
					t.Fatal(err)
				}
				for _, m := range ms {
					w := want[m.ID]
					if asOf.After(today) && m.ID == both.ID {
						w = [2]int64{700, 300} // 2024-11-23 is now over two years back
					}
					if int64(m.Revenue12) != w[0] || int64(m.RevenuePrev12) != w[1] {
						t.Errorf("as of %s %+v: customer %d last 12 months %d, 12 before %d; want %v",
							asOf.Format(DateLayout), opts, m.ID, m.Revenue12, m.RevenuePrev12, w)
					}
				}
			}
		}
	})
}
