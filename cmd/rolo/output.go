package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

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

// jsonAppender is a row that writes itself as encoding/json would, with
// no reflection (pyramid --json writes 100,000 of them on a large
// notebook); ok false leaves it to encoding/json (a value it refuses).
type jsonAppender interface {
	appendJSON(b []byte) (out []byte, ok bool)
}

func (j *jsonRows) add(r any) error {
	j.buf.Reset()
	if a, is := r.(jsonAppender); is {
		if b, ok := a.appendJSON(j.buf.AvailableBuffer()); ok {
			j.buf.Write(b)
		} else if err := j.enc.Encode(r); err != nil {
			return err
		}
	} else if err := j.enc.Encode(r); err != nil {
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

// appendJSONString writes s as a JSON string as encoding/json does with
// SetEscapeHTML(false): quotes, backslashes and control characters
// escaped, U+2028 and U+2029 too, invalid UTF-8 as U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendJSONFloat writes f as encoding/json does; ok false for NaN and
// the infinities, which it refuses.
func appendJSONFloat(b []byte, f float64) ([]byte, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return b, false
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// e-09 to e-9, as encoding/json writes it.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, true
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
	// Wrap: text too wide for the column goes on to more lines (at word
	// boundaries) instead of being cut with "…".
	Wrap bool
	// Whole: never cut or squeezed (an id, a phone number, a date): the
	// other columns give way, wrapping or cut.
	Whole bool
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

	// On a terminal a long table streams too once it has streamAfter rows:
	// the columns take their widths from those (later cells are cut to
	// fit) and every later row is printed as it is added.
	streamAfter int
	layout      *tableLayout // set once the table streams
	n           int          // rows written once streaming
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
		if t.layout != nil {
			t.layout.row(t.out, t.cleanRow(cells), t.n)
			t.n++
			return
		}
		t.rows = append(t.rows, cells)
		if t.streamAfter > 0 && len(t.rows) == t.streamAfter {
			t.out = bufio.NewWriterSize(t.a.Out, 1<<16)
			t.layout = t.printRows(t.out)
			t.n = len(t.rows)
			t.rows = nil
		}
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

func (t *table) cleanRow(cells []string) []string {
	clean := make([]string, len(cells))
	for j, c := range cells {
		clean[j] = render.Clean(c)
	}
	return clean
}

// tableLayout is how a terminal table's rows are laid out: which columns
// stay in the row, which go below it, and the widths.
type tableLayout struct {
	t             *table
	inline, below []int
	cols          []column
	widths        []int
	indent        int // where lines below a row start
}

// printRows writes the header and the rows so far, aligned, and returns
// the layout it chose.
func (t *table) printRows(w io.StringWriter) *tableLayout {
	clean := make([][]string, len(t.rows))
	natural := make([]int, len(t.cols))
	for i, c := range t.cols {
		natural[i] = render.Width(c.Name)
	}
	for i, r := range t.rows {
		clean[i] = t.cleanRow(r)
		for j, c := range clean[i] {
			natural[j] = max(natural[j], render.Width(c))
		}
	}
	// On a terminal too narrow for every column, Below columns leave the
	// row for lines of their own under it.
	l := &tableLayout{t: t}
	total := 2 * (len(t.cols) - 1)
	for _, n := range natural {
		total += n
	}
	for j, c := range t.cols {
		if c.Below && t.a.Width > 0 && total > t.a.Width {
			l.below = append(l.below, j)
		} else {
			l.inline = append(l.inline, j)
		}
	}
	l.cols = make([]column, len(l.inline))
	l.widths = make([]int, len(l.inline))
	for k, j := range l.inline {
		l.cols[k], l.widths[k] = t.cols[j], natural[j]
	}
	fitWidths(l.widths, l.cols, t.a.Width)
	// Lines below a row start under its second column.
	if len(l.widths) > 1 {
		l.indent = l.widths[0] + 2
	}
	header := t.a.renderer().NewStyle().Bold(true)
	names := make([]string, len(l.cols))
	for k, c := range l.cols {
		names[k] = strings.ToUpper(c.Name)
	}
	w.WriteString(l.line(names, &header))
	for i, r := range clean {
		l.row(w, r, i)
	}
	return l
}

// row writes the i-th row of cleaned cells: wrapped columns give it more
// lines (the other columns stay on its first), and Below columns lines of
// their own under it.
func (l *tableLayout) row(w io.StringWriter, r []string, i int) {
	var style *lipgloss.Style
	if l.t.rowStyle != nil {
		style = l.t.rowStyle(i)
	}
	cell := func(j int) string {
		if j < len(r) {
			return r[j]
		}
		return ""
	}
	parts := make([][]string, len(l.cols))
	n := 1
	for k, j := range l.inline {
		parts[k] = []string{cell(j)}
		if l.cols[k].Wrap {
			parts[k] = render.Wrap(cell(j), l.widths[k])
		}
		n = max(n, len(parts[k]))
	}
	for ln := range n {
		cells := make([]string, len(l.cols))
		for k := range l.cols {
			if ln < len(parts[k]) {
				cells[k] = parts[k][ln]
			}
		}
		w.WriteString(l.line(cells, style))
	}
	for _, j := range l.below {
		if cell(j) == "" {
			continue
		}
		for _, s := range render.Wrap(cell(j), max(20, l.t.a.Width-l.indent)) {
			if style != nil {
				s = style.Render(s)
			}
			w.WriteString(strings.Repeat(" ", l.indent) + s + "\n")
		}
	}
}

// line is one line of cells, padded or cut to the widths.
func (l *tableLayout) line(cells []string, style *lipgloss.Style) string {
	parts := make([]string, len(l.cols))
	for k := range l.cols {
		c := cells[k]
		switch {
		case l.cols[k].Right:
			c = render.PadLeft(c, l.widths[k])
		case k < len(l.cols)-1:
			c = render.PadRight(c, l.widths[k])
		default:
			c = render.Truncate(c, l.widths[k])
		}
		if style != nil {
			c = style.Render(c)
		}
		parts[k] = c
	}
	return strings.TrimRight(strings.Join(parts, "  "), " ") + "\n"
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
			if c.Right || c.Whole || widths[i] <= minW {
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

// date formats an ISO date, or the day of a stamp (the rep's, see
// store.StampDay): relative to today on a TTY ("3d ago", "in 2d",
// "today"), as is in a pipe.
func (a *App) date(iso string, today time.Time) string {
	if iso == "" || !a.IsTTY {
		return iso
	}
	t, err := time.Parse(store.DateLayout, iso)
	if len(iso) > len(store.DateLayout) {
		t = store.StampDay(iso)
	}
	if err != nil && t.IsZero() {
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
