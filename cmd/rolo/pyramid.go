package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/rolo-crm/rolo/insight"
	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/render"
	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/tiering"
	"github.com/spf13/cobra"
)

// tierFlags are the ranking flags of pyramid and movers.
type tierFlags struct {
	method, by, since string
}

func (f *tierFlags) register(cmd *cobra.Command, withSince bool) {
	cmd.Flags().StringVar(&f.method, "method", "pyramid", "pyramid, pareto, score or scorecard")
	cmd.Flags().StringVar(&f.by, "by", "revenue", "rank by revenue, profit, paid, count or clv (lifetime value, rolo config clv.*)")
	if withSince {
		cmd.Flags().StringVar(&f.since, "since", "", "count only purchases since a date or span (2026-01-01, 90d, 1y)")
	}
}

// query turns the flags into a ranking question as of today.
func (f *tierFlags) query(today time.Time) (insight.TierQuery, error) {
	q := insight.TierQuery{AsOf: today}
	var err error
	if q.Method, err = tiering.ParseMethod(f.method); err != nil {
		return q, usageError{err}
	}
	if q.By, err = tiering.ParseIndicator(f.by); err != nil {
		return q, usageError{err}
	}
	if f.since != "" {
		if q.Since, err = store.ParseSince(f.since, today); err != nil {
			return q, fmt.Errorf("--since: %w", err)
		}
	}
	return q, nil
}

