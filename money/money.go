// Package money is rolo's one money type: amounts in minor units of the
// notebook currency (fen, cents; whole yen for JPY), parsed and formatted
// with that currency's decimals. Floats appear only at the boundary of the
// lifetime-value maths (Float, FromFloat).
//
// It imports nothing of rolo and does no I/O.
package money

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
)

// Amount is a sum of money in minor units of the notebook currency.
type Amount int64

// Currency is a notebook currency: its ISO 4217 code and the number of
// decimals its minor unit has.
type Currency struct {
	Code     string
	Decimals int
}

// zeroDecimal and threeDecimal list the ISO 4217 currencies whose minor
// unit is not a hundredth.
var (
	zeroDecimal  = []string{"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"}
	threeDecimal = []string{"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"}
)

// Lookup returns the currency of a three-letter code: CNY, USD and most
// others have two decimals, JPY and KRW none, BHD and KWD three.
func Lookup(code string) (Currency, error) {
	if len(code) != 3 || strings.ToUpper(code) != code || strings.IndexFunc(code, func(r rune) bool { return r < 'A' || r > 'Z' }) >= 0 {
		if up := strings.ToUpper(code); len(up) == 3 && strings.IndexFunc(up, func(r rune) bool { return r < 'A' || r > 'Z' }) < 0 {
			return Currency{}, fmt.Errorf("currency %q: write the code in capitals: %s", code, up)
		}
		return Currency{}, fmt.Errorf("currency %q: write a three-letter code such as CNY, USD or JPY", code)
	}
	c := Currency{Code: code, Decimals: 2}
	for _, z := range zeroDecimal {
		if z == code {
			c.Decimals = 0
		}
	}
	for _, t := range threeDecimal {
		if t == code {
			c.Decimals = 3
		}
	}
	return c, nil
}

// CNY is the default notebook currency.
var CNY = Currency{Code: "CNY", Decimals: 2}

// scale is 10^Decimals.
func (c Currency) scale() int64 {
	s := int64(1)
	for range c.Decimals {
		s *= 10
	}
	return s
}

// Format writes a as a plain decimal string: 123450 → "1234.50" (CNY),
// 1280 → "1280" (JPY).
func (c Currency) Format(a Amount) string {
	return string(c.AppendFormat(nil, a))
}

// AppendFormat appends Format(a) to b.
func (c Currency) AppendFormat(b []byte, a Amount) []byte {
	u := uint64(a)
	if a < 0 {
		b = append(b, '-')
		u = uint64(-a)
		if a == math.MinInt64 {
			u = 1 << 63
		}
	}
	s := uint64(c.scale())
	b = strconv.AppendUint(b, u/s, 10)
	if c.Decimals == 0 {
		return b
	}
	frac := u % s
	b = append(b, '.')
	for d := s / 10; d > 0; d /= 10 {
		b = append(b, byte('0'+frac/d%10))
	}
	return b
}

