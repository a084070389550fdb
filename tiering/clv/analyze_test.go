package clv

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// A rep-sized notebook whose customers share one dropout chance: the full
// fit runs off to a, b → ∞; Analyze keeps the limiting model, says so, and
// every figure is finite.
func TestAnalyzeSameDropout(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 3))
	cs, _, _ := story(rng, 200, 0.6, 4, func() float64 { return 0.25 }, 39, 0)
	for i := range cs {
		cs[i].T, cs[i].Tx = math.Floor(cs[i].T*7)/7, math.Floor(cs[i].Tx*7)/7
		if cs[i].X > 0 {
			cs[i].Mx = 10 + 20*rng.Float64()
		}
	}
	res := Analyze(cs, nil, 0.5, Options{HorizonMonths: 12, AnnualDiscount: 0.1, Margin: 0.3})
	if res.Status != StatusFitted || !res.Fitted || !res.BG.SameDropout || res.Reason != reasonSameDropout {
		t.Fatalf("status %q, reason %q, BG %+v", res.Status, res.Reason, res.BG)
	}
	near(t, "p", res.BG.P, 0.25, 0.05)
	checkResult(t, "same dropout", cs, res)
	// The limit's likelihood is at least the full model's anywhere near it.
	h := newHistories(cs)
	lim := -h.bgObjective([]float64{math.Log(res.BG.R), math.Log(res.BG.Alpha), math.Log(res.BG.P / (1 - res.BG.P))}, nil, true, 0)
	for _, k := range []float64{100, 1e4, 1e6} {
		a, b := res.BG.P*k, (1-res.BG.P)*k
		if full := -h.bgObjective([]float64{math.Log(res.BG.R), math.Log(res.BG.Alpha), math.Log(a), math.Log(b)}, nil, false, 0); full > lim+1e-9 {
			t.Errorf("a+b = %g: log-likelihood %.9f above the limit's %.9f", k, full, lim)
		}
	}
}

// The fit the notebooks used to end in (a = 181,888, b = 11,208,747) now
// gives finite figures, those of the limit with p = a/(a+b).
func TestBoundaryFitIsFinite(t *testing.T) {
	far := BGNBD{R: 0.61, Alpha: 4.2, A: 181888, B: 11208747}
	lim := BGNBD{R: 0.61, Alpha: 4.2, SameDropout: true, P: 181888.0 / (181888 + 11208747)}
	gg := GammaGamma{P: 6.25, Q: 3.74, V: 15.44}
	for _, c := range []Customer{{X: 0, T: 30}, {X: 1, Tx: 3, T: 30, Mx: 20}, {X: 7, Tx: 28, T: 30, Mx: 35}, {X: 40, Tx: 50, T: 52, Mx: 12}} {
		f, l := Figures(far, gg, c, 12, 0.1, 0.3), Figures(lim, gg, c, 12, 0.1, 0.3)
		if !finite(f.PAlive, f.Expected90, f.CLV) || f.CLV <= 0 {
			t.Errorf("%+v: %+v", c, f)
		}
		near(t, "P(alive)", f.PAlive, l.PAlive, 1e-4)
		near(t, "E[Y(90d)]", f.Expected90, l.Expected90, 1e-4*math.Max(1, l.Expected90))
		near(t, "CLV", f.CLV, l.CLV, 1e-4*l.CLV)
	}
}

