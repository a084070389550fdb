package transfer

import (
	"archive/zip"
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/rolo-crm/rolo/money"
)

// xlsx workbooks for Excel, WPS and LibreOffice: cells are typed — text
// stays text (000123 and 07551234567 keep their zeros), numbers and
// amounts are numbers, dates and times are dates — and are written as
// values, never formulas, so nothing needs the CSV apostrophe.
//
// XML 1.0 cannot hold the control characters U+0000–U+001F other than
// tab, line feed and carriage return, nor U+FFFE and U+FFFF. Office Open
// XML escapes them as _xHHHH_ (ECMA-376 Part 1, ST_Xstring), as Excel
// does: the file holds _x001B_ where the text has an ESC, Excel and other
// readers give the ESC back, and so does rolo's import — an xlsx export
// re-imports byte for byte. A literal "_x0041_" in a text is kept apart
// the same standard way, as _x005F_x0041_. A carriage return is written
// as &#13; so XML does not turn it into a line feed. A cell holds at most
// 32,767 UTF-16 units: a longer text is an error rather than cut.
//
// The workbook is written and read here with archive/zip and encoding/xml
// (excelize, which the tests use as an independent reader and writer,
// would link net/http into rolo).

// maxCellUnits is Excel's limit on the length of a cell's text.
const maxCellUnits = 32767

// xlsxControl is a character an xlsx cell cannot hold as it is.
func xlsxControl(r rune) bool {
	return (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0xFFFE || r == 0xFFFF
}

// escapeAt reports whether s starts with an escape _xHHHH_, and which
// character it stands for.
func escapeAt(s string) (rune, bool) {
	if len(s) < 7 || s[0] != '_' || s[1] != 'x' || s[6] != '_' {
		return 0, false
	}
	for i := 2; i < 6; i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return 0, false
		}
	}
	n, _ := strconv.ParseUint(s[2:6], 16, 32)
	return rune(n), true
}

// literalEscape reports whether the underscore at the start of s must be
// written as _x005F_: it starts "_xHHHH_", or "_xHHHH" before a control
// character, whose escape would supply the closing underscore.
func literalEscape(s string) bool {
	if _, ok := escapeAt(s); ok {
		return true
	}
	if len(s) < 7 {
		return false
	}
	if _, ok := escapeAt(s[:6] + "_"); !ok {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[6:])
	return xlsxControl(r)
}

