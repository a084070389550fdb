package store

import (
	"bytes"
	"testing"

	"github.com/mozillazg/go-pinyin"
	"github.com/rolo-crm/rolo/store/internal/pinyintable"
)

// The embedded table is what the generator makes from the go-pinyin in
// go.mod: after upgrading go-pinyin, run go generate ./store.
func TestPinyinTableIsCurrent(t *testing.T) {
	table, readings := pinyintable.Build()
	if !bytes.Equal(table, []byte(pinyinTable)) || readings != pinyinReadingsText {
		t.Fatal("store/pinyin_table.bin or pinyin_readings.txt is stale; run go generate ./store")
	}
}

// Every character reads as go-pinyin reads it, and unknown ones read as "".
func TestPinyinOfAgreesWithGoPinyin(t *testing.T) {
	args := pinyin.NewArgs()
	for k := range pinyin.PinyinDict {
		want := ""
		if p := pinyin.SinglePinyin(rune(k), args); len(p) > 0 {
			want = p[0]
		}
		if got := pinyinOf(rune(k)); got != want {
			t.Fatalf("pinyinOf(%q) = %q, go-pinyin says %q", rune(k), got, want)
		}
	}
	for _, r := range []rune{'a', '1', '。', 0x2FFFF, 0x10FFFF, 0} {
		if got := pinyinOf(r); got != "" {
			t.Errorf("pinyinOf(%q) = %q, want nothing", r, got)
		}
	}
	if full, ini := PinyinKeys("王小明"); full != "wangxiaoming" || ini != "wxm" {
		t.Errorf("PinyinKeys(王小明) = %q, %q", full, ini)
	}
}
