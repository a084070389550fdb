package clv

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// notebook draws a small notebook of one kind, including pathological ones.
func notebook(rng *rand.Rand, kind string, n int) []Customer {
	days := func(w float64) float64 { return math.Floor(w*7) / 7 } // whole days, in weeks
	spend := func(c *Customer) {
		if c.X > 0 {
			c.Mx = math.Round(gammaRand(rng, 2)*1500) / 100
		}
	}
	beta := func(a, b float64) func() float64 {
		return func() float64 { x, y := gammaRand(rng, a), gammaRand(rng, b); return x / (x + y) }
	}
	var cs []Customer
	switch kind {
	case "bgnbd", "same dropout", "same rate", "huge spender", "zero spend", "frequent":
		r, alpha, drawP := 0.2+2*rng.Float64(), 1+10*rng.Float64(), beta(0.3+2*rng.Float64(), 1+5*rng.Float64())
		switch kind {
		case "same dropout":
			p := 0.05 + 0.5*rng.Float64()
			drawP = func() float64 { return p }
		case "same rate":
			r, alpha = 1e6, 1e6/(0.05+rng.Float64())
		case "frequent":
			r, alpha = 50, 5
		}
		cs, _, _ = story(rng, n, r, alpha, drawP, 52, 0)
		for i := range cs { // first purchases spread over a year
			start := days(52 * rng.Float64())
			cs[i].T = days(cs[i].T - start)
			cs[i].Tx = math.Min(days(cs[i].Tx), cs[i].T)
			if cs[i].Tx > cs[i].T || cs[i].X == 0 {
				cs[i].Tx = 0
			}
			spend(&cs[i])
		}
		switch kind {
		case "huge spender":
			cs[rng.IntN(len(cs))].Mx = 1e13
			cs[0].X, cs[0].Tx, cs[0].T, cs[0].Mx = 3, 10, 20, 1e15
		case "zero spend":
			for i := range cs {
				cs[i].Mx = 0
			}
		}
	case "bought once", "same day", "identical", "tiny times", "garbage":
		cs = make([]Customer, n)
		for i := range cs {
			c := Customer{ID: int64(i + 1)}
			switch kind {
			case "bought once":
				c.T = days(52 * rng.Float64())
			case "same day":
			case "identical":
				c.X, c.Tx, c.T, c.Mx = 3, 10, 20, 25
			case "tiny times":
				c.X, c.T = rng.IntN(6), days(rng.Float64())
				c.Tx = days(c.T * rng.Float64())
				spend(&c)
			case "garbage":
				pick := []float64{math.NaN(), math.Inf(1), math.Inf(-1), -5, 0, 1e300, 1e-300, 3, 40}
				c.X = []int{-3, 0, 1, 5, 1 << 20}[rng.IntN(5)]
				c.Tx, c.T, c.Mx = pick[rng.IntN(len(pick))], pick[rng.IntN(len(pick))], pick[rng.IntN(len(pick))]
			}
			cs[i] = c
		}
	}
	for i := range cs {
		cs[i].ID = int64(i + 1)
	}
	return cs
}

var kinds = []string{"bgnbd", "same dropout", "same rate", "huge spender", "zero spend", "frequent",
	"bought once", "same day", "identical", "tiny times", "garbage"}

// Whatever the notebook, Analyze returns finite figures in range.
func TestAnalyzeProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(77, 1))
	seen := map[Status]int{}
	for i := range 200 {
		kind := kinds[i%len(kinds)]
		n := 5 + rng.IntN(496)
		if i%3 == 0 {
			n = 100 + rng.IntN(401) // enough to fit more often
		}
		cs := notebook(rng, kind, n)
		annual := map[int64]float64{}
		for _, c := range cs {
			annual[c.ID] = []float64{0, 120, 1e6, 1e14, math.NaN(), math.Inf(1), -50}[rng.IntN(7)]
		}
		retention := []float64{0, 0.6, 1, 1.5, -0.2, math.NaN()}[rng.IntN(6)]
		o := Options{HorizonMonths: []int{-5, 0, 1, 12, 36, 121}[rng.IntN(6)], AnnualDiscount: []float64{0, 0.1, -0.5, 3, math.NaN()}[rng.IntN(5)],
			Margin: []float64{0, 0.3, 1, -1, math.Inf(1)}[rng.IntN(5)]}
		res := Analyze(cs, annual, retention, o)
		seen[res.Status]++
		checkResult(t, fmt.Sprintf("case %d (%s, %d customers)", i, kind, n), cs, res)
	}
	t.Logf("statuses: %v", seen)
	if seen[StatusFitted] == 0 || seen[StatusTooLittleData] == 0 {
		t.Errorf("the cases should reach fitted and too-little-data: %v", seen)
	}
}

