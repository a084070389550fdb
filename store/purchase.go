package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rolo-crm/rolo/money"
)

// Purchase is one purchase note. Amounts are in minor units of the
// notebook currency.
type Purchase struct {
	ID              int64         `json:"id"`
	CustomerID      int64         `json:"customer_id"`
	Date            string        `json:"date"`
	Item            string        `json:"item"`
	Quantity        float64       `json:"quantity"`
	Amount          money.Amount  `json:"amount"`
	Cost            *money.Amount `json:"cost"` // nil: not recorded
	Paid            *money.Amount `json:"paid"` // collected at the sale; nil: paid in full
	Channel         string        `json:"channel"`
	SpecialRequests string        `json:"special_requests"`
	Mood            string        `json:"mood"`
	NextDate        string        `json:"next_date"`
	Note            string        `json:"note"`
	CreatedAt       string        `json:"created_at"`
}

// Validate checks a purchase before it is written.
func (p *Purchase) Validate() error {
	if err := normDay(&p.Date); err != nil {
		return Errorf(KindInvalid, "purchase date: %v", err)
	}
	if p.NextDate != "" {
		if err := normDay(&p.NextDate); err != nil {
			return Errorf(KindInvalid, "expected next purchase: %v", err)
		}
	}
	if p.Quantity < 0 || math.IsNaN(p.Quantity) || math.IsInf(p.Quantity, 0) {
		return Errorf(KindInvalid, "quantity must be zero or more, got %v", p.Quantity)
	}
	if p.Amount < 0 {
		return Errorf(KindInvalid, "the amount must be zero or more")
	}
	if p.Cost != nil && *p.Cost < 0 {
		return Errorf(KindInvalid, "the cost must be zero or more")
	}
	if p.Paid != nil && *p.Paid < 0 {
		return Errorf(KindInvalid, "the amount paid must be zero or more")
	}
	if p.Paid != nil && *p.Paid > p.Amount {
		return Errorf(KindInvalid, "the amount paid is more than the amount of the purchase")
	}
	for _, f := range [...]struct{ name, v string }{{"item", p.Item}, {"channel", p.Channel},
		{"special requests", p.SpecialRequests}, {"mood", p.Mood}, {"note", p.Note}} {
		if !utf8.ValidString(f.v) {
			return Errorf(KindInvalid, "%s is not valid UTF-8 text", f.name)
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
		c := money.Amount(cost.Int64)
		p.Cost = &c
	}
	if paid.Valid {
		c := money.Amount(paid.Int64)
		p.Paid = &c
	}
	return p, err
}

func optAmount(p *money.Amount) any {
	if p == nil {
		return nil
	}
	return int64(*p)
}

// AddPurchase records a purchase note. A customer's first purchase makes a
// prospect active, and a referred customer's first purchase schedules a
// thank-you to the referrer.
func (s *Store) AddPurchase(ctx context.Context, p Purchase) (Purchase, error) {
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		id, err := s.insertPurchase(ctx, tx, &p)
		if err != nil {
			return err
		}
		p.ID = id
		if err := s.purchasesChanged(ctx, tx, p.CustomerID); err != nil {
			return err
		}
		if err := s.purchaseMovesStatus(ctx, tx, p); err != nil {
			return err
		}
		return s.thankReferrer(ctx, tx, p)
	})
	return p, err
}

