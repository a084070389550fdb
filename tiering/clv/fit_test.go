package clv

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
)

// The analytic gradients against gonum's numerical differentiation, at
// points around and away from the optimum, on CDNOW and on a notebook
// with whole-day times.
func TestGradients(t *testing.T) {
	data := map[string][]Customer{"cdnow": cdnow(t), "synthetic": synthetic(3000, 9)}
	bgPoints := [][]float64{{0, 0, 0, 0}, {-1.4, 1.5, -0.2, 0.9}, {0.5, 2, 1, -1}, {-3, -1, 4, 6}}
	limitPoints := [][]float64{{0, 0, 0}, {-1.4, 1.5, -1.5}, {1, 3, 2}, {-2, 0.5, -6}}
	ggPoints := [][]float64{{0, 0, 0}, {1.8, 1.3, 2.7}, {-1, 3, 5}}
	for name, cs := range data {
		h := newHistories(cs)
		sp := newSpenders(cs)
		for _, pen := range []float64{0, 0.5} {
			for _, th := range bgPoints {
				check(t, fmt.Sprintf("%s BG/NBD penalty %g at %v", name, pen, th), th,
					func(x, g []float64) float64 { return h.bgObjective(x, g, false, pen) })
			}
			for _, th := range limitPoints {
				check(t, fmt.Sprintf("%s limit penalty %g at %v", name, pen, th), th,
					func(x, g []float64) float64 { return h.bgObjective(x, g, true, pen) })
			}
			for _, th := range ggPoints {
				check(t, fmt.Sprintf("%s Gamma-Gamma penalty %g at %v", name, pen, th), th,
					func(x, g []float64) float64 { return sp.objective(x, g, pen) })
			}
		}
	}
}

func check(t *testing.T, what string, th []float64, f func(x, g []float64) float64) {
	t.Helper()
	got := make([]float64, len(th))
	f(th, got)
	want := fd.Gradient(nil, func(x []float64) float64 { return f(x, nil) }, th,
		&fd.Settings{Formula: fd.Central, Step: 1e-5})
	for i := range th {
		if math.Abs(got[i]-want[i]) > 1e-6*math.Max(1, math.Abs(want[i])) {
			t.Errorf("%s: ∂/∂θ%d = %.10g, numerically %.10g", what, i, got[i], want[i])
		}
	}
}

// The objective over distinct histories with counts is the sum of the
// customers' log-likelihoods, worked out one customer at a time.
func TestObjectiveIsTheLikelihood(t *testing.T) {
	cs := synthetic(2000, 3)
	h := newHistories(cs)
	if len(h.x) >= len(cs) {
		t.Fatalf("%d distinct histories of %d customers: whole days should repeat some", len(h.x), len(cs))
	}
	m := BGNBD{R: 1.7, Alpha: 5.2, A: 0.8, B: 7.5}
	th := []float64{math.Log(m.R), math.Log(m.Alpha), math.Log(m.A), math.Log(m.B)}
	want := 0.0
	for _, c := range cs {
		want += bgLogLik(m, c)
	}
	if got := -h.bgObjective(th, nil, false, 0) * float64(len(cs)); math.Abs(got-want) > 1e-9*math.Abs(want) {
		t.Errorf("objective %.10f, customer by customer %.10f", got, want)
	}
	lim := BGNBD{R: 1.7, Alpha: 5.2, SameDropout: true, P: 0.09}
	th = []float64{math.Log(lim.R), math.Log(lim.Alpha), math.Log(0.09 / 0.91)}
	want = 0
	for _, c := range cs {
		want += bgLogLik(lim, c)
	}
	if got := -h.bgObjective(th, nil, true, 0) * float64(len(cs)); math.Abs(got-want) > 1e-9*math.Abs(want) {
		t.Errorf("limit objective %.10f, customer by customer %.10f", got, want)
	}
}

// bgLogLik is one customer's BG/NBD log-likelihood straight from the
// paper's equation (6), with Γ and B through math.Lgamma; in the limit
// B(a, b+x)/B(a, b) → (1−p)^x and a/(b+x−1) → p/(1−p).
func bgLogLik(m BGNBD, c Customer) float64 {
	lg := func(v float64) float64 { l, _ := math.Lgamma(v); return l }
	x := float64(c.X)
	r, al := m.R, m.Alpha
	base := lg(r+x) - lg(r) + r*math.Log(al)
	var ratio, odds float64
	if m.SameDropout {
		ratio, odds = math.Pow(1-m.P, x), m.P/(1-m.P)
	} else {
		ratio = math.Exp(lg(m.A) + lg(m.B+x) - lg(m.A+m.B+x) - lg(m.A) - lg(m.B) + lg(m.A+m.B))
		odds = m.A / (m.B + x - 1)
	}
	l := math.Pow(al+c.T, -(r + x))
	if c.X > 0 {
		l += odds * math.Pow(al+c.Tx, -(r+x))
	}
	return base + math.Log(ratio*l)
}

// Fits are bit-identical run to run and whatever the order of customers.
func TestFitsAreReproducible(t *testing.T) {
	cs := synthetic(5000, 11)
	bg1, err1 := FitBGNBD(cs, FitOptions{})
	gg1, err2 := FitGammaGamma(cs, FitOptions{})
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	rng := rand.New(rand.NewPCG(5, 5))
	for range 3 {
		shuffled := append([]Customer(nil), cs...)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		bg2, _ := FitBGNBD(shuffled, FitOptions{})
		gg2, _ := FitGammaGamma(shuffled, FitOptions{})
		if bg1 != bg2 || gg1 != gg2 {
			t.Fatalf("fits differ:\n%+v\n%+v\n%+v\n%+v", bg1, bg2, gg1, gg2)
		}
	}
}

// Customers whose purchases all share one mean spend: the Gamma-Gamma fit
// runs off to q → ∞ and the model is the pooled limit, whose maximum-
// likelihood expected spend is Σ x·m / Σ x for everyone.
func TestGammaGammaPooled(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 9))
	var cs []Customer
	sum, n := 0.0, 0.0
	for i := range 400 {
		x := 1 + rng.IntN(5)
		s := 0.0
		for range x {
			s += gammaRand(rng, 4) / 0.2 // mean 20 for everyone
		}
		cs = append(cs, Customer{ID: int64(i + 1), X: x, Tx: 10, T: 20, Mx: s / float64(x)})
		sum, n = sum+s, n+float64(x)
	}
	gg, err := FitGammaGamma(cs, FitOptions{})
	if err != nil || !gg.Pooled || gg.N != 400 {
		t.Fatalf("%+v %v", gg, err)
	}
	near(t, "pooled mean", gg.Mean, sum/n, 1e-9)
	for _, c := range []Customer{{}, {X: 3, Mx: 100}, {X: 1, Mx: 2}} {
		near(t, "expected spend", gg.ExpectedSpend(c.X, c.Mx), sum/n, 1e-9)
	}
}
