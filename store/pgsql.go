package store

import (
	"strings"
	"sync"
)

// The store's SQL is written once, in SQLite's dialect, wherever the two
// engines agree on meaning; on PostgreSQL each statement text passes
// through pgRewrite once (the result is cached by text) on its way to the
// server. The rewrite is purely lexical and knows only the few spellings
// that differ while meaning the same:
//
//	?  ?N                  → $N (a bare ? is one more than the highest so far, as in SQLite)
//	json_each(…)           → rolo_ids(…): the store passes id lists as JSON arrays
//	group_concat(…)        → string_agg(…)
//	max(a, b) / min(a, b)  → greatest(a, b) / least(a, b) (SQLite's scalar forms)
//	NOT INDEXED            → dropped (a SQLite planner hint)
//	INDEXED BY name        → dropped (another)
//	CROSS JOIN t x ON …    → JOIN t x ON … (in SQLite a join-order hint)
//	FROM (subquery)        → FROM (subquery) AS rolo_subN (PostgreSQL 15 needs a name)
//	WHERE 1                → WHERE true
//	LIMIT ?                → a negative limit means none, as in SQLite
//
// String literals, quoted identifiers and comments are copied untouched.
// SQL whose meaning differs (the search index, bulk loading, upserts of the
// per-rep state, pragmas) is not rewritten: it lives in the per-engine
// files (*_pg.go) and the dialect chooses it.
//
// An INSERT into a table with an id column gains "RETURNING id", so
// database/sql's LastInsertId works as it does on SQLite (pgx has no
// last-insert id): see pgStmt.

// pgRewritten is one statement as sent to PostgreSQL.
type pgRewritten struct {
	sql       string
	returnsID bool // "RETURNING id" was added: Exec reads the ids
}

var pgRewriteCache sync.Map // string → pgRewritten

// pgIDTables are the tables whose rows have an id the store reads back.
var pgIDTables = map[string]bool{
	"customers": true, "purchases": true, "contacts": true, "followups": true, "surveys": true,
	"tier_history": true, "payments": true, "events": true, "status_history": true, "agenda_actions": true,
}

func pgRewrite(q string) pgRewritten {
	if v, ok := pgRewriteCache.Load(q); ok {
		return v.(pgRewritten)
	}
	r := pgRewritten{sql: rewriteSQL(q)}
	if t, ok := insertTable(r.sql); ok && pgIDTables[t] && !containsWord(r.sql, "returning") {
		r.sql = strings.TrimRight(r.sql, " \t\n;") + " RETURNING id"
		r.returnsID = true
	}
	pgRewriteCache.Store(q, r)
	return r
}

