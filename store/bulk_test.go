package store

import (
	"context"
	"database/sql"
	"errors"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/rolo-crm/rolo/money"
)

// What Bulk keeps for customers without earlier purchases (accumulated as
// the rows are written) is what the tables say: totals with and without
// costs, paid at the sale and after, the rhythm, the expected next purchase
// of the latest purchase (ties on a day broken by id), and search text.
func TestBulkFreshTotalsMatchTheTables(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		s := newTestStore(t)
		ctx := context.Background()
		rng := rand.New(rand.NewSource(9))
		ids := addCustomers(t, s, 30)
		// Some customers have purchases before: they are totalled from the table.
		for _, id := range ids[:5] {
			if _, err := s.AddPurchase(ctx, randomPurchase(rng, id)); err != nil {
				t.Fatal(err)
			}
		}
		var pids []int64
		err := s.Bulk(ctx, func(b *Bulk) error {
			for i := 0; i < 600; i++ {
				p := randomPurchase(rng, ids[rng.Intn(len(ids))])
				p.Item = []string{"熟茶", "生茶", "紫砂壶"}[rng.Intn(3)]
				if rng.Intn(4) > 0 {
					c := p.Amount / money.Amount(1+rng.Intn(3))
					p.Cost = &c
				}
				if rng.Intn(5) == 0 {
					paid := p.Amount / 2
					p.Paid = &paid
				}
				if rng.Intn(3) == 0 {
					p.Date = "2026-06-01" // many on the latest day: the latest by id
					p.NextDate = time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i).Format(DateLayout)
				}
				id, err := b.AddPurchase(&p)
				if err != nil {
					return err
				}
				if p.Paid != nil {
					pids = append(pids, id)
					if _, err := b.AddPayment(&Payment{PurchaseID: id, Date: "2026-01-05", Amount: 1 + p.Amount/4}); err != nil {
						return err
					}
				}
				if len(pids) > 1 && rng.Intn(8) == 0 {
					// A payment of an earlier sale, not the one just added.
					if _, err := b.AddPayment(&Payment{PurchaseID: pids[rng.Intn(len(pids)-1)], Date: "2026-01-06", Amount: 1}); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		rep, err := s.Check(ctx)
		if err != nil || rep.Totals != 0 || !rep.OK {
			t.Fatalf("check after the bulk write: %+v %v", rep, err)
		}
		if len(pids) == 0 {
			t.Fatal("no partly paid purchases")
		}
		hits, err := s.Search(ctx, "紫砂", SearchOptions{Limit: 100})
		if err != nil || len(hits) < 20 {
			t.Errorf("紫砂 found %d customers, %v", len(hits), err)
		}
	})
}

// Rows naming a customer that does not exist fail the whole bulk write,
// whichever kind of row it is, though foreign keys are checked once at the
// end; the writer checks foreign keys again afterwards.
func TestBulkChecksEveryCustomerNamed(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		s := newTestStore(t)
		ctx := context.Background()
		ids := addCustomers(t, s, 3)
		const missing = 999
		ref := int64(missing)
		for name, write := range map[string]func(b *Bulk) error{
			"purchase": func(b *Bulk) error {
				_, err := b.AddPurchase(&Purchase{CustomerID: missing, Date: "2026-01-01", Amount: 1})
				return err
			},
			"contact": func(b *Bulk) error {
				_, err := b.AddContact(&Contact{CustomerID: missing, At: "2026-01-01T10:00:00Z", Kind: "call"})
				return err
			},
			"follow-up": func(b *Bulk) error {
				_, err := b.AddFollowUp(&FollowUp{CustomerID: missing, Due: "2026-01-01", What: "call"})
				return err
			},
			"survey": func(b *Bulk) error {
				_, err := b.AddSurvey(&Survey{CustomerID: missing, Date: "2026-01-01", Satisfaction: 3, Initiative: 3, Repurchase: 3, Recommend: 3, Resistance: 3})
				return err
			},
			"event": func(b *Bulk) error {
				_, err := b.AddEvent(&Event{CustomerID: missing, What: "wedding", Date: "2026-05-01"})
				return err
			},
			"status": func(b *Bulk) error { return b.SetStatus(missing, "active", "", time.Now()) },
			"status history": func(b *Bulk) error {
				_, err := b.AddStatusChange(&StatusChange{CustomerID: missing, Status: "active", Date: "2026-01-01"})
				return err
			},
			"agenda action": func(b *Bulk) error {
				_, err := b.AddAgendaAction(&AgendaAction{CustomerID: missing, Reason: "cadence", Due: "2026-01-01"})
				return err
			},
			"referrer": func(b *Bulk) error { return b.SetReferredBy(ids[0], &ref) },
			"new customer's referrer": func(b *Bulk) error {
				_, err := b.AddCustomer(&Customer{Name: "新客", ReferredBy: &ref})
				return err
			},
			"payment": func(b *Bulk) error {
				_, err := b.AddPayment(&Payment{PurchaseID: missing, Date: "2026-01-01", Amount: 1})
				return err
			},
		} {
			err := s.Bulk(ctx, func(b *Bulk) error {
				if _, err := b.AddPurchase(&Purchase{CustomerID: ids[1], Date: "2026-01-01", Amount: 5}); err != nil {
					return err
				}
				return write(b)
			})
			if KindOf(err) != KindNotFound {
				t.Errorf("%s naming customer %d: err = %v, want not found", name, missing, err)
			}
			var n int
			s.r.QueryRowContext(ctx, `SELECT count(*) FROM purchases`).Scan(&n)
			if n != 0 {
				t.Fatalf("%s: %d purchases written by a failed bulk write", name, n)
			}
		}
		// Foreign keys are on again for single writes.
		if _, err := s.AddPurchase(ctx, Purchase{CustomerID: missing, Date: "2026-01-01", Amount: 1}); KindOf(err) != KindNotFound {
			t.Errorf("a single purchase for a missing customer: %v", err)
		}
		if s.pg {
			return // foreign keys are the server's, and always on
		}
		var fk int
		if err := s.withTx(ctx, func(tx *sql.Tx) error { return tx.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk) }); err != nil || fk != 1 {
			t.Errorf("foreign_keys = %d after bulk writes (%v)", fk, err)
		}
	})
}

