package main

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/rolo-crm/rolo/tiering"
)

// A pyramid row written by hand reads, byte for byte, as encoding/json
// writes it (SetEscapeHTML(false), as jsonRows has it), over random rows
// whose strings hold what JSON escapes: quotes, backslashes, control
// characters, U+2028 and U+2029, invalid UTF-8, HTML, Chinese and emoji;
// and floats small and large enough for exponents.
func TestTierRowJSONAsEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"", "王小明", "a\"b", `c\d`, "\n\r\t\b\f", "\x00\x01\x1f\x7f", "\u2028\u2029", "\xff\xfe", "<&>",
		"普洱茶", "🍵", "Anna Chan", "é", "\u00a0", "x"}
	str := func() string {
		var b []byte
		for n := rng.IntN(4); n > 0; n-- {
			b = append(b, pieces[rng.IntN(len(pieces))]...)
		}
		return string(b)
	}
	optStr := func() *string {
		if rng.IntN(3) == 0 {
			return nil
		}
		s := str()
		return &s
	}
	floats := []float64{0, math.Copysign(0, -1), 1, -1.5, 0.1, 1e-7, 3.3e-9, 1e21, 1.5e300, -2e-300, 123456.789, 1e20, 999999.999999}
	optFloat := func() *float64 {
		if rng.IntN(3) == 0 {
			return nil
		}
		f := floats[rng.IntN(len(floats))]
		if rng.IntN(2) == 0 {
			f = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(40)-20))
		}
		return &f
	}
	values := []string{`0`, `12.5`, `-3`, `1e-9`, `"1234.50"`, `"-0.01"`}
	var enc bytes.Buffer
	e := json.NewEncoder(&enc)
	e.SetEscapeHTML(false)
	for i := 0; i < 20000; i++ {
		r := tierRowJSON{ID: rng.Int64N(1 << 40), Name: str(), Tier: tiering.Tier(str()), Value: json.RawMessage(values[rng.IntN(len(values))]),
			Revenue: str(), Profit: optStr(), Purchases: rng.IntN(1000), Last: optStr(), Current: optFloat(), Potential: optFloat(),
			LossMaking: rng.IntN(2) == 0}
		if rng.IntN(2) == 0 {
			r.Rep = str()
		}
		enc.Reset()
		if err := e.Encode(&r); err != nil {
			t.Fatal(err)
		}
		want := bytes.TrimSuffix(enc.Bytes(), []byte("\n"))
		got, ok := r.appendJSON(nil)
		if !ok || !bytes.Equal(got, want) {
			t.Fatalf("row %d:\n got %s (%v)\nwant %s", i, got, ok, want)
		}
	}
	// What encoding/json refuses is left to it.
	nan := math.NaN()
	if _, ok := (&tierRowJSON{Value: json.RawMessage(`1`), Current: &nan}).appendJSON(nil); ok {
		t.Error("a NaN written by hand")
	}
}
