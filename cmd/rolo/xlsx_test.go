package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestExportImportXLSX(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "王小明", "--phone", "07551234567", "--external-id", "000123", "--notes", "=1+1\x1b[31m")
	e.ok("buy", "000123", "0.01", "--item", "样品", "--date", "2026-11-01")
	dir := t.TempDir()
	for _, kind := range []string{"customers", "purchases", "tiers", "agenda", "contacts", "followups"} {
		e.ok("export", kind, "--format", "xlsx", "-o", filepath.Join(dir, kind+".xlsx"))
	}
	f, err := excelize.OpenFile(filepath.Join(dir, "tiers.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := f.GetCellValue("tiers", "D2", excelize.Options{RawCellValue: true}); v != "0.01" {
		t.Errorf("tiers value cell = %q, want the number 0.01", v)
	}
	// Into an empty notebook, the format from the file name.
	e2 := newEnv(t)
	e2.ok("import", "customers", filepath.Join(dir, "customers.xlsx"))
	e2.ok("import", "purchases", filepath.Join(dir, "purchases.xlsx"))
	if got := e2.ok("export", "customers", "--fields", "external_id,phone,notes", "--raw"); got != "external_id,phone,notes\r\n000123,07551234567,=1+1\x1b[31m\r\n" {
		t.Errorf("after xlsx: %q", got)
	}
	if got := e2.ok("export", "purchases", "--fields", "customer_external_id,amount"); got != "customer_external_id,amount\r\n000123,0.01\r\n" {
		t.Errorf("after xlsx: %q", got)
	}
	// Not onto a terminal.
	_, errs, code := e.run(true, "export", "customers", "--format", "xlsx")
	if code != 2 || !strings.Contains(errs, "write it with -o FILE.xlsx") {
		t.Errorf("xlsx to a terminal: %d %q", code, errs)
	}
}
