package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/rolo-crm/rolo/insight"
	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/tiering"
	"github.com/rolo-crm/rolo/tiering/agenda"
	"github.com/spf13/cobra"
)

// planRowJSON is one customer on a day's plan, with why they are there.
type planRowJSON struct {
	Date       string        `json:"date"`
	Rank       int           `json:"rank"`
	CustomerID int64         `json:"customer_id"`
	Name       string        `json:"name"`
	Tier       tiering.Tier  `json:"tier"`
	MustDo     bool          `json:"must_do"`
	Worth      money.Decimal `json:"worth"` // money in the notebook currency, like every amount
	WorthFrom  string        `json:"worth_from"`
	Urgency    float64       `json:"urgency"`
	Score      float64       `json:"score"`
	Reasons    []string      `json:"reasons"`
	Detail     string        `json:"detail"`
	Done       bool          `json:"done"`
	Contacted  bool          `json:"contacted,omitempty"`     // done by a contact today, something still due (a debt, the survey)
	Snoozed    string        `json:"snoozed_until,omitempty"` // nothing due today: the rep snoozed it to this day
	Added      bool          `json:"added,omitempty"`
	Greeting   bool          `json:"greeting_slot,omitempty"`
	Rep        string        `json:"rep,omitempty"` // --team
}

