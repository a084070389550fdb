package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib"
)

// The PostgreSQL engine uses pgx's database/sql driver, so the store's
// code paths (sql.DB, sql.Tx, prepared statements, conn.Raw) are the same
// on both engines. pgConn wraps pgx's connection to make the answers look
// like SQLite's where the store relies on them:
//
//   - statements are rewritten once (pgRewrite: placeholders and a few
//     function names);
//   - a bool argument is sent as 0/1, the store's flags being integer
//     columns on both engines;
//   - a boolean result (x IS NOT NULL) reads as int64 0/1 and a numeric one
//     (sum of bigints) as int64, as SQLite returns them, so the raw row
//     scanners (eachRow) see the same types;
//   - days: a date column reads as 'YYYY-MM-DD' text, and text is taken
//     for a date parameter (dayCodec), as the store writes days on SQLite;
//   - LastInsertId works: an INSERT into a table with ids returns them.
type pgConnector struct {
	base driver.Connector
}

func newPGConnector(cfg *pgx.ConnConfig) pgConnector {
	return pgConnector{base: stdlib.GetConnector(*cfg, stdlib.OptionAfterConnect(func(ctx context.Context, c *pgx.Conn) error {
		c.TypeMap().RegisterType(&pgtype.Type{Name: "text", OID: pgtype.TextOID, Codec: looseTextCodec{}})
		c.TypeMap().RegisterType(&pgtype.Type{Name: "date", OID: pgtype.DateOID, Codec: dayCodec{}})
		return nil
	}))}
}

// looseTextCodec is pgx's text codec that also takes a number for a text
// parameter, writing it in decimal, as SQLite does with a number compared
// with text: the shared SQL names a parameter that nothing types (the
// "?6 = ?6" that keeps numbering stable) and PostgreSQL takes it for text.
type looseTextCodec struct{ pgtype.TextCodec }

func (c looseTextCodec) PlanEncode(m *pgtype.Map, oid uint32, format int16, value any) pgtype.EncodePlan {
	switch value.(type) {
	case int64, int, int32, float64:
		return numberAsText{}
	}
	return c.TextCodec.PlanEncode(m, oid, format, value)
}

// dayCodec is pgx's date codec that also takes the store's days, text
// 'YYYY-MM-DD', for a date column in COPY (pgx sends a text parameter as
// text, which the server reads as a date itself). pgRows reads dates back
// as that text.
type dayCodec struct{ pgtype.DateCodec }

func (c dayCodec) PlanEncode(m *pgtype.Map, oid uint32, format int16, value any) pgtype.EncodePlan {
	if _, ok := value.(string); ok {
		if next := c.DateCodec.PlanEncode(m, oid, format, pgtype.Date{}); next != nil {
			return dayAsDate{next}
		}
	}
	return c.DateCodec.PlanEncode(m, oid, format, value)
}

type dayAsDate struct{ next pgtype.EncodePlan }

func (p dayAsDate) Encode(value any, buf []byte) ([]byte, error) {
	t, err := time.Parse(DateLayout, value.(string))
	if err != nil {
		return nil, fmt.Errorf("%q is not a day (YYYY-MM-DD)", value)
	}
	return p.next.Encode(pgtype.Date{Time: t, Valid: true}, buf)
}

type numberAsText struct{}

func (numberAsText) Encode(value any, buf []byte) ([]byte, error) {
	switch v := value.(type) {
	case int64:
		return strconv.AppendInt(buf, v, 10), nil
	case int:
		return strconv.AppendInt(buf, int64(v), 10), nil
	case int32:
		return strconv.AppendInt(buf, int64(v), 10), nil
	case float64:
		return strconv.AppendFloat(buf, v, 'g', -1, 64), nil
	}
	return nil, fmt.Errorf("cannot write %T as text", value)
}

func (c pgConnector) Connect(ctx context.Context) (driver.Conn, error) {
	dc, err := c.base.Connect(ctx)
	if err != nil {
		return nil, err
	}
	sc, ok := dc.(*stdlib.Conn)
	if !ok {
		dc.Close()
		return nil, fmt.Errorf("unexpected PostgreSQL driver connection %T", dc)
	}
	return &pgConn{c: sc}, nil
}

func (c pgConnector) Driver() driver.Driver { return c.base.Driver() }

type pgConn struct{ c *stdlib.Conn }

// pgx is the underlying pgx connection (COPY, team administration).
func (c *pgConn) pgx() *pgx.Conn { return c.c.Conn() }

