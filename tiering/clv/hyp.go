package clv

import "math"

// bgAlive is E_p[(1 − (1+ps)^−n)/p] for p ~ Beta(a, b): the purchases in
// the next t = s(α+T) weeks of a BG/NBD customer who is alive, with n = r+x
// and b the posterior b+x. With w = s/(1+s) and c = a+b−1 it is the paper's
//
//	c/(a−1) · [1 − (1−w)^n 2F1(n, b; c; w)]                       (1)
//	c/(a−1) · [1 − (1−w)^(a−1) 2F1(c−n, a−1; c; w)]  (Euler's transformation)
//
// Far ahead (s large) it is summed as an expansion in 1/s (bgAliveFar)
// when that is accurate. Otherwise we sum whichever series in w has only
// positive terms and is shorter, in log space so nothing overflows: (1)
// when c > 0 (always when x > 0); the Euler form, whose parameters do not
// grow with x, when a > 1 and c > n. When c ≤ 0 (x = 0 and a+b ≤ 1) c·2F1
// is summed instead, whose terms after the first share one sign. 1 − f is
// taken with expm1, and a ≈ 1 (where both factors vanish) is interpolated
// from a = 1 ± 1e-5. Checked against mpmath at 150 digits (hyp_test.go):
// relative error below 1e-6 over r 0.05–30, α 0.2–50, a 0.05–300,
// b 0.1–500, x 0–200, T 0–100 and t up to 520 weeks.
func bgAlive(a, b, n, s float64) float64 {
	const h = 1e-5
	if math.Abs(a-1) < h {
		lo, hi := bgAliveSeries(1-h, b, n, s), bgAliveSeries(1+h, b, n, s)
		return lo + (a-(1-h))/(2*h)*(hi-lo)
	}
	return bgAliveSeries(a, b, n, s)
}

// bgAliveSeries is bgAlive for a not within 1e-5 of 1.
func bgAliveSeries(a, b, n, s float64) float64 {
	// Far ahead (t many times α+T) the series in w = s/(1+s) → 1 would be
	// long; the expansion in 1/s is short, and used when its rounding
	// error is small (see bgAliveFar).
	c := a + b - 1
	if (n+40)*(1+s) > 1000 && s > 2 {
		if e, ok := bgAliveFar(a, b, n, s); ok {
			return e
		}
	}
	w := s / (1 + s)
	l1w := -math.Log1p(s) // log(1−w)
	if c <= 0 {
		// c·2F1 = c + Σ_{k≥1} n b w (n+1)_{k−1}(b+1)_{k−1} / ((c+1)_{k−1} (2)_{k−1}) w^(k−1).
		lu, ok := logSeries(n+1, b+1, c+1, 2, w)
		if !ok {
			return meanField(a, b, n, s)
		}
		lu += math.Log(n) + math.Log(b) + math.Log(w)
		return (c*-math.Expm1(n*l1w) - math.Exp(n*l1w+lu)) / (a - 1)
	}
	std := n * b / c
	if a > 1 && c > n && (c-n)*(a-1)/c < std {
		lf, ok := logSeries(c-n, a-1, c, 1, w)
		if !ok {
			return meanField(a, b, n, s)
		}
		return c / (a - 1) * -math.Expm1((a-1)*l1w+lf)
	}
	lf, ok := logSeries(n, b, c, 1, w)
	if !ok {
		return meanField(a, b, n, s)
	}
	return c / (a - 1) * -math.Expm1(n*l1w+lf)
}

// meanField is (1 − (1+ps)^−n)/p at the mean p = a/(a+b), a lower bound
// (the integrand is convex in p) used only if a series would be too long.
func meanField(a, b, n, s float64) float64 {
	p := a / (a + b)
	return -math.Expm1(-n*math.Log1p(p*s)) / p
}

// maxTerms bounds a series (and the time a call takes): it is reached only
// for horizons hundreds of times α+T where the 1/s form is not accurate
// either, or for tens of thousands of purchases; meanField stands in.
const maxTerms = 20_000

// logSeries is log Σ_k t_k with t_0 = 1 and t_{k+1}/t_k =
// (p+k)(q+k)z / ((u+k)(v+k)), for positive p, q, u, v and 0 ≤ z < 1: all
// terms are positive, so the sum is exact to rounding. The terms after the
// first are summed apart and the log taken with log1p, because callers
// subtract nearly equal logs. ok is false if it needs more than maxTerms terms.
func logSeries(p, q, u, v, z float64) (float64, bool) {
	rest, term, scale := 0.0, 1.0, 0.0 // sum = e^scale (1 + rest) while scale is 0, else e^scale rest
	for k := 0; k < maxTerms; k++ {
		kf := float64(k)
		ratio := (p + kf) * (q + kf) / ((u + kf) * (v + kf)) * z
		term *= ratio
		rest += term
		if rest > 1e200 { // rescale; the log keeps the count
			if scale == 0 {
				rest++
			}
			rest, term, scale = rest*1e-200, term*1e-200, scale+200*math.Ln10
		}
		if m := math.Max(ratio, z); m < 1 && term*m < 1e-17*(1-m)*(1+rest) {
			if scale == 0 {
				return math.Log1p(rest), true
			}
			return scale + math.Log(rest), true
		}
	}
	return 0, false
}

