package store

import (
	"context"
)

// Streaming reads for exports: rows are handed to fn one at a time in id
// order, so memory stays constant however large the notebook is.

// EachCustomer calls fn for every customer (archived ones too) updated on or
// after since ("" for all).
func (s *Store) EachCustomer(ctx context.Context, since string, fn func(c Customer) error) error {
	rows, err := s.r.QueryContext(ctx, `SELECT `+customerCols+` FROM customers WHERE ?1 = '' OR updated_at >= ?1 ORDER BY id`, since)
	if err != nil {
		return s.wrap("export customers", err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanCustomer(rows)
		if err != nil {
			return s.wrap("export customers", err)
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	return s.wrap("export customers", rows.Err())
}

// CustomerRef names the customer a history row belongs to.
type CustomerRef struct {
	ID         int64
	ExternalID string
	Name       string
}

// EachPurchase calls fn for every purchase dated on or after since ("" for all).
func (s *Store) EachPurchase(ctx context.Context, since string, fn func(p Purchase, c CustomerRef) error) error {
	rows, err := s.r.QueryContext(ctx, `SELECT p.id, p.customer_id, p.date, p.item, p.quantity, p.amount, p.cost, p.paid,
		p.channel, p.special_requests, p.mood, p.next_date, p.note, p.created_at, coalesce(c.external_id, ''), c.name
		FROM purchases p JOIN customers c ON c.id = p.customer_id
		WHERE ?1 = '' OR p.date >= ?1 ORDER BY p.id`, since)
	if err != nil {
		return s.wrap("export purchases", err)
	}
	defer rows.Close()
	var p Purchase
	var ref CustomerRef
	sc := &multiScanner{rows: rows}
	for rows.Next() {
		if p, err = scanPurchase(sc.with(&ref.ExternalID, &ref.Name)); err != nil {
			return s.wrap("export purchases", err)
		}
		ref.ID = p.CustomerID
		if err := fn(p, ref); err != nil {
			return err
		}
	}
	return s.wrap("export purchases", rows.Err())
}

// EachContact calls fn for every contact on or after since ("" for all).
func (s *Store) EachContact(ctx context.Context, since string, fn func(k Contact, c CustomerRef) error) error {
	rows, err := s.r.QueryContext(ctx, `SELECT k.id, k.customer_id, k.at, k.kind, k.summary, k.complaint_status,
		k.resolved_at, k.created_at, coalesce(c.external_id, ''), c.name
		FROM contacts k JOIN customers c ON c.id = k.customer_id
		WHERE ?1 = '' OR k.at >= ?1 ORDER BY k.id`, since)
	if err != nil {
		return s.wrap("export contacts", err)
	}
	defer rows.Close()
	var ref CustomerRef
	sc := &multiScanner{rows: rows}
	for rows.Next() {
		k, err := scanContact(sc.with(&ref.ExternalID, &ref.Name))
		if err != nil {
			return s.wrap("export contacts", err)
		}
		ref.ID = k.CustomerID
		if err := fn(k, ref); err != nil {
			return err
		}
	}
	return s.wrap("export contacts", rows.Err())
}

// EachFollowUp calls fn for every follow-up due on or after since ("" for all).
func (s *Store) EachFollowUp(ctx context.Context, since string, fn func(f FollowUp, c CustomerRef) error) error {
	rows, err := s.r.QueryContext(ctx, `SELECT f.id, f.customer_id, f.due, f.what, f.source, f.done_at, f.created_at,
		coalesce(c.external_id, ''), c.name
		FROM followups f JOIN customers c ON c.id = f.customer_id
		WHERE ?1 = '' OR f.due >= ?1 ORDER BY f.id`, since)
	if err != nil {
		return s.wrap("export follow-ups", err)
	}
	defer rows.Close()
	var ref CustomerRef
	sc := &multiScanner{rows: rows}
	for rows.Next() {
		f, err := scanFollowUp(sc.with(&ref.ExternalID, &ref.Name))
		if err != nil {
			return s.wrap("export follow-ups", err)
		}
		ref.ID = f.CustomerID
		if err := fn(f, ref); err != nil {
			return err
		}
	}
	return s.wrap("export follow-ups", rows.Err())
}

// multiScanner lets an entity scanner read its columns and extra trailing ones.
type multiScanner struct {
	rows  interface{ Scan(...any) error }
	extra []any
}

func (m *multiScanner) with(extra ...any) scanner {
	m.extra = extra
	return m
}

func (m *multiScanner) Scan(dest ...any) error {
	return m.rows.Scan(append(dest, m.extra...)...)
}
