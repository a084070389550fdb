package store

import (
	"context"
	"fmt"
	"sort"
	"strings"
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
}

var rankNames = [...]string{"name", "name", "name", "pinyin", "pinyin", "pinyin", "profile", "history"}

// Search finds customers whose name, pinyin, initials, profile, purchases
// or contact log contain q, best match first. Queries of three or more
// characters use the trigram index; shorter ones scan customer fields.
// Any text is a valid query: it is matched literally, never as syntax.
func (s *Store) Search(ctx context.Context, q string, opts SearchOptions) ([]SearchHit, error) {
	// SQLite's text functions stop at a NUL byte: it cannot be searched for.
	q = strings.TrimSpace(strings.ReplaceAll(q, "\x00", ""))
	if q == "" {
		return nil, fmt.Errorf("%w: empty search; type part of a name, company, phone or note", ErrInvalid)
	}
	if !utf8.ValidString(q) {
		return nil, fmt.Errorf("%w: the search text is not valid UTF-8", ErrInvalid)
	}
	if opts.Limit <= 0 {
		opts.Limit = 50
	}
	lq := strings.ToLower(q)
	pq := pinyinQuery(lq)
	ids := map[int64]bool{}
	var err error
	if utf8.RuneCountInString(q) >= 3 {
		err = s.ftsIDs(ctx, q, ids)
		if err == nil && pq != "" && pq != lq && len(pq) >= 3 {
			err = s.ftsIDs(ctx, pq, ids)
		}
	}
	if err == nil && (utf8.RuneCountInString(q) < 3 || (pq != "" && len(pq) < 3)) {
		err = s.likeIDs(ctx, lq, pq, !opts.ProfileOnly, ids)
	}
	if err != nil {
		return nil, err
	}
	list := make([]int64, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	cs, err := s.CustomersByID(ctx, list)
	if err != nil {
		return nil, err
	}
	hits := make([]SearchHit, 0, len(cs))
	for _, c := range cs {
		if c.ArchivedAt != nil && !opts.IncludeArchived {
			continue
		}
		r := rankCustomer(&c, lq, pq)
		hits = append(hits, SearchHit{Customer: c, Rank: r, Matched: rankNames[r]})
	}
	sort.Slice(hits, func(i, j int) bool {
		a, b := hits[i], hits[j]
		if a.Rank != b.Rank {
			return a.Rank < b.Rank
		}
		if la, lb := utf8.RuneCountInString(a.Customer.Name), utf8.RuneCountInString(b.Customer.Name); la != lb {
			return la < lb
		}
		if a.Customer.Name != b.Customer.Name {
			return a.Customer.Name < b.Customer.Name
		}
		return a.Customer.ID < b.Customer.ID
	})
	if len(hits) > opts.Limit {
		hits = hits[:opts.Limit]
	}
	return hits, nil
}

// maxCandidates bounds how many customers one search looks at.
const maxCandidates = 2000

func (s *Store) ftsIDs(ctx context.Context, q string, ids map[int64]bool) error {
	// A double-quoted FTS5 string is matched literally; quotes inside are doubled.
	phrase := `"` + strings.ReplaceAll(q, `"`, `""`) + `"`
	found, err := queryAll(ctx, s, "search", scanID, `SELECT DISTINCT customer_id FROM search WHERE search MATCH ? LIMIT ?`, phrase, maxCandidates)
	for _, id := range found {
		ids[id] = true
	}
	return err
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func (s *Store) likeIDs(ctx context.Context, lq, pq string, history bool, ids map[int64]bool) error {
	pat := "%" + likeEscape(lq) + "%"
	ppat := pat
	if pq != "" {
		ppat = "%" + likeEscape(pq) + "%"
	}
	found, err := queryAll(ctx, s, "search", scanID, `SELECT id FROM customers
		WHERE name LIKE ?1 ESCAPE '\' OR company LIKE ?1 ESCAPE '\' OR city LIKE ?1 ESCAPE '\'
		   OR tags LIKE ?1 ESCAPE '\' OR phone LIKE ?1 ESCAPE '\'
		   OR name_initials LIKE ?2 ESCAPE '\' OR name_pinyin LIKE ?2 ESCAPE '\'
		UNION
		-- History rows of the index hold each customer's distinct items and summaries.
		SELECT customer_id FROM search WHERE ?4 AND rowid % 4 IN (1, 2) AND body LIKE ?1 ESCAPE '\'
		LIMIT ?3`, pat, ppat, maxCandidates, history)
	for _, id := range found {
		ids[id] = true
	}
	return err
}

// pinyinQuery returns the query as a pinyin key (ASCII letters and digits
// only, no spaces or apostrophes), or "" when it has other characters.
func pinyinQuery(lq string) string {
	var b strings.Builder
	for _, r := range lq {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ', r == '\'', r == '-', r == '·':
		default:
			return ""
		}
	}
	return b.String()
}

func rankCustomer(c *Customer, lq, pq string) int {
	name := strings.ToLower(c.Name)
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
		case c.Initials == pq || c.Pinyin == pq:
			return rankPinyinExact
		case strings.HasPrefix(c.Initials, pq) || strings.HasPrefix(c.Pinyin, pq):
			return rankPinyinPrefix
		case strings.Contains(c.Initials, pq) || strings.Contains(c.Pinyin, pq):
			return rankPinyinContains
		}
	}
	for _, f := range []string{c.Company, c.Title, c.Phone, c.Email, c.WeChat, c.City, c.Address,
		strings.Join(c.Tags, ","), c.Preferences, c.Needs, c.Notes} {
		if strings.Contains(strings.ToLower(f), lq) {
			return rankProfile
		}
	}
	return rankHistory
}
