package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/rolo-crm/rolo/insight"
	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/store/transfer"
	"github.com/spf13/cobra"
)

var exportKinds = []string{"customers", "purchases", "contacts", "followups", "tiers", "agenda"}

func newExportCmd(a *App) *cobra.Command {
	var o transfer.ExportOptions
	var out, fields, since string
	var force bool
	cmd := &cobra.Command{
		Use:   "export KIND",
		Short: "Export customers, purchases, contacts, followups, tiers or the agenda",
		Long: `Export one kind of record as CSV (default), JSON, NDJSON — or customers as vCard
(--format vcard, vcard3) and the agenda as iCalendar (--format ics).

CSV is RFC 4180, UTF-8, with a header row; --bom adds a byte order mark for
Excel. Amounts are decimal strings in the notebook currency. Text cells that
begin with = + - @, a tab or a carriage return get a leading apostrophe so a
spreadsheet cannot run them as formulas; numbers are never altered, and
rolo import removes the apostrophe again. --raw writes exact values.

Columns:
  customers  ` + strings.Join(transfer.FieldNames("customers"), ",") + `
  purchases  ` + strings.Join(transfer.FieldNames("purchases"), ",") + `
  contacts   ` + strings.Join(transfer.FieldNames("contacts"), ",") + `
  followups  ` + strings.Join(transfer.FieldNames("followups"), ",") + `
  tiers      ` + strings.Join(tierExportNames(), ",") + `
  agenda     ` + strings.Join(agendaExportNames(), ","),
		Example: `  rolo export purchases --format csv -o purchases.csv
  rolo export customers --format vcard -o contacts.vcf
  rolo export agenda --format ics -o rolo.ics
  rolo export customers --fields name,phone,birthday --bom -o 生日.csv`,
		Args: exactArgs(1, "a KIND: "+strings.Join(exportKinds, ", ")),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			kind := args[0]
			known := false
			for _, k := range exportKinds {
				known = known || k == kind
			}
			if !known {
				return usageErrorf("cannot export %q; use one of %s", kind, strings.Join(exportKinds, ", "))
			}
			today, err := a.Today()
			if err != nil {
				return err
			}
			if since != "" {
				d, err := store.ParseSince(since, today)
				if err != nil {
					return fmt.Errorf("--since: %w", err)
				}
				o.Since = d.Format(store.DateLayout)
			}
			if fields != "" {
				o.Fields = strings.Split(fields, ",")
			}
			if a.JSON && o.Format == "" {
				o.Format = "json"
			}
			svc, err := a.Service(ctx)
			if err != nil {
				return err
			}
			st := svc.Store()
			o.Currency = st.Currency()
			return writeOutput(ctx, a, out, force, func(w io.Writer) (int, error) {
				switch {
				case o.Format == "vcard" || o.Format == "vcard3" || o.Format == "vcf":
					if kind != "customers" {
						return 0, usageErrorf("vCard holds customers: rolo export customers --format vcard")
					}
					v := "4.0"
					if o.Format == "vcard3" {
						v = "3.0"
					}
					return transfer.ExportVCard(ctx, st, w, v)
				case o.Format == "ics":
					if kind != "agenda" {
						return 0, usageErrorf("iCalendar holds the agenda: rolo export agenda --format ics")
					}
					return exportICS(ctx, a, svc, w, today)
				case kind == "tiers":
					return exportTiers(ctx, svc, w, o, today)
				case kind == "agenda":
					return exportAgenda(ctx, svc, w, o, today)
				}
				return transfer.Export(ctx, st, kind, w, o)
			})
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&o.Format, "format", "", "csv, json, ndjson; vcard or vcard3 for customers; ics for the agenda")
	fs.StringVarP(&out, "output", "o", "", "write to FILE instead of standard output (written whole or not at all; an existing file needs --force)")
	fs.BoolVar(&force, "force", false, "replace an existing -o FILE (keeping its mode); never the notebook or a folder")
	fs.BoolVar(&o.BOM, "bom", false, "start CSV with a UTF-8 byte order mark (for Excel)")
	fs.BoolVar(&o.Raw, "raw", false, "write text cells exactly, without formula protection")
	fs.StringVar(&since, "since", "", "only rows on or after a date or span back (2026-01-01, 90d)")
	fs.StringVar(&fields, "fields", "", "only these columns, in this order (comma-separated)")
	return cmd
}

func tierExportNames() []string {
	return []string{"customer_id", "name", "tier", "value", "revenue", "profit", "revenue_without_cost", "paid", "outstanding",
		"purchases", "purchase_days", "first_purchase", "last_purchase", "recency_days", "r", "f", "m", "segment", "loss_making",
		"p_alive", "expected_purchases_90d", "expected_spend", "clv"}
}

