package money

import (
	"encoding/json"
	"errors"
	"math"
	"testing"
)

var jpy = Currency{Code: "JPY", Decimals: 0}
var kwd = Currency{Code: "KWD", Decimals: 3}

func TestLookup(t *testing.T) {
	for code, dec := range map[string]int{"CNY": 2, "USD": 2, "SGD": 2, "JPY": 0, "KRW": 0, "KWD": 3, "XYZ": 2} {
		c, err := Lookup(code)
		if err != nil || c.Decimals != dec || c.Code != code {
			t.Errorf("Lookup(%s) = %+v, %v; want %d decimals", code, c, err, dec)
		}
	}
	for _, bad := range []string{"", "cny", "RMB1", "¥", "US"} {
		if _, err := Lookup(bad); err == nil {
			t.Errorf("Lookup(%q) accepted", bad)
		}
	}
}

func TestParseAndFormat(t *testing.T) {
	cases := []struct {
		cur  Currency
		in   string
		want Amount
		out  string
	}{
		{CNY, "1280", 128000, "1280.00"},
		{CNY, "1,280.5", 128050, "1280.50"},
		{CNY, "¥88.8", 8880, "88.80"},
		{CNY, "￥ 12元", 1200, "12.00"},
		{CNY, "-5", -500, "-5.00"},
		{CNY, "$-0.05", -5, "-0.05"},
		{CNY, ".5", 50, "0.50"},
		{CNY, "12.3000", 1230, "12.30"},
		{CNY, "0.0099999999999999999998", 1, "0.01"},
		{CNY, "3.14000000000000012", 314, "3.14"},
		{CNY, "1,234,567.89", 123456789, "1234567.89"},
		{CNY, "100元", 10000, "100.00"},
		{CNY, "0", 0, "0.00"},
		{CNY, "999999999999", 99999999999900, "999999999999.00"},
		{jpy, "1280", 1280, "1280"},
		{jpy, "1,280", 1280, "1280"},
		{jpy, "1280.0", 1280, "1280"},
		{kwd, "1.5", 1500, "1.500"},
		{kwd, "0.125", 125, "0.125"},
	}
	for _, c := range cases {
		got, err := c.cur.Parse(c.in)
		if err != nil || got != c.want {
			t.Errorf("%s Parse(%q) = %d, %v; want %d", c.cur.Code, c.in, got, err, c.want)
			continue
		}
		if s := c.cur.Format(got); s != c.out {
			t.Errorf("%s Format(%d) = %q, want %q", c.cur.Code, got, s, c.out)
		}
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		cur Currency
		in  string
		why string
	}{
		{CNY, "", "empty"},
		{CNY, "12.345", "more than 2 decimals"},
		{CNY, "1,28", "misplaced thousands separator"},
		{CNY, "12.", "nothing after the decimal point"},
		{CNY, "12a", "unexpected character"},
		{CNY, "1e5", "unexpected character"},
		{CNY, "NaN", "unexpected character"},
		{CNY, "99999999999999", "too large"},
		{CNY, "1000000000000", "too large"},
		{CNY, "1 000", "unexpected character"},
		{CNY, "--1", "unexpected character"},
		{jpy, "1280.5", "JPY has no decimals"},
	}
	for _, c := range cases {
		_, err := c.cur.Parse(c.in)
		if !errors.Is(err, ErrSyntax) {
			t.Errorf("%s Parse(%q) = %v, want a syntax error", c.cur.Code, c.in, err)
			continue
		}
		ex := map[string]string{"CNY": "1234.50", "JPY": "1234"}[c.cur.Code]
		want := `"` + c.in + `" is not an amount (` + c.why + `); write it like ` + ex
		if err.Error() != want {
			t.Errorf("%s Parse(%q) error %q, want %q", c.cur.Code, c.in, err, want)
		}
	}
}

func TestGrouped(t *testing.T) {
	for _, c := range []struct {
		cur  Currency
		a    Amount
		want string
	}{
		{CNY, 123456789, "1,234,567.89"}, {CNY, -100000, "-1,000.00"}, {CNY, 5, "0.05"},
		{jpy, 1234567, "1,234,567"}, {jpy, -999, "-999"}, {CNY, math.MinInt64, "-92,233,720,368,547,758.08"},
	} {
		if got := c.cur.Grouped(c.a); got != c.want {
			t.Errorf("%s Grouped(%d) = %q, want %q", c.cur.Code, c.a, got, c.want)
		}
	}
}

func TestFloatBoundary(t *testing.T) {
	if f := CNY.Float(128050); f != 1280.5 {
		t.Errorf("Float = %v", f)
	}
	if a, ok := CNY.FromFloat(1280.505); !ok || a != 128051 {
		t.Errorf("FromFloat(1280.505) = %d, %v", a, ok)
	}
	if a, ok := jpy.FromFloat(1280.5); !ok || a != 1281 {
		t.Errorf("JPY FromFloat = %d, %v", a, ok)
	}
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), 1e12, -1e300} {
		if _, ok := CNY.FromFloat(f); ok {
			t.Errorf("FromFloat(%v) turned into money", f)
		}
	}
}

func TestDecimalJSON(t *testing.T) {
	type row struct {
		Revenue Decimal  `json:"revenue"`
		Cost    *Decimal `json:"cost"`
		Paid    *Decimal `json:"paid"`
	}
	paid := Amount(50)
	b, err := json.Marshal(row{Revenue: CNY.In(12024999), Paid: CNY.Opt(&paid)})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"revenue":"120249.99","cost":null,"paid":"0.50"}`; string(b) != want {
		t.Errorf("JSON = %s, want %s", b, want)
	}
	b, _ = json.Marshal(jpy.In(1280))
	if string(b) != `"1280"` {
		t.Errorf("JPY JSON = %s", b)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"1280", "1,280.50", "¥88.8", "-0.01", "0.0099999999999999999998", "12.345", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, cur := range []Currency{CNY, jpy, kwd} {
			a, err := cur.Parse(s)
			if err != nil {
				continue
			}
			// Whatever parses formats to a string that parses back to it.
			back, err := cur.Parse(cur.Format(a))
			if err != nil || back != a {
				t.Fatalf("%s: %q → %d → %q → %d, %v", cur.Code, s, a, cur.Format(a), back, err)
			}
			if lim := Amount(maxWhole * cur.scale()); a > lim || a < -lim {
				t.Fatalf("%s: %q parsed beyond the bound: %d", cur.Code, s, a)
			}
		}
	})
}