func newPyramidCmd(a *App) *cobra.Command {
	var f tierFlags
	cmd := &cobra.Command{
		Use:   "pyramid",
		Short: "The value pyramid: who carries the business",
		Long: `Show the value pyramid: customers ranked and cut into tiers, the share of
customers beside the share of value per tier, and each tier's treatment.

Methods:
  pyramid    by count: top 1% key (重要客户), next 19% major (次要客户), next 30%
             ordinary (普通客户), the rest small (小客户); key and major together
             are 关键客户
  pareto     ABC by cumulative value share: A until 80%, B until 95%, C
  score      weighted percentile ranks (settings score.weights), then the count pyramid
  scorecard  current value × potential value, 0–100 each: core, harvest, develop, maintain

On a terminal it draws the pyramid and the tier table; --json and pipes give
one row per customer.`,
		Example: `  rolo pyramid
  rolo pyramid --method pareto --by profit
  rolo pyramid --since 1y --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, today, svc, err := a.open(cmd)
			if err != nil {
				return err
			}
			q, err := f.query(today)
			if err != nil {
				return err
			}
			owners, err := a.teamOwners(ctx, svc)
			if err != nil {
				return err
			}
			t, err := svc.Tiers(ctx, q)
			if err != nil {
				return err
			}
			if a.JSON || !a.IsTTY {
				return a.printTierRows(t, owners)
			}
			if err := a.drawPyramid(t); err != nil || owners == nil {
				return err
			}
			return a.printRepTiers(t, owners)
		},
	}
	f.register(cmd, true)
	registerTeamFlags(a, cmd)
	return cmd
}

type tierRowJSON struct {
	ID         int64           `json:"id"`
	Name       string          `json:"name"`
	Tier       tiering.Tier    `json:"tier"`
	Value      json.RawMessage `json:"value"` // a decimal string for money indicators, else a number
	Revenue    string          `json:"revenue"`
	Profit     *string         `json:"profit"` // null when no purchase has a recorded cost
	Purchases  int             `json:"purchases"`
	Last       *string         `json:"last_purchase"`
	Current    *float64        `json:"current,omitempty"`
	Potential  *float64        `json:"potential,omitempty"`
	LossMaking bool            `json:"loss_making"`
	Rep        string          `json:"rep,omitempty"` // pyramid --team: the customer's rep
}

// appendJSON writes the row as encoding/json would (jsonAppender); Value
// is a number or a quoted decimal that rolo wrote, compact already.
func (r *tierRowJSON) appendJSON(b []byte) ([]byte, bool) {
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, r.ID, 10)
	b = append(b, `,"name":`...)
	b = appendJSONString(b, r.Name)
	b = append(b, `,"tier":`...)
	b = appendJSONString(b, string(r.Tier))
	b = append(b, `,"value":`...)
	b = append(b, r.Value...)
	b = append(b, `,"revenue":`...)
	b = appendJSONString(b, r.Revenue)
	b = append(b, `,"profit":`...)
	b = appendJSONOptString(b, r.Profit)
	b = append(b, `,"purchases":`...)
	b = strconv.AppendInt(b, int64(r.Purchases), 10)
	b = append(b, `,"last_purchase":`...)
	b = appendJSONOptString(b, r.Last)
	for _, f := range []struct {
		key string
		v   *float64
	}{{`,"current":`, r.Current}, {`,"potential":`, r.Potential}} {
		if f.v != nil {
			var ok bool
			if b, ok = appendJSONFloat(append(b, f.key...), *f.v); !ok {
				return b, false
			}
		}
	}
	b = append(b, `,"loss_making":`...)
	b = strconv.AppendBool(b, r.LossMaking)
	if r.Rep != "" {
		b = append(b, `,"rep":`...)
		b = appendJSONString(b, r.Rep)
	}
	return append(b, '}'), len(r.Value) > 0
}

// appendJSONOptString writes s, or null.
func appendJSONOptString(b []byte, s *string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return appendJSONString(b, *s)
}

// tierValue writes a ranking value: money as a decimal string in the
// currency, counts and scores as numbers.
func (a *App) tierValue(t *insight.Tiers, v float64) string {
	if t.ValueIsMoney() {
		return a.currency().Format(moneyOf(v))
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// printTierRows writes a row per customer; owners, for --team, adds each
// customer's rep.
func (a *App) printTierRows(t *insight.Tiers, owners map[int64]string) error {
	rows := t.Rows()
	if a.JSON {
		out := make([]tierRowJSON, len(rows))
		cur := a.currency()
		for i, r := range rows {
			val := a.tierValue(t, r.Value)
			if t.ValueIsMoney() {
				val = strconv.Quote(val)
			}
			out[i] = tierRowJSON{ID: r.ID, Name: r.Name, Tier: r.Tier, Value: json.RawMessage(val), Revenue: cur.Format(r.Revenue),
				Purchases: r.Purchases, Last: optDay(r.Last), LossMaking: r.LossMaking, Rep: owners[r.ID]}
			if r.ProfitKnown() {
				p := cur.Format(r.Profit)
				out[i].Profit = &p
			}
			if t.Config.Method == tiering.MethodScorecard && r.Tier != tiering.Prospect {
				c, p := r.Current, r.Potential
				out[i].Current, out[i].Potential = &c, &p
			}
		}
		jw := newJSONRows(a.Out)
		for i := range out {
			if err := jw.add(&out[i]); err != nil {
				return err
			}
		}
		return jw.close()
	}
	tb := a.newTable()
	for _, r := range rows {
		loss := ""
		if r.LossMaking {
			loss = "loss"
		}
		last := ""
		if !r.Last.IsZero() {
			last = r.Last.Format(store.DateLayout)
		}
		profit := ""
		if r.ProfitKnown() {
			profit = a.money(r.Profit)
		}
		cells := []string{strconv.FormatInt(r.ID, 10), r.Name, string(r.Tier), a.tierValue(t, r.Value),
			a.money(r.Revenue), profit, strconv.Itoa(r.Purchases), last, loss}
		if owners != nil {
			cells = append(cells, owners[r.ID])
		}
		tb.add(cells...)
	}
	return tb.print()
}

// drawPyramid prints the count pyramid beside the value pyramid, then the tier table.
func (a *App) drawPyramid(t *insight.Tiers) error {
	r := a.renderer()
	colors := []string{"#d7875f", "#d7af5f", "#87afd7", "#8a8a8a"}
	st := render.PyramidStyle{Heading: r.NewStyle().Bold(true)}
	for _, c := range colors {
		st.Bars = append(st.Bars, r.NewStyle().Foreground(lipglossColor(c)))
	}
	sum := t.Summary()
	by := t.ValueBy()
	ranked := 0
	for _, s := range sum {
		ranked += s.Customers
	}
	if ranked == 0 {
		// An empty pyramid of zeros says nothing: say why, and what to do.
		msg := "No one is in the pyramid yet: it ranks the customers who bought. Record a sale with rolo buy CUSTOMER AMOUNT, or rolo import purchases FILE."
		if !t.Query.Since.IsZero() {
			msg = fmt.Sprintf("No one bought between %s and %s; try a longer --since.", t.Query.Since.Format(store.DateLayout), t.Query.AsOf.Format(store.DateLayout))
		} else if lines := outsideLines(t, a.money); len(lines) > 0 {
			msg += "\n" + strings.Join(lines, "\n")
		}
		fmt.Fprint(a.Out, wrapLines(msg+"\n", a.Width))
		return nil
	}
	for _, l := range render.Pyramid(sum, string(by), 18, st) {
		fmt.Fprintln(a.Out, strings.TrimRight(l, " "))
	}
	if g, ok := t.KeyGroup(); ok && g.Customers > 0 {
		fmt.Fprint(a.Out, "\n"+wrapLines(fmt.Sprintf("%s (key + major): %s, %.0f%% of the customers, bring %.0f%% of the %s.\n",
			tiering.KeyGroupLabel, plural(g.Customers, "customer"), g.CustomerShare, g.ValueShare, by), a.Width))
	}
	fmt.Fprintln(a.Out)
	// The tier's name is never cut ("major 次要…"); what to do wraps.
	tb := a.newTable(column{Name: "tier", Whole: true}, column{Name: "customers", Right: true}, column{Name: "share", Right: true},
		column{Name: string(by), Right: true}, column{Name: "share", Right: true}, column{Name: "contact every", Right: true},
		column{Name: "action", Min: 16, Wrap: true, Below: true})
	for _, s := range sum {
		tr := tiering.TreatmentFor(s.Tier)
		val := fmt.Sprintf("%.0f", s.Value)
		if by != tiering.ByCount {
			val = a.money(moneyOf(s.Value))
		}
		tb.add(tiering.Named(s.Tier), strconv.Itoa(s.Customers), fmt.Sprintf("%.1f%%", s.CustomerShare),
			val, fmt.Sprintf("%.1f%%", s.ValueShare), fmt.Sprintf("%dd", tr.CadenceDays), tr.Action)
	}
	if err := tb.print(); err != nil {
		return err
	}
	if lines := outsideLines(t, a.money); len(lines) > 0 {
		fmt.Fprintf(a.Out, "\n%s\n", strings.Join(lines, "\n"))
	}
	return nil
}

func plural(n int, noun string) string { return render.Plural(n, noun) }

// outsideLines say who is outside the pyramid and, ranked by profit, how
// much revenue has no recorded cost.
func outsideLines(t *insight.Tiers, cash func(money.Amount) string) []string {
	var out []string
	if t.ValueBy() == tiering.ByProfit {
		if u := t.Uncosted(); u > 0 {
			out = append(out, fmt.Sprintf("%s of revenue has no recorded cost and is left out of profit (rolo edit purchase ID --cost).", cash(u)))
		}
	}
	if n := t.Prospects(); n > 0 {
		out = append(out, fmt.Sprintf("%s (no purchase yet) outside the pyramid.", plural(n, "prospect")))
	}
	if t.Dropped > 0 {
		out = append(out, fmt.Sprintf("%s outside the pyramid (rolo list --status dropped).", plural(t.Dropped, "dropped customer")))
	}
	return out
}
