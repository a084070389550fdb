package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"
)

// The search index on PostgreSQL: the same rows as on SQLite (doc =
// customer id*4 + source, see index.go), with lower-cased bodies that
// pg_trgm's GIN index searches with LIKE '%q%'. Queries of one or two
// characters have no trigram to look up. Chinese ones look up the
// profiles' characters, each a word of its own in the column cjk
// (migrations_pg/0008_cjk_search.sql); others scan the bodies of the
// source asked for, stopping at the limit.

// pgCustomerBody is the profile row's text, as customerBody on SQLite.
const pgCustomerBody = `lower(name || ' ' || name_pinyin || ' ' || name_initials || ' ' || company || ' ' || title || ' ' ||
	phone || ' ' || regexp_replace(phone, '[ +()./-]', '', 'g') || ' ' || email || ' ' || wechat || ' ' || city || ' ' || address || ' ' || tags || ' ' ||
	preferences || ' ' || needs || ' ' || notes || ' ' ||
	coalesce((SELECT string_agg(x.value, ' ') FROM json_each_text(custom::json) x), ''))`

// pgIndexSQL rebuilds the rows of one source for the customers the
// filter (a query of customer ids with one parameter) selects.
var pgIndexSQL = [...]string{
	srcCustomer: `INSERT INTO search(doc, body, customer_id)
		SELECT id*4, ` + pgCustomerBody + `, id FROM customers WHERE id IN (%s)`,
	srcPurchase: `INSERT INTO search(doc, body, customer_id)
		SELECT customer_id*4+1, lower(string_agg(t, ' ')), customer_id FROM (
			SELECT DISTINCT customer_id, item || ' ' || special_requests || ' ' || note AS t
			FROM purchases WHERE customer_id IN (%s)) x GROUP BY customer_id`,
	srcContact: `INSERT INTO search(doc, body, customer_id)
		SELECT customer_id*4+2, lower(string_agg(summary, ' ')), customer_id FROM (
			SELECT DISTINCT customer_id, summary FROM contacts WHERE customer_id IN (%s)) x GROUP BY customer_id`,
}

// pgSel makes a customer-id query typed: a bare parameter is text to
// PostgreSQL until told otherwise.
func pgSel(sel string) string {
	if sel == selOne {
		return `SELECT CAST(? AS bigint) AS id`
	}
	return sel
}

func (s *Store) reindexPG(ctx context.Context, tx *sql.Tx, src int, sel string, arg any) error {
	sel = pgSel(sel)
	if _, err := tx.ExecContext(ctx, `DELETE FROM search WHERE doc IN (SELECT id*4+`+string(rune('0'+src))+` FROM (`+sel+`) x)`, arg); err != nil {
		return s.wrap("index", err)
	}
	_, err := tx.ExecContext(ctx, fmt.Sprintf(pgIndexSQL[src], sel), arg)
	return s.wrap("index", err)
}

// ftsPagePG is ftsPage on PostgreSQL.
func (s *Store) ftsPagePG(ctx context.Context, q string, after int64, n int) ([]idSource, error) {
	pattern := "%" + likeEscape(strings.ToLower(q)) + "%"
	if s.policed {
		// Under the policies LIKE could not use the trigram index: the
		// matches come from rolo_find_docs (migrations_pg/0012), and are
		// read back under the policies.
		return queryAll(ctx, s, "search", scanIDSource, `SELECT doc / 4, doc % 4 FROM search
			WHERE doc = ANY(ARRAY(SELECT rolo_find_docs(CAST(? AS text), CAST(? AS bigint), CAST(? AS bigint), current_user)))
			ORDER BY doc`, pattern, after, n)
	}
	return queryAll(ctx, s, "search", scanIDSource, `SELECT doc / 4, doc % 4 FROM search
		WHERE doc > ? AND body LIKE ? ESCAPE '\' ORDER BY doc LIMIT ?`, after, pattern, n)
}

// shortIDsPG is shortIDs for PostgreSQL.
func (s *Store) shortIDsPG(ctx context.Context, q string, src, limit int, found map[int64]int) error {
	if src == srcCustomer {
		return s.shortProfilesPG(ctx, q, limit, found)
	}
	xs, err := s.shortScanPG(ctx, q, src, -1, limit)
	addFound(found, xs)
	return err
}

