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
	"github.com/charmbracelet/x/ansi"
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
	bw := bufio.NewWriterSize(w, 1<<16)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	bw.WriteString("[")
	for i, r := range rows {
		buf.Reset()
		if err := enc.Encode(r); err != nil {
			return err
		}
		if i > 0 {
			bw.WriteString(",")
		}
		bw.WriteString("\n")
		bw.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
	}
	if len(rows) > 0 {
		bw.WriteString("\n")
	}
	bw.WriteString("]\n")
	return bw.Flush()
}

// column describes one table column.
type column struct {
	Name  string
	Right bool // numbers are right-aligned
	Min   int  // the narrowest it may be squeezed to on a TTY
	// Wrap: text too wide for the column goes on to more lines (at word
	// boundaries) instead of being cut with "…".
	Wrap bool
	// Below: when the terminal is too narrow for every column, this one
	// goes on lines of its own under its row, wrapped, instead of being
	// squeezed into a narrow column (the agenda's detail at 80 columns).
	Below bool
}

// table prints rows as an aligned, styled table on a terminal and as
// tab-separated values (no header, tabs and newlines escaped) in a pipe.
type table struct {
	a    *App
	cols []column
	rows [][]string
	tsv  *bufio.Writer // in a pipe rows stream out as they are added
	// rowStyle, when set, styles a row on a terminal (by its index).
	rowStyle func(i int) *lipgloss.Style
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
		t.rows = append(t.rows, cells)
		return
	}
	for i, c := range cells {
		if i > 0 {
			t.tsv.WriteByte('\t')
		}
		t.tsv.WriteString(tsvCell(c))
	}
	t.tsv.WriteByte('\n')
}

// tsvCell is a value as a TSV cell: a backslash is doubled and every
// control or format character becomes the visible escape render.Clean
// writes (\t \n \r \e \x07 \x9b \u202e ...), so a value can neither split
// a row nor act on the terminal a pipe ends in (grep, less -R): piped
// text from the notebook could otherwise set the clipboard (OSC 52) or
// rewrite the screen. --json stays exact.
func tsvCell(s string) string {
	return render.Clean(strings.ReplaceAll(s, `\`, `\\`))
}

func (t *table) print() error {
	w := t.a.Out
	if t.tsv != nil {
		return t.tsv.Flush()
	}
	clean := make([][]string, len(t.rows))
	natural := make([]int, len(t.cols))
	for i, c := range t.cols {
		natural[i] = render.Width(c.Name)
	}
	for i, r := range t.rows {
		clean[i] = make([]string, len(r))
		for j, c := range r {
			clean[i][j] = render.Clean(c)
			natural[j] = max(natural[j], render.Width(clean[i][j]))
		}
	}
	// On a terminal too narrow for every column, Below columns leave the
	// row for lines of their own under it.
	var inline, below []int
	total := 2 * (len(t.cols) - 1)
	for _, n := range natural {
		total += n
	}
	for j, c := range t.cols {
		if c.Below && t.a.Width > 0 && total > t.a.Width {
			below = append(below, j)
		} else {
			inline = append(inline, j)
		}
	}
	cols := make([]column, len(inline))
	widths := make([]int, len(inline))
	for k, j := range inline {
		cols[k], widths[k] = t.cols[j], natural[j]
	}
	fitWidths(widths, cols, t.a.Width)
	header := t.a.renderer().NewStyle().Bold(true)
	var b strings.Builder
	line := func(cells []string, style *lipgloss.Style) {
		parts := make([]string, len(cols))
		for k := range cols {
			c := cells[k]
			if cols[k].Right {
				c = render.PadLeft(c, widths[k])
			} else if k < len(cols)-1 {
				c = render.PadRight(c, widths[k])
			} else {
				c = render.Truncate(c, widths[k])
			}
			if style != nil {
				c = style.Render(c)
			}
			parts[k] = c
		}
		b.WriteString(strings.TrimRight(strings.Join(parts, "  "), " "))
		b.WriteByte('\n')
	}
	names := make([]string, len(cols))
	for k, c := range cols {
		names[k] = strings.ToUpper(c.Name)
	}
	line(names, &header)
	// Lines below a row start under its second column.
	indent := 0
	if len(widths) > 1 {
		indent = widths[0] + 2
	}
	for i, r := range clean {
		var style *lipgloss.Style
		if t.rowStyle != nil {
			style = t.rowStyle(i)
		}
		cell := func(j int) string {
			if j < len(r) {
				return r[j]
			}
			return ""
		}
		// Wrapped columns give the row more lines; the other columns
		// stay on its first.
		parts := make([][]string, len(cols))
		n := 1
		for k, j := range inline {
			parts[k] = []string{cell(j)}
			if cols[k].Wrap {
				parts[k] = render.Wrap(cell(j), widths[k])
			}
			n = max(n, len(parts[k]))
		}
		for l := range n {
			cells := make([]string, len(cols))
			for k := range cols {
				if l < len(parts[k]) {
					cells[k] = parts[k][l]
				}
			}
			line(cells, style)
		}
		for _, j := range below {
			if cell(j) == "" {
				continue
			}
			for _, l := range render.Wrap(cell(j), max(20, t.a.Width-indent)) {
				if style != nil {
					l = style.Render(l)
				}
				b.WriteString(strings.Repeat(" ", indent) + l + "\n")
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// wrapLines breaks each line of text wider than width at word boundaries
// (styles kept), the lines it goes on to indented by two cells.
func wrapLines(text string, width int) string {
	if width <= 0 {
		return text
	}
	var b strings.Builder
	for _, l := range strings.SplitAfter(text, "\n") {
		body := strings.TrimSuffix(l, "\n")
		if ansi.StringWidth(body) <= width {
			b.WriteString(l)
			continue
		}
		for i, part := range strings.Split(ansi.Wrap(body, width-2, ""), "\n") {
			if i > 0 {
				b.WriteString("  ")
			}
			b.WriteString(strings.TrimRight(part, " ") + "\n")
		}
	}
	return b.String()
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
