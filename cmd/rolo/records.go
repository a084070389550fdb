package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/store"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Correcting records: rolo edit purchase|contact|followup ID and rolo rm
// purchase|contact|followup|payment ID. A customer literally named
// "purchase" stays reachable as #ID.

// recordID reads the ID argument of a record.
func recordID(kind, s string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(s, "#"), 10, 64)
	if err != nil || id <= 0 {
		return 0, usageErrorf("%q is not a %s id; the ids are in rolo show CUSTOMER", s, kind)
	}
	return id, nil
}

// changedFlags counts the command's own flags the user set.
func changedFlags(cmd *cobra.Command) int {
	n := 0
	cmd.Flags().Visit(func(fl *pflag.Flag) {
		if cmd.InheritedFlags().Lookup(fl.Name) == nil {
			n++
		}
	})
	return n
}

// purchaseFlags are the fields of a purchase, for buy and edit purchase.
type purchaseFlags struct {
	amount, item, qty, cost, paid, date, next, channel, requests, mood, note, customer string
	planned                                                                            bool
}

func (f *purchaseFlags) register(fs *pflag.FlagSet, editing bool) {
	fs.StringVar(&f.item, "item", "", "what they bought")
	fs.StringVar(&f.qty, "qty", "", "quantity, more than zero (default 1)")
	fs.StringVar(&f.cost, "cost", "", "your cost, for profit (empty: not known)")
	fs.StringVar(&f.paid, "paid", "", "amount collected at the sale (default: paid in full; later payments: rolo pay)")
	fs.StringVar(&f.date, "date", "", "purchase date (default today; 2026-11-01, yesterday, last friday, 上周五)")
	fs.StringVar(&f.next, "next", "", "when they will buy next: a date or +3m, +6w... from the purchase date")
	fs.StringVar(&f.channel, "channel", "", "where they bought (shop, online, wechat...)")
	fs.StringVar(&f.requests, "requests", "", "special requests")
	fs.StringVar(&f.mood, "mood", "", "their mood or expression")
	fs.StringVar(&f.note, "note", "", "a note")
	fs.BoolVar(&f.planned, "planned", false, "the date is in the future: a purchase agreed for that day")
	if editing {
		fs.StringVar(&f.amount, "amount", "", "the amount")
		fs.StringVar(&f.customer, "customer", "", "move it to another customer (id or name)")
	}
}

// apply copies the flags the user set onto p; today checks the date.
func (f *purchaseFlags) apply(cmd *cobra.Command, a *App, p *store.Purchase, today time.Time) error {
	fs := cmd.Flags()
	var err error
	if fs.Changed("amount") {
		if p.Amount, err = a.parseAmount("--amount", f.amount); err != nil {
			return err
		}
	}
	set := func(name string, dst *string, v string) {
		if fs.Changed(name) {
			*dst = v
		}
	}
	set("item", &p.Item, f.item)
	set("channel", &p.Channel, f.channel)
	set("requests", &p.SpecialRequests, f.requests)
	set("mood", &p.Mood, f.mood)
	set("note", &p.Note, f.note)
	if fs.Changed("qty") {
		q, err := strconv.ParseFloat(strings.TrimSpace(f.qty), 64)
		if err != nil || q <= 0 || q != q {
			return usageErrorf("--qty %q: the quantity must be a number more than zero", f.qty)
		}
		p.Quantity = q
	}
	for _, m := range []struct {
		flag, v string
		dst     **money.Amount
	}{{"cost", f.cost, &p.Cost}, {"paid", f.paid, &p.Paid}} {
		if !fs.Changed(m.flag) {
			continue
		}
		*m.dst = nil
		if strings.TrimSpace(m.v) != "" {
			v, err := a.parseAmount("--"+m.flag, m.v)
			if err != nil {
				return err
			}
			*m.dst = &v
		}
	}
	if p.Paid != nil && *p.Paid > p.Amount {
		if !fs.Changed("paid") { // a corrected amount below what was collected at the sale
			return usageErrorf("the %s paid at the sale is more than the new amount %s; correct it too with --paid (at most the amount)",
				a.currency().Format(*p.Paid), a.currency().Format(p.Amount))
		}
		return usageErrorf("--paid %s is more than the amount %s; record what was collected (at most the amount), and later payments with rolo pay",
			a.currency().Format(*p.Paid), a.currency().Format(p.Amount))
	}
	if fs.Changed("date") || p.Date == "" {
		d := today
		if f.date != "" {
			if d, err = store.ParseDay(f.date, today, store.Back); err != nil {
				return fmt.Errorf("--date: %w", err)
			}
		}
		if d.After(today) && !f.planned {
			return usageErrorf("--date %s is in the future; pass --planned to record a purchase agreed for that day (it counts from then)", d.Format(store.DateLayout))
		}
		p.Date = d.Format(store.DateLayout)
	}
	if fs.Changed("next") {
		p.NextDate = ""
		if f.next != "" {
			base, _ := store.ParseDate(p.Date)
			n, err := store.ParseDay(f.next, base, store.Ahead)
			if err != nil {
				return fmt.Errorf("--next: %w", err)
			}
			p.NextDate = n.Format(store.DateLayout)
		}
	}
	if fs.Changed("customer") {
		_, c, err := a.customer(cmd, f.customer)
		if err != nil {
			return fmt.Errorf("--customer: %w", err)
		}
		p.CustomerID = c.ID
	}
	return nil
}