// A write that finds the notebook held by a long bulk write (longer than
// busy_timeout) waits for it instead of failing "busy", and says it waits.
func TestWriterWaitsForLongBulkWrite(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t)
	ids := addCustomers(t, s, 2)
	var waits []time.Duration
	other, err := Open(ctx, s.Path(), Options{OnBusy: func(w time.Duration) bool {
		waits = append(waits, w)
		return true
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	// busy_timeout shortened for the test: the bulk write below holds the
	// notebook for many of them.
	if _, err := other.w.ExecContext(ctx, `PRAGMA busy_timeout = 50`); err != nil {
		t.Fatal(err)
	}
	started, release := make(chan struct{}), make(chan struct{})
	bulkDone := make(chan error, 1)
	go func() {
		bulkDone <- s.Bulk(ctx, func(b *Bulk) error {
			if _, err := b.AddPurchase(&Purchase{CustomerID: ids[0], Date: "2026-01-01", Amount: 100}); err != nil {
				return err
			}
			close(started)
			<-release // a long import
			return nil
		})
	}()
	<-started
	writeDone := make(chan error, 1)
	go func() {
		_, err := other.AddPurchase(ctx, Purchase{CustomerID: ids[1], Date: "2026-01-02", Amount: 7})
		writeDone <- err
	}()
	time.Sleep(400 * time.Millisecond) // 8 busy timeouts
	select {
	case err := <-writeDone:
		t.Fatalf("the write finished while the bulk write held the notebook: %v", err)
	default:
	}
	close(release)
	if err := <-bulkDone; err != nil {
		t.Fatal(err)
	}
	if err := <-writeDone; err != nil {
		t.Fatalf("the write after a long bulk write: %v", err)
	}
	if len(waits) < 2 {
		t.Errorf("OnBusy told %d times", len(waits))
	}
	var n int
	s.r.QueryRowContext(ctx, `SELECT count(*) FROM purchases`).Scan(&n)
	if n != 2 {
		t.Errorf("%d purchases, want 2", n)
	}
	// Told to stop waiting, a write fails busy.
	stop, err := Open(ctx, s.Path(), Options{OnBusy: func(time.Duration) bool { return false }})
	if err != nil {
		t.Fatal(err)
	}
	defer stop.Close()
	stop.w.ExecContext(ctx, `PRAGMA busy_timeout = 50`)
	held := make(chan struct{})
	release2 := make(chan struct{})
	go func() {
		s.Bulk(ctx, func(b *Bulk) error { close(held); <-release2; return nil })
	}()
	<-held
	_, err = stop.AddPurchase(ctx, Purchase{CustomerID: ids[1], Date: "2026-01-03", Amount: 7})
	close(release2)
	if KindOf(err) != KindBusy {
		t.Errorf("a write told to stop waiting: %v, want busy", err)
	}
}

// A bulk write into a small purchases table sets its indexes (and, on
// PostgreSQL, the foreign keys of the purchases, their totals and the
// search rows, and the search rows' trigram indexes) aside and puts them
// back word for word, whether it commits or fails.
func TestBulkPutsBackWhatItSetAside(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		s := newTestStore(t)
		ctx := context.Background()
		ids := addCustomers(t, s, 3)
		schema := func() string {
			q := `SELECT group_concat(sql, ';') FROM (SELECT sql FROM sqlite_schema WHERE tbl_name = 'purchases' AND sql IS NOT NULL ORDER BY name)`
			if s.pg {
				q = `SELECT string_agg(d, ';') FROM (SELECT indexdef AS d FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN ('purchases', 'search')
					UNION ALL SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
					WHERE conrelid IN (CAST('purchases' AS regclass), CAST('purchase_totals' AS regclass), CAST('search' AS regclass)) ORDER BY 1) x`
			}
			var v string
			if err := s.r.QueryRowContext(ctx, q).Scan(&v); err != nil {
				t.Fatal(err)
			}
			return v
		}
		before := schema()
		if before == "" || !strings.Contains(strings.ToLower(before), "customer_id") ||
			s.pg && (!strings.Contains(before, "search_customer_id_fkey FOREIGN KEY") || !strings.Contains(before, "search_body ON")) {
			t.Fatalf("purchases' schema: %q", before)
		}
		add := func(b *Bulk, n int) error {
			for i := 0; i < n; i++ {
				if _, err := b.AddPurchase(&Purchase{CustomerID: ids[i%3], Date: "2026-01-01", Amount: 5}); err != nil {
					return err
				}
			}
			return nil
		}
		if err := s.Bulk(ctx, func(b *Bulk) error { return add(b, 100) }); err != nil {
			t.Fatal(err)
		}
		if after := schema(); after != before {
			t.Errorf("after a bulk write the purchases' schema is\n%s\nnot\n%s", after, before)
		}
		fail := errors.New("stop")
		if err := s.Bulk(ctx, func(b *Bulk) error {
			if err := add(b, 100); err != nil {
				return err
			}
			return fail
		}); !errors.Is(err, fail) {
			t.Fatal(err)
		}
		if after := schema(); after != before {
			t.Errorf("after a failed bulk write the purchases' schema is\n%s\nnot\n%s", after, before)
		}
		var n int
		s.r.QueryRowContext(ctx, `SELECT count(*) FROM purchases`).Scan(&n)
		if n != 100 {
			t.Errorf("%d purchases, want the first write's 100", n)
		}
	})
}

