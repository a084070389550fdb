package store

import (
	"context"
	"testing"
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
