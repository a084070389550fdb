package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"github.com/rolo-crm/rolo/tiering"
)

// MetricsOptions choose the costlier parts of Metrics.
type MetricsOptions struct {
	// Growth fills Revenue12 and RevenuePrev12 (the scorecard needs them).
	Growth bool
	// Since, when set, counts only purchases on or after this date.
	Since time.Time
	// Lean computes only the purchase figures (revenue, profit, paid,
	// counts, first and last purchase): enough for tiers by revenue, profit,
	// paid or count and for RFM, and several times faster. Contacts,
	// complaints, referrals and surveys are left zero.
	Lean bool
	// Only, when not 0, computes one customer.
	Only int64
}

// Metrics computes the tiering metrics of every current (not archived)
// customer as of the given date in one query; purchases, contacts and
// surveys after asOf are ignored. When no purchase is later than asOf (the
// usual "as of today") it reads the per-customer totals the triggers keep;
// otherwise it aggregates the purchases themselves.
func (s *Store) Metrics(ctx context.Context, asOf time.Time, opts MetricsOptions) ([]tiering.Metrics, error) {
	day := asOf.Format(DateLayout)
	endOfDay := DayEnd(asOf) // contacts: at < the end of the rep's day
	y1 := asOf.AddDate(-1, 0, 0).Format(DateLayout)
	y2 := asOf.AddDate(-2, 0, 0).Format(DateLayout)
	latest, err := s.latestPurchaseDay(ctx, "compute metrics")
	if err != nil {
		return nil, err
	}
	// The fast path joins the trigger-kept totals; as of an earlier date the
	// purchases up to it are aggregated instead.
	with, totals := ``, `purchase_totals`
	since := ""
	if !opts.Since.IsZero() {
		since = opts.Since.Format(DateLayout)
	}
	// Everything up to a day is most of the table: reading it in order and
	// sorting is faster than a date-index range that fetches each row
	// (1 s instead of 2.4 in SQLite's shell); a --since window uses the index.
	scan := `purchases p NOT INDEXED`
	if since != "" || opts.Only != 0 {
		scan = `purchases p`
	}
	var ctes []string
	if latest > day || since != "" {
		totals = `p`
		window := `p.date <= ?1`
		if since != "" {
			window += ` AND p.date >= ?5`
		}
		if opts.Only != 0 {
			// One customer's purchases, from their index range: not
			// everyone's aggregated for one card (1.8 s at a million).
			window += ` AND p.customer_id = ?6`
		}
		ctes = append(ctes, `p AS (`+totalsQuery(scan, window, `?1`)+`)`)
	}
	if opts.Growth {
		// The last two years in one grouped pass, not two look-ups per
		// customer; for one customer, that customer's index range.
		from := `purchases NOT INDEXED WHERE`
		if opts.Only != 0 {
			from = `purchases WHERE customer_id = ?6 AND`
		}
		ctes = append(ctes, `g AS (SELECT customer_id,
           sum(CASE WHEN date > ?2 THEN amount ELSE 0 END) AS r12,
           sum(CASE WHEN date <= ?2 THEN amount ELSE 0 END) AS p12
    FROM `+from+` date > ?3 AND date <= ?1 GROUP BY customer_id)`)
	}
	if len(ctes) > 0 {
		with = `WITH ` + strings.Join(ctes, `, `)
	}
	// Only the columns asked for: every column costs a conversion per row,
	// and the lean set is what the pyramid and RFM read for everyone.
	cols := `c.id, c.name, c.created_at, coalesce(p.revenue, 0), coalesce(p.profit, 0), coalesce(p.paid, 0),
       coalesce(p.n, 0), coalesce(p.days, 0), p.first, p.last, coalesce(p.uncosted, 0)`
	survey := ``
	if opts.Growth {
		cols += `, coalesce(g.r12, 0), coalesce(g.p12, 0)`
		survey = `LEFT JOIN g ON g.customer_id = c.id`
	}
	if !opts.Lean {
		// Correlated subqueries ride the (customer_id, ...) indexes: one
		// short index probe per customer instead of materialising whole tables.
		cols += `,
       coalesce((SELECT max(at) FROM contacts WHERE customer_id = c.id AND at < ?4), ''),
       (SELECT count(*) FROM contacts WHERE customer_id = c.id AND complaint_status = 'open' AND at < ?4)
         + (SELECT count(*) FROM contacts WHERE customer_id = c.id AND complaint_status = 'resolved' AND at < ?4 AND resolved_at >= ?4),
       (SELECT count(*) FROM contacts WHERE customer_id = c.id AND complaint_status = 'resolved' AND resolved_at < ?4),
       (SELECT count(*) FROM customers x WHERE x.referred_by = c.id AND x.archived_at IS NULL),
       (SELECT coalesce(sum(q.revenue), 0) FROM customers x JOIN ` + totals + ` q ON q.customer_id = x.id
         WHERE x.referred_by = c.id AND x.archived_at IS NULL),
       v.satisfaction, v.initiative, v.repurchase, v.recommend, v.resistance`
		survey += `
LEFT JOIN surveys v ON v.id = (SELECT id FROM surveys WHERE customer_id = c.id AND date <= ?1 ORDER BY date DESC, id DESC LIMIT 1)`
	}
	// A literal condition, not "?6 = 0 OR c.id = ?6": SQLite plans the
	// statement before it sees the value, and the OR would scan everyone.
	// It comes before the "?N = ?N" that keep the numbering: PostgreSQL
	// types a parameter where it first meets it (text in "?6 = ?6").
	// Dropped customers (the rep stopped serving them) are outside the
	// ranks, but their own card still shows their figures.
	only := ` AND c.status <> 'dropped'`
	size, err := 1, error(nil)
	if opts.Only != 0 {
		only = ` AND c.id = ?6`
	} else if size, err = s.currentCount(ctx); err != nil {
		return nil, err
	}
	out := make([]tiering.Metrics, 0, size)
	nextLocalDay := time.Date(asOf.Year(), asOf.Month(), asOf.Day()+1, 0, 0, 0, 0, time.Local)
	read := s.eachRow
	if opts.Only != 0 {
		read = s.eachFew
	}
	err = read(ctx, "compute metrics", with+`
SELECT `+cols+`
FROM customers c
LEFT JOIN `+totals+` p ON p.customer_id = c.id
`+survey+`
WHERE c.archived_at IS NULL`+only+` AND ?1 = ?1 AND ?2 = ?2 AND ?3 = ?3 AND ?4 = ?4 AND ?5 = ?5 AND ?6 = ?6
ORDER BY c.id`, []any{day, y1, y2, endOfDay, since, opts.Only}, func(v []driver.Value) error {
		m := tiering.Metrics{ID: vInt(v[0]), Name: vStr(v[1]), Created: StampDay(vStr(v[2])),
			Revenue: vMoney(v[3]), Profit: vMoney(v[4]), Paid: vMoney(v[5]), Purchases: int(vInt(v[6])),
			PurchaseDays: int(vInt(v[7])), First: parseDay(vStr(v[8])), Last: parseDay(vStr(v[9])), Uncosted: vMoney(v[10])}
		m.Outstanding = m.Revenue - m.Paid
		created := vStr(v[2])
		v = v[11:]
		if opts.Growth {
			m.Revenue12, m.RevenuePrev12 = vMoney(v[0]), vMoney(v[1])
			v = v[2:]
		}
		if !opts.Lean {
			m.LastContact = StampDay(vStr(v[0]))
			m.OpenComplaints, m.ResolvedComplaints, m.Referrals = int(vInt(v[1])), int(vInt(v[2])), int(vInt(v[3]))
			m.ReferredRevenue = vMoney(v[4])
			if v[5] != nil {
				m.Satisfaction = float64(vInt(v[5]))
				m.Loyalty = tiering.LoyaltyIndex([5]int{int(vInt(v[5])), int(vInt(v[6])), int(vInt(v[7])), int(vInt(v[8])), int(vInt(v[9]))})
			}
		}
		if opts.Only == 0 && since == "" && m.Purchases == 0 {
			// Not yet a customer on the day: not a prospect of the past.
			// (One with purchases by then was: imported later, say.) The
			// day is the rep's: added at 23:00 on it west of UTC is a
			// stamp of the next UTC day, and counts.
			if t, err := time.Parse(time.RFC3339, created); err == nil && !t.Before(nextLocalDay) {
				return nil
			}
		}
		out = append(out, m)
		return nil
	})
	return out, err
}

