package store

import (
	"context"
	"database/sql"
)

// Bulk writes many rows in one transaction with prepared statements. It is
// what imports and the demo generator use: all rows land, or none do.
type Bulk struct {
	s   *Store
	ctx context.Context
	tx  *sql.Tx
	ins map[string]*sql.Stmt
}

// Bulk runs fn with a Bulk writer inside one BEGIN IMMEDIATE transaction.
func (s *Store) Bulk(ctx context.Context, fn func(b *Bulk) error) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		b := &Bulk{s: s, ctx: ctx, tx: tx, ins: map[string]*sql.Stmt{}}
		defer func() {
			for _, st := range b.ins {
				st.Close()
			}
		}()
		return fn(b)
	})
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

// Tx is the transaction, for helpers that need one.
func (b *Bulk) Tx() *sql.Tx { return b.tx }

// AddCustomer inserts a validated customer and returns its id.
func (b *Bulk) AddCustomer(c *Customer) (int64, error) {
	return b.s.insertCustomer(b.ctx, b.tx, c)
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
	st, err := b.stmt(bulkPurchaseSQL)
	if err != nil {
		return 0, err
	}
	res, err := st.ExecContext(b.ctx, p.CustomerID, p.Date, p.Item, p.Quantity, p.Amount, optInt(p.Cost), optInt(p.Paid),
		p.Channel, p.SpecialRequests, p.Mood, p.NextDate, p.Note, p.CreatedAt)
	if err != nil {
		return 0, b.s.wrap("add purchase", err)
	}
	return res.LastInsertId()
}

// AddContact inserts a validated contact and returns its id.
func (b *Bulk) AddContact(c *Contact) (int64, error) {
	if err := c.Validate(); err != nil {
		return 0, err
	}
	return b.s.insertContact(b.ctx, b.tx, c)
}

// AddFollowUp inserts a validated follow-up and returns its id.
func (b *Bulk) AddFollowUp(f *FollowUp) (int64, error) {
	return b.s.insertFollowUp(b.ctx, b.tx, f)
}

// AddSurvey inserts a validated survey and returns its id.
func (b *Bulk) AddSurvey(v *Survey) (int64, error) {
	if err := v.Validate(); err != nil {
		return 0, err
	}
	if v.CreatedAt == "" {
		v.CreatedAt = b.s.stamp()
	}
	st, err := b.stmt(`INSERT INTO surveys(customer_id, date, satisfaction, initiative, repurchase, recommend, resistance, note, created_at)
		VALUES (?,?,?,?,?,?,?,?,?)`)
	if err != nil {
		return 0, err
	}
	res, err := st.ExecContext(b.ctx, v.CustomerID, v.Date, v.Satisfaction, v.Initiative, v.Repurchase, v.Recommend, v.Resistance, v.Note, v.CreatedAt)
	if err != nil {
		return 0, b.s.wrap("add survey", err)
	}
	return res.LastInsertId()
}

// SetStatus sets a customer's status and lost reason.
func (b *Bulk) SetStatus(id int64, status, reason string) error {
	st, err := b.stmt(`UPDATE customers SET status = ?, lost_reason = ? WHERE id = ?`)
	if err != nil {
		return err
	}
	_, err = st.ExecContext(b.ctx, status, reason, id)
	return b.s.wrap("set status", err)
}

// retotal rebuilds the purchase totals of the customers in the JSON array ids.
func (s *Store) retotal(ctx context.Context, tx *sql.Tx, ids string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM purchase_totals WHERE customer_id IN (SELECT value FROM json_each(?))`, ids); err != nil {
		return s.wrap("bulk totals", err)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO purchase_totals(customer_id, revenue, profit, paid, n, days, first, last)
		SELECT customer_id, sum(amount), sum(CASE WHEN cost IS NULL THEN 0 ELSE amount - cost END),
		       sum(coalesce(paid, amount)), count(*), count(DISTINCT date), min(date), max(date)
		FROM purchases WHERE customer_id IN (SELECT value FROM json_each(?)) GROUP BY customer_id`, ids)
	return s.wrap("bulk totals", err)
}