func (c *pgConn) Prepare(q string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), q)
}

// PrepareContext keeps the statement text only: pgx prepares and caches
// every statement it runs on a connection by its text anyway.
func (c *pgConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	return &pgStmt{c: c, q: q}, nil
}

func (c *pgConn) Close() error                   { return c.c.Close() }
func (c *pgConn) Begin() (driver.Tx, error)      { return c.c.Begin() } //nolint:staticcheck // driver.Conn needs it
func (c *pgConn) Ping(ctx context.Context) error { return c.c.Ping(ctx) }
func (c *pgConn) IsValid() bool                  { return !c.c.Conn().IsClosed() }
func (c *pgConn) ResetSession(ctx context.Context) error {
	return c.c.ResetSession(ctx)
}

func (c *pgConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.c.BeginTx(ctx, opts)
}

// CheckNamedValue sends bools as 0/1 and leaves every other value to
// database/sql's usual conversion (named int types, pointers, Valuers).
func (c *pgConn) CheckNamedValue(nv *driver.NamedValue) error {
	if b, ok := nv.Value.(bool); ok {
		nv.Value = boolInt(b)
		return nil
	}
	return driver.ErrSkip
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func (c *pgConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	r := pgRewrite(q)
	if !r.returnsID {
		return c.c.ExecContext(ctx, r.sql, args)
	}
	rows, err := c.c.QueryContext(ctx, r.sql, args)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var res pgResult
	v := make([]driver.Value, 1)
	for {
		err := rows.Next(v)
		if errors.Is(err, io.EOF) {
			return res, nil
		}
		if err != nil {
			return nil, err
		}
		res.n++
		if id, ok := v[0].(int64); ok {
			res.id = id
		}
	}
}

func (c *pgConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	rows, err := c.c.QueryContext(ctx, pgRewrite(q).sql, args)
	if err != nil {
		return nil, err
	}
	sr, ok := rows.(*stdlib.Rows)
	if !ok {
		return rows, nil
	}
	return newPGRows(sr), nil
}

type pgResult struct{ id, n int64 }

func (r pgResult) LastInsertId() (int64, error) { return r.id, nil }
func (r pgResult) RowsAffected() (int64, error) { return r.n, nil }

type pgStmt struct {
	c *pgConn
	q string
}

func (s *pgStmt) Close() error  { return nil }
func (s *pgStmt) NumInput() int { return -1 }
func (s *pgStmt) Exec(args []driver.Value) (driver.Result, error) {
	return nil, errors.New("use ExecContext")
}
func (s *pgStmt) Query(args []driver.Value) (driver.Rows, error) {
	return nil, errors.New("use QueryContext")
}
func (s *pgStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	return s.c.ExecContext(ctx, s.q, args)
}
func (s *pgStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	return s.c.QueryContext(ctx, s.q, args)
}
func (s *pgStmt) CheckNamedValue(nv *driver.NamedValue) error { return s.c.CheckNamedValue(nv) }

// pgRows converts booleans and numerics as described on pgConnector.
type pgRows struct {
	*stdlib.Rows
	conv []byte // per column: 0 as is, 'b' bool, 'n' numeric, 'd' date
}

func newPGRows(r *stdlib.Rows) *pgRows {
	cols := r.Columns()
	conv := make([]byte, len(cols))
	for i := range cols {
		switch r.ColumnTypeDatabaseTypeName(i) {
		case "BOOL":
			conv[i] = 'b'
		case "NUMERIC":
			conv[i] = 'n'
		case "DATE":
			conv[i] = 'd'
		}
	}
	return &pgRows{Rows: r, conv: conv}
}

func (r *pgRows) Next(dest []driver.Value) error {
	if err := r.Rows.Next(dest); err != nil {
		return err
	}
	for i, c := range r.conv {
		switch c {
		case 'b':
			if b, ok := dest[i].(bool); ok {
				dest[i] = boolInt(b)
			}
		case 'd':
			if t, ok := dest[i].(time.Time); ok {
				dest[i] = t.Format(DateLayout)
			}
		case 'n':
			if s, ok := dest[i].(string); ok {
				if n, err := strconv.ParseInt(s, 10, 64); err == nil {
					dest[i] = n
				} else if f, err := strconv.ParseFloat(s, 64); err == nil {
					dest[i] = f
				}
			}
		}
	}
	return nil
}
