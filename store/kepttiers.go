package store

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/settings"
	"github.com/rolo-crm/rolo/tiering"
)

// The notebook's own ranking — the count pyramid by revenue with the
// pyramid.cuts setting, what the list, the card, the agenda and the TUI
// show as a customer's tier — is kept as the least revenue of each tier
// (its floor). In the pyramid a buyer's tier follows from their revenue
// alone once the floors are known (ties share the better tier, so a buyer
// is in the first tier whose floor they reach), and the kept totals hold
// every buyer's revenue: reading a tier is reading one row, and the
// customers of a tier are a range of the revenue index.
//
// The floors are kept inside every transaction that changes purchases or
// who is ranked (bumpPurchases). A single write moves one buyer: each
// floor is kept with how many ranked buyers are above it, so it is put
// right by a step or two along the revenue index (a few index seeks),
// where ranking everyone again reads every buyer (tens of milliseconds at
// 100,000). Bulk writes, a change of the cuts and anything unexpected rank
// everyone. Readers check that what is kept belongs to the current
// purchases version and cuts, and rank everyone themselves if not.

const keptTiersKey = "tiers.kept"

// TierCuts is the notebook's own ranking as of the latest purchase.
type TierCuts struct {
	Ranked int            // buyers in the ranks: current (not archived) and not dropped
	Floors []money.Amount // Floors[k]: the least revenue in tiering.PyramidTiers[k] (all but the last); none when nobody is ranked
	above  []int          // above[k]: ranked buyers with more revenue than Floors[k]
}

// Tier is the tier of a ranked buyer with this revenue.
func (c TierCuts) Tier(revenue money.Amount) tiering.Tier {
	for k, f := range c.Floors {
		if revenue >= f && k < len(tiering.PyramidTiers) {
			return tiering.PyramidTiers[k]
		}
	}
	return tiering.PyramidTiers[len(tiering.PyramidTiers)-1]
}

// Band is the revenue range of one tier: Min ≤ revenue, and revenue < Max
// unless Max is negative (the best tier has no ceiling). An empty tier has
// Min > Max.
func (c TierCuts) Band(t tiering.Tier) RevenueBand {
	k := tiering.Rank(t)
	last := len(tiering.PyramidTiers) - 1
	if c.Ranked == 0 || k > last {
		return RevenueBand{Min: 1, Max: 0} // nobody
	}
	// A tier runs from its floor to the next better tier's (equal floors,
	// when cuts round alike, make a tier empty); the last has no floor.
	b := RevenueBand{Min: 0, Max: -1}
	if k < last {
		b.Min = c.Floors[k]
	}
	if k > 0 {
		b.Max = c.Floors[k-1]
	}
	return b
}

// RevenueBand selects ranked buyers by their kept revenue (see TierCuts.Band).
type RevenueBand struct {
	Min, Max money.Amount
}

func (s *Store) pyramidCuts(ctx context.Context, q queryer) (string, []float64, error) {
	def, _ := settings.Lookup("pyramid.cuts")
	var v string
	err := q.QueryRowContext(ctx, `SELECT coalesce((SELECT value FROM settings WHERE key = 'pyramid.cuts'), ?)`, def.Default).Scan(&v)
	if err != nil {
		return "", nil, s.wrap("read settings", err)
	}
	cuts, err := tiering.ParseCuts(v, len(tiering.PyramidTiers))
	if err != nil {
		return "", nil, Errorf(KindDamaged, "setting pyramid.cuts: %v; change it with the config command", err)
	}
	return v, cuts, nil
}

// rankedRevenue selects the revenue of every ranked buyer.
const rankedRevenue = `SELECT revenue FROM purchase_totals
	WHERE customer_id NOT IN (SELECT id FROM customers WHERE ` + outside + `)`