// Grouped is Format with thousands separated, for people: "1,234,567.89".
func (c Currency) Grouped(a Amount) string {
	s := c.Format(a)
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	b.WriteString(sign)
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if hasFrac {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

// ErrSyntax is wrapped by every Parse error.
var ErrSyntax = errors.New("not an amount")

// SyntaxError says why a text is not an amount.
type SyntaxError struct {
	Input, Why, Example string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%q is not an amount (%s); write it like %s", e.Input, e.Why, e.Example)
}

// Is makes errors.Is(err, ErrSyntax) hold.
func (e *SyntaxError) Is(target error) bool { return target == ErrSyntax }

// Example is how an amount is written in the currency: 1234.50, 1234.
func (c Currency) Example() string {
	if c.Decimals == 0 {
		return "1234"
	}
	return "1234." + "50000"[:c.Decimals]
}

// maxWhole bounds the whole part of a parsed amount: a trillion and more
// is a typing mistake, and it keeps every sum of amounts far from overflow.
const maxWhole = 1_000_000_000_000

// Parse reads an amount such as 1234, 1,234.50, ¥88.8 or -5 into minor
// units. More decimals than the currency has is an error, except trailing
// zeros and the noise of a spreadsheet's floating point
// (0.0099999999999999999998 is 0.01): a value within a millionth of a
// minor unit rounds to it.
func (c Currency) Parse(s string) (Amount, error) {
	in := strings.TrimSpace(s)
	bad := func(why string) (Amount, error) {
		return 0, &SyntaxError{Input: s, Why: why, Example: c.Example()}
	}
	neg := false
	if strings.HasPrefix(in, "-") {
		neg, in = true, in[1:]
	}
	in = strings.TrimLeftFunc(in, func(r rune) bool { return strings.ContainsRune("¥￥$€£", r) || unicode.IsSpace(r) })
	if strings.HasPrefix(in, "-") && !neg {
		neg, in = true, in[1:]
	}
	in = strings.TrimSpace(strings.TrimSuffix(in, "元"))
	if in == "" {
		return bad("empty")
	}
	whole, frac, hasDot := strings.Cut(in, ".")
	if hasDot && frac == "" {
		return bad("nothing after the decimal point")
	}
	if strings.Contains(whole, ",") {
		groups := strings.Split(whole, ",")
		for i, g := range groups {
			if (i == 0 && (len(g) == 0 || len(g) > 3)) || (i > 0 && len(g) != 3) {
				return bad("misplaced thousands separator")
			}
		}
		whole = strings.Join(groups, "")
	}
	if whole == "" {
		whole = "0"
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return bad("unexpected character")
		}
	}
	if len(whole) > 13 {
		return bad("too large")
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	if w >= maxWhole {
		return bad("too large")
	}
	var f int64
	if len(frac) <= c.Decimals {
		f, _ = strconv.ParseInt((frac + "000000000")[:c.Decimals], 10, 64)
	} else {
		// More digits than the currency has: only zeros, or floating-point
		// noise within a millionth of a minor unit, may follow.
		keep, rest := frac[:c.Decimals], frac[c.Decimals:]
		if keep != "" {
			f, _ = strconv.ParseInt(keep, 10, 64)
		}
		if len(rest) > 30 {
			rest = rest[:30]
		}
		r, _ := strconv.ParseFloat("0."+rest, 64)
		switch {
		case r <= 1e-6:
		case r >= 1-1e-6:
			f++ // 0.0099999999999 → 0.01
		default:
			if c.Decimals == 0 {
				return bad(c.Code + " has no decimals")
			}
			return bad(fmt.Sprintf("more than %d decimals", c.Decimals))
		}
	}
	v := w*c.scale() + f
	if neg {
		v = -v
	}
	return Amount(v), nil
}

// Limit bounds amounts computed from floats (lifetime values): a hundred
// billion in currency units, far beyond any customer and far from int64
// overflow.
const Limit = 100_000_000_000

// Float is a in currency units, for the lifetime-value maths.
func (c Currency) Float(a Amount) float64 { return float64(a) / float64(c.scale()) }

// FromFloat rounds f (in currency units) to minor units. ok is false for
// NaN, infinities and values beyond ±Limit, which are never turned into money.
func (c Currency) FromFloat(f float64) (a Amount, ok bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > Limit {
		return 0, false
	}
	return Amount(math.Round(f * float64(c.scale()))), true
}

// Decimal is an amount with its currency, as JSON writes money everywhere:
// a decimal string in the notebook currency ("1280.50").
type Decimal struct {
	Amount   Amount
	Currency Currency
}

// In pairs an amount with the currency it is written in.
func (c Currency) In(a Amount) Decimal { return Decimal{a, c} }

// Opt is In for an optional amount: nil stays nil (JSON null).
func (c Currency) Opt(a *Amount) *Decimal {
	if a == nil {
		return nil
	}
	d := c.In(*a)
	return &d
}

// String is the plain decimal form.
func (d Decimal) String() string { return d.Currency.Format(d.Amount) }

// MarshalJSON writes the decimal string.
func (d Decimal) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 24)
	b = append(b, '"')
	b = d.Currency.AppendFormat(b, d.Amount)
	return append(b, '"'), nil
}

var _ json.Marshaler = Decimal{}
