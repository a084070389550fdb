package store

import (
	"context"
	"database/sql"
	"errors"
)

// Correcting what was recorded: contacts and follow-ups edited or deleted,
// and anything deleted put back with its id (the TUI's undo). Purchases are
// in purchase.go, payments in payment.go.

// Contact reads one contact.
func (s *Store) Contact(ctx context.Context, id int64) (Contact, error) {
	c, err := scanContact(s.r.QueryRowContext(short(ctx), `SELECT `+contactCols+` FROM contacts WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, Errorf(KindNotFound, "no contact with id %d", id)
	}
	return c, s.wrap("read contact", err)
}

// UpdateContact loads a contact, lets fn change it and writes it back in
// one transaction; the search text of its customer (both, when moved)
// follows.
func (s *Store) UpdateContact(ctx context.Context, id int64, fn func(c *Contact) error) (Contact, error) {
	var c Contact
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		var err error
		c, err = scanContact(tx.QueryRowContext(ctx, `SELECT `+contactCols+` FROM contacts WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return Errorf(KindNotFound, "no contact with id %d", id)
		} else if err != nil {
			return s.wrap("edit contact", err)
		}
		was := c.CustomerID
		if err := fn(&c); err != nil {
			return err
		}
		c.ID = id
		if c.Kind != "complaint" {
			c.ComplaintStatus, c.ResolvedAt = "", nil
		}
		if err := c.Validate(); err != nil {
			return err
		}
		var res any
		if c.ResolvedAt != nil {
			res = *c.ResolvedAt
		}
		_, err = tx.ExecContext(ctx, `UPDATE contacts SET customer_id = ?, at = ?, kind = ?, summary = ?, complaint_status = ?,
			resolved_at = ? WHERE id = ?`, c.CustomerID, c.At, c.Kind, c.Summary, c.ComplaintStatus, res, id)
		if err != nil {
			if sqliteCode(err) == sqliteConstraintForeignKey {
				return Errorf(KindNotFound, "no customer with id %d", c.CustomerID)
			}
			return s.wrap("edit contact", err)
		}
		if err := s.reindexCustomer(ctx, tx, srcContact, c.CustomerID); err != nil {
			return err
		}
		if was != c.CustomerID {
			return s.reindexCustomer(ctx, tx, srcContact, was)
		}
		return nil
	})
	return c, err
}

// DeleteContact removes a contact logged by mistake and returns it as it was.
func (s *Store) DeleteContact(ctx context.Context, id int64) (Contact, error) {
	var c Contact
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		var err error
		c, err = scanContact(tx.QueryRowContext(ctx, `DELETE FROM contacts WHERE id = ? RETURNING `+contactCols, id))
		if errors.Is(err, sql.ErrNoRows) {
			return Errorf(KindNotFound, "no contact with id %d", id)
		} else if err != nil {
			return s.wrap("delete contact", err)
		}
		return s.reindexCustomer(ctx, tx, srcContact, c.CustomerID)
	})
	return c, err
}

// RestoreContact puts back a deleted contact with its id (undo).
func (s *Store) RestoreContact(ctx context.Context, c Contact) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.insertContact(ctx, tx, &c); err != nil {
			return err
		}
		return s.reindexCustomer(ctx, tx, srcContact, c.CustomerID)
	})
}

// UpdateFollowUp loads a follow-up, lets fn change it and writes it back
// in one transaction.
func (s *Store) UpdateFollowUp(ctx context.Context, id int64, fn func(f *FollowUp) error) (FollowUp, error) {
	var f FollowUp
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		var err error
		f, err = scanFollowUp(tx.QueryRowContext(ctx, `SELECT `+followUpCols+` FROM followups WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return Errorf(KindNotFound, "no follow-up with id %d", id)
		} else if err != nil {
			return s.wrap("edit follow-up", err)
		}
		if err := fn(&f); err != nil {
			return err
		}
		f.ID = id
		if err := f.Validate(); err != nil {
			return err
		}
		var done any
		if f.DoneAt != nil {
			done = *f.DoneAt
		}
		_, err = tx.ExecContext(ctx, `UPDATE followups SET customer_id = ?, due = ?, what = ?, source = ?, done_at = ? WHERE id = ?`,
			f.CustomerID, f.Due, f.What, f.Source, done, id)
		if err != nil && sqliteCode(err) == sqliteConstraintForeignKey {
			return Errorf(KindNotFound, "no customer with id %d", f.CustomerID)
		}
		return s.wrap("edit follow-up", err)
	})
	return f, err
}

// DeleteFollowUp removes a follow-up and returns it as it was.
func (s *Store) DeleteFollowUp(ctx context.Context, id int64) (FollowUp, error) {
	var f FollowUp
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		var err error
		f, err = scanFollowUp(tx.QueryRowContext(ctx, `DELETE FROM followups WHERE id = ? RETURNING `+followUpCols, id))
		if errors.Is(err, sql.ErrNoRows) {
			return Errorf(KindNotFound, "no follow-up with id %d", id)
		}
		return s.wrap("delete follow-up", err)
	})
	return f, err
}

// RestoreFollowUp puts back a deleted follow-up with its id (undo).
func (s *Store) RestoreFollowUp(ctx context.Context, f FollowUp) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		_, err := s.insertFollowUp(ctx, tx, &f)
		return err
	})
}

// RestorePayment puts back a deleted payment with its id (undo).
func (s *Store) RestorePayment(ctx context.Context, p Payment) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.insertPayment(ctx, tx, &p); err != nil {
			return err
		}
		var cust int64
		if err := tx.QueryRowContext(ctx, `SELECT customer_id FROM purchases WHERE id = ?`, p.PurchaseID).Scan(&cust); err != nil {
			return s.wrap("restore payment", err)
		}
		return s.purchasesChanged(ctx, tx, cust)
	})
}

// Payment reads one payment.
func (s *Store) Payment(ctx context.Context, id int64) (Payment, error) {
	p, err := scanPayment(s.r.QueryRowContext(short(ctx), `SELECT `+paymentCols+` FROM payments y JOIN purchases p ON p.id = y.purchase_id WHERE y.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, Errorf(KindNotFound, "no payment with id %d", id)
	}
	return p, s.wrap("read payment", err)
}

// PaymentsOf lists the payments of one purchase, oldest first.
func (s *Store) PaymentsOf(ctx context.Context, purchaseID int64) ([]Payment, error) {
	return queryAll(ctx, s, "read payments", scanPayment, `SELECT `+paymentCols+` FROM payments y
		JOIN purchases p ON p.id = y.purchase_id WHERE y.purchase_id = ? ORDER BY y.date, y.id`, purchaseID)
}
