package insight

import (
	"context"
	"fmt"
	"time"

	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/progress"
	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/tiering/clv"
)

// LifetimeQuery asks for lifetime values as of a day.
type LifetimeQuery struct {
	AsOf time.Time
	// Options override the notebook's clv.horizon, clv.discount and
	// clv.margin settings for this analysis; nil uses them.
	Options *clv.Options
}

// Lifetime is every buying customer's lifetime value, with the model
// behind it (or why the simple formula was used instead).
type Lifetime struct {
	AsOf    time.Time
	Options clv.Options
	Result  clv.Result // the model; Result.Rows in the model's own units
	Rows    []LifetimeRow
}

// LifetimeRow is one customer's figures. PAlive and Expected90 are
// unknown (Known false) when the model was not fitted.
type LifetimeRow struct {
	ID            int64
	Known         bool    // the model was fitted: PAlive and Expected90 mean something
	PAlive        float64 // the chance they are still buying, 0–1
	Expected90    float64 // purchases to expect in the next 90 days
	ExpectedSpend money.Amount
	CLV           money.Amount
}

// savedModel is what the notebook keeps of the last analysis, so that the
// card, the agenda and a ranking by lifetime value reuse it.
type savedModel struct {
	AsOf      string         `json:"as_of"`
	Version   int64          `json:"purchases_version"` // the purchases it was fitted on
	Options   clv.Options    `json:"options"`
	Fitted    bool           `json:"fitted"`
	Status    clv.Status     `json:"status"`
	Reason    string         `json:"reason,omitempty"`
	Retention float64        `json:"retention"`
	BG        clv.BGNBD      `json:"bgnbd"`
	GG        clv.GammaGamma `json:"gamma_gamma"`
}

const modelKey = "clv.model"

func (s *Service) options(ctx context.Context, o *clv.Options) (clv.Options, error) {
	if o != nil {
		return *o, nil
	}
	set, err := s.st.Settings(ctx)
	return set.CLV, err
}

// Lifetime fits the BG/NBD and Gamma-Gamma models to the purchases up to
// q.AsOf and values every buying customer; with too little data it says so
// and uses the simple CLV. The fit is kept in the notebook with the
// options it was valued with: asked again on the same day with the same
// purchases, the kept fit is reused instead of fitting again.
func (s *Service) Lifetime(ctx context.Context, q LifetimeQuery) (*Lifetime, error) {
	asOf := day(q.AsOf)
	var saved savedModel
	found, err := s.st.LoadState(ctx, modelKey, &saved)
	if err != nil {
		return nil, err
	}
	// Without options of its own, an analysis values customers the way the
	// last one did (rolo clv --margin 50% and then rolo show agree), or by
	// the settings when there was none.
	opts := saved.Options
	if q.Options != nil || !found || opts.HorizonMonths <= 0 {
		if opts, err = s.options(ctx, q.Options); err != nil {
			return nil, err
		}
	}
	version, err := s.st.PurchasesVersion(ctx)
	if err != nil {
		return nil, err
	}
	meter := progress.From(ctx)
	meter.Stage("reading purchase histories", 0, "")
	in, err := s.st.CLVInputs(ctx, asOf)
	if err != nil {
		return nil, err
	}
	cs := make([]clv.Customer, len(in))
	annual := make(map[int64]float64, len(in))
	cur := s.st.Currency()
	prevBuyers, kept := 0, 0
	for i, c := range in {
		cs[i] = c.Customer
		annual[c.ID] = cur.Float(c.Revenue12)
		if c.RevenuePrev12 > 0 {
			prevBuyers++
			if c.Revenue12 > 0 {
				kept++
			}
		}
	}
	retention := 0.0
	if prevBuyers > 0 {
		retention = float64(kept) / float64(prevBuyers)
	}
	var res clv.Result
	if found && saved.AsOf == asOf.Format(store.DateLayout) && saved.Version == version && version >= 0 {
		res = clv.Result{Status: saved.Status, Fitted: saved.Fitted, Reason: saved.Reason, BG: saved.BG, GG: saved.GG, Retention: retention}
		res.Rows = valueAll(res, cs, annual, opts)
	} else {
		meter.Stage(fmt.Sprintf("fitting the models to %d customers and valuing them", len(cs)), 0, "")
		res = clv.Analyze(cs, annual, retention, opts)
	}
	saved = savedModel{AsOf: asOf.Format(store.DateLayout), Version: version, Options: opts, Fitted: res.Fitted,
		Status: res.Status, Reason: res.Reason, Retention: res.Retention, BG: res.BG, GG: res.GG}
	if err := s.st.SaveState(ctx, modelKey, saved); err != nil {
		return nil, err
	}
	lt := &Lifetime{AsOf: asOf, Options: opts, Result: res, Rows: make([]LifetimeRow, len(res.Rows))}
	for i, r := range res.Rows {
		lt.Rows[i] = lifetimeRow(r, res.Fitted, cur)
	}
	return lt, nil
}

// valueAll values customers with a kept model, as clv.Analyze would.
func valueAll(res clv.Result, cs []clv.Customer, annual map[int64]float64, o clv.Options) []clv.Row {
	if res.Fitted {
		return clv.FiguresAll(res.BG, res.GG, cs, o.HorizonMonths, o.AnnualDiscount, o.Margin)
	}
	rows := make([]clv.Row, len(cs))
	for i, c := range cs {
		rows[i] = clv.Row{ID: c.ID, PAlive: -1, Expected90: -1, ExpectedSpend: -1,
			CLV: clv.SimpleValue(annual[c.ID]*o.Margin, res.Retention, o.AnnualDiscount, o.HorizonMonths)}
	}
	return rows
}

