package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/tiering"
	"github.com/rolo-crm/rolo/tiering/agenda"
	"github.com/spf13/cobra"
)

// agendaConfig reads the agenda settings of the notebook.
func agendaConfig(ctx context.Context, st *store.Store, horizon int) (agenda.Config, error) {
	set, err := st.Settings(ctx)
	if err != nil {
		return agenda.Config{}, err
	}
	cfg, err := agenda.ConfigFromSettings(set, horizon)
	if err != nil {
		return cfg, err
	}
	// A fitted lifetime model (rolo clv) adds low P(alive) to "slipping away".
	if m, err := st.CLVModel(ctx); err == nil {
		cfg.Alive = &m.BG
	}
	return cfg, nil
}

// agendaInputs loads customers with their current tiers, and open follow-ups.
func agendaInputs(ctx context.Context, st *store.Store, today time.Time) ([]agenda.Customer, []agenda.Task, error) {
	cfg, err := tierConfig(ctx, st)
	if err != nil {
		return nil, nil, err
	}
	// Tiers and the agenda's inputs are independent reads: take them side
	// by side. Only the tiers are kept (not the metrics behind them).
	var assign map[int64]tiering.Assignment
	var tierErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		var ms []tiering.Metrics
		ok := false
		if cfg.Method == tiering.MethodPyramid && cfg.By == tiering.ByRevenue {
			// The default needs only each buyer's revenue.
			if ms, ok, tierErr = st.BuyerRevenue(ctx, today); tierErr != nil {
				return
			}
		}
		if !ok {
			if ms, tierErr = st.Metrics(ctx, today, metricsFor(cfg)); tierErr != nil {
				return
			}
		}
		assign = tiering.Assign(ms, cfg, today)
	}()
	cs, tasks, err := st.AgendaInputs(ctx, today)
	<-done
	if err != nil {
		return nil, nil, err
	}
	if tierErr != nil {
		return nil, nil, tierErr
	}
	for i := range cs {
		if cs[i].Tier = assign[cs[i].ID].Tier; cs[i].Tier == "" {
			cs[i].Tier = tiering.Prospect // no purchase: not among the buyers ranked
		}
	}
	return cs, tasks, nil
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
}

