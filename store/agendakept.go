package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"errors"
	"sync"
	"time"

	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/tiering"
	"github.com/rolo-crm/rolo/tiering/agenda"
	"github.com/rolo-crm/rolo/tiering/clv"
)

// The kept agenda (schema 10, SQLite): what the agenda reads of each
// current customer — everything recorded, so it stands for any day on or
// after the latest day anything is dated — encoded in agenda_kept, in
// chunks of the 64 customers whose ids share id >> 6. The notebook keeps
// it honest itself: triggers on every table the agenda reads delete the
// chunk of a customer when anything of theirs changes, and move a
// generation number (agenda_kept_meta.gen) on every such write. Today's
// agenda reads the chunks (a fraction of the time of reading the tables),
// reads again the customers of the chunks missing and keeps them — only
// when no write came in between, by the generation. It is left alone as
// of any other day, when anything is dated after today (agenda_kept_meta
// holds the latest contact, payment and survey, kept by the same
// triggers). On PostgreSQL the chunks are the same; what says one no
// longer stands differs, as many reps write at once (agendakept_pg.go).

// keptFormat is the encoding of a chunk; a chunk in another is read again.
const keptFormat = 3

// keptShift groups customers into chunks: id >> keptShift.
const keptShift = 6

// keptWholeRead is the share of customers missing from the kept agenda
// above which every customer is read again at once (after an import, or
// on the first day of schema 10), rather than each by id.
const keptWholeRead = 4

