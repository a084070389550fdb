package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/settings"
)

// Census is what a notebook holds: its rows of each kind and the money in
// them. Two notebooks with the same census hold the same records to the
// count and the same money to the minor unit (rolo copy compares them).
type Census struct {
	Customers     int64 `json:"customers"` // archived ones too
	Purchases     int64 `json:"purchases"`
	Payments      int64 `json:"payments"`
	Contacts      int64 `json:"contacts"`
	FollowUps     int64 `json:"followups"`
	Surveys       int64 `json:"surveys"`
	Events        int64 `json:"events"`
	Statuses      int64 `json:"statuses"`
	AgendaActions int64 `json:"agenda_actions"`

	Revenue    money.Amount `json:"revenue"`      // the purchases' amounts
	Cost       money.Amount `json:"cost"`         // their recorded costs
	PaidAtSale money.Amount `json:"paid_at_sale"` // paid when the sale was recorded
	Paid       money.Amount `json:"paid"`         // the payments after the sale
}

const censusSQL = `SELECT
	(SELECT count(*) FROM customers),
	(SELECT count(*) FROM purchases),
	(SELECT count(*) FROM payments),
	(SELECT count(*) FROM contacts),
	(SELECT count(*) FROM followups),
	(SELECT count(*) FROM surveys),
	(SELECT count(*) FROM events),
	(SELECT count(*) FROM status_history),
	(SELECT count(*) FROM agenda_actions),
	(SELECT coalesce(sum(amount), 0) FROM purchases),
	(SELECT coalesce(sum(cost), 0) FROM purchases),
	(SELECT coalesce(sum(paid), 0) FROM purchases),
	(SELECT coalesce(sum(amount), 0) FROM payments)`

func scanCensus(row *sql.Row) (Census, error) {
	var c Census
	err := row.Scan(&c.Customers, &c.Purchases, &c.Payments, &c.Contacts, &c.FollowUps, &c.Surveys, &c.Events,
		&c.Statuses, &c.AgendaActions, &c.Revenue, &c.Cost, &c.PaidAtSale, &c.Paid)
	return c, err
}

// Census counts what the notebook holds.
func (s *Store) Census(ctx context.Context) (Census, error) {
	c, err := scanCensus(s.r.QueryRowContext(ctx, censusSQL))
	return c, s.wrap("count the notebook", err)
}

// Census counts what the notebook holds as the bulk write sees it, before
// it commits.
func (b *Bulk) Census() (Census, error) {
	// On PostgreSQL purchases wait for COPY: counted once sent. (A copy of
	// a notebook without payments, whose restore sends them, found none.)
	if err := b.flushPurchases(); err != nil {
		return Census{}, err
	}
	c, err := scanCensus(b.tx.QueryRowContext(b.ctx, censusSQL))
	return c, b.s.wrap("count the notebook", err)
}

// Sub is what c holds beyond before: the rows a bulk write added to a
// notebook that held before.
func (c Census) Sub(before Census) Census {
	c.Customers -= before.Customers
	c.Purchases -= before.Purchases
	c.Payments -= before.Payments
	c.Contacts -= before.Contacts
	c.FollowUps -= before.FollowUps
	c.Surveys -= before.Surveys
	c.Events -= before.Events
	c.Statuses -= before.Statuses
	c.AgendaActions -= before.AgendaActions
	c.Revenue -= before.Revenue
	c.Cost -= before.Cost
	c.PaidAtSale -= before.PaidAtSale
	c.Paid -= before.Paid
	return c
}

// Diff lists how other differs from c, as "purchases 10 ≠ 9", in a fixed
// order; none when they are the same.
func (c Census) Diff(other Census, cur money.Currency) []string {
	var out []string
	count := func(name string, a, b int64) {
		if a != b {
			out = append(out, fmt.Sprintf("%s %d ≠ %d", name, a, b))
		}
	}
	cash := func(name string, a, b money.Amount) {
		if a != b {
			out = append(out, fmt.Sprintf("%s %s ≠ %s", name, cur.Format(a), cur.Format(b)))
		}
	}
	count("customers", c.Customers, other.Customers)
	count("purchases", c.Purchases, other.Purchases)
	count("payments", c.Payments, other.Payments)
	count("contacts", c.Contacts, other.Contacts)
	count("follow-ups", c.FollowUps, other.FollowUps)
	count("surveys", c.Surveys, other.Surveys)
	count("events", c.Events, other.Events)
	count("statuses", c.Statuses, other.Statuses)
	count("agenda actions", c.AgendaActions, other.AgendaActions)
	cash("revenue", c.Revenue, other.Revenue)
	cash("cost", c.Cost, other.Cost)
	cash("paid at the sale", c.PaidAtSale, other.PaidAtSale)
	cash("payments", c.Paid, other.Paid)
	return out
}

// StoredSettings are the settings the notebook stores (not the defaults
// of those it does not).
func (s *Store) StoredSettings(ctx context.Context) (map[string]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT key, value FROM settings ORDER BY key`)
	if err != nil {
		return nil, s.wrap("read settings", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, s.wrap("read settings", err)
		}
		if _, ok := settings.Lookup(k); ok {
			out[k] = v
		}
	}
	return out, s.wrap("read settings", rows.Err())
}

// SetSetting checks and stores one setting inside the bulk write (a
// restored notebook's own settings). The currency is not among them: the
// amounts are in its minor units, and it is set before the write.
func (b *Bulk) SetSetting(key, value string) error {
	if key == "currency" {
		return Errorf(KindInvalid, "the currency is set before a bulk write, not inside it")
	}
	if err := settings.Check(key, value); err != nil {
		return &Error{Kind: KindInvalid, Msg: strings.TrimSpace(err.Error()), Err: err}
	}
	_, err := b.tx.ExecContext(b.ctx, `INSERT INTO settings(key, value) VALUES (?, ?)
		ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value)
	if err == nil && key == "pyramid.cuts" {
		b.recount = true // the tiers follow the cuts
	}
	return b.s.wrap("save setting", err)
}
