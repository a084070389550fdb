// Package thirdparty lets tests read rolo's exports with independent
// parsers: python-vobject for vCard and python-icalendar for iCalendar,
// from Debian's python3-vobject and python3-icalendar packages.
//
// A machine without them skips those tests with a message saying what to
// install, so `go test ./...` passes anywhere; CI installs them and sets
// ROLO_THIRD_PARTY=require, which turns the skip into a failure. It is for
// tests only and must not be imported by rolo itself.
package thirdparty

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var (
	//go:embed read_vcf.py
	vcardsScript []byte
	//go:embed read_ics.py
	calendarScript []byte
)

var (
	once   sync.Once
	python string // a python3 that imports both modules; "" if none
	tried  []string
)

// find looks for a python3 that has both modules: $ROLO_PYTHON, then
// Debian's /usr/bin/python3 (where apt puts them), then python3 on PATH.
func find() {
	cands := []string{os.Getenv("ROLO_PYTHON"), "/usr/bin/python3"}
	if p, err := exec.LookPath("python3"); err == nil {
		cands = append(cands, p)
	}
	for _, c := range cands {
		if c == "" {
			continue
		}
		tried = append(tried, c)
		if exec.Command(c, "-c", "import vobject, icalendar").Run() == nil {
			python = c
			return
		}
	}
}

// need skips (or, under ROLO_THIRD_PARTY=require, fails) the test when the
// parsers are missing.
func need(t testing.TB) {
	t.Helper()
	once.Do(find)
	if python != "" {
		return
	}
	msg := "third-party parsers not found: no python3 that imports vobject and icalendar (tried %q); " +
		"install Debian's python3-vobject and python3-icalendar (bash .ci/run does) to run this test"
	if os.Getenv("ROLO_THIRD_PARTY") == "require" {
		t.Fatalf(msg, tried)
	}
	t.Skipf(msg, tried)
}

// VCards parses a .vcf file with python-vobject. Each card maps a property
// name to its occurrences; N and ADR values are maps of their parts, ORG a
// list of components.
func VCards(t testing.TB, file string) []map[string][]Prop {
	t.Helper()
	var out []map[string][]Prop
	run(t, "read_vcf.py", vcardsScript, file, &out)
	return out
}

// Prop is one occurrence of a vCard property.
type Prop struct {
	Value  any                 `json:"value"`
	Params map[string][]string `json:"params"`
}

// Calendar parses an .ics file with python-icalendar and with
// python-vobject's iCalendar reader: for each, one map per VEVENT or VTODO
// ("_kind"), each property name to its values (text unescaped, dates
// YYYY-MM-DD, categories as lists).
//
// python-icalendar 4.0.3 (Debian 12) decodes text twice: a backslash in
// the text, or one of %2C %3A %3B %5C, does not come back as written
// (fixed in icalendar 5). IcalendarExact says whether a text is free of
// them; vobject reads every text as written.
func Calendar(t testing.TB, file string) (icalendar, vobject []map[string][]any) {
	t.Helper()
	var out struct{ Icalendar, Vobject []map[string][]any }
	run(t, "read_ics.py", calendarScript, file, &out)
	return out.Icalendar, out.Vobject
}

// IcalendarExact reports whether python-icalendar 4.0.3 reads s as written.
func IcalendarExact(s string) bool {
	return !strings.Contains(s, `\`) && !strings.Contains(s, "%2C") && !strings.Contains(s, "%3A") &&
		!strings.Contains(s, "%3B") && !strings.Contains(s, "%5C")
}

func run(t testing.TB, name string, script []byte, file string, v any) {
	t.Helper()
	need(t)
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, script, 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(python, path, file)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, file, err, stderr.String())
	}
	if err := json.Unmarshal(stdout.Bytes(), v); err != nil {
		t.Fatalf("%s printed something that is not JSON: %v\n%.500s", name, err, stdout.String())
	}
}
