package store

import (
	"cmp"
	"context"
	"database/sql/driver"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/tiering"
	"github.com/rolo-crm/rolo/tiering/agenda"
	"github.com/rolo-crm/rolo/tiering/clv"
)

// AgendaInputs loads what the agenda rules need about every current
// customer as of a day, and the open follow-ups. As of today it reads the
// purchase rhythm kept in purchase_totals — one row per customer; as of an
// earlier day (purchases after it exist) it walks the purchases up to that
// day instead. When tiered, each customer's Tier is the notebook's own
// ranking as of the day (the count pyramid by revenue, see TierCuts), from
// the revenue read in the same pass: the kept floors as of today, else
// floors ranked from the revenue up to the day. Otherwise Tier is left
// empty for the caller to fill in.
func (s *Store) AgendaInputs(ctx context.Context, asOf time.Time, tiered bool) ([]agenda.Customer, []agenda.Task, error) {
	d, err := s.Agenda(ctx, asOf, AgendaOptions{Tiered: tiered})
	return d.Customers, d.Tasks, err
}

// AgendaData is what the agenda needs: every current customer, the open
// follow-ups and, when read from the kept agenda (today), each buyer's
// purchase history in brief for the lifetime models.
type AgendaData struct {
	Customers []agenda.Customer
	Tasks     []agenda.Task
	// Histories is what CLVHistoriesFor gives for every ranked buyer (not
	// archived or dropped), in id order, when read with the agenda (kept);
	// nil otherwise.
	Histories []clv.Customer
	// Recent is what RecentRevenue gives, when asked for (missing
	// customers: nothing in either year): read with the agenda.
	Recent map[int64][2]money.Amount
}

// AgendaOptions says how Agenda reads.
type AgendaOptions struct {
	Tiered bool // each customer's Tier ranked, as AgendaInputs says
	Recent bool // with AgendaData.Recent
}

// Agenda is AgendaInputs, with what the day's plan values customers by:
// as of today the agenda is read from what is kept of it (agenda_kept),
// every customer changed since read again, with the purchase histories
// and recent revenue kept with it; otherwise from the tables, recent
// revenue read beside them.
func (s *Store) Agenda(ctx context.Context, asOf time.Time, o AgendaOptions) (AgendaData, error) {
	kept, cuts, err := s.agendaBasis(ctx, asOf, o.Tiered)
	if err != nil {
		return AgendaData{}, err
	}
	if kept && asOf.Format(DateLayout) == Today(s.now()).Format(DateLayout) && (!s.pg || s.keptAgendaPG(ctx)) {
		if d, ok, err := s.agendaKept(ctx, asOf, cuts, o); err != nil || ok {
			return d, err
		}
	}
	return s.agendaTables(ctx, asOf, kept, cuts, o)
}

// agendaBasis says whether the purchase totals kept stand as of asOf (no
// purchase after it), and then, when tiered, the tier floors as of asOf.
func (s *Store) agendaBasis(ctx context.Context, asOf time.Time, tiered bool) (kept bool, cuts TierCuts, err error) {
	latest, err := s.latestPurchaseDay(ctx, "agenda")
	if err != nil {
		return false, cuts, err
	}
	kept = latest <= asOf.Format(DateLayout)
	if tiered && kept {
		// kept is false only when a purchase after the day came in between.
		cuts, kept, err = s.TierCuts(ctx, asOf)
	}
	return kept, cuts, err
}

// agendaTables is Agenda read from the tables (without Histories).
func (s *Store) agendaTables(ctx context.Context, asOf time.Time, kept bool, cuts TierCuts, o AgendaOptions) (AgendaData, error) {
	var d AgendaData
	err := parallel(func() (err error) {
		d.Tasks, err = s.openFollowUps(ctx)
		return err
	}, func() (err error) {
		d.Customers, _, err = s.agendaRead(ctx, asOf, kept, cuts, o.Tiered, nil, false)
		return err
	}, func() (err error) {
		if o.Recent {
			d.Recent, err = s.RecentRevenue(ctx, asOf)
		}
		return err
	})
	return d, err
}

