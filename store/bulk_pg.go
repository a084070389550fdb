package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/rolo-crm/rolo/money"
)

// Bulk on PostgreSQL: one SERIALIZABLE transaction on one connection, as
// on SQLite, so an import is all-or-nothing also when the connection drops
// (the server rolls back what it never saw committed). Purchases, the bulk
// of any import, go in with COPY: their ids are taken from the sequence a
// block at a time, so AddPurchase still returns the id at once, and the
// rows are sent in batches. The accumulated totals and search rows of
// customers without earlier purchases are copied too. A bulk write is not
// retried on a serialization failure: its rows come from a stream that
// cannot be read twice; it fails whole (KindBusy), and running it again
// is safe.

// pgCopyBatch is how many purchases are sent in one COPY (a variable for
// the tests).
var pgCopyBatch = 50000

// Purchase ids are taken from the sequence a block at a time: pgIDFirst
// for the first block of a bulk write, each next block twice the last, up
// to pgIDBlock. A small import leaves few unused ids behind (the ids it
// took and did not use are gaps: a sequence gives nothing back), a large
// one takes a batch's ids in one or two statements.
const (
	pgIDFirst = 64
	pgIDBlock = 50000 // as many as a batch of purchases
)

var pgPurchaseCols = []string{"id", "customer_id", "date", "item", "quantity", "amount", "cost", "paid",
	"channel", "special_requests", "mood", "next_date", "note", "created_at"}

// pgBulk is what Bulk keeps on PostgreSQL.
type pgBulk struct {
	conn *sql.Conn
	pids idBlock   // purchase ids taken from the sequence, not used yet
	cids idBlock   // customer ids, the same way
	rows [][]any   // purchases waiting for INSERT, under row-level security
	bin  copyQueue // purchases waiting for COPY
	// The purchases' COPY runs beside the import, a batch at a time
	// (sendPurchases): sent is the batch on its way, whose buffer is
	// taken back once it is in; sending says how its COPY ended.
	sent    copyQueue
	sending chan copyEnd
	cust    [][]any         // new customers waiting for COPY (the tables' owner's)
	rls     map[string]bool // tables whose row-level security applies to this connection
	into    map[string]bool // tables rows were written into
}

// copyEnd is how a COPY run beside the bulk write ended.
type copyEnd struct {
	n   int64
	err error
}

// idBlock is ids taken from a table's id sequence and not used yet.
type idBlock struct {
	ids  []int64
	seq  string // the sequence, once looked up
	took int    // how many ids the last block took
}

// pgCustomerCols are the columns of a queued customer (Customer.args,
// then its stamps).
var pgCustomerCols = func() []string {
	cols := []string{"id"}
	for _, c := range strings.Split(customerWriteCols, ",") {
		cols = append(cols, strings.TrimSpace(c))
	}
	return append(cols, "created_at", "updated_at", "archived_at")
}()

// pgCustomerBatch is how many new customers are sent in one COPY.
const pgCustomerBatch = 5000

// wrote notes that rows went into table.
func (p *pgBulk) wrote(table string) {
	if p.into == nil {
		p.into = map[string]bool{}
	}
	p.into[table] = true
}

// writtenTable is the table a statement writes into (INSERT INTO t, UPDATE
// t, DELETE FROM t), or "".
func writtenTable(q string) string {
	f := strings.Fields(strings.ToLower(q))
	switch {
	case len(f) >= 3 && (f[0] == "insert" && f[1] == "into" || f[0] == "delete" && f[1] == "from"):
		return strings.TrimRight(strings.SplitN(f[2], "(", 2)[0], ";")
	case len(f) >= 2 && f[0] == "update":
		return f[1]
	}
	return ""
}

