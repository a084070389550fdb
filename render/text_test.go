package render

import (
	"github.com/charmbracelet/lipgloss"
	"strings"
	"testing"
)

func TestClean(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "Wang Xiaoming", "Wang Xiaoming"},
		{"cjk", "王小明", "王小明"},
		{"csi colour", "a\x1b[31mred", `a\e[31mred`},
		{"osc 52 clipboard", "\x1b]52;c;aGk=\x07", `\e]52;c;aGk=\x07`},
		{"osc 8 link", "\x1b]8;;http://x\x1b\\y", `\e]8;;http://x\e\y`},
		{"c1 csi", "a\u009b31m", `a\x9b31m`},
		{"bidi override", "abc\u202edef", `abc\u202edef`},
		{"newline tab cr", "a\nb\tc\rd", `a\nb\tc\rd`},
		{"nul del", "a\x00b\x7f", `a\x00b\x7f`},
		{"invalid utf8", "a\xffb", `a\xffb`},
		{"line separator", "a\u2028b", `a\u2028b`},
		{"emoji zwj kept", "👩\u200d💻", "👩\u200d💻"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Clean(tt.in)
			if got != tt.want {
				t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if strings.ContainsAny(got, "\x1b\x07\x00\n\r\u202e\u009b") {
				t.Errorf("Clean(%q) still has a control character: %q", tt.in, got)
			}
		})
	}
	if got := CleanText("a\nb\x1b\t"); got != "a\nb\\e\t" {
		t.Errorf("CleanText kept wrong things: %q", got)
	}
}

func TestWidthAndPad(t *testing.T) {
	if w := Width("王小明"); w != 6 {
		t.Errorf("Width(王小明) = %d, want 6", w)
	}
	if got := PadRight("王小明", 8); got != "王小明  " {
		t.Errorf("PadRight = %q", got)
	}
	if got := Truncate("王小明同学", 7); Width(got) > 7 || !strings.HasSuffix(got, "…") {
		t.Errorf("Truncate = %q (width %d)", got, Width(got))
	}
	if got := PadLeft("12", 5); got != "   12" {
		t.Errorf("PadLeft = %q", got)
	}
}

func FuzzClean(f *testing.F) {
	for _, s := range []string{"", "王", "\x1b[2J", "\xff\xfe", "a\u202eb", "\u009d0;title\u009c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Clean(s)
		for _, r := range got {
			if unsafe(r) {
				t.Fatalf("Clean(%q) = %q keeps %U", s, got, r)
			}
		}
		if !strings.Contains(s, `\`) && isPlain(s) && got != s {
			t.Fatalf("plain text changed: %q -> %q", s, got)
		}
	})
}

func TestWrap(t *testing.T) {
	tests := []struct {
		s    string
		w    int
		want []string
	}{
		{"short", 10, []string{"short"}},
		{"owes 380.00 for 普洱茶饼 bought 2025-01-27", 16, []string{"owes 380.00 for", "普洱茶饼 bought", "2025-01-27"}},
		{"送货晚了三天客户很不满意", 10, []string{"送货晚了三", "天客户很不", "满意"}},
		{"supercalifragilistic word", 8, []string{"supercal", "ifragili", "stic", "word"}},
		{"a  b", 2, []string{"a", "b"}}, // the spaces a line breaks at go
		{"complaint+payment+reorder", 16, []string{"complaint+", "payment+reorder"}},
		{"cadence+follow-up", 12, []string{"cadence+", "follow-up"}},
		{"a+b c", 5, []string{"a+b c"}},
	}
	for _, tt := range tests {
		got := Wrap(tt.s, tt.w)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("Wrap(%q, %d) = %q, want %q", tt.s, tt.w, got, tt.want)
		}
		for _, l := range got {
			if Width(l) > tt.w {
				t.Errorf("Wrap(%q, %d): line %q is %d cells", tt.s, tt.w, l, Width(l))
			}
		}
	}
}

// A longer bar shows more ▓ than a shorter one, its label inside or
// beside it: a label never hides a bar.
func TestBarNeverHiddenByItsLabel(t *testing.T) {
	prev := 0
	for w := 1; w <= 12; w++ {
		got := Bar(lipgloss.NewStyle(), "12%", w, 20)
		n := strings.Count(got, "▓")
		if n == 0 || n < prev || !strings.Contains(got, "12%") {
			t.Errorf("bar of %d cells: %q (%d ▓, the bar of %d cells had %d)", w, got, n, w-1, prev)
		}
		prev = n
	}
}
