package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"strings"
	"time"
)

// Bulk writes many rows in one transaction with prepared statements. It is
// what imports and the demo generator use: all rows land, or none do.
//
// The search index and the kept purchase totals are not touched row by
// row: at the end both are written for the customers touched — from what
// Bulk accumulated for customers without earlier purchases, from the
// tables with the definitions single writes use for the others.
//
// Foreign keys are not checked row by row either (a million purchases
// looked their customer up a million times, a quarter of the insert): Bulk
// notes every customer the rows name and checks each once before the
// transaction commits; a purchase a payment names is checked when the
// payment is added.
type Bulk struct {
	s       *Store
	ctx     context.Context
	tx      *sql.Tx
	ins     map[string]*sql.Stmt
	touched [3]map[int64]bool            // customers whose search rows need rebuilding, per source
	bought  map[int64]bool               // customers who had purchases before and got more
	firstID int64                        // purchases after this id were written by this bulk
	fresh   freshSearch                  // search text and totals of customers without earlier purchases
	recount bool                         // a status or archive changed: who is ranked may have
	named   map[int64]bool               // customers the rows refer to, checked at the end
	lastBuy struct{ id, customer int64 } // the purchase added last, and whose
	written int                          // rows written, about
	pg      *pgBulk                      // on PostgreSQL (bulk_pg.go)
}

// Bulk runs fn with a Bulk writer inside one BEGIN IMMEDIATE transaction.
func (s *Store) Bulk(ctx context.Context, fn func(b *Bulk) error) error {
	if s.pg {
		return s.bulkPG(ctx, fn)
	}
	// Foreign keys can be switched off only outside a transaction, on the
	// one writer connection; they are switched on again whatever happens,
	// or the connection is dropped.
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return s.wrap("bulk", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		return s.wrap("bulk", err)
	}
	defer func() {
		if _, err := conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA foreign_keys = ON`); err != nil {
			conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	tx, err := s.begin(ctx, conn)
	if err != nil {
		return err
	}
	return s.endTx(tx, s.bulk(ctx, tx, fn))
}

func (s *Store) bulk(ctx context.Context, tx *sql.Tx, fn func(b *Bulk) error) error {
	// The kept agenda's triggers step aside for the transaction (a delete
	// and an update a row were a fifth of a large import): the whole kept
	// agenda is forgotten instead, and read again when next asked for.
	back, err := s.stepAside(ctx, tx, `type = 'trigger' AND name LIKE 'agenda_kept_%'`)
	if err != nil {
		return err
	}
	if err := s.bulkRows(ctx, tx, fn); err != nil {
		return err
	}
	if err := back(); err != nil {
		return err
	}
	return s.forgetKeptAgenda(ctx, tx)
}

// forgetKeptAgenda empties the kept agenda and works out again the
// latest contact, payment and survey it goes by (schema 10).
func (s *Store) forgetKeptAgenda(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM agenda_kept`)
	if err == nil {
		_, err = tx.ExecContext(ctx, `UPDATE agenda_kept_meta SET gen = gen + 1,
			contacts_max = coalesce((SELECT max(at) FROM contacts), ''),
			payments_max = coalesce((SELECT max(date) FROM payments), ''),
			surveys_max = coalesce((SELECT max(date) FROM surveys), '')`)
	}
	return s.wrap("bulk", err)
}

func (s *Store) bulkRows(ctx context.Context, tx *sql.Tx, fn func(b *Bulk) error) error {
	b := &Bulk{s: s, ctx: ctx, tx: tx, ins: map[string]*sql.Stmt{}, bought: map[int64]bool{}, named: map[int64]bool{}}
	for i := range b.touched {
		b.touched[i] = map[int64]bool{}
	}
	defer func() {
		for _, st := range b.ins {
			st.Close()
		}
	}()
	var smallPurchases, smallCustomers bool
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0), count(*) < 50000, (SELECT count(*) FROM customers) < 50000
		FROM purchases`).Scan(&b.firstID, &smallPurchases, &smallCustomers); err != nil {
		return s.wrap("bulk", err)
	}
	// While a table is small, building its indexes once at the end is
	// cheaper than a million scattered updates: they step aside for the
	// transaction and are put back, word for word, before it commits.
	// (The customers' unique external id stays: it is part of the table.)
	var aside []string
	if smallPurchases {
		aside = append(aside, `'purchases'`)
	}
	if smallCustomers {
		aside = append(aside, `'customers'`)
	}
	restore := func() error { return nil }
	if len(aside) > 0 {
		var err error
		if restore, err = s.stepAside(ctx, tx, `type = 'index' AND tbl_name IN (`+strings.Join(aside, ", ")+`) AND sql IS NOT NULL`); err != nil {
			return err
		}
	}
	// The full-text index buffers 16 MB of new terms instead of 1 before it
	// writes a segment: fewer, larger segments to merge (a quarter less
	// work for the search rows of a large import, 16 MB more memory).
	if _, err := tx.ExecContext(ctx, `INSERT INTO search(search, rank) VALUES ('hashsize', 16777216)`); err != nil {
		return s.wrap("bulk", err)
	}
	if err := fn(b); err != nil {
		return err
	}
	for _, st := range b.ins {
		st.Close()
	}
	clear(b.ins)
	if err := b.checkNamed(); err != nil {
		return err
	}
	if err := restore(); err != nil {
		return err
	}
	if err := b.finishPurchases(); err != nil {
		return err
	}
	if err := b.reindexTouched(); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO search(search, rank) VALUES ('hashsize', 1048576)`); err != nil {
		return s.wrap("bulk", err)
	}
	if len(b.bought) > 0 || b.fresh.n > 0 || b.recount {
		return s.bumpPurchases(ctx, tx, nil) // many moved: rank everyone
	}
	return nil
}