func newEditPurchaseCmd(a *App) *cobra.Command {
	var f purchaseFlags
	cmd := &cobra.Command{
		Use:   "purchase ID",
		Short: "Correct a purchase (amount, item, date, cost, paid, ...)",
		Example: `  rolo edit purchase 17 --amount 1180
  rolo edit purchase 17 --cost 620 --note "two cakes returned"
  rolo edit purchase 17 --customer 王小红     # it was someone else's`,
		Args: exactArgs(1, "the purchase ID (see rolo show CUSTOMER)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := recordID("purchase", args[0])
			if err != nil {
				return err
			}
			if changedFlags(cmd) == 0 {
				return usageErrorf("nothing to change; pass the fields to correct, e.g. --amount or --item (see rolo edit purchase --help)")
			}
			ctx, today, svc, err := a.open(cmd)
			if err != nil {
				return err
			}
			p, err := svc.UpdatePurchase(ctx, id, func(p *store.Purchase) error { return f.apply(cmd, a, p, today) })
			if err != nil {
				return err
			}
			return a.reportChanged(a.purchaseJSON(p), fmt.Sprintf("Purchase %d is now %s %s on %s", p.ID, a.money(p.Amount), clean(p.Item), p.Date))
		},
	}
	f.register(cmd.Flags(), true)
	return cmd
}

func newEditContactCmd(a *App) *cobra.Command {
	var kind, summary, at, customer string
	cmd := &cobra.Command{
		Use:     "contact ID",
		Short:   "Correct a contact (kind, summary, when)",
		Example: "  rolo edit contact 31 --kind visit --summary \"brought samples\"\n  rolo edit contact 31 --at yesterday",
		Args:    exactArgs(1, "the contact ID (see rolo show CUSTOMER)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := recordID("contact", args[0])
			if err != nil {
				return err
			}
			if changedFlags(cmd) == 0 {
				return usageErrorf("nothing to change; pass --kind, --summary, --at or --customer")
			}
			ctx, today, svc, err := a.open(cmd)
			if err != nil {
				return err
			}
			fs := cmd.Flags()
			k, err := svc.UpdateContact(ctx, id, func(k *store.Contact) error {
				if fs.Changed("kind") {
					k.Kind = strings.ToLower(strings.TrimSpace(kind))
				}
				if fs.Changed("summary") {
					k.Summary = summary
				}
				if fs.Changed("at") {
					t, err := contactTime(a, at, today)
					if err != nil {
						return err
					}
					k.At = t
				}
				if fs.Changed("customer") {
					_, c, err := a.customer(cmd, customer)
					if err != nil {
						return fmt.Errorf("--customer: %w", err)
					}
					k.CustomerID = c.ID
				}
				if k.Kind == "complaint" && k.ComplaintStatus == "" {
					k.ComplaintStatus = "open"
				}
				return nil
			})
			if err != nil {
				return err
			}
			return a.reportChanged(k, fmt.Sprintf("Contact %d is now a %s on %s", k.ID, k.Kind, store.StampDay(k.At).Format(store.DateLayout)))
		},
	}
	cmd.Flags().StringVar(&kind, "kind", "", "visit, call, message, email, meeting, gift, greeting, feedback or complaint")
	cmd.Flags().StringVar(&summary, "summary", "", "what happened")
	cmd.Flags().StringVar(&at, "at", "", "when it happened: a date, a time or both, e.g. \"yesterday 15:30\"")
	cmd.Flags().StringVar(&customer, "customer", "", "move it to another customer (id or name)")
	return cmd
}