// StampDay is the rep's calendar day of an RFC 3339 stamp, zero when s is
// empty or not a stamp. rolo keeps stamps in UTC (they sort as text): a
// stamp in UTC is moved to the local zone, so that a call at 07:00 in
// Beijing (23:00 UTC the day before) is that morning's; one written with
// an offset (a file imported as is) is its own calendar day.
func StampDay(s string) time.Time { return stampDay(s) }

// stampDay is StampDay of text or bytes (the kept agenda reads its stamps
// without making strings of them).
func stampDay[T string | []byte](s T) time.Time {
	if len(s) == 0 {
		return time.Time{}
	}
	if len(s) == 20 && s[10] == 'T' && s[19] == 'Z' && s[13] == ':' && s[16] == ':' {
		// The common case without time.Parse: read at once by the agenda
		// for every customer.
		d := parseDay(s[:10])
		h, m := atoi2(s[11:13]), atoi2(s[14:16])
		if !d.IsZero() && h >= 0 && h < 24 && m >= 0 && m < 60 {
			return Today(d.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute).In(time.Local))
		}
	}
	if len(s) > 20 && s[10] == 'T' && s[len(s)-1] != 'Z' {
		return parseDay(s[:10]) // its own calendar day
	}
	t, err := time.Parse(time.RFC3339, string(s))
	if err != nil {
		return time.Time{}
	}
	return Today(t.In(time.Local))
}

