package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/rolo-crm/rolo/tiering/agenda"
)

// freshTotals accumulates, as Bulk writes purchases, the kept totals and
// the purchase search text of customers who had no purchase before the
// bulk write began: for them nothing needs reading back, which saved most
// of the time rebuilding both took after a million-row import. Customers
// who already had purchases are rebuilt from the table (retotal, reindex).
type freshTotals struct {
	before map[int64]bool // customers with purchases before the bulk write
	acc    map[int64]*purchaseAcc
}

type purchaseAcc struct {
	revenue, profit, paid int64
	n                     int
	days                  []int32 // days since 1970, as seen
	first, last           string
	latestDate, next      string
	latestID              int64
	texts                 []string // distinct, in first-seen order
}

// freshFor returns the accumulator of a customer without earlier
// purchases, or nil for one who has them.
func (b *Bulk) freshFor(id int64) (*purchaseAcc, error) {
	f := &b.fresh
	if f.before == nil {
		f.before, f.acc = map[int64]bool{}, map[int64]*purchaseAcc{}
		rows, err := b.tx.QueryContext(b.ctx, `SELECT customer_id FROM purchase_totals`)
		if err != nil {
			return nil, b.s.wrap("bulk totals", err)
		}
		defer rows.Close()
		for rows.Next() {
			var x int64
			if err := rows.Scan(&x); err != nil {
				return nil, b.s.wrap("bulk totals", err)
			}
			f.before[x] = true
		}
		if err := rows.Err(); err != nil {
			return nil, b.s.wrap("bulk totals", err)
		}
	}
	if f.before[id] {
		return nil, nil
	}
	a := f.acc[id]
	if a == nil {
		a = &purchaseAcc{}
		f.acc[id] = a
	}
	return a, nil
}

func (a *purchaseAcc) add(p *Purchase, id int64) {
	a.revenue += p.Amount
	if p.Cost != nil {
		a.profit += p.Amount - *p.Cost
	}
	if p.Paid != nil {
		a.paid += *p.Paid
	} else {
		a.paid += p.Amount
	}
	a.n++
	if d := parseDay(p.Date); !d.IsZero() {
		a.days = append(a.days, int32(d.Unix()/86400))
	}
	if a.first == "" || p.Date < a.first {
		a.first = p.Date
	}
	a.last = max(a.last, p.Date)
	if p.Date > a.latestDate || (p.Date == a.latestDate && id > a.latestID) {
		a.latestDate, a.latestID, a.next = p.Date, id, p.NextDate
	}
	text := p.Item + " " + p.SpecialRequests + " " + p.Note
	for _, t := range a.texts {
		if t == text {
			return
		}
	}
	a.texts = append(a.texts, text)
}

// write stores the accumulated totals and search rows with one statement
// each.
func (f *freshTotals) write(ctx context.Context, s *Store, tx *sql.Tx) error {
	if len(f.acc) == 0 {
		return nil
	}
	totals := make([][]any, 0, len(f.acc))
	bodies := make([][]any, 0, len(f.acc))
	// In id order: the full-text index merges ascending rowids cheaply, and
	// took four times as long over the map's random order.
	ids := make([]int64, 0, len(f.acc))
	for id := range f.acc {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		a := f.acc[id]
		slices.Sort(a.days)
		days := make([]time.Time, 0, len(a.days))
		for i, d := range a.days {
			if i == 0 || d != a.days[i-1] {
				days = append(days, time.Unix(int64(d)*86400, 0).UTC())
			}
		}
		totals = append(totals, []any{id, a.revenue, a.profit, a.paid, a.n, len(days), a.first, a.last,
			agenda.MedianGap(days), a.next})
		bodies = append(bodies, []any{id, strings.Join(a.texts, " ")})
	}
	tj, err := json.Marshal(totals)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO purchase_totals(customer_id, revenue, profit, paid, n, days,
		first, last, gap, next_date)
		SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5,
		       j.value ->> 6, j.value ->> 7, j.value ->> 8, j.value ->> 9 FROM json_each(?) j`, string(tj)); err != nil {
		return s.wrap("bulk totals", err)
	}
	ij, err := json.Marshal(ids)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM search WHERE rowid IN (SELECT value * 4 + 1 FROM json_each(?))`, string(ij)); err != nil {
		return s.wrap("index", err)
	}
	bj, err := json.Marshal(bodies)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO search(rowid, body, customer_id)
		SELECT (j.value ->> 0) * 4 + 1, j.value ->> 1, j.value ->> 0 FROM json_each(?) j`, string(bj))
	return s.wrap("index", err)
}
