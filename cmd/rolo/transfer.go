package main

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rolo-crm/rolo/insight"
	"github.com/rolo-crm/rolo/internal/suggest"
	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/progress"
	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/store/transfer"
	"github.com/rolo-crm/rolo/tiering/agenda"
	"github.com/spf13/cobra"
)

// exportKinds are the notebook's kinds, the reports, and all of it.
var exportKinds = append(append([]string{}, transfer.ExportKinds...), "tiers", "agenda", "all")

func newExportCmd(a *App) *cobra.Command {
	var o transfer.ExportOptions
	var out, fields, since string
	var force bool
	cmd := &cobra.Command{
		Use:   "export KIND",
		Short: "Export one kind of record, the tiers, the agenda, or the whole notebook",
		Long: `Export one kind of record as CSV (default), JSON, NDJSON or an xlsx workbook —
or customers as vCard (--format vcard, vcard3) and the agenda as iCalendar
(--format ics: follow-ups, birthdays and every other reason of rolo due).

With -o FILE and no --format, the file's extension chooses the format as
rolo import reads it: ` + transfer.Extensions(false) + `;
any other name gets CSV. A --format that contradicts the extension is refused.

For Excel and WPS take xlsx: cells are typed (text stays text, so 000123 and
07551234567 keep their zeros; amounts are numbers; dates are dates) and are
values, never formulas. For scripts take CSV, JSON or NDJSON.

CSV is RFC 4180, UTF-8, with a header row; --bom adds a byte order mark for
Excel. Amounts are decimal strings in the notebook currency. Text cells that
begin with = + - @, a tab or a carriage return get a leading apostrophe so a
spreadsheet cannot run them as formulas; numbers are never altered, and
rolo import removes the apostrophe again. --raw writes exact values (import
such a file with rolo import --raw).

rolo export all -o FILE.json writes the whole notebook as one JSON document
that rolo import all restores into an empty notebook: every row, with its id,
of ` + strings.Join(transfer.ExportKinds, ", ") + `.

Columns:
` + exportColumnsHelp(),
		Example: `  rolo export purchases --format csv -o purchases.csv
  rolo export customers --format xlsx -o 客户.xlsx
  rolo export all -o notebook.json
  rolo export customers --format vcard -o contacts.vcf
  rolo export agenda --format ics -o rolo.ics
  rolo export customers --fields name,phone,birthday --bom -o 生日.csv`,
		Args: exactArgs(1, "a KIND: "+strings.Join(exportKinds, ", ")),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			kind := args[0]
			if err := checkKind("export", kind, exportKinds); err != nil {
				return err
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
			if o.Format, err = exportFormat(kind, o, a.JSON, out); err != nil {
				return err
			}
			if o.Format == "xlsx" && (out == "" || out == "-") && a.IsTTY {
				return usageErrorf("an xlsx workbook is a binary file: write it with -o FILE.xlsx")
			}
			if o.Sheet == "" {
				o.Sheet = kind
			}
			svc, err := a.Service(ctx)
			if err != nil {
				return err
			}
			st := svc.Store()
			o.Currency = st.Currency()
			ctx, done := a.showProgress(ctx, "exporting "+kind)
			defer done()
			m := progress.From(ctx)
			m.Stage("exporting "+kind, 0, "bytes")
			return writeOutput(ctx, a, out, force, func(w io.Writer) (int, error) {
				w = progress.Writer(w, m)
				switch {
				case kind == "all":
					return transfer.ExportAll(ctx, st, w, a.Now())
				case transfer.SameFormat(o.Format, "vcard"):
					v := "4.0"
					if o.Format == "vcard3" {
						v = "3.0"
					}
					return transfer.ExportVCard(ctx, st, w, v)
				case o.Format == "ics":
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
	fs.StringVar(&o.Format, "format", "", "csv, json, ndjson, xlsx; vcard or vcard3 for customers; ics for the agenda (default: by -o FILE's extension, else csv)")
	fs.StringVarP(&out, "output", "o", "", "write to FILE instead of standard output (written whole or not at all; an existing file needs --force)")
	fs.BoolVar(&force, "force", false, "replace an existing -o FILE (keeping its mode); never the notebook or a folder")
	fs.BoolVar(&o.BOM, "bom", false, "start CSV with a UTF-8 byte order mark (for Excel)")
	fs.BoolVar(&o.Raw, "raw", false, "write text cells exactly, without formula protection")
	fs.StringVar(&since, "since", "", "only rows on or after a date or span back (2026-01-01, 90d)")
	fs.StringVar(&fields, "fields", "", "only these columns, in this order (comma-separated)")
	return cmd
}

// exportColumnsHelp lists the columns of every kind rolo export writes.
func exportColumnsHelp() string {
	var b strings.Builder
	for _, k := range exportKinds {
		var cols []string
		switch k {
		case "all":
			continue
		case "tiers":
			cols = tierExportNames()
		case "agenda":
			cols = agendaExportNames()
		default:
			cols = transfer.FieldNames(k)
		}
		fmt.Fprintf(&b, "  %-15s %s\n", k, strings.Join(cols, ","))
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// exportFormat is the format rolo export writes: --format (or --json),
// else the one -o FILE's extension names (as rolo import reads the file
// back), else CSV (""). It is checked before anything is opened or
// written: a --format that contradicts the extension, and a format the
// kind has no place in, are refused.
func exportFormat(kind string, o transfer.ExportOptions, asJSON bool, out string) (string, error) {
	format, given := strings.ToLower(strings.TrimSpace(o.Format)), "--format "+o.Format
	if format == "" && asJSON {
		format, given = "json", "--json"
	}
	named := ""
	if stdStream(out) == 0 {
		named = transfer.FormatFor(out)
	}
	switch {
	case format == "":
		format, given = named, fmt.Sprintf("-o %s (%s by its extension)", out, formatTitle(named))
	case named != "" && !transfer.SameFormat(format, named):
		return "", usageErrorf("%s contradicts -o %s, which is %s by its extension: leave out %s to write %s (rolo import reads a file by its extension), or name the file %s",
			given, out, formatTitle(named), given, formatTitle(named), nameFor(out, format))
	}
	switch {
	case kind == "all":
		if format != "" && format != "json" {
			return "", usageErrorf("%s: rolo export all writes the whole notebook as JSON; name the file .json", given)
		}
		if len(o.Fields) > 0 || o.Since != "" {
			return "", usageErrorf("rolo export all writes the whole notebook as JSON: no --format, --fields or --since")
		}
	case transfer.SameFormat(format, "vcard") && kind != "customers":
		return "", usageErrorf("%s: vCard holds customers, not %s; rolo export customers --format vcard, or write %s as CSV, xlsx or JSON", given, kind, kind)
	case format == "ics" && kind != "agenda":
		return "", usageErrorf("%s: iCalendar holds the agenda, not %s; rolo export agenda --format ics, or write %s as CSV, xlsx or JSON", given, kind, kind)
	}
	return format, nil
}

// formatTitle names a format in a sentence.
func formatTitle(format string) string {
	switch {
	case transfer.SameFormat(format, "vcard"):
		return "vCard"
	case format == "ics":
		return "iCalendar"
	case format == "xlsx":
		return "an xlsx workbook"
	}
	return strings.ToUpper(format)
}

// nameFor is the file name out with the extension of format.
func nameFor(out, format string) string {
	return strings.TrimSuffix(out, filepath.Ext(out)) + transfer.FormatExt(format)
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
		Short: "Import one kind of record (all or nothing), or restore a whole notebook",
		Long: `Import ` + suggest.Phrase(transfer.ImportKinds) + `
from CSV, JSON, NDJSON, xlsx or vCard (customers). FILE may be - for standard input.

rolo import all FILE.json restores a file written by rolo export all into an
empty notebook — every row with its id, the notebook currency — in one
transaction. With --new-ids it adds the file to a notebook that holds
customers already, every row with a new id (see rolo copy --new-ids).

The format follows the file name (` + transfer.Extensions(true) + `;
any other name is read as CSV) or --format, as rolo export -o FILE names them.
An xlsx workbook is read from the sheet named after KIND, else its first sheet.

CSV needs a header row; columns are matched by name in English or Chinese
(姓名 name, 电话/手机 phone, 公司 company, 生日 birthday, 金额 amount, 日期 date,
商品 item, 数量 quantity, 备注 notes ...) and --map 'column=field' names the
rest (--map 'column=-' skips one). A byte order mark is fine.

Purchases, contacts, follow-ups, surveys and events name their customer by
customer_id, customer_external_id, customer_phone or an exact customer_name;
payments name their purchase by purchase_id.

The whole file is checked first: any bad row is an error naming the line,
column, value and what was expected, every problem is listed (up to 20), and
nothing is imported. Otherwise everything is written in one transaction.
Customers that look like ones already in the notebook (same external id, phone
or email) are reported as duplicates unless --upsert-by updates them.`,
		Example: `  rolo import customers 客户.csv --dry-run
  rolo import customers phone.vcf
  rolo import purchases orders.csv --map 'Order total=amount,Client=customer_name'
  rolo import customers crm.csv --upsert-by phone`,
		Args: exactArgs(2, "a KIND ("+strings.Join(transfer.ImportKinds, ", ")+", all) and a FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			kind, path := args[0], args[1]
			if err := checkKind("import", kind, append(append([]string{}, transfer.ImportKinds...), "all")); err != nil {
				return err
			}
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
			if o.Format == "" && path != "-" {
				o.Format = transfer.FormatFor(path)
				if o.Format == "ics" {
					return usageErrorf("cannot import %s: rolo writes iCalendar files (rolo export agenda) but does not read them; give --format if the file is something else", path)
				}
			}
			if o.Format == "" {
				o.Format = "csv"
			}
			var r io.Reader = a.In
			o.Name = "standard input"
			var size int64
			if path != "-" {
				f, err := openInput(path)
				if err != nil {
					return err
				}
				defer f.Close()
				r = f
				o.Name = path
				if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
					size = fi.Size()
				}
			}
			ctx, done := a.showProgress(ctx, "importing "+kind)
			defer done()
			m := progress.From(ctx)
			m.Stage("importing "+kind, size, "bytes")
			r = progress.Reader(r, m)
			st, err := a.Store(ctx)
			if err != nil {
				return err
			}
			if kind == "all" && (o.UpsertBy != "" || o.Map != nil || o.AllowDuplicates && !o.NewIDs) {
				return usageErrorf("rolo import all restores a notebook file as it is: no --upsert-by or --map, and --allow-duplicates only with --new-ids")
			}
			if kind != "all" && o.NewIDs {
				return usageErrorf("--new-ids is for rolo import all; an import of %s gives new rows new ids already", kind)
			}
			var rep transfer.Report
			if kind == "all" {
				rep, err = transfer.ImportAll(ctx, st, r, o)
			} else {
				rep, err = transfer.Import(ctx, st, kind, r, o)
			}
			done()
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
			msg := fmt.Sprintf("%s %s", verb, kindCount(rep.Inserted, kind))
			if kind == "all" {
				var parts []string
				for _, k := range transfer.ImportKinds {
					parts = append(parts, kindCount(rep.Counts[k], k))
				}
				msg = verb + " " + strings.Join(parts, ", ")
			}
			if rep.Updated > 0 {
				msg += fmt.Sprintf(" and update %d", rep.Updated)
			}
			fmt.Fprintf(a.Err, "%s from %s.\n", msg, clean(o.Name))
			for _, w := range rep.Warnings {
				fmt.Fprintf(a.Err, "Note: %s.\n", clean(w))
			}
			return nil
		},
	}
	fs := cmd.Flags()
	fs.BoolVar(&o.DryRun, "dry-run", false, "check the file and report, without writing")
	fs.StringVar(&o.UpsertBy, "upsert-by", "", "update customers that match by external_id, phone or email")
	fs.StringVar(&mapping, "map", "", "name columns: 'file column=field,...' ('column=-' skips it)")
	fs.StringVar(&o.Format, "format", "", "csv, json, ndjson, xlsx or vcard (default: from the file name)")
	fs.BoolVar(&o.AllowDuplicates, "allow-duplicates", false, "add customers even when their phone or email is already in the notebook")
	fs.BoolVar(&o.Raw, "raw", false, "the CSV was exported with --raw: take text cells exactly (a leading ' is data)")
	fs.BoolVar(&o.NewIDs, "new-ids", false, "import all: add the notebook file to one that holds customers, every row with a new id")
	return cmd
}

// exportICS writes the calendar a rep's phone shows: the open follow-ups
// and five years of birthdays (insight's Calendar) and every other reason
// on today's agenda (insight's Agenda over the next 7 days, as rolo due
// shows it) as all-day events. Whatever is overdue is placed on today, so
// today's page of the calendar lists what rolo due lists.
func exportICS(ctx context.Context, a *App, svc *insight.Service, w io.Writer, today time.Time) (int, error) {
	cal, err := svc.Calendar(ctx, today)
	if err != nil {
		return 0, err
	}
	ag, err := svc.Agenda(ctx, insight.AgendaQuery{AsOf: today, Days: 7})
	if err != nil {
		return 0, err
	}
	events := make([]transfer.Event, 0, len(cal)+len(ag.Items))
	for _, e := range cal {
		ev := transfer.Event{UID: e.UID, Date: e.Date, Summary: e.Summary, Category: string(e.Kind)}
		if e.Date.Before(today) {
			// Only open follow-ups lie in the past: overdue, so today.
			ev.Date = today
			ev.Note = fmt.Sprintf("due %s, %s overdue", e.Date.Format(store.DateLayout), plural(int(today.Sub(e.Date).Hours()/24), "day"))
		}
		events = append(events, ev)
	}
	uids := make(map[string]bool, len(events))
	for _, e := range events {
		uids[e.UID] = true
	}
	for _, it := range ag.Items {
		// Follow-ups, birthdays and dated events are in the calendar already, with the same dates.
		if it.FollowUpID != 0 || it.Reason == agenda.BirthdayR || it.Reason == agenda.EventR {
			continue
		}
		ev := transfer.Event{Date: it.Due, Category: string(it.Reason), Summary: reasonTitle(it.Reason) + ": " + it.Name}
		if it.Detail != "" {
			ev.Summary += " — " + it.Detail
			if strings.HasPrefix(strings.ToLower(it.Detail), strings.ToLower(reasonTitle(it.Reason))) {
				ev.Summary = it.Name + " — " + it.Detail // the detail names the reason already
			}
		}
		if it.Tier != "" {
			ev.Note = joinLines(ev.Note, "tier: "+string(it.Tier))
		}
		if it.Due.Before(today) {
			ev.Date = today
			ev.Note = joinLines(ev.Note, fmt.Sprintf("due %s, %s overdue", it.Due.Format(store.DateLayout), plural(it.DaysOverdue, "day")))
		}
		// Stable per occurrence: the reason, the customer and the day it fell due.
		ev.UID = fmt.Sprintf("%s-%d-%s@rolo", it.Reason, it.CustomerID, it.Due.Format("20060102"))
		if it.ComplaintID != 0 {
			ev.UID = fmt.Sprintf("complaint-%d@rolo", it.ComplaintID)
		}
		if uids[ev.UID] {
			// Two festivals on one day: the detail tells them apart.
			h := fnv.New32a()
			h.Write([]byte(it.Detail))
			ev.UID = strings.TrimSuffix(ev.UID, "@rolo") + fmt.Sprintf("-%08x@rolo", h.Sum32())
		}
		for base, n := ev.UID, 2; uids[ev.UID]; n++ {
			ev.UID = strings.TrimSuffix(base, "@rolo") + fmt.Sprintf("-%d@rolo", n)
		}
		uids[ev.UID] = true
		events = append(events, ev)
	}
	sort.SliceStable(events, func(i, j int) bool { return events[i].Date.Before(events[j].Date) })
	stamp := a.Now()
	if a.AsOf != "" {
		stamp = today
	}
	return len(events), transfer.WriteICS(w, events, stamp)
}

// checkKind refuses a kind rolo cannot import or export, saying which it
// probably meant.
func checkKind(verb, kind string, kinds []string) error {
	for _, k := range kinds {
		if k == kind {
			return nil
		}
	}
	if near := suggest.Closest(kind, kinds); len(near) > 0 {
		return usageErrorf("cannot %s %q; did you mean %s?", verb, kind, suggest.Phrase(near))
	}
	return usageErrorf("cannot %s %q; use one of %s", verb, kind, strings.Join(kinds, ", "))
}

// openInput opens a file to import, saying in plain words why it cannot.
func openInput(path string) (*os.File, error) {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, usageErrorf("cannot read %s: there is no such file", path)
	case errors.Is(err, fs.ErrPermission):
		return nil, usageErrorf("cannot read %s: permission denied (check the file's and its folder's permissions)", path)
	case err != nil:
		return nil, usageErrorf("cannot read %s: %v", path, err)
	case fi.IsDir():
		return nil, usageErrorf("cannot read %s: it is a folder; give the file to import", path)
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrPermission) {
		return nil, usageErrorf("cannot read %s: permission denied (check the file's permissions)", path)
	} else if err != nil {
		return nil, usageErrorf("cannot read %s: %v", path, err)
	}
	return f, nil
}

// kindCount is n rows of a kind: "1 customer", "3 customers", "1 status".
func kindCount(n int, kind string) string {
	if n != 1 {
		return strconv.Itoa(n) + " " + kind
	}
	if kind == "statuses" {
		return "1 status"
	}
	return "1 " + strings.TrimSuffix(kind, "s")
}

// reasonTitle names an agenda reason in a calendar entry's title.
func reasonTitle(r agenda.Reason) string {
	switch r {
	case agenda.FollowUp:
		return "Follow up"
	case agenda.Complaint:
		return "Complaint"
	case agenda.Cadence:
		return "Keep in touch"
	case agenda.Reorder:
		return "Reorder due"
	case agenda.Slipping:
		return "Slipping away"
	case agenda.WinBack:
		return "Win back"
	case agenda.BirthdayR:
		return "Birthday"
	case agenda.FestivalR:
		return "Festival greeting"
	case agenda.Payment:
		return "Payment due"
	case agenda.SurveyR:
		return "Loyalty survey"
	case agenda.EventR:
		return "Event"
	}
	return string(r)
}

func joinLines(a, b string) string {
	if a == "" {
		return b
	}
	return a + "\n" + b
}
