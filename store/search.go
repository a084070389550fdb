package store

import (
	"context"
	"database/sql/driver"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Search ranks: lower is better.
const (
	rankNameExact = iota
	rankNamePrefix
	rankNameContains
	rankPinyinExact
	rankPinyinPrefix
	rankPinyinContains
	rankPhone // the whole phone number (PhoneKey), ahead of a part of one
	rankProfile
	rankHistory
)

// SearchHit is one customer found by Search, with where the query matched.
type SearchHit struct {
	Customer Customer `json:"customer"`
	Rank     int      `json:"rank"`
	Matched  string   `json:"matched"`
}

// SearchOptions narrow a search.
type SearchOptions struct {
	Limit           int
	IncludeArchived bool
	// ProfileOnly skips purchase and contact history for queries of one or
	// two characters, which cannot use the index (filter-as-you-type).
	ProfileOnly bool
	// NamesOnly fills only the id and names of each hit's Customer, not
	// the whole profile (the TUI's filter needs just the ids).
	NamesOnly bool
}

var rankNames = [...]string{"name", "name", "name", "pinyin", "pinyin", "pinyin", "profile", "profile", "history"}

// Search finds customers whose name, pinyin, initials, profile, purchases
// or contact log contain q, best match first. Queries of three or more
// characters match the trigram index; shorter ones read its term list.
// Any text is a valid query: it is matched literally, never as syntax.
func (s *Store) Search(ctx context.Context, q string, opts SearchOptions) ([]SearchHit, error) {
	// SQLite's text functions stop at a NUL byte: it cannot be searched for.
	q = strings.TrimSpace(strings.ReplaceAll(q, "\x00", ""))
	if q == "" {
		return nil, Errorf(KindInvalid, "empty search; type part of a name, company, phone or note")
	}
	if !utf8.ValidString(q) {
		return nil, Errorf(KindInvalid, "the search text is not valid UTF-8")
	}
	if opts.Limit <= 0 {
		opts.Limit = 50
	}
	lq := strings.ToLower(q)
	pq := pinyinQuery(lq)
	// Candidates: customer id → the best source that matched (profile
	// before history), so ranking needs only a few columns; the full
	// profiles are read for the hits returned.
	found := map[int64]int{}
	var err error
	if utf8.RuneCountInString(q) >= 3 {
		err = s.ftsIDs(ctx, q, found)
		if err == nil && pq != "" && pq != lq && len(pq) >= 3 {
			err = s.ftsIDs(ctx, pq, found)
		}
	}
	if err != nil {
		return nil, err // a busy or damaged notebook is not "no match"
	}
	// Queries too short for a trigram MATCH read the index's term list:
	// profiles first (names rank best), then history if there is room.
	shortQ, shortP := utf8.RuneCountInString(lq) < 3, pq != "" && pq != lq && len(pq) < 3
	// The in-memory names, when a long-lived caller asked for them
	// (PrepareShortSearch), kept current; rebuilt for a short query (the
	// TUI's filter as the rep types), used by others while current.
	x, err := s.shortCurrent(ctx, shortQ || shortP)
	if err == nil && (shortQ || shortP) {
		if shortQ {
			err = s.shortIDs(ctx, lq, srcCustomer, maxCandidates, found)
		}
		if err == nil && shortP && len(found) < maxCandidates {
			err = s.shortIDs(ctx, pq, srcCustomer, maxCandidates-len(found), found)
		}
		if err == nil && shortQ && !opts.ProfileOnly && len(found) < maxCandidates {
			err = s.shortIDs(ctx, lq, srcPurchase, maxCandidates-len(found), found)
		}
	}
	if err != nil {
		return nil, err
	}
	// A phone number finds its customer however either was written:
	// 13900002222 finds "+86 139 0000 2222" (the profile row holds the
	// phone's digits run together, phoneDigits).
	var phones map[int64]bool // the customers whose phone is the query
	if k := phoneQuery(q); k != "" && len(found) < maxCandidates {
		if phones, err = s.phoneIDs(ctx, k, found); err != nil {
			return nil, err
		}
	}
	var cands []candidate
	if x != nil {
		cands = x.candidates(found, opts.IncludeArchived)
	} else if cands, err = s.searchCandidates(ctx, found, opts.IncludeArchived); err != nil {
		return nil, err
	}
	for i := range cands {
		cands[i].rank = rankCandidate(&cands[i], lq, pq)
		if phones[cands[i].id] && cands[i].rank > rankPhone {
			cands[i].rank = rankPhone
		}
	}
	sort.Slice(cands, func(i, j int) bool {
		a, b := &cands[i], &cands[j]
		if a.rank != b.rank {
			return a.rank < b.rank
		}
		if la, lb := utf8.RuneCountInString(a.name), utf8.RuneCountInString(b.name); la != lb {
			return la < lb
		}
		if a.name != b.name {
			return a.name < b.name
		}
		return a.id < b.id
	})
	if len(cands) > opts.Limit {
		cands = cands[:opts.Limit]
	}
	hits := make([]SearchHit, 0, len(cands))
	if opts.NamesOnly {
		for _, c := range cands {
			hits = append(hits, SearchHit{Customer: Customer{ID: c.id, Name: c.name, Pinyin: c.pinyin, Initials: c.initials},
				Rank: c.rank, Matched: rankNames[c.rank]})
		}
		return hits, nil
	}
	ids := make([]int64, len(cands))
	for i, c := range cands {
		ids[i] = c.id
	}
	cs, err := s.CustomersByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, c := range cands {
		if full, ok := cs[c.id]; ok {
			hits = append(hits, SearchHit{Customer: full, Rank: c.rank, Matched: rankNames[c.rank]})
		}
	}
	return hits, nil
}

// candidate is what ranking a search hit needs.
type candidate struct {
	id                     int64
	name, pinyin, initials string
	src, rank              int
}

// searchCandidates reads the names of the found customers.
func (s *Store) searchCandidates(ctx context.Context, found map[int64]int, archived bool) ([]candidate, error) {
	ids := make([]int64, 0, len(found))
	for id := range found {
		ids = append(ids, id)
	}
	current := ` AND archived_at IS NULL`
	if archived {
		current = ``
	}
	// One statement whatever the count: the ids travel as a JSON array.
	out, err := queryAll(ctx, s, "search", func(sc scanner) (candidate, error) {
		var c candidate
		err := sc.Scan(&c.id, &c.name, &c.pinyin, &c.initials)
		c.src = found[c.id]
		return c, err
	}, `SELECT id, name, name_pinyin, name_initials FROM customers
		WHERE `+s.idsIn("id")+current, jsonIDs(ids))
	if err != nil {
		return nil, err
	}
	return out, nil
}

// idsIn is the condition that col is one of the ids of a JSON list
// parameter.
func (s *Store) idsIn(col string) string {
	if s.pg {
		return col + pgIDsIn
	}
	return col + ` IN (SELECT value FROM json_each(?))`
}

// maxCandidates bounds how many customers one search looks at.
const maxCandidates = 2000

// idSource is a found customer and the source that matched (srcCustomer...).
type idSource struct {
	id  int64
	src int
}

func scanIDSource(sc scanner) (idSource, error) {
	var x idSource
	err := sc.Scan(&x.id, &x.src)
	return x, err
}

// addFound records matches, keeping each customer's best source.
func addFound(found map[int64]int, xs []idSource) {
	for _, x := range xs {
		if src, ok := found[x.id]; !ok || x.src < src {
			found[x.id] = x.src
		}
	}
}

func (s *Store) ftsIDs(ctx context.Context, q string, found map[int64]int) error {
	page := s.ftsPagePG
	if !s.pg {
		page = s.ftsPage
	}
	xs, err := firstCustomers(func(after int64, n int) ([]idSource, error) { return page(ctx, q, after, n) })
	addFound(found, xs)
	return err
}

// ftsPage is the next n search rows after doc after that contain q (three
// characters or more), in doc order: a customer's sources side by side.
func (s *Store) ftsPage(ctx context.Context, q string, after int64, n int) ([]idSource, error) {
	// A double-quoted FTS5 string is matched literally; quotes inside are doubled.
	phrase := `"` + strings.ReplaceAll(q, `"`, `""`) + `"`
	// Matches come in rowid order, so a LIMIT stops early.
	return queryAll(ctx, s, "search", scanIDSource, `SELECT rowid / 4, rowid % 4 FROM search WHERE search MATCH ? AND rowid > ? LIMIT ?`,
		phrase, after, n)
}

// firstCustomers reads matching search rows page by page, in doc order,
// until it holds every row of the first maxCandidates customers: as few
// rows as that takes (a query in most customers' purchases took three
// times as many rows, enough for customers matching in all three sources,
// at a third of a second on PostgreSQL).
func firstCustomers(page func(after int64, n int) ([]idSource, error)) ([]idSource, error) {
	var out []idSource
	after, customers := int64(-1), 0
	for {
		// Enough rows for the customers still wanted if each matched
		// once, or as often as those so far, and one more: the first row
		// of the customer after them says the last one is whole.
		n := maxCandidates + 1 - customers
		if customers > 0 {
			n = n*len(out)/customers + 1
		}
		xs, err := page(after, n)
		if err != nil {
			return out, err
		}
		for _, x := range xs {
			if len(out) == 0 || x.id != out[len(out)-1].id {
				if customers == maxCandidates {
					return out, nil
				}
				customers++
			}
			out = append(out, x)
		}
		if len(xs) < n {
			return out, nil
		}
		last := xs[len(xs)-1]
		after = last.id*4 + int64(last.src)
	}
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

func likeEscape(s string) string {
	return likeEscaper.Replace(s)
}

// shortIDs finds up to limit customers whose search rows of source src
// (srcCustomer: the profile; srcPurchase: purchases and contacts) contain
// q, a query of one or two characters. Every occurrence of q begins a
// trigram of the index (the bodies end in bodyPad), so the terms that
// start with q list the rows: index pages, not a scan of every text.
func (s *Store) shortIDs(ctx context.Context, q string, src, limit int, found map[int64]int) error {
	if s.pg {
		return s.shortIDsPG(ctx, q, src, limit, found)
	}
	which := `doc % 4 = 0`
	if src != srcCustomer {
		which = `doc % 4 IN (1, 2)`
	}
	// Terms are lower-cased like lq; char(1114111) is the last code point,
	// so the range holds every term that starts with q.
	xs, err := queryAll(ctx, s, "search", scanIDSource, `SELECT DISTINCT doc / 4, doc % 4 FROM search_terms
		WHERE term >= ?1 AND term < ?1 || char(1114111) AND `+which+` LIMIT ?2`, q, limit)
	addFound(found, xs)
	return err
}

// pinyinQuery returns the query as a pinyin key (ASCII letters and digits
// only, no spaces or apostrophes, accents folded as PinyinKeys folds
// them), or "" when it has other characters.
func pinyinQuery(lq string) string {
	var b strings.Builder
	for _, r := range lq {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ', r == '\'', r == '-', r == '·':
		case r >= 128 && unicode.Is(unicode.Mn, r):
		default:
			f := ""
			if r >= 128 {
				f = foldLatin(r)
			}
			if f == "" {
				return ""
			}
			b.WriteString(strings.ToLower(f))
		}
	}
	return b.String()
}

// minPhoneDigits is how many digits a query needs to be looked up as
// part of a phone number: fewer are a year, an amount or an id as often.
const minPhoneDigits = 5

// phoneQuery returns the PhoneKey of a query written as (part of) a phone
// number — digits, spaces, + - ( ) . / — or "" for any other query.
func phoneQuery(q string) string {
	for _, r := range q {
		switch {
		case r >= '0' && r <= '9', r >= '０' && r <= '９':
		case strings.ContainsRune(" +-()./＋－（）　", r):
		default:
			return ""
		}
	}
	if k := PhoneKey(q); len(k) >= minPhoneDigits {
		return k
	}
	return ""
}

// phoneSpellings are the digits a profile row may hold for the number
// whose PhoneKey is key: the key itself, and the digits as written with
// the country code — a Chinese landline keyed 010… written +86 10…, a
// foreign number keyed 0044… written +44….
func phoneSpellings(key string) []string {
	switch {
	case strings.HasPrefix(key, "00") && len(key) > 2:
		return []string{key, key[2:]}
	case strings.HasPrefix(key, "0") && len(key) > 1:
		return []string{key, "86" + key[1:]}
	}
	return []string{key}
}

// phoneIDs adds the customers whose phone holds the digits of key (a
// PhoneKey) to found, and returns whether each customer found is that
// number: the index finds the digits, the keys of the few found say
// which are the whole number.
func (s *Store) phoneIDs(ctx context.Context, key string, found map[int64]int) (map[int64]bool, error) {
	if err := s.ftsIDs(ctx, key, found); err != nil {
		return nil, err
	}
	// The number written with its country code: only the whole number
	// counts (+1 390 000 2222 is not the Chinese 139 0000 2222).
	spelled := map[int64]int{}
	for _, digits := range phoneSpellings(key)[1:] {
		if err := s.ftsIDs(ctx, digits, spelled); err != nil {
			return nil, err
		}
	}
	ids := make([]int64, 0, len(found)+len(spelled))
	for id := range found {
		ids = append(ids, id)
	}
	for id := range spelled {
		ids = append(ids, id)
	}
	whole := map[int64]bool{}
	err := s.eachFew(ctx, "search", `SELECT id, phone FROM customers WHERE id IN (SELECT value FROM json_each(?)) AND phone <> ''`,
		[]any{jsonIDs(ids)}, func(v []driver.Value) error {
			if PhoneKey(vStr(v[1])) == key {
				whole[vInt(v[0])] = true
			}
			return nil
		})
	for id, src := range spelled {
		if _, ok := found[id]; !ok && whole[id] {
			found[id] = src
		}
	}
	return whole, err
}

// rankCandidate ranks a match by where it matched: the name, its pinyin,
// another profile field (the index's profile row), or only the history.
func rankCandidate(c *candidate, lq, pq string) int {
	name := strings.ToLower(c.name)
	switch {
	case name == lq:
		return rankNameExact
	case strings.HasPrefix(name, lq):
		return rankNamePrefix
	case strings.Contains(name, lq):
		return rankNameContains
	}
	if pq != "" {
		switch {
		case c.initials == pq || c.pinyin == pq:
			return rankPinyinExact
		case strings.HasPrefix(c.initials, pq) || strings.HasPrefix(c.pinyin, pq):
			return rankPinyinPrefix
		case strings.Contains(c.initials, pq) || strings.Contains(c.pinyin, pq):
			return rankPinyinContains
		}
	}
	if c.src == srcCustomer {
		return rankProfile
	}
	return rankHistory
}
