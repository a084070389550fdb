package store

import (
	"context"
	"strings"
)

// What whole-notebook export and restore (store/transfer) need beyond the
// entity files: surveys read in a stream, and rows written with the ids
// they had.

// EachSurvey calls fn for every survey dated on or after since ("" for
// all), in id order, with its customer.
func (s *Store) EachSurvey(ctx context.Context, since string, fn func(v Survey, c CustomerRef) error) error {
	return eachHistory(ctx, s, "export surveys", `SELECT id, customer_id, date, satisfaction, initiative, repurchase,
		recommend, resistance, note, created_at FROM surveys WHERE `+onOrAfter("date", since)+` ORDER BY id`, since,
		func(sc scanner) (Survey, error) {
			var v Survey
			err := sc.Scan(&v.ID, &v.CustomerID, &v.Date, &v.Satisfaction, &v.Initiative, &v.Repurchase,
				&v.Recommend, &v.Resistance, &v.Note, &v.CreatedAt)
			return v, err
		}, func(v Survey) int64 { return v.CustomerID }, fn)
}

// restoreTables are the tables whose rows KeepID may renumber.
var restoreTables = map[string]bool{"purchases": true, "contacts": true, "followups": true, "surveys": true,
	"payments": true, "events": true, "status_history": true, "agenda_actions": true}

// KeepID gives the row just inserted into table (purchases, contacts,
// followups, surveys, payments, events, status_history or agenda_actions) as id got the id want it had where it came from,
// so a restored notebook keeps every id (rolo done 12, rolo resolve
// --complaint 7 mean the same rows). Rows are restored in id order into
// empty tables, so want is never taken.
func (b *Bulk) KeepID(table string, got, want int64) error {
	if got == want || want == 0 {
		return nil
	}
	if !restoreTables[table] {
		return Errorf(KindInvalid, "cannot keep ids of %q", table)
	}
	queued := false
	if table == "purchases" && b.pg != nil {
		// On PostgreSQL purchases wait for COPY: renumber the queued row
		// (an UPDATE would find nothing yet, and the payments that name
		// the purchase by its id would land on another).
		for i := len(b.pg.rows) - 1; i >= 0 && !queued; i-- {
			if id, _ := b.pg.rows[i][0].(int64); id == got {
				b.pg.rows[i][0], queued = want, true
			}
		}
		for i := b.pg.bin.len() - 1; i >= 0 && !queued; i-- {
			if b.pg.bin.firstInt8(i) == got {
				b.pg.bin.setFirstInt8(i, want)
				queued = true
			}
		}
	}
	var err error
	if !queued && table == "purchases" {
		// A batch on its way may hold it: the UPDATE could otherwise run
		// before the batch's COPY and find nothing.
		err = b.waitPurchases()
	}
	if !queued && err == nil {
		_, err = b.ExecContext(b.ctx, `UPDATE `+table+` SET id = ? WHERE id = ?`, want, got)
	}
	if err != nil {
		if sqliteCode(err) == sqliteConstraintPrimaryKey {
			return Errorf(KindConflict, "%s id %d is already used", table, want)
		}
		return b.s.wrap("keep id", err)
	}
	if table == "purchases" && b.lastBuy.id == got {
		// The latest purchase of a day is the one with the highest id.
		if acc := b.fresh.acc[b.lastBuy.customer]; acc != nil && acc.lastID == got {
			acc.lastID = want
		}
		b.lastBuy.id = want
	}
	return nil
}

// EachPayment calls fn for every payment dated on or after since ("" for
// all), in id order, with the customer of its purchase.
func (s *Store) EachPayment(ctx context.Context, since string, fn func(p Payment, c CustomerRef) error) error {
	return eachHistory(ctx, s, "export payments", `SELECT y.id, y.purchase_id, p.customer_id, y.date, y.amount, y.note, y.created_at
		FROM payments y JOIN purchases p ON p.id = y.purchase_id WHERE `+onOrAfter("y.date", since)+` ORDER BY y.id`, since,
		func(sc scanner) (Payment, error) {
			var p Payment
			err := sc.Scan(&p.ID, &p.PurchaseID, &p.CustomerID, &p.Date, &p.Amount, &p.Note, &p.CreatedAt)
			return p, err
		}, func(p Payment) int64 { return p.CustomerID }, fn)
}

