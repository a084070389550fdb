package store

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DateLayout is how dates are written everywhere in rolo.
const DateLayout = "2006-01-02"

// ParseDate parses an ISO date (YYYY-MM-DD) and returns midnight UTC.
func ParseDate(s string) (time.Time, error) {
	t, err := time.Parse(DateLayout, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, Errorf(KindInvalid, "%q is not a date; write it as YYYY-MM-DD, e.g. 2026-03-01", s)
	}
	return t, nil
}

// parseDate is ParseDate with a fast path for the usual YYYY-MM-DD.
func parseDate(s string) (time.Time, error) {
	if t := parseDay(s); !t.IsZero() {
		return t, nil
	}
	return ParseDate(s)
}

// normDay checks the day *s and writes it back as YYYY-MM-DD, so what is
// stored is always that form (" 2026-03-01" from a spreadsheet cell is
// taken, and kept as 2026-03-01: days compare as text on SQLite).
func normDay(s *string) error {
	// A day already in that form is kept as it is, unparsed and not
	// formatted again: checking a million imported purchases' days that
	// way took 0.9 s of CPU. parseDay takes exactly that form.
	if !parseDay(*s).IsZero() {
		return nil
	}
	t, err := ParseDate(*s)
	if err != nil {
		return err
	}
	*s = t.Format(DateLayout)
	return nil
}

// Today is the date of t (in t's location) as midnight UTC.
func Today(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Birthday is a day of the year, solar or lunar, with or without a year.
type Birthday struct {
	Year  int // 0 when unknown
	Month int
	Day   int
	Lunar bool
}

// String writes YYYY-MM-DD, or --MM-DD without a year.
func (b Birthday) String() string {
	if b.Year == 0 {
		return fmt.Sprintf("--%02d-%02d", b.Month, b.Day)
	}
	return fmt.Sprintf("%04d-%02d-%02d", b.Year, b.Month, b.Day)
}

var dateSeparators = strings.NewReplacer("/", "-", ".", "-")

// ParseBirthday parses YYYY-MM-DD, --MM-DD or MM-DD (also with / or .).
// A lunar birthday allows day 30 in any month.
func ParseBirthday(s string, lunar bool) (Birthday, error) {
	in := strings.TrimSpace(s)
	bad := func(why string) (Birthday, error) {
		kind := "solar"
		if lunar {
			kind = "lunar"
		}
		return Birthday{}, Errorf(KindInvalid, "%q is not a %s birthday (%s); write YYYY-MM-DD, or MM-DD (10-01) when the year is unknown", s, kind, why)
	}
	in = strings.TrimPrefix(in, "--")
	in = dateSeparators.Replace(in)
	parts := strings.Split(in, "-")
	var b Birthday
	b.Lunar = lunar
	nums := make([]int, len(parts))
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || p == "" {
			return bad("not a number")
		}
		nums[i] = n
	}
	switch len(nums) {
	case 3:
		b.Year, b.Month, b.Day = nums[0], nums[1], nums[2]
		if b.Year < 1900 || b.Year > 2100 {
			return bad("year out of range 1900–2100")
		}
	case 2:
		b.Month, b.Day = nums[0], nums[1]
	default:
		return bad("wrong number of parts")
	}
	if b.Month < 1 || b.Month > 12 {
		return bad("month must be 1–12")
	}
	if lunar {
		if b.Day < 1 || b.Day > 30 {
			return bad("lunar day must be 1–30")
		}
		return b, nil
	}
	y := b.Year
	if y == 0 {
		y = 2000 // a leap year, so --02-29 is allowed
	}
	t := time.Date(y, time.Month(b.Month), b.Day, 0, 0, 0, 0, time.UTC)
	if b.Day < 1 {
		return bad("no such day")
	}
	if t.Month() != time.Month(b.Month) {
		// Written right, a day the month does not have: say which, and
		// that a lunar month has 30 days (the usual cause of 02-30).
		days := time.Date(y, time.Month(b.Month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
		in := ""
		if b.Year != 0 {
			in = fmt.Sprintf(" in %d", b.Year)
		}
		return Birthday{}, Errorf(KindInvalid, "%q is not a solar birthday: %s has %d days%s; check the day, or mark it lunar (农历, --lunar) if it is a lunar date",
			s, time.Month(b.Month), days, in)
	}
	return b, nil
}
