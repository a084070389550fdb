package store

import (
	"context"
	"database/sql"
	"fmt"
)

// The search index holds up to three rows per customer, written by the
// store in the same transaction as the rows they describe:
//
//	rowid id*4    the profile (name, pinyin, initials, company, notes, ...)
//	rowid id*4+1  the distinct texts of their purchases (items, requests, notes)
//	rowid id*4+2  the distinct summaries of their contact log
//
// Keeping history per customer and de-duplicated keeps the index small (a
// customer who bought the same tea forty times indexes it once) and lets
// Bulk rebuild what it touched with one statement per table: FTS5 flushes
// its buffer at every statement savepoint, so per-row index writes made
// large imports crawl.
const (
	srcCustomer = 0
	srcPurchase = 1
	srcContact  = 2
)

// bodyPad ends every body: a text that ends in the query still holds a
// trigram starting with it, which is how searches of one or two characters
// find it (shortIDs reads the index's terms).
const bodyPad = "  "

// customerBody is the profile row's text: every field a search looks in,
// the values of the custom fields included.
const customerBody = `name || ' ' || name_pinyin || ' ' || name_initials || ' ' || company || ' ' || title || ' ' ||
	phone || ' ' || ` + phoneDigits + ` || ' ' || email || ' ' || wechat || ' ' || city || ' ' || address || ' ' || tags || ' ' ||
	preferences || ' ' || needs || ' ' || notes || ' ' ||
	coalesce((SELECT group_concat(value, ' ') FROM json_each(custom)), '') || '` + bodyPad + `'`

// phoneDigits is the phone without what people write between its digits,
// in the profile row too, so that find of the number as PhoneKey has it
// ("13900002222") finds it however it was written ("+86 139-0000-2222").
const phoneDigits = `replace(replace(replace(replace(replace(replace(replace(phone, ' ', ''), '-', ''), '+', ''), '(', ''), ')', ''), '.', ''), '/', '')`

// indexSQL rebuilds the rows of one source for the customers that the
// filter (a condition on customer_id with one parameter) selects.
var indexSQL = [...]string{
	srcCustomer: `INSERT INTO search(rowid, body, customer_id)
		SELECT id*4, ` + customerBody + `, id FROM customers WHERE id IN (%s)`,
	srcPurchase: `INSERT INTO search(rowid, body, customer_id)
		SELECT customer_id*4+1, group_concat(t, ' ') || '` + bodyPad + `', customer_id FROM (
			SELECT DISTINCT customer_id, item || ' ' || special_requests || ' ' || note AS t
			FROM purchases WHERE customer_id IN (%s)) GROUP BY customer_id`,
	srcContact: `INSERT INTO search(rowid, body, customer_id)
		SELECT customer_id*4+2, group_concat(summary, ' ') || '` + bodyPad + `', customer_id FROM (
			SELECT DISTINCT customer_id, summary FROM contacts WHERE customer_id IN (%s)) GROUP BY customer_id`,
}

// reindex rebuilds the search rows of source src for the customers that
// sel selects: sel is a query returning customer ids, with one parameter.
func (s *Store) reindex(ctx context.Context, tx *sql.Tx, src int, sel string, arg any) error {
	if s.pg {
		return s.reindexPG(ctx, tx, src, sel, arg)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM search WHERE rowid IN (SELECT id*4+`+string(rune('0'+src))+` FROM (`+sel+`))`, arg); err != nil {
		return s.wrap("index", err)
	}
	q := indexSQL[src]
	_, err := tx.ExecContext(ctx, fmt.Sprintf(q, sel), arg)
	return s.wrap("index", err)
}

const selOne = `SELECT ? AS id`

// reindexCustomer rebuilds one source for one customer.
func (s *Store) reindexCustomer(ctx context.Context, tx *sql.Tx, src int, id int64) error {
	return s.reindex(ctx, tx, src, selOne, id)
}

// unindexCustomer removes every search row of a customer.
func (s *Store) unindexCustomer(ctx context.Context, tx *sql.Tx, id int64) error {
	q := `DELETE FROM search WHERE rowid IN (?1*4, ?1*4+1, ?1*4+2)`
	if s.pg {
		q = `DELETE FROM search WHERE customer_id = ?`
	}
	_, err := tx.ExecContext(ctx, q, id)
	return s.wrap("index", err)
}
