package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rolo-crm/rolo/money"
)

// Payment is money collected for a purchase after the sale (回款).
type Payment struct {
	ID         int64        `json:"id"`
	PurchaseID int64        `json:"purchase_id"`
	CustomerID int64        `json:"customer_id"` // the purchase's customer (not stored)
	Date       string       `json:"date"`
	Amount     money.Amount `json:"amount"`
	Note       string       `json:"note"`
	CreatedAt  string       `json:"created_at"`
}

// Validate checks a payment before it is written.
func (p *Payment) Validate() error {
	if err := normDay(&p.Date); err != nil {
		return Errorf(KindInvalid, "payment date: %v", err)
	}
	if p.Amount <= 0 {
		return Errorf(KindInvalid, "a payment must be more than zero")
	}
	if !utf8.ValidString(p.Note) {
		return Errorf(KindInvalid, "the note is not valid UTF-8 text")
	}
	return nil
}

const paymentCols = `y.id, y.purchase_id, p.customer_id, y.date, y.amount, y.note, y.created_at`

func scanPayment(sc scanner) (Payment, error) {
	var x Payment
	err := sc.Scan(&x.ID, &x.PurchaseID, &x.CustomerID, &x.Date, &x.Amount, &x.Note, &x.CreatedAt)
	return x, err
}

// owing is what one purchase still owes: amount − paid at the sale − its payments.
const owing = `p.amount - coalesce(p.paid, p.amount) - coalesce((SELECT sum(amount) FROM payments WHERE purchase_id = p.id), 0)`

// owingAll is owing for reading the purchases of the whole notebook:
// purchases p joined to paidLater (as y), all payments summed in one pass.
// Per purchase, owing looks up its payments, and twice where a query both
// filters on it and returns it: three times slower over 80,000 purchases.
// paidLater counts the payments made by the day of parameter ?1, and
// owingBy is owing by that day.
const (
	owingAll  = `p.amount - coalesce(p.paid, p.amount) - coalesce(y.paid, 0)`
	paidLater = `LEFT JOIN (SELECT purchase_id, sum(amount) AS paid FROM payments WHERE date <= ?1 GROUP BY purchase_id) y ON y.purchase_id = p.id`
	owingBy   = `p.amount - coalesce(p.paid, p.amount) - coalesce((SELECT sum(amount) FROM payments WHERE purchase_id = p.id AND date <= ?1), 0)`
)

// debtsDay is the day of Debts as of asOf: everything recorded when asOf
// is zero.
func debtsDay(asOf time.Time) string {
	if asOf.IsZero() {
		return "9999-12-31"
	}
	return asOf.Format(DateLayout)
}

// Debt is one purchase not yet paid in full.
type Debt struct {
	PurchaseID  int64        `json:"purchase_id"`
	CustomerID  int64        `json:"customer_id"`
	Date        string       `json:"date"`
	Item        string       `json:"item"`
	Amount      money.Amount `json:"amount"`
	Outstanding money.Amount `json:"outstanding"`
}