// lifetimeRow turns the model's figures into money; anything not finite
// or out of range is left unknown, never turned into money.
func lifetimeRow(r clv.Row, fitted bool, cur money.Currency) LifetimeRow {
	out := LifetimeRow{ID: r.ID, Known: fitted && r.PAlive >= 0 && r.PAlive <= 1 && r.Expected90 >= 0}
	if out.Known {
		out.PAlive, out.Expected90 = r.PAlive, r.Expected90
	}
	if a, ok := cur.FromFloat(r.ExpectedSpend); ok && a >= 0 {
		out.ExpectedSpend = a
	}
	if a, ok := cur.FromFloat(r.CLV); ok {
		out.CLV = a
	}
	return out
}

// CustomerLifetime is one customer's figures from the kept model.
type CustomerLifetime struct {
	LifetimeRow
	ModelAsOf time.Time
	Options   clv.Options
	Fitted    bool
	Status    clv.Status // fitted, fallback or too_little_data
	Reason    string     // why the models were not fitted, or a note on the fit
}

// CustomerLifetime values one customer with the model the last analysis
// kept, and the options it was valued with; nil when no analysis was run
// or the customer has not bought.
func (s *Service) CustomerLifetime(ctx context.Context, id int64, asOf time.Time) (*CustomerLifetime, error) {
	var m savedModel
	found, err := s.st.LoadState(ctx, modelKey, &m)
	if err != nil || !found {
		return nil, err
	}
	in, ok, err := s.st.CLVInputOf(ctx, id, day(asOf))
	if err != nil || !ok {
		return nil, err
	}
	res := clv.Result{Fitted: m.Fitted, BG: m.BG, GG: m.GG, Retention: m.Retention}
	cur := s.st.Currency()
	rows := valueAll(res, []clv.Customer{in.Customer}, map[int64]float64{id: cur.Float(in.Revenue12)}, m.Options)
	at, _ := store.ParseDate(m.AsOf)
	return &CustomerLifetime{LifetimeRow: lifetimeRow(rows[0], m.Fitted, cur), ModelAsOf: at, Options: m.Options,
		Fitted: m.Fitted, Status: m.status(), Reason: m.Reason}, nil
}

// HoldoutQuery asks how well the model foresaw what customers did after
// a day: fitted on the purchases up to Calibration, compared with those
// after it up to AsOf.
type HoldoutQuery struct {
	Calibration, AsOf time.Time
}

// Holdout is the model fitted on the calibration period and its forecast
// of the hold-out period against what happened.
type Holdout struct {
	Calibration, AsOf time.Time
	Model             clv.BGNBD
	Report            clv.HoldoutReport
}

// Holdout fits BG/NBD on the purchases up to q.Calibration and compares
// the repeat purchases it expects until q.AsOf with the actual ones, per
// number of calibration repeat purchases (Fader, Hardie & Lee 2005,
// figure 4). The notebook's kept model is left alone.
func (s *Service) Holdout(ctx context.Context, q HoldoutQuery) (*Holdout, error) {
	cal, asOf := day(q.Calibration), day(q.AsOf)
	if !cal.Before(asOf) {
		return nil, store.Errorf(store.KindInvalid, "the hold-out period needs a calibration end (%s) before today (%s)",
			cal.Format(store.DateLayout), asOf.Format(store.DateLayout))
	}
	in, err := s.st.CLVInputs(ctx, cal)
	if err != nil {
		return nil, err
	}
	cs := make([]clv.Customer, len(in))
	for i, c := range in {
		cs[i] = c.Customer
	}
	opts, err := s.options(ctx, nil)
	if err != nil {
		return nil, err
	}
	res := clv.Analyze(cs, nil, 0, opts)
	if !res.Fitted {
		return nil, store.Errorf(store.KindInvalid, "the model cannot be checked: on the purchases up to %s, %s",
			cal.Format(store.DateLayout), res.Reason)
	}
	actual, err := s.st.PurchaseDaysBetween(ctx, cal, asOf)
	if err != nil {
		return nil, err
	}
	weeks := asOf.Sub(cal).Hours() / 24 / 7
	return &Holdout{Calibration: cal, AsOf: asOf, Model: res.BG, Report: clv.Holdout(cs, actual, weeks, res.BG)}, nil
}

// status is the kept model's status; models kept before it was recorded
// say only whether they were fitted.
func (m savedModel) status() clv.Status {
	switch {
	case m.Status != "":
		return m.Status
	case m.Fitted:
		return clv.StatusFitted
	}
	return clv.StatusFallback
}

// HowSure says where the figures come from and how far to trust them: the
// fitted model (and any note on the fit), or the simple formula and why.
func (lt *CustomerLifetime) HowSure() string {
	at := lt.ModelAsOf.Format(store.DateLayout)
	switch lt.Status {
	case clv.StatusFitted:
		s := fmt.Sprintf("fitted model of %s, %.0f%% margin", at, 100*lt.Options.Margin)
		if lt.Reason != "" {
			s += "; " + lt.Reason
		}
		return s
	case clv.StatusTooLittleData:
		return fmt.Sprintf("simple formula m·r/(1+i−r), too little data for the model (%s) as of %s", lt.Reason, at)
	}
	why := lt.Reason
	if why == "" {
		why = "the models were not fitted"
	}
	return fmt.Sprintf("simple formula m·r/(1+i−r), the model could not be fitted (%s) as of %s", why, at)
}