func newDueCmd(a *App) *cobra.Command {
	var horizon int
	var tiers string
	cmd := &cobra.Command{
		Use:   "due",
		Short: "Who to contact today and why (exit 1 when something is overdue)",
		Long: `The agenda: who to contact today and why, overdue first.

A customer is on it when a follow-up is due; the tier's contact cadence has
passed since the last contact or purchase (key 14 days, major 30, ordinary 90,
small 180; rolo config cadence, or --cadence per customer); the expected next
purchase has passed (recorded with rolo buy --next, else the customer's own
median gap between purchases once they have three purchase days); a birthday,
solar or lunar, is within 7 days; a festival (Spring Festival, Lantern, Dragon
Boat, Mid-Autumn and rolo config festivals.solar) is within 7 days — key and
major customers not yet greeted; a complaint is open (overdue after 2 days); a
customer is slipping away (no purchase for twice their usual gap); a lapsed or
lost customer is due a win-back contact.

Exit status: 0 when nothing is overdue, 1 when something is — for cron and
notification scripts, e.g.  rolo due >/dev/null || notify-send "rolo: overdue"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			today, err := a.Today()
			if err != nil {
				return err
			}
			if horizon < 0 || horizon > 366 {
				return usageErrorf("--days must be 0–366, got %d", horizon)
			}
			var want map[string]bool
			if tiers != "" {
				if want, err = parseTierList(tiers); err != nil {
					return err
				}
			}
			st, err := a.Store(ctx)
			if err != nil {
				return err
			}
			cfg, err := agendaConfig(ctx, st, horizon)
			if err != nil {
				return err
			}
			cs, tasks, err := agendaInputs(ctx, st, today)
			if err != nil {
				return err
			}
			items := agenda.Build(today, cs, tasks, cfg)
			rows := make([]dueRow, 0, len(items))
			overdue := false
			for _, it := range items {
				if want != nil && !want[string(it.Tier)] {
					continue
				}
				overdue = overdue || it.Overdue()
				rows = append(rows, dueRow{Due: it.Due.Format(store.DateLayout), DaysOverdue: it.DaysOverdue,
					CustomerID: it.CustomerID, Name: it.Name, Tier: it.Tier, Reason: string(it.Reason), Detail: it.Detail,
					FollowUpID: it.FollowUpID, ComplaintID: it.ComplaintID})
			}
			if err := a.printDue(rows, today); err != nil {
				return err
			}
			if overdue {
				return errAttention
			}
			return nil
		},
	}
	cmd.Flags().IntVar(&horizon, "days", 7, "also show what falls due within this many days")
	cmd.Flags().StringVar(&tiers, "tier", "", "only these tiers, e.g. key,major")
	return cmd
}

func (a *App) printDue(rows []dueRow, today time.Time) error {
	if a.JSON {
		return writeJSONRows(a.Out, rows)
	}
	if !a.IsTTY {
		t := a.newTable()
		for _, r := range rows {
			id := ""
			if r.FollowUpID != 0 {
				id = strconv.FormatInt(r.FollowUpID, 10)
			}
			t.add(r.Due, strconv.Itoa(r.DaysOverdue), strconv.FormatInt(r.CustomerID, 10), r.Name, string(r.Tier), r.Reason, r.Detail, id)
		}
		return t.print()
	}
	if len(rows) == 0 {
		fmt.Fprintln(a.Out, "Nothing due. Good time to call a key customer anyway.")
		return nil
	}
	red := a.renderer().NewStyle().Foreground(lipglossColor("#d75f5f")).Bold(true)
	t := a.newTable(column{Name: "when"}, column{Name: "customer", Min: 8}, column{Name: "tier"}, column{Name: "why"},
		column{Name: "detail", Min: 16}, column{Name: "done", Right: true})
	// One line per customer: the most urgent reason, and what else is due.
	byCustomer := map[int64][]dueRow{}
	var order []int64
	for _, r := range rows {
		if _, ok := byCustomer[r.CustomerID]; !ok {
			order = append(order, r.CustomerID)
		}
		byCustomer[r.CustomerID] = append(byCustomer[r.CustomerID], r)
	}
	nOver := 0
	for _, id := range order {
		rs := byCustomer[id]
		r := rs[0]
		when := relDay(mustDay(r.Due), today)
		if r.DaysOverdue > 0 {
			when = fmt.Sprintf("%dd overdue", r.DaysOverdue)
			nOver++
		}
		why := r.Reason
		if len(rs) > 1 {
			var more []string
			for _, x := range rs[1:] {
				more = append(more, x.Reason)
			}
			why += " +" + strings.Join(more, ",")
		}
		var ids []string
		for _, x := range rs {
			if x.FollowUpID != 0 {
				ids = append(ids, strconv.FormatInt(x.FollowUpID, 10))
			}
		}
		t.add(when, fmt.Sprintf("%s #%d", r.Name, r.CustomerID), string(r.Tier), why, r.Detail, strings.Join(ids, " "))
	}
	var b strings.Builder
	sub := *a
	sub.Out = &b
	t.a = &sub
	if err := t.print(); err != nil {
		return err
	}
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	for i, l := range lines {
		if i >= 1 && i <= nOver {
			l = red.Render(l)
		}
		fmt.Fprintln(a.Out, l)
	}
	fmt.Fprintf(a.Out, "\n%d customers overdue, %d due soon. rolo done ID marks a follow-up done; rolo log records a contact.\n", nOver, len(order)-nOver)
	return nil
}

func mustDay(s string) time.Time {
	t, _ := time.Parse(store.DateLayout, s)
	return t
}

func newGreetCmd(a *App) *cobra.Command {
	var festival string
	cmd := &cobra.Command{
		Use:   "greet",
		Short: "Who to greet for the next festival (key and major first)",
		Long: `List the customers to greet for the next occurrence of a festival —
spring (春节), lantern (元宵), dragon-boat (端午), mid-autumn (中秋) or one of
rolo config festivals.solar — key and major customers first, leaving out those
already greeted. Logging the greeting (rolo log CUSTOMER greeting "...") marks it done.`,
		Example: "  rolo greet --festival mid-autumn\n  rolo greet --festival spring --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, today, st, err := a.open(cmd)
			if err != nil {
				return err
			}
			cfg, err := agendaConfig(ctx, st, 7)
			if err != nil {
				return err
			}
			var fest *agenda.Festival
			var keys []string
			for i, f := range cfg.Festivals {
				keys = append(keys, f.Key)
				if f.Key == strings.ToLower(festival) {
					fest = &cfg.Festivals[i]
				}
			}
			if fest == nil {
				return usageErrorf("unknown festival %q; use one of %s", festival, strings.Join(keys, ", "))
			}
			date, err := fest.Next(today)
			if err != nil {
				return err
			}
			cs, _, err := agendaInputs(ctx, st, today)
			if err != nil {
				return err
			}
			list := agenda.GreetingList(cs, date, cfg.FestivalDays)
			if a.JSON {
				type row struct {
					ID   int64        `json:"id"`
					Name string       `json:"name"`
					Tier tiering.Tier `json:"tier"`
				}
				out := make([]row, len(list))
				for i, c := range list {
					out[i] = row{c.ID, c.Name, c.Tier}
				}
				return writeJSON(a.Out, map[string]any{"festival": fest.Name, "date": date.Format(store.DateLayout), "customers": out})
			}
			if a.IsTTY {
				fmt.Fprintf(a.Out, "%s is on %s (%s). %d customers to greet:\n", fest.Name, date.Format(store.DateLayout), relDay(date, today), len(list))
			}
			t := a.newTable(column{Name: "id", Right: true}, column{Name: "name"}, column{Name: "tier"})
			for _, c := range list {
				t.add(strconv.FormatInt(c.ID, 10), c.Name, string(c.Tier))
			}
			return t.print()
		},
	}
	cmd.Flags().StringVar(&festival, "festival", "spring", "spring, lantern, dragon-boat, mid-autumn, or a configured solar festival")
	return cmd
}