// Parameters, options and results print snake_case JSON; models saved
// before the names were set still read back.
func TestJSON(t *testing.T) {
	for _, tc := range []struct {
		v    any
		keys []string
	}{
		{BGNBD{R: 1, Alpha: 2, A: 3, B: 4}, []string{`"r":1`, `"alpha":2`, `"a":3`, `"b":4`, `"log_likelihood":0`, `"customers":0`}},
		{BGNBD{R: 1, Alpha: 2, SameDropout: true, P: 0.2}, []string{`"same_dropout":true`, `"p":0.2`}},
		{GammaGamma{P: 6.25, Q: 3.74, V: 15.44, Mean: 36}, []string{`"p":6.25`, `"q":3.74`, `"gamma":15.44`, `"mean_spend":36`}},
		{Options{HorizonMonths: 12, AnnualDiscount: 0.1, Margin: 0.3}, []string{`"horizon_months":12`, `"annual_discount":0.1`, `"margin":0.3`}},
		{Result{Status: StatusFallback, Reason: "why"}, []string{`"status":"fallback"`, `"fitted":false`, `"reason":"why"`, `"bgnbd":`, `"gamma_gamma":`, `"customers":null`}},
		{Row{ID: 7, PAlive: 0.5}, []string{`"id":7`, `"p_alive":0.5`, `"expected_purchases_90d":0`, `"expected_spend":0`, `"clv":0`}},
	} {
		b, err := json.Marshal(tc.v)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range tc.keys {
			if !strings.Contains(string(b), k) {
				t.Errorf("%s lacks %s", b, k)
			}
		}
		if strings.ContainsAny(string(b), "ABCDEFGHIJKLMNOPQRSTUVWXYZ") && !strings.Contains(string(b), "why") {
			t.Errorf("%s has capitalised keys", b)
		}
	}
	var bg BGNBD
	var gg GammaGamma
	if err := json.Unmarshal([]byte(`{"R":0.243,"Alpha":4.414,"A":0.793,"B":2.426,"LL":-9582.43,"N":2357}`), &bg); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(`{"P":6.25,"Q":3.74,"V":15.44,"LL":-1,"N":946}`), &gg); err != nil {
		t.Fatal(err)
	}
	if bg.R != 0.243 || bg.Alpha != 4.414 || bg.A != 0.793 || bg.B != 2.426 || gg.P != 6.25 || gg.Q != 3.74 || gg.V != 15.44 {
		t.Errorf("legacy JSON read as %+v %+v", bg, gg)
	}
	b, _ := json.Marshal(GammaGamma{P: 1, Q: 2, V: 3})
	if err := json.Unmarshal(b, &gg); err != nil || gg.V != 3 {
		t.Errorf("round trip %s → %+v (%v)", b, gg, err)
	}
}

// Analyze shares work between customers with the same x and T; its rows
// are exactly Figures', whose figures are exactly Expected's and Value's.
func TestAnalyzeRowsAreFigures(t *testing.T) {
	cs := cdnow(t)
	o := Options{HorizonMonths: 24, AnnualDiscount: 0.08, Margin: 0.4}
	res := Analyze(cs, nil, 0, o)
	if !res.Fitted {
		t.Fatal(res.Reason)
	}
	for i, c := range cs {
		f := Figures(res.BG, res.GG, c, 24, 0.08, 0.4)
		if res.Rows[i] != f {
			t.Fatalf("row %+v, Figures %+v", res.Rows[i], f)
		}
		if f.Expected90 != res.BG.Expected(90.0/7, c.X, c.Tx, c.T) || f.CLV != Value(res.BG, res.GG, c, 24, MonthlyRate(0.08), 0.4) {
			t.Fatalf("Figures %+v, Expected %v, Value %v", f, res.BG.Expected(90.0/7, c.X, c.Tx, c.T), Value(res.BG, res.GG, c, 24, MonthlyRate(0.08), 0.4))
		}
	}
}

// FiguresAll shares only what depends on x and T: customers with the
// same x and T but other purchase histories get their own figures, on one
// core or many, and models that are not valid know nothing.
func TestFiguresAll(t *testing.T) {
	bg := BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	gg := GammaGamma{P: 6.25, Q: 3.74, V: 15.44}
	few := []Customer{
		{ID: 1, X: 3, Tx: 10, T: 40, Mx: 20},
		{ID: 2, X: 3, Tx: 39, T: 40, Mx: 80}, // same x and T, later last purchase, bigger spend
		{ID: 3, X: 0, T: 40},
		{ID: 4, X: 3, Tx: 10, T: 41, Mx: 20},
	}
	var many []Customer // thousands of pairs: shared between cores
	for i := range 4000 {
		many = append(many, Customer{ID: int64(10 + i), X: i % 7, Tx: float64(i%50) / 3, T: 20 + float64(i)/10, Mx: float64(i % 90)})
	}
	for _, cs := range [][]Customer{few, append(few, many...)} {
		rows := FiguresAll(bg, gg, cs, 12, 0.1, 0.3)
		for i, c := range cs {
			r := rows[i]
			e90, value := bg.Expected(90.0/7, c.X, c.Tx, c.T), Value(bg, gg, c, 12, MonthlyRate(0.1), 0.3)
			if r.ID != c.ID || r.PAlive != bg.PAlive(c.X, c.Tx, c.T) || r.Expected90 != e90 || r.CLV != value {
				t.Fatalf("customer %+v: %+v, want P(alive) %v, expected %v, value %v", c, r, bg.PAlive(c.X, c.Tx, c.T), e90, value)
			}
		}
	}
	for _, r := range FiguresAll(BGNBD{}, gg, few, 12, 0.1, 0.3) {
		if r.PAlive != -1 || r.Expected90 != -1 || r.CLV != 0 {
			t.Errorf("invalid model: %+v, want unknown figures", r)
		}
	}
}
