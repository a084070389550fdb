package clv

import (
	"fmt"
	"math"
)

// Guardrails: below these the models are not fitted and the simple CLV is used.
const (
	MinCustomers    = 100
	MinRepeatBuyers = 30
)

// Options shape an analysis.
type Options struct {
	HorizonMonths  int     // default 12
	AnnualDiscount float64 // e.g. 0.10
	Margin         float64 // e.g. 0.30; 0 means 1 (value in revenue)
	Penalty        float64 // L2 penalty for the fits
}

// Row is one customer's lifetime figures. PAlive and Expected90 are NaN-free;
// when the models were not fitted they are -1 (unknown).
type Row struct {
	ID            int64   `json:"id"`
	PAlive        float64 `json:"p_alive"`
	Expected90    float64 `json:"expected_purchases_90d"`
	ExpectedSpend float64 `json:"expected_spend"`
	CLV           float64 `json:"clv"`
}

// Result is the analysis: fitted models, or why the simple CLV was used.
type Result struct {
	Fitted    bool       `json:"fitted"`
	Reason    string     `json:"reason,omitempty"`
	BG        BGNBD      `json:"bgnbd"`
	GG        GammaGamma `json:"gamma_gamma"`
	Retention float64    `json:"retention"`
	Rows      []Row      `json:"customers"`
}

// MonthlyRate turns an annual discount rate into a monthly one.
func MonthlyRate(annual float64) float64 { return math.Pow(1+annual, 1.0/12) - 1 }

// Analyze fits BG/NBD and Gamma-Gamma on cs and values every customer. With
// too little data or no convergence it says why and falls back to the
// simple CLV m·r/(1+i−r), where m is the customer's margin over the last
// year (annual, in currency units) and r the notebook's retention.
func Analyze(cs []Customer, annual map[int64]float64, retention float64, o Options) Result {
	if o.HorizonMonths <= 0 {
		o.HorizonMonths = 12
	}
	if o.Margin <= 0 {
		o.Margin = 1
	}
	res := Result{Retention: retention}
	repeat := 0
	for _, c := range cs {
		if c.X > 0 && c.Mx > 0 {
			repeat++
		}
	}
	switch {
	case len(cs) < MinCustomers:
		res.Reason = fmt.Sprintf("only %d buying customers (the models need at least %d)", len(cs), MinCustomers)
	case repeat < MinRepeatBuyers:
		res.Reason = fmt.Sprintf("only %d repeat buyers (the models need at least %d)", repeat, MinRepeatBuyers)
	default:
		bg, err := FitBGNBD(cs, FitOptions{Penalty: o.Penalty})
		if err == nil {
			var gg GammaGamma
			gg, err = FitGammaGamma(cs, FitOptions{Penalty: o.Penalty})
			if err == nil && (gg.Q <= 1 || !finite(bg.R, bg.Alpha, bg.A, bg.B, gg.P, gg.Q, gg.V)) {
				err = ErrNotConverged
			}
			res.BG, res.GG = bg, gg
		}
		if err != nil {
			res.Reason = "the model fit did not converge"
		} else {
			res.Fitted = true
		}
	}
	res.Rows = make([]Row, len(cs))
	for i, c := range cs {
		r := Row{ID: c.ID, PAlive: -1, Expected90: -1, ExpectedSpend: -1}
		if res.Fitted {
			r = Figures(res.BG, res.GG, c, o.HorizonMonths, o.AnnualDiscount, o.Margin)
		} else {
			r.CLV = SimpleValue(annual[c.ID]*o.Margin, retention, o.AnnualDiscount)
		}
		if !finite(r.PAlive, r.Expected90, r.ExpectedSpend, r.CLV) {
			r = Row{ID: c.ID, PAlive: -1, Expected90: -1, ExpectedSpend: -1}
		}
		res.Rows[i] = r
	}
	return res
}

func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// Figures values one customer with fitted models: P(alive), purchases
// expected in the next 90 days, expected spend per purchase and the
// lifetime value over months, discounted at annualDiscount, times margin.
func Figures(bg BGNBD, gg GammaGamma, c Customer, months int, annualDiscount, margin float64) Row {
	return Row{ID: c.ID, PAlive: bg.PAlive(c.X, c.Tx, c.T), Expected90: bg.Expected(90.0/7, c.X, c.Tx, c.T),
		ExpectedSpend: gg.ExpectedSpend(c.X, c.Mx), CLV: Value(bg, gg, c, months, MonthlyRate(annualDiscount), margin)}
}
