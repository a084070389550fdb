package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"sync/atomic"
)

// Streaming reads for exports: rows are handed to fn one at a time in id
// order, so memory stays constant however large the notebook is. They read
// through the driver (eachRow), and history rows find their customer's name
// in a map read first: joining every purchase to its customer cost more
// than the whole export otherwise.

// EachCustomer calls fn for every customer (archived ones too) updated on or
// after since ("" for all).
func (s *Store) EachCustomer(ctx context.Context, since string, fn func(c Customer) error) error {
	// On a team's notebook a rep's customer may have been referred by
	// another rep's, whom the rep does not see: that referral is left out
	// (a file of what the rep sees names no customer outside it).
	var seen map[int64]bool
	if s.pg {
		ids, err := queryAll(ctx, s, "export customers", func(sc scanner) (int64, error) {
			var id int64
			return id, sc.Scan(&id)
		}, `SELECT id FROM customers WHERE id IN (SELECT referred_by FROM customers WHERE referred_by IS NOT NULL)`)
		if err != nil {
			return err
		}
		seen = make(map[int64]bool, len(ids))
		for _, id := range ids {
			seen[id] = true
		}
	}
	return s.eachRow(ctx, "export customers", `SELECT `+customerCols+` FROM customers WHERE ?1 = '' OR updated_at >= ?1 ORDER BY id`,
		[]any{since}, func(v []driver.Value) error {
			c, err := scanCustomer(valueScanner(v))
			if err != nil {
				return err
			}
			if seen != nil && c.ReferredBy != nil && !seen[*c.ReferredBy] {
				c.ReferredBy = nil
			}
			return fn(c)
		})
}

// CustomerKey is what identifies a customer in an import file.
type CustomerKey struct {
	ID                      int64
	ExternalID, Phone, Name string
	Email                   string
	Archived                bool
}

// CustomerKeys lists how every customer (archived ones too) can be named.
func (s *Store) CustomerKeys(ctx context.Context) ([]CustomerKey, error) {
	var out []CustomerKey
	err := s.eachRow(ctx, "read customers", `SELECT id, coalesce(external_id, ''), phone, name, email, archived_at IS NOT NULL
		FROM customers`, nil, func(v []driver.Value) error {
		out = append(out, CustomerKey{ID: vInt(v[0]), ExternalID: vStr(v[1]), Phone: vStr(v[2]), Name: vStr(v[3]),
			Email: vStr(v[4]), Archived: vInt(v[5]) != 0})
		return nil
	})
	return out, err
}

// CustomerRef names the customer a history row belongs to.
type CustomerRef struct {
	ID         int64
	ExternalID string
	Name       string
}

// customerRefs names every customer, archived ones too.
func (s *Store) customerRefs(ctx context.Context) (map[int64]CustomerRef, error) {
	n, err := s.currentCount(ctx)
	if err != nil {
		return nil, err
	}
	refs := make(map[int64]CustomerRef, n)
	err = s.eachRow(ctx, "read customers", `SELECT id, coalesce(external_id, ''), name FROM customers`, nil, func(v []driver.Value) error {
		refs[vInt(v[0])] = CustomerRef{ID: vInt(v[0]), ExternalID: vStr(v[1]), Name: vStr(v[2])}
		return nil
	})
	return refs, err
}

// eachHistory streams the rows of one history table with their customer.
// Reading and fn (formatting and writing, in an export) run side by side,
// handing over batches of rows: on two cores that nearly halves the time.
func eachHistory[T any](ctx context.Context, s *Store, op, q, since string, scan func(scanner) (T, error),
	customer func(T) int64, fn func(T, CustomerRef) error) error {
	refs, err := s.customerRefs(ctx)
	if err != nil {
		return err
	}
	const batchSize = 512
	batches := make(chan []T, 4)
	var fnErr error
	var failed atomic.Bool
	done := make(chan struct{})
	go func() {
		defer close(done)
		for b := range batches {
			for _, x := range b {
				if fnErr != nil {
					break
				}
				if fnErr = fn(x, refs[customer(x)]); fnErr != nil {
					failed.Store(true)
				}
			}
		}
	}()
	batch := make([]T, 0, batchSize)
	err = s.eachRow(ctx, op, q, []any{since}, func(v []driver.Value) error {
		if failed.Load() {
			return errStopped
		}
		x, err := scan(valueScanner(v))
		if err != nil {
			return err
		}
		if batch = append(batch, x); len(batch) == batchSize {
			batches <- batch
			batch = make([]T, 0, batchSize)
		}
		return nil
	})
	if err == nil {
		batches <- batch
	}
	close(batches)
	<-done
	if fnErr != nil {
		return fnErr
	}
	return err
}

// onOrAfter is the condition that a row's day (column col) is on or after
// the day in parameter ?1, or none when since is "": an export of
// everything leaves no row out, whatever is stored as its day. (PostgreSQL
// takes no empty string for a date, so one "empty or on or after" form
// cannot serve both engines.)
func onOrAfter(col, since string) string {
	if since == "" {
		return `?1 = ?1`
	}
	return col + ` >= ?1`
}

// errStopped ends a read whose consumer failed; the consumer's error is reported.
var errStopped = errors.New("stopped")

// EachPurchase calls fn for every purchase dated on or after since ("" for all).
func (s *Store) EachPurchase(ctx context.Context, since string, fn func(p Purchase, c CustomerRef) error) error {
	return eachHistory(ctx, s, "export purchases", `SELECT `+purchaseCols+` FROM purchases
		WHERE `+onOrAfter("date", since)+` ORDER BY id`, since, scanPurchase, func(p Purchase) int64 { return p.CustomerID }, fn)
}

// EachContact calls fn for every contact on or after since ("" for all).
func (s *Store) EachContact(ctx context.Context, since string, fn func(k Contact, c CustomerRef) error) error {
	return eachHistory(ctx, s, "export contacts", `SELECT `+contactCols+` FROM contacts
		WHERE ?1 = '' OR at >= ?1 ORDER BY id`, since, scanContact, func(k Contact) int64 { return k.CustomerID }, fn)
}

// EachFollowUp calls fn for every follow-up due on or after since ("" for all).
func (s *Store) EachFollowUp(ctx context.Context, since string, fn func(f FollowUp, c CustomerRef) error) error {
	return eachHistory(ctx, s, "export follow-ups", `SELECT `+followUpCols+` FROM followups
		WHERE `+onOrAfter("due", since)+` ORDER BY id`, since, scanFollowUp, func(f FollowUp) int64 { return f.CustomerID }, fn)
}
