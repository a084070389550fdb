package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"
)

// Bulk writes many rows in one transaction with prepared statements. It is
// what imports and the demo generator use: all rows land, or none do.
//
// The search index and the kept purchase totals are not touched row by
// row: at the end both are rebuilt for the customers touched, a statement
// or two each, from the same definitions single writes use.
type Bulk struct {
	s       *Store
	ctx     context.Context
	tx      *sql.Tx
	ins     map[string]*sql.Stmt
	touched [3]map[int64]bool // customers whose search rows need rebuilding, per source
	bought  map[int64]bool    // customers who had purchases before and got more
	firstID int64             // purchases after this id were written by this bulk
	fresh   freshSearch       // purchase search text of customers without earlier purchases
	recount bool              // a status or archive changed: who is ranked may have
}

// Bulk runs fn with a Bulk writer inside one BEGIN IMMEDIATE transaction.
func (s *Store) Bulk(ctx context.Context, fn func(b *Bulk) error) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		b := &Bulk{s: s, ctx: ctx, tx: tx, ins: map[string]*sql.Stmt{}, bought: map[int64]bool{}}
		for i := range b.touched {
			b.touched[i] = map[int64]bool{}
		}
		defer func() {
			for _, st := range b.ins {
				st.Close()
			}
		}()
		var small bool
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0), count(*) < 50000 FROM purchases`).Scan(&b.firstID, &small); err != nil {
			return s.wrap("bulk", err)
		}
		// While the purchase table is small, building its indexes once at
		// the end is cheaper than a million scattered updates: they step
		// aside for the transaction and are put back, word for word,
		// before it commits.
		restore := func() error { return nil }
		if small {
			var err error
			if restore, err = s.stepAside(ctx, tx, `type = 'index' AND tbl_name = 'purchases' AND sql IS NOT NULL`); err != nil {
				return err
			}
		}
		if err := fn(b); err != nil {
			return err
		}
		for _, st := range b.ins {
			st.Close()
		}
		clear(b.ins)
		if err := restore(); err != nil {
			return err
		}
		if err := b.finishPurchases(); err != nil {
			return err
		}
		for src, ids := range b.touched {
			if len(ids) == 0 {
				continue
			}
			list := make([]int64, 0, len(ids))
			for id := range ids {
				list = append(list, id)
			}
			js, err := json.Marshal(list)
			if err != nil {
				return err
			}
			if err := s.reindex(ctx, tx, src, `SELECT value AS id FROM json_each(?)`, string(js)); err != nil {
				return err
			}
		}
		if len(b.bought) > 0 || b.fresh.n > 0 || b.recount {
			return s.bumpPurchases(ctx, tx, nil) // many moved: rank everyone
		}
		return nil
	})
}

// finishPurchases writes the kept totals and purchase search rows of the
// customers who got purchases: for customers without earlier ones from the
// new rows alone (read in id order, no look-ups), for the others from all
// their purchases.
func (b *Bulk) finishPurchases() error {
	ctx, tx, s := b.ctx, b.tx, b.s
	if b.fresh.n > 0 {
		fresh := `p.id > ?1 AND p.customer_id NOT IN (SELECT customer_id FROM purchase_totals)`
		if _, err := tx.ExecContext(ctx, `INSERT INTO purchase_totals(`+totalsCols+`)
			SELECT t.*, `+latestNext+` FROM (`+totalsQuery("purchases p", fresh, "")+`) t`, b.firstID); err != nil {
			return s.wrap("bulk totals", err)
		}
		if err := s.regap(ctx, tx, `id > ?1 AND customer_id IN (SELECT value FROM json_each(?2))`, b.firstID, jsonIDs(b.fresh.ids())); err != nil {
			return err
		}
		if err := b.fresh.write(ctx, s, tx); err != nil {
			return err
		}
	}
	if len(b.bought) > 0 {
		ids := make([]int64, 0, len(b.bought))
		for id := range b.bought {
			ids = append(ids, id)
		}
		if err := s.retotal(ctx, tx, `customer_id IN (SELECT value FROM json_each(?))`, jsonIDs(ids)); err != nil {
			return err
		}
		for _, id := range ids {
			b.touched[srcPurchase][id] = true
		}
	}
	if b.fresh.n == 0 && len(b.bought) == 0 {
		return nil
	}
	// A prospect who bought is an active customer, since their first purchase.
	if _, err := tx.ExecContext(ctx, `INSERT INTO status_history(customer_id, status, reason, date, auto)
		SELECT c.id, 'active', '', t.first, 1 FROM customers c JOIN purchase_totals t ON t.customer_id = c.id
		WHERE c.status = 'prospect'`); err != nil {
		return s.wrap("bulk status", err)
	}
	_, err := tx.ExecContext(ctx, `UPDATE customers SET status = 'active'
		WHERE status = 'prospect' AND id IN (SELECT customer_id FROM purchase_totals)`)
	return s.wrap("bulk status", err)
}

// stepAside drops the schema objects (indexes) that where selects from
// sqlite_schema, inside transaction tx; restore creates them again from
// their own SQL. Nothing is committed in between, so a failure or a crash
// leaves the schema as it was.
func (s *Store) stepAside(ctx context.Context, tx *sql.Tx, where string) (restore func() error, err error) {
	type object struct{ kind, name, sql string }
	rows, err := tx.QueryContext(ctx, `SELECT type, name, sql FROM sqlite_schema WHERE `+where)
	if err != nil {
		return nil, s.wrap("bulk", err)
	}
	var objs []object
	for rows.Next() {
		var o object
		if err := rows.Scan(&o.kind, &o.name, &o.sql); err != nil {
			rows.Close()
			return nil, s.wrap("bulk", err)
		}
		objs = append(objs, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, s.wrap("bulk", err)
	}
	for _, o := range objs {
		if _, err := tx.ExecContext(ctx, `DROP `+strings.ToUpper(o.kind)+` "`+o.name+`"`); err != nil {
			return nil, s.wrap("bulk", err)
		}
	}
	return func() error {
		// Indexes are built by sorting: with a smaller cache, less memory.
		return s.wrap("bulk", withCache(ctx, tx, 16384, func() error {
			for _, o := range objs {
				if _, err := tx.ExecContext(ctx, o.sql); err != nil {
					return err
				}
			}
			return nil
		}))
	}, nil
}

// ExecContext runs q as a cached prepared statement of the transaction.
func (b *Bulk) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	st, err := b.stmt(q)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (b *Bulk) stmt(q string) (*sql.Stmt, error) {
	if st, ok := b.ins[q]; ok {
		return st, nil
	}
	st, err := b.tx.PrepareContext(b.ctx, q)
	if err != nil {
		return nil, b.s.wrap("prepare", err)
	}
	b.ins[q] = st
	return st, nil
}

// AddCustomer inserts a validated customer and returns its id.
func (b *Bulk) AddCustomer(c *Customer) (int64, error) {
	id, err := b.s.insertCustomer(b.ctx, b, c)
	if err == nil {
		b.touched[srcCustomer][id] = true
	}
	return id, err
}

// AddPurchase inserts a validated purchase and returns its id.
func (b *Bulk) AddPurchase(p *Purchase) (int64, error) {
	id, err := b.s.insertPurchase(b.ctx, b, p)
	if err != nil {
		return 0, err
	}
	acc, err := b.fresh.of(b, p.CustomerID)
	if err != nil {
		return 0, err
	}
	if acc != nil {
		acc.add(p)
	} else {
		b.bought[p.CustomerID] = true
	}
	return id, nil
}

// AddContact inserts a validated contact and returns its id.
func (b *Bulk) AddContact(c *Contact) (int64, error) {
	if err := c.Validate(); err != nil {
		return 0, err
	}
	id, err := b.s.insertContact(b.ctx, b, c)
	if err == nil {
		b.touched[srcContact][c.CustomerID] = true
	}
	return id, err
}

// AddFollowUp inserts a validated follow-up and returns its id.
func (b *Bulk) AddFollowUp(f *FollowUp) (int64, error) {
	return b.s.insertFollowUp(b.ctx, b, f)
}

// AddSurvey inserts a validated survey and returns its id.
func (b *Bulk) AddSurvey(v *Survey) (int64, error) {
	return b.s.insertSurvey(b.ctx, b, v)
}

// AddPayment inserts a validated payment after the sale and returns its id.
func (b *Bulk) AddPayment(p *Payment) (int64, error) {
	var cust int64
	if err := b.tx.QueryRowContext(b.ctx, `SELECT customer_id FROM purchases WHERE id = ?`, p.PurchaseID).Scan(&cust); err != nil {
		return 0, Errorf(KindNotFound, "no purchase with id %d", p.PurchaseID)
	}
	id, err := b.s.insertPayment(b.ctx, b, p)
	if err == nil && b.fresh.before[cust] {
		b.bought[cust] = true // totals of an earlier buyer are rebuilt at the end
	}
	return id, err
}

// AddEvent inserts a validated event and returns its id.
func (b *Bulk) AddEvent(e *Event) (int64, error) {
	if err := e.Validate(); err != nil {
		return 0, err
	}
	if e.CreatedAt == "" {
		e.CreatedAt = b.s.stamp()
	}
	r, err := b.ExecContext(b.ctx, `INSERT INTO events(id, customer_id, what, date, lunar, leap, once, created_at) VALUES (?,?,?,?,?,?,?,?)`,
		nullID(e.ID), e.CustomerID, e.What, e.Date, e.Lunar, e.Leap, e.Once, e.CreatedAt)
	if err != nil {
		return 0, b.s.wrap("add event", err)
	}
	return r.LastInsertId()
}

// SetAttitude sets a customer's attitude (price_driven, harmful...).
func (b *Bulk) SetAttitude(id int64, attitude string) error {
	_, err := b.ExecContext(b.ctx, `UPDATE customers SET attitude = ? WHERE id = ?`, attitude, id)
	return b.s.wrap("set attitude", err)
}

// SetStatus sets a customer's status and lost reason, as of a day.
func (b *Bulk) SetStatus(id int64, status, reason string, on time.Time) error {
	if _, err := b.ExecContext(b.ctx, `UPDATE customers SET status = ?, lost_reason = ? WHERE id = ?`, status, reason, id); err != nil {
		return b.s.wrap("set status", err)
	}
	b.recount = true
	return b.s.recordStatus(b.ctx, b, id, status, reason, on, false)
}

// ReplaceCustomer overwrites every profile field of customer c.ID (an
// import upsert). created_at is kept unless c carries one.
func (b *Bulk) ReplaceCustomer(c *Customer) error {
	if err := c.Validate(); err != nil {
		return err
	}
	args, err := c.args()
	if err != nil {
		return err
	}
	if c.UpdatedAt == "" {
		c.UpdatedAt = b.s.stamp()
	}
	var arch any
	if c.ArchivedAt != nil {
		arch = *c.ArchivedAt
	}
	args = append(args, c.UpdatedAt, arch, c.CreatedAt, c.ID)
	res, err := b.ExecContext(b.ctx, `UPDATE customers SET `+customerSets()+`, updated_at = ?, archived_at = ?,
		created_at = coalesce(nullif(?, ''), created_at) WHERE id = ?`, args...)
	if err != nil {
		return b.s.customerWriteErr(err, c)
	}
	b.touched[srcCustomer][c.ID] = true
	b.recount = true
	return expectOne(res, "customer", c.ID)
}

// SetReferredBy links a customer to the customer who referred them.
func (b *Bulk) SetReferredBy(id int64, ref *int64) error {
	var v any
	if ref != nil {
		v = *ref
	}
	_, err := b.ExecContext(b.ctx, `UPDATE customers SET referred_by = ? WHERE id = ?`, v, id)
	if err != nil {
		return b.s.customerWriteErr(err, &Customer{})
	}
	return nil
}