// agendaKept is Agenda from the kept agenda; ok is false when it does not
// stand as of asOf (today). cuts are the tier floors as of today.
func (s *Store) agendaKept(ctx context.Context, asOf time.Time, cuts TierCuts, o AgendaOptions) (d AgendaData, ok bool, err error) {
	day := asOf.Format(DateLayout)
	var gen int64
	var contacts, payments, surveys string
	meta, chunksSQL := `SELECT gen, contacts_max, payments_max, surveys_max FROM agenda_kept_meta`,
		`SELECT chunk, data FROM agenda_kept ORDER BY chunk`
	if s.pg {
		meta, chunksSQL = keptMetaPG, keptChunksPG
	}
	err = s.r.QueryRowContext(short(ctx), meta).Scan(&gen, &contacts, &payments, &surveys)
	if err != nil {
		return d, false, s.wrap("agenda", err)
	}
	if contacts >= DayEnd(asOf) || payments > day || surveys > day {
		return d, false, nil // something dated after today: read as of the day
	}
	win := newRecentWindow(asOf)
	var size int
	type chunk struct {
		n    int64
		data []byte
	}
	var chunks []chunk
	err = parallel(func() error {
		return s.eachRow(ctx, "agenda", chunksSQL, nil, func(v []driver.Value) error {
			b, _ := v[1].([]byte) // the driver's own copy
			chunks = append(chunks, chunk{vInt(v[0]), b})
			return nil
		})
	}, func() (err error) {
		d.Tasks, err = s.openFollowUps(ctx)
		return err
	}, func() (err error) {
		size, err = s.currentCount(ctx)
		return err
	})
	if err != nil {
		return d, false, err
	}
	// Where each chunk's customers go, then the chunks decoded in two
	// halves side by side.
	at := make([]int, len(chunks)+1)
	whole := false // a chunk in another format: read everyone again
	for i, c := range chunks {
		n, ok := keptCount(c.data)
		whole = whole || !ok
		at[i+1] = at[i] + n
	}
	var cs []agenda.Customer
	var xs []keptExtra
	if !whole && at[len(chunks)] <= size {
		cs, xs = make([]agenda.Customer, at[len(chunks)], size), make([]keptExtra, at[len(chunks)], size)
		bad := make([]bool, 2)
		half := len(chunks) / 2
		var wg sync.WaitGroup
		for h, part := range [2][2]int{{0, half}, {half, len(chunks)}} {
			wg.Go(func() {
				for i := part[0]; i < part[1]; i++ {
					if !decodeChunk(chunks[i].data, chunks[i].n, cs[at[i]:at[i+1]], xs[at[i]:at[i+1]], win) {
						bad[h] = true
					}
				}
			})
		}
		wg.Wait()
		whole = bad[0] || bad[1]
	}
	if at[len(chunks)] > size && !whole {
		return d, false, nil // a customer archived in between: read the tables
	}
	if missing := size - len(cs); whole || missing > 0 {
		var ids []int64
		if !whole && missing*keptWholeRead < size {
			// The customers of the chunks not read.
			have := make([]int64, len(chunks))
			for i, c := range chunks {
				have[i] = c.n
			}
			err := s.eachRow(ctx, "agenda", `SELECT id FROM customers WHERE archived_at IS NULL
				AND (id >> 6) NOT IN (SELECT value FROM json_each(?)) ORDER BY id`, []any{jsonIDs(have)}, func(v []driver.Value) error {
				ids = append(ids, vInt(v[0]))
				return nil
			})
			if err != nil {
				return d, false, err
			}
		}
		keep := true
		if s.pg {
			gen, keep = s.keptGenPG(ctx)
		}
		more, read, err := s.agendaRead(ctx, asOf, true, cuts, o.Tiered, ids, true)
		if err != nil {
			return d, false, err
		}
		if keep {
			s.keepAgenda(ctx, gen, more, read, ids == nil)
		}
		if ids == nil {
			cs, xs = more, read.extra
		} else {
			cs, xs = mergeKept(cs, xs, more, read.extra)
		}
	}
	cur := s.Currency()
	d.Histories = make([]clv.Customer, 0, len(cs))
	if o.Recent {
		d.Recent = make(map[int64][2]money.Amount, len(cs))
	}
	for i := range cs {
		c, x := &cs[i], &xs[i]
		if o.Recent && x.recent != [2]int64{} {
			d.Recent[c.ID] = [2]money.Amount{money.Amount(x.recent[0]), money.Amount(x.recent[1])}
		}
		if o.Tiered {
			// As agendaRead ranks: bought, and not dropped.
			c.Tier = tiering.Prospect
			if x.revenue >= 0 && c.Status != "dropped" {
				c.Tier = cuts.Tier(money.Amount(x.revenue))
			}
		}
		if x.revenue >= 0 && c.Status != "dropped" {
			// As clvInputsKept summarises the kept totals.
			first, last := c.Bought.First, c.Bought.Last
			h := clv.Customer{ID: c.ID, X: c.Bought.Days - 1, T: asOf.Sub(first).Hours() / 24 / 7, Tx: last.Sub(first).Hours() / 24 / 7}
			if h.X > 0 {
				h.Mx = cur.Float(money.Amount(x.revenue-x.firstSpend)) / float64(h.X)
			}
			d.Histories = append(d.Histories, h)
		}
	}
	d.Customers = cs
	return d, true, nil
}

// keepAgenda keeps the customers cs as read (with read) in the kept
// agenda, a chunk each run of them sharing id >> keptShift (every current
// customer of the chunk, as agendaKept reads them), unless a write came
// in since generation gen. Keeping is best effort: a notebook busy with
// another writer, or read-only, answers all the same and reads these
// customers again next time.
func (s *Store) keepAgenda(ctx context.Context, gen int64, cs []agenda.Customer, read keptRead, whole bool) {
	if s.pg {
		s.keepAgendaPG(ctx, gen, cs, read, whole)
		return
	}
	// Not waiting long for another writer: a read should not stall on it.
	ctx, cancel := context.WithTimeout(ctx, keepWait)
	defer cancel()
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		var now int64
		if err := tx.QueryRowContext(ctx, `SELECT gen FROM agenda_kept_meta`).Scan(&now); err != nil {
			return err
		}
		if now != gen {
			return errKeptMoved
		}
		st, err := tx.PrepareContext(ctx, `INSERT OR REPLACE INTO agenda_kept(chunk, data) VALUES (?, ?)`)
		if err != nil {
			return err
		}
		defer st.Close()
		return eachKeptChunk(cs, read, func(n int64, b []byte) error {
			_, err := st.ExecContext(ctx, n, b)
			return err
		})
	})
	_ = err // best effort, see above
}

