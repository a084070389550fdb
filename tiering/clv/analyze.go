package clv

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
)

// Guardrails: below these the models are not fitted and the simple CLV is used.
const (
	MinCustomers    = 100
	MinRepeatBuyers = 30
)

// Options shape an analysis.
type Options struct {
	HorizonMonths  int     `json:"horizon_months"`    // default 12
	AnnualDiscount float64 `json:"annual_discount"`   // e.g. 0.10
	Margin         float64 `json:"margin"`            // e.g. 0.30; 0 means 1 (value in revenue)
	Penalty        float64 `json:"penalty,omitempty"` // L2 penalty for the fits
}

// Row is one customer's lifetime figures. No field is ever NaN or
// infinite; PAlive, Expected90 and ExpectedSpend are -1 (unknown) when the
// models were not used.
type Row struct {
	ID            int64   `json:"id"`
	PAlive        float64 `json:"p_alive"`
	Expected90    float64 `json:"expected_purchases_90d"`
	ExpectedSpend float64 `json:"expected_spend"`
	CLV           float64 `json:"clv"`
}

// Status says how the lifetime values were worked out, so a reader knows
// how far to trust them.
type Status string

const (
	// StatusFitted: both models were fitted; Reason notes a simplified
	// (limiting) model when one was used.
	StatusFitted Status = "fitted"
	// StatusFallback: the fit failed or ran off; Reason says why, and the
	// values are the simple CLV.
	StatusFallback Status = "fallback"
	// StatusTooLittleData: too few customers or repeat buyers to fit; the
	// values are the simple CLV.
	StatusTooLittleData Status = "too_little_data"
)

// Result is the analysis: fitted models, or why the simple CLV was used.
type Result struct {
	Status    Status     `json:"status"`
	Fitted    bool       `json:"fitted"`           // Status == StatusFitted
	Reason    string     `json:"reason,omitempty"` // plain English, a clause without a full stop
	BG        BGNBD      `json:"bgnbd"`
	GG        GammaGamma `json:"gamma_gamma"`
	Retention float64    `json:"retention"`
	Rows      []Row      `json:"customers"`
}

// Reasons, as clauses a salesperson can read (the command line prints
// "Not fitting the models: <reason>.").
const (
	reasonSameDropout = "customers seem equally likely to stop buying after any purchase, so the model uses one shared chance of leaving"
	reasonPooled      = "customers' average spend per purchase differs no more than chance would make it, so everyone's expected spend is the average repeat purchase"
	reasonRates       = "customers' buying rates could not be estimated from this history (too few purchases, or too alike to tell apart)"
	reasonDropout     = "how likely customers are to stop buying could not be estimated from this history"
	reasonSpendTail   = "spend per purchase varies too wildly between customers to estimate a typical amount"
	reasonSpend       = "spend per purchase could not be estimated from this history"
	reasonNoFit       = "the model fit did not converge"
)

// Analyze fits BG/NBD and Gamma-Gamma on cs and values every customer. With
// too little data, or a fit that fails or runs off to the edge of its
// parameters, it says why and falls back to the simple CLV m·r/(1+i−r),
// where m is the customer's margin over the last year (annual, in currency
// units) and r the notebook's retention.
func Analyze(cs []Customer, annual map[int64]float64, retention float64, o Options) Result {
	o = o.normalized()
	res := Result{Retention: math.Min(nonNeg(retention), 1)}
	repeat := 0
	for _, c := range cs {
		if c = clean(c); c.X > 0 && c.Mx > 0 {
			repeat++
		}
	}
	switch {
	case len(cs) < MinCustomers:
		res.Status = StatusTooLittleData
		res.Reason = fmt.Sprintf("only %d buying customers (the models need at least %d)", len(cs), MinCustomers)
	case repeat < MinRepeatBuyers:
		res.Status = StatusTooLittleData
		res.Reason = fmt.Sprintf("only %d repeat buyers (the models need at least %d)", repeat, MinRepeatBuyers)
	default:
		res.fit(cs, o)
	}
	res.Fitted = res.Status == StatusFitted
	if res.Fitted {
		res.Rows = FiguresAll(res.BG, res.GG, cs, o.HorizonMonths, o.AnnualDiscount, o.Margin)
		return res
	}
	res.Rows = make([]Row, len(cs))
	for i, c := range cs {
		res.Rows[i] = Row{ID: c.ID, PAlive: -1, Expected90: -1, ExpectedSpend: -1,
			CLV: SimpleValue(annual[c.ID]*o.Margin, res.Retention, o.AnnualDiscount, o.HorizonMonths)}
	}
	return res
}