func newTodayCmd(a *App) *cobra.Command {
	var week bool
	cmd := &cobra.Command{
		Use:   "today",
		Short: "Today's plan: the customers to contact today, as many as you can (plan.capacity)",
		Long: `Today's plan: of everyone on the agenda (rolo due), at most plan.capacity
customers (12 by default; per weekday if you like), chosen in this order:

  1. must-dos: open complaints, then follow-ups due (what you promised);
  2. then value at stake: what the customer is worth — lifetime value when
     the model is fitted (rolo clv), else revenue of the last 12 months (or
     the 12 before, for a customer gone quiet) —
     times how urgent their most urgent item is: a payment or cadence item
     1 to 2 by how late it is (against 30 days, or the tier's cadence),
     slipping away 1 + the chance they are gone, a reorder 1.5, a win-back 1,
     a birthday, event or festival 2 on the day or the day before, the
     loyalty survey 0.5;
  3. ties, and prospects worth nothing yet, in the agenda's order.

The plan is kept for the day: later runs show the same customers and tick
off the ones done (contacted today, or nothing left due); a complaint or
follow-up that falls due during the day joins it, and while the plan holds
fewer than the day's capacity, whoever else became due fills the room. What you do not finish is
still on tomorrow's agenda, more overdue. --week spreads the rest over the
next days without exceeding their capacity; in the days before a festival,
plan.greetings more customers fit, for greetings only. --json gives each
customer's priority and its parts.`,
		Example: `  rolo today
  rolo today --week
  rolo config plan.capacity "15,sat=6,sun=0"
  rolo today --json | jq '{name, score, worth, urgency}'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, today, svc, err := a.open(cmd)
			if err != nil {
				return err
			}
			owners, err := a.teamOwners(ctx, svc)
			if err != nil {
				return err
			}
			days := 1
			if week {
				days = 7
			}
			p, err := svc.Plan(ctx, insight.PlanQuery{AsOf: today, Days: days, Keep: today.Equal(store.Today(a.Now()))})
			if err != nil {
				return err
			}
			return a.printPlan(p, week, owners)
		},
	}
	cmd.Flags().BoolVar(&week, "week", false, "also plan the next six days")
	registerTeamFlags(a, cmd)
	return cmd
}

func (a *App) planRows(p *insight.Plan, week bool, owners map[int64]string) []planRowJSON {
	var out []planRowJSON
	add := func(pl agenda.Planned, rank int, done, added bool, snoozed *agenda.Action) {
		it := pl.Top()
		var reasons []string
		for _, x := range pl.Items {
			if !contains(reasons, string(x.Reason)) {
				reasons = append(reasons, string(x.Reason))
			}
		}
		out = append(out, planRowJSON{Date: pl.Day.Format(store.DateLayout), Rank: rank, CustomerID: it.CustomerID, Name: it.Name,
			Tier: it.Tier, MustDo: pl.MustDo, Worth: a.decFloat(pl.Worth), WorthFrom: p.WorthFrom, Urgency: round2(pl.Urgency),
			Score: round2(pl.Score), Reasons: reasons, Detail: it.Detail, Done: done, Added: added, Greeting: pl.Greeting,
			Rep: owners[it.CustomerID]})
		if snoozed != nil {
			out[len(out)-1].Snoozed = snoozed.Until.Format(store.DateLayout)
		}
	}
	for i, r := range p.Today {
		add(r.Planned, i+1, r.Done, r.Added, r.Snoozed)
		out[len(out)-1].Contacted = r.Contacted
	}
	if week {
		for _, d := range p.Later {
			for i, pl := range d.Customers {
				add(pl, i+1, false, false, nil)
			}
		}
	}
	return out
}

func round2(v float64) float64 {
	f, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'f', 2, 64), 64)
	return f
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// printPlan prints the plan; owners (--team) adds each customer's rep.
func (a *App) printPlan(p *insight.Plan, week bool, owners map[int64]string) error {
	rows := a.planRows(p, week, owners)
	if a.JSON {
		if rows == nil {
			rows = []planRowJSON{}
		}
		return writeJSONRows(a.Out, rows)
	}
	if !a.IsTTY {
		t := a.newTable()
		for _, r := range rows {
			done := ""
			if r.Done {
				done = "done"
			}
			cells := []string{r.Date, strconv.Itoa(r.Rank), strconv.FormatInt(r.CustomerID, 10), r.Name, string(r.Tier),
				strings.Join(r.Reasons, "+"), r.Detail, strconv.FormatFloat(r.Score, 'f', 2, 64), done}
			if owners != nil {
				cells = append(cells, r.Rep)
			}
			t.add(cells...)
		}
		return t.print()
	}
	bold := a.renderer().NewStyle().Bold(true)
	dim := a.renderer().NewStyle().Faint(true)
	capToday := p.Capacity.PerDay[p.AsOf.Weekday()]
	fmt.Fprintf(a.Out, "%s %s — %d of %d done\n", bold.Render("Today's plan,"), p.AsOf.Format("Mon 2 Jan"), p.Done(), len(p.Today))
	if len(p.Today) == 0 {
		fmt.Fprintln(a.Out, "Nothing is due today. Good time to call a key customer anyway.")
	} else {
		cols := []column{{Name: "#", Right: true}, {Name: "customer", Min: 8, Wrap: true}, {Name: "tier"}, {Name: ""},
			{Name: "why", Wrap: true}, {Name: "detail", Min: 16, Wrap: true}}
		if owners != nil {
			cols = append(cols, column{Name: "rep"})
		}
		t := a.newTable(cols...)
		for i, r := range p.Today {
			mark := ""
			switch {
			case r.Contacted:
				mark = "✓ contacted"
			case r.Done:
				mark = "✓ done"
			case r.Snoozed != nil:
				mark = "snoozed to " + r.Snoozed.Until.Format("01-02")
			case r.Added:
				mark = "new today"
			case r.MustDo:
				mark = "must do"
			}
			cells := []string{strconv.Itoa(i + 1), fmt.Sprintf("%s #%d", r.Top().Name, r.Top().CustomerID), string(r.Top().Tier), mark, r.Why(),
				entryDetail(r.Items)}
			if owners != nil {
				cells = append(cells, owners[r.Top().CustomerID])
			}
			t.add(cells...)
		}
		if err := t.print(); err != nil {
			return err
		}
	}
	if week {
		for _, d := range p.Later {
			fmt.Fprintf(a.Out, "\n%s — %s (capacity %d)\n", bold.Render(d.Date.Format("Mon 2 Jan")), plural(len(d.Customers), "customer"), d.Capacity)
			var names []string
			for _, pl := range d.Customers {
				// The id: two 向建 are two people. A no-break space keeps it
				// on its name's line.
				names = append(names, fmt.Sprintf("%s\u00a0#%d", pl.Top().Name, pl.Top().CustomerID))
			}
			if len(names) > 0 {
				fmt.Fprint(a.Out, wrapLines("  "+strings.Join(names, ", ")+"\n", a.Width))
			}
		}
	}
	fmt.Fprintln(a.Out)
	more := ""
	switch {
	case p.Backlog == 1:
		more = " 1 more customer with something due waits (rolo due lists everyone)."
	case p.Backlog > 1:
		more = fmt.Sprintf(" %d more customers with something due wait (rolo due lists everyone).", p.Backlog)
	}
	fmt.Fprintln(a.Out, dim.Render(fmt.Sprintf("Capacity %d today (rolo config plan.capacity).%s", capToday, more)))
	return nil
}

// decFloat is an amount the models give in currency units, as money.
func (a *App) decFloat(v float64) money.Decimal {
	m, _ := a.currency().FromFloat(v)
	return a.dec(m)
}