// eachKeptChunk encodes the customers cs as read (with read) a chunk at a
// time, each run of them sharing id >> keptShift, and hands each to fn
// (b is reused after fn returns).
func eachKeptChunk(cs []agenda.Customer, read keptRead, fn func(n int64, b []byte) error) error {
	var b []byte
	for i := 0; i < len(cs); {
		n := cs[i].ID >> keptShift
		j := i
		for j < len(cs) && cs[j].ID>>keptShift == n {
			j++
		}
		b = append(b[:0], keptFormat)
		b = binary.AppendUvarint(b, uint64(j-i))
		b = binary.AppendVarint(b, read.from)
		for k := i; k < j; k++ {
			b = encodeKept(b, &cs[k], read.extra[k], &read.stamps[k])
			b = appendBuys(b, read.from, read.buys[read.buyAt[k]:read.buyAt[k+1]])
		}
		if err := fn(n, b); err != nil {
			return err
		}
		i = j
	}
	return nil
}

// keptCount is the number of customers in an encoded chunk; ok is false
// for a chunk in another format.
func keptCount(b []byte) (n int, ok bool) {
	r := keptReader{b: b}
	if r.byte() != keptFormat {
		return 0, false
	}
	n = r.count()
	return n, !r.bad
}

// decodeChunk decodes chunk number n into cs and xs, as many as it holds,
// with RecentRevenue's two years of win; ok is false when it does not read
// as keepAgenda wrote it, or it holds too few purchase days for win (read
// on a later day).
func decodeChunk(b []byte, n int64, cs []agenda.Customer, xs []keptExtra, win recentWindow) (ok bool) {
	r := keptReader{b: b}
	r.byte()
	if r.count() != len(cs) {
		return false
	}
	from := r.int()
	if from > win.y2 {
		return false
	}
	var buys []keptBuy
	for i := range cs {
		if !r.customer(&cs[i], &xs[i]) || cs[i].ID>>keptShift != n {
			return false
		}
		buys = r.buys(buys[:0], from)
		xs[i].recent = win.sum(buys)
	}
	return !r.bad && len(r.b) == 0
}

// appendBuys appends a customer's purchase days after day from.
func appendBuys(b []byte, from int64, buys []keptBuy) []byte {
	b = binary.AppendUvarint(b, uint64(len(buys)))
	for _, k := range buys {
		b = binary.AppendUvarint(b, uint64(k.day-from))
		b = binary.AppendVarint(b, k.amount)
		from = k.day
	}
	return b
}

// buys reads what appendBuys wrote, appended to into.
func (r *keptReader) buys(into []keptBuy, from int64) []keptBuy {
	n := r.count()
	for range n {
		from += int64(r.uint())
		into = append(into, keptBuy{from, r.int()})
	}
	return into
}

// mergeKept merges two runs of customers in id order (and what goes with
// them).
func mergeKept(a []agenda.Customer, ax []keptExtra, b []agenda.Customer, bx []keptExtra) ([]agenda.Customer, []keptExtra) {
	cs := make([]agenda.Customer, 0, len(a)+len(b))
	xs := make([]keptExtra, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		if j == len(b) || i < len(a) && a[i].ID < b[j].ID {
			cs, xs = append(cs, a[i]), append(xs, ax[i])
			i++
		} else {
			cs, xs = append(cs, b[j]), append(xs, bx[j])
			j++
		}
	}
	return cs, xs
}

// keepWait is how long keeping the agenda waits for another writer.
const keepWait = 300 * time.Millisecond

var errKeptMoved = errors.New("the notebook changed while the agenda was read")

