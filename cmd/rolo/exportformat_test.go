package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rolo-crm/rolo/store/transfer"
)

// export -o FILE writes the format FILE's extension names, as import reads
// it, so rolo imports its own files back.
func TestExportFormatFollowsExtension(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "王小明", "--phone", "13800138000", "--external-id", "W1")
	e.ok("buy", "W1", "1280", "--item", "普洱", "--date", "2026-11-01")
	dir := t.TempDir()
	for _, tt := range []struct {
		kind, file, begins string
	}{
		{"purchases", "p.xlsx", "PK\x03\x04"},
		{"customers", "c.XLSX", "PK\x03\x04"},
		{"customers", "c.vcf", "BEGIN:VCARD\r\n"},
		{"agenda", "a.ics", "BEGIN:VCALENDAR\r\n"},
		{"purchases", "p.json", "["},
		{"purchases", "p.jsonl", "{"},
		{"purchases", "p.ndjson", "{"},
		{"purchases", "p.csv", "id,customer_id,"},
		{"purchases", "p.txt", "id,customer_id,"}, // a name that says no format: CSV, as before
		{"customers", "c3.vcf", "BEGIN:VCARD\r\nVERSION:3.0"},
		{"purchases", "p.dat", "PK\x03\x04"},
	} {
		args := []string{"export", tt.kind, "-o", filepath.Join(dir, tt.file)}
		switch tt.file {
		case "c3.vcf":
			args = append(args, "--format", "vcard3") // vCard 3.0 is a .vcf too
		case "p.dat":
			args = append(args, "--format", "xlsx") // no extension to contradict
		}
		e.ok(args...)
		b, err := os.ReadFile(filepath.Join(dir, tt.file))
		if err != nil || !strings.HasPrefix(string(b), tt.begins) {
			t.Errorf("export %s -o %s: %v, begins %q, want %q", tt.kind, tt.file, err, b[:min(len(b), 20)], tt.begins)
		}
	}
	// rolo reads its own files back by their names.
	for _, f := range []string{"c.XLSX", "c.vcf", "c3.vcf"} {
		e2 := newEnv(t)
		if _, errs, code := e2.run(false, "import", "customers", filepath.Join(dir, f)); code != 0 {
			t.Errorf("import customers %s: %d %s", f, code, errs)
		}
	}
	for _, f := range []string{"p.xlsx", "p.json", "p.jsonl", "p.ndjson", "p.csv"} {
		if _, errs, code := e.run(false, "import", "purchases", filepath.Join(dir, f), "--dry-run"); code != 0 {
			t.Errorf("import purchases %s: %d %s", f, code, errs)
		}
	}
}

// A --format that contradicts -o's extension, or that the kind has no
// place in (by either), is refused before anything is written.
func TestExportFormatRefusals(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "王小明", "--phone", "13800138000")
	dir := t.TempDir()
	for _, tt := range []struct {
		args []string
		file string
		want string
	}{
		{[]string{"purchases", "--format", "vcard"}, "p.xlsx",
			"--format vcard contradicts -o " + filepath.Join(dir, "p.xlsx") + ", which is an xlsx workbook by its extension: leave out --format vcard to write an xlsx workbook"},
		{[]string{"purchases", "--format", "json"}, "p.xlsx", "or name the file " + filepath.Join(dir, "p.json")},
		{[]string{"customers", "--format", "csv"}, "c.vcf", "--format csv contradicts -o"},
		{[]string{"purchases", "--format", "ndjson"}, "p.json", "--format ndjson contradicts -o"},
		{[]string{"purchases", "--json"}, "p.csv", "--json contradicts -o"},
		{[]string{"purchases"}, "p.vcf", "(vCard by its extension): vCard holds customers, not purchases"},
		{[]string{"purchases"}, "p.ics", "(iCalendar by its extension): iCalendar holds the agenda, not purchases"},
		{[]string{"purchases", "--format", "vcard"}, "p.out", "--format vcard: vCard holds customers, not purchases"},
		{[]string{"all"}, "n.xlsx", "rolo export all writes the whole notebook as JSON; name the file .json"},
	} {
		out := filepath.Join(dir, tt.file)
		_, errs, code := e.run(false, append(append([]string{"export"}, tt.args...), "-o", out)...)
		if code != 2 || !strings.Contains(errs, tt.want) {
			t.Errorf("export %v -o %s: %d %q, want %q", tt.args, tt.file, code, errs, tt.want)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("export %v -o %s wrote the file (%v)", tt.args, tt.file, err)
		}
	}
	// To standard output, as before.
	if _, errs, code := e.run(false, "export", "purchases", "--format", "vcard"); code != 2 || !strings.Contains(errs, "vCard holds customers") {
		t.Errorf("vCard of purchases: %d %q", code, errs)
	}
	// iCalendar is written, not read: said so, instead of a CSV error.
	ics := filepath.Join(dir, "a.ics")
	e.ok("export", "agenda", "-o", ics)
	if _, errs, code := e.run(false, "import", "customers", ics); code != 2 || !strings.Contains(errs, "does not read them") {
		t.Errorf("import of an .ics: %d %q", code, errs)
	}
}

// The one table of extensions: what import reads a name as, export writes.
func TestFormatForIsImports(t *testing.T) {
	for name, want := range map[string]string{
		"a.csv": "csv", "a.json": "json", "a.ndjson": "ndjson", "a.jsonl": "ndjson", "客户.XLSX": "xlsx",
		"a.vcf": "vcard", "a.vcard": "vcard", "a.ics": "ics", "a.txt": "", "a": "", "/dev/stdout": "", "dir.d/a": "",
	} {
		if got := transfer.FormatFor(name); got != want {
			t.Errorf("FormatFor(%q) = %q, want %q", name, got, want)
		}
	}
}

// export --help lists the columns of every kind it writes, import --help
// every kind it reads.
func TestTransferHelpNamesEveryKind(t *testing.T) {
	e := newEnv(t)
	help := e.ok("export", "--help")
	for _, k := range transfer.ExportKinds {
		if !strings.Contains(help, "\n  "+k+" ") || !strings.Contains(help, strings.Join(transfer.FieldNames(k), ",")+"\n") {
			t.Errorf("export --help lacks the columns of %s", k)
		}
	}
	for _, k := range []string{"tiers", "agenda"} {
		if !strings.Contains(help, "\n  "+k+" ") {
			t.Errorf("export --help lacks the columns of %s", k)
		}
	}
	help = e.ok("import", "--help")
	first := help[:strings.Index(help, "(customers)")]
	for _, k := range transfer.ImportKinds {
		if !strings.Contains(first, k) {
			t.Errorf("import --help does not say it imports %s: %q", k, first)
		}
	}
}
