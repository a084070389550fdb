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

// tierRow is one customer in pyramid output.
type tierRow struct {
	ID         int64        `json:"id"`
	Name       string       `json:"name"`
	Tier       tiering.Tier `json:"tier"`
	Value      float64      `json:"value"`
	Revenue    string       `json:"revenue"`
	Profit     string       `json:"profit"`
	Purchases  int          `json:"purchases"`
	Last       string       `json:"last_purchase"`
	Current    float64      `json:"current,omitempty"`
	Potential  float64      `json:"potential,omitempty"`
	LossMaking bool         `json:"loss_making,omitempty"`
}

type tierFlags struct {
	method, by, since string
}

func (f *tierFlags) register(cmd *cobra.Command, withSince bool) {
	cmd.Flags().StringVar(&f.method, "method", "pyramid", "pyramid, pareto, score or scorecard")
	cmd.Flags().StringVar(&f.by, "by", "revenue", "rank by revenue, profit, paid, count or clv (12 months, 10%/yr, 30% margin)")
	if withSince {
		cmd.Flags().StringVar(&f.since, "since", "", "count only purchases since a date or span (2026-01-01, 90d, 1y)")
	}
}

// compute resolves the flags against the notebook settings and tiers everyone.
func (f *tierFlags) compute(ctx context.Context, st *store.Store, today time.Time) (*tierState, error) {
	cfg, err := tierConfig(ctx, st)
	if err != nil {
		return nil, err
	}
	if cfg.Method, err = tiering.ParseMethod(f.method); err != nil {
		return nil, usageError{err}
	}
	if cfg.By, err = tiering.ParseIndicator(f.by); err != nil {
		return nil, usageError{err}
	}
	opts := metricsFor(cfg)
	if f.since != "" {
		if opts.Since, err = store.ParseSince(f.since, today); err != nil {
			return nil, fmt.Errorf("--since: %w", err)
		}
	}
	ms, err := st.Metrics(ctx, today, opts)
	if err != nil {
		return nil, err
	}
	if cfg.By == tiering.ByCLV {
		res, err := analyzeCLV(ctx, st, today, clv.Options{HorizonMonths: 12, AnnualDiscount: 0.1, Margin: 0.3})
		if err != nil {
			return nil, err
		}
		byID := make(map[int64]float64, len(res.Rows))
		for _, r := range res.Rows {
			byID[r.ID] = r.CLV
		}
		for i := range ms {
			ms[i].CLV = byID[ms[i].ID]
		}
	}
	ts := &tierState{cfg: cfg, metrics: ms, assign: tiering.Assign(ms, cfg, today)}
	return ts, nil
}

