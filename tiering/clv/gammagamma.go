package clv

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mathext"
)

// GammaGamma holds Gamma-Gamma spend parameters: each purchase of a
// customer is Gamma(P, ν) and ν ~ Gamma(Q, V) across customers.
//
// With Pooled set it is the model's limit as Q, V → ∞ with V/Q fixed:
// every customer has the same mean spend per purchase, Mean (P, Q and V
// are then 0 and unused). Fits land there when customers' average spends
// differ no more than chance would make them.
type GammaGamma struct {
	P      float64 `json:"p"`
	Q      float64 `json:"q"`
	V      float64 `json:"gamma"` // γ in the papers
	Pooled bool    `json:"pooled,omitempty"`
	Mean   float64 `json:"mean_spend"` // population mean spend per purchase
	LL     float64 `json:"log_likelihood"`
	N      int     `json:"customers"` // repeat buyers fitted on
}

// UnmarshalJSON also reads models saved before the fields had JSON names
// (γ was "V"; the other names match case-insensitively).
func (g *GammaGamma) UnmarshalJSON(b []byte) error {
	type plain GammaGamma
	var v struct {
		plain
		Legacy *float64 `json:"V"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*g = GammaGamma(v.plain)
	if v.Legacy != nil && g.V == 0 {
		g.V = *v.Legacy
	}
	return nil
}

func (g GammaGamma) valid() bool {
	if g.Pooled {
		return g.Mean >= 0 && finite(g.Mean)
	}
	return g.P > 0 && g.Q > 0 && g.V > 0 && finite(g.P, g.Q, g.V)
}

// ExpectedSpend is the expected spend per purchase of a customer with x
// repeat purchases of mean mx: p(γ + x·mx)/(px + q − 1); with none, the
// population mean pγ/(q−1) (0 where the mean does not exist). It is
// 0 for a model that is not valid, and within [0, MaxValue].
func (g GammaGamma) ExpectedSpend(x int, mx float64) float64 {
	c := clean(Customer{X: x, Mx: mx})
	switch {
	case !g.valid():
		return 0
	case g.Pooled:
		return clampMoney(g.Mean)
	case c.X == 0 || c.Mx == 0:
		if g.Q <= 1 {
			return 0
		}
		return clampMoney(g.P * g.V / (g.Q - 1))
	}
	xf := float64(c.X)
	if g.P*xf+g.Q <= 1 { // no posterior mean (q ≤ 1 and few purchases)
		return 0
	}
	return clampMoney(g.P * (g.V + xf*c.Mx) / (g.P*xf + g.Q - 1))
}

// spenders are the repeat buyers with spend, grouped by x and sorted.
type spenders struct {
	xs    []int     // distinct x
	first []int     // per distinct x: index of its first customer in m
	cnt   []float64 // per distinct x: customers
	slm   []float64 // per distinct x: Σ log m
	m     []float64 // mean spends, grouped by x, ascending within a group
	n     float64
	total float64 // Σ x·m, for the pooled mean
	xsum  float64 // Σ x
}

func newSpenders(cs []Customer) *spenders {
	type xm struct {
		x int
		m float64
	}
	var ks []xm
	for _, c := range cs {
		if c = clean(c); c.X > 0 && c.Mx > 0 {
			ks = append(ks, xm{c.X, c.Mx})
		}
	}
	slices.SortFunc(ks, func(a, b xm) int { return cmp.Or(cmp.Compare(a.x, b.x), cmp.Compare(a.m, b.m)) })
	s := &spenders{n: float64(len(ks))}
	for i, k := range ks {
		if i == 0 || k.x != ks[i-1].x {
			s.xs = append(s.xs, k.x)
			s.first = append(s.first, i)
			s.cnt = append(s.cnt, 0)
			s.slm = append(s.slm, 0)
		}
		j := len(s.xs) - 1
		s.cnt[j]++
		s.slm[j] += math.Log(k.m)
		s.m = append(s.m, k.m)
		s.total += float64(k.x) * k.m
		s.xsum += float64(k.x)
	}
	return s
}

// objective is the negative Gamma-Gamma log-likelihood per repeat buyer at
// θ = log(p, q, γ), plus the penalty, with its gradient. Per customer
//
//	ℓ = log Γ(px+q) − log Γ(px) − log Γ(q) + q log γ + (px−1) log m
//	    + px log x − (px+q) log(γ + m x)
//	∂ℓ/∂p = x [ψ(px+q) − ψ(px) + log m + log x − log(γ + m x)]
//	∂ℓ/∂q = ψ(px+q) − ψ(q) + log γ − log(γ + m x)
//	∂ℓ/∂γ = q/γ − (px+q)/(γ + m x)
func (s *spenders) objective(theta, grad []float64, penalty float64) float64 {
	p, q, v := math.Exp(bound(theta[0])), math.Exp(bound(theta[1])), math.Exp(bound(theta[2]))
	lq, psiQ, lv := lgamma(q), mathext.Digamma(q), math.Log(v)
	var ll, dp, dq, dv float64
	for j, x := range s.xs {
		xf, w := float64(x), s.cnt[j]
		px := p * xf
		psiPXQ := mathext.Digamma(px + q)
		lx := math.Log(xf)
		end := len(s.m)
		if j+1 < len(s.first) {
			end = s.first[j+1]
		}
		var slg, sinv float64 // Σ log(γ + m x), Σ 1/(γ + m x)
		for _, m := range s.m[s.first[j]:end] {
			d := v + m*xf
			slg += math.Log(d)
			sinv += 1 / d
		}
		ll += w*(lgamma(px+q)-lgamma(px)-lq+q*lv+px*lx) + (px-1)*s.slm[j] - (px+q)*slg
		dp += xf * (w*(psiPXQ-mathext.Digamma(px)+lx) + s.slm[j] - slg)
		dq += w*(psiPXQ-psiQ+lv) - slg
		dv += w*q/v - (px+q)*sinv
	}
	f := -ll / s.n
	g := [3]float64{-dp * p / s.n, -dq * q / s.n, -dv * v / s.n}
	pv := [3]float64{p, q, v}
	for i := range 3 {
		f += penalty * pv[i] * pv[i] / s.n
		if grad != nil {
			grad[i] = g[i] + 2*penalty*pv[i]*pv[i]/s.n
			if math.Abs(theta[i]) > maxLog {
				grad[i] = 0
			}
		}
	}
	return f
}

// pooledQ is the q above which customers' mean spends are taken as all
// the same: ν ~ Gamma(q, γ) then varies by 1/√q = 0.1 % or less.
const pooledQ = 1e6

// FitGammaGamma fits the spend model on repeat buyers (X > 0, Mx > 0) by
// maximum likelihood with BFGS and analytic gradients. When q runs off to
// infinity it returns the pooled limit (every customer's expected spend is
// the mean of all repeat purchases, Σ x·m / Σ x, the limit's maximum
// likelihood estimate); when q ≤ 1 (the population mean spend does not
// exist) or p or γ run off, an error wrapping ErrDegenerate.
func FitGammaGamma(cs []Customer, o FitOptions) (GammaGamma, error) {
	s := newSpenders(cs)
	if s.n == 0 {
		return GammaGamma{}, fmt.Errorf("no repeat buyers with spend to fit")
	}
	pen := nonNeg(o.Penalty)
	th, _, ok := minimize(func(th, g []float64) float64 { return s.objective(th, g, pen) }, []float64{0, 0, 0})
	if !ok {
		return GammaGamma{}, ErrNotConverged
	}
	g := GammaGamma{P: math.Exp(bound(th[0])), Q: math.Exp(bound(th[1])), V: math.Exp(bound(th[2])), N: int(s.n)}
	g.LL = -s.objective(th, nil, 0) * s.n
	switch {
	case g.Q > pooledQ || th[1] >= maxLog:
		return GammaGamma{Pooled: true, Mean: clampMoney(s.total / s.xsum), LL: g.LL, N: g.N}, nil
	case g.Q <= 1:
		return g, fitError(fmt.Sprintf("q = %.3g ≤ 1: the mean spend per purchase does not exist", g.Q))
	case math.Abs(th[0]) > degenerateLog || math.Abs(th[2]) > degenerateLog:
		return g, fitError(fmt.Sprintf("p = %.3g, γ = %.3g at the edge", g.P, g.V))
	}
	g.Mean = clampMoney(g.P * g.V / (g.Q - 1))
	return g, nil
}

// degenerateLog is how far from 1 (on the log scale, e^15 ≈ 3.3e6) a
// parameter may be before the fit counts as run off to the edge.
const degenerateLog = 15
