package store

import (
	"context"
	"database/sql"
	"math/rand"
	"reflect"
	"testing"
	"time"

	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/tiering"
)

// checkKeptTiers compares every customer's kept tier (the kept floors
// against the kept revenue, read as the list and the card read it) with
// the pyramid ranked from scratch over the metrics, and checks that the
// floors were kept by the last write rather than worked out by the reader.
func checkKeptTiers(t *testing.T, s *Store, when string, cuts []float64) {
	t.Helper()
	ctx := context.Background()
	today := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	ms, err := s.Metrics(ctx, today, MetricsOptions{Lean: true})
	if err != nil {
		t.Fatal(err)
	}
	want := tiering.Assign(ms, tiering.Config{Method: tiering.MethodPyramid, By: tiering.ByRevenue, PyramidCuts: cuts}, today)
	version, kept, err := s.keptState(ctx, s.r)
	if err != nil {
		t.Fatal(err)
	}
	// On PostgreSQL writes keep no floors (see keepTierCuts): the reader
	// works them out and keeps them, checked below.
	if v, _, _, ok := parseTierCuts(kept); !s.pg && (!ok || v != version) {
		t.Errorf("%s: kept floors %q are not those of purchases version %q", when, kept, version)
	}
	c, ok, err := s.TierCuts(ctx, today)
	if err != nil || !ok {
		t.Fatalf("%s: TierCuts: %v %v", when, ok, err)
	}
	// On PostgreSQL the reader keeps what it worked out, for the version
	// it worked it out for; the tiers read below come from it.
	if version, kept, err := s.keptState(ctx, s.r); err != nil {
		t.Fatal(err)
	} else if v, _, _, ok := parseTierCuts(kept); s.pg && (!ok || v != version) {
		t.Errorf("%s: the reader kept floors %q, not those of purchases version %q", when, kept, version)
	}
	ids := column[int64](t, s.r, `SELECT id FROM customers`)
	bands := map[tiering.Tier]RevenueBand{}
	for _, tr := range tiering.PyramidTiers {
		bands[tr] = c.Band(tr)
	}
	for _, id := range ids {
		w, ok := want[id]
		if !ok || w.Tier == "" {
			w.Tier = tiering.Prospect // archived or dropped: outside the ranks
		}
		got, ok, err := s.TierOf(ctx, id, today)
		if err != nil || !ok {
			t.Fatalf("%s: TierOf(%d): %v %v", when, id, ok, err)
		}
		if got != w.Tier {
			t.Errorf("%s: customer %d kept tier %s, ranked %s", when, id, got, w.Tier)
		}
		// Counted, as a card reads it where no floors are kept.
		if got, _, err := s.tierByCount(ctx, id, cuts); err != nil || got != w.Tier {
			t.Errorf("%s: customer %d counted tier %s (%v), ranked %s", when, id, got, err, w.Tier)
		}
		if w.Tier == tiering.Prospect {
			continue
		}
		// The tier's revenue band holds the customer, and no other band does.
		var rev int64
		s.r.QueryRowContext(ctx, `SELECT revenue FROM purchase_totals WHERE customer_id = ?`, id).Scan(&rev)
		for tr, b := range bands {
			in := money.Amount(rev) >= b.Min && (b.Max < 0 || money.Amount(rev) < b.Max)
			if in != (tr == w.Tier) {
				t.Errorf("%s: customer %d (revenue %d, %s) in band %s %+v: %v", when, id, rev, w.Tier, tr, b, in)
			}
		}
	}
	// Listing a tier reads its band of the revenue index: exactly its customers.
	for tr, b := range bands {
		listed := map[int64]bool{}
		if err := s.EachListed(ctx, CustomerFilter{Bands: []RevenueBand{b}}, func(l *Listed) error {
			listed[l.ID] = true
			return nil
		}); err != nil {
			t.Fatalf("%s: list %s: %v", when, tr, err)
		}
		for _, id := range ids {
			if w, ok := want[id]; listed[id] != (ok && w.Tier == tr) {
				t.Errorf("%s: list %s has customer %d: %v (ranked %s)", when, tr, id, listed[id], w.Tier)
			}
		}
	}
}