var pgFuncRenames = map[string]string{
	"json_each":    "rolo_ids",
	"group_concat": "string_agg",
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// rewriteSQL does the lexical rewrite described above.
func rewriteSQL(q string) string {
	var b strings.Builder
	b.Grow(len(q) + 16)
	maxParam := 0
	depth := 0
	var subqueries []int // depths of open parentheses that are FROM/JOIN subqueries
	subquery := false    // the next parenthesis opens one
	aliases := 0
	for i := 0; i < len(q); {
		c := q[i]
		switch {
		case c == '\'' || c == '"':
			j := i + 1
			for j < len(q) {
				if q[j] == c {
					if j+1 < len(q) && q[j+1] == c { // doubled quote inside
						j += 2
						continue
					}
					break
				}
				j++
			}
			j = min(j+1, len(q))
			b.WriteString(q[i:j])
			i = j
		case c == '$' && dollarTag(q[i:]) != "":
			tag := dollarTag(q[i:])
			end := strings.Index(q[i+len(tag):], tag)
			if end < 0 {
				end = len(q)
			} else {
				end = i + len(tag) + end + len(tag)
			}
			b.WriteString(q[i:end])
			i = end
		case c == '-' && i+1 < len(q) && q[i+1] == '-':
			j := strings.IndexByte(q[i:], '\n')
			if j < 0 {
				j = len(q) - i
			}
			b.WriteString(q[i : i+j])
			i += j
		case c == '/' && i+1 < len(q) && q[i+1] == '*':
			j := strings.Index(q[i+2:], "*/")
			end := len(q)
			if j >= 0 {
				end = i + 2 + j + 2
			}
			b.WriteString(q[i:end])
			i = end
		case c == '?':
			j := i + 1
			for j < len(q) && q[j] >= '0' && q[j] <= '9' {
				j++
			}
			n := maxParam + 1
			if j > i+1 {
				n = atoiSmall(q[i+1 : j])
			}
			maxParam = max(maxParam, n)
			b.WriteByte('$')
			b.WriteString(itoaSmall(n))
			i = j
		case isIdentByte(c) && !(c >= '0' && c <= '9'):
			j := i
			for j < len(q) && isIdentByte(q[j]) {
				j++
			}
			word := q[i:j]
			lw := strings.ToLower(word)
			k := j
			for k < len(q) && (q[k] == ' ' || q[k] == '\t' || q[k] == '\n') {
				k++
			}
			switch {
			case lw == "cross" && strings.EqualFold(nextWord(q, k), "join") && crossJoinOn(q, k+len("join")):
				// SQLite's CROSS JOIN ... ON is an inner join that keeps
				// the order of the tables (a planner hint); PostgreSQL
				// takes no ON after CROSS JOIN.
				i = k
				continue
			case lw == "indexed" && strings.EqualFold(nextWord(q, k), "by"):
				// SQLite's INDEXED BY name: a planner hint, dropped with its name.
				j := k + len("by")
				for j < len(q) && (q[j] == ' ' || q[j] == '\t' || q[j] == '\n') {
					j++
				}
				i = j + len(nextWord(q, j))
				continue
			case lw == "not" && strings.EqualFold(nextWord(q, k), "indexed"):
				i = k + len("indexed")
				continue
			case k < len(q) && q[k] == '(' && pgFuncRenames[lw] != "":
				word = pgFuncRenames[lw]
			case k < len(q) && q[k] == '(' && (lw == "max" || lw == "min") && topLevelComma(q, k):
				word = map[string]string{"max": "greatest", "min": "least"}[lw]
			case k < len(q) && q[k] == '(' && (lw == "from" || lw == "join"):
				subquery = true
			case lw == "where" && nextWord(q, k) == "1" && !hasAlias(q[k+1:]) && !strings.HasPrefix(strings.TrimLeft(q[k+1:], " \t\n"), "="):
				// SQLite takes WHERE 1 for "every row"; PostgreSQL wants a boolean.
				b.WriteString(word + " true")
				i = k + 1
				continue
			case lw == "limit" && k < len(q) && q[k] == '?':
				// SQLite reads a negative limit as none; PostgreSQL
				// refuses it and reads NULL so.
				j := k + 1
				for j < len(q) && q[j] >= '0' && q[j] <= '9' {
					j++
				}
				n := maxParam + 1
				if j > k+1 {
					n = atoiSmall(q[k+1 : j])
				}
				maxParam = max(maxParam, n)
				b.WriteString(word + " NULLIF(GREATEST(CAST($" + itoaSmall(n) + " AS bigint), -1), -1)")
				i = j
				continue
			}
			b.WriteString(word)
			i = j
		default:
			if c >= '0' && c <= '9' { // a number, or digits ending a word already copied
				j := i
				for j < len(q) && isIdentByte(q[j]) {
					j++
				}
				b.WriteString(q[i:j])
				i = j
				continue
			}
			b.WriteByte(c)
			i++
			switch c {
			case '(':
				depth++
				if subquery {
					subqueries = append(subqueries, depth)
					subquery = false
				}
			case ')':
				if n := len(subqueries); n > 0 && subqueries[n-1] == depth {
					subqueries = subqueries[:n-1]
					// PostgreSQL (before 16) needs a name for every
					// subquery in FROM; SQLite does not.
					if !hasAlias(q[i:]) {
						aliases++
						b.WriteString(" AS rolo_sub" + itoaSmall(aliases))
					}
				}
				depth--
			}
		}
	}
	return b.String()
}

// afterFromItem are the words that may follow a FROM item without an alias.
var afterFromItem = map[string]bool{"where": true, "group": true, "order": true, "limit": true, "join": true,
	"left": true, "inner": true, "cross": true, "union": true, "except": true, "intersect": true, "on": true,
	"having": true, "window": true, "natural": true, "full": true, "right": true, "offset": true, "using": true}

// hasAlias says whether the text after a subquery's closing parenthesis
// starts with its name.
func hasAlias(rest string) bool {
	rest = strings.TrimLeft(rest, " \t\n")
	if rest == "" || !isIdentByte(rest[0]) || rest[0] >= '0' && rest[0] <= '9' {
		return false
	}
	return !afterFromItem[strings.ToLower(nextWord(rest, 0))]
}

// dollarTag is the $tag$ that opens a dollar-quoted string at the start
// of q, or "".
func dollarTag(q string) string {
	for j := 1; j < len(q); j++ {
		switch c := q[j]; {
		case c == '$':
			return q[:j+1]
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || j > 1 && c >= '0' && c <= '9':
		default:
			return ""
		}
	}
	return ""
}

// nextWord is the identifier starting at q[k:].
// crossJoinOn says whether the CROSS JOIN whose JOIN ends at q[k] names a
// table, maybe an alias, and then ON.
func crossJoinOn(q string, k int) bool {
	for n := 0; n < 3; n++ {
		for k < len(q) && (q[k] == ' ' || q[k] == '\t' || q[k] == '\n') {
			k++
		}
		w := nextWord(q, k)
		if w == "" {
			return false
		}
		if n > 0 && strings.EqualFold(w, "on") {
			return true
		}
		k += len(w)
	}
	return false
}

func nextWord(q string, k int) string {
	j := k
	for j < len(q) && isIdentByte(q[j]) {
		j++
	}
	return q[k:j]
}

// topLevelComma says whether the parenthesis at q[open] holds a comma at
// its own depth: max(a, b) is SQLite's scalar max, max(a) the aggregate.
func topLevelComma(q string, open int) bool {
	depth := 0
	for i := open; i < len(q); i++ {
		switch q[i] {
		case '\'':
			for i++; i < len(q) && q[i] != '\''; i++ {
			}
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return false
			}
		case ',':
			if depth == 1 {
				return true
			}
		}
	}
	return false
}

// insertTable is the table an INSERT statement writes, lower-cased.
func insertTable(q string) (string, bool) {
	f := strings.Fields(q)
	if len(f) < 3 || !strings.EqualFold(f[0], "insert") || !strings.EqualFold(f[1], "into") {
		return "", false
	}
	t := f[2]
	if i := strings.IndexByte(t, '('); i >= 0 {
		t = t[:i]
	}
	return strings.ToLower(strings.Trim(t, `"`)), true
}

// containsWord says whether q has word (any case) as a whole word.
func containsWord(q, word string) bool {
	lq := strings.ToLower(q)
	for i := 0; ; {
		j := strings.Index(lq[i:], word)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(word)
		if (j == 0 || !isIdentByte(lq[j-1])) && (end == len(lq) || !isIdentByte(lq[end])) {
			return true
		}
		i = end
	}
}

func atoiSmall(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

func itoaSmall(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoaSmall(n/10) + string(rune('0'+n%10))
}