func newEditFollowUpCmd(a *App) *cobra.Command {
	var due, what, customer string
	var reopen bool
	cmd := &cobra.Command{
		Use:     "followup ID",
		Short:   "Correct a follow-up (when, what), or reopen one marked done",
		Example: "  rolo edit followup 12 --due \"next friday\"\n  rolo edit followup 12 --what \"send the spring catalogue\"\n  rolo edit followup 12 --reopen",
		Args:    exactArgs(1, "the follow-up ID (see rolo due or rolo show CUSTOMER)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := recordID("follow-up", args[0])
			if err != nil {
				return err
			}
			if changedFlags(cmd) == 0 {
				return usageErrorf("nothing to change; pass --due, --what, --customer or --reopen")
			}
			ctx, today, svc, err := a.open(cmd)
			if err != nil {
				return err
			}
			fs := cmd.Flags()
			f, err := svc.UpdateFollowUp(ctx, id, func(f *store.FollowUp) error {
				if fs.Changed("due") {
					d, err := store.ParseDay(due, today, store.Ahead)
					if err != nil {
						return fmt.Errorf("--due: %w", err)
					}
					f.Due = d.Format(store.DateLayout)
				}
				if fs.Changed("what") {
					f.What = what
				}
				if reopen {
					f.DoneAt = nil
				}
				if fs.Changed("customer") {
					_, c, err := a.customer(cmd, customer)
					if err != nil {
						return fmt.Errorf("--customer: %w", err)
					}
					f.CustomerID = c.ID
				}
				return nil
			})
			if err != nil {
				return err
			}
			return a.reportChanged(f, fmt.Sprintf("Follow-up %d is now due %s: %s", f.ID, a.date(f.Due, today), clean(f.What)))
		},
	}
	cmd.Flags().StringVar(&due, "due", "", "when (a date, +3d, next monday, 下周一)")
	cmd.Flags().StringVar(&what, "what", "", "what to do")
	cmd.Flags().StringVar(&customer, "customer", "", "move it to another customer (id or name)")
	cmd.Flags().BoolVar(&reopen, "reopen", false, "open a follow-up marked done again")
	return cmd
}

// reportChanged prints a corrected record: JSON, a sentence on a TTY,
// nothing in a pipe.
func (a *App) reportChanged(v any, sentence string) error {
	if a.JSON {
		return writeJSON(a.Out, v)
	}
	if a.IsTTY {
		fmt.Fprintln(a.Out, sentence)
	}
	return nil
}

// newRmRecordCmd removes one kind of record by id.
func newRmRecordCmd(a *App, kind, short string, rm func(cmd *cobra.Command, id int64) (any, string, error)) *cobra.Command {
	return &cobra.Command{
		Use:     strings.ReplaceAll(kind, "-", "") + " ID",
		Short:   short,
		Example: "  rolo rm " + strings.ReplaceAll(kind, "-", "") + " 17",
		Args:    exactArgs(1, "the "+kind+" ID (see rolo show CUSTOMER)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := recordID(kind, args[0])
			if err != nil {
				return err
			}
			v, sentence, err := rm(cmd, id)
			if err != nil {
				return err
			}
			return a.reportChanged(v, sentence)
		},
	}
}

