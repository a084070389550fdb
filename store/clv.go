package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/rolo-crm/rolo/tiering/clv"
)

// CLVSummaries summarises every current customer's purchase days up to
// asOf for the lifetime-value models: repeat purchase days, weeks from the
// first purchase to the last and to asOf, and the mean spend of the repeat
// days (in currency units). Customers without purchases are left out.
func (s *Store) CLVSummaries(ctx context.Context, asOf time.Time) ([]clv.Customer, error) {
	return s.clvSummaries(ctx, asOf, 0)
}

// clvSummaries summarises every customer, or only customer one when not 0.
func (s *Store) clvSummaries(ctx context.Context, asOf time.Time, one int64) ([]clv.Customer, error) {
	only := `` // literal, so one customer's summary reads one index range
	if one != 0 {
		only = ` AND p.customer_id = ?2`
	}
	rows, err := s.r.QueryContext(ctx, `SELECT p.customer_id, p.date, sum(p.amount) FROM purchases p
		JOIN customers c ON c.id = p.customer_id AND c.archived_at IS NULL
		WHERE p.date <= ?1 AND ?2 = ?2`+only+`
		GROUP BY p.customer_id, p.date ORDER BY p.customer_id, p.date`, asOf.Format(DateLayout), one)
	if err != nil {
		return nil, s.wrap("summarise purchases", err)
	}
	defer rows.Close()
	var out []clv.Customer
	var cur clv.Customer
	var first, last time.Time
	var repeatSpend int64
	flush := func() {
		if cur.ID == 0 {
			return
		}
		cur.T = asOf.Sub(first).Hours() / 24 / 7
		cur.Tx = last.Sub(first).Hours() / 24 / 7
		if cur.X > 0 {
			cur.Mx = float64(repeatSpend) / 100 / float64(cur.X)
		}
		out = append(out, cur)
	}
	for rows.Next() {
		var id, amount int64
		var day string
		if err := rows.Scan(&id, &day, &amount); err != nil {
			return nil, s.wrap("summarise purchases", err)
		}
		d := parseDay(day)
		if id != cur.ID {
			flush()
			cur, first, repeatSpend = clv.Customer{ID: id}, d, 0
		} else {
			cur.X++
			repeatSpend += amount
		}
		last = d
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap("summarise purchases", err)
	}
	flush()
	return out, nil
}

// CLVModel is a fitted lifetime-value model kept in the notebook so that
// show and the TUI can use it without fitting again.
type CLVModel struct {
	AsOf string         `json:"as_of"`
	BG   clv.BGNBD      `json:"bgnbd"`
	GG   clv.GammaGamma `json:"gamma_gamma"`
}

const clvKey = "clv.model"

// SaveCLVModel keeps the latest fitted model.
func (s *Store) SaveCLVModel(ctx context.Context, m CLVModel) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES (?, ?)
			ON CONFLICT(key) DO UPDATE SET value = excluded.value`, clvKey, string(b))
		return s.wrap("save model", err)
	})
}

// ErrNoModel says no lifetime-value model was fitted yet.
var ErrNoModel = errors.New("no lifetime-value model yet; run `rolo clv` to fit one")

// CLVModel returns the latest fitted model, or ErrNoModel.
func (s *Store) CLVModel(ctx context.Context) (CLVModel, error) {
	var v string
	err := s.r.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, clvKey).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return CLVModel{}, ErrNoModel
	} else if err != nil {
		return CLVModel{}, s.wrap("read model", err)
	}
	var m CLVModel
	if err := json.Unmarshal([]byte(v), &m); err != nil {
		return CLVModel{}, fmt.Errorf("the saved model is unreadable (%v); run `rolo clv` again", err)
	}
	return m, nil
}

// CLVSummary summarises one customer like CLVSummaries; ok is false when
// they have no purchase.
func (s *Store) CLVSummary(ctx context.Context, id int64, asOf time.Time) (c clv.Customer, ok bool, err error) {
	cs, err := s.clvSummaries(ctx, asOf, id)
	if err != nil || len(cs) == 0 {
		return clv.Customer{ID: id}, false, err
	}
	return cs[0], true, nil
}
