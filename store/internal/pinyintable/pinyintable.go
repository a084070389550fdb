// Package pinyintable turns go-pinyin's dictionary into the compact table
// the store embeds: go-pinyin builds a 41,000-entry map when a program
// starts (2.7 ms of every rolo command); an embedded table costs nothing
// until it is read. Only the generator (store/gen_pinyin.go) and the tests
// import this package, so go-pinyin's map is not in the rolo binary.
package pinyintable

import (
	"sort"
	"strings"

	"github.com/mozillazg/go-pinyin"
)

// RecordSize is the bytes per table record: a code point (3 bytes, big
// endian) and the index of its reading (2 bytes).
const RecordSize = 5

// Build returns the table, sorted by code point, and the readings it
// indexes, one per line: for each character go-pinyin knows, the first
// reading in its plain style (no tone marks), as pinyin.SinglePinyin gives.
func Build() (table []byte, readings string) {
	args := pinyin.NewArgs()
	type entry struct {
		r       rune
		reading string
	}
	var entries []entry
	index := map[string]int{}
	var list []string
	for k := range pinyin.PinyinDict {
		p := pinyin.SinglePinyin(rune(k), args)
		if len(p) == 0 || p[0] == "" {
			continue
		}
		entries = append(entries, entry{rune(k), p[0]})
		if _, ok := index[p[0]]; !ok {
			index[p[0]] = 0
			list = append(list, p[0])
		}
	}
	sort.Strings(list)
	for i, s := range list {
		index[s] = i
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].r < entries[j].r })
	table = make([]byte, 0, len(entries)*RecordSize)
	for _, e := range entries {
		i := index[e.reading]
		table = append(table, byte(e.r>>16), byte(e.r>>8), byte(e.r), byte(i>>8), byte(i))
	}
	return table, strings.Join(list, "\n") + "\n"
}
