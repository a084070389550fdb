package transfer

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/store"
)

// Formats every table export supports.
var Formats = []string{"csv", "json", "ndjson", "xlsx"}

// ExportOptions shape an export.
type ExportOptions struct {
	Format string   // csv (default), json, ndjson or xlsx
	BOM    bool     // start CSV with a UTF-8 byte order mark (for Excel)
	Raw    bool     // do not neutralise spreadsheet formulas
	Since  string   // only rows on or after this date
	Fields []string // only these columns, in this order
	// Currency writes Money columns (given in minor units); Export sets it
	// from the notebook.
	Currency money.Currency
	Sheet    string           // xlsx: the sheet's name (Export uses the kind)
	Warn     func(msg string) // told what a format could not hold (xlsx: control characters); may be nil
}

// Column describes one output column for TableWriter.
type Column struct {
	Name string
	Kind ColumnKind
}

// ColumnKind says how a value is written: text is neutralised in safe CSV
// and quoted in JSON; numbers and booleans are written as they are; money,
// given in minor units, is written as a decimal string in the currency.
type ColumnKind int

// Column kinds.
const (
	Text   ColumnKind = ColumnKind(kText)
	Int    ColumnKind = ColumnKind(kInt)
	Money  ColumnKind = ColumnKind(kMoney)
	Number ColumnKind = ColumnKind(kFloat)
	Bool   ColumnKind = ColumnKind(kBool)
	Date   ColumnKind = ColumnKind(kDate)
)

// TableWriter streams rows as CSV, a JSON array or NDJSON.
type TableWriter struct {
	cols   []Column
	cur    money.Currency
	buf    []string
	format string
	csv    *csvWriter
	text   []bool
	bw     *bufio.Writer
	xl     *xlsxTable
	n      int
}

// NewTableWriter starts a table; CSV gets its header row at once.
func NewTableWriter(w io.Writer, cols []Column, o ExportOptions) (*TableWriter, error) {
	t := &TableWriter{cols: cols, format: o.Format, cur: o.Currency, buf: make([]string, len(cols))}
	if t.cur.Code == "" {
		t.cur = money.CNY
	}
	if t.format == "" {
		t.format = "csv"
	}
	switch t.format {
	case "csv":
		if o.BOM {
			if _, err := io.WriteString(w, "\ufeff"); err != nil {
				return nil, err
			}
		}
		t.csv = newCSVWriter(w, o.Raw)
		t.text = make([]bool, len(cols))
		names := make([]string, len(cols))
		for i, c := range cols {
			t.text[i] = c.Kind == Text
			names[i] = c.Name
		}
		if err := t.csv.Write(names, make([]bool, len(cols))); err != nil {
			return nil, err
		}
	case "xlsx":
		var err error
		if t.xl, err = newXLSXTable(w, cols, t.cur, o.Sheet); err != nil {
			return nil, err
		}
	case "json", "ndjson":
		t.bw = bufio.NewWriterSize(w, 64*1024)
		if t.format == "json" {
			t.bw.WriteString("[")
		}
	default:
		return nil, store.Errorf(store.KindInvalid, "unknown format %q; use %s", o.Format, strings.Join(Formats, ", "))
	}
	return t, nil
}

// Write adds one row; values are in the columns' order.
func (t *TableWriter) Write(values []string) error {
	t.n++
	for i, c := range t.cols {
		if c.Kind == Money && values[i] != "" {
			n, err := strconv.ParseInt(values[i], 10, 64)
			if err != nil {
				return fmt.Errorf("column %s: %q is not an amount in minor units", c.Name, values[i])
			}
			t.buf[i] = t.cur.Format(money.Amount(n))
		} else {
			t.buf[i] = values[i]
		}
	}
	values = t.buf
	if t.csv != nil {
		return t.csv.Write(values, t.text)
	}
	if t.xl != nil {
		return t.xl.write(values)
	}
	if t.format == "json" {
		if t.n > 1 {
			t.bw.WriteString(",")
		}
		t.bw.WriteString("\n  ")
	}
	t.bw.WriteByte('{')
	for i, c := range t.cols {
		if i > 0 {
			t.bw.WriteByte(',')
		}
		writeJSONString(t.bw, c.Name)
		t.bw.WriteByte(':')
		v := values[i]
		switch {
		case (c.Kind == Int || c.Kind == Number) && v != "":
			t.bw.WriteString(v)
		case c.Kind == Bool && (v == "true" || v == "false"):
			t.bw.WriteString(v)
		case v == "" && c.Kind != Text:
			t.bw.WriteString("null")
		default:
			writeJSONString(t.bw, v)
		}
	}
	t.bw.WriteByte('}')
	if t.format == "ndjson" {
		t.bw.WriteByte('\n')
	}
	return nil
}