// bgAliveFar is bgAlive for large s. By Pfaff's transformation
// (1−w)^n 2F1(n, b; c; w) = 2F1(n, a−1; c; −s), and for large s that is
// (Abramowitz & Stegun 15.3.7)
//
//	Γ(c)Γ(a−1−n)/(Γ(a−1)Γ(c−n)) s^−n 2F1(n, n−c+1; n−a+2; −1/s)
//	+ Γ(c)Γ(n+1−a)/(Γ(n)Γ(b)) s^(1−a) 2F1(a−1, 1−b; a−n; −1/s),
//
// both series short when s is large against the parameters. c·Γ(c) is
// taken as Γ(c+1), so c ≤ 0 (x = 0, a+b ≤ 1) needs no special case. The
// two terms have poles where n−a is an integer that cancel: there a is
// moved by ±1e-5 and the results interpolated.
func bgAliveFar(a, b, n, s float64) (float64, bool) {
	const d = 1e-5
	if k := math.Round(n - a); math.Abs(n-a-k) < d {
		lo, ok1 := bgAliveFarAt(n-k-d, b, n, s)
		hi, ok2 := bgAliveFarAt(n-k+d, b, n, s)
		return lo + (a-(n-k-d))/(2*d)*(hi-lo), ok1 && ok2
	}
	return bgAliveFarAt(a, b, n, s)
}

func bgAliveFarAt(a, b, n, s float64) (float64, bool) {
	c := a + b - 1
	u, ls := -1/s, math.Log(s)
	var t1, t2, loss1 float64              // c · the two terms
	if c-n > 0 || c-n != math.Floor(c-n) { // else 1/Γ(c−n) = 0
		f1, l1, ok := altSeries(n, n-c+1, n-a+2, u)
		if !ok {
			return 0, false
		}
		l, sg := lgammas([]float64{c + 1, a - 1 - n}, []float64{a - 1, c - n})
		t1, loss1 = sg*math.Exp(l-n*ls)*f1, l1
	}
	f2, loss2, ok := altSeries(a-1, 1-b, a-n, u)
	if !ok {
		return 0, false
	}
	l, sg := lgammas([]float64{c + 1, n + 1 - a}, []float64{n, b})
	t2 = sg * math.Exp(l+(1-a)*ls) * f2
	// Rounding in the series and in the sums c − t1 − t2, relative to E.
	num := c - t1 - t2
	loss := (math.Abs(c)*1e-16 + math.Abs(t1)*(loss1+1e-15) + math.Abs(t2)*(loss2+1e-15)) / math.Abs(num)
	e := num / (a - 1)
	return e, finite(e) && loss < 1e-10
}

// lgammas is log|Π Γ(num) / Π Γ(den)| and its sign.
func lgammas(num, den []float64) (float64, float64) {
	l, sign := 0.0, 1.0
	for _, v := range num {
		lv, sg := math.Lgamma(v)
		l, sign = l+lv, sign*float64(sg)
	}
	for _, v := range den {
		lv, sg := math.Lgamma(v)
		l, sign = l-lv, sign*float64(sg)
	}
	return l, sign
}

// altSeries is 2F1(p, q; r; z) for small |z|, summed directly, and an
// estimate of its relative rounding error (from the largest term, as in
// Cephes); ok is false if it does not settle within 1000 terms.
func altSeries(p, q, r, z float64) (sum, loss float64, ok bool) {
	sum, term, big := 1.0, 1.0, 1.0
	for k := 0; k < 1000; k++ {
		kf := float64(k)
		term *= (p + kf) * (q + kf) / ((r + kf) * (kf + 1)) * z
		sum += term
		big = math.Max(big, math.Abs(term))
		// Past r+k < 0 the terms can grow again (a small r+k): go on.
		if term == 0 || math.Abs(term) < 1e-17*math.Abs(sum) && r+kf+1 > 0 && math.Abs((p+kf+1)*(q+kf+1)/((r+kf+1)*(kf+2))*z) < 0.5 {
			return sum, 1e-16 * big / math.Abs(sum), finite(sum)
		}
	}
	return 0, 0, false
}