// The kept tiers follow every write that changes revenue or who is ranked:
// purchases added one at a time and in bulk, edited, moved and deleted;
// customers archived, restored, dropped, taken back and deleted; the cuts
// changed. Ties included (many equal amounts).
func TestKeptTiersFollowEveryWrite(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		s := newTestStore(t)
		ctx := context.Background()
		rng := rand.New(rand.NewSource(5))
		ids := addCustomers(t, s, 120)
		cuts := tiering.DefaultPyramidCuts
		check := func(when string) { t.Helper(); checkKeptTiers(t, s, when, cuts) }
		check("empty")
		var added []int64
		for i := 0; i < 150; i++ {
			p := randomPurchase(rng, ids[rng.Intn(100)])
			p.Amount = money.Amount(100 * (1 + rng.Intn(8))) // ties
			p, err := s.AddPurchase(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			added = append(added, p.ID)
		}
		check("added")
		if _, err := s.UpdatePurchase(ctx, added[3], func(p *Purchase) error { p.Amount = 1_000_000; return nil }); err != nil {
			t.Fatal(err)
		}
		check("edited")
		if _, err := s.UpdatePurchase(ctx, added[4], func(p *Purchase) error { p.CustomerID = ids[110]; return nil }); err != nil {
			t.Fatal(err)
		}
		check("moved to another customer")
		for _, id := range added[10:40] {
			if _, _, err := s.DeletePurchase(ctx, id); err != nil {
				t.Fatal(err)
			}
		}
		check("deleted")
		if err := s.ArchiveCustomer(ctx, ids[7]); err != nil {
			t.Fatal(err)
		}
		check("archived")
		if err := s.RestoreCustomer(ctx, ids[7]); err != nil {
			t.Fatal(err)
		}
		check("restored")
		for _, st := range []string{"dropped", "active"} {
			if _, err := s.UpdateCustomer(ctx, ids[8], func(c *Customer) error { c.Status = st; return nil }); err != nil {
				t.Fatal(err)
			}
			check("status " + st)
		}
		if err := s.SetStatuses(ctx, []StatusChange{{CustomerID: ids[9], Status: "dropped", Date: "2026-11-01"}}); err != nil {
			t.Fatal(err)
		}
		check("dropped by a rule")
		if err := s.PurgeCustomer(ctx, ids[11]); err != nil {
			t.Fatal(err)
		}
		check("purged")
		err := s.Bulk(ctx, func(b *Bulk) error {
			for i := 0; i < 200; i++ {
				p := randomPurchase(rng, ids[20+rng.Intn(len(ids)-20)])
				if _, err := b.AddPurchase(&p); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		check("bulk")
		err = s.Bulk(ctx, func(b *Bulk) error { return b.SetStatus(ids[13], "dropped", "", time.Now()) })
		if err != nil {
			t.Fatal(err)
		}
		check("dropped in bulk")
		// Many single writes, checked one by one: each moves the floors by
		// steps, never by ranking everyone again.
		s.rankedAll.Store(0)
		live := ids[20:]
		for i := 0; i < 120; i++ {
			id := live[rng.Intn(len(live))]
			switch op := rng.Intn(10); {
			case op < 5:
				p := randomPurchase(rng, id)
				p.Amount = money.Amount(100 * (1 + rng.Intn(8)))
				p, err := s.AddPurchase(ctx, p)
				if err != nil {
					t.Fatal(err)
				}
				added = append(added, p.ID)
			case op < 7:
				j := rng.Intn(len(added))
				if _, _, err := s.DeletePurchase(ctx, added[j]); err != nil && KindOf(err) != KindNotFound {
					t.Fatal(err)
				}
			case op < 8:
				if _, err := s.UpdatePurchase(ctx, added[rng.Intn(len(added))], func(p *Purchase) error {
					p.Amount = money.Amount(100 * rng.Intn(12))
					return nil
				}); err != nil && KindOf(err) != KindNotFound {
					t.Fatal(err)
				}
			case op < 9:
				if rng.Intn(2) == 0 {
					err = s.ArchiveCustomer(ctx, id)
				} else {
					err = s.RestoreCustomer(ctx, id)
				}
				if err != nil {
					t.Fatal(err)
				}
			default:
				st := []string{"dropped", "active"}[rng.Intn(2)]
				if _, err := s.UpdateCustomer(ctx, id, func(c *Customer) error { c.Status = st; return nil }); err != nil {
					t.Fatal(err)
				}
			}
			check("random write")
		}
		if n := s.rankedAll.Load(); n != 0 {
			t.Errorf("single writes ranked every buyer %d times", n)
		}
		if err := s.SetSetting(ctx, "pyramid.cuts", "5,30,60,100"); err != nil {
			t.Fatal(err)
		}
		cuts = []float64{5, 30, 60, 100}
		check("new cuts")
		// A notebook whose floors were not kept (or kept for another version)
		// is still ranked right: the reader works them out.
		if err := s.withTx(ctx, func(tx *sql.Tx) error { return s.bumpVersion(ctx, tx, purchasesVersion) }); err != nil {
			t.Fatal(err)
		}
		c, ok, err := s.TierCuts(ctx, time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC))
		if err != nil || !ok {
			t.Fatal(ok, err)
		}
		var kept string
		s.r.QueryRowContext(ctx, `SELECT value FROM state WHERE key = ?`, keptTiersKey).Scan(&kept)
		_, _, kc, _ := parseTierCuts(kept)
		if !s.pg && (c.Ranked != kc.Ranked || len(c.Floors) != len(kc.Floors)) {
			t.Errorf("worked out %+v, kept %+v", c, kc)
		}
		if _, ok, _ := s.TierCuts(ctx, time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)); ok {
			t.Error("as of a day before some purchases the kept floors must not be used")
		}
	})
}

