package store

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/rolo-crm/rolo/money"
)

// pgDays agrees with the time package on the days of years 1 to 9999
// (PostgreSQL's binary date counts days from 2000-01-01) and refuses what
// is not a day.
func TestPGDays(t *testing.T) {
	epoch := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	step := func(d time.Time) time.Time { // every day of 1899 to 2101, every 13th elsewhere
		if d.Year() >= 1899 && d.Year() <= 2101 {
			return d.AddDate(0, 0, 1)
		}
		return d.AddDate(0, 0, 13)
	}
	for d := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() < 10000; d = step(d) {
		got, ok := pgDays(d.Format(DateLayout))
		want := int32((d.Unix() - epoch.Unix()) / 86400)
		if !ok || got != want {
			t.Fatalf("pgDays(%s) = %d, %v; want %d", d.Format(DateLayout), got, ok, want)
		}
	}
	for _, bad := range []string{"", "2026-02-29", "2024-02-30", "2026-13-01", "2026-00-10", "2026-01-00", "0000-01-01",
		"2026-1-01", "2026/01/01", "2026-01-011", "２０２６-01-01", "2026-0a-01"} {
		if d, ok := pgDays(bad); ok {
			t.Errorf("pgDays(%q) = %d, want refused", bad, d)
		}
	}
}

