package store

import (
	"context"
	"testing"
	"time"
)

// A report as of a day leaves out who was not yet a customer on it, by the
// rep's calendar: added on the evening of the day west of UTC (a stamp of
// the next UTC day) they count; added the day after they do not.
func TestMetricsAsOfTheRepsDay(t *testing.T) {
	was := time.Local
	time.Local = time.FixedZone("UTC-8", -8*3600)
	defer func() { time.Local = was }()
	eachEngine(t, func(t *testing.T) {
		s := newTestStore(t)
		ctx := context.Background()
		evening, err := s.AddCustomer(ctx, Customer{Name: "晚上"})
		if err != nil {
			t.Fatal(err)
		}
		later, err := s.AddCustomer(ctx, Customer{Name: "明天"})
		if err != nil {
			t.Fatal(err)
		}
		for id, at := range map[int64]string{evening.ID: "2026-11-23T06:00:00Z", later.ID: "2026-11-23T09:00:00Z"} {
			// 22:00 on 2026-11-22 and 01:00 on 2026-11-23 at UTC-8.
			if _, err := s.w.ExecContext(ctx, `UPDATE customers SET created_at = ? WHERE id = ?`, at, id); err != nil {
				t.Fatal(err)
			}
		}
		for day, want := range map[string][]int64{"2026-11-22": {evening.ID}, "2026-11-23": {evening.ID, later.ID}, "2026-11-21": nil} {
			ms, err := s.Metrics(ctx, parseDay(day), MetricsOptions{Lean: true})
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, m := range ms {
				got = append(got, m.ID)
			}
			if len(got) != len(want) || (len(want) > 0 && (got[0] != want[0] || got[len(got)-1] != want[len(want)-1])) {
				t.Errorf("as of %s: customers %v, want %v", day, got, want)
			}
		}
	})
}

// The contact summary each customer gets in the agenda: the latest
// contact, greeting and reach by the day, and the reaches since their
// last purchase by the day, whichever day it is.
func TestAgendaContactsAsOf(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		s := newTestStore(t)
		ctx := context.Background()
		c, err := s.AddCustomer(ctx, Customer{Name: "陈静"})
		if err != nil {
			t.Fatal(err)
		}
		other, err := s.AddCustomer(ctx, Customer{Name: "没联系"})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range []string{"2026-10-01", "2026-10-15"} {
			if _, err := s.AddPurchase(ctx, Purchase{CustomerID: c.ID, Date: d, Item: "普洱", Quantity: 1, Amount: 10000}); err != nil {
				t.Fatal(err)
			}
		}
		for _, k := range []Contact{
			{At: "2026-10-05T09:00:00Z", Kind: "call"},
			{At: "2026-10-08T09:00:00Z", Kind: "greeting"},
			{At: "2026-10-10T09:00:00Z", Kind: "complaint", Summary: "晚了", ComplaintStatus: "resolved"},
			{At: "2026-10-20T09:00:00Z", Kind: "message"},
			{At: "2026-10-25T09:00:00Z", Kind: "feedback", Summary: "好喝"},
			{At: "2026-11-25T09:00:00Z", Kind: "visit"}, // after both days
		} {
			k.CustomerID = c.ID
			if _, err := s.AddContact(ctx, k); err != nil {
				t.Fatal(err)
			}
		}
		type want struct {
			last, greeted, reached string
			winBacks               int
		}
		for day, w := range map[string]want{
			// A purchase after the day (10-15): the last one by then is 10-01,
			// and the call and the greeting since are two attempts.
			"2026-10-12": {"2026-10-10", "2026-10-08", "2026-10-08", 2},
			// After the last purchase (10-15) only the message reached out.
			"2026-11-20": {"2026-10-25", "2026-10-08", "2026-10-20", 1},
		} {
			cs, _, err := s.AgendaInputs(ctx, parseDay(day), false)
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range cs {
				f := func(t time.Time) string {
					if t.IsZero() {
						return ""
					}
					return t.Format(DateLayout)
				}
				got := want{f(x.LastContact), f(x.Greeted), f(x.Reached), x.WinBacks}
				switch x.ID {
				case c.ID:
					if got != w {
						t.Errorf("as of %s: %+v, want %+v", day, got, w)
					}
				case other.ID:
					if got != (want{}) {
						t.Errorf("as of %s, never contacted: %+v", day, got)
					}
				}
			}
		}
	})
}
