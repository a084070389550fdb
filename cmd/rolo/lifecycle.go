package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/rolo-crm/rolo/insight"
	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/tiering/agenda"
	"github.com/spf13/cobra"
)

// The lifecycle commands: dated events, acting on agenda items (snooze,
// dismiss) and the churn report.

func newEventCmd(a *App) *cobra.Command {
	var lunar, leap, once bool
	cmd := &cobra.Command{
		Use:   "event CUSTOMER WHAT DATE",
		Short: "Record a dated personal event: an anniversary, a child's exam, 婚庆喜事",
		Long: `Record a customer's dated event beyond the birthday: a wedding anniversary,
a child's exam, the company's anniversary, 婚庆喜事. It comes back every year
(or only once with --once), on a solar date or a lunar one (--lunar), and
reaches rolo due within birthday.days of it, the card, the TUI and the
iCalendar export. A greeting, gift or visit logged near the day clears it.

DATE is YYYY-MM-DD, or MM-DD (10-01) for a yearly event whose year does not
matter.`,
		Example: `  rolo event 王小明 "wedding anniversary" 2015-10-01
  rolo event 王小明 "女儿高考" 2027-06-07 --once
  rolo event 李娜 "公司周年" 03-18 --lunar
  rolo rm event 4`,
		Args: exactArgs(3, "a CUSTOMER, WHAT the event is and its DATE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			// Said here in the words of the help: the store's own error asks for --MM-DD.
			if _, err := store.ParseBirthday(args[2], lunar); err != nil {
				calendar := "solar"
				if lunar {
					calendar = "lunar"
				}
				return usageErrorf("DATE %q is not a %s date; write YYYY-MM-DD (2015-10-01, years 1900–2100), or MM-DD (10-01) for a yearly event whose year does not matter",
					args[2], calendar)
			}
			svc, c, err := a.customer(cmd, args[0])
			if err != nil {
				return err
			}
			e, err := svc.AddEvent(cmd.Context(), store.Event{CustomerID: c.ID, What: args[1], Date: args[2], Lunar: lunar, Leap: leap, Once: once})
			if err != nil {
				return err
			}
			today, err := a.Today()
			if err != nil {
				return err
			}
			sentence := fmt.Sprintf("Recorded %s for %s: %s", clean(e.What), clean(c.Name), eventDateText(e))
			if ae, err := e.Agenda(); err == nil {
				if d, ok := ae.Next(today); ok {
					sentence += ", next " + dayAndRel(d, today)
				}
			}
			return a.reportAdded(e, e.ID, sentence)
		},
	}
	cmd.Flags().BoolVar(&lunar, "lunar", false, "DATE is a lunar (农历) date")
	cmd.Flags().BoolVar(&leap, "leap", false, "in the lunar leap month (闰月)")
	cmd.Flags().BoolVar(&once, "once", false, "happens once (needs the year), not every year")
	return cmd
}

func rmEventCmd(a *App) *cobra.Command {
	return newRmRecordCmd(a, "event", "Delete a customer's dated event", func(cmd *cobra.Command, id int64) (any, string, error) {
		ctx, _, svc, err := a.open(cmd)
		if err != nil {
			return nil, "", err
		}
		e, err := svc.DeleteEvent(ctx, id)
		return e, fmt.Sprintf("Deleted event %d (%s, %s)", e.ID, clean(e.What), eventDateText(e)), err
	})
}

// itemSelector picks one customer's agenda item: by reason, optionally
// with the record it is about (follow-up:12, payment:74).
type itemSelector struct {
	reason agenda.Reason
	ref    int64
}

func parseItemSelector(s string) (itemSelector, error) {
	if s == "" {
		return itemSelector{}, nil
	}
	name, ref, hasRef := strings.Cut(strings.NewReplacer("：", ":", "＃", "#").Replace(s), ":")
	reason, err := parseReason(name)
	if err != nil {
		return itemSelector{}, err
	}
	sel := itemSelector{reason: reason}
	if hasRef {
		n, err := strconv.ParseInt(strings.TrimPrefix(ref, "#"), 10, 64)
		if err != nil || n <= 0 {
			return sel, usageErrorf("%q: after the colon comes the id of the record (follow-up:12, payment:74)", s)
		}
		sel.ref = n
	}
	return sel, nil
}