// A customer's tier as of a day before the latest purchase is theirs in
// the ranking of everyone by Metrics as of that day: ties (equal amounts),
// archived and dropped customers, buyers with no purchase by then.
func TestTierOfAsOfAnEarlierDay(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		s := newTestStore(t)
		ctx := context.Background()
		rng := rand.New(rand.NewSource(11))
		ids := addCustomers(t, s, 40)
		for i := 0; i < 300; i++ {
			p := randomPurchase(rng, ids[rng.Intn(36)])
			if i%5 == 0 {
				p.Amount = 5000 // ties
			}
			if _, err := s.AddPurchase(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.ArchiveCustomer(ctx, ids[0]); err != nil {
			t.Fatal(err)
		}
		if err := s.SetStatuses(ctx, []StatusChange{{CustomerID: ids[1], Status: "dropped", Reason: "moved", Date: "2026-01-05"}}); err != nil {
			t.Fatal(err)
		}
		tiers := 0
		for _, day := range []string{"2025-02-01", "2025-06-15", "2025-11-30"} { // all before the latest purchase
			asOf := parseDay(day)
			if _, ok, err := s.TierCuts(ctx, asOf); err != nil || ok {
				t.Fatalf("%s: kept floors used (%v, %v): not the case tested", day, ok, err)
			}
			ms, err := s.Metrics(ctx, asOf, MetricsOptions{Lean: true})
			if err != nil {
				t.Fatal(err)
			}
			want := tiering.Assign(ms, tiering.Config{Method: tiering.MethodPyramid, By: tiering.ByRevenue}, asOf)
			// One customer's metrics as of the day (a card) are their row
			// among everyone's.
			for _, m := range ms[:min(len(ms), 12)] {
				one, err := s.Metrics(ctx, asOf, MetricsOptions{Lean: true, Only: m.ID})
				if err != nil || len(one) != 1 || !reflect.DeepEqual(one[0], m) {
					t.Errorf("%s: customer %d alone %+v (%v), among everyone %+v", day, m.ID, one, err, m)
				}
			}
			all, err := s.TiersAsOf(ctx, asOf)
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range ids {
				w := want[id].Tier
				if w == "" {
					w = tiering.Prospect
				}
				if got, ok := all[id]; (ok || w != tiering.Prospect) && got != w {
					t.Errorf("%s: customer %d among everyone: %s, ranked %s", day, id, got, w)
				}
				got, ok, err := s.TierOf(ctx, id, asOf)
				if err != nil || !ok || got != w {
					t.Errorf("%s: customer %d: %s (%v, %v), ranked %s", day, id, got, ok, err, w)
				}
				if w != tiering.Prospect {
					tiers++
				}
			}
		}
		if tiers < 30 {
			t.Errorf("only %d ranked tiers in three days: the data is too thin", tiers)
		}
	})
}

