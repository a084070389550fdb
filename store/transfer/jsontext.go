package transfer

import "unicode/utf8"

// encoding/json turns invalid UTF-8 — raw bytes, or \ud800 escapes that
// are not a surrogate pair — into U+FFFD without a word. rolo refuses
// such input, as it does in CSV, vCard and arguments, so that an export
// of what was imported stays byte for byte what the file said.

// jsonTextError finds the first invalid UTF-8 byte or unpaired surrogate
// escape in a JSON text, with its line and column (characters, 1-based);
// line is the number of the text's first line.
func jsonTextError(b []byte, line int) *lineError {
	if e := utf8Error(b); e != nil {
		e.Line += line - 1
		return e
	}
	col := 1
	inString := false
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c == '\n':
			line, col = line+1, 1
			i++
			continue
		case c == '"':
			inString = !inString
		case c == '\\' && inString:
			if i+1 < len(b) && b[i+1] == 'u' {
				if hi, ok := hex4(b, i+2); ok && hi >= 0xD800 && hi <= 0xDFFF {
					lo, okLo := uint16(0), false
					if i+7 < len(b) && b[i+6] == '\\' && b[i+7] == 'u' {
						lo, okLo = hex4(b, i+8)
					}
					if hi >= 0xDC00 || !okLo || lo < 0xDC00 || lo > 0xDFFF {
						return &lineError{line, col, "a \\u escape of half a surrogate pair is not text; save the file as UTF-8"}
					}
					i, col = i+12, col+12
					continue
				}
			}
			// Skip the escaped character (\" does not end the string).
			i, col = i+2, col+2
			continue
		}
		_, size := utf8.DecodeRune(b[i:])
		i += size
		col++
	}
	return nil
}

func hex4(b []byte, at int) (uint16, bool) {
	if at+4 > len(b) {
		return 0, false
	}
	var n uint16
	for _, c := range b[at : at+4] {
		switch {
		case '0' <= c && c <= '9':
			n = n<<4 | uint16(c-'0')
		case 'a' <= c && c <= 'f':
			n = n<<4 | uint16(c-'a'+10)
		case 'A' <= c && c <= 'F':
			n = n<<4 | uint16(c-'A'+10)
		default:
			return 0, false
		}
	}
	return n, true
}
