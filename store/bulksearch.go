package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/tiering/agenda"
)

// freshSearch accumulates, as Bulk writes purchases, what the notebook
// keeps about customers who had no purchase before the bulk write began:
// their purchase search text and their kept totals (revenue, counts,
// rhythm...). For them nothing needs reading back: a million-row import
// spent most of its finishing reading every new purchase again, grouped by
// customer. The text is what indexSQL[srcPurchase] builds (each distinct
// "item requests note" once), the totals what totalsAgg and agenda.MedianGap
// define. Customers who already had purchases are totalled and re-indexed
// from the table.
type freshSearch struct {
	before map[int64]bool // customers with purchases before the bulk write
	acc    map[int64]*searchAcc
	n      int // purchases accumulated
	// Purchase texts are kept once for the whole write, customers list
	// theirs by number: a notebook's customers buy from one range of items,
	// and a copy per customer was most of a large import's memory.
	texts  []string
	textID map[string]int32
}

type searchAcc struct {
	texts   []int32 // the distinct purchase texts, in the order first bought
	textSet map[int32]struct{}

	// The kept totals, as totalsAgg defines them.
	revenue, profit, paid, uncosted money.Amount
	n                               int
	days                            []int32 // purchase days (days since 1970), unsorted, repeats included
	lastDay                         int32   // the latest purchase's day and id (by day, then id) and its next_date
	lastID                          int64
	next                            string
}

// of returns the accumulator of a customer without earlier purchases, or
// nil for one who has them.
func (f *freshSearch) of(b *Bulk, id int64) (*searchAcc, error) {
	if f.before == nil {
		f.before, f.acc = map[int64]bool{}, map[int64]*searchAcc{}
		rows, err := b.tx.QueryContext(b.ctx, `SELECT customer_id FROM purchase_totals`)
		if err != nil {
			return nil, b.s.wrap("bulk", err)
		}
		defer rows.Close()
		for rows.Next() {
			var x int64
			if err := rows.Scan(&x); err != nil {
				return nil, b.s.wrap("bulk", err)
			}
			f.before[x] = true
		}
		if err := rows.Err(); err != nil {
			return nil, b.s.wrap("bulk", err)
		}
	}
	if f.before[id] {
		return nil, nil
	}
	f.n++
	a := f.acc[id]
	if a == nil {
		a = &searchAcc{}
		f.acc[id] = a
	}
	return a, nil
}

// ids lists the customers accumulated.
func (f *freshSearch) ids() []int64 {
	ids := make([]int64, 0, len(f.acc))
	for id := range f.acc {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// addTotals counts purchase p (with id) in the customer's totals.
func (a *searchAcc) addTotals(p *Purchase, id int64) {
	a.revenue += p.Amount
	if p.Cost != nil {
		a.profit += p.Amount - *p.Cost
	} else {
		a.uncosted += p.Amount
	}
	if p.Paid != nil {
		a.paid += *p.Paid
	} else {
		a.paid += p.Amount
	}
	a.n++
	var d int32 // the day, checked by Purchase.Validate already
	if t, err := parseDate(p.Date); err == nil {
		d = int32(t.Unix() / 86400)
		a.days = append(a.days, d)
	}
	if a.n == 1 || d > a.lastDay || (d == a.lastDay && id > a.lastID) {
		// A copy: the purchase's text is a slice of the line it was read
		// from, which it would keep alive for as long as the write lasts
		// (11 MB of a million-purchase import's 78 MB heap, each
		// customer's latest line).
		a.lastDay, a.lastID, a.next = d, id, strings.Clone(p.NextDate)
	}
}

// add keeps a purchase's text ("item requests note") once per customer.
func (f *freshSearch) add(a *searchAcc, p *Purchase) {
	t := p.Item + " " + p.SpecialRequests + " " + p.Note
	id, ok := f.textID[t]
	if !ok {
		if f.textID == nil {
			f.textID = map[string]int32{}
		}
		id = int32(len(f.texts))
		f.texts = append(f.texts, t)
		f.textID[t] = id
	}
	// A short list for the usual few distinct texts, a set past that (a
	// customer with 300,000 different items made the list quadratic).
	if a.textSet != nil {
		if _, ok := a.textSet[id]; ok {
			return
		}
		a.textSet[id] = struct{}{}
	} else {
		if slices.Contains(a.texts, id) {
			return
		}
		if len(a.texts) == 32 {
			a.textSet = make(map[int32]struct{}, 64)
			for _, x := range a.texts {
				a.textSet[x] = struct{}{}
			}
			a.textSet[id] = struct{}{}
		}
	}
	a.texts = append(a.texts, id)
}

// totalsRow is a customer's kept totals as a row of purchase_totals
// (customer_id, revenue, profit, paid, n, days, first, last, uncosted,
// next_date, gap); days is scratch space, returned for the next call.
func (a *searchAcc) totalsRow(id int64, days []time.Time) ([]any, []time.Time) {
	slices.Sort(a.days)
	a.days = slices.Compact(a.days)
	days = days[:0]
	for _, d := range a.days {
		days = append(days, time.Unix(int64(d)*86400, 0).UTC())
	}
	first, last := "", ""
	if len(days) > 0 {
		first, last = days[0].Format(DateLayout), days[len(days)-1].Format(DateLayout)
	}
	return []any{id, int64(a.revenue), int64(a.profit), int64(a.paid), int64(a.n), int64(len(days)), first, last,
		int64(a.uncosted), a.next, int64(agenda.MedianGap(days))}, days
}

// body is a customer's purchase search text: each distinct text once,
// space-separated, padded.
func (f *freshSearch) body(a *searchAcc) string {
	var b strings.Builder
	for i, id := range a.texts {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(f.texts[id])
	}
	b.WriteString(bodyPad)
	return b.String()
}

// write stores the accumulated totals and search rows, a statement per
// chunk of customers.
func (f *freshSearch) write(ctx context.Context, s *Store, tx *sql.Tx) error {
	// In id order: the full-text index merges ascending rowids cheaply, and
	// took four times as long over the map's random order. In chunks, so
	// the JSON handed over stays a few megabytes.
	for chunk := range slices.Chunk(f.ids(), 20000) {
		bodies := make([][]any, 0, len(chunk))
		totals := make([][]any, 0, len(chunk))
		var days []time.Time
		for _, id := range chunk {
			a := f.acc[id]
			bodies = append(bodies, []any{id, f.body(a)})
			var row []any
			row, days = a.totalsRow(id, days)
			totals = append(totals, row)
			delete(f.acc, id) // written: let it go
		}
		tj, err := json.Marshal(totals)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO purchase_totals(`+totalsCols+`, gap)
			SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5,
			       j.value ->> 6, j.value ->> 7, j.value ->> 8, j.value ->> 9, j.value ->> 10 FROM json_each(?) j`, string(tj)); err != nil {
			return s.wrap("bulk totals", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM search WHERE rowid IN (SELECT value * 4 + 1 FROM json_each(?))`, jsonIDs(chunk)); err != nil {
			return s.wrap("index", err)
		}
		bj, err := json.Marshal(bodies)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO search(rowid, body, customer_id)
			SELECT (j.value ->> 0) * 4 + 1, j.value ->> 1, j.value ->> 0 FROM json_each(?) j`, string(bj)); err != nil {
			return s.wrap("index", err)
		}
	}
	return nil
}
