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