// normalized fills the defaults and keeps options in range.
func (o Options) normalized() Options {
	if o.HorizonMonths <= 0 {
		o.HorizonMonths = 12
	}
	o.HorizonMonths = min(o.HorizonMonths, maxMonths)
	if !(o.Margin > 0) || !finite(o.Margin) {
		o.Margin = 1
	}
	o.AnnualDiscount = nonNeg(o.AnnualDiscount)
	o.Penalty = nonNeg(o.Penalty)
	return o
}

// fit fits both models and sets Status, Reason, BG and GG.
func (res *Result) fit(cs []Customer, o Options) {
	res.Status = StatusFallback
	bg, err := FitBGNBD(cs, FitOptions{Penalty: o.Penalty})
	if err != nil {
		res.Reason = reasonNoFit
		if errors.Is(err, ErrDegenerate) {
			res.Reason = reasonRates
			if !bg.SameDropout && (bg.A > math.Exp(degenerateLog) || bg.B > math.Exp(degenerateLog) ||
				bg.A < math.Exp(-degenerateLog) || bg.B < math.Exp(-degenerateLog)) {
				res.Reason = reasonDropout
			}
		}
		return
	}
	gg, err := FitGammaGamma(cs, FitOptions{Penalty: o.Penalty})
	if err != nil {
		res.Reason = reasonSpend
		if errors.Is(err, ErrDegenerate) && gg.Q <= 1 {
			res.Reason = reasonSpendTail
		}
		return
	}
	res.Status, res.BG, res.GG = StatusFitted, bg, gg
	res.Reason = ""
	if bg.SameDropout {
		res.Reason = reasonSameDropout
	}
	if gg.Pooled {
		res.Reason = joinSentences(res.Reason, reasonPooled)
	}
}

func joinSentences(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// Figures values one customer with fitted models: P(alive), purchases
// expected in the next 90 days, expected spend per purchase and the
// lifetime value over months, discounted at annualDiscount, times margin.
// With models that are not valid the model figures are -1 (unknown) and
// the value 0.
func Figures(bg BGNBD, gg GammaGamma, c Customer, months int, annualDiscount, margin float64) Row {
	return FiguresAll(bg, gg, []Customer{c}, months, annualDiscount, margin)[0]
}

// FiguresAll is Figures of each of cs, in order, with one pair of models.
// Customers with the same x and T share the costly part of their figures
// (the expected purchases of a customer still alive): a notebook of
// 100,000 buyers has about 30,000 such pairs. Each pair is worked out once,
// the pairs spread over the machine's cores.
func FiguresAll(bg BGNBD, gg GammaGamma, cs []Customer, months int, annualDiscount, margin float64) []Row {
	rows := make([]Row, len(cs))
	if !bg.valid() || !gg.valid() {
		for i, c := range cs {
			rows[i] = Row{ID: c.ID, PAlive: -1, Expected90: -1, ExpectedSpend: -1}
		}
		return rows
	}
	months = min(max(months, 0), maxMonths)
	d := MonthlyRate(annualDiscount)
	type xT struct {
		x int
		T float64
	}
	at := make(map[xT]int, len(cs)/2)
	var pairs []xT
	which := make([]int, len(cs))
	for i, c := range cs {
		cc := clean(c)
		k := xT{cc.X, cc.T}
		j, ok := at[k]
		if !ok {
			j = len(pairs)
			at[k] = j
			pairs = append(pairs, k)
		}
		which[i] = j
	}
	e90, total := make([]float64, len(pairs)), make([]float64, len(pairs))
	work := func(w, workers int) {
		for j := w; j < len(pairs); j += workers {
			p := pairs[j]
			e90[j], total[j] = bg.expectedAlive(90.0/7, p.x, p.T), bg.discountedAlive(p.x, p.T, months, d)
		}
	}
	if workers := min(runtime.GOMAXPROCS(0), len(pairs)/1000); workers > 1 {
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				work(w, workers)
			}()
		}
		wg.Wait()
	} else {
		work(0, 1)
	}
	for i, c := range cs {
		rows[i] = figures(bg, gg, c, e90[which[i]], total[which[i]], margin)
	}
	return rows
}

// figures is Figures given the alive customer's expected purchases in 90
// days and discounted over the horizon (the same arithmetic as Expected
// and Value).
func figures(bg BGNBD, gg GammaGamma, c Customer, e90, total, margin float64) Row {
	c = clean(c)
	pa, spend := bg.PAlive(c.X, c.Tx, c.T), gg.ExpectedSpend(c.X, c.Mx)
	v := 0.0
	if finite(margin) {
		v = clampMoney(spend * pa * total * margin)
	}
	return Row{ID: c.ID, PAlive: pa, Expected90: pa * e90, ExpectedSpend: spend, CLV: v}
}
