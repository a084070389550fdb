package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rolo-crm/rolo/tiering/agenda"
)

// recordStatus adds a row to the status history.
func (s *Store) recordStatus(ctx context.Context, tx execer, id int64, status, reason string, on time.Time, auto bool) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO status_history(customer_id, status, reason, date, auto) VALUES (?,?,?,?,?)`,
		id, status, reason, on.Format(DateLayout), auto)
	return s.wrap("record status", err)
}

// StatusChange is one customer moving along the lifecycle.
type StatusChange struct {
	ID         int64  `json:"id,omitempty"`
	CustomerID int64  `json:"customer_id"`
	Name       string `json:"name"`
	Status     string `json:"status"`
	Reason     string `json:"reason"`
	Date       string `json:"date"`
	Auto       bool   `json:"auto"` // set by rolo's rules, not by the rep
}

// SetStatuses moves customers along the lifecycle by rolo's rules (lapsed
// when they slip away), in one transaction.
func (s *Store) SetStatuses(ctx context.Context, changes []StatusChange) error {
	if len(changes) == 0 {
		return nil
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if done, err := s.setStatusesAtOnce(ctx, tx, changes); err != nil || done {
			return err
		}
		var moves []rankMove
		for _, c := range changes {
			var was string
			if err := tx.QueryRowContext(ctx, `SELECT status FROM customers WHERE id = ?`, c.CustomerID).Scan(&was); err != nil {
				return s.wrap("set status", err)
			}
			var m rankMove
			recount := was == "dropped" || c.Status == "dropped"
			if recount {
				var err error
				if m.before, err = s.rankOf(ctx, tx, c.CustomerID); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `UPDATE customers SET status = ?, lost_reason = ?, updated_at = ? WHERE id = ?`,
				c.Status, c.Reason, s.stamp(), c.CustomerID); err != nil {
				return s.wrap("set status", err)
			}
			d, err := parseDate(c.Date)
			if err != nil {
				return err
			}
			if err := s.recordStatus(ctx, tx, c.CustomerID, c.Status, c.Reason, d, c.Auto); err != nil {
				return err
			}
			if recount {
				if m.after, err = s.rankOf(ctx, tx, c.CustomerID); err != nil {
					return err
				}
				moves = append(moves, m)
			}
		}
		if moves != nil { // who is ranked changed
			return s.bumpPurchases(ctx, tx, moves)
		}
		return nil
	})
}

// setStatusesAtOnce is SetStatuses in a few statements for changes that
// move no one into or out of the ranks (none to or from dropped), each
// customer once: the usual case, customers found slipping away marked
// lapsed. One statement each per customer took 15 s for 21,000 customers
// on a team's server (a round trip each). done is false, with nothing
// written, for changes it leaves to SetStatuses.
func (s *Store) setStatusesAtOnce(ctx context.Context, tx *sql.Tx, changes []StatusChange) (done bool, err error) {
	type group struct {
		c   StatusChange
		ids []int64
	}
	var groups []group
	history := make([]StatusChange, 0, len(changes)) // in the order of the changes
	at := map[StatusChange]int{}
	seen := make(map[int64]bool, len(changes))
	ids := make([]int64, 0, len(changes))
	for _, c := range changes {
		if c.Status == "dropped" || seen[c.CustomerID] {
			return false, nil
		}
		seen[c.CustomerID] = true
		ids = append(ids, c.CustomerID)
		d, err := parseDate(c.Date)
		if err != nil {
			return false, err
		}
		key := StatusChange{Status: c.Status, Reason: c.Reason, Date: d.Format(DateLayout), Auto: c.Auto}
		history = append(history, StatusChange{CustomerID: c.CustomerID, Status: key.Status, Reason: key.Reason, Date: key.Date, Auto: key.Auto})
		i, ok := at[key]
		if !ok {
			i = len(groups)
			at[key] = i
			groups = append(groups, group{c: key})
		}
		groups[i].ids = append(groups[i].ids, c.CustomerID)
	}
	n := 0
	rows, err := tx.QueryContext(ctx, `SELECT status FROM customers WHERE id IN (SELECT value FROM json_each(?))`, jsonIDs(ids))
	if err != nil {
		return false, s.wrap("set status", err)
	}
	for rows.Next() {
		var was string
		if err := rows.Scan(&was); err != nil {
			rows.Close()
			return false, s.wrap("set status", err)
		}
		if was == "dropped" {
			rows.Close()
			return false, nil
		}
		n++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return false, s.wrap("set status", err)
	}
	if n != len(ids) {
		return false, nil // a customer missing: SetStatuses says which
	}
	now := s.stamp()
	for _, g := range groups {
		if _, err := tx.ExecContext(ctx, `UPDATE customers SET status = ?, lost_reason = ?, updated_at = ? WHERE id IN (SELECT value FROM json_each(?))`,
			g.c.Status, g.c.Reason, now, jsonIDs(g.ids)); err != nil {
			return false, s.wrap("set status", err)
		}
	}
	args := make([]any, 0, 5*len(history))
	for _, c := range history {
		args = append(args, c.CustomerID, c.Status, c.Reason, c.Date, c.Auto)
	}
	if err := insertRows(ctx, tx, `INSERT INTO status_history(customer_id, status, reason, date, auto)`, 5, args); err != nil {
		return false, s.wrap("record status", err)
	}
	return true, nil
}

// StatusChanges lists the status changes dated from..to (inclusive), oldest first.
func (s *Store) StatusChanges(ctx context.Context, from, to time.Time) ([]StatusChange, error) {
	return queryAll(ctx, s, "read status history", func(sc scanner) (StatusChange, error) {
		var c StatusChange
		err := sc.Scan(&c.CustomerID, &c.Name, &c.Status, &c.Reason, &c.Date, &c.Auto)
		return c, err
	}, `SELECT h.customer_id, c.name, h.status, h.reason, h.date, h.auto FROM status_history h
		JOIN customers c ON c.id = h.customer_id WHERE h.date >= ? AND h.date <= ? ORDER BY h.date, h.id`,
		from.Format(DateLayout), to.Format(DateLayout))
}

// FirstPurchases counts the customers whose first purchase fell in each
// month ("2026-11") from..to: the customers gained.
func (s *Store) FirstPurchases(ctx context.Context, from, to time.Time) (map[string]int, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT substr(CAST(first AS TEXT), 1, 7), count(*) FROM purchase_totals
		WHERE first >= ? AND first <= ? GROUP BY 1`, from.Format(DateLayout), to.Format(DateLayout))
	if err != nil {
		return nil, s.wrap("read purchases", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var m string
		var n int
		if err := rows.Scan(&m, &n); err != nil {
			return nil, s.wrap("read purchases", err)
		}
		out[m] = n
	}
	return out, s.wrap("read purchases", rows.Err())
}