// DayEnd is the end of the rep's (local) calendar day of day, as a UTC
// stamp: a stamp that sorts before it is of that day or earlier.
func DayEnd(day time.Time) string {
	return time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, time.Local).UTC().Format(time.RFC3339)
}

// atoi2 is the value of two ASCII digits, -1 for anything else.
func atoi2[T string | []byte](s T) int {
	if len(s) != 2 || s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' {
		return -1
	}
	return int(s[0]-'0')*10 + int(s[1]-'0')
}

// outside selects the customers outside the ranks (archived or dropped),
// exactly as the partial index customers_outside holds them.
const (
	outside  = `archived_at IS NOT NULL OR status = 'dropped'`
	outsideC = `c.archived_at IS NOT NULL OR c.status = 'dropped'`
)

// BuyerRevenue is the lean end of Metrics for a pyramid by revenue as of
// today: every current buyer with only ID, Revenue, Purchases and
// PurchaseDays filled, straight from the kept totals (no join, four
// columns). Customers without purchases are left out. ok is false when
// purchases are dated after asOf; use Metrics then.
func (s *Store) BuyerRevenue(ctx context.Context, asOf time.Time) (ms []tiering.Metrics, ok bool, err error) {
	latest, err := s.latestPurchaseDay(ctx, "compute metrics")
	if err != nil {
		return nil, false, err
	}
	if latest > asOf.Format(DateLayout) {
		return nil, false, nil
	}
	size, err := s.currentCount(ctx)
	if err != nil {
		return nil, false, err
	}
	ms = make([]tiering.Metrics, 0, size)
	err = s.eachRow(ctx, "compute metrics", `SELECT customer_id, revenue, n, days FROM purchase_totals
		WHERE customer_id NOT IN (SELECT id FROM customers WHERE `+outside+`)`, nil, func(v []driver.Value) error {
		ms = append(ms, tiering.Metrics{ID: vInt(v[0]), Revenue: vMoney(v[1]), Purchases: int(vInt(v[2])), PurchaseDays: int(vInt(v[3]))})
		return nil
	})
	return ms, err == nil, err
}

// latestPurchaseDay is the day of the latest purchase, "" without any:
// whether the kept totals answer as of a day (none is after it).
func (s *Store) latestPurchaseDay(ctx context.Context, op string) (string, error) {
	var latest sql.NullString
	err := s.r.QueryRowContext(short(ctx), `SELECT max(date) FROM purchases`).Scan(&latest)
	return latest.String, s.wrap(op, err)
}

// currentCount is the number of current (not archived) customers, for
// sizing whole-notebook reads: growing a slice of 100,000 structs by
// appending allocated five times its size.
func (s *Store) currentCount(ctx context.Context) (int, error) {
	var n int
	err := s.r.QueryRowContext(short(ctx), `SELECT (SELECT count(*) FROM customers) -
		(SELECT count(*) FROM customers WHERE archived_at IS NOT NULL)`).Scan(&n)
	return n, s.wrap("count customers", err)
}

