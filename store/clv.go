package store

import (
	"context"
	"database/sql/driver"
	"slices"
	"time"

	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/tiering/clv"
)

// CLVInput is one buying customer's history in brief for the lifetime-value
// models, and their revenue in the last 12 months and the 12 before (for
// the simple CLV the models fall back on).
type CLVInput struct {
	clv.Customer
	Revenue12, RevenuePrev12 money.Amount
}

// CLVInputs summarises every current customer's purchase days up to asOf:
// repeat purchase days, weeks from the first purchase to the last and to
// asOf, the mean spend of the repeat days (in currency units), and the
// revenue of the last two years. Customers without purchases are left out.
func (s *Store) CLVInputs(ctx context.Context, asOf time.Time) ([]CLVInput, error) {
	return s.clvInputs(ctx, asOf, 0, nil, true)
}

// clvSplitAt is how many customers CLVHistoriesFor reads in two halves.
var clvSplitAt = 20000

// CLVHistoriesFor is CLVInputs for the customers ids only, without the
// revenue of the two years (each customer's range of two years of
// purchases is most of the reading; the day plan needs it only where a
// model gives no figure).
func (s *Store) CLVHistoriesFor(ctx context.Context, asOf time.Time, ids []int64) ([]clv.Customer, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	// Many customers: two halves by id, read side by side (each an index
	// seek a customer), in id order as one read gives them.
	sorted := slices.Clone(ids)
	slices.Sort(sorted)
	parts := [][]int64{sorted}
	if len(sorted) >= clvSplitAt {
		parts = [][]int64{sorted[:len(sorted)/2], sorted[len(sorted)/2:]}
	}
	ins := make([][]CLVInput, len(parts))
	fns := make([]func() error, len(parts))
	for i, part := range parts {
		fns[i] = func() (err error) {
			ins[i], err = s.clvInputs(ctx, asOf, 0, part, false)
			return err
		}
	}
	if err := parallel(fns...); err != nil {
		return nil, err
	}
	out := make([]clv.Customer, 0, len(ids))
	for _, in := range ins {
		for _, c := range in {
			out = append(out, c.Customer)
		}
	}
	return out, nil
}

// CLVInputOf is one customer's CLVInput; ok is false without a purchase.
func (s *Store) CLVInputOf(ctx context.Context, id int64, asOf time.Time) (c CLVInput, ok bool, err error) {
	cs, err := s.clvInputs(ctx, asOf, id, nil, true)
	if err != nil || len(cs) == 0 {
		return CLVInput{Customer: clv.Customer{ID: id}}, false, err
	}
	return cs[0], true, nil
}

// clvInputs summarises every customer, or only customer one when not 0,
// or only the customers ids when not nil; revenue says whether to fill in
// Revenue12 and RevenuePrev12.
func (s *Store) clvInputs(ctx context.Context, asOf time.Time, one int64, ids []int64, revenue bool) ([]CLVInput, error) {
	if one == 0 {
		latest, err := s.latestPurchaseDay(ctx, "summarise purchases")
		if err != nil {
			return nil, err
		}
		if latest <= asOf.Format(DateLayout) {
			return s.clvInputsKept(ctx, asOf, ids, revenue)
		}
	}
	return s.clvInputsWalked(ctx, asOf, one, ids)
}