// reindexTouched writes again the search rows of every customer whose
// profile, purchases or contacts the bulk write changed, a source at a time.
func (b *Bulk) reindexTouched() error {
	for src, ids := range b.touched {
		if len(ids) == 0 {
			continue
		}
		list := make([]int64, 0, len(ids))
		for id := range ids {
			list = append(list, id)
		}
		if err := b.s.reindex(b.ctx, b.tx, src, `SELECT value AS id FROM json_each(?)`, jsonIDs(list)); err != nil {
			return err
		}
	}
	return nil
}

// name notes a customer a row refers to.
func (b *Bulk) name(id int64) { b.named[id] = true }

// checkNamed is the foreign-key check of the rows written: every customer
// they name exists.
func (b *Bulk) checkNamed() error {
	if err := b.flushCustomers(); err != nil {
		return err
	}
	if len(b.named) == 0 {
		return nil
	}
	ids := make([]int64, 0, len(b.named))
	for id := range b.named {
		ids = append(ids, id)
	}
	var missing int64
	err := b.tx.QueryRowContext(b.ctx, `SELECT value FROM json_each(?) WHERE value NOT IN (SELECT id FROM customers) LIMIT 1`,
		jsonIDs(ids)).Scan(&missing)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return b.s.wrap("bulk", err)
	}
	return Errorf(KindNotFound, "no customer with id %d", missing)
}

// finishPurchases writes the kept totals and purchase search rows of the
// customers who got purchases: for customers without earlier ones from
// what was accumulated, for the others from all their purchases.
func (b *Bulk) finishPurchases() error {
	ctx, tx, s := b.ctx, b.tx, b.s
	if b.fresh.n > 0 && b.pg != nil {
		if err := b.fresh.writeFreshPG(b); err != nil {
			return err
		}
	} else if b.fresh.n > 0 {
		if err := b.fresh.write(ctx, s, tx); err != nil {
			return err
		}
	}
	if len(b.bought) > 0 {
		ids := make([]int64, 0, len(b.bought))
		for id := range b.bought {
			ids = append(ids, id)
		}
		if err := s.retotal(ctx, tx, `customer_id IN (SELECT value FROM json_each(?))`, jsonIDs(ids)); err != nil {
			return err
		}
		for _, id := range ids {
			b.touched[srcPurchase][id] = true
		}
	}
	if b.fresh.n == 0 && len(b.bought) == 0 {
		return nil
	}
	// A prospect who bought is an active customer, since their first purchase.
	if _, err := tx.ExecContext(ctx, `INSERT INTO status_history(customer_id, status, reason, date, auto)
		SELECT c.id, 'active', '', t.first, 1 FROM customers c JOIN purchase_totals t ON t.customer_id = c.id
		WHERE c.status = 'prospect'`); err != nil {
		return s.wrap("bulk status", err)
	}
	_, err := tx.ExecContext(ctx, `UPDATE customers SET status = 'active'
		WHERE status = 'prospect' AND id IN (SELECT customer_id FROM purchase_totals)`)
	return s.wrap("bulk status", err)
}