// purchaseMovesStatus moves a customer along the lifecycle when they buy:
// a prospect becomes active, a lapsed or lost customer is won back.
func (s *Store) purchaseMovesStatus(ctx context.Context, tx *sql.Tx, p Purchase) error {
	var status string
	if err := tx.QueryRowContext(ctx, `SELECT status FROM customers WHERE id = ?`, p.CustomerID).Scan(&status); err != nil {
		return s.wrap("add purchase", err)
	}
	next := map[string]string{"prospect": "active", "lapsed": "won_back", "lost": "won_back"}[status]
	if next == "" {
		return nil
	}
	// A purchase written down late, from before the customer lapsed or was
	// lost, wins nobody back.
	var since sql.NullString
	if err := tx.QueryRowContext(ctx, `SELECT max(date) FROM status_history WHERE customer_id = ?`, p.CustomerID).Scan(&since); err != nil {
		return s.wrap("add purchase", err)
	}
	if next == "won_back" && since.Valid && p.Date < since.String {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE customers SET status = ?, lost_reason = '', updated_at = ? WHERE id = ?`,
		next, s.stamp(), p.CustomerID); err != nil {
		return s.wrap("add purchase", err)
	}
	d, _ := parseDate(p.Date)
	return s.recordStatus(ctx, tx, p.CustomerID, next, "", d, next == "won_back")
}

// purchasesChanged brings a customer's kept totals and purchase search
// text up to date after their purchases changed, inside the write.
func (s *Store) purchasesChanged(ctx context.Context, tx *sql.Tx, customerID int64) error {
	var m rankMove
	var err error
	if m.before, err = s.rankOf(ctx, tx, customerID); err != nil {
		return err
	}
	if err := s.retotalOne(ctx, tx, customerID); err != nil {
		return err
	}
	if err := s.reindexCustomer(ctx, tx, srcPurchase, customerID); err != nil {
		return err
	}
	if m.after, err = s.rankOf(ctx, tx, customerID); err != nil {
		return err
	}
	return s.bumpPurchases(ctx, tx, []rankMove{m})
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
	// A first purchase written down long after it was made (history
	// entered late) is no news to thank anyone for.
	if !ref.Valid || count != 1 || p.Date < Today(s.now()).AddDate(0, 0, -thankWithinDays).Format(DateLayout) {
		return nil
	}
	// Once: a first purchase deleted and put back (undo) after the thanks
	// were done is not thanked for again, whatever it was renamed or
	// redated since.
	var thanked bool
	err = tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM followups WHERE customer_id = ? AND source = 'referral' AND what LIKE ?)`,
		ref.Int64, thanksFor(p.CustomerID)).Scan(&thanked)
	if err != nil || thanked {
		return s.wrap("add purchase", err)
	}
	// Due the day it is learnt of: a sale written down days later made a
	// thank-you already days overdue.
	due := max(p.Date, Today(s.now()).Format(DateLayout))
	f := FollowUp{CustomerID: ref.Int64, Due: due, What: thanks(name, p.CustomerID, p.Date), Source: "referral"}
	_, err = s.insertFollowUp(ctx, tx, &f)
	return err
}

