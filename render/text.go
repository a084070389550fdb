// Package render is the terminal rendering both front ends share (the
// command line and the TUI): it makes notebook text inert (control
// characters, escape sequences and bidi overrides become visible escapes),
// measures, pads and truncates by display width with one width engine (the
// one lipgloss uses, so wide CJK characters never break alignment), says
// dates relative to today, and draws the value pyramid.
//
// It does no I/O and knows nothing of the notebook or the use cases.
package render

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// unsafe reports whether r must not reach a terminal as is.
func unsafe(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
		return true // C0, DEL, C1 (ESC, CSI, OSC, DCS, ST...)
	case r == 0x200d, r == 0xfe0f:
		return false // emoji joiners are harmless and common
	case r == 0x2028, r == 0x2029:
		return true // line and paragraph separators
	case unicode.Is(unicode.Cf, r):
		return true // bidi overrides and isolates, zero-width and other format controls
	}
	return false
}

func escape(b *strings.Builder, r rune) {
	switch r {
	case '\n':
		b.WriteString(`\n`)
	case '\r':
		b.WriteString(`\r`)
	case '\t':
		b.WriteString(`\t`)
	case 0x1b:
		b.WriteString(`\e`)
	default:
		if r < 0x100 {
			fmt.Fprintf(b, `\x%02x`, r)
		} else {
			fmt.Fprintf(b, `\u%04x`, r)
		}
	}
}

// Clean returns s as one inert line: every control or format character,
// including newlines and tabs, becomes a visible escape such as \e or
// \u202e; invalid UTF-8 bytes become \xNN.
func Clean(s string) string { return clean(s, false) }

// CleanText is Clean but keeps newlines and tabs, for multi-line notes
// and messages.
func CleanText(s string) string { return clean(s, true) }

func clean(s string, keepNewlines bool) string {
	if isPlain(s) || isInert(s, keepNewlines) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case (r == '\n' || r == '\t') && keepNewlines:
			b.WriteByte(byte(r))
		case unsafe(r):
			escape(&b, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// isInert says clean would return s unchanged (most CJK text): checked
// first, so that clean text costs no copy.
func isInert(s string, keepNewlines bool) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			return false
		case (r == '\n' || r == '\t') && keepNewlines:
		case unsafe(r):
			return false
		}
		i += size
	}
	return true
}

func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// Width is the display width of s in terminal cells.
func Width(s string) int { return ansi.StringWidth(s) }

// Truncate cuts s to at most w cells, ending with … when it was cut.
func Truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if ansi.StringWidth(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// PadRight pads s with spaces to w cells (after truncating to w).
func PadRight(s string, w int) string {
	s = Truncate(s, w)
	return s + strings.Repeat(" ", max(0, w-ansi.StringWidth(s)))
}

// PadLeft right-aligns s in w cells (after truncating to w).
func PadLeft(s string, w int) string {
	s = Truncate(s, w)
	return strings.Repeat(" ", max(0, w-ansi.StringWidth(s))) + s
}

// RelDay says how far day t is from today for people: "today", "tomorrow",
// "yesterday", "in 3d", "5d ago", or the ISO date beyond two months.
func RelDay(t, today time.Time) string {
	y1, m1, d1 := t.Date()
	y2, m2, d2 := today.Date()
	a := time.Date(y1, m1, d1, 0, 0, 0, 0, time.UTC)
	b := time.Date(y2, m2, d2, 0, 0, 0, 0, time.UTC)
	d := int(a.Sub(b).Hours() / 24)
	switch {
	case d == 0:
		return "today"
	case d == 1:
		return "tomorrow"
	case d == -1:
		return "yesterday"
	case d > 0 && d < 60:
		return fmt.Sprintf("in %dd", d)
	case d < 0 && d > -60:
		return fmt.Sprintf("%dd ago", -d)
	}
	return a.Format("2006-01-02")
}

// Plural says how many of a noun there are: "1 customer", "3 customers".
func Plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// Wrap breaks s into lines of at most w cells: at spaces, and between two
// wide (CJK) characters, which need no space to break; a word longer than
// a line is cut where the line ends. Nothing is dropped but the spaces a
// line breaks at.
func Wrap(s string, w int) []string {
	if w <= 0 || Width(s) <= w {
		return []string{s}
	}
	var lines []string
	var line strings.Builder
	lineW := 0
	flush := func() {
		lines = append(lines, strings.TrimRight(line.String(), " "))
		line.Reset()
		lineW = 0
	}
	add := func(atom string, aw int, space bool) {
		if lineW > 0 && lineW+btoi(space)+aw > w {
			flush()
		} else if space && lineW > 0 {
			line.WriteByte(' ')
			lineW++
		}
		for aw > w { // a word longer than a line: cut it
			head := ansi.Truncate(atom, w, "")
			if head == "" {
				break
			}
			lines = append(lines, head)
			atom = atom[len(head):]
			aw = Width(atom)
		}
		line.WriteString(atom)
		lineW += aw
	}
	for i, word := range strings.Split(s, " ") {
		space := i > 0
		var atom strings.Builder
		for _, r := range word {
			if isWide(r) {
				if atom.Len() > 0 {
					add(atom.String(), Width(atom.String()), space)
					atom.Reset()
					space = false
				}
				add(string(r), Width(string(r)), space)
				space = false
				continue
			}
			atom.WriteRune(r)
			if r == '+' || r == '/' { // "complaint+payment" may break after its +
				add(atom.String(), Width(atom.String()), space)
				atom.Reset()
				space = false
			}
		}
		if atom.Len() > 0 || space && word == "" {
			add(atom.String(), Width(atom.String()), space)
		}
	}
	if line.Len() > 0 {
		flush()
	}
	return lines
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// isWide says r takes two cells and may be broken before or after (CJK).
func isWide(r rune) bool { return r >= 0x1100 && ansi.StringWidth(string(r)) == 2 }