// stepAside drops the schema objects (indexes) that where selects from
// sqlite_schema, inside transaction tx; restore creates them again from
// their own SQL. Nothing is committed in between, so a failure or a crash
// leaves the schema as it was.
func (s *Store) stepAside(ctx context.Context, tx *sql.Tx, where string) (restore func() error, err error) {
	type object struct{ kind, name, sql string }
	rows, err := tx.QueryContext(ctx, `SELECT type, name, sql FROM sqlite_schema WHERE `+where)
	if err != nil {
		return nil, s.wrap("bulk", err)
	}
	var objs []object
	for rows.Next() {
		var o object
		if err := rows.Scan(&o.kind, &o.name, &o.sql); err != nil {
			rows.Close()
			return nil, s.wrap("bulk", err)
		}
		objs = append(objs, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, s.wrap("bulk", err)
	}
	for _, o := range objs {
		if _, err := tx.ExecContext(ctx, `DROP `+strings.ToUpper(o.kind)+` "`+o.name+`"`); err != nil {
			return nil, s.wrap("bulk", err)
		}
	}
	return func() error {
		// Indexes are built by sorting: with a smaller cache, less memory;
		// and with a second thread for the sort, sooner on two cores.
		if _, err := tx.ExecContext(ctx, `PRAGMA threads = 2`); err != nil {
			return s.wrap("bulk", err)
		}
		defer tx.ExecContext(context.WithoutCancel(ctx), `PRAGMA threads = 0`)
		return s.wrap("bulk", withCache(ctx, tx, 16384, func() error {
			for _, o := range objs {
				if _, err := tx.ExecContext(ctx, o.sql); err != nil {
					return err
				}
			}
			return nil
		}))
	}, nil
}

// ExecContext runs q as a cached prepared statement of the transaction.
//
// A row's statement runs without ctx's cancellation, which is checked
// before it instead: given a context that can end, the driver starts a
// goroutine to watch it for every statement (a million of them in a large
// import, a tenth of its time), and one row's statement is too short to be
// worth interrupting.
func (b *Bulk) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if b.pg != nil && len(b.pg.cust) > 0 {
		// A statement may name a customer still waiting for COPY.
		if err := b.flushCustomers(); err != nil {
			return nil, err
		}
	}
	st, err := b.stmt(q)
	if err != nil {
		return nil, err
	}
	b.written++
	return st.ExecContext(context.WithoutCancel(ctx), args...)
}

func (b *Bulk) stmt(q string) (*sql.Stmt, error) {
	if st, ok := b.ins[q]; ok {
		return st, nil
	}
	st, err := b.tx.PrepareContext(b.ctx, q)
	if err != nil {
		return nil, b.s.wrap("prepare", err)
	}
	b.ins[q] = st
	if b.pg != nil {
		b.pg.wrote(writtenTable(q))
	}
	return st, nil
}

// AddCustomer inserts a validated customer and returns its id.
func (b *Bulk) AddCustomer(c *Customer) (int64, error) {
	if c.ReferredBy != nil {
		b.name(*c.ReferredBy)
	}
	var id int64
	var err error
	queued := false
	if b.pg != nil {
		id, queued, err = b.addCustomerPG(c)
	}
	if !queued && err == nil {
		id, err = b.s.insertCustomer(b.ctx, b, c)
	}
	if err == nil {
		b.touched[srcCustomer][id] = true
	}
	return id, err
}

// AddPurchase inserts a validated purchase and returns its id.
func (b *Bulk) AddPurchase(p *Purchase) (int64, error) {
	insert := b.s.insertPurchase
	if b.pg != nil {
		insert = func(_ context.Context, _ execer, p *Purchase) (int64, error) { return b.addPurchasePG(p) }
	}
	id, err := insert(b.ctx, b, p)
	if err != nil {
		return 0, err
	}
	b.name(p.CustomerID)
	b.lastBuy.id, b.lastBuy.customer = id, p.CustomerID
	acc, err := b.fresh.of(b, p.CustomerID)
	if err != nil {
		return 0, err
	}
	if acc != nil {
		b.fresh.add(acc, p)
		acc.addTotals(p, id)
	} else {
		b.bought[p.CustomerID] = true
	}
	return id, nil
}

// AddContact inserts a validated contact and returns its id.
func (b *Bulk) AddContact(c *Contact) (int64, error) {
	if err := c.Validate(); err != nil {
		return 0, err
	}
	b.name(c.CustomerID)
	id, err := b.s.insertContact(b.ctx, b, c)
	if err == nil {
		b.touched[srcContact][c.CustomerID] = true
	}
	return id, err
}

// AddFollowUp inserts a validated follow-up and returns its id.
func (b *Bulk) AddFollowUp(f *FollowUp) (int64, error) {
	b.name(f.CustomerID)
	return b.s.insertFollowUp(b.ctx, b, f)
}

// AddSurvey inserts a validated survey and returns its id.
func (b *Bulk) AddSurvey(v *Survey) (int64, error) {
	b.name(v.CustomerID)
	return b.s.insertSurvey(b.ctx, b, v)
}