// A purchase written in bulk (on PostgreSQL: queued in COPY's binary
// format) reads back as the same purchase written alone, every field.
func TestBulkPurchasesReadBackWhole(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		s := newTestStore(t)
		ctx := context.Background()
		ids := addCustomers(t, s, 2)
		amount := func(a money.Amount) *money.Amount { return &a }
		ps := []Purchase{
			{CustomerID: ids[0], Date: "2026-03-01", Item: "普洱茶 ‘老班章’\t2019", Quantity: 2.5, Amount: 123456, Cost: amount(0),
				Paid: amount(100000), Channel: "微信", SpecialRequests: "刻字：福\n寿", Mood: "开心 😊", NextDate: "2026-09-01",
				Note: `a "quoted" \ note`},
			{CustomerID: ids[1], Date: "1900-02-28", Quantity: 0, Amount: 0},
			{CustomerID: ids[1], Date: "9999-12-31", Item: "x", Quantity: 1e9, Amount: 1<<53 + 1, Cost: amount(1 << 40)},
		}
		var single []Purchase
		for _, p := range ps {
			got, err := s.AddPurchase(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			single = append(single, got)
		}
		var bulkIDs []int64
		if err := s.Bulk(ctx, func(b *Bulk) error {
			for _, p := range ps {
				p := p
				id, err := b.AddPurchase(&p)
				if err != nil {
					return err
				}
				bulkIDs = append(bulkIDs, id)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		for i, id := range bulkIDs {
			got, err := s.Purchase(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			want := single[i]
			if got.ID != id {
				t.Errorf("purchase %d read back as id %d", id, got.ID)
			}
			got.ID, want.ID = 0, 0
			got.CreatedAt, want.CreatedAt = "", ""
			if !reflect.DeepEqual(got, want) {
				t.Errorf("written in bulk:\n%+v\nwritten alone:\n%+v", got, want)
			}
		}
	})
}

// Purchase ids taken from the sequence in blocks are each used once, also
// when a block is not a run (the sequence moves by more than one, as it
// does when another writer takes ids at the same moment).
func TestBulkPurchaseIDsFromASequenceWithGaps(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		if !onPG(t) {
			t.Skip("PostgreSQL's sequences only")
		}
		s := newTestStore(t)
		ctx := context.Background()
		ids := addCustomers(t, s, 3)
		if _, err := s.w.ExecContext(ctx, `ALTER SEQUENCE purchases_id_seq INCREMENT BY 3`); err != nil {
			t.Fatal(err)
		}
		var got []int64
		const n = 500 // more than the first blocks hold
		if err := s.Bulk(ctx, func(b *Bulk) error {
			for i := 0; i < n; i++ {
				id, err := b.AddPurchase(&Purchase{CustomerID: ids[i%3], Date: "2026-01-01", Amount: money.Amount(i + 1)})
				if err != nil {
					return err
				}
				got = append(got, id)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		for i, id := range got {
			if i > 0 && id != got[i-1]+3 {
				t.Fatalf("purchase %d has id %d after %d: want ids 3 apart, in order", i, id, got[i-1])
			}
			p, err := s.Purchase(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if p.Amount != money.Amount(i+1) || p.CustomerID != ids[i%3] {
				t.Fatalf("purchase id %d is %+v, want the %dth added", id, p, i)
			}
		}
	})
}

// A customer written in bulk (on PostgreSQL: queued for COPY by the
// tables' owner) reads back as the same customer written alone, every
// field, and is found by search; a customer the queue names (a referral)
// is there when the statement that names it runs.
func TestBulkCustomersReadBackWhole(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		s := newTestStore(t)
		ctx := context.Background()
		cad := 45
		arch := "2026-05-01T08:00:00Z"
		cs := []Customer{
			{ExternalID: "X-1", Name: "王小明", Company: "明达贸易", Title: "经理", Phone: "139 0000 2222", Email: "wxm@example.com",
				WeChat: "wxm88", Address: "上海市\t浦东", City: "上海", Birthday: "--08-15", BirthdayLunar: true, BirthdayLeap: true,
				Gender: "男", Occupation: "茶商", Source: "展会", Status: "active", Attitude: "warm", Preferences: "普洱 \"老\"",
				Needs: "礼盒\n刻字", Notes: `a \ note`, Tags: []string{"vip", "茶"}, Custom: map[string]string{"尺码": "L"}, CadenceDays: &cad},
			{Name: "Zoë Adams", Status: "prospect", ArchivedAt: &arch},
			{Name: "李", Birthday: "1980-02-29", Status: "lost", LostReason: "moved"},
		}
		var single []Customer
		for _, c := range cs {
			got, err := s.AddCustomer(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			single = append(single, got)
		}
		for i := range cs {
			cs[i].ExternalID = strings.Replace(cs[i].ExternalID, "X-", "Y-", 1)
		}
		var bulkIDs []int64
		if err := s.Bulk(ctx, func(b *Bulk) error {
			for _, c := range cs {
				c := c
				id, err := b.AddCustomer(&c)
				if err != nil {
					return err
				}
				bulkIDs = append(bulkIDs, id)
			}
			// The first names the second, still queued, as their referrer.
			return b.SetReferredBy(bulkIDs[0], &bulkIDs[1])
		}); err != nil {
			t.Fatal(err)
		}
		for i, id := range bulkIDs {
			got, err := s.Customer(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			want := single[i]
			if i == 0 {
				want.ExternalID = "Y-1"
				want.ReferredBy = &bulkIDs[1]
			}
			got.ID, want.ID = 0, 0
			got.CreatedAt, want.CreatedAt, got.UpdatedAt, want.UpdatedAt = "", "", "", ""
			if !reflect.DeepEqual(got, want) {
				t.Errorf("written in bulk:\n%+v\nwritten alone:\n%+v", got, want)
			}
		}
		if ids := foundIDs(t, s, "明达"); len(ids) != 2 {
			t.Errorf("find 明达 after the bulk write: %v, want the customer written alone and in bulk", ids)
		}
	})
}

// An external id already used, met when the queued customers are sent,
// is refused naming it, and nothing of the bulk write stays.
func TestBulkCustomerExternalIDTaken(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		s := newTestStore(t)
		ctx := context.Background()
		if _, err := s.AddCustomer(ctx, Customer{Name: "王芳", ExternalID: "E-7"}); err != nil {
			t.Fatal(err)
		}
		err := s.Bulk(ctx, func(b *Bulk) error {
			for _, c := range []Customer{{Name: "李雷"}, {Name: "韩梅梅", ExternalID: "E-7"}, {Name: "张伟"}} {
				if _, err := b.AddCustomer(&c); err != nil {
					return err
				}
			}
			return nil
		})
		if KindOf(err) != KindConflict || !strings.Contains(err.Error(), `external id "E-7" is already used`) {
			t.Fatalf("bulk write of a taken external id: %v; want a conflict naming it", err)
		}
		if n := len(column[int64](t, s.r, `SELECT id FROM customers`)); n != 1 {
			t.Errorf("%d customers after the failed bulk write, want 1", n)
		}
	})
}

// smallBatchStore is a PostgreSQL notebook whose bulk writes send
// purchases by COPY three at a time, for the length of the test; it skips
// on SQLite.
func smallBatchStore(t *testing.T) (*Store, context.Context) {
	t.Helper()
	if !onPG(t) {
		t.Skip("PostgreSQL's COPY only")
	}
	n := pgCopyBatch
	t.Cleanup(func() { pgCopyBatch = n })
	pgCopyBatch = 3
	return newTestStore(t), context.Background()
}

// Purchases sent beside the bulk write, a batch at a time, all go in,
// also when the write uses its connection for something else while a
// batch is on its way; a batch that fails there fails the whole write with
// its own error, not with the aborted transaction's, and leaves nothing.
func TestBulkPurchasesSentBeside(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		s, ctx := smallBatchStore(t)
		ids := addCustomers(t, s, 2)
		var got []int64
		if err := s.Bulk(ctx, func(b *Bulk) error {
			for i := range 20 {
				id, err := b.AddPurchase(&Purchase{CustomerID: ids[i%2], Date: "2026-03-01", Item: "茶", Quantity: 1,
					Amount: money.Amount(100 * (i + 1))})
				if err != nil {
					return err
				}
				got = append(got, id)
				if i == 10 { // a batch is on its way
					if _, err := b.AddContact(&Contact{CustomerID: ids[0], At: "2026-03-01T10:00:00Z", Kind: "call"}); err != nil {
						return err
					}
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		var n, sum int64
		if err := s.r.QueryRowContext(ctx, `SELECT count(DISTINCT id), sum(amount) FROM purchases`).Scan(&n, &sum); err != nil {
			t.Fatal(err)
		}
		if n != 20 || sum != 100*20*21/2 {
			t.Fatalf("read back %d purchases summing %d, want 20 summing %d", n, sum, 100*20*21/2)
		}
		for i, id := range got {
			p, err := s.Purchase(ctx, id)
			if err != nil || p.Amount != money.Amount(100*(i+1)) {
				t.Fatalf("purchase %d (the %dth): %+v, %v", id, i+1, p, err)
			}
		}

		before, err := s.Census(ctx)
		if err != nil {
			t.Fatal(err)
		}
		err = s.Bulk(ctx, func(b *Bulk) error {
			for i := range 12 {
				p := &Purchase{CustomerID: ids[0], Date: "2026-04-01", Item: "壶", Quantity: 1, Amount: 500}
				if i == 4 {
					p.ID = got[0] // taken: the second batch fails on the server
				}
				if _, err := b.AddPurchase(p); err != nil {
					return err
				}
				if i == 6 {
					// Once the batch has failed on the server (its end is
					// seen and put back for the write to find), the
					// transaction is aborted: the contact fails too.
					if b.pg.sending == nil {
						t.Fatal("no batch on its way")
					}
					end := <-b.pg.sending
					b.pg.sending <- end
					if _, err := b.AddContact(&Contact{CustomerID: ids[0], At: "2026-04-01T10:00:00Z", Kind: "call"}); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if KindOf(err) != KindConflict || !strings.Contains(err.Error(), "purchase id") {
			t.Fatalf("a batch with a taken id: %v (kind %v), want the conflict of its purchase id", err, KindOf(err))
		}
		after, err := s.Census(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if after != before {
			t.Fatalf("the failed write left %+v, want %+v", after, before)
		}
	})
}

// A restore's purchases keep their ids also when the row to renumber has
// just left with its batch (KeepID waits for it rather than update nothing).
func TestBulkKeepIDOfAPurchaseOnItsWay(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		s, ctx := smallBatchStore(t)
		ids := addCustomers(t, s, 1)
		if err := s.Bulk(ctx, func(b *Bulk) error {
			for i := range 10 {
				p := &Purchase{CustomerID: ids[0], Date: "2026-03-01", Item: "茶", Quantity: 1, Amount: money.Amount(i + 1)}
				got, err := b.AddPurchase(p)
				if err != nil {
					return err
				}
				if err := b.KeepID("purchases", got, int64(1000+i)); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		for i := range 10 {
			p, err := s.Purchase(ctx, int64(1000+i))
			if err != nil || p.Amount != money.Amount(i+1) {
				t.Errorf("purchase %d: %+v, %v; want the %dth, amount %d", 1000+i, p, err, i+1, i+1)
			}
		}
	})
}
