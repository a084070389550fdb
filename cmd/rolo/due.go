package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/rolo-crm/rolo/insight"
	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/tiering"
	"github.com/rolo-crm/rolo/tiering/agenda"
	"github.com/spf13/cobra"
)

// parseTierList reads --tier key,major.
func parseTierList(s string) (map[tiering.Tier]bool, error) {
	valid := []string{"key", "major", "ordinary", "small", "prospect"}
	out := map[tiering.Tier]bool{}
	for _, t := range strings.Split(s, ",") {
		t = strings.TrimSpace(t)
		if t == "" && strings.TrimSpace(s) != "" {
			continue // key,,major or a trailing comma
		}
		ok := false
		for _, v := range valid {
			ok = ok || v == t
		}
		if !ok {
			return nil, usageErrorf("unknown tier %q; use %s", t, strings.Join(valid, ", "))
		}
		out[tiering.Tier(t)] = true
	}
	return out, nil
}

type dueRow struct {
	Due         string       `json:"due"`
	DaysOverdue int          `json:"days_overdue"`
	CustomerID  int64        `json:"customer_id"`
	Name        string       `json:"name"`
	Tier        tiering.Tier `json:"tier"`
	Reason      string       `json:"reason"`
	Detail      string       `json:"detail"`
	FollowUpID  int64        `json:"followup_id,omitempty"`
	ComplaintID int64        `json:"complaint_id,omitempty"`
	PurchaseID  int64        `json:"purchase_id,omitempty"` // the purchase a payment is owed for
	EventID     int64        `json:"event_id,omitempty"`
	Rep         string       `json:"rep,omitempty"` // due --team: the customer's rep
}

type dueOptions struct {
	days  int
	tiers string
}

