package store

import "testing"

// The lexical rewrite into PostgreSQL's dialect, rule by rule.
func TestRewriteSQL(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{`SELECT * FROM t WHERE a = ? AND b = ?`, `SELECT * FROM t WHERE a = $1 AND b = $2`},
		{`SELECT ?2, ?1, ?`, `SELECT $2, $1, $3`},
		{`SELECT 'a ? b', "col?" FROM t WHERE x = ?`, `SELECT 'a ? b', "col?" FROM t WHERE x = $1`},
		{`SELECT 'it''s ?' WHERE y = ?`, `SELECT 'it''s ?' WHERE y = $1`},
		{`SELECT id FROM c WHERE id IN (SELECT value FROM json_each(?))`, `SELECT id FROM c WHERE id IN (SELECT value FROM rolo_ids($1))`},
		{`SELECT group_concat(name, ',') FROM c`, `SELECT string_agg(name, ',') FROM c`},
		{`SELECT max(a, b), max(c), min(d, e) FROM t`, `SELECT greatest(a, b), max(c), least(d, e) FROM t`},
		{`SELECT * FROM purchases NOT INDEXED WHERE x`, `SELECT * FROM purchases  WHERE x`}, // the spaces around stay
		{`SELECT sum(amount) FROM purchases INDEXED BY purchases_customer_date WHERE date > ?`, `SELECT sum(amount) FROM purchases  WHERE date > $1`},
		{`SELECT * FROM t WHERE 1 ORDER BY id`, `SELECT * FROM t WHERE true ORDER BY id`},
		{`SELECT * FROM t WHERE 1 = ?`, `SELECT * FROM t WHERE 1 = $1`},
		{`SELECT * FROM t LIMIT ?`, `SELECT * FROM t LIMIT NULLIF(GREATEST(CAST($1 AS bigint), -1), -1)`},
		{`SELECT * FROM purchase_totals t CROSS JOIN customers c ON c.id = t.customer_id WHERE ?`,
			`SELECT * FROM purchase_totals t JOIN customers c ON c.id = t.customer_id WHERE $1`},
		{`SELECT * FROM a CROSS JOIN b`, `SELECT * FROM a CROSS JOIN b`},
		{`-- a ? comment
SELECT ?`, `-- a ? comment
SELECT $1`},
	} {
		if got := rewriteSQL(tt.in); got != tt.want {
			t.Errorf("rewriteSQL(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
	// A subquery in FROM gets a name.
	got := rewriteSQL(`SELECT n FROM (SELECT count(*) AS n FROM t)`)
	if got == `SELECT n FROM (SELECT count(*) AS n FROM t)` || !containsWord(got, "rolo_sub1") && !containsWord(got, "rolo_sub0") {
		t.Errorf("a FROM subquery is not named: %q", got)
	}
}
