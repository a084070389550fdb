package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/rolo-crm/rolo/tiering/agenda"
)

// Bulk writes many rows in one transaction with prepared statements. It is
// what imports and the demo generator use: all rows land, or none do.
//
// While it runs, the per-row purchase-totals trigger is off (the internal
// setting 'bulk' exists inside the transaction only) and the search index
// is not touched; at the end both are rebuilt for the customers touched,
// with one statement each.
type Bulk struct {
	s       *Store
	ctx     context.Context
	tx      *sql.Tx
	ins     map[string]*sql.Stmt
	touched [3]map[int64]bool // customers whose search rows need rebuilding, per source
	fresh   freshTotals       // purchase totals built as purchases are written
}

// Bulk runs fn with a Bulk writer inside one BEGIN IMMEDIATE transaction.
func (s *Store) Bulk(ctx context.Context, fn func(b *Bulk) error) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		b := &Bulk{s: s, ctx: ctx, tx: tx, ins: map[string]*sql.Stmt{}}
		for i := range b.touched {
			b.touched[i] = map[int64]bool{}
		}
		defer func() {
			for _, st := range b.ins {
				st.Close()
			}
		}()
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES ('bulk', '1')`); err != nil {
			return s.wrap("bulk", err)
		}
		// The purchase triggers would only test the marker above and do
		// nothing, a million times: they step aside for the transaction
		// and are put back, word for word, before it commits. So do the
		// purchase indexes while the table is small: building them once at
		// the end is cheaper than a million scattered updates.
		var small bool
		if err := tx.QueryRowContext(ctx, `SELECT count(*) < 50000 FROM purchases`).Scan(&small); err != nil {
			return s.wrap("bulk", err)
		}
		aside := `type = 'trigger' AND tbl_name = 'purchases' AND sql LIKE '%''bulk''%'`
		if small {
			aside = `(` + aside + `) OR (type = 'index' AND tbl_name = 'purchases' AND sql IS NOT NULL)`
		}
		restore, err := s.stepAside(ctx, tx, aside)
		if err != nil {
			return err
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
		if _, err := tx.ExecContext(ctx, `DELETE FROM settings WHERE key = 'bulk'`); err != nil {
			return s.wrap("bulk", err)
		}
		if err := b.fresh.write(ctx, s, tx); err != nil {
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
			if src == srcPurchase {
				if err := s.retotal(ctx, tx, string(js)); err != nil {
					return err
				}
			}
			if err := s.reindex(ctx, tx, src, `SELECT value AS id FROM json_each(?)`, string(js)); err != nil {
				return err
			}
		}
		return nil
	})
}

// stepAside drops the schema objects (triggers, indexes) that where selects
// from sqlite_schema, inside transaction tx; restore creates them again
// from their own SQL. Nothing is committed in between, so a failure or a
// crash leaves the schema as it was.
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

const bulkPurchaseSQL = `INSERT INTO purchases(customer_id, date, item, quantity, amount, cost, paid,
	channel, special_requests, mood, next_date, note, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`

// AddPurchase inserts a validated purchase and returns its id.
func (b *Bulk) AddPurchase(p *Purchase) (int64, error) {
	if err := p.Validate(); err != nil {
		return 0, err
	}
	if p.CreatedAt == "" {
		p.CreatedAt = b.s.stamp()
	}
	res, err := b.ExecContext(b.ctx, bulkPurchaseSQL, p.CustomerID, p.Date, p.Item, p.Quantity, p.Amount, optInt(p.Cost), optInt(p.Paid),
		p.Channel, p.SpecialRequests, p.Mood, p.NextDate, p.Note, p.CreatedAt)
	if err != nil {
		if strings.Contains(err.Error(), "FOREIGN KEY") {
			return 0, fmt.Errorf("%w: no customer with id %d", ErrNotFound, p.CustomerID)
		}
		return 0, b.s.wrap("add purchase", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, b.s.wrap("add purchase", err)
	}
	acc, err := b.freshFor(p.CustomerID)
	if err != nil {
		return 0, err
	}
	if acc != nil {
		acc.add(p, id)
	} else {
		b.touched[srcPurchase][p.CustomerID] = true
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
	if err := v.Validate(); err != nil {
		return 0, err
	}
	if v.CreatedAt == "" {
		v.CreatedAt = b.s.stamp()
	}
	res, err := b.ExecContext(b.ctx, `INSERT INTO surveys(customer_id, date, satisfaction, initiative, repurchase, recommend, resistance, note, created_at)
		VALUES (?,?,?,?,?,?,?,?,?)`, v.CustomerID, v.Date, v.Satisfaction, v.Initiative, v.Repurchase, v.Recommend, v.Resistance, v.Note, v.CreatedAt)
	if err != nil {
		return 0, b.s.wrap("add survey", err)
	}
	return res.LastInsertId()
}

// SetStatus sets a customer's status and lost reason.
func (b *Bulk) SetStatus(id int64, status, reason string) error {
	_, err := b.ExecContext(b.ctx, `UPDATE customers SET status = ?, lost_reason = ? WHERE id = ?`, status, reason, id)
	return b.s.wrap("set status", err)
}

// retotal rebuilds the purchase totals of the customers in the JSON array
// ids, rhythm included.
func (s *Store) retotal(ctx context.Context, tx *sql.Tx, ids string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM purchase_totals WHERE customer_id IN (SELECT value FROM json_each(?))`, ids); err != nil {
		return s.wrap("bulk totals", err)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO purchase_totals(customer_id, revenue, profit, paid, n, days, first, last, next_date)
		SELECT customer_id, sum(amount), sum(CASE WHEN cost IS NULL THEN 0 ELSE amount - cost END),
		       sum(coalesce(paid, amount)), count(*), count(DISTINCT date), min(date), max(date),
		       (SELECT next_date FROM purchases x WHERE x.customer_id = p.customer_id ORDER BY date DESC, id DESC LIMIT 1)
		FROM purchases p WHERE customer_id IN (SELECT value FROM json_each(?)) GROUP BY customer_id`, ids)
	if err != nil {
		return s.wrap("bulk totals", err)
	}
	return s.regap(ctx, tx, `customer_id IN (SELECT value FROM json_each(?))`, ids)
}

// regap recomputes the median purchase gap of the customers that the
// condition where (on customer_id, with args) selects. It walks their distinct purchase days in index order in Go,
// where SQL window functions would sort every gap, and writes the gaps
// back with one statement.
func (s *Store) regap(ctx context.Context, tx *sql.Tx, where string, args ...any) error {
	rows, err := tx.QueryContext(ctx, `SELECT customer_id, date FROM purchases
		WHERE `+where+` GROUP BY customer_id, date ORDER BY customer_id, date`, args...)
	if err != nil {
		return s.wrap("bulk totals", err)
	}
	defer rows.Close()
	var out []byte
	var cur int64
	var days []time.Time
	flush := func() {
		if gap := agenda.MedianGap(days); gap > 0 {
			out = fmt.Appendf(out, ",[%d,%d]", cur, gap)
		}
	}
	for rows.Next() {
		var id int64
		var day string
		if err := rows.Scan(&id, &day); err != nil {
			return s.wrap("bulk totals", err)
		}
		if id != cur {
			flush()
			cur, days = id, days[:0]
		}
		days = append(days, parseDay(day))
	}
	if err := rows.Err(); err != nil {
		return s.wrap("bulk totals", err)
	}
	flush()
	if len(out) == 0 {
		return nil
	}
	out[0] = '['
	_, err = tx.ExecContext(ctx, `UPDATE purchase_totals SET gap = j.value ->> 1
		FROM json_each(?) j WHERE purchase_totals.customer_id = j.value ->> 0`, string(append(out, ']')))
	return s.wrap("bulk totals", err)
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
