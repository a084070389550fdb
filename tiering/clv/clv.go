// Package clv estimates customer lifetime value: the BG/NBD model (Fader,
// Hardie & Lee 2005) for how many purchases a customer will make and
// whether they are still "alive", the Gamma-Gamma model for how much they
// spend, and their discounted sum. It is pure math: no I/O, no clock.
//
// Units: time is in weeks; money in currency units (not minor units).
package clv

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/optimize"
)

// Customer is one customer's purchase history summary in the calibration
// period: X repeat purchase days (purchase days after the first), Tx the
// weeks from the first purchase to the last, T the weeks from the first
// purchase to the end of the period, and Mx the mean spend of the repeat days.
type Customer struct {
	ID int64
	X  int
	Tx float64
	T  float64
	Mx float64
}

// BGNBD holds fitted BG/NBD parameters.
type BGNBD struct {
	R, Alpha, A, B float64
	LL             float64 // log-likelihood at the fit
	N              int     // customers fitted on
}

func lbeta(a, b float64) float64 {
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	return la + lb - lab
}

func lgamma(x float64) float64 {
	v, _ := math.Lgamma(x)
	return v
}

// logAddExp is log(exp(a)+exp(b)) without overflow.
func logAddExp(a, b float64) float64 {
	if math.IsInf(a, -1) {
		return b
	}
	if math.IsInf(b, -1) {
		return a
	}
	m := math.Max(a, b)
	return m + math.Log(math.Exp(a-m)+math.Exp(b-m))
}

// logLikelihood of one customer under parameters (r, α, a, b).
func bgLL(r, alpha, a, b float64, c Customer) float64 {
	x := float64(c.X)
	a1 := lgamma(r+x) - lgamma(r) + r*math.Log(alpha)
	a2 := lbeta(a, b+x) - lbeta(a, b)
	a3 := -(r + x) * math.Log(alpha+c.T)
	a4 := math.Inf(-1)
	if c.X > 0 {
		a4 = math.Log(a) - math.Log(b+x-1) - (r+x)*math.Log(alpha+c.Tx)
	}
	return a1 + a2 + logAddExp(a3, a4)
}

// LogLikelihood of the customers under the model.
func (m BGNBD) LogLikelihood(cs []Customer) float64 {
	s := 0.0
	for _, c := range cs {
		s += bgLL(m.R, m.Alpha, m.A, m.B, c)
	}
	return s
}

// ErrNotConverged is returned when an optimiser gives up.
var ErrNotConverged = errors.New("the model fit did not converge")

// FitOptions tune a fit.
type FitOptions struct {
	// Penalty is an L2 penalty on the parameters (0 for plain maximum likelihood).
	Penalty float64
}

// FitBGNBD fits BG/NBD by maximum likelihood with Nelder-Mead on the log
// of the parameters (so they stay positive), then polishes with BFGS.
func FitBGNBD(cs []Customer, o FitOptions) (BGNBD, error) {
	if len(cs) == 0 {
		return BGNBD{}, fmt.Errorf("no customers to fit")
	}
	// The gamma-function terms depend on x only: work them out once per
	// distinct x, and the per-customer part is two logs and an exp.
	byX := map[int][]Customer{}
	for _, c := range cs {
		byX[c.X] = append(byX[c.X], c)
	}
	neg := func(p []float64) float64 {
		r, alpha, a, b := math.Exp(p[0]), math.Exp(p[1]), math.Exp(p[2]), math.Exp(p[3])
		ll := 0.0
		la, lalpha, lbab := math.Log(a), math.Log(alpha), lbeta(a, b)
		lgr := lgamma(r)
		for x, group := range byX {
			xf := float64(x)
			a12 := lgamma(r+xf) - lgr + r*lalpha + lbeta(a, b+xf) - lbab
			lb1 := 0.0
			if x > 0 {
				lb1 = la - math.Log(b+xf-1)
			}
			for _, c := range group {
				a3 := -(r + xf) * math.Log(alpha+c.T)
				if x > 0 {
					ll += a12 + logAddExp(a3, lb1-(r+xf)*math.Log(alpha+c.Tx))
				} else {
					ll += a12 + a3
				}
			}
		}
		pen := o.Penalty * (r*r + alpha*alpha + a*a + b*b)
		v := -ll + pen
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return math.MaxFloat64 / 4
		}
		return v
	}
	p, err := minimize(neg, []float64{0, 0, 0, 0})
	if err != nil {
		return BGNBD{}, err
	}
	m := BGNBD{R: math.Exp(p[0]), Alpha: math.Exp(p[1]), A: math.Exp(p[2]), B: math.Exp(p[3]), N: len(cs)}
	m.LL = m.LogLikelihood(cs)
	return m, nil
}

