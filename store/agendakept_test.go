package store

import (
	"context"
	"fmt"
	"math/rand"
	"reflect"
	"testing"
	"time"

	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/tiering/agenda"
)

// checkKeptAgenda compares today's agenda as Agenda gives it — from the
// kept chunks, the chunks missing read again — with the agenda read from
// the tables, twice (the second time every chunk is kept), the purchase
// histories read with it with CLVHistoriesFor and the recent revenue with
// RecentRevenue.
func checkKeptAgenda(t *testing.T, s *Store, when string) {
	t.Helper()
	checkAgendaKept(t, s, when, true)
}

// checkAgendaKept is checkKeptAgenda; served says whether the kept agenda
// stands today (else Agenda reads the tables and keeps nothing).
func checkAgendaKept(t *testing.T, s *Store, when string, served bool) {
	t.Helper()
	ctx := context.Background()
	today := Today(s.now())
	kept, cuts, err := s.agendaBasis(ctx, today, true)
	if err != nil {
		t.Fatal(err)
	}
	want, err := s.agendaTables(ctx, today, kept, cuts, AgendaOptions{Tiered: true, Recent: true})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, c := range want.Customers {
		ids = append(ids, c.ID)
	}
	hist, err := s.CLVHistoriesFor(ctx, today, ids)
	if err != nil {
		t.Fatal(err)
	}
	for _, pass := range []string{"reading again what is missing", "from the chunks alone"} {
		got, err := s.Agenda(ctx, today, AgendaOptions{Tiered: true, Recent: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Customers) != len(want.Customers) {
			t.Fatalf("%s, %s: %d customers, want %d", when, pass, len(got.Customers), len(want.Customers))
		}
		for i := range got.Customers {
			if !reflect.DeepEqual(got.Customers[i], want.Customers[i]) {
				t.Fatalf("%s, %s: customer %d\n got %+v\nwant %+v", when, pass, want.Customers[i].ID, got.Customers[i], want.Customers[i])
			}
		}
		if !reflect.DeepEqual(got.Tasks, want.Tasks) {
			t.Fatalf("%s, %s: tasks %+v, want %+v", when, pass, got.Tasks, want.Tasks)
		}
		if (got.Histories != nil) != served || len(hist) > 0 && served && !reflect.DeepEqual(got.Histories, hist) {
			t.Fatalf("%s, %s: histories\n got %+v\nwant %+v", when, pass, got.Histories, hist)
		}
		if got.Recent == nil {
			t.Fatalf("%s, %s: no recent revenue", when, pass)
		}
		for _, c := range want.Customers {
			if got.Recent[c.ID] != want.Recent[c.ID] {
				t.Fatalf("%s, %s: customer %d's recent revenue %v, want %v", when, pass, c.ID, got.Recent[c.ID], want.Recent[c.ID])
			}
		}
	}
	// Every current customer's chunk is kept now.
	var want2 int
	if err := s.r.QueryRowContext(ctx, `SELECT count(DISTINCT id >> 6) FROM customers WHERE archived_at IS NULL`).Scan(&want2); err != nil {
		t.Fatal(err)
	}
	if chunks := keptChunks(t, s); served && chunks != want2 {
		t.Fatalf("%s: %d chunks kept, want %d", when, chunks, want2)
	}
}

// The kept agenda follows every write to what the agenda reads: each is
// followed by today's agenda from the chunks, compared with the agenda
// read from the tables.
func TestKeptAgendaFollowsEveryWrite(t *testing.T) { eachEngine(t, testKeptAgendaFollowsEveryWrite) }

func testKeptAgendaFollowsEveryWrite(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	rng := rand.New(rand.NewSource(7))
	ids := addCustomers(t, s, 140) // three chunks
	var purchases []int64
	for i := 0; i < 300; i++ {
		p := randomPurchase(rng, ids[rng.Intn(130)])
		if rng.Intn(4) == 0 {
			paid := p.Amount / 2
			p.Paid = &paid
		}
		p, err := s.AddPurchase(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		purchases = append(purchases, p.ID)
	}
	for i := 0; i < 20; i++ { // more than two years back: in no year of the recent revenue
		p := randomPurchase(rng, ids[rng.Intn(130)])
		p.Date = "2023-" + p.Date[5:]
		if _, err := s.AddPurchase(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	// On the edges of the recent revenue's years, today's and those of the
	// steps a year on and a day back below.
	today := Today(s.now())
	for _, d := range []time.Time{today.AddDate(-1, 0, 0), today.AddDate(-1, 0, 1), today.AddDate(-2, 0, 0), today.AddDate(-2, 0, 1), today.AddDate(-1, 0, 10)} {
		if _, err := s.AddPurchase(ctx, Purchase{CustomerID: ids[3], Item: "茶", Quantity: 1, Amount: 700, Date: d.Format(DateLayout)}); err != nil {
			t.Fatal(err)
		}
	}
	checkKeptAgenda(t, s, "start")
	step := func(when string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", when, err)
		}
		checkKeptAgenda(t, s, when)
	}
	stamp := func(d time.Time) string { return d.UTC().Format(time.RFC3339) }
	now := s.now()

	k, err := s.AddContact(ctx, Contact{CustomerID: ids[5], At: stamp(now.Add(-26 * time.Hour)), Kind: "complaint", Summary: "茶饼受潮"})
	step("a complaint", err)
	_, err = s.ResolveComplaint(ctx, k.ID, now, "换了一饼")
	step("the complaint resolved", err)
	g, err := s.AddContact(ctx, Contact{CustomerID: ids[6], At: stamp(now.Add(-3 * time.Hour)), Kind: "greeting"})
	step("a greeting", err)
	_, err = s.UpdateContact(ctx, g.ID, func(c *Contact) error { c.Kind = "call"; return nil })
	step("the greeting made a call", err)
	_, err = s.DeleteContact(ctx, g.ID)
	step("the call deleted", err)

	pays, err := s.Pay(ctx, ids[7], 30, now, 0, "")
	if len(pays) == 0 && err == nil {
		// ids[7] owed nothing: pay a purchase that is owed.
		var p Purchase
		p, err = s.AddPurchase(ctx, Purchase{CustomerID: ids[7], Item: "茶", Quantity: 1, Amount: 500, Paid: new(money.Amount), Date: "2026-10-01"})
		if err == nil {
			pays, err = s.Pay(ctx, ids[7], 30, now, p.ID, "")
		}
	}
	step("a payment", err)
	step("the payment deleted", s.DeletePayment(ctx, pays[0].ID))
	// Written by hand (a script, psql): only the payments table changes,
	// and what the purchase owes with it.
	var owed int64
	if err := s.r.QueryRowContext(ctx, `SELECT id FROM purchases WHERE paid IS NOT NULL AND paid < amount - 100 ORDER BY id LIMIT 1`).Scan(&owed); err != nil {
		t.Fatal(err)
	}
	_, err = s.w.ExecContext(ctx, fmt.Sprintf(`INSERT INTO payments(purchase_id, date, amount, note, created_at) VALUES (%d, '%s', 30, 'psql', '%s')`,
		owed, today.Format(DateLayout), stamp(now)))
	step("a payment written by hand", err)
	_, err = s.w.ExecContext(ctx, fmt.Sprintf(`DELETE FROM payments WHERE purchase_id = %d AND note = 'psql'`, owed))
	step("the payment deleted by hand", err)

	e, err := s.AddEvent(ctx, Event{CustomerID: ids[8], What: "孩子高考", Date: "2027-06-07", Once: true})
	step("an event", err)
	_, err = s.DeleteEvent(ctx, e.ID)
	step("the event deleted", err)
	_, err = s.AddSurvey(ctx, Survey{CustomerID: ids[9], Date: "2026-11-20", Satisfaction: 5, Initiative: 4, Repurchase: 4, Recommend: 5, Resistance: 1})
	step("a survey", err)
	a, err := s.AddAgendaAction(ctx, AgendaAction{CustomerID: ids[10], Reason: string(agenda.Cadence), Due: "2026-11-20", Until: "2026-11-25"})
	step("a snooze", err)
	step("the snooze taken back", s.DeleteAgendaAction(ctx, a.ID))

	_, err = s.UpdateCustomer(ctx, ids[11], func(c *Customer) error {
		c.Name, c.Birthday, c.BirthdayLunar = "李四", "11-24", true
		days := 10
		c.CadenceDays = &days
		return nil
	})
	step("a customer edited", err)
	_, err = s.UpdatePurchase(ctx, purchases[0], func(p *Purchase) error { p.Amount = 1_000_000; return nil })
	step("a purchase edited", err)
	_, err = s.UpdatePurchase(ctx, purchases[1], func(p *Purchase) error { p.CustomerID = ids[139]; return nil })
	step("a purchase moved to a customer of another chunk", err)
	_, _, err = s.DeletePurchase(ctx, purchases[2])
	step("a purchase deleted", err)
	step("a customer archived", s.ArchiveCustomer(ctx, ids[12]))
	step("the customer restored", s.RestoreCustomer(ctx, ids[12]))
	step("a customer purged", s.PurgeCustomer(ctx, ids[13]))
	step("a status set by a rule", s.SetStatuses(ctx, []StatusChange{{CustomerID: ids[14], Status: "dropped", Date: "2026-11-01"}}))
	_, err = s.AddCustomer(ctx, Customer{Name: "新客户"}) // joins the last chunk
	step("a customer added", err)
	_, err = s.AddFollowUp(ctx, FollowUp{CustomerID: ids[15], Due: "2026-11-22", What: "回访"})
	step("a follow-up", err)
	step("purchases in bulk", s.Bulk(ctx, func(b *Bulk) error {
		for i := 0; i < 50; i++ {
			p := randomPurchase(rng, ids[20+rng.Intn(100)])
			if _, err := b.AddPurchase(&p); err != nil {
				return err
			}
		}
		return nil
	}))

	// The chunks hold stamps, not days: kept in UTC, read in Beijing.
	inBeijing(t)
	checkKeptAgenda(t, s, "in another time zone")

	// A chunk that does not read is read again.
	if _, err := s.w.ExecContext(ctx, `UPDATE agenda_kept SET data = ? WHERE chunk = 1`, []byte{1, 2}); err != nil {
		t.Fatal(err)
	}
	checkKeptAgenda(t, s, "a damaged chunk")
	if _, err := s.w.ExecContext(ctx, `UPDATE agenda_kept SET data = ? WHERE chunk = 0`, []byte{9}); err != nil {
		t.Fatal(err)
	}
	checkKeptAgenda(t, s, "a chunk in another format")

	// The same chunks a year on (each year's revenue moves on) and, kept
	// again then, a day back (the clock put back: they hold too few days).
	now = s.now()
	s.now = func() time.Time { return now.AddDate(1, 0, 10) }
	checkKeptAgenda(t, s, "a year on")
	if _, err := s.w.ExecContext(ctx, `DELETE FROM agenda_kept`); err != nil {
		t.Fatal(err)
	}
	checkKeptAgenda(t, s, "a year on, kept again")
	s.now = func() time.Time { return now.AddDate(1, 0, 9) }
	checkKeptAgenda(t, s, "a day back")
}

// Something dated after today is not in today's agenda, but is in the
// agenda of the day it falls on: the kept agenda, which holds everything
// recorded, stands aside until then.
func TestKeptAgendaWaitsForLaterDays(t *testing.T) { eachEngine(t, testKeptAgendaWaitsForLaterDays) }

func testKeptAgendaWaitsForLaterDays(t *testing.T) {
	day := func(n int) time.Time { return fixedNow().AddDate(0, 0, n) }
	for i, w := range []func(s *Store, ids []int64, p Purchase) error{
		func(s *Store, ids []int64, _ Purchase) error {
			_, err := s.AddContact(context.Background(), Contact{CustomerID: ids[1], At: day(2).Format(time.RFC3339), Kind: "visit"})
			return err
		},
		func(s *Store, ids []int64, p Purchase) error {
			_, err := s.Pay(context.Background(), ids[0], 100, day(2), p.ID, "")
			return err
		},
		func(s *Store, ids []int64, _ Purchase) error {
			_, err := s.AddSurvey(context.Background(), Survey{CustomerID: ids[2], Date: day(2).Format(DateLayout), Satisfaction: 5, Initiative: 4, Repurchase: 4, Recommend: 5, Resistance: 1})
			return err
		},
	} {
		s := newTestStore(t)
		ids := addCustomers(t, s, 3)
		p, err := s.AddPurchase(context.Background(), Purchase{CustomerID: ids[0], Item: "茶", Quantity: 1, Amount: 500, Paid: new(money.Amount), Date: "2026-10-01"})
		if err != nil {
			t.Fatal(err)
		}
		checkKeptAgenda(t, s, "start")
		if err := w(s, ids, p); err != nil {
			t.Fatal(err)
		}
		checkAgendaKept(t, s, fmt.Sprintf("write %d, today", i), false)
		s.now = func() time.Time { return day(3) }
		checkKeptAgenda(t, s, fmt.Sprintf("write %d, three days on", i))
	}
}

// keptChunks is how many chunks of the kept agenda stand.
func keptChunks(t *testing.T, s *Store) int {
	t.Helper()
	q := `SELECT count(*) FROM agenda_kept`
	if s.pg {
		q = `SELECT count(*) FROM (` + keptChunksPG + `) x`
	}
	var n int
	if err := s.r.QueryRowContext(context.Background(), q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// keptGen is the generation a keeper goes by, read now.
func keptGen(t *testing.T, s *Store) int64 {
	t.Helper()
	if s.pg {
		gen, ok := s.keptGenPG(context.Background())
		if !ok {
			t.Fatal("no generation")
		}
		return gen
	}
	var gen int64
	if err := s.r.QueryRowContext(context.Background(), `SELECT gen FROM agenda_kept_meta`).Scan(&gen); err != nil {
		t.Fatal(err)
	}
	return gen
}

// What was read before a write is not kept after it (SQLite), or does
// not stand (PostgreSQL, where it is kept and its chunk marked).
func TestKeptAgendaNotKeptAfterAWrite(t *testing.T) { eachEngine(t, testKeptAgendaNotKeptAfterAWrite) }

func testKeptAgendaNotKeptAfterAWrite(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	ids := addCustomers(t, s, 3)
	gen := keptGen(t, s)
	cs, read, err := s.agendaRead(ctx, Today(s.now()), true, TierCuts{}, true, nil, true)
	if err != nil || len(cs) != 3 {
		t.Fatal(len(cs), err)
	}
	if _, err := s.AddContact(ctx, Contact{CustomerID: ids[0], At: s.now().Format(time.RFC3339), Kind: "call"}); err != nil {
		t.Fatal(err)
	}
	s.keepAgenda(ctx, gen, cs, read, true)
	if n := keptChunks(t, s); n != 0 {
		t.Fatalf("%d chunks kept from before the write", n)
	}
	// With the generation read after it, they are.
	gen = keptGen(t, s)
	s.keepAgenda(ctx, gen, cs, read, true)
	if n := keptChunks(t, s); n != 1 {
		t.Fatalf("%d chunks kept, want 1", n)
	}
	if s.pg {
		// A keeper that read its number before the latest keeping keeps
		// nothing: what it read is older than what is kept.
		if _, err := s.AddContact(ctx, Contact{CustomerID: ids[1], At: s.now().Format(time.RFC3339), Kind: "call"}); err != nil {
			t.Fatal(err)
		}
		if n := keptChunks(t, s); n != 0 {
			t.Fatalf("%d chunks stand after a write", n)
		}
		s.keepAgenda(ctx, gen-1, cs, read, true)
		var kept int64
		if err := s.r.QueryRowContext(ctx, `SELECT gen FROM agenda_kept`).Scan(&kept); err != nil || kept != gen {
			t.Fatalf("the chunk is kept with %d, want %d (%v)", kept, gen, err)
		}
	}
}

// On PostgreSQL a keeper takes its number only once the writes that
// marked chunks and are still under way have ended: rows it cannot see
// yet must have a later number than what it keeps.
func TestKeptAgendaWaitsForWritesUnderWay(t *testing.T) {
	t.Run("postgres", func(t *testing.T) {
		s := newTestStore(t)
		ctx := context.Background()
		ids := addCustomers(t, s, 2)
		before := keptGen(t, s)
		tx, err := s.w.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if _, err := tx.ExecContext(ctx, `UPDATE customers SET notes = 'x' WHERE id = ?`, ids[0]); err != nil {
			t.Fatal(err)
		}
		if gen, ok := s.keptGenPG(ctx); ok {
			t.Fatalf("number %d taken while a write that marked a chunk is under way", gen)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		if after := keptGen(t, s); after <= before {
			t.Fatalf("number %d after the write, %d before it", after, before)
		}
	})
}