// openFollowUps is every open follow-up of a current customer, as tasks.
func (s *Store) openFollowUps(ctx context.Context) ([]agenda.Task, error) {
	var tasks []agenda.Task
	err := s.eachRow(ctx, "read follow-ups", `SELECT id, customer_id, due, what FROM followups
		WHERE done_at IS NULL AND customer_id NOT IN (SELECT id FROM customers WHERE archived_at IS NOT NULL) ORDER BY due, id`, nil,
		func(v []driver.Value) error {
			tasks = append(tasks, agenda.Task{ID: vInt(v[0]), CustomerID: vInt(v[1]), Due: parseDay(vStr(v[2])), What: vStr(v[3])})
			return nil
		})
	return tasks, err
}

// keptExtra is what the kept agenda holds of a customer beyond
// agenda.Customer: their revenue (for the tier; -1 without a purchase)
// and the spend of their first purchase day (for the lifetime models).
type keptExtra struct {
	revenue, firstSpend int64
	recent              [2]int64 // RecentRevenue's two years as of the day read
}

// keptBuy is a day's purchases of a customer: the kept agenda holds those
// of the two years before the day it was read (and after), for RecentRevenue.
type keptBuy struct {
	day    int64 // days since 1970
	amount int64
}

// recentWindow is RecentRevenue's two years as of a day, in days since
// 1970: the year (y1, asOf] and the year before it (y2, y1].
type recentWindow struct{ asOf, y1, y2 int64 }

func newRecentWindow(asOf time.Time) recentWindow {
	d := func(t time.Time) int64 {
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).Unix() / 86400
	}
	return recentWindow{d(asOf), d(asOf.AddDate(-1, 0, 0)), d(asOf.AddDate(-2, 0, 0))}
}

// sum is what RecentRevenue gives a customer with these purchase days.
func (w recentWindow) sum(buys []keptBuy) (r [2]int64) {
	for _, b := range buys {
		switch {
		case b.day > w.y1 && b.day <= w.asOf:
			r[0] += b.amount
		case b.day > w.y2 && b.day <= w.y1:
			r[1] += b.amount
		}
	}
	return r
}

// keptStamps are the moments behind the days of agenda.Customer that are
// the rep's days: the kept agenda holds these UTC stamps, so it stands in
// any time zone.
type keptStamps struct {
	created, lastContact, greeted, reached string
}

// keptRead is what agendaRead reads for the kept agenda beyond
// agenda.Customer, a customer each.
type keptRead struct {
	extra  []keptExtra
	stamps []keptStamps
	from   int64     // the purchase days kept are those after this one (days since 1970)
	buys   []keptBuy // the customers' purchase days after from, a run each
	buyAt  []int     // where each customer's run begins in buys (and, last, its end)
}

