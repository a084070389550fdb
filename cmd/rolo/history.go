package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/rolo-crm/rolo/insight"
	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/store"
	"github.com/spf13/cobra"
)

func newBuyCmd(a *App) *cobra.Command {
	var f purchaseFlags
	cmd := &cobra.Command{
		Use:   "buy CUSTOMER AMOUNT",
		Short: "Record a purchase note",
		Example: `  rolo buy 王小明 1280 --item 普洱茶饼 --qty 4 --next +3m --paid 500
  rolo buy 42 99.50 --date 2026-11-01 --paid 50 --requests "gift wrap"
  rolo buy 42 360 --date "last friday" --cost 210
  rolo buy 42 3000 --date 2027-01-15 --planned      # agreed for that day`,
		Args: exactArgs(2, "a CUSTOMER and an AMOUNT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			today, err := a.Today()
			if err != nil {
				return err
			}
			svc, c, err := a.customer(cmd, args[0])
			if err != nil {
				return err
			}
			p := store.Purchase{CustomerID: c.ID, Quantity: 1}
			if p.Amount, err = a.parseAmount("AMOUNT", args[1]); err != nil {
				return err
			}
			if err := f.apply(cmd, a, &p, today); err != nil {
				return err
			}
			p, thanks, err := svc.AddPurchase(cmd.Context(), p)
			if err != nil {
				return err
			}
			sentence := fmt.Sprintf("Recorded %s for %s on %s", a.money(p.Amount), clean(c.Name), p.Date)
			if thanks != nil {
				sentence += fmt.Sprintf("; a thank-you follow-up (%d) is due %s", thanks.ID, a.date(thanks.Due, today))
			}
			return a.reportAdded(a.purchaseJSON(p), p.ID, sentence)
		},
	}
	f.register(cmd.Flags(), false)
	return cmd
}

// parseAmount reads an amount of zero or more in the notebook currency
// (the notebook must be open).
func (a *App) parseAmount(what, s string) (money.Amount, error) {
	v, err := a.currency().Parse(s)
	if err != nil {
		return 0, usageErrorf("%s: %v", what, err)
	}
	if v < 0 {
		return 0, usageErrorf("%s %q: must be zero or more", what, s)
	}
	return v, nil
}

// reportAdded prints the id of what was added: JSON, a sentence on a TTY,
// the bare id in a pipe.
func (a *App) reportAdded(v any, id int64, sentence string) error {
	if a.JSON {
		return writeJSON(a.Out, v)
	}
	if a.IsTTY {
		fmt.Fprintf(a.Out, "%s (id %d)\n", sentence, id)
		return nil
	}
	fmt.Fprintln(a.Out, id)
	return nil
}

func contactTime(a *App, when string, today time.Time) (string, error) {
	now := a.Now()
	if a.AsOf != "" {
		now = time.Time{} // as of another day: its midday
	}
	at, err := store.ContactMoment(when, today, now, a.Now().Location())
	if err != nil {
		return "", fmt.Errorf("--at: %w", err)
	}
	return at, nil
}

func logContact(cmd *cobra.Command, a *App, ref, kind, text, when string) error {
	today, err := a.Today()
	if err != nil {
		return err
	}
	if kind, err = store.ParseContactKind(kind); err != nil {
		return err
	}
	at, err := contactTime(a, when, today)
	if err != nil {
		return err
	}
	svc, c, err := a.customer(cmd, ref)
	if err != nil {
		return err
	}
	k, err := svc.AddContact(cmd.Context(), store.Contact{CustomerID: c.ID, Kind: kind, Summary: text, At: at})
	if err != nil {
		return err
	}
	what := "Logged " + kind + " with " + clean(c.Name)
	if kind == "complaint" {
		what = fmt.Sprintf("Opened complaint %d from %s; rolo resolve %d --complaint %d when it is fixed", k.ID, clean(c.Name), c.ID, k.ID)
	}
	return a.reportAdded(k, k.ID, what)
}

func newLogCmd(a *App) *cobra.Command {
	var at string
	cmd := &cobra.Command{
		Use:   "log CUSTOMER KIND TEXT",
		Short: "Log a contact: " + strings.Join(store.ContactKinds, ", "),
		Long: `Log a contact with a customer: what kind, and what happened. KIND is one of
  ` + strings.Join(store.ContactKinds, ", ") + `
or in Chinese
  ` + chineseKindList() + `.

It resets the tier's contact cadence; a greeting, gift or visit clears a
birthday, event or festival item near its day. --at takes a date, a time of
day or both: yesterday, 2026-11-20, 15:30, "yesterday 15:30", 下午3点,
昨天下午3点 (in your time zone; a date alone is taken as midday).`,
		Example: `  rolo log anna call "asked about the autumn catalogue"
  rolo log 王小明 电话 "约了下周拜访" --at 昨天下午3点
  rolo log 42 greeting "中秋快乐" --at 2026-09-25
  rolo log 42 visit "brought samples" --at "yesterday 15:30"`,
		Args: exactArgs(3, "a CUSTOMER, a KIND and a TEXT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return logContact(cmd, a, args[0], args[1], args[2], at)
		},
	}
	cmd.Flags().StringVar(&at, "at", "", "when it happened: a date, a time or both, e.g. \"yesterday 15:30\" (default now)")
	return cmd
}