// On a team's server a reader keeps the floors it works out with the
// purchases version. A write that has moved the version but not yet
// ended is waited for: had the reader kept its floors with that version,
// the write's sale would never move them.
func TestKeptTiersWaitForAWriteUnderWay(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		if !onPG(t) {
			t.Skip("SQLite's writes keep the floors themselves, one writer at a time")
		}
		s := newTestStore(t)
		ctx := context.Background()
		today := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
		ids := addCustomers(t, s, 200)
		for i, id := range ids {
			if _, err := s.AddPurchase(ctx, Purchase{CustomerID: id, Date: "2026-10-01", Item: "茶", Amount: money.Amount(1000 + i)}); err != nil {
				t.Fatal(err)
			}
		}
		last := ids[0] // the least revenue: small
		tx, err := s.w.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if err := s.bumpVersion(ctx, tx, purchasesVersion); err != nil {
			t.Fatal(err)
		}
		// The reader ranks while the write is under way, before its rows.
		read := make(chan error, 1)
		go func() {
			_, _, err := s.TierCuts(ctx, today)
			read <- err
		}()
		time.Sleep(100 * time.Millisecond)
		if _, err := tx.ExecContext(ctx, `UPDATE purchase_totals SET revenue = 10000000 WHERE customer_id = ?`, last); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		if err := <-read; err != nil {
			t.Fatal(err)
		}
		// Two in 200 are key: the customer the write made the best, and
		// the best before it; the second best before it is key no more.
		for id, want := range map[int64]tiering.Tier{last: tiering.Key, ids[199]: tiering.Key, ids[198]: tiering.Major} {
			if got, _, err := s.TierOf(ctx, id, today); err != nil || got != want {
				t.Errorf("after the write, customer %d is %s (%v), want %s", id, got, err, want)
			}
		}
	})
}

// The first sale of a new notebook moves the floors kept before it (on
// PostgreSQL by a reader of the empty notebook): its buyer is key.
func TestKeptTiersFirstSale(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		s := newTestStore(t)
		ctx := context.Background()
		today := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
		c, err := s.AddCustomer(ctx, Customer{Name: "王小明"})
		if err != nil {
			t.Fatal(err)
		}
		if cuts, ok, err := s.TierCuts(ctx, today); err != nil || !ok || cuts.Ranked != 0 {
			t.Fatalf("an empty notebook's ranking: %+v %v %v", cuts, ok, err)
		}
		if _, err := s.AddPurchase(ctx, Purchase{CustomerID: c.ID, Date: "2026-10-01", Item: "茶", Amount: 500}); err != nil {
			t.Fatal(err)
		}
		if cuts, _, err := s.TierCuts(ctx, today); err != nil || cuts.Ranked != 1 {
			t.Errorf("after the first sale %d ranked (%v), want 1", cuts.Ranked, err)
		}
		if got, _, err := s.TierOf(ctx, c.ID, today); err != nil || got != tiering.Key {
			t.Errorf("the first buyer is %s (%v), want key", got, err)
		}
	})
}
