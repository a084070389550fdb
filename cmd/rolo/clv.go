package main

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/rolo-crm/rolo/insight"
	"github.com/rolo-crm/rolo/progress"
	"github.com/rolo-crm/rolo/settings"
	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/tiering"
	"github.com/rolo-crm/rolo/tiering/clv"
	"github.com/spf13/cobra"
)

type clvOptions struct {
	horizon, discount, margin, holdout string
	limit                              int
	model                              bool
}

// options are the analysis options: the notebook's clv settings, with
// what the flags set on top.
func (o *clvOptions) options(cmd *cobra.Command, svc *insight.Service) (*clv.Options, error) {
	set, err := svc.Settings(cmd.Context())
	if err != nil {
		return nil, err
	}
	out := set.CLV
	fs := cmd.Flags()
	if fs.Changed("horizon") {
		if out.HorizonMonths, err = settings.Months(o.horizon); err != nil {
			return nil, usageErrorf("--horizon %q: %v", o.horizon, err)
		}
	}
	if fs.Changed("discount") {
		if err = settings.CheckPercent(o.discount); err != nil {
			return nil, usageErrorf("--discount %q: %v", o.discount, err)
		}
		if out.AnnualDiscount, err = settings.Percent(o.discount); err != nil {
			return nil, usageErrorf("--discount %q: %v", o.discount, err)
		}
	}
	if fs.Changed("margin") {
		if err = settings.CheckPercent(o.margin); err != nil {
			return nil, usageErrorf("--margin %q: %v", o.margin, err)
		}
		if out.Margin, err = settings.Percent(o.margin); err != nil {
			return nil, usageErrorf("--margin %q: %v", o.margin, err)
		}
	}
	return &out, nil
}

type clvRowJSON struct {
	ID   int64        `json:"id"`
	Name string       `json:"name"`
	Tier tiering.Tier `json:"tier"`
	lifetimeJSON
}

type clvModelJSON struct {
	Fitted         bool            `json:"fitted"`
	Status         clv.Status      `json:"status"`
	Reason         string          `json:"reason,omitempty"`
	BG             *clv.BGNBD      `json:"bgnbd"`
	GG             *clv.GammaGamma `json:"gamma_gamma"`
	Retention      float64         `json:"retention"`
	HorizonMonths  int             `json:"horizon_months"`
	AnnualDiscount float64         `json:"annual_discount"`
	Margin         float64         `json:"margin"`
	AsOf           string          `json:"as_of"`
}

func newCLVCmd(a *App) *cobra.Command {
	var o clvOptions
	cmd := &cobra.Command{
		Use:   "clv",
		Short: "Customer lifetime value: who is still active and what they are worth",
		Long: `Fit the BG/NBD and Gamma-Gamma models to the notebook's purchase history and
value every buying customer: the chance they are still active (P(alive)), the
purchases to expect in the next 90 days, their expected spend per purchase and
their lifetime value over --horizon, discounted and times --margin.

With fewer than 100 buying customers or 30 repeat buyers, or when the fit does
not converge, rolo says so and uses the simple CLV m·r/(1+i−r) instead: m the
customer's margin over the last 12 months, r the share of last year's buyers
who bought again, i the discount rate. The model is kept, with the options it
was valued with, for rolo show, the account card and rolo due. The options
default to the settings clv.horizon, clv.discount and clv.margin.

--holdout DATE checks the model against the future: it is fitted on the
purchases up to DATE only and its forecast of repeat purchases after DATE
(to today, or --as-of) is compared with what customers really did, by how
many repeat purchases they had made by DATE (Fader, Hardie & Lee 2005,
figure 4). The kept model is left alone.`,
		Example: `  rolo clv
  rolo clv --margin 45% --horizon 24m
  rolo clv --json | jq '.[] | select(.p_alive < 0.3)'
  rolo clv --model --json                # the fitted parameters and the options
  rolo clv --holdout 2026-05-31          # fit to May, compare with June to today`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.holdout != "" {
				return runHoldout(cmd, a, o.holdout)
			}
			return runCLV(cmd, a, o)
		},
	}
	cmd.Flags().StringVar(&o.horizon, "horizon", "12m", "how far ahead to value customers, in months (6m, 12m, 24m)")
	cmd.Flags().StringVar(&o.discount, "discount", "10%", "yearly discount rate (money later is worth less)")
	cmd.Flags().StringVar(&o.margin, "margin", "30%", "your margin on revenue")
	cmd.Flags().IntVarP(&o.limit, "limit", "n", 20, "on a terminal, show the top N (0 for all)")
	cmd.Flags().StringVar(&o.holdout, "holdout", "", "check the model: fit on the purchases up to this date, compare with what came after")
	cmd.Flags().BoolVar(&o.model, "model", false, "print the model instead of the customers: its parameters, how sure it is, the options")
	return cmd
}

