package transfer

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/store"
	"github.com/xuri/excelize/v2"
)

func TestXLSXEscape(t *testing.T) {
	for _, tt := range []struct{ in, cell string }{
		{"plain 王小明", "plain 王小明"},
		{"\x1b[31mred", "_x001B_[31mred"},
		{"a\x00b", "a_x0000_b"},
		{"tab\tLF\nCR\r", "tab\tLF\nCR\r"},     // XML holds these
		{"\x7f\u0085", "\x7f\u0085"},           // and these
		{"\ufffe", "_xFFFE_"},                  // not these
		{"_x0041_", "_x005F_x0041_"},           // a literal escape is kept apart
		{"_x001b_", "_x005F_x001b_"},           // in either case
		{"_x005F_", "_x005F_x005F_"},           // the escaped underscore too
		{"_X0041_ _x00G1_", "_X0041_ _x00G1_"}, // not escapes
		{"__x0000_\x00", "__x005F_x0000__x0000_"},
		{"_x0000\x180", "_x005F_x0000_x0018_0"}, // the control's escape would close the literal one (a fuzz finding)
	} {
		if got := xlsxEscape(tt.in); got != tt.cell {
			t.Errorf("xlsxEscape(%q) = %q, want %q", tt.in, got, tt.cell)
		}
		if back := xlsxUnescape(tt.cell); back != tt.in {
			t.Errorf("xlsxUnescape(%q) = %q, want %q", tt.cell, back, tt.in)
		}
	}
}

// The cells are typed: text stays text (zeros kept), amounts and
// quantities are numbers, dates and times are date cells, booleans are
// booleans, and no cell is a formula.
func TestXLSXCells(t *testing.T) {
	st := newStore(t)
	c, err := st.AddCustomer(ctx, store.Customer{Name: "王小明", ExternalID: "000123", Phone: "07551234567", Notes: "=1+1",
		Birthday: "1980-08-15", Company: "-Acme", Tags: []string{"vip"}})
	if err != nil {
		t.Fatal(err)
	}
	cost := money.Amount(80000)
	st.AddPurchase(ctx, store.Purchase{CustomerID: c.ID, Date: "2026-11-02", Item: "@普洱", Quantity: 2.5, Amount: 128050, Cost: &cost})
	st.AddPurchase(ctx, store.Purchase{CustomerID: c.ID, Date: "2026-11-01", Item: "样品", Quantity: 1, Amount: 1})
	read := func(kind string) *excelize.File {
		var buf bytes.Buffer
		if _, err := Export(ctx, st, kind, &buf, ExportOptions{Format: "xlsx"}); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.GetSheetList(); len(got) != 1 || got[0] != kind {
			t.Errorf("sheets %v, want [%s]", got, kind)
		}
		return f
	}
	cust, purch := read("customers"), read("purchases")
	for _, tt := range []struct {
		f          *excelize.File
		sheet      string
		cell, want string // the value as the cell shows it
		typ        excelize.CellType
	}{
		{cust, "customers", "A1", "id", excelize.CellTypeInlineString},
		{cust, "customers", "B2", "000123", excelize.CellTypeInlineString},
		{cust, "customers", "C2", "王小明", excelize.CellTypeInlineString},
		{cust, "customers", "D2", "-Acme", excelize.CellTypeInlineString},
		{cust, "customers", "F2", "07551234567", excelize.CellTypeInlineString},
		{cust, "customers", "K2", "1980-08-15", excelize.CellTypeUnset}, // a number with a date format
		{cust, "customers", "L2", "FALSE", excelize.CellTypeBool},
		{cust, "customers", "W2", "=1+1", excelize.CellTypeInlineString},
		{cust, "customers", "AA2", "2026-11-22 09:00:00", excelize.CellTypeUnset},
		{purch, "purchases", "A2", "1", excelize.CellTypeUnset},
		{purch, "purchases", "F2", "@普洱", excelize.CellTypeInlineString},
		{purch, "purchases", "G2", "2.5", excelize.CellTypeUnset},
		{purch, "purchases", "H2", "1280.50", excelize.CellTypeUnset},
		{purch, "purchases", "I2", "800.00", excelize.CellTypeUnset},
		{purch, "purchases", "H3", "0.01", excelize.CellTypeUnset},
		{purch, "purchases", "E3", "2026-11-01", excelize.CellTypeUnset},
	} {
		got, err := tt.f.GetCellValue(tt.sheet, tt.cell)
		typ, _ := tt.f.GetCellType(tt.sheet, tt.cell)
		if err != nil || got != tt.want || typ != tt.typ {
			t.Errorf("%s!%s = %q (type %v), want %q (type %v)", tt.sheet, tt.cell, got, typ, tt.want, tt.typ)
		}
		if fm, _ := tt.f.GetCellFormula(tt.sheet, tt.cell); fm != "" {
			t.Errorf("%s!%s is a formula: %s", tt.sheet, tt.cell, fm)
		}
	}
	if raw, _ := purch.GetCellValue("purchases", "H3", excelize.Options{RawCellValue: true}); raw != "0.01" {
		t.Errorf("0.01 is stored as %q", raw)
	}
}