// encodeKept appends customer c (all but the tier, which is ranked as
// read), x and st to b.
func encodeKept(b []byte, c *agenda.Customer, x keptExtra, st *keptStamps) []byte {
	b = binary.AppendVarint(b, c.ID)
	b = appendStr(b, c.Name)
	b = appendStr(b, c.Status)
	b = appendStr(b, c.LostReason)
	if c.Birthday != nil {
		b = append(b, 1)
		b = appendBirthday(b, *c.Birthday)
	} else {
		b = append(b, 0)
	}
	b = binary.AppendVarint(b, int64(c.CadenceDays))
	b = appendStamp(b, st.created)
	b = appendStamp(b, st.lastContact)
	b = appendStamp(b, st.reached)
	b = appendStamp(b, st.greeted)
	b = binary.AppendVarint(b, int64(c.Bought.Days))
	b = appendDay(b, c.Bought.First)
	b = appendDay(b, c.Bought.Last)
	b = binary.AppendVarint(b, int64(c.Bought.Gap))
	b = appendDay(b, c.NextExpected)
	b = binary.AppendUvarint(b, uint64(len(c.Complaints)))
	for _, k := range c.Complaints {
		b = binary.AppendVarint(b, k.ID)
		b = appendStr(b, k.At.Format(time.RFC3339Nano))
		b = appendStr(b, k.Summary)
	}
	b = binary.AppendVarint(b, int64(c.WinBacks))
	b = binary.AppendUvarint(b, uint64(len(c.Debts)))
	for _, k := range c.Debts {
		b = binary.AppendVarint(b, k.PurchaseID)
		b = appendDay(b, k.Date)
		b = appendStr(b, k.Item)
		b = binary.AppendVarint(b, int64(k.Outstanding))
	}
	b = binary.AppendUvarint(b, uint64(len(c.Events)))
	for _, e := range c.Events {
		b = binary.AppendVarint(b, e.ID)
		b = appendStr(b, e.What)
		b = appendBirthday(b, e.Date)
		b = binary.AppendVarint(b, int64(e.Year))
		b = appendBool(b, e.Once)
	}
	b = appendDay(b, c.LastSurvey)
	b = binary.AppendUvarint(b, uint64(len(c.Actions)))
	for _, a := range c.Actions {
		b = appendStr(b, string(a.Reason))
		b = binary.AppendVarint(b, a.Ref)
		b = appendDay(b, a.Due)
		b = appendDay(b, a.Until)
		b = appendBool(b, a.Dismissed)
	}
	b = binary.AppendVarint(b, x.revenue)
	b = binary.AppendVarint(b, x.firstSpend)
	return b
}

// customer reads what encodeKept wrote into c and x; ok is false past
// the end.
func (r *keptReader) customer(c *agenda.Customer, x *keptExtra) (ok bool) {
	c.ID = r.int()
	c.Name, c.Status, c.LostReason = r.str(), r.status(), r.str()
	if r.byte() == 1 {
		bd := r.birthday()
		c.Birthday = &bd
	}
	c.CadenceDays = int(r.int())
	c.Created, c.LastContact, c.Reached, c.Greeted = r.stampDay(), r.stampDay(), r.stampDay(), r.stampDay()
	c.Bought.Days = int(r.int())
	c.Bought.First, c.Bought.Last = r.day(), r.day()
	c.Bought.Gap = int(r.int())
	c.NextExpected = r.day()
	if n := r.count(); n > 0 {
		c.Complaints = make([]agenda.OpenComplaint, n)
		for i := range c.Complaints {
			k := &c.Complaints[i]
			k.ID = r.int()
			k.At, _ = time.Parse(time.RFC3339, r.str())
			k.Summary = r.str()
		}
	}
	c.WinBacks = int(r.int())
	if n := r.count(); n > 0 {
		c.Debts = make([]agenda.Debt, n)
		for i := range c.Debts {
			k := &c.Debts[i]
			k.PurchaseID, k.Date, k.Item, k.Outstanding = r.int(), r.day(), r.str(), money.Amount(r.int())
		}
	}
	if n := r.count(); n > 0 {
		c.Events = make([]agenda.Event, n)
		for i := range c.Events {
			e := &c.Events[i]
			e.ID, e.What, e.Date, e.Year, e.Once = r.int(), r.str(), r.birthday(), int(r.int()), r.bool()
		}
	}
	c.LastSurvey = r.day()
	if n := r.count(); n > 0 {
		c.Actions = make([]agenda.Action, n)
		for i := range c.Actions {
			a := &c.Actions[i]
			a.Reason, a.Ref, a.Due, a.Until, a.Dismissed = agenda.Reason(r.str()), r.int(), r.day(), r.day(), r.bool()
		}
	}
	x.revenue, x.firstSpend = r.int(), r.int()
	return !r.bad
}

