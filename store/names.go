package store

import (
	"strings"
	"unicode"
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
// letters or digits are kept as words. "王小明" gives ("wangxiaoming", "wxm"),
// "John Smith" gives ("johnsmith", "js").
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
		default:
			flush()
		}
	}
	flush()
	return fb.String(), ib.String()
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
