package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"math"
	"strings"

	"github.com/jackc/pgx/v5"
)

// copyQueue holds rows in PostgreSQL's binary COPY format, written as they
// come: a bulk write's purchases are queued here rather than as rows of
// boxed values for pgx to encode at the flush. A million purchases were 8.6
// million small allocations (each value put in an interface), and pgx's
// encoding of them 2 s of CPU; this writes each value's bytes once, into
// one buffer that the next batch reuses.
//
// The format (PostgreSQL's documentation, COPY, "Binary Format"): a
// header, then per row the number of fields (int16) and per field its
// length (int32, -1 for NULL) and its bytes, big-endian; then -1 (int16).
type copyQueue struct {
	buf    []byte
	starts []int // where each row begins in buf
}

// copyQueueHeader is the binary COPY signature, flags and header extension.
var copyQueueHeader = []byte("PGCOPY\n\xff\r\n\x00\x00\x00\x00\x00\x00\x00\x00\x00")

// row starts a row of n fields.
func (c *copyQueue) row(n int) {
	if len(c.buf) == 0 {
		c.buf = append(c.buf, copyQueueHeader...)
	}
	c.starts = append(c.starts, len(c.buf))
	c.buf = binary.BigEndian.AppendUint16(c.buf, uint16(n))
}

func (c *copyQueue) null() { c.buf = binary.BigEndian.AppendUint32(c.buf, math.MaxUint32) }

// int8 writes a bigint.
func (c *copyQueue) int8(v int64) {
	c.buf = binary.BigEndian.AppendUint32(c.buf, 8)
	c.buf = binary.BigEndian.AppendUint64(c.buf, uint64(v))
}

// float8 writes a double precision.
func (c *copyQueue) float8(v float64) {
	c.buf = binary.BigEndian.AppendUint32(c.buf, 8)
	c.buf = binary.BigEndian.AppendUint64(c.buf, math.Float64bits(v))
}

// text writes a text value (the server checks it is valid UTF-8 without
// NUL, as for any parameter).
func (c *copyQueue) text(s string) {
	c.buf = binary.BigEndian.AppendUint32(c.buf, uint32(len(s)))
	c.buf = append(c.buf, s...)
}

// date writes a date given as the store's day, YYYY-MM-DD.
func (c *copyQueue) date(day string) error {
	d, ok := pgDays(day)
	if !ok {
		return fmt.Errorf("%q is not a day (YYYY-MM-DD)", day)
	}
	c.buf = binary.BigEndian.AppendUint32(c.buf, 4)
	c.buf = binary.BigEndian.AppendUint32(c.buf, uint32(d))
	return nil
}

// setFirstInt8 replaces the bigint that is field 0 of row i (its id).
func (c *copyQueue) setFirstInt8(i int, v int64) {
	at := c.starts[i] + 2 + 4
	binary.BigEndian.PutUint64(c.buf[at:], uint64(v))
}

// firstInt8 is the bigint that is field 0 of row i.
func (c *copyQueue) firstInt8(i int) int64 {
	at := c.starts[i] + 2 + 4
	return int64(binary.BigEndian.Uint64(c.buf[at:]))
}

func (c *copyQueue) len() int { return len(c.starts) }

func (c *copyQueue) reset() {
	c.buf = c.buf[:0]
	c.starts = c.starts[:0]
}

// pgDays is the day YYYY-MM-DD as PostgreSQL's binary date: days since
// 2000-01-01. Years 1 to 9999, as the store's days.
func pgDays(day string) (int32, bool) {
	if len(day) != 10 || day[4] != '-' || day[7] != '-' {
		return 0, false
	}
	num := func(s string) (int, bool) {
		n := 0
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return 0, false
			}
			n = n*10 + int(s[i]-'0')
		}
		return n, true
	}
	y, ok1 := num(day[:4])
	m, ok2 := num(day[5:7])
	d, ok3 := num(day[8:])
	if !ok1 || !ok2 || !ok3 || y < 1 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return 0, false
	}
	return int32(civilDays(y, m, d) - civilDays(2000, 1, 1)), true
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// civilDays counts days from a fixed origin to y-m-d in the proleptic
// Gregorian calendar (Howard Hinnant's days_from_civil).
func civilDays(y, m, d int) int {
	if m <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe
}

// copyBinary sends rows into table's columns cols with COPY on conn (the
// bulk write's, inside its transaction) and says how many went in. It
// touches nothing of the bulk write but rows, so it may run beside it
// (sendPurchases).
func copyBinary(ctx context.Context, conn *sql.Conn, table string, cols []string, rows *copyQueue) (int64, error) {
	if rows.len() == 0 {
		return 0, nil
	}
	rows.buf = binary.BigEndian.AppendUint16(rows.buf, math.MaxUint16) // the trailer: -1
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = pgx.Identifier{c}.Sanitize()
	}
	sql := `COPY ` + pgx.Identifier{table}.Sanitize() + ` (` + strings.Join(quoted, ", ") + `) FROM STDIN (FORMAT binary)`
	var n int64
	err := conn.Raw(func(dc any) error {
		pc, ok := dc.(*pgConn)
		if !ok {
			return fmt.Errorf("bulk: not a PostgreSQL connection")
		}
		tag, err := pc.pgx().PgConn().CopyFrom(ctx, bytes.NewReader(rows.buf), sql)
		n = tag.RowsAffected()
		return err
	})
	return n, err
}
