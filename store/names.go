package store

import (
	"context"
	"database/sql"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// surnamePinyin holds the surname readings that differ from a character's
// most common reading, so that 曾 finds "zeng" and 单 finds "shan".
var surnamePinyin = map[rune]string{
	'曾': "zeng", '单': "shan", '解': "xie", '区': "ou", '查': "zha", '仇': "qiu",
	'朴': "piao", '盖': "ge", '乐': "yue", '尉': "yu", '覃': "qin", '翟': "zhai",
	'秘': "bi", '缪': "miao", '种': "chong", '长': "chang", '重': "chong", '沈': "shen",
}

// PinyinKeys returns the full pinyin spelling (no spaces, lower case) and
// the initials of a name. Han characters give their pinyin; runs of Latin
// letters or digits are kept as words, accents folded (foldLatin). "王小明"
// gives ("wangxiaoming", "wxm"), "John Smith" gives ("johnsmith", "js"),
// "José Núñez" gives ("josenunez", "jn").
func PinyinKeys(name string) (full, initials string) {
	var fb, ib strings.Builder
	var word strings.Builder
	flush := func() {
		if word.Len() > 0 {
			w := strings.ToLower(word.String())
			fb.WriteString(w)
			ib.WriteByte(w[0])
			word.Reset()
		}
	}
	first := true
	for _, r := range name {
		switch {
		case unicode.Is(unicode.Han, r):
			flush()
			py := ""
			if first {
				py = surnamePinyin[r]
			}
			if py == "" {
				py = pinyinOf(r)
			}
			if py != "" {
				fb.WriteString(py)
				ib.WriteByte(py[0])
			}
			first = false
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			word.WriteRune(r)
			first = false
		case r >= 128 && unicode.Is(unicode.Mn, r):
			// A combining accent typed on its own (NFD text): part of the word.
		case r >= 128:
			if f := foldLatin(r); f != "" {
				word.WriteString(f)
				first = false
			} else {
				flush()
			}
		default:
			flush()
		}
	}
	flush()
	return fb.String(), ib.String()
}

// rekeyNames works out the pinyin and initials of every customer's name
// again, inside a migration's transaction, after PinyinKeys changed: the
// customers whose keys differ get the new ones and their profile indexed
// again (the index holds the keys). Their updated_at stays: nobody
// changed them. Every customer with a phone is indexed again as well, for
// the phone's digits (schema 9).
func (s *Store) rekeyNames(ctx context.Context, tx *sql.Tx) error {
	type rekeyed struct {
		id               int64
		pinyin, initials string
	}
	var changed []rekeyed
	rows, err := tx.QueryContext(ctx, `SELECT id, name, name_pinyin, name_initials FROM customers`)
	if err != nil {
		return s.wrap("rekey names", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r rekeyed
		var name, pinyin, initials string
		if err := rows.Scan(&r.id, &name, &pinyin, &initials); err != nil {
			return s.wrap("rekey names", err)
		}
		if r.pinyin, r.initials = PinyinKeys(name); r.pinyin != pinyin || r.initials != initials {
			changed = append(changed, r)
		}
	}
	if err := rows.Err(); err != nil {
		return s.wrap("rekey names", err)
	}
	rows.Close()
	ids := make([]int64, len(changed))
	for i, r := range changed {
		if _, err := tx.ExecContext(ctx, `UPDATE customers SET name_pinyin = ?, name_initials = ? WHERE id = ?`, r.pinyin, r.initials, r.id); err != nil {
			return s.wrap("rekey names", err)
		}
		ids[i] = r.id
	}
	if len(ids) > 0 {
		if err := s.reindex(ctx, tx, srcCustomer, `SELECT value AS id FROM json_each(?)`, jsonIDs(ids)); err != nil {
			return err
		}
	}
	// The profile rows now hold the phone's digits run together too
	// (phoneDigits): every customer with a phone is indexed again.
	return s.reindex(ctx, tx, srcCustomer, `SELECT id FROM customers WHERE phone <> ?`, "")
}

// latinLetters are the Latin letters that no decomposition takes to
// ASCII: a stroke or a ligature is part of the letter, not an accent.
var latinLetters = map[rune]string{
	'ł': "l", 'Ł': "L", 'ø': "o", 'Ø': "O", 'đ': "d", 'Đ': "D", 'ð': "d", 'Ð': "D",
	'ß': "ss", 'ẞ': "SS", 'æ': "ae", 'Æ': "AE", 'œ': "oe", 'Œ': "OE", 'þ': "th", 'Þ': "TH",
	'ı': "i", 'ħ': "h", 'Ħ': "H", 'ŧ': "t", 'Ŧ': "T", 'ŋ': "n", 'Ŋ': "N", 'ĸ': "k",
	'ƒ': "f", 'ɨ': "i", 'ʉ': "u", 'ƀ': "b", 'ɍ': "r", 'Ɍ': "R", 'ȼ': "c", 'Ȼ': "C",
}

// foldLatin is a letter or digit outside ASCII as the ASCII letters a
// search would type for it: é → e, Ł → L, ß → ss, ﬁ → fi, and the full-width
// Ａ and １ of a Chinese input method → A and 1 (compatibility decomposition,
// combining marks dropped). Letters of other scripts (Cyrillic, Greek,
// Hangul, kana ...) have no such spelling: "".
func foldLatin(r rune) string {
	if s, ok := latinLetters[r]; ok {
		return s
	}
	if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
		return ""
	}
	var b []byte
	for _, d := range norm.NFKD.String(string(r)) {
		switch {
		case d < 128 && (unicode.IsLetter(d) || unicode.IsDigit(d)):
			b = append(b, byte(d))
		case unicode.Is(unicode.Mn, d):
		default:
			return ""
		}
	}
	return string(b)
}

// normalizeTags trims, de-duplicates and joins tags with commas, keeping
// the order they were first given in.
func normalizeTags(tags []string) string {
	seen := make(map[string]bool, len(tags))
	out := make([]string, 0, len(tags))
	for _, t := range tags {
		for _, part := range strings.Split(t, ",") {
			part = strings.TrimSpace(part)
			if part == "" || seen[part] {
				continue
			}
			seen[part] = true
			out = append(out, part)
		}
	}
	return strings.Join(out, ",")
}

func splitTags(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

// PhoneKey is a phone number as rolo compares it: its digits alone, so
// "139 0000 2222", "139-0000-2222" and "13900002222" are one number (the
// duplicate checks of add, edit and import, upserts by phone, a history
// row's customer_phone, and find). Full-width digits count as digits.
//
// A number written with its country code (a leading + or 00) is keyed as
// it is dialled from China, rolo's home: a Chinese number (+86 or 0086)
// without the country code, so "+86 139 0000 2222" matches
// "139 0000 2222", with the trunk 0 put back before an area code, so
// "+86 10 6552 9988" matches "010 6552 9988"; any other country's number
// behind 00, "+44 20 7946 0000" → "00442079460000". A national number
// never begins with 00, so a foreign number never matches a Chinese one
// that happens to share its digits (+1 415 555 0100 is not 141 5555 0100).
// "" means no number.
func PhoneKey(phone string) string {
	var b []byte
	plus := false
	for _, r := range phone {
		switch {
		case r >= '0' && r <= '9':
			b = append(b, byte(r))
		case r >= '０' && r <= '９':
			b = append(b, byte('0'+r-'０'))
		case (r == '+' || r == '＋') && len(b) == 0:
			plus = true
		}
	}
	d := string(b)
	switch {
	case plus:
	case strings.HasPrefix(d, "00"):
		d = d[2:]
	default:
		return d
	}
	if d == "" {
		return ""
	}
	if rest, ok := strings.CutPrefix(d, "86"); ok {
		switch {
		case rest == "":
			return ""
		case rest[0] == '0' || rest[0] == '1' && len(rest) == 11:
			return rest // written with its trunk 0, or a mobile (dialled without one)
		}
		return "0" + rest
	}
	return "00" + d
}
