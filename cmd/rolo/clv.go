package main

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/tiering"
	"github.com/rolo-crm/rolo/tiering/clv"
	"github.com/spf13/cobra"
)

type clvFlags struct {
	horizon, discount, margin string
}

func (f *clvFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.horizon, "horizon", "12m", "how far ahead to value customers, in months (6m, 12m, 24m)")
	cmd.Flags().StringVar(&f.discount, "discount", "10%", "yearly discount rate (money later is worth less)")
	cmd.Flags().StringVar(&f.margin, "margin", "30%", "your margin on revenue")
}

func parsePercent(flag, s string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(s), "%"), 64)
	if err != nil || v < 0 || v > 1000 {
		return 0, usageErrorf("--%s %q: write a percentage such as 10%%", flag, s)
	}
	return v / 100, nil
}

func (f *clvFlags) options() (clv.Options, error) {
	var o clv.Options
	h := strings.TrimSuffix(strings.TrimSpace(f.horizon), "m")
	n, err := strconv.Atoi(h)
	if err != nil || n < 1 || n > 120 {
		return o, usageErrorf("--horizon %q: write months such as 12m (1–120)", f.horizon)
	}
	o.HorizonMonths = n
	if o.AnnualDiscount, err = parsePercent("discount", f.discount); err != nil {
		return o, err
	}
	if o.Margin, err = parsePercent("margin", f.margin); err != nil {
		return o, err
	}
	return o, nil
}

// analyzeCLV fits the lifetime-value models as of today (saving them for
// show and the TUI) and values every buying customer.
func analyzeCLV(ctx context.Context, st *store.Store, today time.Time, o clv.Options) (clv.Result, error) {
	cs, err := st.CLVSummaries(ctx, today)
	if err != nil {
		return clv.Result{}, err
	}
	ms, err := st.Metrics(ctx, today, store.MetricsOptions{Growth: true})
	if err != nil {
		return clv.Result{}, err
	}
	annual := make(map[int64]float64, len(ms))
	prevBuyers, kept := 0, 0
	for _, m := range ms {
		annual[m.ID] = float64(m.Revenue12) / 100
		if m.RevenuePrev12 > 0 {
			prevBuyers++
			if m.Revenue12 > 0 {
				kept++
			}
		}
	}
	retention := 0.0
	if prevBuyers > 0 {
		retention = float64(kept) / float64(prevBuyers)
	}
	res := clv.Analyze(cs, annual, retention, o)
	if res.Fitted {
		if err := st.SaveCLVModel(ctx, store.CLVModel{AsOf: today.Format(store.DateLayout), BG: res.BG, GG: res.GG}); err != nil {
			return res, err
		}
	}
	return res, nil
}

type clvRow struct {
	clv.Row
	Name string       `json:"name"`
	Tier tiering.Tier `json:"tier"`
}

func newCLVCmd(a *App) *cobra.Command {
	var f clvFlags
	var n int
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
who bought again, i the discount rate. The fitted model is kept for rolo show
and the account card.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o, err := f.options()
			if err != nil {
				return err
			}
			ctx, today, st, err := a.open(cmd)
			if err != nil {
				return err
			}
			res, err := analyzeCLV(ctx, st, today, o)
			if err != nil {
				return err
			}
			tiers, err := currentTiers(ctx, a, st, today)
			if err != nil {
				return err
			}
			sort.SliceStable(res.Rows, func(i, j int) bool { return res.Rows[i].CLV > res.Rows[j].CLV })
			ids := make([]int64, len(res.Rows))
			for i, r := range res.Rows {
				ids[i] = r.ID
			}
			cs, err := st.CustomersByID(ctx, ids)
			if err != nil {
				return err
			}
			rows := make([]clvRow, len(res.Rows))
			for i, r := range res.Rows {
				rows[i] = clvRow{Row: r, Name: cs[r.ID].Name, Tier: tiering.Tier(tiers[r.ID])}
			}
			if a.JSON {
				res.Rows = nil
				return writeJSON(a.Out, map[string]any{"model": res, "horizon_months": o.HorizonMonths,
					"annual_discount": o.AnnualDiscount, "margin": o.Margin, "customers": rows})
			}
			num := func(v float64, prec int) string {
				if v < 0 {
					return ""
				}
				return strconv.FormatFloat(v, 'f', prec, 64)
			}
			if a.IsTTY {
				if res.Fitted {
					fmt.Fprintf(a.Out, "BG/NBD  r %.3f  α %.3f  a %.3f  b %.3f  (log-likelihood %.2f, %d customers)\n",
						res.BG.R, res.BG.Alpha, res.BG.A, res.BG.B, res.BG.LL, res.BG.N)
					fmt.Fprintf(a.Out, "Gamma-Gamma  p %.3f  q %.3f  γ %.3f  (%d repeat buyers)\n", res.GG.P, res.GG.Q, res.GG.V, res.GG.N)
				} else {
					fmt.Fprintf(a.Out, "Not fitting the models: %s.\nUsing the simple CLV m·r/(1+i−r) with retention r = %.0f%%.\n", res.Reason, 100*res.Retention)
				}
				fmt.Fprintf(a.Out, "Lifetime value over %d months at %.0f%% margin, discounted %.0f%% a year:\n\n", o.HorizonMonths, 100*o.Margin, 100*o.AnnualDiscount)
			}
			t := a.newTable(column{Name: "id", Right: true}, column{Name: "name", Min: 8}, column{Name: "tier"},
				column{Name: "p(alive)", Right: true}, column{Name: "next 90d", Right: true}, column{Name: "spend", Right: true},
				column{Name: "clv", Right: true})
			shown := rows
			if a.IsTTY && n > 0 && len(shown) > n {
				shown = shown[:n]
			}
			for _, r := range shown {
				t.add(strconv.FormatInt(r.ID, 10), r.Name, string(r.Tier), num(r.PAlive, 2), num(r.Expected90, 2),
					num(r.ExpectedSpend, 2), a.money(int64(r.CLV*100+0.5)))
			}
			if err := t.print(); err != nil {
				return err
			}
			if a.IsTTY && len(rows) > len(shown) {
				fmt.Fprintf(a.Err, "top %d of %d; --limit 0 for all, --json for scripts\n", len(shown), len(rows))
			}
			return nil
		},
	}
	f.register(cmd)
	cmd.Flags().IntVarP(&n, "limit", "n", 20, "on a terminal, show the top N (0 for all)")
	return cmd
}
