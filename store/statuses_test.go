package store

import (
	"context"
	"testing"
	"time"
)

// Many customers lapsed or lost at once (more than a statement's batch),
// and a set that drops one (customer by customer), leave each customer's
// status and one history row per change, in the order of the changes, on
// both engines.
func TestSetStatusesMany(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		s := newTestStore(t)
		ctx := context.Background()
		ids := addCustomers(t, s, 1203)
		var lapse []StatusChange
		for i, id := range ids[:1201] {
			c := StatusChange{CustomerID: id, Status: "lapsed", Date: "2026-11-20", Auto: true}
			if i%3 == 0 {
				c.Status, c.Reason, c.Auto = "lost", "price", false
			}
			lapse = append(lapse, c)
		}
		if err := s.SetStatuses(ctx, lapse); err != nil {
			t.Fatal(err)
		}
		mixed := []StatusChange{
			{CustomerID: ids[1201], Status: "dropped", Reason: "moved", Date: "2026-11-21"},
			{CustomerID: ids[1202], Status: "lapsed", Date: "2026-11-21", Auto: true},
		}
		if err := s.SetStatuses(ctx, mixed); err != nil {
			t.Fatal(err)
		}
		want := map[int64]StatusChange{}
		for _, c := range append(lapse, mixed...) {
			want[c.CustomerID] = c
		}
		cs, err := s.CustomersByID(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			if got, w := cs[id], want[id]; got.Status != w.Status || got.LostReason != w.Reason {
				t.Fatalf("customer %d: %s (%q), want %s (%q)", id, got.Status, got.LostReason, w.Status, w.Reason)
			}
		}
		day := func(d string) time.Time { t, _ := time.Parse(DateLayout, d); return t }
		hist, err := s.StatusChanges(ctx, day("2026-11-20"), day("2026-11-21"))
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != len(want) {
			t.Fatalf("%d history rows, want %d", len(hist), len(want))
		}
		for i, h := range hist {
			if i < len(lapse) && h.CustomerID != lapse[i].CustomerID {
				t.Fatalf("history row %d is customer %d's, want %d's: in the order of the changes", i, h.CustomerID, lapse[i].CustomerID)
			}
			w := want[h.CustomerID]
			if h.Status != w.Status || h.Reason != w.Reason || h.Date != w.Date || h.Auto != w.Auto {
				t.Fatalf("history of %d: %+v, want %+v", h.CustomerID, h, w)
			}
			delete(want, h.CustomerID)
		}
		// A customer not in the notebook fails the whole set.
		if err := s.SetStatuses(ctx, []StatusChange{{CustomerID: ids[0], Status: "active", Date: "2026-11-22"}, {CustomerID: 1 << 40, Status: "lapsed", Date: "2026-11-22"}}); err == nil {
			t.Fatal("a missing customer's status was set")
		}
		if cs, err := s.CustomersByID(ctx, ids[:1]); err != nil || cs[ids[0]].Status != lapse[0].Status {
			t.Fatalf("after the failed set: %+v %v", cs[ids[0]], err)
		}
	})
}
