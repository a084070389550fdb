package clv

import (
	"math"
	"math/rand/v2"
	"testing"
)

// story draws n customers from the BG/NBD story with dropout chances from
// drawP, observed for T weeks, and counts what each does in the next t
// weeks: whether they are alive at T and their purchases in (T, T+t].
func story(rng *rand.Rand, n int, r, alpha float64, drawP func() float64, T, t float64) (cs []Customer, alive []bool, future []int) {
	cs, alive, future = make([]Customer, n), make([]bool, n), make([]int, n)
	for i := range cs {
		lambda, p := gammaRand(rng, r)/alpha, drawP()
		c := Customer{ID: int64(i + 1), T: T}
		now, deadAt := 0.0, math.Inf(1)
		for {
			now += rng.ExpFloat64() / lambda
			if now > T+t {
				break
			}
			if now > T {
				future[i]++
			} else {
				c.X++
				c.Tx = now
			}
			if rng.Float64() < p {
				deadAt = now
				break
			}
		}
		alive[i] = deadAt > T
		cs[i] = c
	}
	return cs, alive, future
}

// checkBySimulation compares the model's P(alive) and E[Y(t) | x, tx, T],
// summed over simulated customers (overall and by x), with how many were
// alive and what they bought: E[Σ Y] = Σ E[Y | history], so the sums
// agree within a few standard errors.
func checkBySimulation(t *testing.T, m BGNBD, cs []Customer, alive []bool, future []int, horizon float64) {
	t.Helper()
	type sums struct{ n, pa, alive, e, y, vpa, ve float64 }
	var groups [5]sums
	for i, c := range cs {
		pa, e := m.PAlive(c.X, c.Tx, c.T), m.Expected(horizon, c.X, c.Tx, c.T)
		al := 0.0
		if alive[i] {
			al = 1
		}
		y := float64(future[i])
		for _, g := range []int{0, 1 + min(c.X, 3)} {
			s := &groups[g]
			s.n++
			s.pa += pa
			s.alive += al
			s.e += e
			s.y += y
			s.vpa += (al - pa) * (al - pa)
			s.ve += (y - e) * (y - e)
		}
	}
	for g, s := range groups {
		if s.n < 200 {
			continue
		}
		if d := math.Abs(s.pa - s.alive); d > 4*math.Sqrt(s.vpa) {
			t.Errorf("group %d (%v customers): Σ P(alive) %.1f, alive %.0f (4 s.e. %.1f)", g, s.n, s.pa, s.alive, 4*math.Sqrt(s.vpa))
		}
		if d := math.Abs(s.e - s.y); d > 4*math.Sqrt(s.ve) {
			t.Errorf("group %d (%v customers): Σ E[Y] %.1f, bought %.0f (4 s.e. %.1f)", g, s.n, s.e, s.y, 4*math.Sqrt(s.ve))
		}
	}
}

// The limiting model (a, b → ∞, a/(a+b) = p: one dropout chance for all)
// against a simulation of that story:
//
//	P(alive) = 1 / (1 + p/(1−p) · ((α+T)/(α+tx))^(r+x))     for x > 0
//	E[Y(t)]  = P(alive) · (1 − ((α+T)/(α+T+pt))^(r+x)) / p
//	L        = Γ(r+x)/Γ(r) α^r (1−p)^x [(α+T)^−(r+x) + δ p/(1−p) (α+tx)^−(r+x)]
func TestSameDropoutBySimulation(t *testing.T) {
	rng := rand.New(rand.NewPCG(2005, 1))
	const r, alpha, p, T, horizon = 0.8, 5.0, 0.15, 30.0, 26.0
	cs, alive, future := story(rng, 40000, r, alpha, func() float64 { return p }, T, horizon)
	m := BGNBD{R: r, Alpha: alpha, SameDropout: true, P: p}
	checkBySimulation(t, m, cs, alive, future, horizon)

	// The limit is the full model's: a, b = p·10⁹, (1−p)·10⁹.
	far := BGNBD{R: r, Alpha: alpha, A: p * 1e9, B: (1 - p) * 1e9}
	for _, c := range cs[:300] {
		near(t, "P(alive)", m.PAlive(c.X, c.Tx, c.T), far.PAlive(c.X, c.Tx, c.T), 1e-7)
		near(t, "E[Y]", m.Expected(horizon, c.X, c.Tx, c.T), far.Expected(horizon, c.X, c.Tx, c.T), 1e-6)
		near(t, "log-likelihood", bgLogLik(m, c), bgLogLik(far, c), 1e-5)
	}
	// The closed form of E[Y | alive] with the posterior Gamma(r+x, α+T).
	c := Customer{X: 3, Tx: 20, T: T}
	want := m.PAlive(3, 20, T) * (1 - math.Pow((alpha+T)/(alpha+T+p*horizon), r+3)) / p
	near(t, "E[Y(26) | 3, 20, 30]", m.Expected(horizon, c.X, c.Tx, c.T), want, 1e-12)

	// Fitting the limit on this notebook finds the parameters.
	h := newHistories(cs)
	th, _, ok := minimize(func(th, g []float64) float64 { return h.bgObjective(th, g, true, 0) }, []float64{0, 0, 0})
	if !ok {
		t.Fatal("limit fit failed")
	}
	near(t, "r", math.Exp(th[0]), r, 0.05)
	near(t, "alpha", math.Exp(th[1]), alpha, 0.5)
	near(t, "p", 1/(1+math.Exp(-th[2])), p, 0.01)
}

// The full model's formulas against a simulation of its story.
func TestBGNBDBySimulation(t *testing.T) {
	rng := rand.New(rand.NewPCG(2005, 2))
	const r, alpha, a, b, T, horizon = 0.5, 4.0, 0.8, 2.5, 39.0, 39.0
	drawP := func() float64 { x, y := gammaRand(rng, a), gammaRand(rng, b); return x / (x + y) }
	cs, alive, future := story(rng, 40000, r, alpha, drawP, T, horizon)
	checkBySimulation(t, BGNBD{R: r, Alpha: alpha, A: a, B: b}, cs, alive, future, horizon)
}
