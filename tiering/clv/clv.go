// Package clv estimates customer lifetime value: the BG/NBD model (Fader,
// Hardie & Lee 2005) for how many purchases a customer will make and
// whether they are still "alive", the Gamma-Gamma model for how much they
// spend, and their discounted sum. It is pure math: no I/O, no clock, and
// no exported function returns NaN or ±Inf.
//
// Units: time is in weeks; money in currency units (not minor units).
// Money is clamped to ±MaxValue so that it always converts to minor units.
package clv

import (
	"errors"
	"math"
)

// Customer is one customer's purchase history summary in the calibration
// period: X repeat purchase days (purchase days after the first), Tx the
// weeks from the first purchase to the last, T the weeks from the first
// purchase to the end of the period, and Mx the mean spend of the repeat days.
type Customer struct {
	ID int64   `json:"id"`
	X  int     `json:"x"`
	Tx float64 `json:"tx"`
	T  float64 `json:"t"`
	Mx float64 `json:"mx"`
}

// clean makes a history consistent whatever the caller passed: no negative
// counts or times, no NaN, Tx within [0, T], Tx 0 without repeat purchases.
func clean(c Customer) Customer {
	if c.X < 0 {
		c.X = 0
	}
	c.T = nonNeg(c.T)
	c.Tx = math.Min(nonNeg(c.Tx), c.T)
	if c.X == 0 {
		c.Tx = 0
	}
	c.Mx = nonNeg(c.Mx)
	return c
}

// nonNeg is v when it is a finite non-negative number, else 0.
func nonNeg(v float64) float64 {
	if !(v > 0) || math.IsInf(v, 1) {
		return 0
	}
	return v
}

func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// MaxValue bounds every amount of money the package returns, in currency
// units: times 100 it is 1e14 minor units, so even a notebook of 90,000
// customers at the bound sums within int64.
const MaxValue = 1e12

// clampMoney keeps v within ±MaxValue (0 for NaN).
func clampMoney(v float64) float64 {
	switch {
	case math.IsNaN(v):
		return 0
	case v > MaxValue:
		return MaxValue
	case v < -MaxValue:
		return -MaxValue
	}
	return v
}

// ErrNotConverged is returned when an optimiser gives up.
var ErrNotConverged = errors.New("the model fit did not converge")

// ErrDegenerate is returned (wrapped, saying which parameters) when a fit
// runs off to the edge of the parameter space in a way no simpler model
// explains: the data cannot pin the parameters down.
var ErrDegenerate = errors.New("the model fit is degenerate")

// WeeksPerMonth converts months of the horizon to the model's weeks.
const WeeksPerMonth = 365.25 / 12 / 7

// MonthlyRate turns an annual discount rate into a monthly one; rates
// below 0 or not finite count as 0.
func MonthlyRate(annual float64) float64 {
	return math.Pow(1+nonNeg(annual), 1.0/12) - 1
}

// Value is the discounted lifetime value of a customer over horizon months:
// Σ_k spend · (E[Y(k)] − E[Y(k−1)]) / (1+d)^k with a monthly discount rate
// d, times the margin, within ±MaxValue.
func Value(bg BGNBD, gg GammaGamma, c Customer, months int, monthlyDiscount, margin float64) float64 {
	c = clean(c)
	if !bg.valid() || !gg.valid() || !finite(margin) {
		return 0
	}
	months = min(max(months, 0), maxMonths)
	d := nonNeg(monthlyDiscount)
	return clampMoney(gg.ExpectedSpend(c.X, c.Mx) * bg.PAlive(c.X, c.Tx, c.T) * bg.discountedAlive(c.X, c.T, months, d) * margin)
}

// discountedAlive is Σ_k (E[Y(k) | alive] − E[Y(k−1) | alive]) / (1+d)^k
// over months k: E[Y(t)] = P(alive) · E[Y(t) | alive], so P(alive) is
// worked out once, not every month, and this part depends on x and T only.
func (bg BGNBD) discountedAlive(x int, T float64, months int, d float64) float64 {
	total, prev, disc := 0.0, 0.0, 1.0
	for k := 1; k <= months; k++ {
		e := bg.expectedAlive(float64(k)*WeeksPerMonth, x, T)
		disc /= 1 + d
		total += (e - prev) * disc
		prev = e
	}
	return total
}

// maxMonths bounds the horizon (a century) so a caller's typo cannot loop for long.
const maxMonths = 1200

// SimpleValue is the classic m·r/(1+i−r) over a horizon of months: the
// yearly margin m, earned at the end of each year the customer is kept
// (yearly retention rate r, clamped to [0, 1]), discounted at the yearly
// rate i (≥ 0), for the years of the horizon (a part of a year for its
// part): m·Σ (r/(1+i))^t. Over an endless horizon it is m·r/(1+i−r); over
// a finite one it is finite even when every customer stays and nothing is
// discounted (r = 1+i), and a month is worth a twelfth of a year, not the
// whole of forever. Within ±MaxValue.
func SimpleValue(m, r, i float64, months int) float64 {
	if !finite(m) {
		return 0
	}
	r = math.Min(nonNeg(r), 1)
	q := r / (1 + nonNeg(i))
	years := float64(min(max(months, 0), maxMonths)) / 12
	total, f := 0.0, 1.0
	for t := 0; float64(t) < years; t++ {
		f *= q
		total += math.Min(1, years-float64(t)) * f
	}
	return clampMoney(m * total)
}
