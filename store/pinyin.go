package store

//go:generate go run gen_pinyin.go

import (
	_ "embed"
	"sort"
	"strings"
	"sync"
)

// The pinyin of Han characters, generated from go-pinyin's dictionary
// (store/internal/pinyintable): sorted 5-byte records of code point and
// reading index. Embedded data costs nothing at start-up, where go-pinyin's
// own map took 2.7 ms of every command.
var (
	//go:embed pinyin_table.bin
	pinyinTable string
	//go:embed pinyin_readings.txt
	pinyinReadingsText string

	pinyinReadings = sync.OnceValue(func() []string {
		return strings.Split(strings.TrimSuffix(pinyinReadingsText, "\n"), "\n")
	})
)

const pinyinRecord = 5

// pinyinOf is the plain pinyin (no tone marks) of a Han character's first
// reading, "" for a character the dictionary does not know.
func pinyinOf(r rune) string {
	n := len(pinyinTable) / pinyinRecord
	at := func(i int) rune {
		b := pinyinTable[i*pinyinRecord:]
		return rune(b[0])<<16 | rune(b[1])<<8 | rune(b[2])
	}
	i := sort.Search(n, func(i int) bool { return at(i) >= r })
	if i == n || at(i) != r {
		return ""
	}
	b := pinyinTable[i*pinyinRecord:]
	return pinyinReadings()[int(b[3])<<8|int(b[4])]
}
