package transfer

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// vCard (RFC 6350, RFC 2426) and iCalendar (RFC 5545) share one syntax:
// content lines "GROUP.NAME;PARAM=VALUE:value", folded at 75 octets, with
// backslash escapes in text values. Neither can carry control characters:
// the grammar allows only tab among them, and a bare carriage return ends a
// line for many parsers, so a name holding one could inject properties.

// cleanText makes s fit a vCard or iCalendar text value: every line end
// (CR LF, a lone CR, LF) becomes a line feed, which is escaped as \n, and
// the other control characters — C0 but tab, DEL, C1 — are dropped.
// Everything else, bidi marks and U+2028 included, is kept.
func cleanText(s string) string {
	clean := true
	for _, r := range s {
		if r != '\t' && r != '\n' && isControl(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '\r':
			b.WriteByte('\n')
			if i < len(s) && s[i] == '\n' {
				i++
			}
		case r == '\t' || r == '\n':
			b.WriteRune(r)
		case isControl(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isControl reports a C0 or C1 control character or DEL.
func isControl(r rune) bool { return r < 0x20 || (r >= 0x7f && r <= 0x9f) }

// textEscaper escapes a text value: backslash, comma, semicolon, line feed.
// Escaping ; everywhere keeps it inside one component of N, ADR and ORG,
// and RFC 2426 asks for it in every vCard 3.0 text value.
var textEscaper = strings.NewReplacer(`\`, `\\`, ",", `\,`, ";", `\;`, "\n", `\n`)

// escapeText is cleanText then the escapes of a text value.
func escapeText(s string) string { return textEscaper.Replace(cleanText(s)) }

// unescapeText undoes the escapes of a text value: \n and \N are a line
// feed, \\ \, \; \: and \" the character itself; any other backslash stays.
func unescapeText(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		switch n := s[i+1]; n {
		case 'n', 'N':
			b.WriteByte('\n')
			i++
		case '\\', ',', ';', ':', '"':
			b.WriteByte(n)
			i++
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// splitComponents splits a structured value (N, ADR, ORG) on the
// semicolons that are not escaped and unescapes each component.
func splitComponents(s string) []string { return splitUnescaped(s, ';') }

// splitList splits a multi-valued text (CATEGORIES) on the commas that are
// not escaped and unescapes each value.
func splitList(s string) []string { return splitUnescaped(s, ',') }

// splitUnescaped splits s on the separators that are not escaped by a
// backslash and unescapes each part.
func splitUnescaped(s string, sep byte) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case sep:
			out = append(out, unescapeText(s[start:i]))
			start = i + 1
		}
	}
	return append(out, unescapeText(s[start:]))
}

// writeFolded writes a content line folded at 75 octets without splitting
// a UTF-8 character, ending in CRLF.
func writeFolded(w *bufio.Writer, s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		if cut == 0 {
			cut = limit // not UTF-8: cut anywhere rather than loop
		}
		w.WriteString(s[:cut])
		w.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	w.WriteString(s)
	w.WriteString("\r\n")
}

// contentLine is one unfolded line of a vCard or iCalendar file.
type contentLine struct {
	line   int // physical line it starts on, 1-based
	name   string
	params map[string][]string // upper-case names; vCard 2.1 bare values under TYPE
	value  string              // still escaped
}

func (l contentLine) param(name string) string {
	if v := l.params[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// hasParam reports whether a parameter holds v (case-insensitive).
func (l contentLine) hasParam(name, v string) bool {
	for _, p := range l.params[name] {
		if strings.EqualFold(p, v) {
			return true
		}
	}
	return false
}

// lineError is a problem at a place in a vCard or iCalendar file.
type lineError struct {
	Line, Col int
	Msg       string
}

func (e *lineError) Error() string {
	if e.Col > 0 {
		return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Col, e.Msg)
	}
	return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
}

// utf8Error finds the first invalid UTF-8 byte of b and says where it is
// (line and column in characters, both 1-based); nil when b is valid.
func utf8Error(b []byte) *lineError {
	if utf8.Valid(b) {
		return nil
	}
	line, col := 1, 1
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return &lineError{line, col, "invalid UTF-8; save the file as UTF-8"}
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i += size
	}
	return nil
}

// readContentLines reads and unfolds a whole vCard or iCalendar file. It
// accepts LF as well as CRLF line ends, a byte order mark, and vCard 2.1's
// quoted-printable soft line breaks.
func readContentLines(r io.Reader) ([]contentLine, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if e := utf8Error(data); e != nil {
		return nil, e
	}
	phys := strings.Split(string(data), "\n")
	var out []contentLine
	var cur strings.Builder
	start, qp := 0, false
	flush := func() error {
		if cur.Len() == 0 {
			return nil
		}
		cl, err := parseContentLine(cur.String())
		if err != nil {
			return &lineError{start, 0, err.Error()}
		}
		cl.line = start
		out = append(out, cl)
		cur.Reset()
		return nil
	}
	for i, l := range phys {
		l = strings.TrimSuffix(l, "\r")
		switch {
		case cur.Len() > 0 && l != "" && (l[0] == ' ' || l[0] == '\t'):
			cur.WriteString(l[1:])
		case qp && strings.HasSuffix(cur.String(), "="):
			// A quoted-printable soft break: the next line continues the value.
			s := cur.String()
			cur.Reset()
			cur.WriteString(s[:len(s)-1])
			cur.WriteString(l)
		default:
			if err := flush(); err != nil {
				return nil, err
			}
			if strings.TrimSpace(l) == "" {
				continue
			}
			start = i + 1
			cur.WriteString(l)
			head, _, _ := strings.Cut(l, ":")
			qp = strings.Contains(strings.ToUpper(head), "QUOTED-PRINTABLE")
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return out, nil
}

// parseContentLine splits "group.NAME;P=a,b;Q="x:y":value".
func parseContentLine(s string) (contentLine, error) {
	cl := contentLine{params: map[string][]string{}}
	i := strings.IndexAny(s, ";:")
	if i <= 0 {
		return cl, fmt.Errorf("expected NAME:value, got %q", clip(s))
	}
	name := s[:i]
	if dot := strings.LastIndexByte(name, '.'); dot >= 0 {
		name = name[dot+1:] // the group only ties properties together
	}
	cl.name = strings.ToUpper(strings.TrimSpace(name))
	s = s[i:]
	for s != "" && s[0] == ';' {
		s = s[1:]
		// One parameter: NAME=value,value or a bare value (vCard 2.1).
		j := strings.IndexAny(s, "=;:")
		if j < 0 {
			return cl, fmt.Errorf("a parameter is not ended by ':'")
		}
		pname := "TYPE"
		if s[j] == '=' {
			pname = strings.ToUpper(strings.TrimSpace(s[:j]))
			s = s[j+1:]
		}
		for {
			var v string
			if s != "" && s[0] == '"' {
				end := strings.IndexByte(s[1:], '"')
				if end < 0 {
					return cl, fmt.Errorf("a quoted parameter value is not closed")
				}
				v, s = s[1:1+end], s[2+end:]
			} else {
				k := strings.IndexAny(s, ",;:")
				if k < 0 {
					return cl, fmt.Errorf("a parameter is not ended by ':'")
				}
				v, s = s[:k], s[k:]
			}
			cl.params[pname] = append(cl.params[pname], v)
			if s == "" || s[0] != ',' {
				break
			}
			s = s[1:]
		}
	}
	if s == "" || s[0] != ':' {
		return cl, fmt.Errorf("expected ':' before the value")
	}
	cl.value = s[1:]
	return cl, nil
}

func clip(s string) string {
	if len(s) > 40 {
		i := 40
		for i > 0 && !utf8.RuneStart(s[i]) {
			i--
		}
		return s[:i] + "…"
	}
	return s
}