func appendStr(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// appendStamp appends a UTC stamp: 0 for none, 1 and the minute since
// 1970 for one as rolo writes it (2026-11-22T09:30:00Z: StampDay reads
// no more of it), else 2 and the text.
func appendStamp(b []byte, s string) []byte {
	if s == "" {
		return append(b, 0)
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil && t.Location() == time.UTC && t.UTC().Format(time.RFC3339) == s {
		b = append(b, 1)
		m := t.Unix() / 60
		if t.Unix()%60 < 0 {
			m-- // the minute it falls in, before 1970 too
		}
		return binary.AppendVarint(b, m)
	}
	return appendStr(append(b, 2), s)
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

// appendDay appends a day (UTC midnight, as parseDay gives it) as 2n+1
// for n days since 1970; 0 is no day.
func appendDay(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return binary.AppendVarint(b, 0)
	}
	return binary.AppendVarint(b, t.Unix()/86400*2+1)
}

func appendBirthday(b []byte, d agenda.Birthday) []byte {
	b = binary.AppendVarint(b, int64(d.Month))
	b = binary.AppendVarint(b, int64(d.Day))
	b = appendBool(b, d.Lunar)
	return appendBool(b, d.Leap)
}

// keptReader reads an encoded row; bad is set past its end.
type keptReader struct {
	b   []byte
	bad bool
}

func (r *keptReader) byte() byte {
	if len(r.b) == 0 {
		r.bad = true
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v
}

func (r *keptReader) bool() bool { return r.byte() == 1 }

// int reads what binary.AppendVarint wrote: a uvarint, zig-zag encoded.
func (r *keptReader) int() int64 {
	u := r.uint()
	v := int64(u >> 1)
	if u&1 != 0 {
		v = ^v
	}
	return v
}

func (r *keptReader) uint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.bad = true
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *keptReader) count() int {
	v := r.uint()
	if v > uint64(len(r.b)) { // each takes a byte at least
		r.bad = true
		return 0
	}
	return int(v)
}

func (r *keptReader) str() string { return string(r.text()) }

// text reads the bytes of a text (appendStr), without copying them.
func (r *keptReader) text() []byte {
	n := r.count()
	if n > len(r.b) {
		r.bad = true
		return nil
	}
	b := r.b[:n]
	r.b = r.b[n:]
	return b
}

// stampDay reads a stamp (appendStamp) as the rep's day, as StampDay
// reads its text.
func (r *keptReader) stampDay() time.Time {
	switch r.byte() {
	case 0:
		return time.Time{}
	case 1:
		// StampDay's own reading: the minute, moved to the local zone.
		m := r.int()
		return Today(time.Unix(m*60, 0).In(time.Local))
	}
	return stampDay(r.text())
}

// status reads a status, the usual ones without making a string.
func (r *keptReader) status() string {
	b := r.text()
	for _, st := range keptStatuses {
		if string(b) == st {
			return st
		}
	}
	return string(b)
}

var keptStatuses = [...]string{"active", "prospect", "lapsed", "lost", "won_back", "dropped"}

func (r *keptReader) day() time.Time {
	v := r.int()
	if v == 0 {
		return time.Time{}
	}
	return time.Unix((v-1)/2*86400, 0).UTC()
}

func (r *keptReader) birthday() agenda.Birthday {
	return agenda.Birthday{Month: int(r.int()), Day: int(r.int()), Lunar: r.bool(), Leap: r.bool()}
}