func (s *Store) bulkPG(ctx context.Context, fn func(b *Bulk) error) error {
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return s.wrap("bulk", err)
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable})
	if err != nil {
		return s.wrap("bulk", err)
	}
	b := &Bulk{s: s, ctx: ctx, tx: tx, ins: map[string]*sql.Stmt{}, bought: map[int64]bool{}, named: map[int64]bool{},
		pg: &pgBulk{conn: conn}}
	for i := range b.touched {
		b.touched[i] = map[int64]bool{}
	}
	err = s.bulkPGBody(ctx, tx, b, fn)
	// A batch of purchases still on its way ends before the transaction
	// does. Its failure aborted the transaction, so whatever ran after it
	// failed too, less plainly (25P02): its own error is the one to tell.
	if werr := b.waitPurchases(); werr != nil && (err == nil || pgCode(err) == "25P02") {
		err = werr
	}
	for _, st := range b.ins {
		st.Close()
	}
	if err := s.endTx(tx, err); err != nil {
		return err
	}
	if b.written >= analyzeAfter {
		s.analyzePG(ctx, conn, b.pg.into)
	}
	return nil
}

// analyzeAfter is how many rows a bulk write takes before the server's
// statistics are gathered again at its end.
var analyzeAfter = 10000

// analyzePG gathers the statistics of the tables a large bulk write wrote
// into (into), as PostgreSQL advises after a bulk load: the server's own
// autovacuum gets to them only later, and until then it plans on the
// tables as they were (a `find` right after copying a notebook of 100,000
// customers in took 0.47 s instead of 0.1 s). The search rows and the
// purchases' totals, which a bulk write also writes from what it
// gathered, are always among them. Tables it did not write keep theirs:
// the customers' alone took 1.1 s of a million-purchase import's 2.1 s.
// It runs after the commit, in its own statement: inside the serializable
// write, reading every table would conflict with every other rep's write.
// The data is committed whatever happens here, so a failure (a connection
// lost, a rep's role, which may not analyze tables it does not own) is not
// an error of the write: the server catches up by itself.
func (s *Store) analyzePG(ctx context.Context, conn *sql.Conn, into map[string]bool) {
	var tables []string
	for _, t := range []string{"customers", "purchases", "payments", "contacts", "followups", "surveys",
		"events", "status_history", "purchase_totals", "search"} {
		if into[t] || t == "purchase_totals" || t == "search" {
			tables = append(tables, t)
		}
	}
	conn.ExecContext(context.WithoutCancel(ctx), `ANALYZE `+strings.Join(tables, ", "))
}

