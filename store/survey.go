package store

import (
	"context"
	"database/sql"
	"fmt"
)

// Survey records the five parts of loyalty, each 1–5: overall satisfaction,
// initiative in keeping the relationship, intent to buy again, intent to
// recommend, and resistance to switching.
type Survey struct {
	ID           int64  `json:"id"`
	CustomerID   int64  `json:"customer_id"`
	Date         string `json:"date"`
	Satisfaction int    `json:"satisfaction"`
	Initiative   int    `json:"initiative"`
	Repurchase   int    `json:"repurchase"`
	Recommend    int    `json:"recommend"`
	Resistance   int    `json:"resistance"`
	Note         string `json:"note"`
	CreatedAt    string `json:"created_at"`
}

// Validate checks every factor is 1–5 and the date is valid.
func (v *Survey) Validate() error {
	if err := normDay(&v.Date); err != nil {
		return fmt.Errorf("survey date: %w", err)
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"satisfaction", v.Satisfaction}, {"initiative", v.Initiative}, {"repurchase", v.Repurchase},
		{"recommend", v.Recommend}, {"resistance", v.Resistance}} {
		if f.v < 1 || f.v > 5 {
			return Errorf(KindInvalid, "%s must be 1–5, got %d", f.name, f.v)
		}
	}
	return nil
}

// AddSurvey records a loyalty survey.
func (s *Store) AddSurvey(ctx context.Context, v Survey) (Survey, error) {
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		id, err := s.insertSurvey(ctx, tx, &v)
		v.ID = id
		return err
	})
	return v, err
}

// insertSurvey validates and inserts one survey: the one insert path of
// single writes and Bulk.
func (s *Store) insertSurvey(ctx context.Context, tx execer, v *Survey) (int64, error) {
	if err := v.Validate(); err != nil {
		return 0, err
	}
	if v.CreatedAt == "" {
		v.CreatedAt = s.stamp()
	}
	r, err := tx.ExecContext(ctx, `INSERT INTO surveys(customer_id, date, satisfaction, initiative, repurchase,
		recommend, resistance, note, created_at) VALUES (?,?,?,?,?,?,?,?,?)`, v.CustomerID, v.Date,
		v.Satisfaction, v.Initiative, v.Repurchase, v.Recommend, v.Resistance, v.Note, v.CreatedAt)
	if err != nil {
		if sqliteCode(err) == sqliteConstraintForeignKey {
			return 0, Errorf(KindNotFound, "no customer with id %d", v.CustomerID)
		}
		return 0, s.wrap("add survey", err)
	}
	return r.LastInsertId()
}

// Surveys lists a customer's surveys, newest first.
func (s *Store) Surveys(ctx context.Context, customerID int64) ([]Survey, error) {
	return queryAll(ctx, s, "read surveys", func(sc scanner) (Survey, error) {
		var v Survey
		err := sc.Scan(&v.ID, &v.CustomerID, &v.Date, &v.Satisfaction, &v.Initiative, &v.Repurchase,
			&v.Recommend, &v.Resistance, &v.Note, &v.CreatedAt)
		return v, err
	}, `SELECT id, customer_id, date, satisfaction, initiative, repurchase,
		recommend, resistance, note, created_at FROM surveys WHERE customer_id = ? ORDER BY date DESC, id DESC`, customerID)
}