// insertPurchase validates and inserts one purchase: the one insert path of
// single writes and Bulk.
func (s *Store) insertPurchase(ctx context.Context, tx execer, p *Purchase) (int64, error) {
	if err := p.Validate(); err != nil {
		return 0, err
	}
	if p.CreatedAt == "" {
		p.CreatedAt = s.stamp()
	}
	// An id is kept when given: a purchase brought back (undo, a whole
	// notebook imported) keeps the id its payments and people know it by.
	res, err := tx.ExecContext(ctx, `INSERT INTO purchases(id, customer_id, date, item, quantity, amount, cost, paid,
		channel, special_requests, mood, next_date, note, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		nullID(p.ID), p.CustomerID, p.Date, p.Item, p.Quantity, int64(p.Amount), optAmount(p.Cost), optAmount(p.Paid), p.Channel,
		p.SpecialRequests, p.Mood, p.NextDate, p.Note, p.CreatedAt)
	if err != nil {
		switch sqliteCode(err) {
		case sqliteConstraintForeignKey:
			return 0, Errorf(KindNotFound, "no customer with id %d", p.CustomerID)
		case sqliteConstraintPrimaryKey:
			return 0, Errorf(KindConflict, "purchase id %d is already used", p.ID)
		}
		return 0, s.wrap("add purchase", err)
	}
	return res.LastInsertId()
}

// nullID is an id to insert: NULL (the next free one) when 0.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// Purchases lists a customer's purchases, newest first; limit <= 0 means all.
func (s *Store) Purchases(ctx context.Context, customerID int64, limit int) ([]Purchase, error) {
	if limit <= 0 {
		limit = -1
	}
	return queryAll(ctx, s, "read purchases", scanPurchase, `SELECT `+purchaseCols+` FROM purchases WHERE customer_id = ?
		ORDER BY date DESC, id DESC LIMIT ?`, customerID, limit)
}

// DeletePurchase removes one purchase note and its payments, and returns
// them as they were (to put back with RestorePurchase).
func (s *Store) DeletePurchase(ctx context.Context, id int64) (Purchase, []Payment, error) {
	return s.deletePurchase(ctx, id, true)
}

// PaymentsRecorded is why DeletePurchaseAlone deleted nothing: the
// payments recorded against the purchase (the cause of a KindInvalid error).
type PaymentsRecorded struct {
	PurchaseID int64
	Payments   []Payment
}

func (e *PaymentsRecorded) Error() string {
	return fmt.Sprintf("purchase %d has %d payments recorded against it", e.PurchaseID, len(e.Payments))
}

// DeletePurchaseAlone is DeletePurchase for a purchase with no payment
// recorded against it; with some, nothing is deleted and the error (of
// KindInvalid) wraps a *PaymentsRecorded that lists them. One transaction:
// a payment recorded meanwhile is not deleted unseen.
func (s *Store) DeletePurchaseAlone(ctx context.Context, id int64) (Purchase, error) {
	p, _, err := s.deletePurchase(ctx, id, false)
	return p, err
}

func (s *Store) deletePurchase(ctx context.Context, id int64, withPayments bool) (Purchase, []Payment, error) {
	var p Purchase
	var pays []Payment
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		var err error
		p, err = scanPurchase(tx.QueryRowContext(ctx, `SELECT `+purchaseCols+` FROM purchases WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return Errorf(KindNotFound, "no purchase with id %d", id)
		} else if err != nil {
			return s.wrap("delete purchase", err)
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+paymentCols+` FROM payments y JOIN purchases p ON p.id = y.purchase_id
			WHERE y.purchase_id = ? ORDER BY y.id`, id)
		if err != nil {
			return s.wrap("delete purchase", err)
		}
		for rows.Next() {
			y, err := scanPayment(rows)
			if err != nil {
				rows.Close()
				return s.wrap("delete purchase", err)
			}
			pays = append(pays, y)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return s.wrap("delete purchase", err)
		}
		if !withPayments && len(pays) > 0 {
			cause := &PaymentsRecorded{PurchaseID: id, Payments: pays}
			return &Error{Kind: KindInvalid, Msg: cause.Error(), Err: cause}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM purchases WHERE id = ?`, id); err != nil {
			return s.wrap("delete purchase", err)
		}
		if err := s.purchasesChanged(ctx, tx, p.CustomerID); err != nil {
			return err
		}
		// The thank-you it called for, not made yet, goes with it.
		if _, err := tx.ExecContext(ctx, `DELETE FROM followups WHERE customer_id = ? AND source = 'thanks' AND done_at IS NULL
			AND (what = ? OR what LIKE ?)`, p.CustomerID, thanksPrefix+strconv.FormatInt(p.ID, 10),
			thanksPrefix+strconv.FormatInt(p.ID, 10)+" %"); err != nil {
			return s.wrap("delete purchase", err)
		}
		return s.unbuy(ctx, tx, p)
	})
	return p, pays, err
}

// unbuy takes back what a customer's first purchase set off when it is
// deleted and none is left (written in error): they are a prospect again,
// and the thank-you to their referrer that is not done yet goes.
func (s *Store) unbuy(ctx context.Context, tx *sql.Tx, p Purchase) error {
	var name, status string
	var ref sql.NullInt64
	var left int
	err := tx.QueryRowContext(ctx, `SELECT c.name, c.status, c.referred_by, (SELECT count(*) FROM purchases WHERE customer_id = c.id)
		FROM customers c WHERE c.id = ?`, p.CustomerID).Scan(&name, &status, &ref, &left)
	if err != nil {
		return s.wrap("delete purchase", err)
	}
	// The status this purchase set, if it did (the latest recorded, on its
	// day), not the rep's hand.
	var last string
	err = tx.QueryRowContext(ctx, `SELECT coalesce((SELECT status || '|' || CAST(date AS TEXT) FROM status_history
		WHERE customer_id = ? ORDER BY id DESC LIMIT 1), '')`, p.CustomerID).Scan(&last)
	if err != nil {
		return s.wrap("delete purchase", err)
	}
	if status == "won_back" && last == "won_back|"+p.Date {
		if err := s.unwin(ctx, tx, p.CustomerID); err != nil {
			return err
		}
	}
	if left > 0 {
		return nil
	}
	if status == "active" && last == "active|"+p.Date {
		if _, err := tx.ExecContext(ctx, `UPDATE customers SET status = 'prospect', updated_at = ? WHERE id = ?`, s.stamp(), p.CustomerID); err != nil {
			return s.wrap("delete purchase", err)
		}
		if err := s.recordStatus(ctx, tx, p.CustomerID, "prospect", "no purchase left", s.now(), true); err != nil {
			return err
		}
	}
	if ref.Valid {
		// The open thank-you for this customer's first purchase, as
		// written now (by their id) or by an earlier rolo (by name and day).
		_, err := tx.ExecContext(ctx, `DELETE FROM followups WHERE customer_id = ? AND source = 'referral' AND done_at IS NULL
			AND (what LIKE ? OR what = ?)`, ref.Int64, thanksFor(p.CustomerID), "thank you for referring "+name+" (first purchase "+p.Date+")")
		return s.wrap("delete purchase", err)
	}
	return nil
}

// unwin takes back a win-back whose purchase was deleted: unless another
// purchase since they lapsed or were lost wins them back still, the
// customer is lapsed or lost again, as before it, and the win-back leaves
// their history.
func (s *Store) unwin(ctx context.Context, tx *sql.Tx, id int64) error {
	var hid int64
	var prev, reason, since string
	err := tx.QueryRowContext(ctx, `SELECT w.id, coalesce(b.status, ''), coalesce(b.reason, ''), coalesce(CAST(b.date AS TEXT), '')
		FROM status_history w LEFT JOIN status_history b ON b.id = (SELECT max(id) FROM status_history
			WHERE customer_id = w.customer_id AND id < w.id)
		WHERE w.id = (SELECT max(id) FROM status_history WHERE customer_id = ?)`, id).Scan(&hid, &prev, &reason, &since)
	if err != nil {
		return s.wrap("delete purchase", err)
	}
	if prev != "lapsed" && prev != "lost" {
		return nil
	}
	var still bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM purchases WHERE customer_id = ? AND date >= ?)`, id, since).Scan(&still); err != nil || still {
		return s.wrap("delete purchase", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE customers SET status = ?, lost_reason = ?, updated_at = ? WHERE id = ?`, prev, reason, s.stamp(), id); err != nil {
		return s.wrap("delete purchase", err)
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM status_history WHERE id = ?`, hid)
	return s.wrap("delete purchase", err)
}

const thanksPrefix = "thank-you call for purchase "

// RenumberFollowUp gives the text of a follow-up rolo wrote the ids that
// the rows it names have now, for a notebook added to another with new
// ids (rolo copy --new-ids): a thank-you for a purchase (source thanks,
// PurchaseThanks) names the purchase, one for a referral (source
// referral, thanks) the referred customer, and deleting the purchase
// finds them by that text. purchase and customer give a row's new id.
// Other texts come back as they are.
func RenumberFollowUp(what, source string, purchase, customer func(int64) (int64, bool)) string {
	switch source {
	case "thanks":
		if rest, ok := strings.CutPrefix(what, thanksPrefix); ok {
			return renumberAt(what, len(what)-len(rest), purchase)
		}
	case "referral":
		if i := strings.LastIndex(what, " (#"); strings.HasPrefix(what, referralPrefix) && i > 0 && strings.HasSuffix(what, ")") {
			return renumberAt(what, i+3, customer)
		}
	}
	return what
}

// renumberAt replaces the id written at what[at:] (digits, then a space,
// a comma or the end) by its new one.
func renumberAt(what string, at int, idOf func(int64) (int64, bool)) string {
	n := at
	for n < len(what) && what[n] >= '0' && what[n] <= '9' {
		n++
	}
	if n == at || n < len(what) && what[n] != ' ' && what[n] != ',' {
		return what
	}
	id, err := strconv.ParseInt(what[at:n], 10, 64)
	if err != nil {
		return what
	}
	if to, ok := idOf(id); ok && to != 0 {
		return what[:at] + strconv.FormatInt(to, 10) + what[n:]
	}
	return what
}

// PurchaseThanks is the thank-you follow-up a purchase by a customer of
// tier calls for (settings thanks.tiers). It names the purchase, so that
// deleting the purchase takes it away.
func PurchaseThanks(p Purchase, tier string) string {
	what := thanksPrefix + strconv.FormatInt(p.ID, 10)
	if p.Item != "" {
		what += " of " + p.Item
	}
	return what + " (" + tier + " customer)"
}

// thankWithinDays is how recent a referred customer's first purchase is
// for their referrer to be thanked for it.
const thankWithinDays = 30

// thanks is the follow-up that thanks a referrer for the first purchase of
// customer id, called name, on date.
const referralPrefix = "thank you for referring "

func thanks(name string, id int64, date string) string {
	return fmt.Sprintf(referralPrefix+"%s (#%d, first purchase %s)", name, id, date)
}

// thanksFor is a LIKE pattern of the thank-yous for customer id's first
// purchase, whatever their name and its day.
func thanksFor(id int64) string {
	return fmt.Sprintf("thank you for referring %% (#%d, first purchase %%)", id)
}

// Purchase reads one purchase.
func (s *Store) Purchase(ctx context.Context, id int64) (Purchase, error) {
	p, err := scanPurchase(s.r.QueryRowContext(short(ctx), `SELECT `+purchaseCols+` FROM purchases WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, Errorf(KindNotFound, "no purchase with id %d", id)
	}
	return p, s.wrap("read purchase", err)
}

// UpdatePurchase loads a purchase, lets fn change it and writes it back in
// one transaction; the kept totals, rhythm and search text of its customer
// (both customers, when fn moved it to another) follow at once.
func (s *Store) UpdatePurchase(ctx context.Context, id int64, fn func(p *Purchase) error) (Purchase, error) {
	var p Purchase
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		var err error
		p, err = scanPurchase(tx.QueryRowContext(ctx, `SELECT `+purchaseCols+` FROM purchases WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return Errorf(KindNotFound, "no purchase with id %d", id)
		} else if err != nil {
			return s.wrap("edit purchase", err)
		}
		was, wasAmount, wasDate := p.CustomerID, p.Amount, p.Date
		if err := fn(&p); err != nil {
			return err
		}
		p.ID = id
		if err := p.Validate(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE purchases SET customer_id = ?, date = ?, item = ?, quantity = ?, amount = ?, cost = ?,
			paid = ?, channel = ?, special_requests = ?, mood = ?, next_date = ?, note = ? WHERE id = ?`,
			p.CustomerID, p.Date, p.Item, p.Quantity, int64(p.Amount), optAmount(p.Cost), optAmount(p.Paid), p.Channel,
			p.SpecialRequests, p.Mood, p.NextDate, p.Note, id)
		if err != nil {
			if sqliteCode(err) == sqliteConstraintForeignKey {
				return Errorf(KindNotFound, "no customer with id %d", p.CustomerID)
			}
			return s.wrap("edit purchase", err)
		}
		var over int64
		if err := tx.QueryRowContext(ctx, `SELECT -(`+owing+`) FROM purchases p WHERE p.id = ?`, id).Scan(&over); err != nil {
			return s.wrap("edit purchase", err)
		}
		if over > 0 {
			cur := s.Currency()
			which := "its new amount"
			if p.Amount == wasAmount {
				which = "its amount"
			}
			return Errorf(KindInvalid, "purchase %d has been paid %s more than %s %s; delete a payment first",
				id, cur.Format(money.Amount(over)), which, cur.Format(p.Amount))
		}
		// A payment is never dated before the sale it pays: a sale moved
		// later than its payments is refused. (Only a move is checked: a
		// purchase that older notebooks or imports hold with an earlier
		// deposit stays editable.)
		var first sql.NullString
		var paid int64
		if p.Date != wasDate {
			err = tx.QueryRowContext(ctx, `SELECT min(date), coalesce(sum(amount), 0) FROM payments
				WHERE purchase_id = ?1 AND date < ?2 AND date >= ?3`, id, p.Date, strings.TrimSpace(wasDate)).Scan(&first, &paid)
			if err != nil {
				return s.wrap("edit purchase", err)
			}
		}
		if first.Valid {
			return Errorf(KindInvalid, "purchase %d has payments of %s dated from %s on: it cannot be dated %s, after them; delete those payments first",
				id, s.Currency().Format(money.Amount(paid)), strings.TrimSpace(first.String), p.Date)
		}
		if err := s.purchasesChanged(ctx, tx, p.CustomerID); err != nil {
			return err
		}
		if was != p.CustomerID {
			return s.purchasesChanged(ctx, tx, was)
		}
		return nil
	})
	return p, err
}

// RestorePurchase puts back a deleted purchase with its id and payments
// (undo).
func (s *Store) RestorePurchase(ctx context.Context, p Purchase, payments []Payment) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.insertPurchase(ctx, tx, &p); err != nil {
			return err
		}
		for _, y := range payments {
			y.PurchaseID = p.ID
			if _, err := s.insertPayment(ctx, tx, &y); err != nil {
				return err
			}
		}
		if err := s.purchasesChanged(ctx, tx, p.CustomerID); err != nil {
			return err
		}
		// As when it was first written: a prospect becomes active again,
		// and the referrer is thanked again.
		if err := s.purchaseMovesStatus(ctx, tx, p); err != nil {
			return err
		}
		return s.thankReferrer(ctx, tx, p)
	})
}

// MonthlyRevenue is a customer's revenue per calendar month ("2026-11") of
// the purchases on or after from.
func (s *Store) MonthlyRevenue(ctx context.Context, customerID int64, from time.Time) (map[string]money.Amount, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT substr(CAST(date AS TEXT), 1, 7), sum(amount) FROM purchases
		WHERE customer_id = ? AND date >= ? GROUP BY 1`, customerID, from.Format(DateLayout))
	if err != nil {
		return nil, s.wrap("read purchases", err)
	}
	defer rows.Close()
	out := map[string]money.Amount{}
	for rows.Next() {
		var m string
		var v money.Amount
		if err := rows.Scan(&m, &v); err != nil {
			return nil, s.wrap("read purchases", err)
		}
		out[m] = v
	}
	return out, s.wrap("read purchases", rows.Err())
}
