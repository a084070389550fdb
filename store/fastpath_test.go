package store

// Tests that the fast paths (kept totals and rhythm, bulk accumulation,
// driver-level reads, revenue-only tiers) agree with the plain ones.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"github.com/rolo-crm/rolo/money"
	"math/rand"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rolo-crm/rolo/tiering"
	"github.com/rolo-crm/rolo/tiering/agenda"
)

// rhythm is what purchase_totals keeps beside the sums.
type rhythm struct {
	gap  int
	next string
}

// wantRhythm computes every customer's rhythm from the purchases in Go.
func wantRhythm(t *testing.T, db *sql.DB) map[int64]rhythm {
	t.Helper()
	rows, err := db.Query(`SELECT customer_id, date, next_date FROM purchases ORDER BY customer_id, date, id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	days := map[int64][]time.Time{}
	out := map[int64]rhythm{}
	for rows.Next() {
		var id int64
		var d, next string
		if err := rows.Scan(&id, &d, &next); err != nil {
			t.Fatal(err)
		}
		if ds := days[id]; len(ds) == 0 || !ds[len(ds)-1].Equal(parseDay(d)) {
			days[id] = append(ds, parseDay(d))
		}
		out[id] = rhythm{next: next} // the last row by (date, id) wins
	}
	for id, ds := range days {
		r := out[id]
		r.gap = agenda.MedianGap(ds)
		out[id] = r
	}
	return out
}

func gotRhythm(t *testing.T, db *sql.DB) map[int64]rhythm {
	t.Helper()
	rows, err := db.Query(`SELECT customer_id, gap, next_date FROM purchase_totals`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]rhythm{}
	for rows.Next() {
		var id int64
		var r rhythm
		if err := rows.Scan(&id, &r.gap, &r.next); err != nil {
			t.Fatal(err)
		}
		out[id] = r
	}
	return out
}

func checkRhythm(t *testing.T, s *Store, phase string) {
	t.Helper()
	want, got := wantRhythm(t, s.r), gotRhythm(t, s.r)
	if len(want) != len(got) {
		t.Errorf("%s: %d customers with totals, want %d", phase, len(got), len(want))
	}
	gaps := 0
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s: customer %d rhythm %+v, want %+v", phase, id, got[id], w)
		}
		if w.gap > 0 {
			gaps++
		}
	}
	if gaps == 0 {
		t.Errorf("%s: no customer has a rhythm; the test data is too thin", phase)
	}
	rep, err := s.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Totals != 0 || !rep.OK {
		t.Errorf("%s: check finds %d customers whose totals disagree; report %+v", phase, rep.Totals, rep)
	}
}

// addCustomers adds n customers named 客户0, 客户1, ... and returns their ids.
func addCustomers(t *testing.T, s *Store, n int) []int64 {
	t.Helper()
	ids := make([]int64, n)
	for i := range ids {
		c, err := s.AddCustomer(context.Background(), Customer{Name: fmt.Sprintf("客户%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = c.ID
	}
	return ids
}

func randomPurchase(rng *rand.Rand, customer int64) Purchase {
	p := Purchase{CustomerID: customer, Item: "茶", Quantity: 1, Amount: money.Amount(100 + rng.Intn(10000)),
		Date: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.Intn(60)*7).Format(DateLayout)}
	if rng.Intn(3) == 0 {
		p.NextDate = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.Intn(300)).Format(DateLayout)
	}
	return p
}

// Every way purchases change keeps the rhythm equal to what the purchases
// say: one at a time, in bulk, deleted, edited (moved to another customer
// too), and migrated.
func TestPurchaseRhythmIsKept(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		s := newTestStore(t)
		ctx := context.Background()
		rng := rand.New(rand.NewSource(7))
		ids := addCustomers(t, s, 40)
		var added []int64
		for i := 0; i < 300; i++ {
			p, err := s.AddPurchase(ctx, randomPurchase(rng, ids[rng.Intn(20)]))
			if err != nil {
				t.Fatal(err)
			}
			added = append(added, p.ID)
		}
		checkRhythm(t, s, "one at a time")
		err := s.Bulk(ctx, func(b *Bulk) error {
			for i := 0; i < 400; i++ {
				p := randomPurchase(rng, ids[rng.Intn(len(ids))])
				switch i {
				case 100:
					p.CustomerID, p.Item = ids[30], "限量版普洱" // a customer whose first purchases these are
				case 200:
					p.CustomerID, p.Note = ids[3], "特别定制礼盒" // one who bought before
				}
				if _, err := b.AddPurchase(&p); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		checkRhythm(t, s, "bulk")
		for q, want := range map[string]int64{"限量版普洱": ids[30], "特别定制礼盒": ids[3], "茶": ids[25]} {
			hits, err := s.Search(ctx, q, SearchOptions{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, h := range hits {
				found = found || h.Customer.ID == want
			}
			if !found {
				t.Errorf("search %q after the bulk write misses customer %d (%d hits)", q, want, len(hits))
			}
		}
		for _, id := range added[:80] {
			if _, _, err := s.DeletePurchase(ctx, id); err != nil {
				t.Fatal(err)
			}
		}
		checkRhythm(t, s, "deleted")
		for _, id := range added[80:120] {
			q := randomPurchase(rng, ids[rng.Intn(len(ids))])
			if _, err := s.UpdatePurchase(ctx, id, func(p *Purchase) error {
				p.CustomerID, p.Date, p.NextDate = q.CustomerID, q.Date, q.NextDate
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		}
		checkRhythm(t, s, "edited")
	})
}

// A notebook made by the first schema gains its rhythm when migrated.
func TestMigrationFillsPurchaseRhythm(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v1.db")
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	// A file as schema 1 left it.
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=rwc")
	if err != nil {
		t.Fatal(err)
	}
	raw.SetMaxOpenConns(1)
	if _, err := raw.Exec(ms[0].sql); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(fmt.Sprintf(`PRAGMA application_id = %d; PRAGMA user_version = 1`, ApplicationID)); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(3))
	for i := 1; i <= 30; i++ {
		if _, err := raw.Exec(`INSERT INTO customers(id, name, created_at, updated_at) VALUES (?, ?, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')`,
			i, fmt.Sprintf("客户%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 400; i++ {
		p := randomPurchase(rng, int64(1+rng.Intn(30)))
		if _, err := raw.Exec(`INSERT INTO purchases(customer_id, date, item, quantity, amount, next_date, created_at)
			VALUES (?, ?, ?, ?, ?, ?, '2025-01-01T00:00:00Z')`, p.CustomerID, p.Date, p.Item, p.Quantity, p.Amount, p.NextDate); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()
	s, err := Open(ctx, path, Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	checkRhythm(t, s, "migrated")
}

// The agenda reads the kept rhythm as of today and walks the purchases as
// of an earlier day; both must describe a customer the same way.
func TestAgendaRhythmKeptEqualsWalked(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		s := newTestStore(t)
		ctx := context.Background()
		rng := rand.New(rand.NewSource(11))
		for _, id := range addCustomers(t, s, 25) {
			for j := rng.Intn(12); j > 0; j-- {
				if _, err := s.AddPurchase(ctx, randomPurchase(rng, id)); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := s.AddContact(ctx, Contact{CustomerID: id, At: "2025-06-01T10:00:00Z", Kind: "call", Summary: "hi"}); err != nil {
				t.Fatal(err)
			}
		}
		today := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
		kept, _, err := s.AgendaInputs(ctx, today, false)
		if err != nil {
			t.Fatal(err)
		}
		walked := append([]agenda.Customer(nil), kept...)
		idx := map[int64]int{}
		lastBuy := make([]string, len(walked))
		for i := range walked {
			idx[walked[i].ID] = i
			walked[i].Bought, walked[i].NextExpected = agenda.Rhythm{}, time.Time{}
		}
		if err := s.agendaRhythmAsOf(ctx, today.Format(DateLayout), walked, idx, lastBuy, make([]int64, len(walked))); err != nil {
			t.Fatal(err)
		}
		withGap := 0
		for i := range kept {
			k, w := kept[i], walked[i]
			if k.Bought != w.Bought || !k.NextExpected.Equal(w.NextExpected) {
				t.Errorf("customer %d: kept %+v next %v, walked %+v next %v", k.ID, k.Bought, k.NextExpected, w.Bought, w.NextExpected)
			}
			if k.Bought.Gap > 0 {
				withGap++
			}
			if want := 0; k.Bought.Days > 0 && k.WinBacks != want && k.Bought.Last.Format(DateLayout) > "2025-06-01" {
				t.Errorf("customer %d: %d win-back attempts after a contact before their last purchase", k.ID, k.WinBacks)
			}
		}
		if withGap == 0 {
			t.Error("no customer has a purchase rhythm; the test data is too thin")
		}
	})
}

// An export whose writer fails stops with the writer's error, early, and
// does not hang; one that succeeds sees every row once, in id order.
func TestEachPurchaseStreamsAndStops(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		s := newTestStore(t)
		ctx := context.Background()
		c, err := s.AddCustomer(ctx, Customer{Name: "王芳", ExternalID: "W1"})
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewSource(1))
		err = s.Bulk(ctx, func(b *Bulk) error {
			for i := 0; i < 3000; i++ {
				p := randomPurchase(rng, c.ID)
				if _, err := b.AddPurchase(&p); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var last int64
		n := 0
		err = s.EachPurchase(ctx, "", func(p Purchase, ref CustomerRef) error {
			if p.ID <= last || ref.Name != "王芳" || ref.ExternalID != "W1" {
				return fmt.Errorf("row %d after %d, customer %+v", p.ID, last, ref)
			}
			last = p.ID
			n++
			return nil
		})
		if err != nil || n != 3000 {
			t.Fatalf("streamed %d rows, err %v; want 3000", n, err)
		}
		boom := errors.New("disk full")
		n = 0
		err = s.EachPurchase(ctx, "", func(p Purchase, ref CustomerRef) error {
			if n++; n == 700 {
				return boom
			}
			return nil
		})
		if !errors.Is(err, boom) || n != 700 {
			t.Fatalf("after a failing write: err %v after %d rows; want %v after 700", err, n, boom)
		}
	})
}

// BuyerRevenue ranks buyers exactly as the full metrics do.
func TestBuyerRevenueTiersEqualMetricsTiers(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		s := newTestStore(t)
		ctx := context.Background()
		rng := rand.New(rand.NewSource(5))
		for i, id := range addCustomers(t, s, 60) {
			for j := rng.Intn(4); j > 0; j-- {
				p := randomPurchase(rng, id)
				p.Amount = money.Amount(rng.Intn(5)) * 1000 // ties
				if _, err := s.AddPurchase(ctx, p); err != nil {
					t.Fatal(err)
				}
			}
			if i%13 == 0 {
				if err := s.ArchiveCustomer(ctx, id); err != nil {
					t.Fatal(err)
				}
			}
		}
		today := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
		full, err := s.Metrics(ctx, today, MetricsOptions{Lean: true})
		if err != nil {
			t.Fatal(err)
		}
		lean, ok, err := s.BuyerRevenue(ctx, today)
		if err != nil || !ok {
			t.Fatalf("BuyerRevenue: ok %v err %v", ok, err)
		}
		cfg := tiering.DefaultConfig()
		want, got := tiering.Assign(full, cfg, today), tiering.Assign(lean, cfg, today)
		buyers := 0
		for id, w := range want {
			if w.Tier == tiering.Prospect {
				if _, in := got[id]; in {
					t.Errorf("customer %d without purchases is among the buyers", id)
				}
				continue
			}
			buyers++
			if got[id].Tier != w.Tier {
				t.Errorf("customer %d: tier %q from revenue alone, %q from the metrics", id, got[id].Tier, w.Tier)
			}
		}
		if buyers != len(got) || buyers < 20 {
			t.Errorf("%d buyers ranked from revenue, %d from the metrics", len(got), buyers)
		}
		if _, ok, _ := s.BuyerRevenue(ctx, today.AddDate(-2, 0, 0)); ok {
			t.Error("as of a day before some purchases, BuyerRevenue must decline")
		}
	})
}

// Short searches read an in-memory copy of the names; it follows every
// change, whether this store or another process made it.
func TestShortSearchFollowsChanges(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		for _, prepared := range []bool{false, true} {
			t.Run(fmt.Sprint("prepared=", prepared), func(t *testing.T) { testShortSearch(t, prepared) })
		}
	})
}