func checkResult(t *testing.T, what string, cs []Customer, res Result) {
	t.Helper()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Errorf("%s: %s\nreason %q, BG %+v, GG %+v", what, fmt.Sprintf(format, args...), res.Reason, res.BG, res.GG)
	}
	switch res.Status {
	case StatusFitted, StatusFallback, StatusTooLittleData:
	default:
		fail("status %q", res.Status)
	}
	if res.Fitted != (res.Status == StatusFitted) || (!res.Fitted && res.Reason == "") {
		fail("fitted %v, status %q, reason %q", res.Fitted, res.Status, res.Reason)
	}
	bg, gg := res.BG, res.GG
	if !finite(bg.R, bg.Alpha, bg.A, bg.B, bg.P, bg.LL, gg.P, gg.Q, gg.V, gg.Mean, gg.LL, res.Retention) ||
		res.Retention < 0 || res.Retention > 1 {
		fail("parameters not finite")
	}
	if _, err := json.Marshal(res); err != nil {
		fail("JSON: %v", err)
	}
	if len(res.Rows) != len(cs) {
		fail("%d rows for %d customers", len(res.Rows), len(cs))
		return
	}
	for i, r := range res.Rows {
		if r.ID != cs[i].ID || !finite(r.PAlive, r.Expected90, r.ExpectedSpend, r.CLV) {
			fail("row %+v", r)
			return
		}
		unknown := r.PAlive == -1 && r.Expected90 == -1 && r.ExpectedSpend == -1
		if res.Fitted && (unknown || r.PAlive < 0 || r.PAlive > 1 || r.Expected90 < 0 || r.ExpectedSpend < 0 || r.CLV < 0) ||
			!res.Fitted && !unknown {
			fail("row %+v out of range", r)
			return
		}
		if math.Abs(r.CLV) > MaxValue || math.Abs(r.CLV*100) >= math.MaxInt64/1000 || r.ExpectedSpend > MaxValue {
			fail("row %+v: money out of bounds", r)
			return
		}
	}
}

// The formulas stay finite and in range for any model and any history,
// fitted or not.
func FuzzFormulas(f *testing.F) {
	f.Add(0.243, 4.414, 0.793, 2.426, false, 0.0, 2, 30.43, 38.86, 52.0, 6.25, 3.74, 15.44, 30.0)
	f.Add(0.5, 5.0, 1.0, 2.0, false, 0.0, 3, 20.0, 30.0, 10.0, 1.0, 1.0, 1.0, 0.0)
	f.Add(1e6, 1e7, 1e-9, 1e9, false, 0.0, 100000, 100.0, 104.0, 520.0, 1e-9, 1e9, 1e-9, 1e15)
	f.Add(0.8, 5.0, 0.0, 0.0, true, 0.15, 4, 12.0, 30.0, 26.0, 0.0, 0.0, 0.0, 12.0)
	f.Add(0.8, 5.0, 0.0, 0.0, true, 1.0, 4, 12.0, 30.0, 26.0, 2.0, 0.5, 3.0, 12.0)
	f.Add(0.05, 0.2, 0.05, 0.1, false, 0.0, 0, 0.0, 0.0, 520.0, 6.0, 4.0, 15.0, 1.0)
	f.Add(30.0, 0.2, 0.05, 0.1, false, 0.0, 200, 0.0, 0.0, 520.0, 6.0, 4.0, 15.0, 1.0)
	f.Add(math.NaN(), -1.0, math.Inf(1), 0.0, false, math.NaN(), -4, math.NaN(), math.Inf(1), math.Inf(1), math.NaN(), -1.0, 0.0, math.Inf(-1))
	f.Fuzz(func(t *testing.T, r, alpha, a, b float64, same bool, p float64, x int, tx, T, horizon, gp, gq, gv, mx float64) {
		if x > 1e6 || x < -1e6 {
			x %= 1000000 // longer histories only make the series slower
		}
		bg := BGNBD{R: r, Alpha: alpha, A: a, B: b, SameDropout: same, P: p}
		gg := GammaGamma{P: gp, Q: gq, V: gv}
		c := Customer{ID: 1, X: x, Tx: tx, T: T, Mx: mx}
		pa, e, en := bg.PAlive(x, tx, T), bg.Expected(horizon, x, tx, T), bg.ExpectedNew(horizon)
		s, v := gg.ExpectedSpend(x, mx), Value(bg, gg, c, 24, MonthlyRate(0.1), 0.3)
		ll := bg.LogLikelihood([]Customer{c})
		row := Figures(bg, gg, c, 12, 0.1, 0.3)
		if !finite(pa, e, en, s, v, ll, row.PAlive, row.Expected90, row.ExpectedSpend, row.CLV, SimpleValue(mx, r, a, 24), MonthlyRate(r)) {
			t.Fatalf("not finite: P(alive) %v, E %v, E new %v, spend %v, value %v, LL %v, row %+v", pa, e, en, s, v, ll, row)
		}
		if pa < 0 || pa > 1 || e < 0 || en < 0 || s < 0 || s > MaxValue || math.Abs(v) > MaxValue {
			t.Fatalf("out of range: P(alive) %v, E %v, E new %v, spend %v, value %v", pa, e, en, s, v)
		}
	})
}
