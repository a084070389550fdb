package clv

import (
	"bufio"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// cdnow loads the public CDNOW sample as calibration summaries ending
// 1997-09-30: repeat purchase days, recency and age in weeks, mean repeat spend.
func cdnow(t testing.TB) []Customer {
	f, err := os.Open(filepath.Join("testdata", "cdnow", "CDNOW_sample.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	end := time.Date(1997, 9, 30, 0, 0, 0, 0, time.UTC)
	type day struct {
		d     time.Time
		spend float64
	}
	byID := map[int64]map[time.Time]float64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		id, _ := strconv.ParseInt(fs[0], 10, 64)
		d, _ := time.Parse("20060102", fs[2])
		usd, _ := strconv.ParseFloat(fs[4], 64)
		if d.After(end) {
			continue
		}
		if byID[id] == nil {
			byID[id] = map[time.Time]float64{}
		}
		byID[id][d] += usd
	}
	var out []Customer
	for id, days := range byID {
		var ds []day
		for d, s := range days {
			ds = append(ds, day{d, s})
		}
		sort.Slice(ds, func(i, j int) bool { return ds[i].d.Before(ds[j].d) })
		c := Customer{ID: id, X: len(ds) - 1}
		c.T = end.Sub(ds[0].d).Hours() / 24 / 7
		c.Tx = ds[len(ds)-1].d.Sub(ds[0].d).Hours() / 24 / 7
		if c.X > 0 {
			s := 0.0
			for _, d := range ds[1:] {
				s += d.spend
			}
			c.Mx = s / float64(c.X)
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %.4f, want %.4f ± %g", what, got, want, tol)
	}
}

// The published estimates on CDNOW (Fader, Hardie & Lee 2005): r 0.243,
// α 4.414, a 0.793, b 2.426, LL −9582.43; Gamma-Gamma on the 946 repeat
// buyers p 6.25, q 3.74, γ 15.44.
func TestCDNOW(t *testing.T) {
	cs := cdnow(t)
	if len(cs) != 2357 {
		t.Fatalf("%d customers, want 2357", len(cs))
	}
	bg, err := FitBGNBD(cs, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "r", bg.R, 0.243, 0.002)
	near(t, "alpha", bg.Alpha, 4.414, 0.02)
	near(t, "a", bg.A, 0.793, 0.005)
	near(t, "b", bg.B, 2.426, 0.02)
	near(t, "log-likelihood", bg.LL, -9582.43, 0.05)
	repeat := 0
	for _, c := range cs {
		if c.X > 0 {
			repeat++
		}
	}
	if repeat != 946 {
		t.Errorf("%d repeat buyers, want 946", repeat)
	}
	gg, err := FitGammaGamma(cs, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "p", gg.P, 6.25, 0.02)
	near(t, "q", gg.Q, 3.74, 0.02)
	near(t, "gamma", gg.V, 15.44, 0.1)
}

// Formulas against independent values worked out from the papers'
// closed forms at the published CDNOW parameters.
func TestFormulas(t *testing.T) {
	m := BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	// P(alive) for x=2, tx=30.43, T=38.86 (customer 1 of the CDNOW summary):
	// 1/(1 + a/(b+x−1) · ((α+T)/(α+tx))^(r+x)).
	lo := math.Log(0.793/(2.426+1)) + (0.243+2)*math.Log((4.414+38.86)/(4.414+30.43))
	near(t, "P(alive)", m.PAlive(2, 30.43, 38.86), 1/(1+math.Exp(lo)), 1e-12)
	if m.PAlive(0, 0, 38.86) != 1 {
		t.Error("a customer without repeat purchases is alive by the model")
	}
	// The Euler-transformed 2F1 equals the direct series where both converge.
	a, b, c, z := 2.243, 4.426, 5.219, 0.3
	direct := refHyp2f1(a, b, c, z)
	euler := math.Pow(1-z, c-a-b) * refHyp2f1(c-a, c-b, c, z)
	near(t, "2F1 Euler", euler, direct, 1e-10)
	// E[X(t)] of a new customer at t=39 weeks by the untransformed closed form.
	z39 := 39 / (4.414 + 39)
	direct39 := (0.793 + 2.426 - 1) / (0.793 - 1) * (1 - math.Pow(4.414/(4.414+39), 0.243)*refHyp2f1(0.243, 2.426, 0.793+2.426-1, z39))
	near(t, "E[X(39)]", m.ExpectedNew(39), direct39, 1e-9)
	// The same for a customer with history, where the direct series still converges.
	zc := 52 / (4.414 + 38.86 + 52)
	num := (0.793 + 2.426 + 2 - 1) / (0.793 - 1) * (1 - math.Pow((4.414+38.86)/(4.414+38.86+52), 0.243+2)*
		refHyp2f1(0.243+2, 2.426+2, 0.793+2.426+2-1, zc))
	den := 1 + 0.793/(2.426+2-1)*math.Pow((4.414+38.86)/(4.414+30.43), 0.243+2)
	near(t, "E[Y(52)|x=2]", m.Expected(52, 2, 30.43, 38.86), num/den, 1e-9)
	// Large x does not overflow and stays finite and positive.
	for _, x := range []int{0, 1, 10, 1000, 100000} {
		e := m.Expected(52, x, 100, 104)
		if math.IsNaN(e) || math.IsInf(e, 0) || e < 0 {
			t.Errorf("Expected with x=%d is %v", x, e)
		}
		p := m.PAlive(x, 100, 104)
		if math.IsNaN(p) || p < 0 || p > 1 {
			t.Errorf("PAlive with x=%d is %v", x, p)
		}
	}
	// a ≈ 1 is guarded.
	m1 := BGNBD{R: 0.5, Alpha: 5, A: 1, B: 2}
	if e := m1.Expected(10, 3, 20, 30); math.IsNaN(e) || math.IsInf(e, 0) {
		t.Errorf("a=1 gives %v", e)
	}
	// Gamma-Gamma conditional spend: p(γ + x m)/(px + q − 1).
	g := GammaGamma{P: 6.25, Q: 3.74, V: 15.44}
	near(t, "E[M]", g.ExpectedSpend(2, 30), 6.25*(15.44+60)/(12.5+2.74), 1e-9)
	// The simple formula: m·r/(1+i−r) over an endless horizon (a century
	// is near it), each year's margin over a finite one, a month's
	// twelfth of a year; finite when every customer stays undiscounted.
	near(t, "simple CLV, a century", SimpleValue(100, 0.8, 0.1, 1200), 100*0.8/0.3, 1e-9)
	near(t, "simple CLV, 2 years", SimpleValue(100, 0.8, 0.1, 24), 100*(0.8/1.1+0.8*0.8/1.1/1.1), 1e-9)
	near(t, "simple CLV, a month", SimpleValue(120, 0.8, 0.1, 1), 10*0.8/1.1, 1e-9)
	near(t, "simple CLV, 18 months", SimpleValue(100, 0.8, 0, 18), 100*(0.8+0.5*0.64), 1e-9)
	near(t, "simple CLV, all kept, no discount", SimpleValue(100, 1, 0, 36), 300, 1e-9)
	if v := SimpleValue(100, 0.8, 0.1, 12); !(v < SimpleValue(100, 0.8, 0.1, 24)) {
		t.Errorf("a longer horizon is worth no more: %v", v)
	}
}

// simulate draws customers from the BG/NBD story with known parameters.
func simulate(rng *rand.Rand, n int, r, alpha, a, b, T float64) []Customer {
	gamma := func(shape, scale float64) float64 { return gammaRand(rng, shape) * scale }
	beta := func(a, b float64) float64 {
		x, y := gammaRand(rng, a), gammaRand(rng, b)
		return x / (x + y)
	}
	out := make([]Customer, n)
	for i := range out {
		lambda := gamma(r, 1/alpha)
		p := beta(a, b)
		t, x, tx := 0.0, 0, 0.0
		for {
			t += rng.ExpFloat64() / lambda
			if t > T {
				break
			}
			x++
			tx = t
			if rng.Float64() < p {
				break
			}
		}
		out[i] = Customer{ID: int64(i), X: x, Tx: tx, T: T}
	}
	return out
}

// gammaRand draws Gamma(shape, 1) (Marsaglia–Tsang, with the boost for shape < 1).
func gammaRand(rng *rand.Rand, k float64) float64 {
	if k < 1 {
		return gammaRand(rng, k+1) * math.Pow(rng.Float64(), 1/k)
	}
	d := k - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := rng.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := rng.Float64()
		if math.Log(u) < 0.5*x*x+d-d*v+d*math.Log(v) {
			return d * v
		}
	}
}

func TestParameterRecovery(t *testing.T) {
	rng := rand.New(rand.NewPCG(42, 1))
	cs := simulate(rng, 8000, 0.5, 6, 0.7, 3, 52)
	bg, err := FitBGNBD(cs, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "r", bg.R, 0.5, 0.08)
	near(t, "alpha", bg.Alpha, 6, 1.2)
	near(t, "a", bg.A, 0.7, 0.25)
	near(t, "b", bg.B, 3, 1.2)
}

func BenchmarkFitBGNBD(b *testing.B) {
	cs := cdnow(b)
	for i := 0; i < b.N; i++ {
		FitBGNBD(cs, FitOptions{})
	}
}

func TestAnalyzeGuardrails(t *testing.T) {
	few := []Customer{{ID: 1, X: 2, Tx: 10, T: 20, Mx: 50}, {ID: 2, X: 0, T: 5}}
	res := Analyze(few, map[int64]float64{1: 1000, 2: 100}, 0.6, Options{AnnualDiscount: 0.1, Margin: 0.3})
	if res.Fitted || res.Status != StatusTooLittleData || res.Reason != "only 2 buying customers (the models need at least 100)" {
		t.Errorf("guardrail: %+v", res)
	}
	// Simple CLV over the default 12 months, m = 1000·0.3, r = 0.6, i = 0.1.
	near(t, "simple CLV", res.Rows[0].CLV, 300*0.6/1.1, 1e-9)
	if res.Rows[0].PAlive != -1 {
		t.Errorf("unfitted P(alive) should be unknown (-1), got %v", res.Rows[0].PAlive)
	}
	// 120 customers, 20 of them repeat buyers.
	var some []Customer
	for i := range 120 {
		c := Customer{ID: int64(i + 1), T: 30}
		if i < 20 {
			c.X, c.Tx, c.Mx = 2, 10, 40
		}
		some = append(some, c)
	}
	res = Analyze(some, nil, 0.6, Options{})
	if res.Fitted || res.Status != StatusTooLittleData || res.Reason != "only 20 repeat buyers (the models need at least 30)" {
		t.Errorf("guardrail: %s %q", res.Status, res.Reason)
	}
	cs := cdnow(t)
	res = Analyze(cs, nil, 0, Options{HorizonMonths: 12, AnnualDiscount: 0.1, Margin: 0.3})
	if !res.Fitted || res.Status != StatusFitted || res.Reason != "" || res.BG.SameDropout || res.GG.Pooled {
		t.Fatalf("CDNOW not fitted plainly: %s %q", res.Status, res.Reason)
	}
	near(t, "mean spend", res.GG.Mean, res.GG.P*res.GG.V/(res.GG.Q-1), 1e-9)
	for _, r := range res.Rows {
		if r.PAlive < 0 || r.PAlive > 1 || r.CLV < 0 || r.Expected90 < 0 {
			t.Fatalf("row %+v out of range", r)
		}
	}
}