func (s *Store) bulkPGBody(ctx context.Context, tx *sql.Tx, b *Bulk, fn func(b *Bulk) error) error {
	// Foreign keys are checked at the commit, as SQLite's Bulk checks them
	// once at the end: checkNamed reports a missing customer plainly first.
	if _, err := tx.ExecContext(ctx, `SET CONSTRAINTS ALL DEFERRED`); err != nil {
		return s.wrap("bulk", err)
	}
	// The kept agenda's markers step aside for the transaction: every
	// chunk is marked once at the end instead (migrations_pg/0006).
	if _, err := tx.ExecContext(ctx, `SET LOCAL rolo.bulk = 'on'`); err != nil {
		return s.wrap("bulk", err)
	}
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM purchases`).Scan(&b.firstID); err != nil {
		return s.wrap("bulk", err)
	}
	restore, restoreKeys, err := s.stepAsidePG(ctx, tx)
	if err != nil {
		return err
	}
	if err := fn(b); err != nil {
		return err
	}
	// Rows naming a missing customer are reported as on SQLite, before
	// the server's own foreign-key check would word it less plainly.
	if err := b.checkNamed(); err != nil {
		return err
	}
	if err := b.flushPurchases(); err != nil {
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
	if err := restoreKeys(); err != nil {
		return err
	}
	// Rows written with their own ids move the sequences past them.
	if _, err := tx.ExecContext(ctx, `SELECT rolo_sync_ids()`); err != nil {
		return s.wrap("bulk", err)
	}
	if _, err := tx.ExecContext(ctx, `SELECT rolo_agenda_stale_all()`); err != nil {
		return s.wrap("bulk", err)
	}
	if len(b.bought) > 0 || b.fresh.n > 0 || b.recount {
		return s.bumpPurchases(ctx, tx, nil)
	}
	return nil
}

// stepAsidePG drops the purchases' own indexes (not those of constraints)
// while the table is small and the connection owns it, inside transaction
// tx: a million rows copied into a table without them, then each index
// built once by sorting, is several times faster than keeping three
// indexes up to date row by row. restore builds them again from their own
// definitions before the rows are read back; nothing is committed in
// between, so a failure leaves the schema as it was. (The drop locks the
// table until the commit: on a notebook of under 50,000 purchases, one being
// filled.) A rep, who does not own the table, keeps the indexes.
//
// The foreign keys of the purchases and of the tables written from them
// at the end (purchase_totals, search) step aside too: put back, each is
// checked by one join over its table instead of a trigger per row (13 s
// of a million-row import for the purchases, 1.8 s for the totals and
// search rows of its 94,000 customers). restoreKeys puts back the last
// two, once their rows are written.
func (s *Store) stepAsidePG(ctx context.Context, tx *sql.Tx) (restore, restoreKeys func() error, err error) {
	none := func() error { return nil }
	var small bool
	if err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM (SELECT 1 FROM purchases LIMIT 50000) x) < 50000
		AND pg_has_role(current_user, (SELECT tableowner FROM pg_catalog.pg_tables
			WHERE schemaname = current_schema() AND tablename = 'purchases'), 'USAGE')`).Scan(&small); err != nil {
		return nil, nil, s.wrap("bulk", err)
	}
	if !small {
		return none, none, nil
	}
	defs, err := queryAll(ctx, s, "bulk", func(sc scanner) ([2]string, error) {
		var d [2]string
		err := sc.Scan(&d[0], &d[1])
		return d, err
	}, `SELECT i.indexname, i.indexdef FROM pg_catalog.pg_indexes i
		WHERE i.schemaname = current_schema() AND i.tablename = 'purchases'
		AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c WHERE c.conindid = CAST(quote_ident(i.indexname) AS regclass))
		ORDER BY i.indexname`)
	if err != nil {
		return nil, nil, err
	}
	fks, err := s.keysAsidePG(ctx, tx, "purchases")
	if err != nil {
		return nil, nil, err
	}
	later, err := s.keysAsidePG(ctx, tx, "purchase_totals", "search")
	if err != nil {
		return nil, nil, err
	}
	// The search rows' trigram indexes too, while they are few: the
	// profiles of 100,000 customers imported into a new notebook took 14 s
	// kept in them row by row, against a few seconds to build them after.
	// (Over a search table of 100,000 profiles, building them again for a
	// million purchases' rows took longer than keeping them: 7.9 s, 4.6 s.)
	// In the transaction: the search table is locked by it already (its
	// key was dropped), and a read on another connection would wait on it.
	search, err := txIndexDefs(ctx, tx, `SELECT i.indexname, i.indexdef FROM pg_catalog.pg_indexes i
		WHERE i.schemaname = current_schema() AND i.tablename = 'search' AND i.indexdef LIKE '% USING gin %'
		AND (SELECT count(*) FROM (SELECT 1 FROM search LIMIT 50000) x) < 50000
		AND pg_has_role(current_user, (SELECT tableowner FROM pg_catalog.pg_tables
			WHERE schemaname = current_schema() AND tablename = 'search'), 'USAGE')
		ORDER BY i.indexname`)
	if err != nil {
		return nil, nil, err
	}
	for _, d := range search {
		if _, err := tx.ExecContext(ctx, `DROP INDEX `+pgx.Identifier{d[0]}.Sanitize()); err != nil {
			return nil, nil, s.wrap("bulk", err)
		}
	}
	restoreKeys = func() error {
		for _, d := range search {
			if _, err := tx.ExecContext(ctx, d[1]); err != nil {
				return s.wrap("bulk", err)
			}
		}
		return later()
	}
	for _, d := range defs {
		if _, err := tx.ExecContext(ctx, `DROP INDEX `+pgx.Identifier{d[0]}.Sanitize()); err != nil {
			return nil, nil, s.wrap("bulk", err)
		}
	}
	return func() error {
		if err := fks(); err != nil {
			return err
		}
		// Checks still pending (the customers' own) run now: an index is
		// not built on a table with checks pending.
		if _, err := tx.ExecContext(ctx, `SET CONSTRAINTS ALL IMMEDIATE`); err != nil {
			return s.wrap("bulk", err)
		}
		for _, d := range defs {
			if _, err := tx.ExecContext(ctx, d[1]); err != nil {
				return s.wrap("bulk", err)
			}
		}
		return nil
	}, restoreKeys, nil
}