func reasonList() string {
	names := make([]string, len(agenda.Reasons))
	for i, r := range agenda.Reasons {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}

// agendaItem finds the one agenda item of a customer that the arguments
// name, looking a month ahead; with several and no reason it asks which.
func (a *App) agendaItem(cmd *cobra.Command, args []string) (*insight.Service, agenda.Item, time.Time, error) {
	var none agenda.Item
	svc, c, err := a.customer(cmd, args[0])
	if err != nil {
		return nil, none, time.Time{}, err
	}
	sel := itemSelector{}
	if len(args) > 1 {
		if sel, err = parseItemSelector(args[1]); err != nil {
			return nil, none, time.Time{}, err
		}
	}
	today, err := a.Today()
	if err != nil {
		return nil, none, time.Time{}, err
	}
	ag, err := svc.Agenda(cmd.Context(), insight.AgendaQuery{AsOf: today, Days: 31})
	if err != nil {
		return nil, none, time.Time{}, err
	}
	var found []agenda.Item
	for _, it := range ag.Items {
		if it.CustomerID == c.ID && (sel.reason == "" || it.Reason == sel.reason) && (sel.ref == 0 || it.Ref() == sel.ref) {
			found = append(found, it)
		}
	}
	switch len(found) {
	case 0:
		what := "nothing"
		if sel.reason != "" {
			what = "no " + string(sel.reason) + " item"
		}
		return nil, none, today, store.Errorf(store.KindNotFound, "%s has %s on the agenda this month (rolo due --days 31)", clean(c.Name), what)
	case 1:
		return svc, found[0], today, nil
	}
	var names []string
	for _, it := range found {
		n := string(it.Reason)
		if it.Ref() != 0 {
			n += ":" + strconv.FormatInt(it.Ref(), 10)
		}
		names = append(names, fmt.Sprintf("%s (%s)", n, it.Detail))
	}
	return nil, none, today, usageErrorf("%s has %d items on the agenda; say which: %s", clean(c.Name), len(found), strings.Join(names, "; "))
}

// itemJSON is an agenda item acted on.
type itemJSON struct {
	dueRow
	Action string `json:"action"`
	Until  string `json:"until,omitempty"`
	Note   string `json:"note,omitempty"`
}

func newSnoozeCmd(a *App) *cobra.Command {
	var until, note string
	cmd := &cobra.Command{
		Use:   "snooze CUSTOMER [REASON[:ID]]",
		Short: "Put an agenda item off until later (3 days by default)",
		Long: `Take one of a customer's agenda items off until a day: it comes back then
(a follow-up is moved to that day). With several items on the customer's
agenda, say which by its reason (cadence, reorder, birthday...) and, when
that is not enough, the id of its record (follow-up:12, payment:74).`,
		Example: `  rolo snooze 王小明                       # the only item, 3 days
  rolo snooze 王小明 cadence --until +2w
  rolo snooze 王小明 生日 --until 下周一
  rolo snooze 王小明 payment:74 --until 2026-12-15 --note "pays after the holidays"`,
		Args: rangeArgs(1, 2, "a CUSTOMER and optionally which item (REASON or REASON:ID)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, it, today, err := a.agendaItem(cmd, args)
			if err != nil {
				return err
			}
			day, err := store.ParseDay(until, today, store.Ahead)
			if err != nil {
				return fmt.Errorf("--until: %w", err)
			}
			if !day.After(today) {
				return usageErrorf("--until %s is not after today (%s); snooze to a later day", day.Format(store.DateLayout), today.Format(store.DateLayout))
			}
			if _, err := svc.Snooze(cmd.Context(), it, day, note); err != nil {
				return err
			}
			out := itemJSON{dueRow: dueRowOf(it), Action: "snoozed", Until: day.Format(store.DateLayout), Note: note}
			return a.reportChanged(out, fmt.Sprintf("Snoozed %s's %s until %s", clean(it.Name), it.Reason, dayAndRel(day, today)))
		},
	}
	cmd.Flags().StringVar(&until, "until", "+3d", "when it comes back (a date, +3d, +2w, next monday)")
	cmd.Flags().StringVar(&note, "note", "", "why (optional)")
	return cmd
}

func newDismissCmd(a *App) *cobra.Command {
	var note string
	cmd := &cobra.Command{
		Use:   "dismiss CUSTOMER [REASON[:ID]] --note WHY",
		Short: "Take an agenda item off, saying why",
		Long: `Take one of a customer's agenda items off for good, with the reason why
(recorded in the notebook): this occurrence is gone, a later one comes back
(next year's birthday, the next cadence after a contact). A follow-up is
marked done instead. An open complaint is not dismissed: rolo resolve it.
Pick the item as for rolo snooze.`,
		Example: `  rolo dismiss 王小明 --note "met at the trade fair"
  rolo dismiss 李娜 festival --note "greeted in person"
  rolo dismiss 李娜 调查 --note "展会上问过了"`,
		Args: rangeArgs(1, 2, "a CUSTOMER and optionally which item (REASON or REASON:ID)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(note) == "" {
				return usageErrorf("say why with --note (it is kept with the dismissal)")
			}
			svc, it, today, err := a.agendaItem(cmd, args)
			if err != nil {
				return err
			}
			at := a.Now()
			if a.AsOf != "" {
				at = today.Add(12 * time.Hour)
			}
			if _, err := svc.Dismiss(cmd.Context(), it, note, at); err != nil {
				return err
			}
			out := itemJSON{dueRow: dueRowOf(it), Action: "dismissed", Note: note}
			if it.FollowUpID != 0 {
				out.Action = "done"
				return a.reportChanged(out, fmt.Sprintf("Marked follow-up %d done: %s", it.FollowUpID, clean(it.Detail)))
			}
			return a.reportChanged(out, fmt.Sprintf("Dismissed %s's %s (%s)", clean(it.Name), it.Reason, clean(note)))
		},
	}
	cmd.Flags().StringVar(&note, "note", "", "why it is dismissed (required)")
	return cmd
}