// agendaRead reads the agenda's customers as of asOf: every current
// customer, or only those ids when ids is not nil; with what the kept
// agenda holds of them beyond agenda.Customer when withExtra.
func (s *Store) agendaRead(ctx context.Context, asOf time.Time, kept bool, cuts TierCuts, tiered bool, ids []int64, withExtra bool) ([]agenda.Customer, keptRead, error) {
	day := asOf.Format(DateLayout)
	next := DayEnd(asOf) // contacts by the end of the rep's day
	size := len(ids)
	only, list, extraCol := ``, any(""), `0`
	if withExtra {
		extraCol = `(SELECT sum(p.amount) FROM purchases p WHERE p.customer_id = t.customer_id AND p.date = t.first)`
	}
	if ids != nil {
		// ?2: the customers to read, as a JSON array.
		only, list = ` AND customer_id IN (SELECT value FROM json_each(?2))`, jsonIDs(ids)
	} else {
		var err error
		if size, err = s.currentCount(ctx); err != nil {
			return nil, keptRead{}, err
		}
	}
	var more keptRead
	// Independent reads on their own connections, side by side.
	cs := make([]agenda.Customer, 0, size)
	lastBuy := make([]string, 0, size) // each customer's last purchase day, for counting win-back attempts
	type contact struct {
		id              int64
		at              string
		greeting, reach bool // a greeting (or gift or visit); the rep reaching out (not a complaint or feedback)
	}
	var contacts []contact
	type complaint struct {
		id int64
		k  agenda.OpenComplaint
	}
	var complaints []complaint
	type debt struct {
		id int64
		d  agenda.Debt
	}
	var owed []debt
	var events []Event
	var actions []AgendaAction
	surveyed := map[int64]string{}
	type buy struct {
		id int64
		b  keptBuy
	}
	var buys []buy
	win := newRecentWindow(asOf)
	err := parallel(func() error {
		if !withExtra {
			return nil
		}
		// Each customer's purchase days of the two years to the day (and
		// after it), for RecentRevenue.
		return s.eachRow(ctx, "agenda", `SELECT customer_id, date, sum(amount) FROM purchases INDEXED BY purchases_customer_date
			WHERE date > ?1 AND ?2 = ?2`+only+` GROUP BY customer_id, date ORDER BY customer_id, date`,
			[]any{time.Unix(win.y2*86400, 0).UTC().Format(DateLayout), list}, func(v []driver.Value) error {
				buys = append(buys, buy{vInt(v[0]), keptBuy{parseDay(vStr(v[1])).Unix() / 86400, vInt(v[2])}})
				return nil
			})
	}, func() error {
		return s.eachRow(ctx, "agenda", `
SELECT c.id, c.name, c.status, c.lost_reason, c.birthday, c.birthday_lunar, c.birthday_leap,
       coalesce(c.cadence_days, 0), c.created_at,
       coalesce(t.days, 0), t.first, t.last, coalesce(t.gap, 0), coalesce(t.next_date, ''),
       t.revenue, `+extraCol+`
FROM customers c LEFT JOIN purchase_totals t ON t.customer_id = c.id AND ?1
WHERE c.archived_at IS NULL AND ?2 = ?2`+strings.Replace(only, "customer_id", "c.id", 1)+` ORDER BY c.id`, []any{kept, list}, func(v []driver.Value) error {
			c := agenda.Customer{ID: vInt(v[0]), Name: vStr(v[1]), Status: vStr(v[2]), LostReason: vStr(v[3]),
				CadenceDays: int(vInt(v[7])), Created: StampDay(vStr(v[8]))}
			if bday := vStr(v[4]); bday != "" {
				lunar := vInt(v[5]) != 0
				if b, err := ParseBirthday(bday, lunar); err == nil {
					c.Birthday = &agenda.Birthday{Month: b.Month, Day: b.Day, Lunar: lunar, Leap: vInt(v[6]) != 0}
				}
			}
			c.Bought = agenda.Rhythm{Days: int(vInt(v[9])), First: parseDay(vStr(v[10])), Last: parseDay(vStr(v[11])), Gap: int(vInt(v[12]))}
			c.NextExpected = parseDay(vStr(v[13]))
			if tiered && kept {
				// Ranked: bought, and not dropped (archived are not read).
				c.Tier = tiering.Prospect
				if v[14] != nil && c.Status != "dropped" {
					c.Tier = cuts.Tier(vMoney(v[14]))
				}
			}
			cs = append(cs, c)
			lastBuy = append(lastBuy, vStr(v[11]))
			if withExtra {
				x := keptExtra{revenue: -1, firstSpend: vInt(v[15])}
				if v[14] != nil {
					x.revenue = vInt(v[14])
				}
				more.extra = append(more.extra, x)
				more.stamps = append(more.stamps, keptStamps{created: vStr(v[8])})
			}
			return nil
		})
	}, func() error {
		// A gift or a visit greets as well as a greeting does.
		return s.eachRow(ctx, "agenda", `SELECT customer_id, at, kind IN ('greeting', 'gift', 'visit'), kind NOT IN ('complaint', 'feedback')
			FROM contacts WHERE at < ?1 AND ?2 = ?2`+only, []any{next, list},
			func(v []driver.Value) error {
				contacts = append(contacts, contact{vInt(v[0]), vStr(v[1]), vInt(v[2]) != 0, vInt(v[3]) != 0})
				return nil
			})
	}, func() error {
		return s.eachRow(ctx, "agenda", `SELECT id, customer_id, at, summary FROM contacts
			WHERE complaint_status = 'open' AND at < ?1 AND ?2 = ?2`+only+` ORDER BY at, id`, []any{next, list}, func(v []driver.Value) error {
			k := agenda.OpenComplaint{ID: vInt(v[0]), Summary: vStr(v[3])}
			k.At, _ = time.Parse(time.RFC3339, vStr(v[2]))
			complaints = append(complaints, complaint{vInt(v[1]), k})
			return nil
		})
	}, func() error {
		// Purchases still owed by the day, by customer and oldest first:
		// from the covering index of purchases with a recorded payment
		// (schema 8), so the table is not visited, and the payments made by
		// the day summed in one pass.
		return s.eachRow(ctx, "agenda", `SELECT customer_id, purchase_id, date, item, outstanding FROM (
			SELECT p.customer_id, p.id AS purchase_id, p.date, p.item, `+owingAll+` AS outstanding
			FROM purchases p `+paidLater+` WHERE p.paid IS NOT NULL AND p.date <= ?1 AND ?2 = ?2`+strings.Replace(only, "customer_id", "p.customer_id", 1)+`) WHERE outstanding > 0
			ORDER BY customer_id, date, purchase_id`, []any{day, list}, func(v []driver.Value) error {
			owed = append(owed, debt{vInt(v[0]), agenda.Debt{PurchaseID: vInt(v[1]), Date: parseDay(vStr(v[2])),
				Item: vStr(v[3]), Outstanding: vMoney(v[4])}})
			return nil
		})
	}, func() (err error) {
		if events, err = s.Events(ctx, 0); err != nil {
			return err
		}
		actions, err = queryAll(ctx, s, "agenda", func(sc scanner) (AgendaAction, error) {
			var a AgendaAction
			err := sc.Scan(&a.ID, &a.CustomerID, &a.Reason, &a.Ref, &a.Due, &a.Until, &a.Note, &a.CreatedAt)
			return a, err
		}, `SELECT id, customer_id, reason, ref, due, until, note, created_at FROM agenda_actions`)
		if err != nil {
			return err
		}
		return s.eachRow(ctx, "agenda", `SELECT customer_id, max(date) FROM surveys WHERE date <= ? GROUP BY customer_id`, []any{day},
			func(v []driver.Value) error {
				surveyed[vInt(v[0])] = vStr(v[1])
				return nil
			})
	})
	if err != nil {
		return nil, keptRead{}, err
	}
	idx := make(map[int64]int, len(cs))
	for i := range cs {
		idx[cs[i].ID] = i
	}
	// As of a day before today, each customer's status then: a customer
	// lapsed or dropped since was active on that day.
	if day < Today(s.now()).Format(DateLayout) {
		then, err := s.statusesAsOf(ctx, day)
		if err != nil {
			return nil, keptRead{}, err
		}
		for id, st := range then {
			if i, ok := idx[id]; ok {
				cs[i].Status, cs[i].LostReason = st[0], st[1]
			}
		}
	}
	if !kept {
		revenue := make([]int64, len(cs))
		if err := s.agendaRhythmAsOf(ctx, day, cs, idx, lastBuy, revenue); err != nil {
			return nil, keptRead{}, err
		}
		if tiered {
			if err := s.tierAsOf(ctx, cs, revenue); err != nil {
				return nil, keptRead{}, err
			}
		}
	}
	// The latest contact and greeting, and the contacts since the last
	// purchase (win-back attempts).
	lastContact, greeted, reached := make([]string, len(cs)), make([]string, len(cs)), make([]string, len(cs))
	for _, k := range contacts {
		i, ok := idx[k.id]
		if !ok {
			continue
		}
		lastContact[i] = max(lastContact[i], k.at)
		if k.greeting {
			greeted[i] = max(greeted[i], k.at)
		}
		if k.reach {
			reached[i] = max(reached[i], k.at)
			if k.at >= lastBuy[i] {
				cs[i].WinBacks++
			}
		}
	}
	for i := range more.stamps {
		more.stamps[i].lastContact, more.stamps[i].greeted, more.stamps[i].reached = lastContact[i], greeted[i], reached[i]
	}
	if withExtra {
		// Each customer's run of purchase days (both in id order; those of
		// customers not read are left out).
		more.from = win.y2
		more.buys, more.buyAt = make([]keptBuy, 0, len(buys)), make([]int, len(cs)+1)
		j := 0
		for i := range cs {
			for j < len(buys) && buys[j].id < cs[i].ID {
				j++
			}
			for ; j < len(buys) && buys[j].id == cs[i].ID; j++ {
				more.buys = append(more.buys, buys[j].b)
			}
			more.buyAt[i+1] = len(more.buys)
			more.extra[i].recent = win.sum(more.buys[more.buyAt[i]:])
		}
	}
	buys = nil
	for i := range cs {
		cs[i].LastContact = StampDay(lastContact[i])
		cs[i].Greeted = StampDay(greeted[i])
		cs[i].Reached = StampDay(reached[i])
	}
	for _, k := range complaints {
		if i, ok := idx[k.id]; ok {
			cs[i].Complaints = append(cs[i].Complaints, k.k)
		}
	}
	// Each customer's debts are a run of one array (read grouped by customer).
	all := make([]agenda.Debt, len(owed))
	for j := 0; j < len(owed); {
		k := j
		for k < len(owed) && owed[k].id == owed[j].id {
			all[k] = owed[k].d
			k++
		}
		if i, ok := idx[owed[j].id]; ok {
			cs[i].Debts = all[j:k:k]
		}
		j = k
	}
	owed = nil
	for _, e := range events {
		i, ok := idx[e.CustomerID]
		if !ok {
			continue
		}
		if ae, err := e.Agenda(); err == nil {
			cs[i].Events = append(cs[i].Events, ae)
		}
	}
	for _, a := range actions {
		if i, ok := idx[a.CustomerID]; ok {
			cs[i].Actions = append(cs[i].Actions, agenda.Action{Reason: agenda.Reason(a.Reason), Ref: a.Ref, Due: parseDay(a.Due),
				Until: parseDay(a.Until), Dismissed: a.Until == ""})
		}
	}
	for id, d := range surveyed {
		if i, ok := idx[id]; ok {
			cs[i].LastSurvey = parseDay(d)
		}
	}
	return cs, more, nil
}

