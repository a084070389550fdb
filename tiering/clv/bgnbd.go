package clv

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// BGNBD holds BG/NBD parameters: purchase rates λ ~ Gamma(R, Alpha) while
// alive, and after each purchase a dropout probability p ~ Beta(A, B).
//
// With SameDropout set it is the model's limit as A, B → ∞ with
// A/(A+B) = P: every customer drops out with the same probability P after
// each purchase (A and B are then 0 and unused). Fits land there when the
// data cannot tell customers' dropout chances apart.
type BGNBD struct {
	R           float64 `json:"r"`
	Alpha       float64 `json:"alpha"`
	A           float64 `json:"a"`
	B           float64 `json:"b"`
	SameDropout bool    `json:"same_dropout,omitempty"`
	P           float64 `json:"p,omitempty"`
	LL          float64 `json:"log_likelihood"` // at the fit
	N           int     `json:"customers"`      // customers fitted on
}

// valid reports whether the parameters describe a model at all (a fit
// always does; a zero or hand-made value may not).
func (m BGNBD) valid() bool {
	if !(m.R > 0 && m.Alpha > 0) || !finite(m.R, m.Alpha) {
		return false
	}
	if m.SameDropout {
		return m.P >= 0 && m.P <= 1
	}
	return m.A > 0 && m.B > 0 && finite(m.A, m.B)
}

// history cleans (x, tx, T) like clean.
func history(x int, tx, T float64) (int, float64, float64) {
	c := clean(Customer{X: x, Tx: tx, T: T})
	return c.X, c.Tx, c.T
}

// logOdds of being dead rather than alive, for x > 0:
// a/(b+x−1) · ((α+T)/(α+tx))^(r+x), or p/(1−p) · … in the limit.
func (m BGNBD) logOdds(x int, tx, T float64) float64 {
	xf := float64(x)
	var l float64
	if m.SameDropout {
		l = math.Log(m.P) - math.Log1p(-m.P)
	} else {
		l = math.Log(m.A) - math.Log(m.B+xf-1)
	}
	return l + (m.R+xf)*math.Log1p((T-tx)/(m.Alpha+tx))
}

// PAlive is the probability that a customer with history (x, tx, T) is
// still active, computed from log-odds so it never overflows. It is 1 for
// a model that is not valid (no evidence the customer left).
func (m BGNBD) PAlive(x int, tx, T float64) float64 {
	x, tx, T = history(x, tx, T)
	if x == 0 || !m.valid() {
		return 1
	}
	lo := m.logOdds(x, tx, T)
	if math.IsNaN(lo) {
		return 1
	}
	if lo > 0 {
		e := math.Exp(-lo)
		return e / (1 + e)
	}
	return 1 / (1 + math.Exp(lo))
}

// Expected is the expected number of purchases in the next t weeks of a
// customer with history (x, tx, T): P(alive) times the purchases of a
// customer known to be alive. It is 0 for a model that is not valid.
func (m BGNBD) Expected(t float64, x int, tx, T float64) float64 {
	x, tx, T = history(x, tx, T)
	t = nonNeg(t)
	if !m.valid() || t == 0 {
		return 0
	}
	return m.PAlive(x, tx, T) * m.expectedAlive(t, x, T)
}

// ExpectedNew is the expected number of purchases in t weeks of a new
// customer (E[X(t)] in the paper). It is 0 for a model that is not valid.
func (m BGNBD) ExpectedNew(t float64) float64 {
	t = nonNeg(t)
	if !m.valid() || t == 0 {
		return 0
	}
	return m.expectedAlive(t, 0, 0)
}

// expectedAlive is E[Y(t)] of a customer alive now with x repeat purchases
// in T weeks. Given alive, λ ~ Gamma(r+x, α+T) and p ~ Beta(a, b+x), and
// such a customer makes (1 − e^(−λpt))/p purchases on average, so
//
//	E = E_p[(1 − (1+ps)^−n)/p], n = r+x, s = t/(α+T),
//
// between its values at p = 1 and p = 0: 1 − (1+s)^−n and n·s. In the
// limit model p is fixed; otherwise it is the closed form with 2F1.
func (m BGNBD) expectedAlive(t float64, x int, T float64) float64 {
	n := m.R + float64(x)
	s := t / (m.Alpha + T)
	lo, hi := -math.Expm1(-n*math.Log1p(s)), n*s
	if math.IsInf(hi, 1) || math.IsNaN(hi) {
		hi = math.MaxFloat64
	}
	var e float64
	switch {
	case m.SameDropout && m.P > 0:
		e = -math.Expm1(-n*math.Log1p(m.P*s)) / m.P
	case m.SameDropout:
		e = hi
	default:
		e = bgAlive(m.A, m.B+float64(x), n, s)
	}
	if !(e >= lo) { // also NaN
		return lo
	}
	return math.Min(e, hi)
}

// LogLikelihood of the customers under the model (0 for a model that is
// not valid; −MaxFloat64 where the model rules the data out).
func (m BGNBD) LogLikelihood(cs []Customer) float64 {
	if !m.valid() {
		return 0
	}
	s := 0.0
	for _, c := range cs {
		c = clean(c)
		s += m.ll(c.X, c.Tx, c.T)
	}
	if !finite(s) {
		return -math.MaxFloat64
	}
	return s
}

// ll is one customer's log-likelihood:
//
//	log Γ(r+x)/Γ(r) + r log α + log B(a, b+x)/B(a, b)
//	  + log[(α+T)^−(r+x) + δ(x>0) a/(b+x−1) (α+tx)^−(r+x)],
//
// and in the limit x log(1−p) for the beta ratio and p/(1−p) for a/(b+x−1).
func (m BGNBD) ll(x int, tx, T float64) float64 {
	xf := float64(x)
	n := m.R + xf
	v := lgamma(n) - lgamma(m.R) + m.R*math.Log(m.Alpha)
	var lodds float64
	if m.SameDropout {
		if x > 0 {
			v += xf * math.Log1p(-m.P)
		}
		lodds = math.Log(m.P) - math.Log1p(-m.P)
	} else {
		v += mathext.Lbeta(m.A, m.B+xf) - mathext.Lbeta(m.A, m.B)
		lodds = math.Log(m.A) - math.Log(m.B+xf-1)
	}
	a3 := -n * math.Log(m.Alpha+T)
	if x == 0 {
		return v + a3
	}
	return v + logAddExp(a3, lodds-n*math.Log(m.Alpha+tx))
}

func lgamma(x float64) float64 {
	v, _ := math.Lgamma(x)
	return v
}

// logAddExp is log(exp(a)+exp(b)) without overflow.
func logAddExp(a, b float64) float64 {
	if a < b {
		a, b = b, a
	}
	if math.IsInf(b, -1) {
		return a
	}
	return a + math.Log1p(math.Exp(b-a))
}
