package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"math"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/render"
	"github.com/rolo-crm/rolo/store"
)

// writeJSON is the one way commands print --json.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// writeJSONRows writes a list as a JSON array with one compact object per
// line: still one JSON document, but several times faster than indenting
// 100,000 rows, and easy to read or grep.
func writeJSONRows[T any](w io.Writer, rows []T) error {
	jw := newJSONRows(w)
	for _, r := range rows {
		if err := jw.add(r); err != nil {
			return err
		}
	}
	return jw.close()
}

// jsonRows writes the rows of writeJSONRows one at a time, as they come.
type jsonRows struct {
	bw  *bufio.Writer
	buf bytes.Buffer
	enc *json.Encoder
	n   int
}

func newJSONRows(w io.Writer) *jsonRows {
	j := &jsonRows{bw: bufio.NewWriterSize(w, 1<<16)}
	j.enc = json.NewEncoder(&j.buf)
	j.enc.SetEscapeHTML(false)
	j.bw.WriteString("[")
	return j
}

func (j *jsonRows) add(r any) error {
	j.buf.Reset()
	if err := j.enc.Encode(r); err != nil {
		return err
	}
	if j.n > 0 {
		j.bw.WriteString(",")
	}
	j.n++
	j.bw.WriteString("\n")
	_, err := j.bw.Write(bytes.TrimSuffix(j.buf.Bytes(), []byte("\n")))
	return err
}

func (j *jsonRows) close() error {
	if j.n > 0 {
		j.bw.WriteString("\n")
	}
	j.bw.WriteString("]\n")
	return j.bw.Flush()
}

// column describes one table column.
type column struct {
	Name  string
	Right bool // numbers are right-aligned
	Min   int  // the narrowest it may be squeezed to on a TTY
}

// table prints rows as an aligned, styled table on a terminal and as
// tab-separated values (no header, tabs and newlines escaped) in a pipe.
type table struct {
	a    *App
	cols []column
	rows [][]string
	tsv  *bufio.Writer // in a pipe rows stream out as they are added

	// On a terminal a long table streams too once it has streamAfter rows:
	// the columns take their widths from those (later cells are cut to
	// fit) and every later row is printed as it is added.
	streamAfter int
	widths      []int // set once the table streams
	out         *bufio.Writer
}

func (a *App) newTable(cols ...column) *table {
	t := &table{a: a, cols: cols}
	if !a.IsTTY {
		t.tsv = bufio.NewWriterSize(a.Out, 1<<16)
	}
	return t
}

func (t *table) add(cells ...string) {
	if t.tsv == nil {
		if t.widths != nil {
			clean := make([]string, len(cells))
			for j, c := range cells {
				clean[j] = render.Clean(c)
			}
			t.out.WriteString(t.line(clean, t.widths, nil))
			return
		}
		t.rows = append(t.rows, cells)
		if t.streamAfter > 0 && len(t.rows) == t.streamAfter {
			t.out = bufio.NewWriterSize(t.a.Out, 1<<16)
			t.widths = t.printRows(t.out)
			t.rows = nil
		}
		return
	}
	for i, c := range cells {
		if i > 0 {
			t.tsv.WriteByte('\t')
		}
		tsvEscaper.WriteString(t.tsv, c)
	}
	t.tsv.WriteByte('\n')
}

var tsvEscaper = strings.NewReplacer(`\`, `\\`, "\t", `\t`, "\n", `\n`, "\r", `\r`)

func (t *table) print() error {
	if t.tsv != nil {
		return t.tsv.Flush()
	}
	if t.out != nil {
		return t.out.Flush()
	}
	var b strings.Builder
	t.printRows(&b)
	_, err := io.WriteString(t.a.Out, b.String())
	return err
}

// printRows writes the header and the rows so far, aligned, and returns
// the column widths it chose.
func (t *table) printRows(w io.StringWriter) []int {
	clean := make([][]string, len(t.rows))
	widths := make([]int, len(t.cols))
	for i, c := range t.cols {
		widths[i] = render.Width(c.Name)
	}
	for i, r := range t.rows {
		clean[i] = make([]string, len(r))
		for j, c := range r {
			clean[i][j] = render.Clean(c)
			widths[j] = max(widths[j], render.Width(clean[i][j]))
		}
	}
	fitWidths(widths, t.cols, t.a.Width)
	header := t.a.renderer().NewStyle().Bold(true)
	names := make([]string, len(t.cols))
	for i, c := range t.cols {
		names[i] = strings.ToUpper(c.Name)
	}
	w.WriteString(t.line(names, widths, &header))
	for _, r := range clean {
		w.WriteString(t.line(r, widths, nil))
	}
	return widths
}

// line is one row of cleaned cells, padded or cut to the widths.
func (t *table) line(cells []string, widths []int, style *lipgloss.Style) string {
	parts := make([]string, len(t.cols))
	for j := range t.cols {
		c := ""
		if j < len(cells) {
			c = cells[j]
		}
		switch {
		case t.cols[j].Right:
			c = render.PadLeft(c, widths[j])
		case j < len(t.cols)-1:
			c = render.PadRight(c, widths[j])
		default:
			c = render.Truncate(c, widths[j])
		}
		if style != nil {
			c = style.Render(c)
		}
		parts[j] = c
	}
	return strings.TrimRight(strings.Join(parts, "  "), " ") + "\n"
}

// fitWidths squeezes the widest left-aligned columns until the row fits.
func fitWidths(widths []int, cols []column, total int) {
	if total <= 0 {
		return
	}
	sum := func() int {
		s := 2 * (len(widths) - 1)
		for _, w := range widths {
			s += w
		}
		return s
	}
	for sum() > total {
		best := -1
		for i, c := range cols {
			minW := max(c.Min, 4)
			if c.Right || widths[i] <= minW {
				continue
			}
			if best < 0 || widths[i] > widths[best] {
				best = i
			}
		}
		if best < 0 {
			return
		}
		widths[best]--
	}
}

// money formats an amount for people: thousands separated on a TTY, plain
// decimals in a pipe, in the notebook currency.
func (a *App) money(v money.Amount) string {
	if !a.IsTTY {
		return a.currency().Format(v)
	}
	return a.currency().Grouped(v)
}

// dec is an amount as JSON writes it: a decimal string in the notebook currency.
func (a *App) dec(v money.Amount) money.Decimal { return a.currency().In(v) }

// date formats an ISO date: relative to today on a TTY ("3d ago", "in 2d",
// "today"), as is in a pipe.
func (a *App) date(iso string, today time.Time) string {
	if iso == "" || !a.IsTTY {
		return iso
	}
	t, err := time.Parse(store.DateLayout, iso[:min(len(iso), 10)])
	if err != nil {
		return iso
	}
	return relDay(t, today)
}

func relDay(t, today time.Time) string { return render.RelDay(t, today) }

// dayAndRel is a date with how far it is, when that says more: "2026-12-05
// (in 3d)", "2027-10-01".
func dayAndRel(t, today time.Time) string {
	d, rel := t.Format(store.DateLayout), relDay(t, today)
	if rel == d {
		return d
	}
	return d + " (" + rel + ")"
}

func lipglossColor(hex string) lipgloss.Color { return lipgloss.Color(hex) }

// moneyOf is a sum of amounts computed as a float (tier values) back in
// minor units; such sums are exact far beyond any notebook.
func moneyOf(v float64) money.Amount { return money.Amount(math.Round(v)) }