// EachEvent calls fn for every dated event, in id order, with its customer.
func (s *Store) EachEvent(ctx context.Context, fn func(e Event, c CustomerRef) error) error {
	return eachHistory(ctx, s, "export events", `SELECT `+eventCols+` FROM events WHERE ?1 = '' ORDER BY id`, "",
		scanEvent, func(e Event) int64 { return e.CustomerID }, fn)
}

// EachStatusChange calls fn for every row of the status history dated on
// or after since ("" for all), in id order, with its customer.
func (s *Store) EachStatusChange(ctx context.Context, since string, fn func(h StatusChange, c CustomerRef) error) error {
	return eachHistory(ctx, s, "export status history", `SELECT h.id, h.customer_id, c.name, h.status, h.reason, h.date, h.auto
		FROM status_history h JOIN customers c ON c.id = h.customer_id WHERE `+onOrAfter("h.date", since)+` ORDER BY h.id`, since,
		func(sc scanner) (StatusChange, error) {
			var h StatusChange
			err := sc.Scan(&h.ID, &h.CustomerID, &h.Name, &h.Status, &h.Reason, &h.Date, &h.Auto)
			return h, err
		}, func(h StatusChange) int64 { return h.CustomerID }, fn)
}

// EachAgendaAction calls fn for every snooze and dismissal, in id order,
// with its customer.
func (s *Store) EachAgendaAction(ctx context.Context, fn func(a AgendaAction, c CustomerRef) error) error {
	return eachHistory(ctx, s, "export agenda actions", `SELECT id, customer_id, reason, ref, due, until, note, created_at
		FROM agenda_actions WHERE ?1 = '' ORDER BY id`, "",
		func(sc scanner) (AgendaAction, error) {
			var a AgendaAction
			err := sc.Scan(&a.ID, &a.CustomerID, &a.Reason, &a.Ref, &a.Due, &a.Until, &a.Note, &a.CreatedAt)
			return a, err
		}, func(a AgendaAction) int64 { return a.CustomerID }, fn)
}

// ClearStatusHistory empties the status history of the customers a
// restore added, which brings their history of its own (adding them wrote
// rows of their own); other customers' history stays.
func (b *Bulk) ClearStatusHistory(ids []int64) error {
	_, err := b.ExecContext(b.ctx, `DELETE FROM status_history WHERE customer_id IN (SELECT value FROM json_each(?))`, jsonIDs(ids))
	return b.s.wrap("restore status history", err)
}

// AddStatusChange inserts a row of the status history as it was.
func (b *Bulk) AddStatusChange(h *StatusChange) (int64, error) {
	if !contains(Statuses, h.Status) {
		return 0, Errorf(KindInvalid, "status %q is not one of %s", h.Status, strings.Join(Statuses, ", "))
	}
	if err := normDay(&h.Date); err != nil {
		return 0, err
	}
	b.name(h.CustomerID)
	r, err := b.ExecContext(b.ctx, `INSERT INTO status_history(customer_id, status, reason, date, auto) VALUES (?,?,?,?,?)`,
		h.CustomerID, h.Status, h.Reason, h.Date, h.Auto)
	if err != nil {
		return 0, b.s.wrap("restore status history", err)
	}
	return r.LastInsertId()
}

// AddAgendaAction inserts a snooze or dismissal as it was.
func (b *Bulk) AddAgendaAction(a *AgendaAction) (int64, error) {
	if err := normDay(&a.Due); err != nil {
		return 0, err
	}
	if a.Until != "" {
		if err := normDay(&a.Until); err != nil {
			return 0, err
		}
	}
	b.name(a.CustomerID)
	r, err := b.ExecContext(b.ctx, `INSERT INTO agenda_actions(customer_id, reason, ref, due, until, note, created_at) VALUES (?,?,?,?,?,?,?)`,
		a.CustomerID, a.Reason, a.Ref, a.Due, a.Until, a.Note, a.CreatedAt)
	if err != nil {
		return 0, b.s.wrap("restore agenda actions", err)
	}
	return r.LastInsertId()
}