// AddPayment inserts a validated payment after the sale and returns its id.
func (b *Bulk) AddPayment(p *Payment) (int64, error) {
	var cust int64
	if p.PurchaseID != 0 && p.PurchaseID == b.lastBuy.id {
		// What was paid of the sale just added (the usual order): nothing
		// to look up, and on PostgreSQL the sales still waiting for their
		// COPY wait on (the payment's reference to them is checked at the
		// end), unless the team's policies check each payment's sale as it
		// is written (a rep's or a manager's import). Looked up after each
		// sale, a payment cost PostgreSQL a scan of the table: it plans a
		// statement run often once, while the table was still small.
		cust = b.lastBuy.customer
		if b.pg != nil {
			rls, err := b.policed("payments")
			if err != nil {
				return 0, b.s.wrap("record payment", err)
			}
			if rls {
				if err := b.flushPurchases(); err != nil {
					return 0, err
				}
			}
		}
	} else {
		if err := b.flushPurchases(); err != nil {
			return 0, err
		}
		if err := b.tx.QueryRowContext(b.ctx, `SELECT customer_id FROM purchases WHERE id = ?`, p.PurchaseID).Scan(&cust); err != nil {
			return 0, Errorf(KindNotFound, "no purchase with id %d", p.PurchaseID)
		}
	}
	id, err := b.s.insertPayment(b.ctx, b, p)
	if err != nil {
		return 0, err
	}
	if acc := b.fresh.acc[cust]; acc != nil && !b.fresh.before[cust] {
		acc.paid += p.Amount // paid after the sale
	} else {
		b.bought[cust] = true // totals of an earlier buyer are rebuilt at the end
	}
	return id, nil
}

// AddEvent inserts a validated event and returns its id.
func (b *Bulk) AddEvent(e *Event) (int64, error) {
	if err := e.Validate(); err != nil {
		return 0, err
	}
	if e.CreatedAt == "" {
		e.CreatedAt = b.s.stamp()
	}
	b.name(e.CustomerID)
	r, err := b.ExecContext(b.ctx, `INSERT INTO events(id, customer_id, what, date, lunar, leap, once, created_at) VALUES (?,?,?,?,?,?,?,?)`,
		nullID(e.ID), e.CustomerID, e.What, e.Date, e.Lunar, e.Leap, e.Once, e.CreatedAt)
	if err != nil {
		return 0, b.s.wrap("add event", err)
	}
	return r.LastInsertId()
}

// SetAttitude sets a customer's attitude (price_driven, harmful...).
func (b *Bulk) SetAttitude(id int64, attitude string) error {
	_, err := b.ExecContext(b.ctx, `UPDATE customers SET attitude = ? WHERE id = ?`, attitude, id)
	return b.s.wrap("set attitude", err)
}

// SetStatus sets a customer's status and lost reason, as of a day.
func (b *Bulk) SetStatus(id int64, status, reason string, on time.Time) error {
	if _, err := b.ExecContext(b.ctx, `UPDATE customers SET status = ?, lost_reason = ? WHERE id = ?`, status, reason, id); err != nil {
		return b.s.wrap("set status", err)
	}
	b.recount = true
	b.name(id)
	return b.s.recordStatus(b.ctx, b, id, status, reason, on, false)
}

// ReplaceCustomer overwrites every profile field of customer c.ID (an
// import upsert). created_at is kept unless c carries one.
func (b *Bulk) ReplaceCustomer(c *Customer) error {
	// The phone and email as given: the importer checked them.
	if err := c.ValidateEdit(c); err != nil {
		return err
	}
	args, err := c.args()
	if err != nil {
		return err
	}
	if c.UpdatedAt == "" {
		c.UpdatedAt = b.s.stamp()
	}
	var arch any
	if c.ArchivedAt != nil {
		arch = *c.ArchivedAt
	}
	args = append(args, c.UpdatedAt, arch, c.CreatedAt, c.ID)
	if c.ReferredBy != nil {
		b.name(*c.ReferredBy)
	}
	res, err := b.ExecContext(b.ctx, `UPDATE customers SET `+customerSets()+`, updated_at = ?, archived_at = ?,
		created_at = coalesce(nullif(?, ''), created_at) WHERE id = ?`, args...)
	if err != nil {
		return b.s.customerWriteErr(err, c)
	}
	b.touched[srcCustomer][c.ID] = true
	b.recount = true
	return expectOne(res, "customer", c.ID)
}

// SetReferredBy links a customer to the customer who referred them.
func (b *Bulk) SetReferredBy(id int64, ref *int64) error {
	var v any
	if ref != nil {
		v = *ref
		b.name(*ref)
	}
	_, err := b.ExecContext(b.ctx, `UPDATE customers SET referred_by = ? WHERE id = ?`, v, id)
	if err != nil {
		return b.s.customerWriteErr(err, &Customer{})
	}
	return nil
}
