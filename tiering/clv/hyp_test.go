package clv

import (
	"math"
	"testing"
)

// E[Y(t) | alive, x, T] against values worked out independently with
// mpmath at 150 digits, c/(a−1) · [1 − (1−w)^n 2F1(n, b+x; c; w)], across
// the ways bgAlive sums it: the plain series, Euler's form (a > 1), c ≤ 0,
// a ≈ 1, large a and b, many purchases, and far horizons (the 1/s form,
// with its pole at integer n − a).
func TestExpectedAliveAccuracy(t *testing.T) {
	for _, tc := range []struct {
		name           string
		r, alpha, a, b float64
		x              int
		T, t, want     float64
	}{
		{"CDNOW", 0.243, 4.414, 0.793, 2.426, 3, 10, 52, 6.8128383267931196},
		{"Euler form", 5, 4.414, 5, 20, 20, 100, 52, 6.9061327441836886},
		{"c ≤ 0", 30, 4.414, 0.05, 0.1, 0, 0, 4.35, 17.561590754243358},
		{"a ≈ 1", 0.05, 4.414, 0.999, 500, 0, 100, 4.35, 0.002082963158131674386},
		{"large a, b, x", 30, 50, 1.3, 500, 200, 10, 520, 775.56366211193538},
		{"a ≈ 1, x = 200", 30, 50, 0.999, 500, 200, 10, 520, 943.2937549179601},
		{"small a, x = 200", 30, 50, 0.05, 500, 200, 10, 520, 1913.3617820866678},
		{"far, c ≤ 0", 30, 0.2, 0.05, 0.1, 0, 0, 520, 30542.240319328325},
		{"far, large b", 0.243, 0.2, 0.793, 500, 20, 0, 52, 1610.3531364595891},
		{"far, n − a near 3", 1, 0.2, 0.999, 500, 3, 10, 520, 166.34076673137770},
		{"far, a > 1", 0.243, 4.414, 1.3, 2.426, 1, 100, 520, 2.8459870057224454},
		{"large a", 5, 0.2, 40, 0.1, 20, 10, 520, 1.5153846153846154},
	} {
		m := BGNBD{R: tc.r, Alpha: tc.alpha, A: tc.a, B: tc.b}
		got := m.expectedAlive(tc.t, tc.x, tc.T)
		if math.Abs(got-tc.want) > 1e-7*tc.want {
			t.Errorf("%s: E = %.15g, want %.15g (relative error %.1e)", tc.name, got, tc.want, math.Abs(got-tc.want)/tc.want)
		}
	}
}
