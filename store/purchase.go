package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"unicode/utf8"
)

// Purchase is one purchase note.
type Purchase struct {
	ID              int64   `json:"id"`
	CustomerID      int64   `json:"customer_id"`
	Date            string  `json:"date"`
	Item            string  `json:"item"`
	Quantity        float64 `json:"quantity"`
	Amount          int64   `json:"amount"`
	Cost            *int64  `json:"cost"`
	Paid            *int64  `json:"paid"`
	Channel         string  `json:"channel"`
	SpecialRequests string  `json:"special_requests"`
	Mood            string  `json:"mood"`
	NextDate        string  `json:"next_date"`
	Note            string  `json:"note"`
	CreatedAt       string  `json:"created_at"`
}

// Validate checks a purchase before it is written.
func (p *Purchase) Validate() error {
	if _, err := parseDate(p.Date); err != nil {
		return fmt.Errorf("purchase date: %w", err)
	}
	if p.NextDate != "" {
		if _, err := parseDate(p.NextDate); err != nil {
			return fmt.Errorf("expected next purchase: %w", err)
		}
	}
	if p.Quantity < 0 || math.IsNaN(p.Quantity) || math.IsInf(p.Quantity, 0) {
		return fmt.Errorf("%w: quantity must be zero or more, got %v", ErrInvalid, p.Quantity)
	}
	if p.Amount < 0 {
		return fmt.Errorf("%w: amount must be zero or more, got %s", ErrInvalid, FormatMoney(p.Amount))
	}
	if p.Cost != nil && *p.Cost < 0 {
		return fmt.Errorf("%w: cost must be zero or more, got %s", ErrInvalid, FormatMoney(*p.Cost))
	}
	if p.Paid != nil && *p.Paid < 0 {
		return fmt.Errorf("%w: paid must be zero or more, got %s", ErrInvalid, FormatMoney(*p.Paid))
	}
	for _, f := range [...]struct{ name, v string }{{"item", p.Item}, {"channel", p.Channel},
		{"special requests", p.SpecialRequests}, {"mood", p.Mood}, {"note", p.Note}} {
		if !utf8.ValidString(f.v) {
			return fmt.Errorf("%w: %s is not valid UTF-8 text", ErrInvalid, f.name)
		}
	}
	return nil
}

const purchaseCols = `id, customer_id, date, item, quantity, amount, cost, paid, channel, special_requests, mood, next_date, note, created_at`

func scanPurchase(sc scanner) (Purchase, error) {
	var p Purchase
	var cost, paid sql.NullInt64
	err := sc.Scan(&p.ID, &p.CustomerID, &p.Date, &p.Item, &p.Quantity, &p.Amount, &cost, &paid, &p.Channel,
		&p.SpecialRequests, &p.Mood, &p.NextDate, &p.Note, &p.CreatedAt)
	if cost.Valid {
		p.Cost = &cost.Int64
	}
	if paid.Valid {
		p.Paid = &paid.Int64
	}
	return p, err
}

func optInt(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

// AddPurchase records a purchase note. A customer's first purchase makes a
// prospect active.
func (s *Store) AddPurchase(ctx context.Context, p Purchase) (Purchase, error) {
	if err := p.Validate(); err != nil {
		return p, err
	}
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		id, err := s.insertPurchase(ctx, tx, &p)
		if err != nil {
			return err
		}
		p.ID = id
		if err := s.reindexCustomer(ctx, tx, srcPurchase, p.CustomerID); err != nil {
			return err
		}
		if _, err = tx.ExecContext(ctx, `UPDATE customers SET status = 'active', updated_at = ?
			WHERE id = ? AND status = 'prospect'`, s.stamp(), p.CustomerID); err != nil {
			return s.wrap("add purchase", err)
		}
		return s.thankReferrer(ctx, tx, p)
	})
	return p, err
}

// thankReferrer schedules a thank-you to the referrer when a referred
// customer makes their first purchase: old customers bring new ones.
func (s *Store) thankReferrer(ctx context.Context, tx *sql.Tx, p Purchase) error {
	var name string
	var ref sql.NullInt64
	var count int
	err := tx.QueryRowContext(ctx, `SELECT c.name, c.referred_by, (SELECT count(*) FROM purchases WHERE customer_id = c.id)
		FROM customers c WHERE c.id = ?`, p.CustomerID).Scan(&name, &ref, &count)
	if err != nil {
		return s.wrap("add purchase", err)
	}
	if !ref.Valid || count != 1 {
		return nil
	}
	f := FollowUp{CustomerID: ref.Int64, Due: p.Date, What: "thank you for referring " + name + " (first purchase " + p.Date + ")", Source: "referral"}
	_, err = s.insertFollowUp(ctx, tx, &f)
	return err
}

func (s *Store) insertPurchase(ctx context.Context, tx *sql.Tx, p *Purchase) (int64, error) {
	if p.CreatedAt == "" {
		p.CreatedAt = s.stamp()
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO purchases(customer_id, date, item, quantity, amount, cost, paid,
		channel, special_requests, mood, next_date, note, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		p.CustomerID, p.Date, p.Item, p.Quantity, p.Amount, optInt(p.Cost), optInt(p.Paid), p.Channel,
		p.SpecialRequests, p.Mood, p.NextDate, p.Note, p.CreatedAt)
	if err != nil {
		return 0, s.wrap("add purchase", err)
	}
	return res.LastInsertId()
}

// Purchases lists a customer's purchases, newest first; limit <= 0 means all.
func (s *Store) Purchases(ctx context.Context, customerID int64, limit int) ([]Purchase, error) {
	if limit <= 0 {
		limit = -1
	}
	return queryAll(ctx, s, "read purchases", scanPurchase, `SELECT `+purchaseCols+` FROM purchases WHERE customer_id = ?
		ORDER BY date DESC, id DESC LIMIT ?`, customerID, limit)
}

// DeletePurchase removes one purchase note.
func (s *Store) DeletePurchase(ctx context.Context, id int64) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		var cust int64
		if err := tx.QueryRowContext(ctx, `DELETE FROM purchases WHERE id = ? RETURNING customer_id`, id).Scan(&cust); err == sql.ErrNoRows {
			return fmt.Errorf("%w: no purchase with id %d", ErrNotFound, id)
		} else if err != nil {
			return s.wrap("delete purchase", err)
		}
		return s.reindexCustomer(ctx, tx, srcPurchase, cust)
	})
}