// A text longer than a cell holds is an error, not a cut.
func TestXLSXLongText(t *testing.T) {
	st := newStore(t)
	st.AddCustomer(ctx, store.Customer{Name: "x", Notes: strings.Repeat("长", maxCellUnits+1)})
	_, err := Export(ctx, st, "customers", &bytes.Buffer{}, ExportOptions{Format: "xlsx"})
	if err == nil || !strings.Contains(err.Error(), "row 2, column notes: 32768 characters, more than the 32767 an xlsx cell holds") {
		t.Errorf("err = %v", err)
	}
	st2 := newStore(t)
	st2.AddCustomer(ctx, store.Customer{Name: "x", Notes: strings.Repeat("长", maxCellUnits)})
	if _, err := Export(ctx, st2, "customers", &bytes.Buffer{}, ExportOptions{Format: "xlsx"}); err != nil {
		t.Errorf("a full cell: %v", err)
	}
}

// A workbook a person filled in: Chinese headers, the phone typed as a
// number, a date cell, a date-time cell, a birthday as text, an amount with
// float noise, a blank row, and a second sheet before the one named after
// the kind.
func TestXLSXImportHandMade(t *testing.T) {
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", "说明")
	f.SetCellValue("说明", "A1", "read me")
	f.NewSheet("Customers")
	rows := [][]any{
		{"姓名", "手机", "生日", "创建时间", "备注"},
		{"王小明", 13800138000, time.Date(1980, 8, 15, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 1, 17, 0, 0, 0, time.UTC), "_x001B_ kept"},
		{},
		{"欧阳娜娜", "07551234567", "--08-15", "2026/11/02 08:30", nil},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		f.SetSheetRow("Customers", cell, &r)
	}
	dateStyle, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	f.SetCellStyle("Customers", "C2", "D2", dateStyle)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	st := newStore(t)
	rep, err := Import(ctx, st, "customers", &buf, ImportOptions{Format: "xlsx", Name: "客户.xlsx"})
	if err != nil || rep.Inserted != 2 {
		t.Fatalf("import: %+v %v", rep, err)
	}
	a, _ := st.ResolveCustomer(ctx, "王小明")
	b, _ := st.ResolveCustomer(ctx, "欧阳娜娜")
	if a.Phone != "13800138000" || a.Birthday != "1980-08-15" || a.CreatedAt != "2026-11-01T17:00:00Z" || a.Notes != "\x1b kept" ||
		b.Phone != "07551234567" || b.Birthday != "--08-15" || b.CreatedAt != "2026-11-02T08:30:00Z" {
		t.Errorf("imported %+v\n%+v", a, b)
	}
	// A problem names the row of the sheet.
	g := excelize.NewFile()
	g.SetSheetRow("Sheet1", "A1", &[]any{"name", "birthday"})
	g.SetSheetRow("Sheet1", "A3", &[]any{"x", "1980-02-30"})
	buf.Reset()
	g.Write(&buf)
	_, err = Import(ctx, st, "customers", &buf, ImportOptions{Format: "xlsx", Name: "b.xlsx"})
	var ie *ImportError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "row 3, column 2 (birthday)") {
		t.Errorf("bad row: %v", err)
	}
	_, err = Import(ctx, st, "customers", strings.NewReader("not a zip"), ImportOptions{Format: "xlsx", Name: "c.xlsx"})
	if err == nil || !strings.Contains(err.Error(), "c.xlsx: not an xlsx workbook") {
		t.Errorf("not a workbook: %v", err)
	}
}