// txIndexDefs runs q, which reads an index's name and definition a row,
// in transaction tx.
func txIndexDefs(ctx context.Context, tx *sql.Tx, q string) ([][2]string, error) {
	rows, err := tx.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var d [2]string
		if err := rows.Scan(&d[0], &d[1]); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// keysAsidePG drops the foreign keys of tables that the connection owns,
// inside transaction tx, and returns what adds them again, word for word.
func (s *Store) keysAsidePG(ctx context.Context, tx *sql.Tx, tables ...string) (restore func() error, err error) {
	type key struct{ table, name, def string }
	names := make([]string, len(tables)) // rolo's own table names: no quote in them
	for i, t := range tables {
		names[i] = "'" + t + "'"
	}
	fks, err := queryAll(ctx, s, "bulk", func(sc scanner) (key, error) {
		var k key
		err := sc.Scan(&k.table, &k.name, &k.def)
		return k, err
	}, `SELECT t.relname, c.conname, pg_get_constraintdef(c.oid) FROM pg_catalog.pg_constraint c
		JOIN pg_catalog.pg_class t ON t.oid = c.conrelid
		WHERE c.contype = 'f' AND t.relnamespace = CAST(current_schema() AS regnamespace) AND t.relname IN (`+strings.Join(names, ", ")+`)
		AND pg_has_role(current_user, t.relowner, 'USAGE')
		ORDER BY t.relname, c.conname`)
	if err != nil {
		return nil, err
	}
	for _, k := range fks {
		if _, err := tx.ExecContext(ctx, `ALTER TABLE `+pgx.Identifier{k.table}.Sanitize()+` DROP CONSTRAINT `+pgx.Identifier{k.name}.Sanitize()); err != nil {
			return nil, s.wrap("bulk", err)
		}
	}
	return func() error {
		for _, k := range fks {
			if _, err := tx.ExecContext(ctx, `ALTER TABLE `+pgx.Identifier{k.table}.Sanitize()+` ADD CONSTRAINT `+pgx.Identifier{k.name}.Sanitize()+` `+k.def); err != nil {
				return s.wrap("bulk", err)
			}
		}
		return nil
	}, nil
}

// policed says whether table's row-level security applies to the bulk
// write's connection (a rep's or a manager's), asked once a table.
func (b *Bulk) policed(table string) (bool, error) {
	rls, known := b.pg.rls[table]
	if !known {
		if err := b.tx.QueryRowContext(b.ctx, `SELECT row_security_active(CAST(? AS text))`, table).Scan(&rls); err != nil {
			return false, err
		}
		if b.pg.rls == nil {
			b.pg.rls = map[string]bool{}
		}
		b.pg.rls[table] = rls
	}
	return rls, nil
}

// copyFrom runs COPY on the bulk write's connection, inside its
// transaction; into a table whose row-level security applies to the
// connection (a rep's or a manager's: PostgreSQL takes no COPY there),
// multi-row INSERTs, which the policies check row by row.
func (b *Bulk) copyFrom(table string, cols []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	rls, err := b.policed(table)
	if err != nil {
		return err
	}
	if rls {
		return b.insertRows(table, cols, rows)
	}
	b.pg.wrote(table)
	return b.pg.conn.Raw(func(dc any) error {
		pc, ok := dc.(*pgConn)
		if !ok {
			return fmt.Errorf("bulk: not a PostgreSQL connection")
		}
		n, err := pc.pgx().CopyFrom(b.ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
		b.written += int(n)
		return err
	})
}

// insertRows writes rows into table with multi-row INSERTs (insertRows).
func (b *Bulk) insertRows(table string, cols []string, rows [][]any) error {
	args := make([]any, 0, len(rows)*len(cols))
	for _, r := range rows {
		args = append(args, r...)
	}
	b.pg.wrote(table)
	if err := insertRows(b.ctx, b.tx, `INSERT INTO `+table+` (`+strings.Join(cols, ", ")+`)`, len(cols), args); err != nil {
		return err
	}
	b.written += len(rows)
	return nil
}

// addPurchasePG validates a purchase and queues it for COPY.
func (b *Bulk) addPurchasePG(p *Purchase) (int64, error) {
	if err := p.Validate(); err != nil {
		return 0, err
	}
	if p.CreatedAt == "" {
		p.CreatedAt = b.s.stamp()
	}
	// A full batch leaves before the next row is queued, not with the row
	// that filled it: the row just added stays queued, where KeepID
	// renumbers it (an UPDATE of a purchase already in, under deferred
	// keys, left trigger events that the keys put back at the end refuse).
	switch {
	case len(b.pg.rows) >= pgCopyBatch:
		if err := b.flushPurchases(); err != nil {
			return 0, err
		}
	case b.pg.bin.len() >= pgCopyBatch:
		if err := b.sendPurchases(true); err != nil {
			return 0, err
		}
	}
	id := p.ID
	if id == 0 {
		var err error
		if id, err = b.nextID(&b.pg.pids, "purchases"); err != nil {
			return 0, b.s.wrap("bulk", err)
		}
	}
	rls, err := b.policed("purchases")
	if err != nil {
		return 0, b.s.wrap("bulk", err)
	}
	if rls {
		b.pg.rows = append(b.pg.rows, []any{id, p.CustomerID, p.Date, p.Item, p.Quantity, int64(p.Amount), optAmount(p.Cost),
			optAmount(p.Paid), p.Channel, p.SpecialRequests, p.Mood, p.NextDate, p.Note, p.CreatedAt})
	} else if err := b.pg.bin.purchase(id, p); err != nil {
		return 0, Errorf(KindInvalid, "purchase date: %v", err)
	}
	return id, nil
}

// nextID is the next id of table from blk, which takes a block of them
// from the table's sequence when it has none left.
func (b *Bulk) nextID(blk *idBlock, table string) (int64, error) {
	if len(blk.ids) == 0 {
		if err := b.takeIDs(blk, table); err != nil {
			return 0, err
		}
	}
	id := blk.ids[0]
	blk.ids = blk.ids[1:]
	return id, nil
}

// takeIDs takes the next block of table's ids from its sequence. The
// sequence's name is looked up once: named by pg_get_serial_sequence in
// the statement itself, it was looked up again for every id, and a block
// of 10,000 took 80 ms instead of 8 (a tenth of a million-row import).
// The block comes back as its first and last id when it is a run without
// gaps, as it is unless another writer took ids from the sequence at the
// same moment; then every id of it comes back.
func (b *Bulk) takeIDs(blk *idBlock, table string) error {
	if blk.seq == "" {
		if err := b.tx.QueryRowContext(b.ctx, `SELECT pg_get_serial_sequence(?, 'id')`, table).Scan(&blk.seq); err != nil {
			return err
		}
	}
	blk.took = min(max(2*blk.took, pgIDFirst), pgIDBlock)
	rows, err := b.tx.QueryContext(b.ctx, `WITH t AS MATERIALIZED (SELECT nextval(CAST(? AS regclass)) AS v FROM generate_series(1, ?)),
		r AS (SELECT min(v) AS lo, max(v) AS hi, count(*) AS n FROM t)
		SELECT lo, hi FROM r WHERE hi - lo + 1 = n
		UNION ALL SELECT v, v FROM t, r WHERE hi - lo + 1 <> n`, blk.seq, blk.took)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var lo, hi int64
		if err := rows.Scan(&lo, &hi); err != nil {
			return err
		}
		for x := lo; x <= hi; x++ {
			blk.ids = append(blk.ids, x)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	slices.Sort(blk.ids)
	return nil
}

// addCustomerPG queues a new customer for COPY when the connection owns
// the customers (row-level security does not apply to it), and says so;
// otherwise queued is false and the customer is inserted as on SQLite. A
// customer import of 100,000 rows was 100,000 INSERTs, half its minute
// spent waiting on round trips. Anything else the bulk write runs flushes
// the queue first (ExecContext, and the reads of checkNamed and Census).
func (b *Bulk) addCustomerPG(c *Customer) (id int64, queued bool, err error) {
	rls, err := b.policed("customers")
	if err != nil || rls {
		return 0, false, err
	}
	args, err := b.s.customerRow(c)
	if err != nil {
		return 0, true, err
	}
	id = c.ID
	if id == 0 {
		if id, err = b.nextID(&b.pg.cids, "customers"); err != nil {
			return 0, true, b.s.wrap("bulk", err)
		}
	}
	for i, v := range args {
		if v, ok := v.(bool); ok {
			args[i] = boolInt(v) // as the driver sends it (CheckNamedValue)
		}
	}
	b.pg.cust = append(b.pg.cust, append([]any{id}, args...))
	if len(b.pg.cust) >= pgCustomerBatch {
		return id, true, b.flushCustomers()
	}
	return id, true, nil
}

// flushCustomers sends the queued customers.
func (b *Bulk) flushCustomers() error {
	if b.pg == nil || len(b.pg.cust) == 0 {
		return nil
	}
	err := b.copyFrom("customers", pgCustomerCols, b.pg.cust)
	b.pg.cust = b.pg.cust[:0]
	if err == nil {
		return nil
	}
	// The queue's customer is known only by what the server says of it.
	var pe *pgconn.PgError
	c := &Customer{}
	if errors.As(err, &pe) {
		if m := pgKeyDetail.FindStringSubmatch(pe.Detail); m != nil {
			switch m[1] {
			case "external_id":
				c.ExternalID = m[2]
			case "id":
				c.ID, _ = strconv.ParseInt(m[2], 10, 64)
			}
		}
	}
	return b.s.customerWriteErr(err, c)
}

// pgKeyDetail reads the column and value of a unique violation's detail
// ("Key (external_id)=(D000001) already exists.").
var pgKeyDetail = regexp.MustCompile(`^Key \((\w+)\)=\((.*)\) already exists`)

// purchase queues purchase p, whose id is id, in pgPurchaseCols' order.
func (c *copyQueue) purchase(id int64, p *Purchase) error {
	c.row(len(pgPurchaseCols))
	c.int8(id)
	c.int8(p.CustomerID)
	if err := c.date(p.Date); err != nil {
		c.buf, c.starts = c.buf[:c.starts[len(c.starts)-1]], c.starts[:len(c.starts)-1]
		return err
	}
	c.text(p.Item)
	c.float8(p.Quantity)
	c.int8(int64(p.Amount))
	for _, a := range [...]*money.Amount{p.Cost, p.Paid} {
		if a == nil {
			c.null()
		} else {
			c.int8(int64(*a))
		}
	}
	c.text(p.Channel)
	c.text(p.SpecialRequests)
	c.text(p.Mood)
	c.text(p.NextDate)
	c.text(p.Note)
	c.text(p.CreatedAt)
	return nil
}

// flushPurchases sends the queued purchases and waits until they are in.
// Anything that reads purchases inside the bulk write flushes first.
func (b *Bulk) flushPurchases() error {
	if err := b.waitPurchases(); err != nil {
		return err
	}
	if err := b.flushCustomers(); err != nil {
		return err
	}
	if b.pg == nil {
		return nil
	}
	if len(b.pg.rows) > 0 {
		err := b.copyFrom("purchases", pgPurchaseCols, b.pg.rows)
		b.pg.rows = b.pg.rows[:0]
		if err != nil {
			return b.purchasesErr(err)
		}
	}
	if err := b.sendPurchases(false); err != nil {
		return err
	}
	return b.waitPurchases()
}

// sendPurchases starts the COPY of the purchases queued in binary, on the
// bulk write's connection but beside it, once the batch before them is in;
// the next batch is queued in the other buffer meanwhile. Sent one after
// the other, rolo's reading and checking of a batch and the server's
// writing of the one before took turns: a million rows took 9.6 s to
// parse and send where each side alone needed 5. The connection is the
// bulk write's alone, and database/sql lends it to one statement at a
// time: anything else run on it meanwhile waits until the batch is in, it
// cannot cut into the COPY. more says more purchases are coming: the next
// block of purchase ids is taken now, before the connection is busy,
// rather than by the next row, which would wait for the whole batch.
func (b *Bulk) sendPurchases(more bool) error {
	if err := b.waitPurchases(); err != nil {
		return err
	}
	if b.pg.bin.len() == 0 {
		return nil
	}
	if more && b.pg.pids.took > 0 && len(b.pg.pids.ids) < pgCopyBatch {
		if err := b.takeIDs(&b.pg.pids, "purchases"); err != nil {
			return b.s.wrap("bulk", err)
		}
	}
	b.pg.wrote("purchases")
	batch := b.pg.bin
	b.pg.bin, b.pg.sent = b.pg.sent, batch
	b.pg.bin.reset()
	end := make(chan copyEnd, 1)
	b.pg.sending = end
	ctx, conn := b.ctx, b.pg.conn
	go func() {
		n, err := copyBinary(ctx, conn, "purchases", pgPurchaseCols, &batch)
		end <- copyEnd{n, err}
	}()
	return nil
}

// waitPurchases waits for the purchases' COPY under way, if any, and says
// how it ended.
func (b *Bulk) waitPurchases() error {
	if b.pg == nil || b.pg.sending == nil {
		return nil
	}
	end := <-b.pg.sending
	b.pg.sending = nil
	b.written += int(end.n)
	if end.err != nil {
		return b.purchasesErr(end.err)
	}
	return nil
}

// purchasesErr words the failure of the purchases' COPY.
func (b *Bulk) purchasesErr(err error) error {
	if sqliteCode(err) == sqliteConstraintForeignKey {
		if cerr := b.checkNamed(); cerr != nil {
			return cerr
		}
	}
	if sqliteCode(err) == sqliteConstraintPrimaryKey {
		return Errorf(KindConflict, "a purchase id is already used (%v)", pgCode(err))
	}
	return b.s.wrap("add purchases", err)
}

// writeFreshPG is freshSearch.write on PostgreSQL: the totals and search
// rows of customers without earlier purchases, by COPY.
func (f *freshSearch) writeFreshPG(b *Bulk) error {
	ids := f.ids()
	totals := make([][]any, 0, len(ids))
	bodies := make([][]any, 0, len(ids))
	var days []time.Time
	for _, id := range ids {
		a := f.acc[id]
		var row []any
		row, days = a.totalsRow(id, days)
		totals = append(totals, row)
		// Lower-cased as searches are (strings.ToLower of the query), here
		// rather than by the server afterwards: a second pass over every
		// row took six seconds at a million purchases.
		bodies = append(bodies, []any{id*4 + srcPurchase, id, strings.ToLower(f.body(a))})
		delete(f.acc, id)
	}
	if err := b.copyFrom("purchase_totals", []string{"customer_id", "revenue", "profit", "paid", "n", "days", "first", "last",
		"uncosted", "next_date", "gap"}, totals); err != nil {
		return b.s.wrap("bulk totals", err)
	}
	if _, err := b.tx.ExecContext(b.ctx, `DELETE FROM search WHERE doc IN (SELECT value * 4 + 1 FROM json_each(?))`, jsonIDs(ids)); err != nil {
		return b.s.wrap("index", err)
	}
	return b.s.wrap("index", b.copyFrom("search", []string{"doc", "customer_id", "body"}, bodies))
}
