package transfer

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// csvReader reads RFC 4180 CSV, keeping every byte inside quoted fields
// (a CRLF inside quotes stays CRLF, unlike encoding/csv) and reporting the
// line and column of every record and field.
type csvReader struct {
	r    *bufio.Reader
	line int  // 1-based line of the next byte
	col  int  // 1-based column (in characters) of the next byte
	slow bool // rune by rune only (tests compare the two ways)
}

func newCSVReader(r io.Reader) *csvReader {
	br := bufio.NewReaderSize(r, 64*1024)
	// A UTF-8 byte order mark (spreadsheets write one) is not data.
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
	}
	return &csvReader{r: br, line: 1, col: 1}
}

// csvField is one field and where it started.
type csvField struct {
	Value string
	Line  int
	Col   int
}

// csvSyntaxError is a malformed file.
type csvSyntaxError struct {
	Line, Col int
	Msg       string
}

func (e *csvSyntaxError) Error() string {
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Col, e.Msg)
}

func (c *csvReader) next() (rune, error) {
	r, size, err := c.r.ReadRune()
	if err != nil {
		return 0, err
	}
	if r == utf8.RuneError && size == 1 {
		return 0, &csvSyntaxError{c.line, c.col, "invalid UTF-8; save the file as UTF-8 (CSV UTF-8 in Excel)"}
	}
	if r == '\n' {
		c.line++
		c.col = 1
	} else {
		c.col++
	}
	return r, nil
}

func (c *csvReader) peek() rune {
	r, _, err := c.r.ReadRune()
	if err != nil {
		return -1
	}
	c.r.UnreadRune()
	return r
}

// Read returns the next record, io.EOF at the end. Blank lines are skipped.
func (c *csvReader) Read() ([]csvField, int, error) {
	for {
		p := c.peek()
		if p == -1 {
			return nil, 0, io.EOF
		}
		if p == '\n' {
			c.next()
			continue
		}
		if p == '\r' {
			c.next()
			if c.peek() == '\n' {
				c.next()
				continue
			}
			return nil, 0, &csvSyntaxError{c.line, c.col - 1, "a carriage return outside quotes that does not end a line"}
		}
		break
	}
	startLine := c.line
	if rec, ok := c.plainLine(); ok {
		return rec, startLine, nil
	}
	var rec []csvField
	for {
		f, end, err := c.field()
		if err != nil {
			return nil, startLine, err
		}
		rec = append(rec, f)
		if end {
			return rec, startLine, nil
		}
	}
}

// plainLine reads the next record at once when it is a whole line in the
// buffer without quotes, stray carriage returns or invalid UTF-8 — nearly
// every line of a large export. The fields share one string. Anything
// else is left for the rune-by-rune reader, which explains problems.
func (c *csvReader) plainLine() ([]csvField, bool) {
	if c.slow {
		return nil, false
	}
	b, _ := c.r.Peek(c.r.Buffered())
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		// The line runs past the buffered bytes: fill the buffer and look again.
		b, _ = c.r.Peek(c.r.Size())
		if i = bytes.IndexByte(b, '\n'); i < 0 {
			return nil, false
		}
	}
	line := b[:i]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	if bytes.IndexByte(line, '"') >= 0 || bytes.IndexByte(line, '\r') >= 0 || !utf8.Valid(line) {
		return nil, false
	}
	text := string(line)
	rec := make([]csvField, 0, 16)
	col, start := 1, 0
	for j := 0; j <= len(text); j++ {
		if j < len(text) && text[j] != ',' {
			continue
		}
		rec = append(rec, csvField{Value: text[start:j], Line: c.line, Col: col})
		col += utf8.RuneCountInString(text[start:j]) + 1
		start = j + 1
	}
	c.r.Discard(i + 1)
	c.line++
	c.col = 1
	return rec, true
}