type churnJSON struct {
	From     string               `json:"from"`
	To       string               `json:"to"`
	Lost     []store.StatusChange `json:"lost"`
	WonBack  []store.StatusChange `json:"won_back"`
	Lapsed   []store.StatusChange `json:"lapsed"`
	ByReason []reasonCountJSON    `json:"lost_by_reason"`
	Months   []churnMonthJSON     `json:"months"`
}

type reasonCountJSON struct {
	Reason    string `json:"reason"`
	Customers int    `json:"customers"`
}

type churnMonthJSON struct {
	Month   string `json:"month"`
	Gained  int    `json:"gained"`
	Lost    int    `json:"lost"`
	WonBack int    `json:"won_back"`
	Lapsed  int    `json:"lapsed"`
}

func newChurnCmd(a *App) *cobra.Command {
	var from, to string
	var months int
	cmd := &cobra.Command{
		Use:   "churn",
		Short: "Customers lost and won back, by reason, and gained vs lost per month",
		Long: `The lifecycle over a period (the last 12 months by default): the customers
lost, by reason; those won back; those who lapsed; and per month, customers
gained (first purchase) against those lost.`,
		Example: `  rolo churn
  rolo churn --months 6
  rolo churn --from 2026-01-01 --to 2026-06-30 --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, today, svc, err := a.open(cmd)
			if err != nil {
				return err
			}
			if months < 1 || months > 120 {
				return usageErrorf("--months must be 1–120, got %d", months)
			}
			end := today
			if to != "" {
				if end, err = store.ParseDay(to, today, store.Back); err != nil {
					return fmt.Errorf("--to: %w", err)
				}
			}
			start := time.Date(end.Year(), end.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 1-months, 0)
			if from != "" {
				if start, err = store.ParseDay(from, today, store.Back); err != nil {
					return fmt.Errorf("--from: %w", err)
				}
			}
			ch, err := svc.Churn(ctx, start, end)
			if err != nil {
				return err
			}
			return a.printChurn(ch)
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "first day (default: the start of the month --months ago)")
	cmd.Flags().StringVar(&to, "to", "", "last day (default today)")
	cmd.Flags().IntVar(&months, "months", 12, "how many months back, this one included")
	return cmd
}

func (a *App) printChurn(ch *insight.Churn) error {
	orEmpty := func(v []store.StatusChange) []store.StatusChange {
		if v == nil {
			return []store.StatusChange{}
		}
		return v
	}
	if a.JSON {
		out := churnJSON{From: ch.From.Format(store.DateLayout), To: ch.To.Format(store.DateLayout), Lost: orEmpty(ch.Lost),
			WonBack: orEmpty(ch.WonBack), Lapsed: orEmpty(ch.Lapsed), ByReason: []reasonCountJSON{}}
		for _, r := range ch.ByReason {
			out.ByReason = append(out.ByReason, reasonCountJSON{r.Reason, r.Count})
		}
		for _, m := range ch.Months {
			out.Months = append(out.Months, churnMonthJSON{m.Month.Format("2006-01"), m.Gained, m.Lost, m.WonBack, m.Lapsed})
		}
		return writeJSON(a.Out, out)
	}
	if !a.IsTTY {
		t := a.newTable()
		for _, m := range ch.Months {
			t.add(m.Month.Format("2006-01"), strconv.Itoa(m.Gained), strconv.Itoa(m.Lost), strconv.Itoa(m.WonBack), strconv.Itoa(m.Lapsed))
		}
		return t.print()
	}
	bold := a.renderer().NewStyle().Bold(true)
	w := a.Out
	fmt.Fprintf(w, "%s %s to %s: %s lost, %s won back, %s lapsed\n\n", bold.Render("Churn"), ch.From.Format(store.DateLayout),
		ch.To.Format(store.DateLayout), plural(len(ch.Lost), "customer"), plural(len(ch.WonBack), "customer"), plural(len(ch.Lapsed), "customer"))
	t := a.newTable(column{Name: "month"}, column{Name: "gained", Right: true}, column{Name: "lost", Right: true},
		column{Name: "won back", Right: true}, column{Name: "lapsed", Right: true}, column{Name: "net", Right: true})
	for _, m := range ch.Months {
		t.add(m.Month.Format("2006-01"), strconv.Itoa(m.Gained), strconv.Itoa(m.Lost), strconv.Itoa(m.WonBack), strconv.Itoa(m.Lapsed),
			fmt.Sprintf("%+d", m.Gained+m.WonBack-m.Lost))
	}
	if err := t.print(); err != nil {
		return err
	}
	if len(ch.ByReason) > 0 {
		fmt.Fprintf(w, "\n%s\n", bold.Render("Lost, by reason"))
		t := a.newTable(column{Name: "reason"}, column{Name: "customers", Right: true}, column{Name: "who"})
		for _, r := range ch.ByReason {
			var who []string
			for _, c := range ch.Lost {
				if c.Reason == r.Reason {
					who = append(who, c.Name)
				}
			}
			t.add(r.Reason, strconv.Itoa(r.Count), strings.Join(who, ", "))
		}
		if err := t.print(); err != nil {
			return err
		}
	}
	if len(ch.WonBack) > 0 {
		fmt.Fprintf(w, "\n%s\n", bold.Render("Won back"))
		t := a.newTable(column{Name: "date"}, column{Name: "id", Right: true}, column{Name: "name"})
		for _, c := range ch.WonBack {
			t.add(c.Date, strconv.FormatInt(c.CustomerID, 10), c.Name)
		}
		return t.print()
	}
	return nil
}
