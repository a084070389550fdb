package clv

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/optimize"
)

// FitOptions tune a fit.
type FitOptions struct {
	// Penalty is an L2 penalty on the parameters (0 for plain maximum likelihood).
	Penalty float64 `json:"penalty,omitempty"`
}

// histories are the distinct (x, tx, T) of a set of customers with how
// many customers share each, sorted, so that every sum runs in one order
// whatever the order of the input (bit-identical fits). The distinct tx
// and T values are kept once: log(α+T) is worked out per value, not per
// customer (in a notebook they are whole days, a few hundred of them).
type histories struct {
	x        []int     // per history
	ix       []int32   // per history: index into xs
	itx, iT  []int32   // per history: index into tx, T
	w        []float64 // per history: customers
	xs       []int     // distinct x
	wx       []float64 // customers per distinct x
	tx, T    []float64 // distinct values
	n        float64   // customers
	lt, ltx  []float64 // scratch: log(α+T), log(α+tx)
	it, itxv []float64 // scratch: 1/(α+T), 1/(α+tx)
}

func newHistories(cs []Customer) *histories {
	type key struct {
		x     int
		tx, T float64
	}
	ks := make([]key, len(cs))
	for i, c := range cs {
		c = clean(c)
		ks[i] = key{c.X, c.Tx, c.T}
	}
	slices.SortFunc(ks, func(a, b key) int {
		return cmp.Or(cmp.Compare(a.x, b.x), cmp.Compare(a.tx, b.tx), cmp.Compare(a.T, b.T))
	})
	h := &histories{n: float64(len(cs))}
	h.tx, h.T = distinct(ks, func(k key) float64 { return k.tx }), distinct(ks, func(k key) float64 { return k.T })
	for i, k := range ks {
		if i > 0 && k == ks[i-1] {
			h.w[len(h.w)-1]++
			continue
		}
		if len(h.xs) == 0 || h.xs[len(h.xs)-1] != k.x {
			h.xs = append(h.xs, k.x)
			h.wx = append(h.wx, 0)
		}
		h.x = append(h.x, k.x)
		h.ix = append(h.ix, int32(len(h.xs)-1))
		h.itx = append(h.itx, index(h.tx, k.tx))
		h.iT = append(h.iT, index(h.T, k.T))
		h.w = append(h.w, 1)
	}
	for i, ix := range h.ix {
		h.wx[ix] += h.w[i]
	}
	h.lt, h.it = make([]float64, len(h.T)), make([]float64, len(h.T))
	h.ltx, h.itxv = make([]float64, len(h.tx)), make([]float64, len(h.tx))
	return h
}

// distinct returns the sorted distinct values of f over ks.
func distinct[K any](ks []K, f func(K) float64) []float64 {
	vs := make([]float64, len(ks))
	for i, k := range ks {
		vs[i] = f(k)
	}
	slices.Sort(vs)
	return slices.Compact(vs)
}

func index(sorted []float64, v float64) int32 {
	i, _ := slices.BinarySearch(sorted, v)
	return int32(i)
}

// Parameters are optimised on the log scale (so they stay positive), and
// beyond ±maxLog they are held at the bound: a fit found there has run off
// to the edge of the parameter space.
const maxLog = 30

func bound(v float64) float64 { return math.Max(-maxLog, math.Min(maxLog, v)) }