// field reads one field; end reports that the record ended after it.
func (c *csvReader) field() (csvField, bool, error) {
	f := csvField{Line: c.line, Col: c.col}
	var b strings.Builder
	if c.peek() == '"' {
		c.next()
		for {
			r, err := c.next()
			if errors.Is(err, io.EOF) {
				return f, true, &csvSyntaxError{f.Line, f.Col, "a quoted field is not closed (missing \")"}
			} else if err != nil {
				return f, true, err
			}
			if r == '"' {
				if c.peek() == '"' {
					c.next()
					b.WriteByte('"')
					continue
				}
				break
			}
			b.WriteRune(r)
		}
		f.Value = b.String()
		switch p := c.peek(); p {
		case -1:
			return f, true, nil
		case ',':
			c.next()
			return f, false, nil
		case '\n':
			c.next()
			return f, true, nil
		case '\r':
			c.next()
			if c.peek() == '\n' {
				c.next()
				return f, true, nil
			}
			return f, true, &csvSyntaxError{c.line, c.col - 1, "a carriage return after a closing quote"}
		default:
			return f, true, &csvSyntaxError{c.line, c.col, fmt.Sprintf("unexpected %q after a closing quote; quote the whole field and double any quote inside it", p)}
		}
	}
	for {
		p := c.peek()
		switch p {
		case -1:
			f.Value = b.String()
			return f, true, nil
		case ',':
			c.next()
			f.Value = b.String()
			return f, false, nil
		case '\n':
			c.next()
			f.Value = b.String()
			return f, true, nil
		case '\r':
			c.next()
			if c.peek() == '\n' {
				c.next()
				f.Value = b.String()
				return f, true, nil
			}
			return f, true, &csvSyntaxError{c.line, c.col - 1, "a carriage return inside an unquoted field; quote the field"}
		case '"':
			return f, true, &csvSyntaxError{c.line, c.col, "a quote inside an unquoted field; quote the whole field and double the quote (\"\")"}
		}
		r, err := c.next()
		if err != nil {
			return f, true, err
		}
		b.WriteRune(r)
	}
}

// csvWriter writes RFC 4180 CSV with CRLF line ends, quoting when needed.
type csvWriter struct {
	w   *bufio.Writer
	raw bool // no formula neutralising
}

func newCSVWriter(w io.Writer, raw bool) *csvWriter {
	return &csvWriter{w: bufio.NewWriterSize(w, 64*1024), raw: raw}
}

// Neutralise makes a text cell safe to open in a spreadsheet: one that
// starts with = + - @ tab, CR, LF or NUL could run as a formula, so it gets
// a leading apostrophe. Cells that already start with apostrophes before
// such a character get one more, so Unneutralise restores every cell exactly.
func Neutralise(s string) string {
	if dangerous(s) {
		return "'" + s
	}
	return s
}

// Unneutralise undoes Neutralise.
func Unneutralise(s string) string {
	if len(s) > 1 && s[0] == '\'' && dangerous(s[1:]) {
		return s[1:]
	}
	return s
}

func dangerous(s string) bool {
	s = strings.TrimLeft(s, "'")
	if s == "" {
		return false
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r', '\n', 0:
		return true
	}
	return false
}

// Write writes one record; text[i] says cell i is text (numbers are never altered).
func (c *csvWriter) Write(cells []string, text []bool) error {
	for i, v := range cells {
		if i > 0 {
			c.w.WriteByte(',')
		}
		if !c.raw && text[i] {
			if n := Neutralise(v); n != v {
				v = n
				c.writeQuoted(v)
				continue
			}
		}
		if v == "" && len(cells) == 1 {
			c.w.WriteString(`""`) // a lone empty cell must not become a blank line
			continue
		}
		// Quote what a reader could misread: separators, quotes, line ends,
		// edge spaces, and a leading U+FEFF that would pass for a byte order mark.
		if strings.ContainsAny(v, ",\"\r\n") || (v != "" && (v[0] == ' ' || v[len(v)-1] == ' ')) || strings.HasPrefix(v, "\ufeff") {
			c.writeQuoted(v)
			continue
		}
		c.w.WriteString(v)
	}
	_, err := c.w.WriteString("\r\n")
	return err
}

func (c *csvWriter) writeQuoted(v string) {
	c.w.WriteByte('"')
	c.w.WriteString(strings.ReplaceAll(v, `"`, `""`))
	c.w.WriteByte('"')
}

func (c *csvWriter) Flush() error { return c.w.Flush() }
