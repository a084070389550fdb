package transfer

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/rolo-crm/rolo/store"
)

// Invalid UTF-8 in JSON and NDJSON is refused with its line and column,
// as in CSV and vCard, instead of becoming U+FFFD.
func TestJSONRejectsInvalidUTF8(t *testing.T) {
	tests := []struct {
		name, format, in, want string
	}{
		{"raw byte", "json", "[\n {\"name\": \"ok\"},\n {\"name\": \"bad\xffname\"}\n]", "line 3, column 15: invalid UTF-8"},
		{"raw byte ndjson", "ndjson", "{\"name\":\"a\"}\n{\"name\":\"\xc3(\"}\n", "line 2, column 10: invalid UTF-8"},
		{"lone high surrogate", "json", `[{"name": "x\ud800y"}]`, `line 1, column 13: a \u escape of half a surrogate pair`},
		{"lone low surrogate", "ndjson", "{\"name\":\"a\"}\n\n{\"name\": \"\\uDC00\"}\n", `line 3, column 11: a \u escape of half a surrogate pair`},
		{"reversed pair", "json", `[{"name": "\udc00\ud800"}]`, `line 1, column 12: a \u escape`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newStore(t)
			_, err := Import(ctx, st, "customers", strings.NewReader(tt.in), ImportOptions{Format: tt.format, Name: "c." + tt.format})
			var ie *ImportError
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
	// A real pair, an escaped backslash before u, and escaped quotes are text.
	st := newStore(t)
	in := `[{"name": "\ud83d\ude00 \\ud800 \"q\" 王"}]`
	if _, err := Import(ctx, st, "customers", strings.NewReader(in), ImportOptions{Format: "json"}); err != nil {
		t.Fatal(err)
	}
	if c, _ := st.Customer(ctx, 1); c.Name != "😀 \\ud800 \"q\" 王" {
		t.Errorf("name = %q", c.Name)
	}
}

// A --raw CSV holds text exactly, so it is imported with --raw: without
// it, a cell that starts with an apostrophe before = + - @ would lose the
// apostrophe (the importer takes it for rolo's own protection).
func TestRawCSVNeedsRawImport(t *testing.T) {
	src := newStore(t)
	for _, name := range []string{"'=x", "=x", "''+1", "'plain"} {
		src.AddCustomer(ctx, store.Customer{Name: name})
	}
	names := func(st *store.Store) []string {
		var out []string
		st.EachCustomer(ctx, "", func(c store.Customer) error { out = append(out, c.Name); return nil })
		return out
	}
	for _, tt := range []struct {
		exportRaw, importRaw bool
		want                 []string
	}{
		{false, false, []string{"'=x", "=x", "''+1", "'plain"}},
		{true, true, []string{"'=x", "=x", "''+1", "'plain"}},
		{true, false, []string{"=x", "=x", "'+1", "'plain"}}, // the documented trap
	} {
		var buf bytes.Buffer
		if _, err := Export(ctx, src, "customers", &buf, ExportOptions{Raw: tt.exportRaw, Fields: []string{"name"}}); err != nil {
			t.Fatal(err)
		}
		dst := newStore(t)
		if _, err := Import(ctx, dst, "customers", &buf, ImportOptions{Raw: tt.importRaw}); err != nil {
			t.Fatal(err)
		}
		if got := names(dst); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("export raw %v, import raw %v: %q, want %q", tt.exportRaw, tt.importRaw, got, tt.want)
		}
	}
}