// bgObjective is the negative BG/NBD log-likelihood per customer at log
// parameters θ, plus the penalty, with its gradient in grad. For the full
// model θ = log(r, α, a, b); with same (the limit a, b → ∞) θ = (log r,
// log α, logit p). The derivatives, with π the posterior weight of "dropped
// out after the last purchase" in the logAddExp term:
//
//	∂/∂r = ψ(r+x) − ψ(r) + log α − (1−π) log(α+T) − π log(α+tx)
//	∂/∂α = r/α − (r+x) [(1−π)/(α+T) + π/(α+tx)]
//	∂/∂a = ψ(a+b) − ψ(a+b+x) + π/a
//	∂/∂b = ψ(b+x) − ψ(b) + ψ(a+b) − ψ(a+b+x) − π/(b+x−1)
//	∂/∂logit p = −x p + π        (limit model)
//
// and ∂/∂log θ = θ ∂/∂θ.
func (h *histories) bgObjective(theta, grad []float64, same bool, penalty float64) float64 {
	r, alpha := math.Exp(bound(theta[0])), math.Exp(bound(theta[1]))
	var a, b, u, p float64
	if same {
		u = bound(theta[2])
		p = 1 / (1 + math.Exp(-u))
	} else {
		a, b = math.Exp(bound(theta[2])), math.Exp(bound(theta[3]))
	}
	for j, T := range h.T {
		h.lt[j], h.it[j] = math.Log(alpha+T), 1/(alpha+T)
	}
	for j, tx := range h.tx {
		h.ltx[j], h.itxv[j] = math.Log(alpha+tx), 1/(alpha+tx)
	}
	la := math.Log(alpha)
	var ll, dr, dalpha, da, db float64
	// Terms that depend on x only, once per distinct x.
	lodds := make([]float64, len(h.xs))
	inv := make([]float64, len(h.xs)) // 1/(b+x−1)
	psiR := mathext.Digamma(r)
	var lbab, psiAB, psiB float64
	if !same {
		lbab, psiAB, psiB = mathext.Lbeta(a, b), mathext.Digamma(a+b), mathext.Digamma(b)
	}
	for k, x := range h.xs {
		xf, wx := float64(x), h.wx[k]
		v := lgamma(r+xf) - lgamma(r) + r*la
		dr += wx * (mathext.Digamma(r+xf) - psiR + la)
		dalpha += wx * r / alpha
		if same {
			if x > 0 {
				v += xf * -softplus(u) // x log(1−p)
			}
			da += wx * -xf * p
			lodds[k] = u
		} else {
			psiABX := mathext.Digamma(a + b + xf)
			v += mathext.Lbeta(a, b+xf) - lbab
			da += wx * (psiAB - psiABX)
			db += wx * (mathext.Digamma(b+xf) - psiB + psiAB - psiABX)
			if x > 0 {
				lodds[k] = math.Log(a) - math.Log(b+xf-1)
				inv[k] = 1 / (b + xf - 1)
			}
		}
		ll += wx * v
	}
	// Per history: log[(α+T)^−n + δ odds (α+tx)^−n], n = r+x.
	for i, x := range h.x {
		w, n, jT := h.w[i], r+float64(x), h.iT[i]
		a3 := -n * h.lt[jT]
		if x == 0 {
			ll += w * a3
			dr -= w * h.lt[jT]
			dalpha -= w * n * h.it[jT]
			continue
		}
		k, jx := h.ix[i], h.itx[i]
		d := lodds[k] - n*h.ltx[jx] - a3 // a4 − a3
		var pi float64                   // weight of a4
		if d > 0 {
			e := math.Exp(-d)
			ll += w * (a3 + d + math.Log(1+e)) // log1p is no more exact in a sum, and slower
			pi = 1 / (1 + e)
		} else {
			e := math.Exp(d)
			ll += w * (a3 + math.Log(1+e))
			pi = e / (1 + e)
		}
		dr -= w * ((1-pi)*h.lt[jT] + pi*h.ltx[jx])
		dalpha -= w * n * ((1-pi)*h.it[jT] + pi*h.itxv[jx])
		if same {
			da += w * pi
		} else {
			da += w * pi / a
			db -= w * pi * inv[k]
		}
	}
	f := -ll / h.n
	g := []float64{-dr * r / h.n, -dalpha * alpha / h.n, 0, 0}
	pen := []float64{r, alpha, a, b}
	if same {
		g[2], pen[2], pen[3] = -da/h.n, 0, 0
	} else {
		g[2], g[3] = -da*a/h.n, -db*b/h.n
	}
	for i := range theta {
		f += penalty * pen[i] * pen[i] / h.n
		if grad != nil {
			grad[i] = g[i] + 2*penalty*pen[i]*pen[i]/h.n
			if math.Abs(theta[i]) > maxLog {
				grad[i] = 0 // held at the bound
			}
		}
	}
	return f
}

// softplus is log(1+e^u) without overflow.
func softplus(u float64) float64 {
	if u > 0 {
		return u + math.Log1p(math.Exp(-u))
	}
	return math.Log1p(math.Exp(u))
}

