package store

import (
	"context"
	"database/sql/driver"
	"strings"
	"unicode/utf8"
)

// NameMatch is a current customer as shell completion offers it.
type NameMatch struct {
	ID                                    int64
	Name, Pinyin, Initials, Company, City string
	SameName                              int // current customers with this exact name, this one included
}

// CustomersByPrefix lists up to limit current customers whose id, name,
// pinyin (wangxiaoming) or pinyin initials (wxm) start with prefix, in
// pinyin order (ids that match first, in order): what `rolo show wx<TAB>`
// offers.
func (s *Store) CustomersByPrefix(ctx context.Context, prefix string, limit int) ([]NameMatch, error) {
	prefix = strings.TrimPrefix(strings.TrimSpace(prefix), "#")
	lower := strings.ToLower(prefix)
	var out []NameMatch
	err := s.eachRow(ctx, "complete customers", `SELECT c.id, c.name, c.name_pinyin, c.name_initials, c.company, c.city,
       (SELECT count(*) FROM customers x WHERE x.name = c.name AND x.archived_at IS NULL)
FROM customers c
WHERE c.archived_at IS NULL AND (?2 = 0 OR substr(c.name, 1, ?2) = ?1 OR substr(c.name_pinyin, 1, ?2) = ?3
       OR substr(c.name_initials, 1, ?2) = ?3 OR substr(CAST(c.id AS TEXT), 1, ?2) = ?1)
ORDER BY substr(CAST(c.id AS TEXT), 1, ?2) = ?1 DESC, CASE WHEN substr(CAST(c.id AS TEXT), 1, ?2) = ?1 THEN c.id END, c.name_pinyin, c.name, c.id LIMIT ?4`, []any{prefix, int64(utf8.RuneCountInString(prefix)), lower, int64(limit)},
		func(v []driver.Value) error {
			out = append(out, NameMatch{ID: vInt(v[0]), Name: vStr(v[1]), Pinyin: vStr(v[2]), Initials: vStr(v[3]),
				Company: vStr(v[4]), City: vStr(v[5]), SameName: int(vInt(v[6]))})
			return nil
		})
	return out, err
}