// Gnumeric, a spreadsheet program of its own, opens rolo's workbook as
// rolo wrote it: zeros kept, formula-looking text inert, Chinese intact,
// amounts and dates as values. Skipped where ssconvert (Debian package
// gnumeric) is not installed.
func TestXLSXInGnumeric(t *testing.T) {
	ssconvert, err := exec.LookPath("ssconvert")
	if err != nil {
		t.Skip("ssconvert not found: install Debian's gnumeric to open the workbook in a spreadsheet program")
	}
	st := newStore(t)
	c, _ := st.AddCustomer(ctx, store.Customer{Name: "王小明", ExternalID: "000123", Phone: "07551234567", Notes: "=1+1"})
	st.AddPurchase(ctx, store.Purchase{CustomerID: c.ID, Date: "2026-11-01", Item: "=SUM(1,2)", Quantity: 1, Amount: 1})
	dir := t.TempDir()
	for _, kind := range []string{"customers", "purchases"} {
		var buf bytes.Buffer
		if _, err := Export(ctx, st, kind, &buf, ExportOptions{Format: "xlsx", Fields: fieldsFor(kind)}); err != nil {
			t.Fatal(err)
		}
		in, out := filepath.Join(dir, kind+".xlsx"), filepath.Join(dir, kind+".csv")
		os.WriteFile(in, buf.Bytes(), 0o600)
		if b, err := exec.Command(ssconvert, in, out).CombinedOutput(); err != nil {
			t.Fatalf("ssconvert: %v\n%s", err, b)
		}
		got, _ := os.ReadFile(out)
		want := map[string]string{
			"customers": "external_id,name,phone,notes\n000123,王小明,07551234567,=1+1\n",
			// A date cell and a number: Gnumeric writes them its own way (0.01 as a double).
			"purchases": "date,item,amount\n2026/11/01,\"=SUM(1,2)\",0.0099999999999999999998\n",
		}[kind]
		if string(got) != want {
			t.Errorf("Gnumeric reads %s as\n%q\nwant\n%q", kind, got, want)
		}
	}
}

func fieldsFor(kind string) []string {
	if kind == "customers" {
		return []string{"external_id", "name", "phone", "notes"}
	}
	return []string{"date", "item", "amount"}
}

// excelize, an xlsx library of its own, reads every text of a naughty
// notebook's workbook exactly as rolo holds it: control characters
// through the standard _xHHHH_ escapes, CR, edge spaces, emoji, RTL marks.
func TestXLSXReadByExcelize(t *testing.T) {
	st, cs := naughtyCustomers(t)
	var buf bytes.Buffer
	if _, err := Export(ctx, st, "customers", &buf, ExportOptions{Format: "xlsx",
		Fields: []string{"id", "name", "company", "phone", "address", "notes"}}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("customers", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string][]string{}
	for _, r := range rows[1:] {
		for len(r) < 6 {
			r = append(r, "")
		}
		byID[r[0]] = r
	}
	st.EachCustomer(ctx, "", func(c store.Customer) error {
		r := byID[strconv.FormatInt(c.ID, 10)]
		for i, want := range []string{c.Name, c.Company, c.Phone, c.Address, c.Notes} {
			if r == nil || r[i+1] != want {
				t.Errorf("customer %d column %d: excelize reads %q, rolo holds %q", c.ID, i+2, r, want)
			}
		}
		return nil
	})
	if len(byID) < len(cs) {
		t.Errorf("%d rows for %d customers", len(byID), len(cs))
	}
}

// Whatever the text, its cell form is valid XML text and comes back exactly.
func FuzzXLSXText(f *testing.F) {
	for _, s := range []string{"plain", "\x1b[2J", "_x0041_", "_x005F_x0001_", "__x0000_\x00", "\r\n\ufffe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		cell := xlsxEscape(s)
		for _, r := range cell {
			if xlsxControl(r) {
				t.Fatalf("xlsxEscape(%q) = %q holds %U", s, cell, r)
			}
		}
		if back := xlsxUnescape(cell); back != s {
			t.Fatalf("%q -> %q -> %q", s, cell, back)
		}
	})
}