// computeTierCuts ranks every buyer: their revenues in index order, best
// first, and the floor at each cut's last rank.
func (s *Store) computeTierCuts(ctx context.Context, q queryer, cuts []float64) (TierCuts, error) {
	var revs []int64
	rows, err := q.QueryContext(ctx, rankedRevenue+` ORDER BY revenue DESC`)
	if err != nil {
		return TierCuts{}, s.wrap("rank", err)
	}
	for rows.Next() {
		var r int64
		if err := rows.Scan(&r); err != nil {
			rows.Close()
			return TierCuts{}, s.wrap("rank", err)
		}
		revs = append(revs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return TierCuts{}, s.wrap("rank", err)
	}
	return tierCutsOf(revs, cuts), nil
}

// tierCutsOf is the floors of the ranking of buyers with revenues revs,
// best first, by the pyramid's cuts.
func tierCutsOf(revs []int64, cuts []float64) TierCuts {
	c := TierCuts{Ranked: len(revs)}
	if c.Ranked == 0 {
		return c
	}
	bounds := tiering.PyramidBounds(c.Ranked, cuts)
	for _, b := range bounds[:len(tiering.PyramidTiers)-1] {
		f := revs[max(b, 1)-1]
		above := sort.Search(len(revs), func(i int) bool { return revs[i] <= f })
		c.Floors = append(c.Floors, money.Amount(f))
		c.above = append(c.above, above)
	}
	return c
}

// rankState is a customer's place among the buyers: ranked or not, and
// their kept revenue.
type rankState struct {
	ranked  bool
	revenue int64
}

// rankOf reads a customer's rank state inside a write.
func (s *Store) rankOf(ctx context.Context, q queryer, id int64) (rankState, error) {
	var rev sql.NullInt64
	var in bool
	err := q.QueryRowContext(ctx, `SELECT t.revenue, NOT (`+outsideC+`) FROM customers c
		LEFT JOIN purchase_totals t ON t.customer_id = c.id WHERE c.id = ?`, id).Scan(&rev, &in)
	if errors.Is(err, sql.ErrNoRows) {
		return rankState{}, nil
	}
	return rankState{ranked: in && rev.Valid, revenue: rev.Int64}, s.wrap("rank", err)
}

// rankMove is one customer's rank state before and after a write.
type rankMove struct{ before, after rankState }

// moveTierCuts puts the kept floors right after the moves, stepping each
// floor along the revenue index while the buyer at its cut's last rank is
// above or below it; ok is false when that is not the way (too many steps,
// or nothing where a step should land), and everyone is ranked instead.
func (s *Store) moveTierCuts(ctx context.Context, q queryer, c TierCuts, cuts []float64, moves []rankMove) (TierCuts, bool, error) {
	if c.Ranked == 0 || len(c.Floors) != len(tiering.PyramidTiers)-1 || len(c.above) != len(c.Floors) {
		return c, false, nil
	}
	c.Floors, c.above = slices.Clone(c.Floors), slices.Clone(c.above)
	for _, m := range moves {
		for k, f := range c.Floors {
			if m.before.ranked && m.before.revenue > int64(f) {
				c.above[k]--
			}
			if m.after.ranked && m.after.revenue > int64(f) {
				c.above[k]++
			}
		}
		if m.before.ranked {
			c.Ranked--
		}
		if m.after.ranked {
			c.Ranked++
		}
	}
	if c.Ranked <= 0 {
		return c, false, nil
	}
	bounds := tiering.PyramidBounds(c.Ranked, cuts)
	for k := range c.Floors {
		b, f, above := bounds[k], int64(c.Floors[k]), c.above[k]
		for steps := 0; ; steps++ {
			if steps == 64 {
				return c, false, nil
			}
			var eq int
			if err := q.QueryRowContext(ctx, `SELECT count(*) FROM (`+rankedRevenue+` AND revenue = ?)`, f).Scan(&eq); err != nil {
				return c, false, s.wrap("rank", err)
			}
			if above < b && b <= above+eq {
				break
			}
			var next sql.NullInt64
			if b <= above { // the cut's last rank is above the floor: step up
				if err := q.QueryRowContext(ctx, rankedRevenue+` AND revenue > ? ORDER BY revenue LIMIT 1`, f).Scan(&next); err != nil && !errors.Is(err, sql.ErrNoRows) {
					return c, false, s.wrap("rank", err)
				}
				if !next.Valid {
					return c, false, nil
				}
				f = next.Int64
				if err := q.QueryRowContext(ctx, `SELECT count(*) FROM (`+rankedRevenue+` AND revenue = ?)`, f).Scan(&eq); err != nil {
					return c, false, s.wrap("rank", err)
				}
				above -= eq
			} else { // below it: step down
				if err := q.QueryRowContext(ctx, rankedRevenue+` AND revenue < ? ORDER BY revenue DESC LIMIT 1`, f).Scan(&next); err != nil && !errors.Is(err, sql.ErrNoRows) {
					return c, false, s.wrap("rank", err)
				}
				if !next.Valid {
					return c, false, nil
				}
				above += eq
				f = next.Int64
			}
			if above < 0 {
				return c, false, nil
			}
		}
		c.Floors[k], c.above[k] = money.Amount(f), above
	}
	return c, true, nil
}

// keepTierCuts keeps the floors inside a write transaction, with the
// purchases version they belong to: moved from those kept for the version
// before when the moves are known, ranked from scratch otherwise.
func (s *Store) keepTierCuts(ctx context.Context, tx *sql.Tx, prevVersion string, moves []rankMove) error {
	if s.pg {
		// On a team's server a write does not rank: ranking reads every
		// buyer the rep sees, and inside a serializable write that read
		// conflicted with every other rep's write (eight reps writing at
		// once ran out of retries). Readers work the floors out from the
		// kept totals instead and keep them (rankAndKeepPG).
		return nil
	}
	text, cuts, err := s.pyramidCuts(ctx, tx)
	if err != nil {
		return err
	}
	version, kept, err := s.keptState(ctx, tx)
	if err != nil {
		return err
	}
	var c TierCuts
	ok := false
	if v, k, kc, good := parseTierCuts(kept); moves != nil && good && v == prevVersion && k == text {
		if c, ok, err = s.moveTierCuts(ctx, tx, kc, cuts, moves); err != nil {
			return err
		}
	}
	if !ok {
		s.rankedAll.Add(1)
		if c, err = s.computeTierCuts(ctx, tx, cuts); err != nil {
			return err
		}
	}
	return s.setState(ctx, tx, keptTiersKey, formatTierCuts(version, text, c))
}

// keptState is the purchases version and the kept floors.
func (s *Store) keptState(ctx context.Context, q queryer) (version, kept string, err error) {
	err = q.QueryRowContext(ctx, `SELECT coalesce(`+s.versionSQL()+`, ''),
		coalesce((SELECT value FROM state WHERE key = ?`+s.stateOwn()+`), '')`, s.stateKey(keptTiersKey)).Scan(&version, &kept)
	return version, kept, s.wrap("rank", err)
}

// bumpPurchases marks a change of the purchases or of who is ranked (a
// customer archived, restored, deleted, dropped or taken back) inside a
// write transaction, and keeps the tier floors that follow from it: moved
// by the customers' moves when they are given, ranked from scratch when
// moves is nil (bulk writes).
func (s *Store) bumpPurchases(ctx context.Context, tx *sql.Tx, moves []rankMove) error {
	prev, _, err := s.keptState(ctx, tx)
	if err != nil {
		return err
	}
	if err := s.bumpVersion(ctx, tx, purchasesVersion); err != nil {
		return err
	}
	return s.keepTierCuts(ctx, tx, prev, moves)
}

// "version|cuts|ranked|floor:above,floor:above,..."
func formatTierCuts(version, cuts string, c TierCuts) string {
	fs := make([]string, len(c.Floors))
	for i, f := range c.Floors {
		fs[i] = strconv.FormatInt(int64(f), 10) + ":" + strconv.Itoa(c.above[i])
	}
	return fmt.Sprintf("%s|%s|%d|%s", version, cuts, c.Ranked, strings.Join(fs, ","))
}

func parseTierCuts(v string) (version, cuts string, c TierCuts, ok bool) {
	parts := strings.Split(v, "|")
	if len(parts) != 4 {
		return "", "", c, false
	}
	n, err := strconv.Atoi(parts[2])
	if err != nil {
		return "", "", c, false
	}
	c.Ranked = n
	if parts[3] != "" {
		for _, fa := range strings.Split(parts[3], ",") {
			fs, as, _ := strings.Cut(fa, ":")
			f, err1 := strconv.ParseInt(fs, 10, 64)
			a, err2 := strconv.Atoi(as)
			if err1 != nil || err2 != nil {
				return "", "", c, false
			}
			c.Floors = append(c.Floors, money.Amount(f))
			c.above = append(c.above, a)
		}
	}
	if (n == 0) != (len(c.Floors) == 0) {
		return "", "", c, false
	}
	return parts[0], parts[1], c, true
}

// TierCuts is the notebook's own ranking as of asOf: what was kept when it
// is current (one row read), worked out from the kept totals otherwise. ok
// is false when purchases are dated after asOf: rank as of that day from
// the purchases themselves then.
func (s *Store) TierCuts(ctx context.Context, asOf time.Time) (c TierCuts, ok bool, err error) {
	c, kept, past, cuts, err := s.keptTierCuts(ctx, asOf)
	if err != nil || past || kept {
		return c, !past && err == nil, err
	}
	if s.pg {
		return s.rankAndKeepPG(ctx)
	}
	c, err = s.computeTierCuts(ctx, s.r, cuts)
	return c, err == nil, err
}

// rankAndKeepPG ranks everyone on a team's server, where writes keep no
// floors (see keepTierCuts), and keeps what it found for the readers
// after it (a card's tier then reads one row instead of counting the
// buyers, 20–30 ms at 100,000), with the purchases version read before
// the ranking once every write under way has ended (settledVersionPG):
// a write the ranking did not see always moved the version past it.
// Keeping is best effort: a reader that cannot write still ranks.
func (s *Store) rankAndKeepPG(ctx context.Context) (TierCuts, bool, error) {
	version, settled := s.settledVersionPG(ctx)
	text, cuts, err := s.pyramidCuts(ctx, s.r)
	if err != nil {
		return TierCuts{}, false, err
	}
	c, err := s.computeTierCuts(ctx, s.r, cuts)
	if err != nil {
		return c, false, err
	}
	if settled {
		_ = s.setState(ctx, s.w, keptTiersKey, formatTierCuts(version, text, c))
	}
	return c, true, nil
}

// settledVersionPG is the purchases version once the writes under way
// have ended: each write takes rolo_agenda_marking's lock, shared, before
// it moves the version (bumpVersion) and holds it until it ends, and this
// takes it alone for a moment. Every write that moved the version to
// what is read has then ended, and what is read after sees it; a write
// that moves it later gets a higher number. Not settled when the lock is
// not had within keepWait (writers keep coming).
func (s *Store) settledVersionPG(ctx context.Context) (string, bool) {
	tx, err := s.keeperTx(ctx)
	if err != nil {
		return "", false
	}
	defer tx.Rollback()
	var v sql.NullString
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(1919905652, `+pgMarkingKey+`)`); err != nil {
		return "", false
	}
	if err := tx.QueryRowContext(ctx, `SELECT `+s.versionSQL()).Scan(&v); err != nil || !v.Valid {
		return "", false
	}
	return v.String, tx.Commit() == nil
}

// keptTierCuts is the kept floors when they belong to the current
// purchases and cuts (kept), or past when a purchase is dated after asOf
// (no floors as of today hold then), and the pyramid's cuts.
func (s *Store) keptTierCuts(ctx context.Context, asOf time.Time) (c TierCuts, kept, past bool, cuts []float64, err error) {
	var latest, version, keptText, cutsText sql.NullString
	def, _ := settings.Lookup("pyramid.cuts")
	err = s.r.QueryRowContext(short(ctx), `SELECT (SELECT max(date) FROM purchases),
		`+s.versionSQL()+`, (SELECT value FROM state WHERE key = ?1`+s.stateOwn()+`),
		coalesce((SELECT value FROM settings WHERE key = 'pyramid.cuts'), ?2)`,
		s.stateKey(keptTiersKey), def.Default).Scan(&latest, &version, &keptText, &cutsText)
	if err != nil {
		return c, false, false, nil, s.wrap("rank", err)
	}
	if latest.String > asOf.Format(DateLayout) {
		return c, false, true, nil, nil
	}
	if v, k, kc, good := parseTierCuts(keptText.String); good && keptText.Valid && v == version.String && k == cutsText.String {
		return kc, true, false, nil, nil
	}
	if cuts, err = tiering.ParseCuts(cutsText.String, len(tiering.PyramidTiers)); err != nil {
		return c, false, false, nil, Errorf(KindDamaged, "setting pyramid.cuts: %v; change it with the config command", err)
	}
	return c, false, false, cuts, nil
}

// TierOf is one customer's tier by the notebook's own ranking as of asOf:
// prospect when they have not bought or are outside the ranks. As of a day
// before the latest purchase the kept floors do not hold (see TierCuts):
// the day's ranking is worked out from the purchase index (tierOfAsOf).
// Without kept floors (on a team's server a write keeps none) the
// customer's place is counted (tierByCount) instead of ranking everyone.
func (s *Store) TierOf(ctx context.Context, id int64, asOf time.Time) (tiering.Tier, bool, error) {
	c, kept, past, cuts, err := s.keptTierCuts(ctx, asOf)
	switch {
	case err != nil:
		return "", false, err
	case past:
		return s.tierOfAsOf(ctx, id, asOf)
	case !kept:
		return s.tierByCount(ctx, id, cuts)
	}
	var rev int64
	err = s.r.QueryRowContext(short(ctx), `SELECT t.revenue FROM purchase_totals t JOIN customers c ON c.id = t.customer_id
		WHERE t.customer_id = ? AND NOT (`+outsideC+`)`, id).Scan(&rev)
	if errors.Is(err, sql.ErrNoRows) {
		return tiering.Prospect, true, nil
	} else if err != nil {
		return "", false, s.wrap("rank", err)
	}
	return c.Tier(money.Amount(rev)), true, nil
}

// tierByCount is a ranked buyer's tier from how many ranked buyers there
// are and how many have more revenue: what the floors give (tierCutsOf
// puts floor k at rank max(b,1) of the bound b, and a buyer reaches it
// exactly when at most max(b,1)−1 buyers have more revenue), in one count
// instead of reading every buyer's revenue (a tenth of a second on a
// team's server at 100,000).
func (s *Store) tierByCount(ctx context.Context, id int64, cuts []float64) (tiering.Tier, bool, error) {
	var rev sql.NullInt64
	var ranked, above int
	// Counted from the indexes: every buyer and those with more revenue
	// (the revenue index), less the few outside the ranks (their partial
	// index). One pass over the buyers took 60 ms on a team's server at
	// 100,000, most of `show`. The revenues of those outside are looked up
	// one by one: joined, the server read every buyer's totals to match
	// 2,000 customers (a third of the statement's 34 ms).
	err := s.r.QueryRowContext(short(ctx), `SELECT x.revenue,
		(SELECT count(*) FROM purchase_totals) - count(o.revenue),
		(SELECT count(*) FROM purchase_totals WHERE revenue > x.revenue) - coalesce(sum(CASE WHEN o.revenue > x.revenue THEN 1 ELSE 0 END), 0)
		FROM (SELECT t.revenue FROM purchase_totals t JOIN customers c ON c.id = t.customer_id
			WHERE t.customer_id = ? AND NOT (`+outsideC+`)) x
		LEFT JOIN (SELECT (SELECT t.revenue FROM purchase_totals t WHERE t.customer_id = c.id) AS revenue FROM customers c WHERE `+outsideC+`) o ON 1 = 1
		GROUP BY x.revenue`, id).Scan(&rev, &ranked, &above)
	if errors.Is(err, sql.ErrNoRows) { // not a ranked buyer
		return tiering.Prospect, true, nil
	}
	if err != nil {
		return "", false, s.wrap("rank", err)
	}
	bounds := tiering.PyramidBounds(ranked, cuts)
	for k, b := range bounds[:len(tiering.PyramidTiers)-1] {
		if above <= max(b, 1)-1 {
			return tiering.PyramidTiers[k], true, nil
		}
	}
	return tiering.PyramidTiers[len(tiering.PyramidTiers)-1], true, nil
}

// tierOfAsOf is TierOf as of a day before the latest purchase (see
// rankedAsOf): a card as of such a day took 4 s at 100,000 customers by
// full metrics of everyone.
func (s *Store) tierOfAsOf(ctx context.Context, id int64, asOf time.Time) (tiering.Tier, bool, error) {
	revs, c, err := s.rankedAsOf(ctx, asOf)
	if err != nil {
		return "", false, err
	}
	rev, ok := revs[id]
	if !ok {
		return tiering.Prospect, true, nil // no purchase by then, or outside the ranks
	}
	return c.Tier(money.Amount(rev)), true, nil
}

// TiersAsOf is every ranked buyer's tier by the notebook's own ranking as
// of a day before the latest purchase (those not in it are prospects):
// what ranking everyone by Metrics as of the day gives (tested), from the
// purchase index alone.
func (s *Store) TiersAsOf(ctx context.Context, asOf time.Time) (map[int64]tiering.Tier, error) {
	revs, c, err := s.rankedAsOf(ctx, asOf)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]tiering.Tier, len(revs))
	for id, r := range revs {
		out[id] = c.Tier(money.Amount(r))
	}
	return out, nil
}

// rankedAsOf is every ranked buyer's revenue up to a day, summed from the
// (customer, date, amount) index without reading the purchases
// themselves, and the floors of their ranking as tierCutsOf works them out.
func (s *Store) rankedAsOf(ctx context.Context, asOf time.Time) (map[int64]int64, TierCuts, error) {
	_, cuts, err := s.pyramidCuts(ctx, s.r)
	if err != nil {
		return nil, TierCuts{}, err
	}
	revs := map[int64]int64{}
	var ranked []int64
	err = s.eachRow(ctx, "rank", `SELECT p.customer_id, sum(p.amount) FROM purchases p INDEXED BY purchases_customer_date
		WHERE p.date <= ? AND p.customer_id NOT IN (SELECT id FROM customers WHERE `+outside+`)
		GROUP BY p.customer_id`, []any{asOf.Format(DateLayout)}, func(v []driver.Value) error {
		r := vInt(v[1])
		revs[vInt(v[0])] = r
		ranked = append(ranked, r)
		return nil
	})
	if err != nil {
		return nil, TierCuts{}, err
	}
	slices.SortFunc(ranked, func(a, b int64) int { return cmp.Compare(b, a) })
	return revs, tierCutsOf(ranked, cuts), nil
}
