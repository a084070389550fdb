package store

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/tiering"
)

// teamFixture is a notebook with a team: the admin's store (who owns the
// tables) and a way to connect as each rep, with their own role.
type teamFixture struct {
	admin *Store
	dsn   string // the notebook's address, as the admin
	tag   string // makes role names unique on a shared test server
}

func newTeam(t *testing.T) *teamFixture {
	t.Helper()
	dsn := newPGTestSchema(t)
	admin, err := Open(context.Background(), dsn, Options{Create: true, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	if err := admin.TeamInit(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Twice: it may run again.
	if err := admin.TeamInit(context.Background()); err != nil {
		t.Fatalf("second team init: %v", err)
	}
	return &teamFixture{admin: admin, dsn: dsn, tag: fmt.Sprintf("%08x", rand.Uint32())}
}

// rep adds a rep (a role of its own) and returns its name.
func (f *teamFixture) rep(t *testing.T, name string, manager bool) string {
	t.Helper()
	role := name + "_" + f.tag
	if err := f.admin.TeamAdd(context.Background(), role, manager); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// Roles are the server's, not the schema's: remove them, with
		// their grants, once the schema is gone.
		admin := pgTestAdmin(t)
		admin.Exec(`DROP OWNED BY ` + pgx.Identifier{role}.Sanitize())
		admin.Exec(`DROP ROLE IF EXISTS ` + pgx.Identifier{role}.Sanitize())
	})
	return role
}

// open is the notebook as rep sees it through rolo.
func (f *teamFixture) open(t *testing.T, rep string, opts Options) *Store {
	t.Helper()
	opts.Now = fixedNow
	s, err := Open(context.Background(), pgDSNWith(t, f.dsn, map[string]string{"user": rep}), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// raw is a plain connection as rep, for hand-written SQL.
func (f *teamFixture) raw(t *testing.T, rep string) *sql.DB {
	t.Helper()
	cfg, err := pgx.ParseConfig(pgDSNWith(t, f.dsn, map[string]string{"user": rep}))
	if err != nil {
		t.Fatal(err)
	}
	db := stdlib.OpenDB(*cfg)
	t.Cleanup(func() { db.Close() })
	return db
}

// A rep's own connection cannot read or write another rep's customers,
// purchases or contact notes, through rolo or by hand-written SQL; shared
// customers are the team's; a manager sees all, or one rep's with Rep.
func TestTeamIsolation(t *testing.T) {
	f := newTeam(t)
	ctx := context.Background()
	anna, ben, mia := f.rep(t, "anna", false), f.rep(t, "ben", false), f.rep(t, "mia", true)
	as, bs := f.open(t, anna, Options{}), f.open(t, ben, Options{})

	addWithHistory := func(s *Store, name string) int64 {
		c, err := s.AddCustomer(ctx, Customer{Name: name, Company: name + "公司"})
		if err != nil {
			t.Fatal(err)
		}
		nothing := money.Amount(0)
		if _, err := s.AddPurchase(ctx, Purchase{CustomerID: c.ID, Date: "2026-10-01", Item: "普洱 " + name, Amount: 50000, Paid: &nothing}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Pay(ctx, c.ID, 20000, time.Date(2026, 10, 2, 0, 0, 0, 0, time.UTC), 0, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddContact(ctx, Contact{CustomerID: c.ID, At: "2026-10-02T10:00:00Z", Kind: "call", Summary: "secret note of " + name}); err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	annaID := addWithHistory(as, "王小明")
	benID := addWithHistory(bs, "王大力")

	owner, err := f.admin.Owner(ctx, annaID)
	if err != nil || owner != anna {
		t.Fatalf("owner of anna's customer = %q, %v; want %q", owner, err, anna)
	}
	// Through rolo: Ben finds only his own.
	hits, err := bs.Search(ctx, "王", SearchOptions{})
	if err != nil || len(hits) != 1 || hits[0].Customer.ID != benID {
		t.Errorf("ben's search for 王 = %v, %v; want only his customer %d", hits, err, benID)
	}
	if _, err := bs.Customer(ctx, annaID); KindOf(err) != KindNotFound {
		t.Errorf("ben reading anna's customer: %v, want not found", err)
	}
	if _, err := bs.AddPurchase(ctx, Purchase{CustomerID: annaID, Date: "2026-10-03", Amount: 1}); err == nil {
		t.Error("ben added a purchase to anna's customer")
	}
	if ps, err := bs.Purchases(ctx, annaID, -1); err != nil || len(ps) != 0 {
		t.Errorf("ben reads anna's purchases: %v %v", ps, err)
	}

	// By hand, with Ben's own connection.
	db := f.raw(t, ben)
	for _, q := range []string{
		`SELECT count(*) FROM customers WHERE id = $1`,
		`SELECT count(*) FROM purchases WHERE customer_id = $1`,
		`SELECT count(*) FROM contacts WHERE customer_id = $1`,
		`SELECT count(*) FROM search WHERE customer_id = $1`,
		`SELECT count(*) FROM purchase_totals WHERE customer_id = $1`,
		`SELECT count(*) FROM payments p JOIN purchases q ON q.id = p.purchase_id WHERE q.customer_id = $1`,
	} {
		var n int
		if err := db.QueryRow(q, annaID).Scan(&n); err != nil || n != 0 {
			t.Errorf("ben: %s → %d, %v; want 0", q, n, err)
		}
	}
	var total int
	if err := db.QueryRow(`SELECT count(*) FROM contacts WHERE summary LIKE '%secret%'`).Scan(&total); err != nil || total != 1 {
		t.Errorf("ben sees %d secret notes (%v), want 1 (his own)", total, err)
	}
	for _, q := range []string{
		`UPDATE customers SET notes = 'x' WHERE id = $1`,
		`UPDATE purchases SET amount = 1 WHERE customer_id = $1`,
		`DELETE FROM contacts WHERE customer_id = $1`,
		`DELETE FROM customers WHERE id = $1`,
	} {
		res, err := db.Exec(q, annaID)
		if err != nil {
			t.Errorf("ben: %s: %v", q, err)
			continue
		}
		if n, _ := res.RowsAffected(); n != 0 {
			t.Errorf("ben: %s changed %d rows", q, n)
		}
	}
	for _, q := range []string{
		`INSERT INTO purchases(customer_id, date, amount, created_at) VALUES ($1, '2026-10-05', 1, 'x')`,
		`INSERT INTO contacts(customer_id, at, kind, created_at) VALUES ($1, '2026-10-05', 'call', 'x')`,
		`INSERT INTO customers(name, owner, created_at, updated_at) SELECT 'stolen', 'nobody', 'x', 'x' WHERE $1::bigint > 0`,
		`UPDATE customers SET owner = 'nobody' WHERE id = $1`,
	} {
		if _, err := db.Exec(q, annaID); pgCode(err) != "42501" {
			t.Errorf("ben: %s: err = %v, want insufficient privilege (42501)", q, err)
		}
	}
	// Ben may not take his own customer to another rep either: only a manager assigns.
	if _, err := db.Exec(`UPDATE customers SET owner = $1 WHERE id = $2`, anna, benID); pgCode(err) != "42501" {
		t.Errorf("ben giving his customer away: %v, want 42501", err)
	}
	if err := bs.Assign(ctx, benID, anna); KindOf(err) != KindNotPermitted {
		t.Errorf("ben assigning: %v, want not permitted", err)
	}
	// Anna's purchase is untouched.
	if ps, err := as.Purchases(ctx, annaID, -1); err != nil || len(ps) != 1 || ps[0].Amount != 50000 {
		t.Errorf("anna's purchases after ben's attempts: %v %v", ps, err)
	}

	// Shared with the team: Ben sees and may add to it.
	if err := as.Share(ctx, annaID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := bs.Customer(ctx, annaID); err != nil {
		t.Errorf("ben reading a shared customer: %v", err)
	}
	if _, err := bs.AddContact(ctx, Contact{CustomerID: annaID, At: "2026-10-06T10:00:00Z", Kind: "visit", Summary: "by ben"}); err != nil {
		t.Errorf("ben adding to a shared customer: %v", err)
	}
	if err := as.Share(ctx, annaID, false); err != nil {
		t.Fatal(err)
	}

	// The manager sees everyone, or one rep's with Rep, and assigns.
	ms := f.open(t, mia, Options{})
	if hits, err := ms.Search(ctx, "王", SearchOptions{}); err != nil || len(hits) != 2 {
		t.Errorf("manager's search = %v, %v; want both customers", hits, err)
	}
	only := f.open(t, mia, Options{Rep: anna})
	if hits, err := only.Search(ctx, "王", SearchOptions{}); err != nil || len(hits) != 1 || hits[0].Customer.ID != annaID {
		t.Errorf("manager's search with rep %s = %v, %v", anna, hits, err)
	}
	// By hand too, every table of a customer's records (schema 13 lets a
	// manager who is not narrowed to one rep past the check of each row).
	mconn, err := f.raw(t, mia).Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer mconn.Close()
	for _, narrow := range []string{"", anna} {
		if _, err := mconn.ExecContext(ctx, `SELECT set_config('rolo.rep', $1, false)`, narrow); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{
			`SELECT count(*) FROM purchases WHERE customer_id = $1`,
			`SELECT count(*) FROM contacts WHERE customer_id = $1 AND summary LIKE 'secret%'`,
			`SELECT count(*) FROM search WHERE customer_id = $1 AND doc % 4 = 1`,
			`SELECT count(*) FROM purchase_totals WHERE customer_id = $1`,
			`SELECT count(*) FROM payments p JOIN purchases q ON q.id = p.purchase_id AND q.customer_id = $1`,
		} {
			for _, c := range []struct {
				id   int64
				want int
			}{{annaID, 1}, {benID, 1}} {
				if narrow != "" && c.id == benID {
					c.want = 0
				}
				var n int
				if err := mconn.QueryRowContext(ctx, q, c.id).Scan(&n); err != nil || n != c.want {
					t.Errorf("manager narrowed to %q: %s, customer %d → %d, %v; want %d", narrow, q, c.id, n, err, c.want)
				}
			}
		}
	}
	if err := ms.Assign(ctx, annaID, ben); err != nil {
		t.Fatal(err)
	}
	if _, err := bs.Customer(ctx, annaID); err != nil {
		t.Errorf("ben reading the customer assigned to him: %v", err)
	}
	if _, err := as.Customer(ctx, annaID); KindOf(err) != KindNotFound {
		t.Errorf("anna still reads the customer given to ben: %v", err)
	}
	if err := ms.Assign(ctx, annaID, "nobody_"+f.tag); KindOf(err) != KindNotFound {
		t.Errorf("assigning to a stranger: %v, want not found", err)
	}
	reps, err := f.admin.Reps(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{anna: false, ben: false, mia: true}
	got := 0
	for _, r := range reps {
		if m, ok := want[r.Name]; ok {
			got++
			if r.Manager != m {
				t.Errorf("rep %s manager = %v", r.Name, r.Manager)
			}
		}
	}
	if got != 3 {
		t.Errorf("reps = %v, want %s, %s and %s among them", reps, anna, ben, mia)
	}
}

// Teams need PostgreSQL: a notebook file says so.
func TestTeamOnSQLite(t *testing.T) {
	s := newTestStore(t)
	if err := s.TeamInit(context.Background()); KindOf(err) != KindUnsupported {
		t.Errorf("team init on SQLite: %v, want unsupported", err)
	}
	if err := s.Assign(context.Background(), 1, "anna"); KindOf(err) != KindUnsupported {
		t.Errorf("assign on SQLite: %v, want unsupported", err)
	}
}

// Eight reps write at once: every write that succeeded is there (none
// lost), and no rep ever reads a customer of another (no leaks).
// ROLO_TEAM_SECONDS sets how long (5 s by default; the 30 s run
// with ROLO_TEAM_SECONDS=30).
func TestTeamConcurrentWriters(t *testing.T) {
	f := newTeam(t)
	ctx := context.Background()
	dur := 5 * time.Second
	if v, err := strconv.Atoi(os.Getenv("ROLO_TEAM_SECONDS")); err == nil && v > 0 {
		dur = time.Duration(v) * time.Second
	}
	const reps = 8
	names := make([]string, reps)
	stores := make([]*Store, reps)
	for i := range names {
		names[i] = f.rep(t, fmt.Sprintf("r%d", i), false)
		stores[i] = f.open(t, names[i], Options{})
	}
	var wrote [reps]struct{ customers, purchases int }
	var amounts [reps]int64
	var leaks, failures atomic.Int64
	deadline := time.Now().Add(dur)
	var wg sync.WaitGroup
	for i := range reps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := stores[i]
			var mine []int64
			for n := 0; time.Now().Before(deadline); n++ {
				if n%4 == 0 || len(mine) == 0 {
					c, err := s.AddCustomer(ctx, Customer{Name: fmt.Sprintf("客户 %d-%d", i, n)})
					if err != nil {
						failures.Add(1)
						t.Errorf("rep %d add customer: %v", i, err)
						return
					}
					mine = append(mine, c.ID)
					wrote[i].customers++
				}
				amt := int64(100 + n)
				if _, err := s.AddPurchase(ctx, Purchase{CustomerID: mine[n%len(mine)], Date: "2026-10-01", Amount: money.Amount(amt)}); err != nil {
					failures.Add(1)
					t.Errorf("rep %d add purchase: %v", i, err)
					return
				}
				wrote[i].purchases++
				amounts[i] += amt
				if n%10 == 0 {
					hits, err := s.Search(ctx, "客户", SearchOptions{Limit: 1000, NamesOnly: true})
					if err != nil {
						t.Errorf("rep %d search: %v", i, err)
						return
					}
					prefix := fmt.Sprintf("客户 %d-", i)
					for _, h := range hits {
						if len(h.Customer.Name) < len(prefix) || h.Customer.Name[:len(prefix)] != prefix {
							leaks.Add(1)
						}
					}
				}
			}
		}()
	}
	wg.Wait()
	if failures.Load() > 0 {
		t.FailNow()
	}
	total := 0
	for i, name := range names {
		var nc, np int
		var sum int64
		if err := f.admin.r.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM customers WHERE owner = ?1),
			(SELECT count(*) FROM purchases p JOIN customers c ON c.id = p.customer_id WHERE c.owner = ?1),
			(SELECT coalesce(sum(p.amount), 0) FROM purchases p JOIN customers c ON c.id = p.customer_id WHERE c.owner = ?1)`, name).Scan(&nc, &np, &sum); err != nil {
			t.Fatal(err)
		}
		if nc != wrote[i].customers || np != wrote[i].purchases || sum != amounts[i] {
			t.Errorf("rep %d: stored %d customers, %d purchases, %d; wrote %d, %d, %d", i, nc, np, sum,
				wrote[i].customers, wrote[i].purchases, amounts[i])
		}
		total += np
		// The kept totals agree with the purchases, for each rep's view.
		if rep, err := stores[i].Check(ctx); err != nil || !rep.OK {
			t.Errorf("rep %d check: %+v %v", i, rep, err)
		}
	}
	if leaks.Load() != 0 {
		t.Errorf("%d customers of other reps seen", leaks.Load())
	}
	t.Logf("%d reps, %v: %d purchases written, 0 lost, %d leaks", reps, dur, total, leaks.Load())
	if total < reps {
		t.Errorf("only %d purchases in %v", total, dur)
	}
}

// What a manager keeps (the tier floors) follows every rep's writes, and a
// manager's look at one rep keeps its own: ranks are never stale, and one
// rep's floors never stand for the team's.
func TestTeamKeptTiersFollowEveryWriter(t *testing.T) {
	f := newTeam(t)
	ctx := context.Background()
	today := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	anna, mia := f.rep(t, "anna", false), f.rep(t, "mia", true)
	as, ms := f.open(t, anna, Options{}), f.open(t, mia, Options{})
	mine := f.open(t, mia, Options{Rep: mia})
	buy := func(s *Store, name string, amount money.Amount) int64 { return buyTea(t, s, name, amount) }
	for i := 0; i < 20; i++ {
		buy(ms, fmt.Sprintf("米%d", i), money.Amount(1000*(i+1)))
	}
	tierOf := func(s *Store, id int64) string {
		tr, ok, err := s.TierOf(ctx, id, today)
		if err != nil || !ok {
			t.Fatalf("TierOf %d: %v %v", id, ok, err)
		}
		return string(tr)
	}
	// The manager ranks the team; mia's own view ranks her customers.
	top := buy(ms, "米王", 500000)
	if got := tierOf(ms, top); got != "key" {
		t.Fatalf("mia's best customer is %s in the team", got)
	}
	if got := tierOf(mine, top); got != "key" {
		t.Fatalf("mia's best customer is %s among hers", got)
	}
	// Anna sells more than anyone: the team's key customer changes for the
	// manager at once, though anna wrote it; among mia's own nothing moves.
	big := buy(as, "安大", 900000)
	if got := tierOf(ms, big); got != "key" {
		t.Errorf("anna's big buyer is %s to the manager after anna's write", got)
	}
	if got := tierOf(ms, top); got == "key" {
		t.Errorf("mia's best customer stays key in the team after anna's bigger sale")
	}
	if got := tierOf(mine, top); got != "key" {
		t.Errorf("mia's best customer is %s among her own after anna's sale", got)
	}
	// A write through her own view keeps floors for that view only: the
	// manager's whole-team floors are not replaced by them.
	buy(mine, "米小", 100)
	if got := tierOf(ms, top); got == "key" {
		t.Errorf("after a write through mia's own view, her best customer is key in the team")
	}
	if got := tierOf(mine, top); got != "key" {
		t.Errorf("after a write through mia's own view, her best customer is %s there", got)
	}
}

// A rep's ranking, kept by the rep's own reading of it, follows the
// customers the rep is given (assign) and the team's shared ones (share):
// writes that change no purchase but change whom the rep sees.
func TestTeamKeptTiersFollowWhoARepSees(t *testing.T) {
	f := newTeam(t)
	ctx := context.Background()
	today := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	anna, ben, mia := f.rep(t, "anna", false), f.rep(t, "ben", false), f.rep(t, "mia", true)
	as, bs, ms := f.open(t, anna, Options{}), f.open(t, ben, Options{}), f.open(t, mia, Options{})
	buy := func(s *Store, name string, amount money.Amount) int64 { return buyTea(t, s, name, amount) }
	var top int64
	for i := 0; i < 20; i++ {
		top = buy(as, fmt.Sprintf("安%d", i), money.Amount(1000*(i+1)))
	}
	// Anna's pyramid keeps her floors; her best customer is key.
	annaTier := func(id int64) tiering.Tier {
		t.Helper()
		if _, ok, err := as.TierCuts(ctx, today); err != nil || !ok {
			t.Fatalf("anna's TierCuts: %v %v", ok, err)
		}
		version, kept, err := as.keptState(ctx, as.r)
		if v, _, _, ok := parseTierCuts(kept); err != nil || !ok || v != version {
			t.Fatalf("anna kept %q for version %q (%v)", kept, version, err)
		}
		tr, _, err := as.TierOf(ctx, id, today)
		if err != nil {
			t.Fatal(err)
		}
		return tr
	}
	if got := annaTier(top); got != tiering.Key {
		t.Fatalf("anna's best customer is %s", got)
	}
	// The manager gives anna one of ben's, a bigger buyer.
	given := buy(bs, "本大", 500000)
	if got := annaTier(top); got != tiering.Key {
		t.Fatalf("anna's best customer is %s after ben's sale, which she does not see", got)
	}
	if err := ms.Assign(ctx, given, anna); err != nil {
		t.Fatal(err)
	}
	if got, _, err := as.TierOf(ctx, top, today); err != nil || got == tiering.Key {
		t.Errorf("anna's former best customer is %s (%v) once she was given a bigger one", got, err)
	}
	if got, _, err := as.TierOf(ctx, given, today); err != nil || got != tiering.Key {
		t.Errorf("the customer anna was given is %s (%v) to her", got, err)
	}
	// Ben shares a still bigger buyer with the team.
	shared := buy(bs, "本王", 900000)
	if got := annaTier(given); got != tiering.Key {
		t.Fatalf("anna's given customer is %s", got)
	}
	if err := bs.Share(ctx, shared, true); err != nil {
		t.Fatal(err)
	}
	if got, _, err := as.TierOf(ctx, given, today); err != nil || got == tiering.Key {
		t.Errorf("anna's given customer is %s (%v) once ben shared a bigger one", got, err)
	}
}

// A rep who opens a notebook that needs migrating (made by an older rolo)
// is told that its owner must open it first, and nothing is changed.
func TestTeamRepCannotMigrate(t *testing.T) {
	f := newTeam(t)
	ben := f.rep(t, "ben", false)
	ctx := context.Background()
	if _, err := f.admin.w.ExecContext(ctx, `UPDATE rolo_schema SET version = version - 1`); err != nil {
		t.Fatal(err)
	}
	_, err := Open(ctx, pgDSNWith(t, f.dsn, map[string]string{"user": ben}), Options{Now: fixedNow})
	if KindOf(err) != KindNotPermitted || !strings.Contains(err.Error(), "owner of its tables") || !strings.Contains(err.Error(), "nothing was changed") {
		t.Fatalf("a rep opening an older notebook: %v (kind %v)", err, KindOf(err))
	}
	var version int
	if err := f.admin.r.QueryRowContext(ctx, `SELECT version FROM rolo_schema`).Scan(&version); err != nil || version != SchemaVersionPG()-1 {
		t.Errorf("schema version %d after the refused migration (%v), want %d", version, err, SchemaVersionPG()-1)
	}
	// The owner migrates it; then the rep opens it.
	s, err := Open(ctx, f.dsn, Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	f.open(t, ben, Options{})
}

// A rep's bulk write (an import, the demo) pays the sale just added and an
// earlier one: the team's policies check each payment's sale as it is
// written, so the sales waiting for their COPY go first.
func TestRepBulkPaysItsSales(t *testing.T) {
	f := newTeam(t)
	ctx := context.Background()
	anna := f.open(t, f.rep(t, "anna", false), Options{})
	var cust int64
	err := anna.Bulk(ctx, func(b *Bulk) error {
		var err error
		if cust, err = b.AddCustomer(&Customer{Name: "王小明"}); err != nil {
			return err
		}
		first, err := b.AddPurchase(&Purchase{CustomerID: cust, Date: "2026-01-01", Item: "普洱", Quantity: 1, Amount: 1000, Paid: new(money.Amount)})
		if err != nil {
			return err
		}
		if _, err := b.AddPayment(&Payment{PurchaseID: first, Date: "2026-01-02", Amount: 500}); err != nil {
			return err
		}
		if _, err := b.AddPurchase(&Purchase{CustomerID: cust, Date: "2026-02-01", Item: "红茶", Quantity: 1, Amount: 800}); err != nil {
			return err
		}
		_, err = b.AddPayment(&Payment{PurchaseID: first, Date: "2026-02-02", Amount: 200})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	pays, err := anna.Payments(ctx, cust)
	if err != nil || len(pays) != 2 {
		t.Fatalf("payments %+v, %v", pays, err)
	}
	if rep, err := f.admin.Check(ctx); err != nil || !rep.OK || rep.Totals != 0 {
		t.Fatalf("check after the rep's bulk write: %+v %v", rep, err)
	}
}

// The team's owner and its managers read today's agenda from the kept
// agenda; the reps' writes, under the team's policies, mark what they
// change all the same; a rep, or a manager looking at one rep's customers,
// reads the tables.
func TestTeamKeptAgendaFollowsEveryWriter(t *testing.T) {
	f := newTeam(t)
	ctx := context.Background()
	anna, mia := f.rep(t, "anna", false), f.rep(t, "mia", true)
	as, ms := f.open(t, anna, Options{}), f.open(t, mia, Options{})
	mine := f.open(t, mia, Options{Rep: mia})
	for _, s := range []*Store{as, mine} {
		if s.keptAgendaPG(ctx) {
			t.Fatalf("%s (rep %q) reads the kept agenda, which holds every rep's customers", s.path, s.rep)
		}
	}
	for _, s := range []*Store{f.admin, ms} {
		if !s.keptAgendaPG(ctx) {
			t.Fatalf("%s does not read the kept agenda", s.path)
		}
	}
	c, err := as.AddCustomer(ctx, Customer{Name: "安一"})
	if err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		t.Helper()
		checkKeptAgenda(t, ms, when+" (the manager)")
		checkKeptAgenda(t, f.admin, when+" (the owner)")
	}
	check("a rep's customer")
	if _, err := as.AddPurchase(ctx, Purchase{CustomerID: c.ID, Date: "2026-10-01", Item: "茶", Amount: 1000}); err != nil {
		t.Fatal(err)
	}
	check("a rep's purchase")
	if _, err := as.AddContact(ctx, Contact{CustomerID: c.ID, At: "2026-11-20T08:00:00Z", Kind: "complaint", Summary: "太苦"}); err != nil {
		t.Fatal(err)
	}
	check("a rep's complaint")
	if err := ms.Assign(ctx, c.ID, mia); err != nil {
		t.Fatal(err)
	}
	check("the customer assigned by the manager")
	for _, s := range []*Store{as, mine} {
		d, err := s.Agenda(ctx, Today(s.now()), AgendaOptions{Tiered: true})
		if err != nil {
			t.Fatalf("%s: %v", s.path, err)
		}
		if n := len(d.Customers); s == as && n != 0 || s == mine && n != 1 {
			t.Fatalf("%s (rep %q) sees %d customers in the agenda", s.path, s.rep, n)
		}
	}
	// A rep cannot read the kept agenda by hand either.
	for _, table := range []string{"agenda_kept", "agenda_stale", "agenda_keeper"} {
		var n int
		err := f.raw(t, anna).QueryRowContext(ctx, `SELECT count(*) FROM `+table).Scan(&n)
		if pgCode(err) != "42501" {
			t.Fatalf("a rep reads %s by hand: %d rows (%v)", table, n, err)
		}
	}
	// Nor run the marking function, which runs as the owner, from a
	// trigger of their own (schema 7); the notebook's triggers fire it
	// for the rep's writes all the same (above).
	var may bool
	if err := f.raw(t, anna).QueryRowContext(ctx, `SELECT has_function_privilege('rolo_agenda_stale()', 'EXECUTE')`).Scan(&may); err != nil || may {
		t.Errorf("a rep may execute rolo_agenda_stale: %v (%v)", may, err)
	}
}

// A team set up before the kept agenda existed (schema 5) gets its
// managers' rights to it with the migration.
func TestTeamKeptAgendaAfterMigration(t *testing.T) {
	f := newTeam(t)
	ctx := context.Background()
	mia := f.rep(t, "mia", true)
	for _, q := range []string{
		`REVOKE ALL ON agenda_kept, agenda_stale, agenda_keeper FROM rolo_manager`,
		`UPDATE rolo_schema SET version = 5`,
	} {
		if _, err := f.admin.w.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	var can bool
	if err := f.admin.r.QueryRowContext(ctx, `SELECT has_table_privilege('rolo_manager', 'agenda_kept', 'SELECT')`).Scan(&can); err != nil || can {
		t.Fatalf("managers may read the kept agenda before the migration (%v)", err)
	}
	s, err := Open(ctx, f.dsn, Options{Now: fixedNow}) // the owner migrates it
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if ms := f.open(t, mia, Options{}); !ms.keptAgendaPG(ctx) {
		t.Fatal("after the migration the manager does not read the kept agenda")
	}
}

// buyTea adds a customer who bought tea for amount on 1 October 2026 and
// returns their id.
func buyTea(t *testing.T, s *Store, name string, amount money.Amount) int64 {
	t.Helper()
	ctx := context.Background()
	c, err := s.AddCustomer(ctx, Customer{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddPurchase(ctx, Purchase{CustomerID: c.ID, Date: "2026-10-01", Item: "茶", Amount: amount}); err != nil {
		t.Fatal(err)
	}
	return c.ID
}

// Two teams' notebooks on one server are apart. The group roles are the
// server's, so a manager of one team is a member of rolo_manager on every
// notebook there: each notebook's own list of members (schema 9) decides,
// and another team's rep or manager reads and writes nothing of it, not
// even by hand-written SQL, and rolo says why it will not open it.
func TestTeamsOnOneServerAreApart(t *testing.T) {
	a, b := newTeam(t), newTeam(t)
	ctx := context.Background()
	annaA, miaA := a.rep(t, "anna", false), a.rep(t, "mia", true)
	benB := b.rep(t, "ben", false)
	bs := b.open(t, benB, Options{})
	secret := buyTea(t, bs, "王秘密", 5000)
	shared := buyTea(t, bs, "李共享", 7000)
	if err := b.admin.Share(ctx, shared, true); err != nil {
		t.Fatal(err)
	}
	if _, err := bs.AddContact(ctx, Contact{CustomerID: secret, At: "2026-10-02T10:00:00Z", Kind: "call", Summary: "team B's secret"}); err != nil {
		t.Fatal(err)
	}
	for _, role := range []string{annaA, miaA} {
		db := b.raw(t, role) // team B's notebook, as a member of team A
		for _, q := range []string{
			`SELECT count(*) FROM customers`,
			`SELECT count(*) FROM purchases`,
			`SELECT count(*) FROM contacts`,
			`SELECT count(*) FROM search`,
			`SELECT count(*) FROM purchase_totals`,
			`SELECT count(*) FROM settings`,
			`SELECT count(*) FROM team_members`, // who is in team B (schema 13)
		} {
			var n int
			if err := db.QueryRow(q).Scan(&n); err != nil {
				t.Fatalf("%s: %s: %v", role, q, err)
			}
			if n != 0 {
				t.Errorf("%s, of another team, reads %d rows of team B's notebook: %s", role, n, q)
			}
		}
		if _, err := db.Exec(`INSERT INTO customers (name, owner) VALUES ('入侵者', current_user)`); err == nil {
			t.Errorf("%s, of another team, added a customer to team B's notebook", role)
		}
		if res, err := db.Exec(`UPDATE settings SET value = 'USD' WHERE key = 'currency'`); err == nil {
			if n, _ := res.RowsAffected(); n != 0 {
				t.Errorf("%s, of another team, changed team B's currency", role)
			}
		}
		if res, err := db.Exec(`UPDATE customers SET owner = current_user`); err == nil {
			if n, _ := res.RowsAffected(); n != 0 {
				t.Errorf("%s, of another team, took %d of team B's customers", role, n)
			}
		}
		// The sequences are granted to the team's own members: another
		// team's rep does not move team B's change counter or ids.
		for _, q := range []string{`SELECT nextval('changes')`, `SELECT nextval(pg_get_serial_sequence('purchases', 'id'))`} {
			var n int64
			if err := db.QueryRow(q).Scan(&n); KindOf(err) != KindNotPermitted {
				t.Errorf("%s, of another team: %s = %d, %v; want permission denied", role, q, n, err)
			}
		}
		_, err := Open(ctx, pgDSNWith(t, b.dsn, map[string]string{"user": role}), Options{Now: fixedNow})
		if KindOf(err) != KindNotPermitted || !strings.Contains(err.Error(), "not in this notebook's team") ||
			!strings.Contains(err.Error(), "rolo team add "+role) {
			t.Errorf("rolo opening team B's notebook as %s: %v; want not permitted, saying how to join", role, err)
		}
	}
	// Team B's members see who is in it; none learns it of another role by
	// asking in its name.
	bdb := b.raw(t, benB)
	var members int
	if err := bdb.QueryRow(`SELECT count(*) FROM team_members`).Scan(&members); err != nil || members != 1 {
		t.Errorf("ben reads %d members of his own team (%v), want himself", members, err)
	}
	for _, q := range []struct {
		who  string
		want bool
	}{{benB, true}, {annaA, false}} {
		var in bool
		if err := b.raw(t, annaA).QueryRow(`SELECT rolo_in_team($1, false)`, q.who).Scan(&in); err != nil || in {
			t.Errorf("anna asks whether %s is in team B: %v, %v; want false", q.who, in, err)
		}
		if err := bdb.QueryRow(`SELECT rolo_in_team($1, false)`, q.who).Scan(&in); err != nil || in != (q.who == benB) {
			t.Errorf("ben asks whether %s is in team B: %v, %v", q.who, in, err)
		}
	}
	// Team B's list is its own; a customer of B cannot be given to A's rep.
	reps, err := b.admin.Reps(ctx)
	if err != nil || len(reps) != 1 || reps[0].Name != benB || reps[0].Manager {
		t.Errorf("team B's reps = %v, %v; want ben alone", reps, err)
	}
	if err := b.admin.Assign(ctx, secret, annaA); KindOf(err) != KindNotFound {
		t.Errorf("assigning team B's customer to team A's rep: %v, want no such rep", err)
	}
	// Team A is untouched: its manager still manages it.
	if me, err := a.open(t, miaA, Options{}).Me(ctx); err != nil || !me.Manager {
		t.Errorf("team A's manager in team A: %+v, %v", me, err)
	}
	// Added to team B as a rep, A's manager is a rep there, not a manager.
	if err := b.admin.TeamAdd(ctx, miaA, false); err != nil {
		t.Fatal(err)
	}
	ms := b.open(t, miaA, Options{})
	if me, err := ms.Me(ctx); err != nil || me.Manager {
		t.Errorf("team A's manager as team B's rep: %+v, %v; want a rep", me, err)
	}
	if hits, err := ms.Search(ctx, "王秘密", SearchOptions{}); err != nil || len(hits) != 0 {
		t.Errorf("team A's manager, a rep in team B, finds ben's customer: %v, %v", hits, err)
	}
	if hits, err := ms.Search(ctx, "李共享", SearchOptions{}); err != nil || len(hits) != 1 {
		t.Errorf("team B's shared customer, for its new rep: %v, %v; want it", hits, err)
	}
	// She holds the manager's column privilege (rolo_manager is the
	// server's), but only B's own managers change an owner in B: she takes
	// no shared customer, through rolo or by hand.
	if err := ms.Assign(ctx, shared, miaA); KindOf(err) != KindNotPermitted || !strings.Contains(err.Error(), "only a manager of this team") {
		t.Errorf("team A's manager, a rep in team B, assigns B's shared customer to herself: %v; want not permitted", err)
	}
	if _, err := b.raw(t, miaA).Exec(`UPDATE customers SET owner = current_user WHERE id = $1`, shared); err == nil {
		t.Errorf("team A's manager, a rep in team B, took B's shared customer by hand")
	}
	if owner, err := b.admin.Owner(ctx, shared); err != nil || owner != benB {
		t.Errorf("the shared customer's owner = %q, %v; want %s", owner, err, benB)
	}
	// A member of B uses B's sequences; taken out of the team, no longer.
	var n int64
	if err := b.raw(t, miaA).QueryRow(`SELECT nextval('changes')`).Scan(&n); err != nil {
		t.Errorf("a member of team B moves its change counter: %v", err)
	}
	if _, err := b.admin.TeamRemove(ctx, miaA); err != nil {
		t.Fatal(err)
	}
	if err := b.raw(t, miaA).QueryRow(`SELECT nextval('changes')`).Scan(&n); KindOf(err) != KindNotPermitted {
		t.Errorf("a rep taken out of team B still moves its change counter: %d, %v", n, err)
	}
	// Team B's own manager does change an owner.
	benM := b.rep(t, "boss", true)
	if err := b.open(t, benM, Options{}).Assign(ctx, shared, benB); err != nil {
		t.Errorf("team B's manager assigns a customer: %v", err)
	}
}

// A team set up before schema 9 keeps its members: the migration lists
// whoever the group roles hold, and the new policies apply.
func TestTeamMembersAfterMigration(t *testing.T) {
	f := newTeam(t)
	ctx := context.Background()
	anna, mia := f.rep(t, "anna", false), f.rep(t, "mia", true)
	as := f.open(t, anna, Options{})
	id := buyTea(t, as, "王小明", 5000)
	as.Close()
	// As schema 8 had it: the sequences granted to the group role, not
	// to anna or mia.
	var schema string
	if err := f.admin.w.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		t.Fatal(err)
	}
	seqs := `ALL SEQUENCES IN SCHEMA ` + pgx.Identifier{schema}.Sanitize()
	for _, q := range []string{`DROP TABLE team_members CASCADE`, `UPDATE rolo_schema SET version = 8`,
		`REVOKE ALL ON ` + seqs + ` FROM ` + pgx.Identifier{anna}.Sanitize() + `, ` + pgx.Identifier{mia}.Sanitize(),
		`GRANT USAGE, SELECT ON ` + seqs + ` TO rolo_rep`} {
		if _, err := f.admin.w.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	s, err := Open(ctx, f.dsn, Options{Now: fixedNow}) // the owner migrates it
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	reps, err := s.Reps(ctx)
	if err != nil {
		t.Fatal(err)
	}
	in := map[string]bool{}
	for _, r := range reps {
		in[r.Name] = r.Manager
	}
	if m, ok := in[anna]; !ok || m {
		t.Errorf("after the migration anna is %v (listed %v); want a rep", m, ok)
	}
	if m, ok := in[mia]; !ok || !m {
		t.Errorf("after the migration mia is %v (listed %v); want a manager", m, ok)
	}
	if _, err := f.open(t, anna, Options{}).Customer(ctx, id); err != nil {
		t.Errorf("after the migration anna reads her customer: %v", err)
	}
	if _, err := f.open(t, mia, Options{}).Customer(ctx, id); err != nil {
		t.Errorf("after the migration the manager reads anna's customer: %v", err)
	}
	// Schema 10 grants the sequences to each member: anna still writes.
	buyTea(t, f.open(t, anna, Options{}), "李四", 3000)
	var n int
	if err := f.admin.w.QueryRowContext(ctx, `SELECT count(*) FROM information_schema.usage_privileges
		WHERE grantee = 'rolo_rep' AND object_type = 'SEQUENCE' AND object_schema = current_schema()`).Scan(&n); err != nil || n != 0 {
		t.Errorf("after the migration the group role holds %d sequence grants (%v); want none", n, err)
	}
}

// The latest purchase day is what each connection sees: a rep's own, the
// owner's over all; a rep's kept floors hold as of a day after their own.
func TestTeamLatestPurchaseDay(t *testing.T) {
	f := newTeam(t)
	ctx := context.Background()
	anna, ben := f.rep(t, "anna", false), f.rep(t, "ben", false)
	as, bs := f.open(t, anna, Options{}), f.open(t, ben, Options{})
	id := buyTea(t, as, "王小明", 5000) // 2026-10-01
	if _, err := as.AddPurchase(ctx, Purchase{CustomerID: id, Date: "2026-10-20", Item: "茶", Amount: 100}); err != nil {
		t.Fatal(err)
	}
	bid := buyTea(t, bs, "李四", 3000)
	if _, err := bs.AddPurchase(ctx, Purchase{CustomerID: bid, Date: "2026-11-05", Item: "茶", Amount: 100}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		who  string
		s    *Store
		want string
	}{{"anna", as, "2026-10-20"}, {"ben", bs, "2026-11-05"}, {"the owner", f.admin, "2026-11-05"}} {
		if got, err := c.s.latestPurchaseDay(ctx, "test"); err != nil || got != c.want {
			t.Errorf("%s's latest purchase day = %q, %v; want %s", c.who, got, err, c.want)
		}
	}
	// As of a day between, anna's floors hold (none of hers is later); ben's do not.
	day := time.Date(2026, 10, 25, 0, 0, 0, 0, time.UTC)
	if _, _, past, _, err := as.keptTierCuts(ctx, day); err != nil || past {
		t.Errorf("anna as of %s: past %v, %v; want her floors to hold", day.Format(DateLayout), past, err)
	}
	if _, _, past, _, err := bs.keptTierCuts(ctx, day); err != nil || !past {
		t.Errorf("ben as of %s: past %v, %v; want a later purchase", day.Format(DateLayout), past, err)
	}
}

// The tables' owner (not a superuser, as a careful admin sets a team up)
// added to the team and taken out again keeps the use of its own
// sequences: taking back a member's grants must not take the owner's.
// nonSuperOwner is a new notebook whose tables belong to a role that is
// not a superuser (the policies bind a superuser never, the tables' owner
// only when forced): its store, its address as that role, and the role.
func nonSuperOwner(t *testing.T) (*Store, string, string) {
	t.Helper()
	admin := pgTestAdmin(t)
	owner := fmt.Sprintf("owner_%08x", rand.Uint32())
	ident := pgx.Identifier{owner}.Sanitize()
	if _, err := admin.Exec(`CREATE ROLE ` + ident + ` LOGIN CREATEROLE`); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.Exec(`DROP OWNED BY ` + ident)
		admin.Exec(`DROP ROLE IF EXISTS ` + ident)
	})
	dsn := newPGTestSchema(t) // dropped before the role (cleanups run last first)
	u, _ := url.Parse(dsn)
	schema := strings.Split(u.Query().Get("search_path"), ",")[0]
	if _, err := admin.Exec(`ALTER SCHEMA ` + schema + ` OWNER TO ` + ident); err != nil {
		t.Fatal(err)
	}
	for _, g := range []string{pgRepRole, pgManagerRole} {
		// Group roles of the server, made by an earlier test or here; the
		// owner grants them to reps.
		admin.Exec(`CREATE ROLE ` + g + ` NOLOGIN`)
		if _, err := admin.Exec(`GRANT ` + g + ` TO ` + ident + ` WITH ADMIN OPTION`); err != nil {
			t.Fatal(err)
		}
	}
	ownerDSN := pgDSNWith(t, dsn, map[string]string{"user": owner})
	s, err := Open(context.Background(), ownerDSN, Options{Create: true, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, ownerDSN, owner
}

func TestTeamRemoveOfTheOwner(t *testing.T) {
	ctx := context.Background()
	s, _, owner := nonSuperOwner(t)
	if err := s.TeamInit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.TeamAdd(ctx, owner, true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TeamRemove(ctx, owner); err != nil {
		t.Fatal(err)
	}
	buyTea(t, s, "王小明", 5000) // takes ids from the sequences and moves the change counter
}

// A rep's or a manager's search takes its matches from the trigram index
// through rolo_find_docs (schema 12), which keeps only the customers the
// asking role sees, by the policies' rule, and answers no role in another's
// name, also when called by hand.
func TestTeamFindThroughTheIndex(t *testing.T) {
	f := newTeam(t)
	ctx := context.Background()
	anna, ben, mia := f.rep(t, "anna", false), f.rep(t, "ben", false), f.rep(t, "mia", true)
	as, bs := f.open(t, anna, Options{}), f.open(t, ben, Options{})
	buy := func(s *Store, name, item string) int64 {
		c, err := s.AddCustomer(ctx, Customer{Name: name})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddPurchase(ctx, Purchase{CustomerID: c.ID, Date: "2026-10-01", Item: item, Amount: 100}); err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	if _, err := as.AddCustomer(ctx, Customer{Name: "李四"}); err != nil { // the first profile holds no 王
		t.Fatal(err)
	}
	mine := buy(as, "王小明", "普洱茶饼")
	secret := buy(bs, "王秘密", "普洱茶砖")
	shared := buy(bs, "李共享", "普洱茶叶")
	if err := f.admin.Share(ctx, shared, true); err != nil {
		t.Fatal(err)
	}
	ids := func(s *Store, q string) []int64 {
		if !s.policed {
			t.Fatal("a team member's connection is not policed")
		}
		hits, err := s.Search(ctx, q, SearchOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, h := range hits {
			out = append(out, h.Customer.ID)
		}
		slices.Sort(out)
		return out
	}
	// 王, one character, is looked up by the profiles' characters once the
	// first profile (李四's) shows it is rare.
	defer func(n int) { shortWalk = n }(shortWalk)
	shortWalk = 1
	ms, ma := f.open(t, mia, Options{}), f.open(t, mia, Options{Rep: anna})
	// 茶砖 and 茶叶, two characters, are scanned for in the purchases'
	// rows (schema 13).
	for _, c := range []struct {
		who                        string
		s                          *Store
		tea, wangs, bricks, leaves []int64
	}{
		{"anna", as, []int64{mine, shared}, []int64{mine}, nil, []int64{shared}},
		{"ben", bs, []int64{secret, shared}, []int64{secret}, []int64{secret}, []int64{shared}},
		{"mia", ms, []int64{mine, secret, shared}, []int64{mine, secret}, []int64{secret}, []int64{shared}},
		{"mia looking at anna", ma, []int64{mine}, []int64{mine}, nil, nil},
	} {
		for _, q := range []struct {
			text string
			want []int64
		}{{"普洱茶", c.tea}, {"王", c.wangs}, {"茶砖", c.bricks}, {"茶叶", c.leaves}} {
			if got := ids(c.s, q.text); !slices.Equal(got, q.want) {
				t.Errorf("%s finds %v for %s, want %v", c.who, got, q.text, q.want)
			}
		}
	}
	db := f.raw(t, anna)
	count := func(who string) int {
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM rolo_find_docs('%普洱茶%', -1, 100, $1)`, who).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(anna); n != 2 {
		t.Errorf("rolo_find_docs by hand, as anna: %d rows, want her customer's and the shared one's", n)
	}
	for _, c := range []struct {
		pattern string
		want    int
	}{{"%茶砖%", 0}, {"%茶%", 2}} {
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM rolo_find_docs($1, -1, 100, $2, NULL, 1)`, c.pattern, anna).Scan(&n); err != nil || n != c.want {
			t.Errorf("rolo_find_docs scanning for %s by hand, as anna: %d rows, %v; want %d", c.pattern, n, err, c.want)
		}
	}
	for _, who := range []string{ben, mia} {
		if n := count(who); n != 0 {
			t.Errorf("rolo_find_docs by hand, anna asking as %s: %d rows, want none", who, n)
		}
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM rolo_find_docs('%茶砖%', -1, 100, $1, NULL, 1)`, who).Scan(&n); err != nil || n != 0 {
			t.Errorf("rolo_find_docs scanning by hand, anna asking as %s: %d rows, %v; want none", who, n, err)
		}
	}
	// A temporary table of hers named like the notebook's does not answer
	// for it inside the function, which runs with the owner's rights.
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var n int
	if _, err := conn.ExecContext(ctx, `CREATE TEMP TABLE customers AS
		SELECT g AS id, CAST($1 AS text) AS owner, 0 AS shared FROM generate_series(1, 1000) g`, anna); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM rolo_find_docs('%普洱茶%', -1, 100, $1)`, anna).Scan(&n); err != nil || n != 2 {
		t.Errorf("rolo_find_docs beside anna's own temporary customers table: %d rows, %v; want 2", n, err)
	}
}

// A list of ids is looked up in the customers' key for a rep too (schema
// 13): cast id by id, the list was a condition PostgreSQL keeps behind the
// policies, and the server read every customer the rep sees instead.
func TestTeamIDListUsesTheKey(t *testing.T) {
	f := newTeam(t)
	ctx := context.Background()
	anna := f.rep(t, "anna", false)
	if _, err := f.admin.w.ExecContext(ctx, `INSERT INTO customers (name, owner, created_at, updated_at)
		SELECT 'c' || g, $1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z' FROM generate_series(1, 20000) g`, anna); err != nil {
		t.Fatal(err)
	}
	if _, err := f.admin.w.ExecContext(ctx, `ANALYZE customers`); err != nil {
		t.Fatal(err)
	}
	conn, err := f.raw(t, anna).Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SET jit = off`); err != nil {
		t.Fatal(err)
	}
	plan := strings.Join(column[string](t, onConn{ctx, conn}, `EXPLAIN SELECT id, name FROM customers WHERE id IN (SELECT value FROM rolo_ids($1))`, "[3,5,8]"), "\n")
	if !strings.Contains(plan, "customers_pkey") || strings.Contains(plan, "Seq Scan on customers") {
		t.Errorf("a rep's customers by a list of ids, not from the key:\n%s", plan)
	}
	var n int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM customers WHERE id IN (SELECT value FROM rolo_ids($1))`, "[3,5,8,99999999]").Scan(&n); err != nil || n != 3 {
		t.Errorf("a rep's customers by a list of ids: %d, %v; want 3", n, err)
	}
}

// The tables' owner backs the notebook up with pg_dump, which reads every
// table with row_security off and stops at one whose policies bind the
// owner. The state table's did (FORCE ROW LEVEL SECURITY, schema 1) until
// schema 13; rolo's own reads of it name the rep instead.
func TestOwnerDumpsTheNotebook(t *testing.T) {
	ctx := context.Background()
	s, ownerDSN, owner := nonSuperOwner(t)
	if err := s.TeamInit(ctx); err != nil {
		t.Fatal(err)
	}
	role := "anna_" + strings.TrimPrefix(owner, "owner_")
	if err := s.TeamAdd(ctx, role, false); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin := pgTestAdmin(t)
		admin.Exec(`DROP OWNED BY ` + pgx.Identifier{role}.Sanitize())
		admin.Exec(`DROP ROLE IF EXISTS ` + pgx.Identifier{role}.Sanitize())
	})
	rep, err := Open(ctx, pgDSNWith(t, ownerDSN, map[string]string{"user": role}), Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Close()
	for _, c := range []struct {
		s     *Store
		value string
	}{{rep, "anna's"}, {s, "the owner's"}} {
		if err := c.s.setState(ctx, c.s.w, "test.kept", c.value); err != nil {
			t.Fatal(err)
		}
	}
	if v, ok, err := s.state(ctx, s.r, "test.kept"); err != nil || !ok || v != "the owner's" {
		t.Errorf("the owner reads %q, %v, %v; want their own value", v, ok, err)
	}
	cfg, err := pgx.ParseConfig(ownerDSN)
	if err != nil {
		t.Fatal(err)
	}
	db := stdlib.OpenDB(*cfg)
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SET row_security = off`); err != nil {
		t.Fatal(err)
	}
	tables := column[string](t, onConn{ctx, conn}, `SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema() ORDER BY 1`)
	if len(tables) < 10 {
		t.Fatalf("the notebook's tables: %v", tables)
	}
	for _, name := range tables {
		var n int
		if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM `+pgx.Identifier{name}.Sanitize()).Scan(&n); err != nil {
			t.Errorf("the owner reads %s with row_security off, as pg_dump does: %v", name, err)
		}
	}
}