func addRecordCommands(a *App, edit, rm *cobra.Command) {
	edit.AddCommand(newEditPurchaseCmd(a), newEditContactCmd(a), newEditFollowUpCmd(a))
	var withPayments bool
	rmPurchase := newRmRecordCmd(a, "purchase", "Delete a purchase recorded by mistake", func(cmd *cobra.Command, id int64) (any, string, error) {
		ctx, _, svc, err := a.open(cmd)
		if err != nil {
			return nil, "", err
		}
		// Payments go with their purchase only when asked, so that a
		// mistyped id does not take money received with it.
		if !withPayments {
			p, err := svc.DeletePurchaseAlone(ctx, id)
			var paid *store.PaymentsRecorded
			if errors.As(err, &paid) {
				var sum money.Amount
				ids := make([]string, len(paid.Payments))
				for i, y := range paid.Payments {
					sum += y.Amount
					ids[i] = strconv.FormatInt(y.ID, 10)
				}
				which, them := "payment "+ids[0], "it"
				if len(ids) > 1 {
					which, them = "payments "+strings.Join(ids, ", "), "them"
				}
				return nil, "", store.Errorf(store.KindInvalid, "purchase %d has %s recorded against it (%s, %s); "+
					"add --with-payments to delete %s with the purchase, or rolo rm payment ID first. Nothing was deleted",
					id, plural(len(ids), "payment"), which, a.money(sum), them)
			}
			if err != nil {
				return nil, "", err
			}
			return a.purchaseJSON(p), fmt.Sprintf("Deleted purchase %d (%s %s on %s)", p.ID, a.money(p.Amount), clean(p.Item), p.Date), nil
		}
		p, pays, err := svc.DeletePurchase(ctx, id)
		if err != nil {
			return nil, "", err
		}
		s := fmt.Sprintf("Deleted purchase %d (%s %s on %s)", p.ID, a.money(p.Amount), clean(p.Item), p.Date)
		if len(pays) > 0 {
			s += fmt.Sprintf(" and its %s", plural(len(pays), "payment"))
		}
		return a.purchaseJSON(p), s, nil
	})
	rmPurchase.Flags().BoolVar(&withPayments, "with-payments", false, "also delete the payments recorded against it")
	rmPurchase.Example = "  rolo rm purchase 17\n  rolo rm purchase 17 --with-payments"
	rm.AddCommand(
		rmPurchase,
		newRmRecordCmd(a, "contact", "Delete a contact logged by mistake", func(cmd *cobra.Command, id int64) (any, string, error) {
			ctx, _, svc, err := a.open(cmd)
			if err != nil {
				return nil, "", err
			}
			k, err := svc.DeleteContact(ctx, id)
			return k, fmt.Sprintf("Deleted contact %d (%s on %s)", k.ID, k.Kind, k.At[:min(10, len(k.At))]), err
		}),
		newRmRecordCmd(a, "follow-up", "Delete a follow-up", func(cmd *cobra.Command, id int64) (any, string, error) {
			ctx, _, svc, err := a.open(cmd)
			if err != nil {
				return nil, "", err
			}
			f, err := svc.DeleteFollowUp(ctx, id)
			return f, fmt.Sprintf("Deleted follow-up %d (%s)", f.ID, clean(f.What)), err
		}),
		newRmRecordCmd(a, "payment", "Delete a payment recorded by mistake", func(cmd *cobra.Command, id int64) (any, string, error) {
			ctx, _, svc, err := a.open(cmd)
			if err != nil {
				return nil, "", err
			}
			p, err := svc.Payment(ctx, id)
			if err != nil {
				return nil, "", err
			}
			if err := svc.DeletePayment(ctx, id); err != nil {
				return nil, "", err
			}
			return a.paymentJSON(p), fmt.Sprintf("Deleted payment %d (%s on %s)", p.ID, a.money(p.Amount), p.Date), nil
		}),
	)
}
