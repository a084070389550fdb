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
	body                  []byte   // the distinct texts, space-separated
	seen                  []uint64 // hashes of the texts in body
	seenSet               map[uint64]struct{}
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

// add counts one purchase. Strings kept are copies: the purchase's may
// share memory with a whole input line.
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
		a.first = strings.Clone(p.Date)
	}
	if p.Date > a.last {
		a.last = strings.Clone(p.Date)
	}
	if p.Date > a.latestDate || (p.Date == a.latestDate && id > a.latestID) {
		a.latestDate, a.latestID, a.next = strings.Clone(p.Date), id, strings.Clone(p.NextDate)
	}
	sum := fnv1a(fnv1a(fnv1a(fnv1a(fnv1a(fnvOffset, p.Item), " "), p.SpecialRequests), " "), p.Note)
	// A short list for the usual few distinct texts, a set past that (a
	// customer with 300,000 different items made the list quadratic).
	if a.seenSet != nil {
		if _, ok := a.seenSet[sum]; ok {
			return
		}
		a.seenSet[sum] = struct{}{}
	} else {
		if slices.Contains(a.seen, sum) {
			return
		}
		if a.seen = append(a.seen, sum); len(a.seen) > 32 {
			a.seenSet = make(map[uint64]struct{}, 64)
			for _, h := range a.seen {
				a.seenSet[h] = struct{}{}
			}
			a.seen = nil
		}
	}
	if len(a.body) > 0 {
		a.body = append(a.body, ' ')
	}
	a.body = append(append(append(append(append(a.body, p.Item...), ' '), p.SpecialRequests...), ' '), p.Note...)
}

const fnvOffset = 14695981039346656037

// fnv1a continues an FNV-1a hash over s.
func fnv1a(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return h
}

// write stores the accumulated totals and search rows with one statement
// each.
func (f *freshTotals) write(ctx context.Context, s *Store, tx *sql.Tx) error {
	// In id order: the full-text index merges ascending rowids cheaply, and
	// took four times as long over the map's random order. In chunks, so
	// the JSON handed over stays a few megabytes.
	ids := make([]int64, 0, len(f.acc))
	for id := range f.acc {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for chunk := range slices.Chunk(ids, 20000) {
		if err := f.writeChunk(ctx, s, tx, chunk); err != nil {
			return err
		}
	}
	return nil
}

func (f *freshTotals) writeChunk(ctx context.Context, s *Store, tx *sql.Tx, ids []int64) error {
	totals := make([][]any, 0, len(ids))
	bodies := make([][]any, 0, len(ids))
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
		bodies = append(bodies, []any{id, string(a.body)})
		delete(f.acc, id) // written: let it go
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
	if _, err := tx.ExecContext(ctx, `DELETE FROM search WHERE rowid IN (SELECT value * 4 + 1 FROM json_each(?))`, jsonIDs(ids)); err != nil {
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
