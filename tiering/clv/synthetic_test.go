package clv

import (
	"math"
	"math/rand/v2"
)

// synthetic draws a deterministic notebook of n customers from the BG/NBD
// and Gamma-Gamma stories with known parameters, the way a notebook
// records them: purchases on whole days (several on one day count once),
// first purchases spread over two years that end on day 730, times in
// whole days / 7, and the mean spend of the repeat days.
func synthetic(n int, seed uint64) []Customer {
	const (
		r, alpha, a, b = 2.0, 6.0, 1.0, 10.0 // a purchase every 3 weeks, ~10 before dropping out
		p, q, gamma    = 6.0, 4.0, 15.0      // mean spend pγ/(q−1) = 30
		days           = 730
	)
	rng := rand.New(rand.NewPCG(seed, 7))
	out := make([]Customer, n)
	for i := range out {
		first := rng.IntN(days)
		lambda := gammaRand(rng, r) / alpha
		pd := gammaRand(rng, a)
		pd /= pd + gammaRand(rng, b)
		nu := gammaRand(rng, q) / gamma
		x, last, t, spend := 0, first, float64(first)/7, 0.0
		for {
			t += rng.ExpFloat64() / lambda
			d := int(math.Floor(t * 7))
			if d >= days {
				break
			}
			if d > last {
				x++
				last = d
				spend += gammaRand(rng, p) / nu
			}
			if rng.Float64() < pd {
				break
			}
		}
		c := Customer{ID: int64(i + 1), X: x, Tx: float64(last-first) / 7, T: float64(days-first) / 7}
		if x > 0 {
			c.Mx = spend / float64(x)
		}
		out[i] = c
	}
	return out
}