func testShortSearch(t *testing.T, prepared bool) {
	s := newTestStore(t)
	ctx := context.Background()
	if prepared {
		if err := s.PrepareShortSearch(ctx); err != nil {
			t.Fatal(err)
		}
	}
	names := func(q string, opts SearchOptions) []string {
		t.Helper()
		hits, err := s.Search(ctx, q, opts)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, h := range hits {
			out = append(out, h.Customer.Name)
		}
		return out
	}
	a, err := s.AddCustomer(ctx, Customer{Name: "王芳", City: "Wuxi"})
	if err != nil {
		t.Fatal(err)
	}
	if got := names("王", SearchOptions{}); len(got) != 1 {
		t.Fatalf("王 found %v", got)
	}
	if _, err := s.AddCustomer(ctx, Customer{Name: "王五", Phone: "139 0000"}); err != nil {
		t.Fatal(err)
	}
	if got := names("王", SearchOptions{}); len(got) != 2 {
		t.Fatalf("after adding 王五, 王 found %v", got)
	}
	// Another process writes: a second store on the same file.
	other, err := Open(ctx, testAddr(s), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.AddCustomer(ctx, Customer{Name: "Wendy"}); err != nil {
		t.Fatal(err)
	}
	if got := names("wu", SearchOptions{}); len(got) != 2 { // 王五 by pinyin, 王芳 by city
		t.Fatalf("wu found %v", got)
	}
	if got := names("WE", SearchOptions{}); len(got) != 1 || got[0] != "Wendy" {
		t.Fatalf("WE found %v", got)
	}
	if err := s.ArchiveCustomer(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if got := names("王", SearchOptions{}); len(got) != 1 || got[0] != "王五" {
		t.Fatalf("after archiving 王芳, 王 found %v", got)
	}
	if got := names("王", SearchOptions{IncludeArchived: true, NamesOnly: true}); len(got) != 2 {
		t.Fatalf("with archived, 王 found %v", got)
	}
	if got := names("39", SearchOptions{}); len(got) != 1 || got[0] != "王五" {
		t.Fatalf("39 (a phone) found %v", got)
	}
}

// The bulk accumulator keeps each distinct purchase text once, past the
// point where its list of seen texts becomes a set.
func TestPurchaseAccKeepsDistinctTexts(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		var f freshSearch
		var a searchAcc
		for round := 0; round < 3; round++ {
			for i := 0; i < 100; i++ {
				f.add(&a, &Purchase{Date: "2026-01-01", Item: fmt.Sprintf("茶%d", i), Amount: 1})
			}
		}
		body := f.body(&a)
		for i := 0; i < 100; i++ {
			if n := strings.Count(" "+body+" ", fmt.Sprintf(" 茶%d  ", i)); n != 1 {
				t.Fatalf("茶%d appears %d times in %.80q…", i, n, body)
			}
		}
	})
}