// clvInputsKept is clvInputs when no purchase is dated after asOf: from
// the kept totals, one row per customer, with the first day's spend and
// the two years' revenue read from each customer's range of the
// (customer, date, amount) index instead of grouping a million purchases
// by day. It gives what clvInputsWalked gives (tested).
func (s *Store) clvInputsKept(ctx context.Context, asOf time.Time, ids []int64, revenue bool) ([]CLVInput, error) {
	only, rev := ``, `0, 0`
	if revenue {
		rev = `coalesce((SELECT sum(p.amount) FROM purchases p WHERE p.customer_id = t.customer_id AND p.date > ?1), 0),
		coalesce((SELECT sum(p.amount) FROM purchases p WHERE p.customer_id = t.customer_id AND p.date > ?2 AND p.date <= ?1), 0)`
	}
	var list any = ""
	if ids != nil {
		only = ` AND t.customer_id IN (SELECT value FROM json_each(?4))`
		list = jsonIDs(ids)
	}
	y1, y2 := asOf.AddDate(-1, 0, 0).Format(DateLayout), asOf.AddDate(-2, 0, 0).Format(DateLayout)
	cur := s.Currency()
	out := make([]CLVInput, 0, len(ids))
	err := s.eachRow(ctx, "summarise purchases", `SELECT t.customer_id, t.days, t.first, t.last, t.revenue,
		(SELECT sum(p.amount) FROM purchases p WHERE p.customer_id = t.customer_id AND p.date = t.first),
		`+rev+` FROM purchase_totals t
		WHERE t.customer_id NOT IN (SELECT id FROM customers WHERE `+outside+`) AND ?1 = ?1 AND ?2 = ?2 AND ?3 = ?3 AND ?4 = ?4`+only+`
		ORDER BY t.customer_id`, []any{y1, y2, asOf.Format(DateLayout), list},
		func(v []driver.Value) error {
			first, last := parseDay(vStr(v[2])), parseDay(vStr(v[3]))
			c := CLVInput{Customer: clv.Customer{ID: vInt(v[0]), X: int(vInt(v[1])) - 1,
				T: asOf.Sub(first).Hours() / 24 / 7, Tx: last.Sub(first).Hours() / 24 / 7},
				Revenue12: vMoney(v[6]), RevenuePrev12: vMoney(v[7])}
			if c.X > 0 {
				c.Mx = cur.Float(vMoney(v[4])-vMoney(v[5])) / float64(c.X)
			}
			out = append(out, c)
			return nil
		})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// clvInputsWalked is clvInputs from the purchases themselves: as of a day
// before the latest purchase, and for one customer.
func (s *Store) clvInputsWalked(ctx context.Context, asOf time.Time, one int64, ids []int64) ([]CLVInput, error) {
	only := `` // literal, so one customer's summary reads one index range
	var list any = ""
	switch {
	case one != 0:
		only = ` AND p.customer_id = ?2`
	case ids != nil:
		only = ` AND p.customer_id IN (SELECT value FROM json_each(?3))`
		list = jsonIDs(ids)
	}
	y1, y2 := asOf.AddDate(-1, 0, 0).Format(DateLayout), asOf.AddDate(-2, 0, 0).Format(DateLayout)
	cur := s.Currency()
	var out []CLVInput
	var c CLVInput
	var first, last time.Time
	var repeatSpend money.Amount
	flush := func() {
		if c.ID == 0 {
			return
		}
		c.T = asOf.Sub(first).Hours() / 24 / 7
		c.Tx = last.Sub(first).Hours() / 24 / 7
		if c.X > 0 {
			c.Mx = cur.Float(repeatSpend) / float64(c.X)
		}
		out = append(out, c)
	}
	// Customers outside the ranks (archived, dropped) are few: left out
	// here rather than looked up for each of the purchases.
	out0, err := s.outsideIDs(ctx, one)
	if err != nil {
		return nil, err
	}
	read := s.eachRow
	if one != 0 {
		read = s.eachFew
	}
	err = read(ctx, "summarise purchases", `SELECT p.customer_id, p.date, sum(p.amount) FROM purchases p
		WHERE p.date <= ?1`+only+` AND ?2 = ?2 AND ?3 = ?3
		GROUP BY p.customer_id, p.date ORDER BY p.customer_id, p.date`, []any{asOf.Format(DateLayout), one, list},
		func(v []driver.Value) error {
			id, day, amount := vInt(v[0]), vStr(v[1]), vMoney(v[2])
			if out0[id] {
				return nil
			}
			d := parseDay(day)
			if id != c.ID {
				flush()
				c, first, repeatSpend = CLVInput{Customer: clv.Customer{ID: id}}, d, 0
			} else {
				c.X++
				repeatSpend += amount
			}
			switch {
			case day > y1:
				c.Revenue12 += amount
			case day > y2:
				c.RevenuePrev12 += amount
			}
			last = d
			return nil
		})
	if err != nil {
		return nil, err
	}
	flush()
	return out, nil
}

// PurchaseDaysBetween counts each ranked customer's purchase days after
// from, up to and including to: the repeat purchases of a hold-out period.
func (s *Store) PurchaseDaysBetween(ctx context.Context, from, to time.Time) (map[int64]int, error) {
	out := map[int64]int{}
	err := s.eachRow(ctx, "count purchase days", `SELECT p.customer_id, count(DISTINCT p.date) FROM purchases p
		JOIN customers c ON c.id = p.customer_id AND c.archived_at IS NULL AND c.status <> 'dropped'
		WHERE p.date > ?1 AND p.date <= ?2 GROUP BY p.customer_id`, []any{from.Format(DateLayout), to.Format(DateLayout)},
		func(v []driver.Value) error {
			out[vInt(v[0])] = int(vInt(v[1]))
			return nil
		})
	return out, err
}

// outsideIDs are the customers outside the ranks: archived or dropped;
// of customer one alone when not 0 (a look-up, not a read of everyone).
func (s *Store) outsideIDs(ctx context.Context, one int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	q, args := `SELECT id FROM customers WHERE `+outside, []any(nil)
	if one != 0 {
		q, args = `SELECT id FROM customers WHERE id = ? AND (`+outside+`)`, []any{one}
	}
	read := s.eachRow
	if one != 0 {
		read = s.eachFew
	}
	err := read(ctx, "read customers", q, args, func(v []driver.Value) error {
		out[vInt(v[0])] = true
		return nil
	})
	return out, err
}

// RecentRevenue is every customer's revenue of the year up to asOf and of
// the year before it ([0] and [1]), for those who bought in either: what
// the day plan weighs customers by when no lifetime model is fitted. One
// pass over the (customer, date, amount) index, without the purchase days
// CLVInputs groups by.
func (s *Store) RecentRevenue(ctx context.Context, asOf time.Time) (map[int64][2]money.Amount, error) {
	y1, y2 := asOf.AddDate(-1, 0, 0).Format(DateLayout), asOf.AddDate(-2, 0, 0).Format(DateLayout)
	out := map[int64][2]money.Amount{}
	// Named: SQLite's own choice, the date index, looks up every row of the two years in the table.
	err := s.eachRow(ctx, "summarise purchases", `SELECT customer_id,
		sum(CASE WHEN date > ?2 THEN amount ELSE 0 END), sum(CASE WHEN date <= ?2 THEN amount ELSE 0 END)
		FROM purchases INDEXED BY purchases_customer_date WHERE date > ?3 AND date <= ?1 GROUP BY customer_id`,
		[]any{asOf.Format(DateLayout), y1, y2}, func(v []driver.Value) error {
			out[vInt(v[0])] = [2]money.Amount{vMoney(v[1]), vMoney(v[2])}
			return nil
		})
	return out, err
}
