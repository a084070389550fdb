package main

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestWriteJSONRowsIsOneDocument(t *testing.T) {
	type row struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	}
	for _, rows := range [][]row{nil, {}, {{1, "王芳"}}, {{1, "a\nb"}, {2, `"<&>"`}, {3, ""}}} {
		var b bytes.Buffer
		if err := writeJSONRows(&b, rows); err != nil {
			t.Fatal(err)
		}
		var back []row
		if err := json.Unmarshal(b.Bytes(), &back); err != nil {
			t.Fatalf("%q is not JSON: %v", b.String(), err)
		}
		if len(rows) == 0 {
			if b.String() != "[]\n" {
				t.Errorf("empty list written as %q", b.String())
			}
			continue
		}
		if !reflect.DeepEqual(back, rows) {
			t.Errorf("round trip gave %v, want %v", back, rows)
		}
		if n := strings.Count(b.String(), "\n"); n != len(rows)+2 {
			t.Errorf("%d lines for %d rows: want one row per line in %q", n, len(rows), b.String())
		}
	}
}

// Piped tables escape every control and format character, so text from
// the notebook cannot act on the terminal a pipe ends in; the escapes are
// unambiguous because a backslash is doubled.
func TestTSVCell(t *testing.T) {
	for _, tt := range []struct{ name, in, want string }{
		{"plain", "王小明 Anna", "王小明 Anna"},
		{"layout", "a\tb\nc\rd", `a\tb\nc\rd`},
		{"backslash", `C:\tmp\e`, `C:\\tmp\\e`},
		{"OSC 52", "x\x1b]52;c;aGk=\x07y", `x\e]52;c;aGk=\x07y`},
		{"CSI", "\x1b[2J", `\e[2J`},
		{"DEL and NUL", "a\x7fb\x00", `a\x7fb\x00`},
		{"C1 CSI and ST", "a\u009b31mb\u009c", `a\x9b31mb\x9c`},
		{"bidi override", "abc\u202edef", `abc\u202edef`},
		{"line separator", "a\u2028b", `a\u2028b`},
		{"zero width space", "a\u200bb", `a\u200bb`},
		{"emoji joiner kept", "👩\u200d💻", "👩\u200d💻"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := tsvCell(tt.in); got != tt.want {
				t.Errorf("tsvCell(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestPipedListIsInert(t *testing.T) {
	e := newEnv(t)
	evil := "Evil\x1b]52;c;aGk=\x07\u202e\\"
	e.ok("add", evil, "--company", "a\tb")
	out := e.ok("list")
	if want := "1\t" + `Evil\e]52;c;aGk=\x07\u202e\\` + "\tprospect\tprospect\t" + `a\tb` + "\t"; !strings.HasPrefix(out, want) {
		t.Errorf("piped list = %q, want it to start %q", out, want)
	}
	var rows []struct{ Name, Company string }
	if err := json.Unmarshal([]byte(e.ok("list", "--json")), &rows); err != nil || len(rows) != 1 || rows[0].Name != evil || rows[0].Company != "a\tb" {
		t.Errorf("--json changed the text: %+v %v", rows, err)
	}
}

// Clean text (most names) goes out as it is, without a copy: a piped list
// of 100,000 customers writes 800,000 cells.
func TestTSVCellDoesNotCopyCleanText(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { tsvCell("王小明 明达贸易 13800138000") }); n != 0 {
		t.Errorf("%v allocations per clean cell, want 0", n)
	}
}