func exportTiers(ctx context.Context, svc *insight.Service, w io.Writer, o transfer.ExportOptions, today time.Time) (int, error) {
	rows, err := svc.Report(ctx, today)
	if err != nil {
		return 0, err
	}
	kinds := []transfer.ColumnKind{transfer.Int, transfer.Text, transfer.Text, transfer.Money, transfer.Money, transfer.Money,
		transfer.Money, transfer.Money, transfer.Money, transfer.Int, transfer.Int, transfer.Date, transfer.Date, transfer.Int,
		transfer.Int, transfer.Int, transfer.Int, transfer.Text, transfer.Bool, transfer.Number, transfer.Number, transfer.Money,
		transfer.Money}
	minor := func(v money.Amount) string { return strconv.FormatInt(int64(v), 10) }
	day := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format(store.DateLayout)
	}
	num := func(v float64) string { return strconv.FormatFloat(math.Round(v*10000)/10000, 'f', -1, 64) }
	return writeTable(w, tierExportNames(), kinds, o, func(emit func([]string) error) error {
		for _, r := range rows {
			rec, rs, fs, ms, seg := "", "", "", "", ""
			if r.RFM != nil {
				rec = strconv.Itoa(r.RecencyDays(today))
				rs, fs, ms, seg = strconv.Itoa(r.RFM.R), strconv.Itoa(r.RFM.F), strconv.Itoa(r.RFM.M), string(r.RFM.Segment)
			}
			palive, e90, spend, clvv := "", "", "", ""
			if lt := r.Lifetime; lt != nil {
				if lt.Known {
					palive, e90 = num(lt.PAlive), num(lt.Expected90)
				}
				spend, clvv = minor(lt.ExpectedSpend), minor(lt.CLV)
			}
			if err := emit([]string{strconv.FormatInt(r.ID, 10), r.Name, string(r.Tier), minor(moneyOf(r.Value)),
				minor(r.Revenue), minor(r.Profit), minor(r.Uncosted), minor(r.Paid), minor(r.Outstanding),
				strconv.Itoa(r.Purchases), strconv.Itoa(r.PurchaseDays), day(r.First), day(r.Last), rec, rs, fs, ms, seg,
				strconv.FormatBool(r.LossMaking), palive, e90, spend, clvv}); err != nil {
				return err
			}
		}
		return nil
	})
}

// writeTable writes rows through a transfer.TableWriter, honouring --fields.
func writeTable(w io.Writer, names []string, kinds []transfer.ColumnKind, o transfer.ExportOptions,
	rows func(emit func([]string) error) error) (int, error) {
	idx := make([]int, 0, len(names))
	if len(o.Fields) == 0 {
		for i := range names {
			idx = append(idx, i)
		}
	}
	for _, f := range o.Fields {
		found := -1
		for i, n := range names {
			if n == strings.TrimSpace(f) {
				found = i
			}
		}
		if found < 0 {
			return 0, usageErrorf("unknown field %q; valid fields: %s", f, strings.Join(names, ","))
		}
		idx = append(idx, found)
	}
	cols := make([]transfer.Column, len(idx))
	for i, j := range idx {
		cols[i] = transfer.Column{Name: names[j], Kind: kinds[j]}
	}
	tw, err := transfer.NewTableWriter(w, cols, o)
	if err != nil {
		return 0, err
	}
	vals := make([]string, len(idx))
	err = rows(func(all []string) error {
		for i, j := range idx {
			vals[i] = all[j]
		}
		return tw.Write(vals)
	})
	if err != nil {
		return tw.Rows(), err
	}
	return tw.Rows(), tw.Close()
}

func agendaExportNames() []string {
	return []string{"due", "days_overdue", "customer_id", "name", "tier", "reason", "detail", "followup_id"}
}

func exportAgenda(ctx context.Context, svc *insight.Service, w io.Writer, o transfer.ExportOptions, today time.Time) (int, error) {
	ag, err := svc.Agenda(ctx, insight.AgendaQuery{AsOf: today, Days: 7})
	if err != nil {
		return 0, err
	}
	kinds := []transfer.ColumnKind{transfer.Date, transfer.Int, transfer.Int, transfer.Text, transfer.Text, transfer.Text, transfer.Text, transfer.Int}
	return writeTable(w, agendaExportNames(), kinds, o, func(emit func([]string) error) error {
		for _, it := range ag.Items {
			fid := ""
			if it.FollowUpID != 0 {
				fid = strconv.FormatInt(it.FollowUpID, 10)
			}
			if err := emit([]string{it.Due.Format(store.DateLayout), strconv.Itoa(it.DaysOverdue), strconv.FormatInt(it.CustomerID, 10),
				it.Name, string(it.Tier), string(it.Reason), it.Detail, fid}); err != nil {
				return err
			}
		}
		return nil
	})
}