// minimize runs Nelder-Mead from x0 and refines the result with BFGS using
// a central-difference gradient.
func minimize(f func([]float64) float64, x0 []float64) ([]float64, error) {
	p := optimize.Problem{Func: f}
	set := &optimize.Settings{FuncEvaluations: 20000, Converger: &optimize.FunctionConverge{Absolute: 1e-9, Relative: 1e-12, Iterations: 100}}
	res, err := optimize.Minimize(p, x0, set, &optimize.NelderMead{})
	if err != nil && res == nil {
		return nil, fmt.Errorf("%w: %v", ErrNotConverged, err)
	}
	x := res.X
	p.Grad = func(grad, x []float64) {
		h := 1e-6
		xx := append([]float64(nil), x...)
		for i := range x {
			xx[i] = x[i] + h
			fp := f(xx)
			xx[i] = x[i] - h
			fm := f(xx)
			xx[i] = x[i]
			grad[i] = (fp - fm) / (2 * h)
		}
	}
	if res2, err2 := optimize.Minimize(p, x, &optimize.Settings{GradientThreshold: 1e-6, MajorIterations: 200}, &optimize.BFGS{}); err2 == nil || (res2 != nil && res2.F < res.F) {
		if res2 != nil && res2.F <= res.F {
			x = res2.X
		}
	}
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 30 {
			return nil, ErrNotConverged
		}
	}
	return x, nil
}

// hyp2f1 is the Gauss hypergeometric series 2F1(a, b; c; z) for 0 ≤ z < 1,
// summed until the terms vanish.
func hyp2f1(a, b, c, z float64) float64 {
	sum, term := 1.0, 1.0
	for k := 0; k < 100000; k++ {
		kf := float64(k)
		term *= (a + kf) * (b + kf) / ((c + kf) * (kf + 1)) * z
		sum += term
		if math.Abs(term) < 1e-15*math.Abs(sum) {
			break
		}
	}
	return sum
}

// guardA keeps a away from 1, where the expectation formulas divide by a−1.
func guardA(a float64) float64 {
	if math.Abs(a-1) < 1e-6 {
		if a < 1 {
			return 1 - 1e-6
		}
		return 1 + 1e-6
	}
	return a
}

// ExpectedNew is the expected number of purchases in t weeks of a new customer.
func (m BGNBD) ExpectedNew(t float64) float64 {
	a := guardA(m.A)
	z := t / (m.Alpha + t)
	// (α/(α+t))^r 2F1(r, b; a+b−1; z), Euler-transformed: (1−z)^(a−1) 2F1(a+b−1−r, a−1; a+b−1; z).
	f := math.Pow(1-z, a-1) * hyp2f1(a+m.B-1-m.R, a-1, a+m.B-1, z)
	return (a + m.B - 1) / (a - 1) * (1 - f)
}

// Expected is the expected number of purchases in the next t weeks of a
// customer with history (x, tx, T). The hypergeometric term is evaluated in
// its Euler-transformed form, whose parameters do not grow with x, so it
// cannot overflow however many purchases a customer made.
func (m BGNBD) Expected(t float64, x int, tx, T float64) float64 {
	a := guardA(m.A)
	xf := float64(x)
	z := t / (m.Alpha + T + t)
	// ((α+T)/(α+T+t))^(r+x) 2F1(r+x, b+x; a+b+x−1; z) = (1−z)^(a−1) 2F1(a+b−1−r, a−1; a+b+x−1; z)
	f := math.Pow(1-z, a-1) * hyp2f1(a+m.B-1-m.R, a-1, a+m.B+xf-1, z)
	num := (a + m.B + xf - 1) / (a - 1) * (1 - f)
	den := 1.0
	if x > 0 {
		den += math.Exp(m.logOdds(x, tx, T))
	}
	return num / den
}

