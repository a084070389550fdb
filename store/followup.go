package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// FollowUp is something to do for a customer by a date.
type FollowUp struct {
	ID         int64   `json:"id"`
	CustomerID int64   `json:"customer_id"`
	Due        string  `json:"due"`
	What       string  `json:"what"`
	Source     string  `json:"source"`
	DoneAt     *string `json:"done_at"`
	CreatedAt  string  `json:"created_at"`
}

// Validate checks a follow-up before it is written.
func (f *FollowUp) Validate() error {
	if err := normDay(&f.Due); err != nil {
		return fmt.Errorf("follow-up date: %w", err)
	}
	if strings.TrimSpace(f.What) == "" {
		return Errorf(KindInvalid, "say what to do in the follow-up")
	}
	if !utf8.ValidString(f.What) {
		return Errorf(KindInvalid, "follow-up text is not valid UTF-8")
	}
	if f.Source == "" {
		f.Source = "manual"
	}
	return nil
}

const followUpCols = `id, customer_id, due, what, source, done_at, created_at`

func scanFollowUp(sc scanner) (FollowUp, error) {
	var f FollowUp
	var done sql.NullString
	err := sc.Scan(&f.ID, &f.CustomerID, &f.Due, &f.What, &f.Source, &done, &f.CreatedAt)
	if done.Valid {
		f.DoneAt = &done.String
	}
	return f, err
}

// AddFollowUp schedules a follow-up.
func (s *Store) AddFollowUp(ctx context.Context, f FollowUp) (FollowUp, error) {
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		id, err := s.insertFollowUp(ctx, tx, &f)
		f.ID = id
		return err
	})
	return f, err
}

func (s *Store) insertFollowUp(ctx context.Context, tx execer, f *FollowUp) (int64, error) {
	if err := f.Validate(); err != nil {
		return 0, err
	}
	if f.CreatedAt == "" {
		f.CreatedAt = s.stamp()
	}
	var done any
	if f.DoneAt != nil {
		done = *f.DoneAt
	}
	r, err := tx.ExecContext(ctx, `INSERT INTO followups(id, customer_id, due, what, source, done_at, created_at)
		VALUES (?,?,?,?,?,?,?)`, nullID(f.ID), f.CustomerID, f.Due, f.What, f.Source, done, f.CreatedAt)
	if err != nil {
		switch sqliteCode(err) {
		case sqliteConstraintForeignKey:
			return 0, Errorf(KindNotFound, "no customer with id %d", f.CustomerID)
		case sqliteConstraintPrimaryKey:
			return 0, Errorf(KindConflict, "follow-up id %d is already used", f.ID)
		}
		return 0, s.wrap("add follow-up", err)
	}
	return r.LastInsertId()
}

// FollowUp returns one follow-up.
func (s *Store) FollowUp(ctx context.Context, id int64) (FollowUp, error) {
	f, err := scanFollowUp(s.r.QueryRowContext(short(ctx), `SELECT `+followUpCols+` FROM followups WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return f, Errorf(KindNotFound, "no follow-up with id %d", id)
	}
	return f, s.wrap("read follow-up", err)
}

// CompleteFollowUp marks a follow-up done.
func (s *Store) CompleteFollowUp(ctx context.Context, id int64, at time.Time) (FollowUp, error) {
	var f FollowUp
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		var err error
		f, err = scanFollowUp(tx.QueryRowContext(ctx, `SELECT `+followUpCols+` FROM followups WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return Errorf(KindNotFound, "no follow-up with id %d", id)
		} else if err != nil {
			return s.wrap("complete follow-up", err)
		}
		if f.DoneAt != nil {
			return Errorf(KindConflict, "follow-up %d was already done at %s", id, *f.DoneAt)
		}
		stamp := at.UTC().Format(time.RFC3339)
		f.DoneAt = &stamp
		_, err = tx.ExecContext(ctx, `UPDATE followups SET done_at = ? WHERE id = ?`, stamp, id)
		return s.wrap("complete follow-up", err)
	})
	return f, err
}

// RescheduleFollowUp moves an open follow-up to a new due date (snooze).
func (s *Store) RescheduleFollowUp(ctx context.Context, id int64, due time.Time) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE followups SET due = ? WHERE id = ? AND done_at IS NULL`, due.Format(DateLayout), id)
		if err != nil {
			return s.wrap("reschedule follow-up", err)
		}
		return expectOne(res, "open follow-up", id)
	})
}

// FollowUps lists a customer's follow-ups; open ones first by due date.
func (s *Store) FollowUps(ctx context.Context, customerID int64, openOnly bool) ([]FollowUp, error) {
	where := `customer_id = ?`
	if openOnly {
		where += ` AND done_at IS NULL`
	}
	return s.followUpsWhere(ctx, where+` ORDER BY done_at IS NOT NULL, due, id`, customerID)
}

// OpenFollowUpsDue lists every open follow-up due on or before the date, of
// customers that are not archived.
func (s *Store) OpenFollowUpsDue(ctx context.Context, until time.Time) ([]FollowUp, error) {
	return s.followUpsWhere(ctx, `done_at IS NULL AND due <= ? AND customer_id IN
		(SELECT id FROM customers WHERE archived_at IS NULL) ORDER BY due, id`, until.Format(DateLayout))
}

func (s *Store) followUpsWhere(ctx context.Context, where string, args ...any) ([]FollowUp, error) {
	return queryAll(ctx, s, "read follow-ups", scanFollowUp, `SELECT `+followUpCols+` FROM followups WHERE `+where, args...)
}