// Metrics as of an earlier day, and the growth figures, equal sums over the
// purchases themselves.
func TestMetricsAsOfAndGrowthEqualThePurchases(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		s := newTestStore(t)
		ctx := context.Background()
		rng := rand.New(rand.NewSource(9))
		type sums struct {
			revenue, r12, p12 money.Amount
			n                 int64
		}
		ids := addCustomers(t, s, 30)
		var ps []Purchase
		err := s.Bulk(ctx, func(b *Bulk) error {
			for i := 0; i < 600; i++ {
				p := Purchase{CustomerID: ids[rng.Intn(len(ids))], Item: "茶", Quantity: 1, Amount: money.Amount(1 + rng.Intn(9999)),
					Date: time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.Intn(4*365)).Format(DateLayout)}
				if _, err := b.AddPurchase(&p); err != nil {
					return err
				}
				ps = append(ps, p)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		asOf := time.Date(2025, 9, 30, 0, 0, 0, 0, time.UTC)
		day, y1, y2 := asOf.Format(DateLayout), asOf.AddDate(-1, 0, 0).Format(DateLayout), asOf.AddDate(-2, 0, 0).Format(DateLayout)
		want := map[int64]*sums{}
		for _, p := range ps {
			if p.Date > day {
				continue
			}
			w := want[p.CustomerID]
			if w == nil {
				w = &sums{}
				want[p.CustomerID] = w
			}
			w.revenue += p.Amount
			w.n++
			switch {
			case p.Date > y1:
				w.r12 += p.Amount
			case p.Date > y2:
				w.p12 += p.Amount
			}
		}
		ms, err := s.Metrics(ctx, asOf, MetricsOptions{Growth: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			w := want[m.ID]
			if w == nil {
				w = &sums{}
			}
			if got := (sums{m.Revenue, m.Revenue12, m.RevenuePrev12, int64(m.Purchases)}); got != *w {
				t.Errorf("customer %d as of %s: %+v, want %+v", m.ID, day, got, *w)
			}
		}
	})
}

// As of an earlier day, the expected next purchase is the one recorded on
// the last purchase up to that day: of two on the same day, the one
// written last (the index orders a day's purchases by amount, not by when
// they were written), and nothing bought after the day counts.
func TestAgendaNextExpectedAsOf(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	ids := addCustomers(t, s, 4)
	buys := []Purchase{
		{CustomerID: ids[0], Date: "2026-03-01", Amount: 900, NextDate: "2026-04-01"},
		{CustomerID: ids[0], Date: "2026-03-01", Amount: 100, NextDate: "2026-05-01"}, // same day, written last
		{CustomerID: ids[0], Date: "2026-09-01", Amount: 100, NextDate: "2026-12-01"}, // after the day
		{CustomerID: ids[1], Date: "2026-02-01", Amount: 100, NextDate: "2026-06-01"},
		{CustomerID: ids[1], Date: "2026-03-01", Amount: 100}, // the last one records none
		{CustomerID: ids[2], Date: "2026-04-01", Amount: 100, NextDate: "2026-07-01"},
		{CustomerID: ids[2], Date: "2026-04-01", Amount: 900, NextDate: "2026-08-01"}, // same day, written last
	}
	for _, p := range buys {
		p.Item, p.Quantity = "茶", 1
		if _, err := s.AddPurchase(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	cs, _, err := s.AgendaInputs(ctx, time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC), false)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]struct{ next, last string }{
		ids[0]: {"2026-05-01", "2026-03-01"},
		ids[1]: {"", "2026-03-01"},
		ids[2]: {"2026-08-01", "2026-04-01"},
		ids[3]: {"", ""},
	}
	for _, c := range cs {
		w := want[c.ID]
		next, last := "", ""
		if !c.NextExpected.IsZero() {
			next = c.NextExpected.Format(DateLayout)
		}
		if !c.Bought.Last.IsZero() {
			last = c.Bought.Last.Format(DateLayout)
		}
		if next != w.next || last != w.last {
			t.Errorf("customer %d: next %q, last %q; want %q, %q", c.ID, next, last, w.next, w.last)
		}
	}
}

// RecentRevenue splits each customer's revenue into the year up to the day
// and the year before it, leaving out what is older or later.
func TestRecentRevenue(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	ids := addCustomers(t, s, 3)
	for _, p := range []Purchase{
		{CustomerID: ids[0], Date: "2026-11-22", Amount: 100}, // the day itself
		{CustomerID: ids[0], Date: "2025-11-23", Amount: 20},  // a year back, inside
		{CustomerID: ids[0], Date: "2025-11-22", Amount: 3},   // the year before
		{CustomerID: ids[0], Date: "2024-11-23", Amount: 4},   // the year before
		{CustomerID: ids[0], Date: "2024-11-22", Amount: 5000},
		{CustomerID: ids[0], Date: "2026-11-23", Amount: 7000}, // after the day
		{CustomerID: ids[1], Date: "2025-01-01", Amount: 50},
	} {
		p.Item, p.Quantity = "茶", 1
		if _, err := s.AddPurchase(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.RecentRevenue(ctx, time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64][2]money.Amount{ids[0]: {120, 7}, ids[1]: {0, 50}}
	if len(got) != len(want) || got[ids[0]] != want[ids[0]] || got[ids[1]] != want[ids[1]] {
		t.Errorf("got %v, want %v", got, want)
	}
}

// The lifetime-value inputs read from the kept totals (no purchase after
// the day asked about) are the inputs grouped from the purchases: for
// everyone and for a list, with archived and dropped customers left out,
// several purchases on one day, and a purchase deleted.
func TestCLVInputsKeptEqualsWalked(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		s := newTestStore(t)
		ctx := context.Background()
		rng := rand.New(rand.NewSource(5))
		ids := addCustomers(t, s, 30)
		var last Purchase
		for i := 0; i < 250; i++ {
			p, err := s.AddPurchase(ctx, randomPurchase(rng, ids[rng.Intn(26)]))
			if err != nil {
				t.Fatal(err)
			}
			last = p
		}
		if _, _, err := s.DeletePurchase(ctx, last.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.ArchiveCustomer(ctx, ids[0]); err != nil {
			t.Fatal(err)
		}
		if err := s.SetStatuses(ctx, []StatusChange{{CustomerID: ids[1], Status: "dropped", Reason: "moved", Date: "2026-01-05"}}); err != nil {
			t.Fatal(err)
		}
		asOf := time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC) // after every purchase, two years back within them
		for _, list := range [][]int64{nil, ids[:12]} {
			kept, err := s.clvInputsKept(ctx, asOf, list, true)
			if err != nil {
				t.Fatal(err)
			}
			brief, err := s.CLVHistoriesFor(ctx, asOf, list)
			if err != nil {
				t.Fatal(err)
			}
			// The same read in two halves, as for many customers.
			clvSplitAt = 5
			halves, err := s.CLVHistoriesFor(ctx, asOf, list)
			if err != nil || !slices.Equal(halves, brief) {
				t.Errorf("read in two halves: %v (%v), in one: %v", halves, err, brief)
			}
			clvSplitAt = 20000
			walked, err := s.clvInputsWalked(ctx, asOf, 0, list)
			if err != nil {
				t.Fatal(err)
			}
			if len(kept) != len(walked) || len(walked) < 8 || (list != nil && len(brief) != len(walked)) {
				t.Fatalf("list %v: %d kept inputs, %d histories, %d walked", list, len(kept), len(brief), len(walked))
			}
			repeat, recent := 0, 0
			for i := range kept {
				if kept[i] != walked[i] {
					t.Errorf("customer %d: kept %+v, walked %+v", walked[i].ID, kept[i], walked[i])
				}
				if list != nil && brief[i] != walked[i].Customer {
					t.Errorf("customer %d: history %+v, walked %+v", walked[i].ID, brief[i], walked[i].Customer)
				}
				if walked[i].ID == ids[0] || walked[i].ID == ids[1] {
					t.Errorf("customer %d is outside the ranks but has inputs", walked[i].ID)
				}
				if walked[i].X > 0 {
					repeat++
				}
				if walked[i].Revenue12 > 0 && walked[i].RevenuePrev12 > 0 {
					recent++
				}
			}
			if repeat == 0 || recent == 0 {
				t.Errorf("list %v: %d customers with repeat days, %d with revenue in both years: the data is too thin", list, repeat, recent)
			}
			if list == nil {
				// One customer's inputs, as the card reads them: none for
				// those outside the ranks, the same as everyone's otherwise.
				for _, id := range ids[:2] {
					if in, ok, err := s.CLVInputOf(ctx, id, asOf); err != nil || ok {
						t.Errorf("customer %d is outside the ranks: inputs %+v, %v (%v)", id, in, ok, err)
					}
				}
				for _, w := range walked[:5] {
					if in, ok, err := s.CLVInputOf(ctx, w.ID, asOf); err != nil || !ok || in != w {
						t.Errorf("customer %d alone: %+v, %v (%v); among everyone %+v", w.ID, in, ok, err, w)
					}
				}
			}
		}
	})
}

// What the whole notebook owes (payments summed in one pass) is what each
// customer owes (payments looked up per purchase), and the agenda's debts
// are the same purchases: partly paid, paid off later, archived customers
// left out; as of a past day, what the purchases and payments made by
// then leave owed.
func TestDebtsOfAllEqualEachCustomers(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		s := newTestStore(t)
		ctx := context.Background()
		rng := rand.New(rand.NewSource(3))
		ids := addCustomers(t, s, 12)
		for i := 0; i < 80; i++ {
			p := randomPurchase(rng, ids[rng.Intn(len(ids))])
			paid := p.Amount * money.Amount(rng.Intn(3)) / 2 // none, half or all at the sale
			p.Paid = &paid
			if _, err := s.AddPurchase(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		for _, id := range ids[:8] {
			if _, err := s.Pay(ctx, id, money.Amount(1+rng.Intn(15000)), day, 0, ""); err != nil && !errors.As(err, new(*Error)) {
				t.Fatal(err)
			}
		}
		if err := s.ArchiveCustomer(ctx, ids[11]); err != nil {
			t.Fatal(err)
		}
		// As of any day: the purchases made by then, less the payments
		// made by then; everything recorded for the zero day.
		type sale struct {
			id, customer int64
			date         string
			amount, paid money.Amount
		}
		var sales []sale
		rows, err := s.r.QueryContext(ctx, `SELECT p.id, p.customer_id, p.date, p.amount, p.paid FROM purchases p
			JOIN customers c ON c.id = p.customer_id WHERE p.paid IS NOT NULL AND c.archived_at IS NULL`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var x sale
			if err := rows.Scan(&x.id, &x.customer, &x.date, &x.amount, &x.paid); err != nil {
				t.Fatal(err)
			}
			sales = append(sales, x)
		}
		rows.Close()
		type payment struct {
			purchase int64
			date     string
			amount   money.Amount
		}
		var pays []payment
		rows, err = s.r.QueryContext(ctx, `SELECT purchase_id, date, amount FROM payments`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var y payment
			if err := rows.Scan(&y.purchase, &y.date, &y.amount); err != nil {
				t.Fatal(err)
			}
			pays = append(pays, y)
		}
		rows.Close()
		for _, asOf := range []time.Time{{}, day.AddDate(0, 0, -1), day, day.AddDate(-1, 0, 0), day.AddDate(1, 0, 0)} {
			by := "9999-12-31"
			if !asOf.IsZero() {
				by = asOf.Format(DateLayout)
			}
			want := map[int64]money.Amount{}
			for _, x := range sales {
				if x.date > by {
					continue
				}
				left := x.amount - x.paid
				for _, y := range pays {
					if y.purchase == x.id && y.date <= by {
						left -= y.amount
					}
				}
				if left > 0 {
					want[x.id] = left
				}
			}
			all, err := s.Debts(ctx, 0, asOf)
			if err != nil {
				t.Fatal(err)
			}
			var each []Debt
			for _, id := range ids[:11] {
				ds, err := s.Debts(ctx, id, asOf)
				if err != nil {
					t.Fatal(err)
				}
				each = append(each, ds...)
			}
			byPurchase := func(a, b Debt) int { return int(a.PurchaseID - b.PurchaseID) }
			slices.SortFunc(all, byPurchase)
			slices.SortFunc(each, byPurchase)
			if !slices.Equal(all, each) || len(all) != len(want) {
				t.Fatalf("as of %s: whole notebook owes %d purchases, each customer %d, the rows say %d:\n%v\n%v", by, len(all), len(each), len(want), all, each)
			}
			for _, d := range all {
				if want[d.PurchaseID] != d.Outstanding {
					t.Errorf("as of %s: purchase %d owes %v, the rows say %v", by, d.PurchaseID, d.Outstanding, want[d.PurchaseID])
				}
			}
			if asOf.IsZero() {
				if len(all) < 10 {
					t.Fatalf("only %d purchases owed", len(all))
				}
				continue
			}
			cs, _, err := s.AgendaInputs(ctx, asOf, false)
			if err != nil {
				t.Fatal(err)
			}
			agendaOwes := map[int64]money.Amount{}
			for _, c := range cs {
				for _, d := range c.Debts {
					agendaOwes[d.PurchaseID] = d.Outstanding
				}
			}
			partly := 0
			for _, d := range all {
				if agendaOwes[d.PurchaseID] != d.Outstanding {
					t.Errorf("as of %s: purchase %d: the agenda says %v owed, the debts %v", by, d.PurchaseID, agendaOwes[d.PurchaseID], d.Outstanding)
				}
				if d.Outstanding < d.Amount {
					partly++
				}
			}
			if len(agendaOwes) != len(all) || (asOf.After(day) && partly == 0) {
				t.Errorf("as of %s: the agenda has %d debts, the notebook %d (%d partly paid)", by, len(agendaOwes), len(all), partly)
			}
		}
	})
}

// Days are stored as YYYY-MM-DD however they came in, and an export of
// everything leaves out no row, whatever an older notebook holds as its day.
func TestDaysStoredPlainAndAllExported(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		s := newTestStore(t)
		ctx := context.Background()
		id := addCustomers(t, s, 1)[0]
		p, err := s.AddPurchase(ctx, Purchase{CustomerID: id, Date: " 2026-03-01 ", Amount: 100, NextDate: "2026-06-01 "})
		if err != nil {
			t.Fatal(err)
		}
		f, err := s.AddFollowUp(ctx, FollowUp{CustomerID: id, Due: " 2026-03-05", What: "call"})
		if err != nil {
			t.Fatal(err)
		}
		var day, next, due string
		if err := s.r.QueryRowContext(ctx, `SELECT CAST(p.date AS TEXT), p.next_date, CAST(f.due AS TEXT) FROM purchases p, followups f
			WHERE p.id = ? AND f.id = ?`, p.ID, f.ID).Scan(&day, &next, &due); err != nil {
			t.Fatal(err)
		}
		if day != "2026-03-01" || next != "2026-06-01" || due != "2026-03-05" {
			t.Errorf("stored %q, %q, %q; want the plain days", day, next, due)
		}
		if !onPG(t) {
			// A day as an older rolo may have kept it (SQLite checks no form).
			if _, err := s.w.ExecContext(ctx, `INSERT INTO purchases(customer_id, date, amount, created_at) VALUES (?, ' 2025-01-01', 5, 'x')`, id); err != nil {
				t.Fatal(err)
			}
		}
		n := 0
		if err := s.EachPurchase(ctx, "", func(Purchase, CustomerRef) error { n++; return nil }); err != nil {
			t.Fatal(err)
		}
		if want := map[bool]int{false: 2, true: 1}[onPG(t)]; n != want {
			t.Errorf("exported %d purchases, want %d", n, want)
		}
		n = 0
		if err := s.EachPurchase(ctx, "2026-02-01", func(Purchase, CustomerRef) error { n++; return nil }); err != nil || n != 1 {
			t.Errorf("exported %d purchases since 2026-02-01 (%v), want 1", n, err)
		}
	})
}