func newComplaintCmd(a *App) *cobra.Command {
	var at string
	cmd := &cobra.Command{
		Use:   "complaint CUSTOMER TEXT",
		Short: "Record a complaint (open until rolo resolve)",
		Long: `Record a customer's complaint. It stays open, first on the agenda (overdue
after 2 days), until rolo resolve closes it.`,
		Example: `  rolo complaint 王小明 "茶饼有破损"
  rolo complaint 42 "delivery three days late" --at yesterday`,
		Args: exactArgs(2, "a CUSTOMER and a TEXT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return logContact(cmd, a, args[0], "complaint", args[1], at)
		},
	}
	cmd.Flags().StringVar(&at, "at", "", "when it was made: a date, a time or both (default now)")
	return cmd
}

func newResolveCmd(a *App) *cobra.Command {
	var note string
	var complaint int64
	cmd := &cobra.Command{
		Use:   "resolve CUSTOMER [--complaint ID]",
		Short: "Resolve a complaint and schedule a satisfaction check-in",
		Long: `Resolve a customer's open complaint — their only one, or the one --complaint
names (ids are in rolo show and rolo due). A follow-up to check the customer
is satisfied is scheduled ` + strconv.Itoa(store.CheckInDays) + ` days later.`,
		Example: `  rolo resolve 王小明 --note "replaced the damaged cakes"
  rolo resolve 42 --complaint 317`,
		Args: exactArgs(1, "a CUSTOMER"),
		RunE: func(cmd *cobra.Command, args []string) error {
			today, err := a.Today()
			if err != nil {
				return err
			}
			svc, c, err := a.customer(cmd, args[0])
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			open, err := svc.OpenComplaints(ctx, c.ID)
			if err != nil {
				return err
			}
			id := complaint
			switch {
			case id != 0:
				found := false
				for _, k := range open {
					found = found || k.ID == id
				}
				if !found {
					return store.Errorf(store.KindNotFound, "%s has no open complaint %d (open: %s)", c.Name, id, complaintIDs(open))
				}
			case len(open) == 0:
				return store.Errorf(store.KindNotFound, "%s has no open complaint", c.Name)
			case len(open) == 1:
				id = open[0].ID
			default:
				return store.Errorf(store.KindAmbiguous, "%s has %d open complaints (%s); say which with --complaint ID", c.Name, len(open), complaintIDs(open))
			}
			at := a.Now()
			if a.AsOf != "" {
				at = today.Add(12 * time.Hour)
			}
			f, err := svc.ResolveComplaint(ctx, id, at, note)
			if err != nil {
				return err
			}
			return a.reportAdded(f, f.ID, fmt.Sprintf("Resolved complaint %d; check-in follow-up due %s", id, f.Due))
		},
	}
	cmd.Flags().StringVar(&note, "note", "", "how it was resolved (logged as feedback)")
	cmd.Flags().Int64Var(&complaint, "complaint", 0, "the complaint's id, when the customer has several open")
	return cmd
}

func complaintIDs(ks []store.Contact) string {
	ids := make([]string, len(ks))
	for i, k := range ks {
		ids[i] = strconv.FormatInt(k.ID, 10)
	}
	return "ids " + strings.Join(ids, ", ")
}

func newSurveyCmd(a *App) *cobra.Command {
	var v store.Survey
	var date string
	cmd := &cobra.Command{
		Use:     "survey CUSTOMER",
		Short:   "Record a loyalty survey: five factors, 1–5 each",
		Example: "  rolo survey 王小明 --satisfaction 5 --initiative 4 --repurchase 5 --recommend 4 --resistance 3",
		Args:    exactArgs(1, "a CUSTOMER"),
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, f := range []string{"satisfaction", "initiative", "repurchase", "recommend", "resistance"} {
				if !cmd.Flags().Changed(f) {
					return usageErrorf("--%s is missing; give all five factors, 1–5 each", f)
				}
			}
			today, err := a.Today()
			if err != nil {
				return err
			}
			d := today
			if date != "" {
				if d, err = store.ParseDay(date, today, store.Back); err != nil {
					return fmt.Errorf("--date: %w", err)
				}
			}
			v.Date = d.Format(store.DateLayout)
			svc, c, err := a.customer(cmd, args[0])
			if err != nil {
				return err
			}
			v.CustomerID = c.ID
			v, err = svc.AddSurvey(cmd.Context(), v)
			if err != nil {
				return err
			}
			return a.reportAdded(v, v.ID, "Recorded survey for "+clean(c.Name))
		},
	}
	fs := cmd.Flags()
	fs.IntVar(&v.Satisfaction, "satisfaction", 0, "overall satisfaction 1–5")
	fs.IntVar(&v.Initiative, "initiative", 0, "initiative in keeping the relationship 1–5")
	fs.IntVar(&v.Repurchase, "repurchase", 0, "intent to buy again 1–5")
	fs.IntVar(&v.Recommend, "recommend", 0, "intent to recommend 1–5")
	fs.IntVar(&v.Resistance, "resistance", 0, "resistance to switching 1–5")
	fs.StringVar(&v.Note, "note", "", "a note")
	fs.StringVar(&date, "date", "", "survey date (default today; 2026-11-20, yesterday, 上周五)")
	return cmd
}