// xlsxEscape writes what a cell cannot hold as _xHHHH_ (see above).
func xlsxEscape(s string) string {
	need := false
	for i, r := range s {
		if xlsxControl(r) || (r == '_' && literalEscape(s[i:])) {
			need = true
			break
		}
	}
	if !need {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == '_' && literalEscape(s[i:]):
			b.WriteString("_x005F_") // a literal escape: its underscore escaped
		case xlsxControl(r):
			fmt.Fprintf(&b, "_x%04X_", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// xlsxUnescape undoes xlsxEscape.
func xlsxUnescape(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if r, ok := escapeAt(s[i:]); ok {
			b.WriteRune(r)
			i += 7
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// Styles of the cells (indexes into cellXfs of styles.xml).
const (
	styleGeneral = iota
	styleDate
	styleStamp
	styleMoney
	styleText
	styleHeader
	styleInt
)

// xlsxTable streams rows into the one sheet of a new workbook: the
// package parts first, then the sheet's rows as they come.
type xlsxTable struct {
	zw   *zip.Writer
	w    *bufio.Writer // the sheet part
	cols []Column
	row  int
	ref  []string // column letters
}

func newXLSXTable(w io.Writer, cols []Column, cur money.Currency, sheet string) (*xlsxTable, error) {
	if sheet == "" {
		sheet = "rolo"
	}
	x := &xlsxTable{zw: zip.NewWriter(w), cols: cols, ref: make([]string, len(cols))}
	for i := range cols {
		x.ref[i] = columnName(i + 1)
	}
	moneyFmt := "0"
	if cur.Decimals > 0 {
		moneyFmt = "0." + strings.Repeat("0", cur.Decimals)
	}
	var name strings.Builder
	xml.EscapeText(&name, []byte(sheet))
	parts := []struct{ path, body string }{
		{"[Content_Types].xml", `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
			`<Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
			`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
			`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
			`</Types>`},
		{"_rels/.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>` +
			`</Relationships>`},
		{"xl/workbook.xml", `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ` +
			`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
			`<sheets><sheet name="` + name.String() + `" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
			`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
			`</Relationships>`},
		{"xl/styles.xml", `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
			`<numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>` +
			`<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/><numFmt numFmtId="166" formatCode="` + moneyFmt + `"/></numFmts>` +
			`<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>` +
			`<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
			`<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
			`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
			`<cellXfs count="7"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
			`<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
			`<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
			`<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
			`<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
			`<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>` +
			`<xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>` +
			`<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`},
	}
	for _, p := range parts {
		f, err := x.zw.Create(p.path)
		if err != nil {
			return nil, err
		}
		if _, err := io.WriteString(f, xml.Header+p.body); err != nil {
			return nil, err
		}
	}
	f, err := x.zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		return nil, err
	}
	x.w = bufio.NewWriterSize(f, 64*1024)
	x.w.WriteString(xml.Header + `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ` +
		`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
		`<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>` +
		`</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>`)
	for i, c := range cols {
		width := 16
		switch c.Kind {
		case Date:
			width = 20
		case Int, Bool, Number, Money:
			width = 12
		}
		fmt.Fprintf(x.w, `<col min="%d" max="%d" width="%d" customWidth="1"/>`, i+1, i+1, width)
	}
	x.w.WriteString(`</cols><sheetData>`)
	x.row = 1
	x.w.WriteString(`<row r="1">`)
	for i, c := range cols {
		x.inline(x.ref[i], styleHeader, c.Name)
	}
	x.w.WriteString(`</row>`)
	return x, nil
}

// inline writes a text cell.
func (x *xlsxTable) inline(col string, style int, s string) {
	fmt.Fprintf(x.w, `<c r="%s%d" s="%d" t="inlineStr"><is><t xml:space="preserve">`, col, x.row, style)
	writeXMLText(x.w, xlsxEscape(s))
	x.w.WriteString(`</t></is></c>`)
}

// number writes a number cell.
func (x *xlsxTable) number(col string, style int, v string) {
	fmt.Fprintf(x.w, `<c r="%s%d" s="%d"><v>%s</v></c>`, col, x.row, style, v)
}

// writeXMLText escapes text for an element: & < > and a carriage return,
// which XML would otherwise turn into a line feed.
func writeXMLText(w *bufio.Writer, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '\r':
			esc = "&#13;"
		default:
			continue
		}
		w.WriteString(s[last:i])
		w.WriteString(esc)
		last = i + 1
	}
	w.WriteString(s[last:])
}

// excelEpoch is the first day a date cell can show without Excel's
// 1900 leap-year bug getting in the way; earlier dates are written as text.
var excelEpoch = time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC)

// excelBase is day 0 of Excel's serial dates (for dates from 1900-03-01).
var excelBase = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// serial is t as an Excel date serial number: days since excelBase, the
// time of day as a fraction.
func serial(t time.Time) string {
	d := t.Sub(excelBase)
	days := int64(d / (24 * time.Hour))
	secs := int64((d % (24 * time.Hour)) / time.Second)
	if secs == 0 {
		return strconv.FormatInt(days, 10)
	}
	return strconv.FormatFloat(float64(days)+float64(secs)/86400, 'f', -1, 64)
}

// write adds one row of values as TableWriter formats them (money as
// decimal text in the currency).
func (x *xlsxTable) write(values []string) error {
	x.row++
	fmt.Fprintf(x.w, `<row r="%d">`, x.row)
	for i, c := range x.cols {
		v, col := values[i], x.ref[i]
		if v == "" {
			continue
		}
		switch c.Kind {
		case Int:
			if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > -1<<53 && n < 1<<53 {
				x.number(col, styleInt, strconv.FormatInt(n, 10))
				continue
			}
		case Money, Number:
			if f, err := strconv.ParseFloat(v, 64); err == nil && exactFloat(v, f) {
				style := styleGeneral
				if c.Kind == Money {
					style = styleMoney
				}
				x.number(col, style, strconv.FormatFloat(f, 'f', -1, 64))
				continue
			}
		case Bool:
			if v == "true" || v == "false" {
				b := "0"
				if v == "true" {
					b = "1"
				}
				fmt.Fprintf(x.w, `<c r="%s%d" t="b"><v>%s</v></c>`, col, x.row, b)
				continue
			}
		case Date:
			if t, err := time.Parse("2006-01-02", v); err == nil && !t.Before(excelEpoch) {
				x.number(col, styleDate, serial(t))
				continue
			}
			// Whole seconds in UTC only: other times would not come back as written.
			if t, err := time.Parse(time.RFC3339, v); err == nil && len(v) == 20 && v[19] == 'Z' && !t.Before(excelEpoch) {
				x.number(col, styleStamp, serial(t))
				continue
			}
		}
		// Text, and anything a typed cell would not give back exactly.
		if n := len(utf16.Encode([]rune(v))); n > maxCellUnits {
			return fmt.Errorf("row %d, column %s: %d characters, more than the %d an xlsx cell holds; export CSV or JSON instead",
				x.row, c.Name, n, maxCellUnits)
		}
		x.inline(col, styleText, v)
	}
	_, err := x.w.WriteString(`</row>`)
	return err
}

// close ends the sheet and the workbook.
func (x *xlsxTable) close() error {
	x.w.WriteString(`</sheetData></worksheet>`)
	if err := x.w.Flush(); err != nil {
		return err
	}
	return x.zw.Close()
}

// columnName is A for 1, Z for 26, AA for 27.
func columnName(n int) string {
	var b []byte
	for ; n > 0; n = (n - 1) / 26 {
		b = append([]byte{byte('A' + (n-1)%26)}, b...)
	}
	return string(b)
}

// fromSerial turns a date cell's serial number (46327.395833333336) into
// RFC 3339 UTC to the second; other text is returned as it is. Numbers
// from 61 (1900-03-01) to 2958465 (9999-12-31) are serials; 20260301 is a
// date typed as text.
func fromSerial(v string) string {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 61 || f > 2958465 {
		return v
	}
	days := math.Floor(f)
	secs := math.Round((f - days) * 86400)
	t := excelBase.AddDate(0, 0, int(days)).Add(time.Duration(secs) * time.Second)
	return t.Format(time.RFC3339)
}

// plainNumber writes a number cell's 1.5E-2 as 0.015.
func plainNumber(v string) string {
	if !strings.ContainsAny(v, "eE") {
		return v
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return v
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// exactFloat reports whether the number cell f shows the decimal text v
// exactly (no digits lost to float64).
func exactFloat(v string, f float64) bool {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return false
	}
	if strings.Contains(v, ".") {
		v = strings.TrimRight(strings.TrimRight(v, "0"), ".")
	}
	if v == "-0" {
		v = "0"
	}
	return strconv.FormatFloat(f, 'f', -1, 64) == v
}