// shortScanPG scans the bodies of one source after doc after.
func (s *Store) shortScanPG(ctx context.Context, q string, src int, after int64, limit int) ([]idSource, error) {
	pattern, which, scan := "%"+likeEscape(q)+"%", `doc % 4 = 0`, 0
	if src != srcCustomer {
		which, scan = `doc % 4 IN (1, 2)`, 1
	}
	if s.policed {
		// The same scan as the tables' owner (migrations_pg/0013): under
		// the policies the server checked each row's customer before LIKE
		// could look at the row. The rows are read back under the policies.
		return queryAll(ctx, s, "search", scanIDSource, `SELECT doc / 4, doc % 4 FROM search
			WHERE doc = ANY(ARRAY(SELECT rolo_find_docs(CAST(? AS text), CAST(? AS bigint), CAST(? AS bigint), current_user,
				NULL, CAST(? AS integer)))) ORDER BY doc`, pattern, after, limit, scan)
	}
	// (body || '') keeps the planner off the trigram index, which has
	// nothing to look up for so short a pattern and would read all of it.
	// The first customers in id order, as ftsIDs keeps them: without an
	// order the server's scan (in parallel, or wherever a synchronized scan
	// began) gave a different 2,000 of a common surname's customers each
	// time, and so a different page of hits.
	return queryAll(ctx, s, "search", scanIDSource, `SELECT doc / 4, doc % 4 FROM (
		SELECT doc FROM search WHERE `+which+` AND doc > ? AND (body || '') LIKE ? ESCAPE '\' ORDER BY doc LIMIT ?) x ORDER BY doc`,
		after, pattern, limit)
}

// pgIDsIn is idsIn on PostgreSQL: an array, probed in the index, rather
// than a set joined to the table (2,000 search candidates' names: 11 -> 7
// ms in the server).
const pgIDsIn = ` = ANY(ARRAY(SELECT value FROM json_each(?)))`

// cjkRune says whether r is a Chinese character that rolo_cjk keeps (the
// ranges of migrations_pg/0008_cjk_search.sql: CJK unified ideographs,
// extension A, compatibility ideographs, extensions B and on).
func cjkRune(r rune) bool {
	return r >= 0x3400 && r <= 0x4dbf || r >= 0x4e00 && r <= 0x9fff || r >= 0xf900 && r <= 0xfaff || r >= 0x20000 && r <= 0x3ffff
}

func cjkOnly(q string) bool {
	for _, r := range q {
		if !cjkRune(r) {
			return false
		}
	}
	return q != ""
}

// shortWalk is how many customers, the first in id order, a query of one
// or two characters first reads the profiles of. What it finds there says
// how common the query is: a common one (茶 in most profiles of a tea
// shop, wx in every WeChat id) fills the limit by reading on in id order,
// quicker than scanning every profile, or than the index finding and
// ordering tens of thousands; a rarer one (王, 7%; a surname of 300
// customers) is looked up, if Chinese, else the rest scanned.
var shortWalk = 1000

// The share of profiles from which on a query is read on rather than
// looked up (reading a customer's rows costs about what checking two of
// the index's finds does) or scanned (reading on for 2,000 hits at 10%
// reads about what a scan of every profile does).
const (
	shortCommonCJK   = 0.25
	shortCommonOther = 0.10
)

// pgProfileWalkSQL reads the profiles of a range of docs that hold a
// pattern. doc % 4 < 1 is doc % 4 = 0 (docs are not negative) in a form
// that does not imply the predicate of the partial index of the profiles'
// characters (search_cjk): on a server that costs a page read out of
// order low (random_page_cost 1.1, usual for SSDs), the planner read that
// whole index as a filter of every profile, and the walk of the first
// 1,000 profiles of find 王 took 50 ms instead of 4 at 100,000 customers.
const pgProfileWalkSQL = `SELECT doc / 4, doc % 4 FROM search
	WHERE doc % 4 < 1 AND doc > ? AND doc <= ? AND body LIKE ? ESCAPE '\' ORDER BY doc LIMIT ?`