func newImportCmd(a *App) *cobra.Command {
	var o transfer.ImportOptions
	var mapping string
	cmd := &cobra.Command{
		Use:   "import KIND FILE",
		Short: "Import customers, purchases or contacts from CSV, JSON, NDJSON or vCard (all or nothing)",
		Long: `Import customers, purchases or contacts. FILE may be - for standard input.

The format follows the file name (.csv, .json, .ndjson/.jsonl, .vcf) or --format.
CSV needs a header row; columns are matched by name in English or Chinese
(姓名 name, 电话/手机 phone, 公司 company, 生日 birthday, 金额 amount, 日期 date,
商品 item, 数量 quantity, 备注 notes ...) and --map 'column=field' names the
rest (--map 'column=-' skips one). A byte order mark is fine.

Purchases and contacts name their customer by customer_id, customer_external_id,
customer_phone or an exact customer_name.

The whole file is checked first: any bad row is an error naming the line,
column, value and what was expected, every problem is listed (up to 20), and
nothing is imported. Otherwise everything is written in one transaction.
Customers that look like ones already in the notebook (same external id, phone
or email) are reported as duplicates unless --upsert-by updates them.`,
		Example: `  rolo import customers 客户.csv --dry-run
  rolo import customers phone.vcf
  rolo import purchases orders.csv --map 'Order total=amount,Client=customer_name'
  rolo import customers crm.csv --upsert-by phone`,
		Args: exactArgs(2, "a KIND (customers, purchases, contacts) and a FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			kind, path := args[0], args[1]
			if mapping != "" {
				o.Map = map[string]string{}
				for _, pair := range strings.Split(mapping, ",") {
					k, v, ok := strings.Cut(pair, "=")
					if !ok || strings.TrimSpace(k) == "" || strings.TrimSpace(v) == "" {
						return usageErrorf("--map %q: write column=field pairs separated by commas", pair)
					}
					o.Map[strings.TrimSpace(k)] = strings.TrimSpace(v)
				}
			}
			if o.Format == "" {
				switch strings.ToLower(filepath.Ext(path)) {
				case ".json":
					o.Format = "json"
				case ".ndjson", ".jsonl":
					o.Format = "ndjson"
				case ".vcf", ".vcard":
					o.Format = "vcard"
				default:
					o.Format = "csv"
				}
			}
			var r io.Reader = a.In
			o.Name = "standard input"
			if path != "-" {
				f, err := os.Open(path)
				if err != nil {
					return usageErrorf("cannot read %s: %v", path, err)
				}
				defer f.Close()
				r = f
				o.Name = path
			}
			st, err := a.Store(ctx)
			if err != nil {
				return err
			}
			rep, err := transfer.Import(ctx, st, kind, r, o)
			if err != nil {
				return err
			}
			if a.JSON {
				return writeJSON(a.Out, rep)
			}
			verb := "Imported"
			if rep.DryRun {
				verb = "Checked: would import"
			}
			msg := fmt.Sprintf("%s %d %s", verb, rep.Inserted, kind)
			if rep.Updated > 0 {
				msg += fmt.Sprintf(" and update %d", rep.Updated)
			}
			fmt.Fprintf(a.Err, "%s from %s.\n", msg, clean(o.Name))
			return nil
		},
	}
	fs := cmd.Flags()
	fs.BoolVar(&o.DryRun, "dry-run", false, "check the file and report, without writing")
	fs.StringVar(&o.UpsertBy, "upsert-by", "", "update customers that match by external_id, phone or email")
	fs.StringVar(&mapping, "map", "", "name columns: 'file column=field,...' ('column=-' skips it)")
	fs.StringVar(&o.Format, "format", "", "csv, json, ndjson or vcard (default: from the file name)")
	fs.BoolVar(&o.AllowDuplicates, "allow-duplicates", false, "add customers even when their phone or email is already in the notebook")
	return cmd
}

func exportICS(ctx context.Context, a *App, svc *insight.Service, w io.Writer, today time.Time) (int, error) {
	evs, err := svc.Calendar(ctx, today)
	if err != nil {
		return 0, err
	}
	events := make([]transfer.Event, len(evs))
	for i, e := range evs {
		events[i] = transfer.Event{UID: e.UID, Date: e.Date, Summary: e.Summary}
	}
	stamp := a.Now()
	if a.AsOf != "" {
		stamp = today
	}
	return len(events), transfer.WriteICS(w, events, stamp)
}