func newPyramidCmd(a *App) *cobra.Command {
	var f tierFlags
	cmd := &cobra.Command{
		Use:   "pyramid",
		Short: "The value pyramid: who carries the business",
		Long: `Show the value pyramid: customers ranked and cut into tiers, the share of
customers beside the share of value per tier, and each tier's treatment.

Methods:
  pyramid    by count: top 1% key, next 19% major, next 30% ordinary, rest small
  pareto     ABC by cumulative value share: A until 80%, B until 95%, C
  score      weighted percentile ranks (settings score.weights), then the count pyramid
  scorecard  current value × potential value, 0–100 each: core, harvest, develop, maintain

On a terminal it draws the pyramid and the tier table; --json and pipes give
one row per customer.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, today, st, err := a.open(cmd)
			if err != nil {
				return err
			}
			ts, err := f.compute(ctx, st, today)
			if err != nil {
				return err
			}
			if f.since == "" && f.by == "revenue" {
				// Remember tier changes so `rolo movers` and `show` can tell the story.
				if _, err := st.RecordTiers(ctx, string(ts.cfg.Method), today, ts.assign); err != nil {
					return err
				}
			}
			if a.JSON || !a.IsTTY {
				return a.printTierRows(ts)
			}
			return a.drawPyramid(ts)
		},
	}
	f.register(cmd, true)
	return cmd
}

func (a *App) printTierRows(ts *tierState) error {
	rows := make([]tierRow, 0, len(ts.metrics))
	money := ts.cfg.By != tiering.ByCount && (ts.cfg.Method == tiering.MethodPyramid || ts.cfg.Method == tiering.MethodPareto)
	for i := range ts.metrics {
		m := &ts.metrics[i]
		id := m.ID
		as := ts.assign[id]
		if money {
			as.Value /= 100 // minor units to the currency, like revenue
		}
		r := tierRow{ID: id, Name: m.Name, Tier: as.Tier, Value: as.Value, Revenue: store.FormatMoney(m.Revenue),
			Profit: store.FormatMoney(m.Profit), Purchases: m.Purchases, Current: as.Current, Potential: as.Potential,
			LossMaking: as.LossMaking}
		if !m.Last.IsZero() {
			r.Last = m.Last.Format(store.DateLayout)
		}
		rows = append(rows, r)
	}
	sort.Slice(rows, func(i, j int) bool {
		ri, rj := tiering.Rank(rows[i].Tier), tiering.Rank(rows[j].Tier)
		if ri != rj {
			return ri < rj
		}
		if rows[i].Value != rows[j].Value {
			return rows[i].Value > rows[j].Value
		}
		return rows[i].ID < rows[j].ID
	})
	if a.JSON {
		return writeJSONRows(a.Out, rows)
	}
	t := a.newTable()
	for _, r := range rows {
		loss := ""
		if r.LossMaking {
			loss = "loss"
		}
		t.add(strconv.FormatInt(r.ID, 10), r.Name, string(r.Tier), strconv.FormatFloat(r.Value, 'f', -1, 64),
			r.Revenue, r.Profit, strconv.Itoa(r.Purchases), r.Last, loss)
	}
	return t.print()
}

// drawPyramid prints the count pyramid beside the value pyramid, then the tier table.
func (a *App) drawPyramid(ts *tierState) error {
	order := tiering.TiersOf(ts.cfg.Method)
	by := ts.cfg.By
	if ts.cfg.Method == tiering.MethodScore || ts.cfg.Method == tiering.MethodScorecard {
		by = tiering.ByRevenue
	}
	sum := tiering.Summarize(ts.metrics, ts.assign, order, by)
	prospects := 0
	for _, as := range ts.assign {
		if as.Tier == tiering.Prospect {
			prospects++
		}
	}
	r := a.renderer()
	bold := r.NewStyle().Bold(true)
	colors := []string{"#d7875f", "#d7af5f", "#87afd7", "#8a8a8a"}
	block := func(i int) func(...string) string {
		return r.NewStyle().Background(lipglossColor(colors[min(i, 3)])).Foreground(lipglossColor("#000000")).Render
	}
	const half = 18 // each pyramid is 2*half cells wide
	fmt.Fprintf(a.Out, "%s   %s\n", bold.Render(center("customers", 2*half)), bold.Render(center(string(by)+" share", 2*half)))
	for i, s := range sum {
		// The count pyramid widens by a fixed step; the value pyramid's width is the value share.
		cw := 4 + i*(2*half-4)/max(1, len(sum)-1)
		vw := max(1, int(float64(2*half)*s.ValueShare/100+0.5))
		if s.ValueShare <= 0 {
			vw = 0
		}
		left := center(block(i)(center(fmt.Sprintf("%d", s.Customers), cw)), 2*half, cw)
		right := center(block(i)(center(fmt.Sprintf("%.0f%%", s.ValueShare), vw)), 2*half, vw)
		fmt.Fprintf(a.Out, "%s   %s   %s\n", left, right, tiering.Label(s.Tier))
	}
	fmt.Fprintln(a.Out)
	t := a.newTable(column{Name: "tier"}, column{Name: "customers", Right: true}, column{Name: "share", Right: true},
		column{Name: string(by), Right: true}, column{Name: "share", Right: true}, column{Name: "contact every", Right: true},
		column{Name: "action"})
	for _, s := range sum {
		tr := tiering.TreatmentFor(s.Tier)
		val := fmt.Sprintf("%.0f", s.Value)
		if by != tiering.ByCount {
			val = a.money(int64(s.Value))
		}
		t.add(string(s.Tier)+" "+tiering.Label(s.Tier), strconv.Itoa(s.Customers), fmt.Sprintf("%.1f%%", s.CustomerShare),
			val, fmt.Sprintf("%.1f%%", s.ValueShare), fmt.Sprintf("%dd", tr.CadenceDays), tr.Action)
	}
	if err := t.print(); err != nil {
		return err
	}
	if prospects > 0 {
		fmt.Fprintf(a.Out, "\n%d prospects (no purchase yet) are outside the pyramid.\n", prospects)
	}
	return nil
}

// center pads s (of display width w, or measured when omitted) to width total.
func center(s string, total int, w ...int) string {
	sw := displayWidth(s)
	if len(w) > 0 {
		sw = w[0]
	}
	if sw >= total {
		return s
	}
	l := (total - sw) / 2
	return strings.Repeat(" ", l) + s + strings.Repeat(" ", total-sw-l)
}