func newFollowCmd(a *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "follow CUSTOMER WHEN WHAT",
		Short: "Schedule a follow-up (WHEN: a date, +3d, +2w, tomorrow, next monday, 下周一)",
		Long: `Schedule a follow-up with a customer. WHEN is a day: 2026-12-25, 12/25,
12月25日 (a date without its year is the coming one), +3d, +2w, +1m,
tomorrow, 后天, monday, next monday, 周五, 下周一, next week, 下周 (its Monday),
in 3 days, 3天后. It is on rolo due from that day; rolo done ID marks it done.`,
		Example: `  rolo follow wxm "next monday" "send tea samples"
  rolo follow 王小明 +2w "send the new catalogue"
  rolo follow 42 下周五 "回访"
  rolo follow 42 12月25日 "圣诞礼物"`,
		Args: exactArgs(3, "a CUSTOMER, WHEN and WHAT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			today, err := a.Today()
			if err != nil {
				return err
			}
			due, err := store.ParseDay(args[1], today, store.Ahead)
			if err != nil {
				return fmt.Errorf("WHEN: %w", err)
			}
			svc, c, err := a.customer(cmd, args[0])
			if err != nil {
				return err
			}
			f, err := svc.AddFollowUp(cmd.Context(), store.FollowUp{CustomerID: c.ID, Due: due.Format(store.DateLayout), What: args[2]})
			if err != nil {
				return err
			}
			return a.reportAdded(f, f.ID, fmt.Sprintf("Follow up with %s %s", clean(c.Name), a.date(f.Due, today)))
		},
	}
	return cmd
}

func newDoneCmd(a *App) *cobra.Command {
	return &cobra.Command{
		Use:   "done FOLLOWUP_ID...",
		Short: "Mark follow-ups done",
		Long:  "Mark follow-ups done by their ids (rolo due and rolo show list them).",
		Example: `  rolo done 12
  rolo done 12 15 17`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return wrongArgs(cmd, args, "one or more FOLLOWUP_IDs (rolo due lists them)")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			today, err := a.Today()
			if err != nil {
				return err
			}
			ids := make([]int64, len(args))
			for i, s := range args {
				if ids[i], err = strconv.ParseInt(strings.TrimPrefix(s, "#"), 10, 64); err != nil {
					return usageErrorf("%q is not a follow-up id; see the ids in rolo due", s)
				}
			}
			svc, err := a.Service(cmd.Context())
			if err != nil {
				return err
			}
			at := a.Now()
			if a.AsOf != "" {
				at = today.Add(12 * time.Hour)
			}
			var done []store.FollowUp
			for _, id := range ids {
				f, err := svc.CompleteFollowUp(cmd.Context(), id, at)
				switch store.KindOf(err) {
				case store.KindNotFound:
					return fmt.Errorf("%w; the ids of open follow-ups are in rolo due", err)
				case store.KindConflict:
					return alreadyDone(cmd, svc, id, err, a.Now().Location())
				}
				if err != nil {
					return err
				}
				done = append(done, f)
				if a.IsTTY && !a.JSON {
					fmt.Fprintf(a.Out, "Done: %s\n", clean(f.What))
				}
			}
			if a.JSON {
				return writeJSONRows(a.Out, done)
			}
			return nil
		},
	}
}

// alreadyDone says when a follow-up that is done already was done, in the
// rep's zone as people read it ("2026-12-02 18:23"), not as the UTC stamp
// the store's error carries; err when that cannot be read.
func alreadyDone(cmd *cobra.Command, svc *insight.Service, id int64, err error, loc *time.Location) error {
	f, ferr := svc.FollowUp(cmd.Context(), id)
	if ferr != nil || f.DoneAt == nil {
		return err
	}
	t, terr := time.Parse(time.RFC3339, *f.DoneAt)
	if terr != nil {
		return err
	}
	return &store.Error{Kind: store.KindConflict, Err: err,
		Msg: fmt.Sprintf("follow-up %d was already done on %s", id, t.In(loc).Format("2006-01-02 15:04"))}
}
