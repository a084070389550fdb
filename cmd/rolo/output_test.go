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
