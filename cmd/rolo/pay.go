package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/store"
	"github.com/spf13/cobra"
)

type paymentJSON struct {
	ID         int64         `json:"id"`
	PurchaseID int64         `json:"purchase_id"`
	CustomerID int64         `json:"customer_id"`
	Date       string        `json:"date"`
	Amount     money.Decimal `json:"amount"`
	Note       string        `json:"note"`
	CreatedAt  string        `json:"created_at"`
}

func (a *App) paymentJSON(p store.Payment) paymentJSON {
	return paymentJSON{ID: p.ID, PurchaseID: p.PurchaseID, CustomerID: p.CustomerID, Date: p.Date, Amount: a.dec(p.Amount),
		Note: p.Note, CreatedAt: p.CreatedAt}
}

func newPayCmd(a *App) *cobra.Command {
	var purchase int64
	var date, note string
	cmd := &cobra.Command{
		Use:   "pay CUSTOMER AMOUNT",
		Short: "Record a payment after the sale (回款): what they owe goes down",
		Long: `Record money a customer paid after the sale. With --purchase it pays that
purchase; otherwise it pays their oldest unpaid purchases first. Paying more
than is owed is refused. rolo owed lists who owes what; rolo due reminds you
of what is unpaid after the payment terms (rolo config payment.terms, 30 days).`,
		Example: `  rolo pay 王小明 500
  rolo pay 42 1280 --purchase 17 --date 2026-11-30 --note "bank transfer"`,
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
			amount, err := a.parseAmount("AMOUNT", args[1])
			if err != nil {
				return err
			}
			d := today
			if date != "" {
				if d, err = store.ParseDay(date, today, store.Back); err != nil {
					return fmt.Errorf("--date: %w", err)
				}
				if d.After(today) {
					return usageErrorf("--date %s is in the future; record a payment when it is made", d.Format(store.DateLayout))
				}
			}
			pays, err := svc.Pay(cmd.Context(), c.ID, amount, d, purchase, note)
			if err != nil {
				return err
			}
			out := make([]paymentJSON, len(pays))
			var parts []string
			for i, p := range pays {
				out[i] = a.paymentJSON(p)
				parts = append(parts, fmt.Sprintf("%s on purchase %d", a.money(p.Amount), p.PurchaseID))
			}
			if a.JSON {
				return writeJSONRows(a.Out, out)
			}
			if a.IsTTY {
				left, err := svc.Owes(cmd.Context(), c.ID)
				if err != nil {
					return err
				}
				fmt.Fprintf(a.Out, "Recorded %s from %s (%s); still owed: %s\n", a.money(amount), clean(c.Name), strings.Join(parts, ", "), a.money(left))
				return nil
			}
			for _, p := range pays {
				fmt.Fprintln(a.Out, p.ID)
			}
			return nil
		},
	}
	cmd.Flags().Int64Var(&purchase, "purchase", 0, "the purchase paid (default: the oldest unpaid first)")
	cmd.Flags().StringVar(&date, "date", "", "when it was paid (default today)")
	cmd.Flags().StringVar(&note, "note", "", "a note (bank transfer, cash...)")
	return cmd
}

type owingJSON struct {
	CustomerID  int64         `json:"customer_id"`
	Name        string        `json:"name"`
	Outstanding money.Decimal `json:"outstanding"`
	Oldest      string        `json:"oldest_unpaid"`
	DaysOld     int           `json:"days"`
	Overdue     bool          `json:"overdue"`
	Purchases   []int64       `json:"purchase_ids"`
	Rep         string        `json:"rep,omitempty"` // --team
}

func newOwedCmd(a *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "owed",
		Short: "Who owes what, the longest owing first",
		Long: `List every customer with purchases not paid in full: what they owe, since when,
and whether it is past the payment terms (rolo config payment.terms).`,
		Example: "  rolo owed\n  rolo owed --json | jq '[.[] | select(.overdue)] | length'",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, today, svc, err := a.open(cmd)
			if err != nil {
				return err
			}
			owners, err := a.teamOwners(ctx, svc)
			if err != nil {
				return err
			}
			owed, terms, err := svc.Owed(ctx, today)
			if err != nil {
				return err
			}
			if a.JSON {
				out := make([]owingJSON, len(owed))
				for i, o := range owed {
					ids := make([]int64, len(o.Purchases))
					for j, d := range o.Purchases {
						ids[j] = d.PurchaseID
					}
					out[i] = owingJSON{CustomerID: o.CustomerID, Name: o.Name, Outstanding: a.dec(o.Outstanding),
						Oldest: o.Oldest.Format(store.DateLayout), DaysOld: o.DaysOld, Overdue: o.Overdue, Purchases: ids, Rep: owners[o.CustomerID]}
				}
				return writeJSONRows(a.Out, out)
			}
			if len(owed) == 0 {
				if a.IsTTY {
					fmt.Fprintln(a.Out, "Nobody owes you anything.")
				}
				return nil
			}
			cols := []column{{Name: "id", Right: true}, {Name: "customer", Min: 8, Wrap: true}, {Name: "owes", Right: true},
				{Name: "since", Whole: true}, {Name: "days old", Right: true}, {Name: "purchase ids", Wrap: true}}
			if owners != nil {
				cols = append(cols, column{Name: "rep"})
			}
			t := a.newTable(cols...)
			var total money.Amount
			over := 0
			for _, o := range owed {
				ids := make([]string, len(o.Purchases))
				for j, d := range o.Purchases {
					ids[j] = strconv.FormatInt(d.PurchaseID, 10)
				}
				days := strconv.Itoa(o.DaysOld)
				if o.Overdue && a.IsTTY {
					days += fmt.Sprintf(" (%dd late)", o.DaysOld-terms) // as rolo due counts it: past the terms
				}
				cells := []string{strconv.FormatInt(o.CustomerID, 10), o.Name, a.money(o.Outstanding), o.Oldest.Format(store.DateLayout), days, strings.Join(ids, " ")}
				if owners != nil {
					cells = append(cells, owners[o.CustomerID])
				}
				t.add(cells...)
				total += o.Outstanding
				if o.Overdue {
					over++
				}
			}
			if err := t.print(); err != nil {
				return err
			}
			if a.IsTTY {
				verb := "owe"
				if len(owed) == 1 {
					verb = "owes"
				}
				fmt.Fprintf(a.Out, "\n%s %s %s in all; %d past the %d-day terms. rolo pay CUSTOMER AMOUNT records a payment.\n",
					plural(len(owed), "customer"), verb, a.money(total), over, terms)
			}
			return nil
		},
	}
	registerTeamFlags(a, cmd)
	return cmd
}