// Event is a dated personal event of a customer: a wedding anniversary, a
// child's exam, the company's anniversary, 婚庆喜事.
type Event struct {
	ID         int64  `json:"id"`
	CustomerID int64  `json:"customer_id"`
	What       string `json:"what"`
	Date       string `json:"date"` // YYYY-MM-DD, or --MM-DD for a yearly event without a year
	Lunar      bool   `json:"lunar"`
	Leap       bool   `json:"leap_month"`
	Once       bool   `json:"once"`
	CreatedAt  string `json:"created_at"`
}

// Validate checks an event before it is written.
func (e *Event) Validate() error {
	if strings.TrimSpace(e.What) == "" {
		return Errorf(KindInvalid, "say what the event is")
	}
	if !utf8.ValidString(e.What) {
		return Errorf(KindInvalid, "the event is not valid UTF-8 text")
	}
	b, err := ParseBirthday(e.Date, e.Lunar)
	if err != nil {
		return Errorf(KindInvalid, "event date: %v", strings.Replace(err.Error(), "birthday", "date", 1))
	}
	if e.Once && b.Year == 0 {
		return Errorf(KindInvalid, "a one-off event needs its year: write YYYY-MM-DD")
	}
	if e.Leap && !e.Lunar {
		return Errorf(KindInvalid, "a leap month is a lunar month (add --lunar)")
	}
	if e.Leap {
		if err := checkLeap(b); err != nil {
			return err
		}
	}
	e.Date = b.String()
	return nil
}

// Agenda is the event as the agenda sees it.
func (e Event) Agenda() (agenda.Event, error) {
	b, err := ParseBirthday(e.Date, e.Lunar)
	if err != nil {
		return agenda.Event{}, err
	}
	return agenda.Event{ID: e.ID, What: e.What, Year: b.Year, Once: e.Once,
		Date: agenda.Birthday{Month: b.Month, Day: b.Day, Lunar: e.Lunar, Leap: e.Leap}}, nil
}

const eventCols = `id, customer_id, what, date, lunar, leap, once, created_at`

func scanEvent(sc scanner) (Event, error) {
	var e Event
	err := sc.Scan(&e.ID, &e.CustomerID, &e.What, &e.Date, &e.Lunar, &e.Leap, &e.Once, &e.CreatedAt)
	return e, err
}