// Debts lists the purchases not paid in full, of one customer (or of every
// current customer when customerID is 0), oldest first.
func (s *Store) Debts(ctx context.Context, customerID int64, asOf time.Time) ([]Debt, error) {
	day := debtsDay(asOf)
	if customerID != 0 {
		return debts(ctx, s.r, s, `p.paid IS NOT NULL AND p.customer_id = ?2 AND p.date <= ?1`, day, customerID)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT * FROM (SELECT p.id AS purchase_id, p.customer_id, p.date, p.item, p.amount, `+owingAll+` AS outstanding
		FROM purchases p `+paidLater+` WHERE p.paid IS NOT NULL AND p.date <= ?1 AND p.customer_id IN (SELECT id FROM customers WHERE archived_at IS NULL))
		WHERE outstanding > 0 ORDER BY date, purchase_id`, day)
	return scanDebts(s, rows, err)
}

// debts reads the purchases that where selects (a few: each looks up its
// payments) that still owe something by the day of parameter ?1, oldest
// first.
func debts(ctx context.Context, q queryer, s *Store, where string, args ...any) ([]Debt, error) {
	rows, err := q.QueryContext(ctx, `SELECT * FROM (SELECT p.id AS purchase_id, p.customer_id, p.date, p.item, p.amount, `+owingBy+` AS outstanding
		FROM purchases p WHERE `+where+`) WHERE outstanding > 0 ORDER BY date, purchase_id`, args...)
	return scanDebts(s, rows, err)
}

func scanDebts(s *Store, rows *sql.Rows, err error) ([]Debt, error) {
	if err != nil {
		return nil, s.wrap("read debts", err)
	}
	defer rows.Close()
	out := []Debt{}
	for rows.Next() {
		var d Debt
		if err := rows.Scan(&d.PurchaseID, &d.CustomerID, &d.Date, &d.Item, &d.Amount, &d.Outstanding); err != nil {
			return nil, s.wrap("read debts", err)
		}
		out = append(out, d)
	}
	return out, s.wrap("read debts", rows.Err())
}

// Pay records a payment of amount by a customer on date: on purchase
// purchaseID when it is not 0, else spread over their oldest unpaid
// purchases first. Paying more than is owed is refused. It returns the
// payments written, one per purchase paid.
func (s *Store) Pay(ctx context.Context, customerID int64, amount money.Amount, date time.Time, purchaseID int64, note string) ([]Payment, error) {
	if amount <= 0 {
		return nil, Errorf(KindInvalid, "a payment must be more than zero")
	}
	var out []Payment
	day := date.Format(DateLayout)
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		// What is owed now (every payment recorded counts, whatever its
		// day), on purchases made by the payment's day: a payment is never
		// dated before the sale it pays.
		where, args := `p.paid IS NOT NULL AND p.customer_id = ?2 AND p.date <= ?3`, []any{debtsDay(time.Time{}), customerID, day}
		if purchaseID != 0 {
			var owner int64
			var sold string
			err := tx.QueryRowContext(ctx, `SELECT customer_id, date FROM purchases WHERE id = ?`, purchaseID).Scan(&owner, &sold)
			if errors.Is(err, sql.ErrNoRows) || (err == nil && owner != customerID) {
				return Errorf(KindNotFound, "customer %d has no purchase %d", customerID, purchaseID)
			} else if err != nil {
				return s.wrap("record payment", err)
			}
			if sold = strings.TrimSpace(sold); sold > day {
				return Errorf(KindInvalid, "purchase %d was made on %s: a payment for it cannot be dated %s, before the sale", purchaseID, sold, day)
			}
			where, args = `p.id = ?2`, []any{debtsDay(time.Time{}), purchaseID}
		}
		open, err := debts(ctx, tx, s, where, args...)
		if err != nil {
			return err
		}
		var owed money.Amount
		for _, d := range open {
			owed += d.Outstanding
		}
		cur := s.Currency()
		switch {
		case owed == 0 && purchaseID != 0:
			return Errorf(KindConflict, "purchase %d is paid in full", purchaseID)
		case owed == 0:
			later, err := debts(ctx, tx, s, `p.paid IS NOT NULL AND p.customer_id = ?2`, debtsDay(time.Time{}), customerID)
			if err != nil {
				return err
			}
			if len(later) > 0 {
				return Errorf(KindInvalid, "customer %d owed nothing on %s: what they owe was bought from %s on; date the payment on or after the sale",
					customerID, day, strings.TrimSpace(later[0].Date))
			}
			return Errorf(KindConflict, "customer %d owes nothing", customerID)
		case amount > owed:
			return Errorf(KindInvalid, "a payment of %s is more than the %s owed", cur.Format(amount), cur.Format(owed))
		}
		left := amount
		for _, d := range open {
			if left == 0 {
				break
			}
			part := min(left, d.Outstanding)
			p := Payment{PurchaseID: d.PurchaseID, CustomerID: customerID, Date: date.Format(DateLayout), Amount: part, Note: note}
			if p.ID, err = s.insertPayment(ctx, tx, &p); err != nil {
				return err
			}
			out = append(out, p)
			left -= part
		}
		return s.purchasesChanged(ctx, tx, customerID)
	})
	return out, err
}

// insertPayment validates and inserts one payment (keeping its id when given).
func (s *Store) insertPayment(ctx context.Context, tx execer, p *Payment) (int64, error) {
	if err := p.Validate(); err != nil {
		return 0, err
	}
	if p.CreatedAt == "" {
		p.CreatedAt = s.stamp()
	}
	r, err := tx.ExecContext(ctx, `INSERT INTO payments(id, purchase_id, date, amount, note, created_at) VALUES (?,?,?,?,?,?)`,
		nullID(p.ID), p.PurchaseID, p.Date, int64(p.Amount), p.Note, p.CreatedAt)
	if err != nil {
		switch sqliteCode(err) {
		case sqliteConstraintForeignKey:
			return 0, Errorf(KindNotFound, "no purchase with id %d", p.PurchaseID)
		case sqliteConstraintPrimaryKey:
			return 0, Errorf(KindConflict, "payment id %d is already used", p.ID)
		}
		return 0, s.wrap("record payment", err)
	}
	return r.LastInsertId()
}

// Payments lists a customer's payments, newest first.
func (s *Store) Payments(ctx context.Context, customerID int64) ([]Payment, error) {
	return queryAll(ctx, s, "read payments", scanPayment, `SELECT `+paymentCols+` FROM payments y
		JOIN purchases p ON p.id = y.purchase_id WHERE p.customer_id = ? ORDER BY y.date DESC, y.id DESC`, customerID)
}

// DeletePayment removes a payment recorded by mistake; what the purchase
// owes goes up again.
func (s *Store) DeletePayment(ctx context.Context, id int64) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		var cust int64
		err := tx.QueryRowContext(ctx, `SELECT p.customer_id FROM payments y JOIN purchases p ON p.id = y.purchase_id WHERE y.id = ?`, id).Scan(&cust)
		if errors.Is(err, sql.ErrNoRows) {
			return Errorf(KindNotFound, "no payment with id %d", id)
		} else if err != nil {
			return s.wrap("delete payment", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM payments WHERE id = ?`, id); err != nil {
			return s.wrap("delete payment", err)
		}
		return s.purchasesChanged(ctx, tx, cust)
	})
}
