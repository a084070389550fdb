//go:build ignore

// gen_pinyin writes pinyin_table.bin and pinyin_readings.txt from go-pinyin
// (run by go generate in store; TestPinyinTableIsCurrent checks the result).
package main

import (
	"log"
	"os"

	"github.com/rolo-crm/rolo/store/internal/pinyintable"
)

func main() {
	table, readings := pinyintable.Build()
	if err := os.WriteFile("pinyin_table.bin", table, 0o644); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile("pinyin_readings.txt", []byte(readings), 0o644); err != nil {
		log.Fatal(err)
	}
}