// shortProfilesPG finds the first profiles in id order that hold q, one
// or two characters: the same as scanning them all (shortScanPG), in
// steps over ranges of ids, each step exact.
func (s *Store) shortProfilesPG(ctx context.Context, q string, limit int, found map[int64]int) error {
	pat := "%" + likeEscape(q) + "%"
	var hits []idSource
	// upTo is the doc of the profile of the n-th customer in id order
	// (every doc after the end when there are fewer). A range of docs,
	// which the planner walks in order: "the first n profiles" it planned
	// as a scan of the whole table.
	upTo := func(n int) (int64, error) {
		end := int64(math.MaxInt64)
		err := s.r.QueryRowContext(ctx, `SELECT id * 4 FROM customers ORDER BY id OFFSET ? LIMIT 1`, n-1).Scan(&end)
		if errors.Is(err, sql.ErrNoRows) {
			err = nil
		}
		return end, s.wrap("search", err)
	}
	cjk, common := cjkOnly(q), shortCommonOther
	if cjk {
		common = shortCommonCJK
	}
	after, walked, step := int64(-1), 0, shortWalk
	for len(hits) < limit {
		end, err := upTo(walked + step)
		if err != nil {
			return err
		}
		more, err := queryAll(ctx, s, "search", scanIDSource, pgProfileWalkSQL, after, end, pat, limit-len(hits))
		if err != nil {
			return err
		}
		hits = append(hits, more...)
		if end == math.MaxInt64 || len(hits) >= limit {
			break
		}
		after, walked = end, walked+step
		share := float64(len(hits)) / float64(walked)
		if share < common && !cjk {
			more, err = s.shortScanPG(ctx, q, srcCustomer, after, limit-len(hits))
			hits = append(hits, more...)
			if err != nil {
				return err
			}
			break
		}
		if share < common {
			// Each character a word: " 王 " for 王, " 小 明 " for 小明.
			var words strings.Builder
			for _, r := range q {
				words.WriteString(" " + string(r))
			}
			if s.policed {
				// As ftsPagePG: under the policies LIKE could not use the index.
				more, err = queryAll(ctx, s, "search", scanIDSource, `SELECT doc / 4, doc % 4 FROM search
					WHERE doc = ANY(ARRAY(SELECT rolo_find_docs(CAST(? AS text), CAST(? AS bigint), CAST(? AS bigint), current_user,
						CAST(? AS text)))) ORDER BY doc`, pat, after, limit-len(hits), "%"+words.String()+" %")
			} else {
				more, err = queryAll(ctx, s, "search", scanIDSource, `SELECT doc / 4, doc % 4 FROM search
					WHERE doc % 4 = 0 AND doc > ? AND cjk LIKE ? AND body LIKE ? ESCAPE '\' ORDER BY doc LIMIT ?`,
					after, "%"+words.String()+" %", pat, limit-len(hits))
			}
			hits = append(hits, more...)
			if err != nil {
				return err
			}
			break
		}
		// Common: read on as far as should fill the limit, and a little more.
		step = int(float64(limit-len(hits))/share*1.2) + 100
	}
	addFound(found, hits)
	return nil
}

// dataVersionPG moves whenever a write transaction starts anywhere on the
// server (the snapshot's xmax): never missing a change of the notebook,
// sometimes moving for other databases' writes too.
func (s *Store) dataVersionPG(ctx context.Context) (int64, error) {
	var v int64
	err := s.r.QueryRowContext(ctx, `SELECT CAST(CAST(pg_snapshot_xmax(pg_current_snapshot()) AS text) AS bigint)`).Scan(&v)
	return v, s.wrap("read notebook version", err)
}

// pgRegapSQL writes the median purchase gaps, given as a JSON array of
// [customer id, gap] pairs.
const pgRegapSQL = `UPDATE purchase_totals SET gap = CAST(j.value ->> 1 AS bigint)
	FROM json_array_elements(CAST(? AS json)) j WHERE purchase_totals.customer_id = CAST(j.value ->> 0 AS bigint)`

// The state is per rep on PostgreSQL (see migrations_pg/0001_init.sql):
// its key is (rep, key), the rep being the connection's role.
const (
	pgSetStateSQL = `INSERT INTO state(key, value) VALUES (?, ?)
		ON CONFLICT (rep, key) DO UPDATE SET value = excluded.value`
	pgBumpStateSQL = `INSERT INTO state(key, value) VALUES (?, '1')
		ON CONFLICT (rep, key) DO UPDATE SET value = CAST(CAST(state.value AS bigint) + 1 AS text)`
)