// tierAsOf fills in the tiers of customers cs by the notebook's own
// ranking, from their revenue up to a day (-1 for those who had not bought
// by then): what ranking them by Metrics as of that day gives (tested).
func (s *Store) tierAsOf(ctx context.Context, cs []agenda.Customer, revenue []int64) error {
	_, cuts, err := s.pyramidCuts(ctx, s.r)
	if err != nil {
		return err
	}
	ranked := make([]int64, 0, len(cs))
	for i := range cs {
		if revenue[i] >= 0 && cs[i].Status != "dropped" {
			ranked = append(ranked, revenue[i])
		}
	}
	slices.SortFunc(ranked, func(a, b int64) int { return cmp.Compare(b, a) })
	c := tierCutsOf(ranked, cuts)
	for i := range cs {
		cs[i].Tier = tiering.Prospect
		if revenue[i] >= 0 && cs[i].Status != "dropped" {
			cs[i].Tier = c.Tier(money.Amount(revenue[i]))
		}
	}
	return nil
}

// agendaRhythmAsOf fills in the purchase rhythm and expected next purchase
// from the purchases up to day, for an agenda as of an earlier day. The
// purchase days come from the (customer, date) index alone; only each
// customer's last purchase is then looked up for its expected next date,
// in table order (reading every purchase's row in customer order looked up
// a million rows scattered through the table).
//
// Each customer's revenue up to the day goes to revenue (read from the
// same index), -1 for those without a purchase by then.
func (s *Store) agendaRhythmAsOf(ctx context.Context, day string, cs []agenda.Customer, idx map[int64]int, lastBuy []string, revenue []int64) error {
	for i := range revenue {
		revenue[i] = -1
	}
	type last struct {
		purchase int64
		i        int
	}
	lasts := make([]last, 0, len(cs))
	var cur, lastID int64 = -1, 0
	var days []time.Time
	var lastDay string
	var sum int64
	flush := func() {
		if i, ok := idx[cur]; ok {
			cs[i].Bought = agenda.RhythmOf(days)
			lastBuy[i] = lastDay
			lasts = append(lasts, last{lastID, i})
			revenue[i] = sum
		}
	}
	err := s.eachRow(ctx, "agenda", `SELECT customer_id, date, id, amount FROM purchases WHERE date <= ?
		ORDER BY customer_id, date`, []any{day}, func(v []driver.Value) error {
		id, d, pid := vInt(v[0]), vStr(v[1]), vInt(v[2])
		if id != cur {
			flush()
			cur, days, lastDay, sum = id, days[:0], "", 0
		}
		sum += vInt(v[3])
		switch {
		case d != lastDay:
			days = append(days, parseDay(d))
			lastDay, lastID = d, pid
		case pid > lastID: // the last purchase of a day is the one written last
			lastID = pid
		}
		return nil
	})
	if err != nil {
		return err
	}
	flush()
	if len(lasts) == 0 {
		return nil
	}
	slices.SortFunc(lasts, func(a, b last) int { return cmp.Compare(a.purchase, b.purchase) })
	ids := make([]byte, 0, 8*len(lasts))
	ids = append(ids, '[')
	for j, l := range lasts {
		if j > 0 {
			ids = append(ids, ',')
		}
		ids = strconv.AppendInt(ids, l.purchase, 10)
	}
	ids = append(ids, ']')
	return s.eachRow(ctx, "agenda", `SELECT id, next_date FROM purchases WHERE id IN (SELECT value FROM json_each(?)) AND next_date <> ''`,
		[]any{string(ids)}, func(v []driver.Value) error {
			pid := vInt(v[0])
			if j, ok := slices.BinarySearchFunc(lasts, pid, func(l last, id int64) int { return cmp.Compare(l.purchase, id) }); ok {
				cs[lasts[j].i].NextExpected = parseDay(vStr(v[1]))
			}
			return nil
		})
}

// statusesAsOf is the status and lost reason, as of a day, of the
// customers whose status changed after it: the latest recorded on or
// before the day (none for a customer added after it).
func (s *Store) statusesAsOf(ctx context.Context, day string) (map[int64][2]string, error) {
	out := map[int64][2]string{}
	err := s.eachRow(ctx, "agenda", `SELECT h.customer_id, h.status, h.reason FROM status_history h
		WHERE h.id IN (SELECT max(id) FROM status_history WHERE date <= ?1
			AND customer_id IN (SELECT customer_id FROM status_history WHERE date > ?1) GROUP BY customer_id)`, []any{day},
		func(v []driver.Value) error {
			out[vInt(v[0])] = [2]string{vStr(v[1]), vStr(v[2])}
			return nil
		})
	return out, err
}