func runCLV(cmd *cobra.Command, a *App, o clvOptions) error {
	ctx, today, svc, err := a.open(cmd)
	if err != nil {
		return err
	}
	opts, err := o.options(cmd, svc)
	if err != nil {
		return err
	}
	pctx, done := a.showProgress(ctx, "lifetime value")
	defer done()
	lt, err := svc.Lifetime(pctx, insight.LifetimeQuery{AsOf: today, Options: opts})
	if err != nil {
		return err
	}
	progress.From(pctx).Stage("ranking customers", 0, "")
	tiers, err := svc.NotebookTiers(ctx, today)
	if err != nil {
		return err
	}
	done()
	rows := slices.Clone(lt.Rows)
	slices.SortStableFunc(rows, func(x, y insight.LifetimeRow) int { return cmp.Compare(y.CLV, x.CLV) })
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	names, err := svc.Store().Names(ctx, ids)
	if err != nil {
		return err
	}
	res := lt.Result
	if o.model && a.JSON {
		out := clvModelJSON{Fitted: res.Fitted, Status: res.Status, Reason: res.Reason, Retention: res.Retention, HorizonMonths: lt.Options.HorizonMonths,
			AnnualDiscount: lt.Options.AnnualDiscount, Margin: lt.Options.Margin, AsOf: today.Format("2006-01-02")}
		if res.Fitted {
			out.BG, out.GG = &res.BG, &res.GG
		}
		return writeJSON(a.Out, out)
	}
	if a.JSON {
		out := make([]clvRowJSON, len(rows))
		for i, r := range rows {
			out[i] = clvRowJSON{ID: r.ID, Name: names[r.ID], Tier: tiers.Of(r.ID), lifetimeJSON: a.lifetimeJSON(r)}
		}
		return writeJSONRows(a.Out, out)
	}
	if a.IsTTY || o.model {
		if res.Fitted {
			if res.BG.SameDropout {
				fmt.Fprintf(a.Out, "BG/NBD  r %.3f  α %.3f  one chance of leaving after each purchase p %.3f  (log-likelihood %.2f, %d customers)\n",
					res.BG.R, res.BG.Alpha, res.BG.P, res.BG.LL, res.BG.N)
			} else {
				fmt.Fprintf(a.Out, "BG/NBD  r %.3f  α %.3f  a %.3f  b %.3f  (log-likelihood %.2f, %d customers)\n",
					res.BG.R, res.BG.Alpha, res.BG.A, res.BG.B, res.BG.LL, res.BG.N)
			}
			if res.GG.Pooled {
				fmt.Fprintf(a.Out, "Gamma-Gamma  pooled: everyone's expected spend is the average repeat purchase, %s  (%d repeat buyers)\n",
					a.moneyFloat(res.GG.Mean), res.GG.N)
			} else {
				fmt.Fprintf(a.Out, "Gamma-Gamma  p %.3f  q %.3f  γ %.3f  (%d repeat buyers)\n", res.GG.P, res.GG.Q, res.GG.V, res.GG.N)
			}
			if res.Reason != "" {
				fmt.Fprintf(a.Out, "Note: %s.\n", res.Reason)
			}
		} else {
			fmt.Fprintf(a.Out, "Not fitting the models: %s.\nUsing the simple CLV m·r/(1+i−r) with retention r = %.0f%%.\n", res.Reason, 100*res.Retention)
		}
		fmt.Fprintf(a.Out, "Lifetime value over %s at %.0f%% margin, discounted %.0f%% a year",
			plural(lt.Options.HorizonMonths, "month"), 100*lt.Options.Margin, 100*lt.Options.AnnualDiscount)
		if o.model {
			fmt.Fprintln(a.Out, ".")
			return nil
		}
		fmt.Fprint(a.Out, ":\n\n")
	}
	t := a.newTable(column{Name: "id", Right: true}, column{Name: "name", Min: 8}, column{Name: "tier"},
		column{Name: "p(alive)", Right: true}, column{Name: "next 90d", Right: true}, column{Name: "spend", Right: true},
		column{Name: "clv", Right: true})
	shown := rows
	if a.IsTTY && o.limit > 0 && len(shown) > o.limit {
		shown = shown[:o.limit]
	}
	num := func(v float64, known bool) string {
		if !known {
			return ""
		}
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
	for _, r := range shown {
		spend := "" // unknown without the models, as JSON's null
		if r.Known {
			spend = a.money(r.ExpectedSpend)
		}
		t.add(strconv.FormatInt(r.ID, 10), names[r.ID], string(tiers.Of(r.ID)), num(r.PAlive, r.Known), num(r.Expected90, r.Known),
			spend, a.money(r.CLV))
	}
	if err := t.print(); err != nil {
		return err
	}
	if a.IsTTY && len(rows) > len(shown) {
		fmt.Fprintf(a.Err, "top %d of %d; --limit 0 for all, --json for scripts\n", len(shown), len(rows))
	}
	return nil
}

type holdoutJSON struct {
	Calibration string            `json:"calibration_end"`
	AsOf        string            `json:"as_of"`
	Model       clv.BGNBD         `json:"bgnbd"`
	Report      clv.HoldoutReport `json:"holdout"`
}

func runHoldout(cmd *cobra.Command, a *App, date string) error {
	ctx, today, svc, err := a.open(cmd)
	if err != nil {
		return err
	}
	cal, err := store.ParseDay(date, today, store.Back)
	if err != nil {
		return fmt.Errorf("--holdout: %w", err)
	}
	h, err := svc.Holdout(ctx, insight.HoldoutQuery{Calibration: cal, AsOf: today})
	if err != nil {
		return err
	}
	rep := h.Report
	if a.JSON {
		return writeJSON(a.Out, holdoutJSON{Calibration: h.Calibration.Format(store.DateLayout), AsOf: h.AsOf.Format(store.DateLayout),
			Model: h.Model, Report: rep})
	}
	group := func(g clv.HoldoutGroup) string {
		if g.OrMore {
			return strconv.Itoa(g.X) + "+"
		}
		return strconv.Itoa(g.X)
	}
	if !a.IsTTY {
		t := a.newTable()
		for _, g := range rep.Groups {
			t.add(group(g), strconv.Itoa(g.Customers), strconv.FormatFloat(g.Predicted, 'f', 4, 64), strconv.FormatFloat(g.Actual, 'f', 4, 64))
		}
		return t.print()
	}
	r := a.renderer()
	bold := r.NewStyle().Bold(true)
	exp := r.NewStyle().Foreground(lipglossColor("#87afd7"))
	act := r.NewStyle().Foreground(lipglossColor("#d7875f"))
	off := 0.0
	if rep.Actual > 0 {
		off = 100 * (rep.Predicted - float64(rep.Actual)) / float64(rep.Actual)
	}
	fmt.Fprintf(a.Out, "%s fitted on the purchases up to %s, compared with the %.1f weeks after (to %s).\n",
		bold.Render("Checked against the future:"), h.Calibration.Format(store.DateLayout), rep.Weeks, h.AsOf.Format(store.DateLayout))
	fmt.Fprintf(a.Out, "%s: %.1f repeat purchases expected, %d made (%+.1f%%).\n\n",
		plural(rep.Customers, "customer"), rep.Predicted, rep.Actual, off)
	most := 0.0
	for _, g := range rep.Groups {
		most = max(most, g.Predicted, g.Actual)
	}
	bar := func(v float64, block string) string {
		if most <= 0 {
			return ""
		}
		return strings.Repeat(block, int(math.Round(24*v/most)))
	}
	t := a.newTable(column{Name: "repeat buys by then", Right: true}, column{Name: "customers", Right: true},
		column{Name: "expected each", Right: true}, column{Name: "made each", Right: true})
	for _, g := range rep.Groups {
		if g.Customers > 0 {
			t.add(group(g), strconv.Itoa(g.Customers), fmt.Sprintf("%.2f", g.Predicted), fmt.Sprintf("%.2f", g.Actual))
		}
	}
	if err := t.print(); err != nil {
		return err
	}
	fmt.Fprintf(a.Out, "\nRepeat purchases per customer after %s, %s and %s:\n", h.Calibration.Format(store.DateLayout),
		exp.Render("▒ expected"), act.Render("█ made"))
	for _, g := range rep.Groups {
		if g.Customers == 0 {
			continue
		}
		fmt.Fprintf(a.Out, "%4s  %s %.2f\n      %s %.2f\n", group(g), exp.Render(bar(g.Predicted, "▒")), g.Predicted,
			act.Render(bar(g.Actual, "█")), g.Actual)
	}
	return nil
}

// moneyFloat writes a model's amount in currency units; one out of range
// (which the model never gives) is written as unknown.
func (a *App) moneyFloat(v float64) string {
	m, ok := a.currency().FromFloat(v)
	if !ok {
		return "unknown"
	}
	return a.money(m)
}