func newDueCmd(a *App) *cobra.Command {
	var o dueOptions
	cmd := &cobra.Command{
		Use:   "due",
		Short: "Who to contact today and why (exit 1 when something is overdue)",
		Long: `The agenda: who to contact today and why.

A customer is on it when a follow-up is due; a complaint is open (overdue
after 2 days); a payment is past payment.terms; the tier's contact cadence
has passed since the last contact or purchase (from the day they were added
only when there is neither); a reorder is expected (rolo buy --next, else
their own median gap once they have three purchase days); they are slipping
away (no purchase for twice their usual gap, 60 days past a recorded expected
date, or a low chance of still buying) — a contact pauses this for
slipping.pause days; a lapsed or lost customer is due a win-back attempt
(none for moved or closed; winback.attempts at growing intervals); a
birthday, a dated event (rolo event) or a festival is within 7 days (a
greeting, gift or visit logged near it clears it); a key customer is due
the loyalty survey (survey.months). Dropped customers are never on it.

Order: open complaints first (oldest first); then what is overdue, by tier
(key, major, ordinary, small, prospects last), then by days overdue counting
at most 60, most first; then what is due soon, by date, then tier.

Today's agenda (without --as-of) also marks the active customers it finds
slipping away as lapsed. rolo snooze and rolo dismiss act on any item.

Exit status: 0 when nothing is overdue, 1 when something is — for cron and
notification scripts, e.g.  rolo due >/dev/null || notify-send "rolo: overdue"`,
		Example: `  rolo due
  rolo due --tier key,major --days 14
  rolo due --json | jq '.[] | select(.reason == "complaint")'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runDue(cmd, a, o) },
	}
	cmd.Flags().IntVar(&o.days, "days", 7, "also show what falls due within this many days")
	cmd.Flags().StringVar(&o.tiers, "tier", "", "only these tiers, e.g. key,major")
	registerTeamFlags(a, cmd)
	return cmd
}

func runDue(cmd *cobra.Command, a *App, o dueOptions) error {
	if o.days < 0 || o.days > 366 {
		return usageErrorf("--days must be 0–366, got %d", o.days)
	}
	q := insight.AgendaQuery{Days: o.days}
	if o.tiers != "" {
		var err error
		if q.Only, err = parseTierList(o.tiers); err != nil {
			return err
		}
	}
	ctx, today, svc, err := a.open(cmd)
	if err != nil {
		return err
	}
	owners, err := a.teamOwners(ctx, svc)
	if err != nil {
		return err
	}
	q.AsOf, q.Lapse = today, a.AsOf == ""
	ag, err := svc.Agenda(ctx, q)
	if err != nil {
		return err
	}
	if err := a.printDue(ag, owners); err != nil {
		return err
	}
	if ag.Overdue() > 0 {
		return errAttention
	}
	return nil
}

func dueRowOf(it agenda.Item) dueRow {
	return dueRow{Due: it.Due.Format(store.DateLayout), DaysOverdue: it.DaysOverdue, CustomerID: it.CustomerID, Name: it.Name,
		Tier: it.Tier, Reason: string(it.Reason), Detail: it.Detail, FollowUpID: it.FollowUpID, ComplaintID: it.ComplaintID,
		PurchaseID: it.PurchaseID, EventID: it.EventID}
}

// printDue writes the agenda; owners, for --team, adds each customer's rep.
func (a *App) printDue(ag *insight.Agenda, owners map[int64]string) error {
	if a.JSON {
		rows := make([]dueRow, len(ag.Items))
		for i, it := range ag.Items {
			rows[i] = dueRowOf(it)
			rows[i].Rep = owners[it.CustomerID]
		}
		return writeJSONRows(a.Out, rows)
	}
	if !a.IsTTY {
		t := a.newTable()
		for _, it := range ag.Items {
			r := dueRowOf(it)
			id := ""
			if r.FollowUpID != 0 {
				id = strconv.FormatInt(r.FollowUpID, 10)
			}
			cells := []string{r.Due, strconv.Itoa(r.DaysOverdue), strconv.FormatInt(r.CustomerID, 10), r.Name, string(r.Tier), r.Reason, r.Detail, id}
			if owners != nil {
				cells = append(cells, owners[r.CustomerID])
			}
			t.add(cells...)
		}
		return t.print()
	}
	if len(ag.Entries()) == 0 {
		fmt.Fprintln(a.Out, "Nothing due. Good time to call a key customer anyway.")
		return nil
	}
	red := a.renderer().NewStyle().Foreground(lipglossColor("#d75f5f")).Bold(true)
	cols := []column{{Name: "when", Whole: true}, {Name: "customer", Min: 8, Wrap: true}, {Name: "tier"}, {Name: "why", Wrap: true},
		{Name: "detail", Min: 16, Wrap: true, Below: true}, {Name: "done", Right: true}}
	if owners != nil {
		cols = slices.Insert(cols, 2, column{Name: "rep"})
	}
	t := a.newTable(cols...)
	// One line per customer: the most urgent reason, and what else is due;
	// when: how late the latest of it is.
	var lateRows []bool
	for _, e := range ag.Entries() {
		it := e.Top()
		when := relDay(it.Due, ag.AsOf)
		late, isLate := e.Late()
		if isLate {
			when = fmt.Sprintf("%dd overdue", late.DaysOverdue)
		}
		lateRows = append(lateRows, isLate)
		why := e.Why()
		var ids []string
		for _, x := range e.Items {
			if x.FollowUpID != 0 {
				ids = append(ids, strconv.FormatInt(x.FollowUpID, 10))
			}
		}
		cells := []string{when, fmt.Sprintf("%s #%d", it.Name, it.CustomerID), string(it.Tier), why, entryDetail(e.Items), strings.Join(ids, " ")}
		if owners != nil {
			cells = slices.Insert(cells, 2, owners[it.CustomerID])
		}
		t.add(cells...)
	}
	t.rowStyle = func(i int) *lipgloss.Style {
		if i < len(lateRows) && lateRows[i] {
			return &red
		}
		return nil
	}
	if err := t.print(); err != nil {
		return err
	}
	nOver := ag.Overdue()
	fmt.Fprint(a.Out, wrapLines(fmt.Sprintf("\n%s overdue, %d due soon. rolo done ID marks a follow-up done; rolo log records a contact.\n",
		plural(nOver, "customer"), len(ag.Entries())-nOver), a.Width))
	return nil
}

func newGreetCmd(a *App) *cobra.Command {
	var festival string
	cmd := &cobra.Command{
		Use:   "greet",
		Short: "Who to greet for the next festival (key and major first)",
		Long: `List the customers to greet for the next festival, or for the next occurrence
of the one --festival names — spring (春节), lantern (元宵), dragon-boat (端午),
mid-autumn (中秋) or one of rolo config festivals.lunar and festivals.solar —
key and major customers first, leaving out those already greeted. Logging the
greeting (rolo log CUSTOMER greeting "...") marks it done.`,
		Example: "  rolo greet\n  rolo greet --festival mid-autumn\n  rolo greet --festival 中秋\n  rolo greet --festival spring --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, today, svc, err := a.open(cmd)
			if err != nil {
				return err
			}
			g, err := svc.Greetings(ctx, festival, today)
			if err != nil {
				return err
			}
			if a.JSON {
				type row struct {
					ID           int64        `json:"id"`
					Name         string       `json:"name"`
					Tier         tiering.Tier `json:"tier"`
					Festival     string       `json:"festival"`
					FestivalName string       `json:"festival_name"`
					Date         string       `json:"date"`
				}
				out := make([]row, len(g.Customers))
				for i, c := range g.Customers {
					out[i] = row{c.ID, c.Name, c.Tier, g.Festival.Key, g.Festival.Name, g.Date.Format(store.DateLayout)}
				}
				return writeJSONRows(a.Out, out)
			}
			if a.IsTTY {
				fmt.Fprintf(a.Out, "%s is on %s. %s to greet:\n", g.Festival.Name, dayAndRel(g.Date, today),
					plural(len(g.Customers), "customer"))
			}
			t := a.newTable(column{Name: "id", Right: true}, column{Name: "name"}, column{Name: "tier"})
			for _, c := range g.Customers {
				t.add(strconv.FormatInt(c.ID, 10), c.Name, string(c.Tier))
			}
			return t.print()
		},
	}
	cmd.Flags().StringVar(&festival, "festival", "", "spring (春节), lantern (元宵), dragon-boat (端午), mid-autumn (中秋), or a configured festival (default: the next festival)")
	return cmd
}

// entryDetail is what a customer's line says: the most urgent item's
// detail, then what else was promised or is owed — each follow-up, open
// complaint and debt (a terminal showed the first alone, and a rep did not
// see the other follow-ups). The other reasons are named in "why".
func entryDetail(items []agenda.Item) string {
	var parts []string
	for i, it := range items {
		switch {
		case it.Detail == "" || slices.Contains(parts, it.Detail):
		case i == 0, it.Reason == agenda.FollowUp, it.Reason == agenda.Complaint, it.Reason == agenda.Payment:
			parts = append(parts, it.Detail)
		}
	}
	return strings.Join(parts, " · ")
}