// Close finishes the table and flushes it.
func (t *TableWriter) Close() error {
	if t.csv != nil {
		return t.csv.Flush()
	}
	if t.xl != nil {
		return t.xl.close()
	}
	if t.format == "json" {
		if t.n > 0 {
			t.bw.WriteString("\n")
		}
		t.bw.WriteString("]\n")
	}
	return t.bw.Flush()
}

// Rows is how many rows were written.
func (t *TableWriter) Rows() int { return t.n }

func writeJSONString(w *bufio.Writer, s string) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	w.WriteString(strings.TrimSuffix(b.String(), "\n"))
}

// pick selects columns by name; nil names keep them all.
func pick[T any](all []col[T], names []string) ([]col[T], error) {
	exportable := make([]col[T], 0, len(all))
	for _, c := range all {
		if c.get != nil {
			exportable = append(exportable, c)
		}
	}
	all = exportable
	if len(names) == 0 {
		return all, nil
	}
	var out []col[T]
	for _, n := range names {
		found := false
		for _, c := range all {
			if c.name == strings.TrimSpace(n) {
				out = append(out, c)
				found = true
				break
			}
		}
		if !found {
			valid := make([]string, len(all))
			for i, c := range all {
				valid[i] = c.name
			}
			return nil, store.Errorf(store.KindInvalid, "unknown field %q; valid fields: %s", n, strings.Join(valid, ","))
		}
	}
	return out, nil
}

func columnsOf[T any](cs []col[T]) []Column {
	out := make([]Column, len(cs))
	for i, c := range cs {
		out[i] = Column{c.name, ColumnKind(c.kind)}
	}
	return out
}

// FieldNames lists the columns of an entity kind, for help and errors.
func FieldNames(kind string) []string {
	if k := findKind(kind); k != nil {
		return k.fields
	}
	return nil
}

// ExportKinds are the entities Export writes.
var ExportKinds = kindNames(false)

// Export streams one kind of entity to w and returns how many rows it wrote.
func Export(ctx context.Context, st *store.Store, kind string, w io.Writer, o ExportOptions) (int, error) {
	o.Currency = st.Currency()
	if o.Sheet == "" {
		o.Sheet = kind
	}
	if o.Since != "" {
		if _, err := store.ParseDate(o.Since); err != nil {
			return 0, fmt.Errorf("--since: %w", err)
		}
	}
	k := findKind(kind)
	if k == nil {
		return 0, store.Errorf(store.KindInvalid, "cannot export %q; use %s", kind, strings.Join(ExportKinds, ", "))
	}
	return k.export(ctx, st, w, o)
}

func exportRows[T any](w io.Writer, all []col[T], o ExportOptions, each func(emit func(*T) error) error) (int, error) {
	cols, err := pick(all, o.Fields)
	if err != nil {
		return 0, err
	}
	tw, err := NewTableWriter(w, columnsOf(cols), o)
	if err != nil {
		return 0, err
	}
	vals := make([]string, len(cols))
	err = each(func(r *T) error {
		for i, c := range cols {
			vals[i] = c.get(r)
		}
		return tw.Write(vals)
	})
	if err != nil {
		return tw.Rows(), err
	}
	return tw.Rows(), tw.Close()
}
