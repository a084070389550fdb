package clv

import "math"

// refHyp2f1 is the Gauss hypergeometric series 2F1(a, b; c; z) for
// 0 ≤ z < 1 summed term by term: the tests' independent reference where
// it converges.
func refHyp2f1(a, b, c, z float64) float64 {
	sum, term := 1.0, 1.0
	for k := 0; k < 100000; k++ {
		kf := float64(k)
		term *= (a + kf) * (b + kf) / ((c + kf) * (kf + 1)) * z
		sum += term
		if math.Abs(term) < 1e-16*math.Abs(sum) {
			break
		}
	}
	return sum
}