// minimize minimises f (which fills its gradient) from x0 with BFGS and
// returns the best point found and the value there. ok is false if it
// never found a finite value.
func minimize(f func(x, grad []float64) float64, x0 []float64) (x []float64, fx float64, ok bool) {
	// gonum asks for the value and the gradient at the same point one after
	// the other: work both out once.
	last := make([]float64, len(x0))
	lastG := make([]float64, len(x0))
	var lastF float64
	have := false
	eval := func(x []float64) {
		if have && slices.Equal(x, last) {
			return
		}
		copy(last, x)
		lastF, have = f(x, lastG), true
		if !finite(lastF) {
			lastF = math.Inf(1)
		}
	}
	p := optimize.Problem{
		Func: func(x []float64) float64 { eval(x); return lastF },
		Grad: func(g, x []float64) { eval(x); copy(g, lastG) },
	}
	set := &optimize.Settings{
		GradientThreshold: 1e-7,
		MajorIterations:   500,
		FuncEvaluations:   3000,
		Converger:         &optimize.FunctionConverge{Absolute: 1e-14, Relative: 1e-14, Iterations: 20},
	}
	x, fx = slices.Clone(x0), f(x0, nil)
	for range 2 { // a restart clears a stale BFGS Hessian estimate
		res, err := optimize.Minimize(p, x, set, &optimize.BFGS{})
		if res == nil || !finite(res.F) || res.F > fx {
			break
		}
		x, fx = res.X, res.F
		if err == nil && res.Status == optimize.GradientThreshold {
			break
		}
	}
	return x, fx, finite(fx)
}

// fitError names what ran off in a degenerate fit.
func fitError(what string) error { return fmt.Errorf("%w: %s", ErrDegenerate, what) }

// FitBGNBD fits BG/NBD by maximum likelihood: BFGS with analytic gradients
// on the log of the parameters, over the distinct histories.
//
// When the fit heads for a, b → ∞ (the dropout chances cannot be told
// apart: a+b > 100, or the fit failed) the limiting model with one dropout
// probability p for everyone is fitted too, and kept (SameDropout) when
// its likelihood is within 0.05 of the full model's: it is then the
// maximum-likelihood fit. When r or α run off to the edge (beyond e^±15),
// or a and b do while the limit fits worse, the error wraps ErrDegenerate.
func FitBGNBD(cs []Customer, o FitOptions) (BGNBD, error) {
	if len(cs) == 0 {
		return BGNBD{}, fmt.Errorf("no customers to fit")
	}
	h := newHistories(cs)
	pen := nonNeg(o.Penalty)
	obj := func(same bool) func(th, g []float64) float64 {
		return func(th, g []float64) float64 { return h.bgObjective(th, g, same, pen) }
	}
	// Start at r = a = b = 1 and the α that makes the mean rate r/α the
	// notebook's repeat purchases per week of history.
	sx, sT := 0.0, 0.0
	for i, x := range h.x {
		sx += h.w[i] * float64(x)
		sT += h.w[i] * h.T[h.iT[i]]
	}
	la := 0.0
	if sx > 0 && sT > 0 {
		la = bound(math.Log(sT / sx))
	}
	th, f, ok := minimize(obj(false), []float64{0, la, 0, 0})
	ex := func(v float64) float64 { return math.Exp(bound(v)) } // as the objective saw it
	m := BGNBD{R: ex(th[0]), Alpha: ex(th[1]), A: ex(th[2]), B: ex(th[3]), N: len(cs)}
	if !ok || m.A+m.B > 100 || math.Abs(th[2]) > degenerateLog || math.Abs(th[3]) > degenerateLog {
		start := []float64{0, la, 0}
		if ok {
			start = []float64{bound(th[0]), bound(th[1]), math.Log(m.A) - math.Log(m.B)}
		}
		thl, fl, okl := minimize(obj(true), start)
		if okl && (!ok || fl <= f+0.05/h.n) {
			th, f, ok = thl, fl, true
			m = BGNBD{R: ex(th[0]), Alpha: ex(th[1]), SameDropout: true, P: 1 / (1 + math.Exp(-bound(th[2]))), N: len(cs)}
		}
	}
	if !ok {
		return BGNBD{}, ErrNotConverged
	}
	m.LL = -h.bgObjective(th, nil, m.SameDropout, 0) * h.n
	switch {
	case math.Abs(th[0]) > degenerateLog || math.Abs(th[1]) > degenerateLog:
		return m, fitError(fmt.Sprintf("purchase rates r = %.3g, α = %.3g at the edge", m.R, m.Alpha))
	case !m.SameDropout && (math.Abs(th[2]) > degenerateLog || math.Abs(th[3]) > degenerateLog):
		return m, fitError(fmt.Sprintf("dropout a = %.3g, b = %.3g at the edge", m.A, m.B))
	case !finite(m.LL):
		return m, ErrNotConverged
	}
	return m, nil
}
