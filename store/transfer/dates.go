package transfer

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Dates and times as rolo writes them (2026-03-01, RFC 3339) and as
// spreadsheets write them back when a CSV is opened and saved again:
//
//	2026-03-01  2026/3/1  2026.3.1  20260301  2026年3月1日
//	1.3.2026 (day first, with dots)  13/1/2026  1/13/2026 (slashes: only
//	when the day tells which is which; 1/2/2026 is refused as ambiguous)
//
// each optionally followed by a time, with a space or a T between:
//
//	17:00  17:00:00  17:00:00.000  5:00 PM  下午5:00  17:00:00Z  17:00:00+08:00
//
// A time without a zone is UTC, as rolo writes every time. A date column
// keeps the date of a date-time; a time column given only a date takes
// midday UTC.

// The patterns are compiled the first time a date needs one, not when
// every rolo command starts (a millisecond of each).
var (
	reYearFirst = lazyRegexp(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?`)
	reCompact   = lazyRegexp(`^(\d{4})(\d{2})(\d{2})`)
	reYearLast  = lazyRegexp(`^(\d{1,2})([./-])(\d{1,2})[./-](\d{4})`)
	reClock     = lazyRegexp(`^(?i)(上午|下午)?\s*(\d{1,2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?\s*(AM|PM|上午|下午)?\s*(Z|[+-]\d{2}:?\d{2})?$`)
	reClockHMS  = lazyRegexp(`^(\d{2})(\d{2})(\d{2})(Z)?$`) // the basic form after 20260301T
)

// lazyRegexp compiles expr on first use.
func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}

// isISODay reports whether s is a valid YYYY-MM-DD date from 1900 to 2200.
func isISODay(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	n := 0
	var f [3]int // year, month, day
	for i := 0; i < 10; i++ {
		if i == 4 || i == 7 {
			n++
			continue
		}
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		f[n] = f[n]*10 + int(s[i]-'0')
	}
	// By hand, not time.Parse: 0.6 s of a million-purchase import's CPU.
	y, m, d := f[0], f[1], f[2]
	return y >= 1900 && y <= 2200 && m >= 1 && m <= 12 && d >= 1 &&
		time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Day() == d
}

// when is a parsed date with an optional time of day.
type when struct {
	y, m, d  int
	hasClock bool
	h, mi, s int
	nsec     int
	zone     *time.Location // nil: UTC
}

// parseWhen reads a date, optionally followed by a time, in any of the
// forms above.
func parseWhen(in string) (when, error) {
	var w when
	bad := fmt.Errorf("expected a date such as 2026-03-01, got %q", in)
	rest := ""
	atoi := func(s string) int { n, _ := strconv.Atoi(s); return n }
	switch m := reYearFirst().FindStringSubmatch(in); {
	case m != nil:
		w.y, w.m, w.d = atoi(m[1]), atoi(m[2]), atoi(m[3])
		rest = in[len(m[0]):]
	default:
		if m := reCompact().FindStringSubmatch(in); m != nil && (len(in) == 8 || in[8] == 'T') {
			w.y, w.m, w.d = atoi(m[1]), atoi(m[2]), atoi(m[3])
			rest = in[8:]
			if c := reClockHMS().FindStringSubmatch(strings.TrimPrefix(rest, "T")); c != nil && rest != "" {
				w.hasClock, w.h, w.mi, w.s = true, atoi(c[1]), atoi(c[2]), atoi(c[3])
				rest = ""
			}
			break
		}
		m := reYearLast().FindStringSubmatch(in)
		if m == nil {
			return w, bad
		}
		a, b := atoi(m[1]), atoi(m[3])
		w.y = atoi(m[4])
		switch {
		case m[2] == ".": // 1.3.2026: day first wherever dots are used
			w.d, w.m = a, b
		case a > 12 && b <= 12:
			w.d, w.m = a, b
		case b > 12 && a <= 12:
			w.m, w.d = a, b
		case a == b:
			w.m, w.d = a, b
		default:
			return w, fmt.Errorf("%q could be day/month or month/day; write the date as %04d-%02d-%02d or %04d-%02d-%02d",
				in, w.y, b, a, w.y, a, b)
		}
		rest = in[len(m[0]):]
	}
	t := time.Date(w.y, time.Month(w.m), w.d, 0, 0, 0, 0, time.UTC)
	if w.y < 1900 || w.y > 2200 || t.Year() != w.y || int(t.Month()) != w.m || t.Day() != w.d {
		return w, bad
	}
	rest = strings.TrimSpace(rest)
	if rest == "" {
		return w, nil
	}
	rest = strings.TrimSpace(strings.TrimPrefix(rest, "T"))
	c := reClock().FindStringSubmatch(rest)
	if c == nil {
		return w, bad
	}
	w.hasClock, w.h, w.mi, w.s = true, atoi(c[2]), atoi(c[3]), atoi(c[4])
	if c[5] != "" {
		frac := (c[5][1:] + "000000000")[:9]
		w.nsec = atoi(frac)
	}
	switch ampm := strings.ToUpper(c[1] + c[6]); ampm {
	case "PM", "下午":
		if w.h < 1 || w.h > 12 {
			return w, bad
		}
		if w.h < 12 {
			w.h += 12
		}
	case "AM", "上午":
		if w.h < 1 || w.h > 12 {
			return w, bad
		}
		if w.h == 12 {
			w.h = 0
		}
	case "":
	default:
		return w, bad // two of them
	}
	if w.h > 23 || w.mi > 59 || w.s > 59 {
		return w, bad
	}
	if z := c[7]; z != "" && z != "Z" {
		z = strings.ReplaceAll(z, ":", "")
		hh, mm := atoi(z[1:3]), atoi(z[3:5])
		off := hh*3600 + mm*60
		if z[0] == '-' {
			off = -off
		}
		w.zone = time.FixedZone("", off)
	}
	return w, nil
}

// parseDay reads a date column: YYYY-MM-DD, or a form a spreadsheet
// writes; a time after the date is ignored.
func parseDay(v string) (string, error) {
	in := strings.TrimSpace(v)
	if isISODay(in) {
		return in, nil // the usual case, a million times in a large import
	}
	w, err := parseWhen(in)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%04d-%02d-%02d", w.y, w.m, w.d), nil
}

// parseStamp reads a time column as rolo keeps it, in UTC (stamps sort as
// text): an RFC 3339 timestamp in UTC is kept as written, one with another
// offset moved to UTC; a spreadsheet's date-time without a zone is the
// rep's (local) time, a date alone its midday.
func parseStamp(v string) (string, error) {
	in := strings.TrimSpace(v)
	if t, err := time.Parse(time.RFC3339, in); err == nil {
		if strings.HasSuffix(in, "Z") {
			return in, nil
		}
		return t.UTC().Format(time.RFC3339Nano), nil // kept in UTC, so stamps sort as text
	}
	w, err := parseWhen(in)
	if err != nil {
		return "", fmt.Errorf("expected a time such as 2026-03-01T09:30:00Z or a date, got %q", v)
	}
	// Without a zone, a time is the rep's: its day is theirs (StampDay).
	loc := time.Local
	if w.zone != nil {
		loc = w.zone
	}
	if !w.hasClock {
		return time.Date(w.y, time.Month(w.m), w.d, 12, 0, 0, 0, loc).UTC().Format(time.RFC3339), nil // its midday
	}
	t := time.Date(w.y, time.Month(w.m), w.d, w.h, w.mi, w.s, w.nsec, loc)
	return t.UTC().Format(time.RFC3339Nano), nil
}