func parseDay[T string | []byte](s T) time.Time {
	// By hand: whole-notebook reads parse a few hundred thousand dates.
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return time.Time{}
	}
	num := func(b T) int {
		n := 0
		for i := 0; i < len(b); i++ {
			if b[i] < '0' || b[i] > '9' {
				return -1
			}
			n = n*10 + int(b[i]-'0')
		}
		return n
	}
	y, m, d := num(s[:4]), num(s[5:7]), num(s[8:])
	if y < 0 || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d { // 2026-02-30
		return time.Time{}
	}
	return t
}

// TierChange is one row of tier history.
type TierChange struct {
	CustomerID int64   `json:"customer_id"`
	Method     string  `json:"method"`
	Tier       string  `json:"tier"`
	Score      float64 `json:"score"`
	Date       string  `json:"date"`
}

// RecordTiers writes a tier-history row for every customer whose tier under
// method differs from the last one recorded on or before date. It returns
// how many rows it wrote.
func (s *Store) RecordTiers(ctx context.Context, method string, date time.Time, tiers map[int64]tiering.Assignment) (int, error) {
	day := date.Format(DateLayout)
	// The notebook remembers the fingerprint of the tiers it recorded last:
	// when today's are the same, every customer's last recorded tier already
	// matches and reading the whole history can be skipped.
	key, fp := "tiers.recorded."+method, tierFingerprint(tiers)
	prev, _, err := s.state(ctx, s.r, key)
	if err != nil {
		return 0, err
	}
	prevDay, prevFP, _ := strings.Cut(prev, " ")
	if prevFP == fp && prevDay <= day {
		return 0, nil
	}
	last := map[int64]string{}
	rows, err := s.r.QueryContext(ctx, `SELECT customer_id, tier FROM (
		SELECT customer_id, tier, row_number() OVER (PARTITION BY customer_id ORDER BY date DESC, id DESC) AS rn
		FROM tier_history WHERE method = ? AND date <= ?) WHERE rn = 1`, method, day)
	if err != nil {
		return 0, s.wrap("read tier history", err)
	}
	for rows.Next() {
		var id int64
		var t string
		if err := rows.Scan(&id, &t); err != nil {
			rows.Close()
			return 0, s.wrap("read tier history", err)
		}
		last[id] = t
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, s.wrap("read tier history", err)
	}
	n := 0
	err = s.withTx(ctx, func(tx *sql.Tx) error {
		// In id order, so the history's rows of a day follow the customers.
		ids := make([]int64, 0, len(tiers))
		for id, a := range tiers {
			if last[id] != string(a.Tier) {
				ids = append(ids, id)
			}
		}
		slices.Sort(ids)
		args := make([]any, 0, 5*len(ids))
		for _, id := range ids {
			a := tiers[id]
			args = append(args, id, method, string(a.Tier), a.Value, day)
		}
		if err := insertRows(ctx, tx, `INSERT INTO tier_history(customer_id, method, tier, score, date)`, 5, args); err != nil {
			return s.wrap("record tiers", err)
		}
		n = len(ids)
		if day < prevDay {
			return nil // a look back in time; the latest record stays the reference
		}
		return s.setState(ctx, tx, key, day+" "+fp)
	})
	return n, err
}

// tierFingerprint sums a hash of every (customer, tier) pair: equal sets of
// tiers give equal fingerprints whatever the map's order.
func tierFingerprint(tiers map[int64]tiering.Assignment) string {
	var sum uint64
	for id, a := range tiers {
		h := fnv.New64a()
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], uint64(id))
		h.Write(b[:])
		h.Write([]byte(a.Tier))
		sum += h.Sum64()
	}
	return fmt.Sprintf("%d:%016x", len(tiers), sum)
}

// TierHistory lists a customer's recorded tier changes, oldest first.
func (s *Store) TierHistory(ctx context.Context, customerID int64) ([]TierChange, error) {
	return queryAll(ctx, s, "read tier history", func(sc scanner) (TierChange, error) {
		var t TierChange
		err := sc.Scan(&t.CustomerID, &t.Method, &t.Tier, &t.Score, &t.Date)
		return t, err
	}, `SELECT customer_id, method, tier, score, date FROM tier_history WHERE customer_id = ? ORDER BY date, id`, customerID)
}
