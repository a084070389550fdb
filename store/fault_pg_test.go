package store

import (
	"context"
	"slices"
	"testing"
	"time"
)

// A server that is not there: a plain error of its own kind (the CLI exits
// 3), naming the server, never the password.
func TestPGUnreachable(t *testing.T) {
	_, err := Open(context.Background(), "postgres://rep:s3cret@127.0.0.1:1/notebook?connect_timeout=2", Options{})
	if KindOf(err) != KindUnavailable {
		t.Fatalf("open on a closed port: %v (kind %v), want unavailable", err, KindOf(err))
	}
	if msg := err.Error(); containsAny(msg, "s3cret") {
		t.Errorf("message shows the password: %s", msg)
	}
	if _, err := Open(context.Background(), "postgres://rep:s3cret@[bad/notebook", Options{}); KindOf(err) != KindInvalid || containsAny(err.Error(), "s3cret") {
		t.Errorf("bad address: %v", err)
	}
}

func containsAny(s string, subs ...string) bool {
	for _, x := range subs {
		for i := 0; i+len(x) <= len(s); i++ {
			if s[i:i+len(x)] == x {
				return true
			}
		}
	}
	return false
}

// A connection killed in the middle of a bulk write (an import) leaves
// nothing of it: the server rolls the transaction back.
func TestPGConnectionKilledDuringBulk(t *testing.T) {
	s := newPGTestStore(t)
	ctx := context.Background()
	c, err := s.AddCustomer(ctx, Customer{Name: "王小明"})
	if err != nil {
		t.Fatal(err)
	}
	admin := pgTestAdmin(t)
	err = s.Bulk(ctx, func(b *Bulk) error {
		for i := range 3000 {
			if _, err := b.AddCustomer(&Customer{Name: "新客户"}); err != nil {
				return err
			}
			if _, err := b.AddPurchase(&Purchase{CustomerID: c.ID, Date: "2026-10-01", Amount: 100}); err != nil {
				return err
			}
			if i == 1000 {
				var pid int
				if err := b.tx.QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
					return err
				}
				if _, err := admin.Exec(`SELECT pg_terminate_backend($1)`, pid); err != nil {
					t.Fatal(err)
				}
			}
		}
		return nil
	})
	if KindOf(err) != KindUnavailable {
		t.Errorf("bulk after its connection was killed: %v (kind %v), want unavailable", err, KindOf(err))
	}
	var customers, purchases int
	if err := s.r.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM customers), (SELECT count(*) FROM purchases)`).Scan(&customers, &purchases); err != nil {
		t.Fatal(err)
	}
	if customers != 1 || purchases != 0 {
		t.Errorf("after the killed bulk write: %d customers, %d purchases; want 1 and 0", customers, purchases)
	}
	// The store goes on with a new connection.
	if _, err := s.AddPurchase(ctx, Purchase{CustomerID: c.ID, Date: "2026-10-02", Amount: 5}); err != nil {
		t.Errorf("a write after the killed connection: %v", err)
	}
}

// A newer schema is refused untouched; an empty database is no notebook
// unless asked to create one; a database of another program is refused.
func TestPGSchemaVersions(t *testing.T) {
	ctx := context.Background()
	dsn := newPGTestSchema(t)
	if _, err := Open(ctx, dsn, Options{}); KindOf(err) != KindNoNotebook {
		t.Errorf("empty database: %v, want no notebook", err)
	}
	s, err := Open(ctx, dsn, Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.ExecContext(ctx, `UPDATE rolo_schema SET version = version + 1`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(ctx, dsn, Options{}); KindOf(err) != KindTooNew {
		t.Errorf("newer schema: %v, want too new", err)
	}
	if err := Create(ctx, dsn, Options{}, nil); KindOf(err) != KindTooNew && KindOf(err) != KindExists {
		t.Errorf("create over a notebook: %v", err)
	}
	other := newPGTestSchema(t)
	admin := pgTestAdmin(t)
	if _, err := admin.Exec(`CREATE TABLE ` + pgSchemaOf(t, other) + `.orders (id int)`); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ctx, other, Options{Create: true}); KindOf(err) != KindNotNotebook {
		t.Errorf("database of another program: %v, want not a notebook", err)
	}
}

// A notebook of schema 2 (days as text) migrates to days as PostgreSQL
// dates, in place: the same rows and the same days read back, the kept
// totals included, and the server now refuses a day that is not one.
func TestPGDaysBecomeDates(t *testing.T) {
	ctx := context.Background()
	dsn := newPGTestSchema(t)
	admin := pgTestAdmin(t)
	schema := pgSchemaOf(t, dsn)
	ms, err := loadMigrationsFrom(pgMigrationFS, "migrations_pg")
	if err != nil {
		t.Fatal(err)
	}
	tx, err := admin.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`SET LOCAL search_path = ` + schema + `, public`); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms[:2] {
		if _, err := tx.Exec(m.sql); err != nil {
			t.Fatalf("%s: %v", m.name, err)
		}
	}
	for _, q := range []string{
		`INSERT INTO rolo_schema(version) VALUES (2)`,
		`INSERT INTO customers(id, name, created_at, updated_at) VALUES (1, '王芳', '2026-01-02T03:04:05Z', '2026-01-02T03:04:05Z')`,
		`INSERT INTO purchases(id, customer_id, date, amount, paid, next_date, created_at) VALUES
			(1, 1, '2024-02-29', 1000, 500, '2024-05-01', 'x'), (2, 1, '2026-03-01', 2500, NULL, '', 'x')`,
		`INSERT INTO payments(purchase_id, date, amount, created_at) VALUES (1, '2024-03-15', 200, 'x')`,
		`INSERT INTO followups(customer_id, due, what, created_at) VALUES (1, '2026-12-24', 'call', 'x')`,
		`INSERT INTO surveys(customer_id, date, satisfaction, initiative, repurchase, recommend, resistance, created_at) VALUES (1, '2025-06-30', 5, 4, 3, 2, 1, 'x')`,
		`INSERT INTO status_history(customer_id, status, date) VALUES (1, 'active', '2024-02-29')`,
		`INSERT INTO tier_history(customer_id, method, tier, date) VALUES (1, 'pyramid', 'key', '2026-03-01')`,
		`INSERT INTO purchase_totals(customer_id, revenue, profit, paid, n, days, first, last, gap, next_date, uncosted)
			VALUES (1, 3500, 0, 3200, 2, 2, '2024-02-29', '2026-03-01', 731, '', 3500)`,
	} {
		if _, err := tx.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}

	s, err := Open(ctx, dsn, Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var version int
	if err := s.r.QueryRowContext(ctx, `SELECT version FROM rolo_schema`).Scan(&version); err != nil || version != SchemaVersionPG() {
		t.Fatalf("schema version %d (%v), want %d", version, err, SchemaVersionPG())
	}
	dates := column[string](t, admin, `SELECT table_name || '.' || column_name FROM information_schema.columns
		WHERE table_schema = $1 AND data_type = 'date' ORDER BY 1`, schema)
	want := []string{"followups.due", "payments.date", "purchase_totals.first", "purchase_totals.last", "purchases.date",
		"status_history.date", "surveys.date", "tier_history.date"}
	if !slices.Equal(dates, want) {
		t.Errorf("date columns %v, want %v", dates, want)
	}
	ps, err := s.Purchases(ctx, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 2 || ps[0].Date != "2026-03-01" || ps[1].Date != "2024-02-29" || ps[1].NextDate != "2024-05-01" || ps[0].NextDate != "" {
		t.Errorf("purchases read back: %+v", ps)
	}
	fs, err := s.FollowUps(ctx, 1, false)
	if err != nil || len(fs) != 1 || fs[0].Due != "2026-12-24" {
		t.Errorf("follow-ups read back: %+v, %v", fs, err)
	}
	ms2, err := s.Metrics(ctx, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), MetricsOptions{Lean: true})
	if err != nil || len(ms2) != 1 || ms2[0].First.Format(DateLayout) != "2024-02-29" || ms2[0].Last.Format(DateLayout) != "2026-03-01" {
		t.Errorf("kept totals read back: %+v, %v", ms2, err)
	}
	if _, err := s.w.ExecContext(ctx, `INSERT INTO purchases(customer_id, date, amount, created_at) VALUES (1, '2026-02-30', 1, 'x')`); err == nil {
		t.Error("the server took 2026-02-30 for a day")
	}
}

// rolo's connections do without JIT compilation unless the address asks
// for it; the server's own planner costs stand.
func TestPGSessionSettings(t *testing.T) {
	dsn := newPGTestSchema(t)
	ctx := context.Background()
	var server string
	if err := pgTestAdmin(t).QueryRow(`SELECT current_setting('random_page_cost')`).Scan(&server); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		set        map[string]string
		jit, pages string
	}{
		{nil, "off", server},
		{map[string]string{"jit": "on", "random_page_cost": "1.1"}, "on", "1.1"},
	} {
		s, err := Open(ctx, pgDSNWith(t, dsn, c.set), Options{Create: true, Now: fixedNow})
		if err != nil {
			t.Fatal(err)
		}
		var jit, pages string
		if err := s.r.QueryRowContext(ctx, `SELECT current_setting('jit'), current_setting('random_page_cost')`).Scan(&jit, &pages); err != nil {
			t.Fatal(err)
		}
		s.Close()
		if jit != c.jit || pages != c.pages {
			t.Errorf("address setting %v: jit %s, random_page_cost %s; want %s, %s", c.set, jit, pages, c.jit, c.pages)
		}
	}
}