// Reads that name one customer, and the accounts by next follow-up, work
// on PostgreSQL as on SQLite (a parameter PostgreSQL first met in
// "?6 = ?6" was text; an ORDER BY expression of an alias is refused).
func TestOneCustomerReadsAndNextDueOrder(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		s := newTestStore(t)
		ctx := context.Background()
		ids := addCustomers(t, s, 3)
		for i, id := range ids {
			if _, err := s.AddPurchase(ctx, Purchase{CustomerID: id, Date: "2026-03-0" + string(rune('1'+i)), Amount: money.Amount(100 * (i + 1))}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.AddFollowUp(ctx, FollowUp{CustomerID: ids[2], Due: "2026-04-01", What: "call"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddFollowUp(ctx, FollowUp{CustomerID: ids[0], Due: "2026-05-01", What: "call"}); err != nil {
			t.Fatal(err)
		}
		asOf := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
		ms, err := s.Metrics(ctx, asOf, MetricsOptions{Only: ids[1]})
		if err != nil || len(ms) != 1 || ms[0].Revenue != 200 {
			t.Errorf("one customer's metrics: %+v, %v", ms, err)
		}
		in, ok, err := s.CLVInputOf(ctx, ids[1], asOf)
		if err != nil || !ok || in.ID != ids[1] {
			t.Errorf("one customer's lifetime inputs: %+v, %v, %v", in, ok, err)
		}
		for _, desc := range []bool{false, true} {
			rows, _, err := s.Accounts(ctx, AccountQuery{Sort: SortNextDue, Desc: desc})
			if err != nil || len(rows) != 3 {
				t.Fatalf("accounts by next follow-up: %v, %v", rows, err)
			}
			want := []int64{ids[2], ids[0], ids[1]} // soonest first, none last
			if desc {
				want = []int64{ids[0], ids[2], ids[1]} // none last either way
			}
			for i, r := range rows {
				if r.ID != want[i] {
					t.Errorf("desc %v: row %d is customer %d, want %d", desc, i, r.ID, want[i])
				}
			}
		}
	})
}