// logOdds of being dead rather than alive, for x > 0.
func (m BGNBD) logOdds(x int, tx, T float64) float64 {
	xf := float64(x)
	return math.Log(m.A) - math.Log(m.B+xf-1) + (m.R+xf)*(math.Log(m.Alpha+T)-math.Log(m.Alpha+tx))
}

// PAlive is the probability that a customer with history (x, tx, T) is
// still active, computed from log-odds so it never overflows.
func (m BGNBD) PAlive(x int, tx, T float64) float64 {
	if x == 0 {
		return 1
	}
	lo := m.logOdds(x, tx, T)
	if lo > 0 {
		e := math.Exp(-lo)
		return e / (1 + e)
	}
	return 1 / (1 + math.Exp(lo))
}

// GammaGamma holds fitted Gamma-Gamma spend parameters.
type GammaGamma struct {
	P, Q, V float64 // V is γ in the papers
	LL      float64
	N       int
}

func ggLL(p, q, v float64, c Customer) float64 {
	x := float64(c.X)
	return lgamma(p*x+q) - lgamma(p*x) - lgamma(q) + q*math.Log(v) + (p*x-1)*math.Log(c.Mx) +
		p*x*math.Log(x) - (p*x+q)*math.Log(v+c.Mx*x)
}

// FitGammaGamma fits the spend model on repeat buyers (X > 0, Mx > 0).
func FitGammaGamma(cs []Customer, o FitOptions) (GammaGamma, error) {
	var rep []Customer
	for _, c := range cs {
		if c.X > 0 && c.Mx > 0 {
			rep = append(rep, c)
		}
	}
	if len(rep) == 0 {
		return GammaGamma{}, fmt.Errorf("no repeat buyers with spend to fit")
	}
	neg := func(x []float64) float64 {
		p, q, v := math.Exp(x[0]), math.Exp(x[1]), math.Exp(x[2])
		ll := 0.0
		for _, c := range rep {
			ll += ggLL(p, q, v, c)
		}
		r := -ll + o.Penalty*(p*p+q*q+v*v)
		if math.IsNaN(r) || math.IsInf(r, 0) {
			return math.MaxFloat64 / 4
		}
		return r
	}
	x, err := minimize(neg, []float64{0, 0, 0})
	if err != nil {
		return GammaGamma{}, err
	}
	g := GammaGamma{P: math.Exp(x[0]), Q: math.Exp(x[1]), V: math.Exp(x[2]), N: len(rep)}
	for _, c := range rep {
		g.LL += ggLL(g.P, g.Q, g.V, c)
	}
	return g, nil
}

// ExpectedSpend is the expected spend per purchase of a customer with x
// repeat purchases of mean mx; with none, the population mean pγ/(q−1).
func (g GammaGamma) ExpectedSpend(x int, mx float64) float64 {
	if x == 0 || mx <= 0 {
		if g.Q <= 1 {
			return 0
		}
		return g.P * g.V / (g.Q - 1)
	}
	xf := float64(x)
	return g.P * (g.V + xf*mx) / (g.P*xf + g.Q - 1)
}

// WeeksPerMonth converts months of the horizon to the model's weeks.
const WeeksPerMonth = 365.25 / 12 / 7

// Value is the discounted lifetime value of a customer over horizon months:
// Σ_k spend · (E[Y(k)] − E[Y(k−1)]) / (1+d)^k with a monthly discount rate
// d, times the margin.
func Value(bg BGNBD, gg GammaGamma, c Customer, months int, monthlyDiscount, margin float64) float64 {
	spend := gg.ExpectedSpend(c.X, c.Mx)
	total, prev := 0.0, 0.0
	for k := 1; k <= months; k++ {
		e := bg.Expected(float64(k)*WeeksPerMonth, c.X, c.Tx, c.T)
		total += spend * (e - prev) / math.Pow(1+monthlyDiscount, float64(k))
		prev = e
	}
	return total * margin
}

// SimpleValue is the classic m·r/(1+i−r): yearly margin m, yearly
// retention rate r and yearly discount rate i.
func SimpleValue(m, r, i float64) float64 {
	if 1+i-r <= 0 {
		return 0
	}
	return m * r / (1 + i - r)
}
