package transfer

import (
	"path/filepath"
	"strings"
)

// fileFormats are the file extensions that name a format, the first the
// one rolo suggests. rolo import reads a file by its name, and rolo export
// -o writes one by it, from this one table, so what rolo writes it reads
// back (iCalendar it only writes).
var fileFormats = []struct {
	format    string
	exts      []string
	writeOnly bool
}{
	{"csv", []string{".csv"}, false},
	{"json", []string{".json"}, false},
	{"ndjson", []string{".ndjson", ".jsonl"}, false},
	{"xlsx", []string{".xlsx"}, false},
	{"vcard", []string{".vcf", ".vcard"}, false},
	{"ics", []string{".ics"}, true},
}

// FormatFor is the format a file name's extension names (in any case):
// csv, json, ndjson, xlsx, vcard or ics; "" for any other name, or none.
func FormatFor(name string) string {
	ext := strings.ToLower(filepath.Ext(name))
	for _, f := range fileFormats {
		for _, e := range f.exts {
			if e == ext {
				return f.format
			}
		}
	}
	return ""
}

// FormatExt is the extension a file in a format takes (".vcf" for vCard
// 4.0 and 3.0 alike), "" for an unknown format.
func FormatExt(format string) string {
	format = family(format)
	for _, f := range fileFormats {
		if f.format == format {
			return f.exts[0]
		}
	}
	return ""
}

// SameFormat reports whether two format names write the same kind of
// file: vcard, vcard3 and vcf are all vCard.
func SameFormat(a, b string) bool { return family(a) == family(b) }

func family(format string) string {
	switch format = strings.ToLower(strings.TrimSpace(format)); format {
	case "vcard3", "vcf":
		return "vcard"
	}
	return format
}

// Extensions lists the extensions FormatFor knows, for help: ".csv,
// .json, .ndjson/.jsonl, ..."; those Import reads when reading.
func Extensions(reading bool) string {
	var parts []string
	for _, f := range fileFormats {
		if !reading || !f.writeOnly {
			parts = append(parts, strings.Join(f.exts, "/"))
		}
	}
	return strings.Join(parts, ", ")
}