// AddEvent records a dated event (keeping its id when given: undo).
func (s *Store) AddEvent(ctx context.Context, e Event) (Event, error) {
	if err := e.Validate(); err != nil {
		return e, err
	}
	if e.CreatedAt == "" {
		e.CreatedAt = s.stamp()
	}
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `INSERT INTO events(id, customer_id, what, date, lunar, leap, once, created_at) VALUES (?,?,?,?,?,?,?,?)`,
			nullID(e.ID), e.CustomerID, e.What, e.Date, e.Lunar, e.Leap, e.Once, e.CreatedAt)
		if err != nil {
			switch sqliteCode(err) {
			case sqliteConstraintForeignKey:
				return Errorf(KindNotFound, "no customer with id %d", e.CustomerID)
			case sqliteConstraintPrimaryKey:
				return Errorf(KindConflict, "event id %d is already used", e.ID)
			}
			return s.wrap("add event", err)
		}
		e.ID, err = r.LastInsertId()
		return err
	})
	return e, err
}

// Events lists a customer's events (every customer's when id is 0), by date.
func (s *Store) Events(ctx context.Context, customerID int64) ([]Event, error) {
	if customerID == 0 {
		return queryAll(ctx, s, "read events", scanEvent, `SELECT e.id, e.customer_id, e.what, e.date, e.lunar, e.leap, e.once, e.created_at
			FROM events e WHERE e.customer_id NOT IN (SELECT id FROM customers WHERE archived_at IS NOT NULL) ORDER BY e.customer_id, e.id`)
	}
	return queryAll(ctx, s, "read events", scanEvent, `SELECT `+eventCols+` FROM events WHERE customer_id = ? ORDER BY id`, customerID)
}

// DeleteEvent removes an event and returns it as it was.
func (s *Store) DeleteEvent(ctx context.Context, id int64) (Event, error) {
	var e Event
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		var err error
		e, err = scanEvent(tx.QueryRowContext(ctx, `DELETE FROM events WHERE id = ? RETURNING `+eventCols, id))
		if errors.Is(err, sql.ErrNoRows) {
			return Errorf(KindNotFound, "no event with id %d", id)
		}
		return s.wrap("delete event", err)
	})
	return e, err
}

// AgendaAction is an agenda item the rep snoozed or dismissed.
type AgendaAction struct {
	ID         int64  `json:"id"`
	CustomerID int64  `json:"customer_id"`
	Reason     string `json:"reason"`
	Ref        int64  `json:"ref"`   // the follow-up, complaint, purchase or event it is about
	Due        string `json:"due"`   // the due day of the item acted on
	Until      string `json:"until"` // snoozed until this day; "" for a dismissal
	Note       string `json:"note"`
	CreatedAt  string `json:"created_at"`
}

// AddAgendaAction records a snooze or a dismissal.
func (s *Store) AddAgendaAction(ctx context.Context, a AgendaAction) (AgendaAction, error) {
	if err := normDay(&a.Due); err != nil {
		return a, err
	}
	if a.Until != "" {
		if err := normDay(&a.Until); err != nil {
			return a, err
		}
	}
	if !utf8.ValidString(a.Note) {
		return a, Errorf(KindInvalid, "the note is not valid UTF-8 text")
	}
	a.CreatedAt = s.stamp()
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `INSERT INTO agenda_actions(customer_id, reason, ref, due, until, note, created_at) VALUES (?,?,?,?,?,?,?)`,
			a.CustomerID, a.Reason, a.Ref, a.Due, a.Until, a.Note, a.CreatedAt)
		if err != nil {
			if sqliteCode(err) == sqliteConstraintForeignKey {
				return Errorf(KindNotFound, "no customer with id %d", a.CustomerID)
			}
			return s.wrap("snooze", err)
		}
		a.ID, err = r.LastInsertId()
		return err
	})
	return a, err
}

// DeleteAgendaAction takes a snooze or dismissal back.
func (s *Store) DeleteAgendaAction(ctx context.Context, id int64) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM agenda_actions WHERE id = ?`, id)
		if err != nil {
			return s.wrap("undo snooze", err)
		}
		return expectOne(res, "snooze or dismissal", id)
	})
}

// Dropped counts the current (not archived) customers the rep stopped
// serving; it reads the partial index of the customers outside the ranks.
func (s *Store) Dropped(ctx context.Context) (int, error) {
	var n int
	err := s.r.QueryRowContext(short(ctx), `SELECT count(*) FROM customers WHERE (`+outside+`) AND status = 'dropped' AND archived_at IS NULL`).Scan(&n)
	return n, s.wrap("count customers", err)
}