// A bulk write whose context ends part way (a signal stops an import)
// stops at the next row with the context's error and writes nothing: rows
// run without the context's own watch, so Bulk checks it before each one.
func TestBulkStopsWhenItsContextEnds(t *testing.T) {
	s := newTestStore(t)
	ids := addCustomers(t, s, 3)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	written := 0
	err := s.Bulk(ctx, func(b *Bulk) error {
		for i := 0; i < 100; i++ {
			if i == 50 {
				cancel()
			}
			p := Purchase{CustomerID: ids[i%3], Date: "2026-01-02", Item: "茶", Quantity: 1, Amount: 100}
			if _, err := b.AddPurchase(&p); err != nil {
				return err
			}
			written++
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if written != 50 {
		t.Errorf("%d rows written before stopping, want 50", written)
	}
	var n int
	if err := s.r.QueryRow(`SELECT count(*) FROM purchases`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d purchases in the notebook after a stopped bulk write, want 0", n)
	}
}

// A large bulk write on PostgreSQL gathers the server's statistics at its
// end, so that the next command is planned on the tables as they are; a
// small one leaves that to the server.
func TestBulkAnalyzesOnPG(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		if !onPG(t) {
			t.Skip("PostgreSQL's statistics only")
		}
		s := newTestStore(t)
		ctx := context.Background()
		rows := func() float64 {
			var n float64
			if err := s.r.QueryRowContext(ctx, `SELECT reltuples FROM pg_class WHERE oid = to_regclass('customers')`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		add := func(names ...string) {
			t.Helper()
			err := s.Bulk(ctx, func(b *Bulk) error {
				for _, n := range names {
					if _, err := b.AddCustomer(&Customer{Name: n}); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		defer func(n int) { analyzeAfter = n }(analyzeAfter)
		analyzeAfter = 4
		add("王芳", "李雷", "Anna")
		if n := rows(); n > 0 {
			t.Fatalf("after 3 rows the statistics say %v customers: gathered below the threshold", n)
		}
		add("张伟", "Zoë", "陈静", "Bob")
		if n := rows(); n != 7 {
			t.Errorf("after a bulk of 4 rows (the threshold) the statistics say %v customers, want 7", n)
		}
		// A bulk of purchases gathers the purchases' statistics and those of
		// what it writes from them, not the customers' again.
		analyzed := func(table string) (when sql.NullTime) {
			if err := s.r.QueryRowContext(ctx, `SELECT last_analyze FROM pg_stat_user_tables WHERE relid = to_regclass(?)`, table).Scan(&when); err != nil {
				t.Fatal(err)
			}
			return when
		}
		customersBefore := analyzed("customers")
		ids := column[int64](t, s.r, `SELECT id FROM customers ORDER BY id`)
		if err := s.Bulk(ctx, func(b *Bulk) error {
			for i := 0; i < 5; i++ {
				if _, err := b.AddPurchase(&Purchase{CustomerID: ids[i], Date: "2026-01-02", Item: "茶", Amount: 100}); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		var purchases, totals float64
		s.r.QueryRowContext(ctx, `SELECT (SELECT reltuples FROM pg_class WHERE oid = to_regclass('purchases')),
			(SELECT reltuples FROM pg_class WHERE oid = to_regclass('purchase_totals'))`).Scan(&purchases, &totals)
		if purchases != 5 || totals != 5 {
			t.Errorf("after a bulk of 5 purchases for 5 customers the statistics say %v purchases and %v totals, want 5 and 5", purchases, totals)
		}
		if after := analyzed("customers"); after != customersBefore {
			t.Errorf("a bulk of purchases analyzed the customers again (%v, before %v)", after.Time, customersBefore.Time)
		}
	})
}

// writtenTable names the table a statement writes into.
func TestWrittenTable(t *testing.T) {
	for q, want := range map[string]string{
		"INSERT INTO customers(name) VALUES (?)":          "customers",
		"INSERT INTO status_history (customer_id) SELECT": "status_history",
		"  insert   into search(doc) values (1)":          "search",
		"UPDATE customers SET status = ? WHERE id = ?":    "customers",
		"DELETE FROM agenda_actions WHERE id = ?":         "agenda_actions",
		"SELECT 1 FROM customers":                         "",
		"WITH x AS (SELECT 1) INSERT INTO t SELECT":       "",
	} {
		if got := writtenTable(q); got != want {
			t.Errorf("writtenTable(%q) = %q, want %q", q, got, want)
		}
	}
}
