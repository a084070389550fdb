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

// Today is the date of t (in t's location) as midnight UTC.
func Today(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "sun": time.Sunday, "日": time.Sunday, "天": time.Sunday,
	"monday": time.Monday, "mon": time.Monday, "一": time.Monday,
	"tuesday": time.Tuesday, "tue": time.Tuesday, "二": time.Tuesday,
	"wednesday": time.Wednesday, "wed": time.Wednesday, "三": time.Wednesday,
	"thursday": time.Thursday, "thu": time.Thursday, "四": time.Thursday,
	"friday": time.Friday, "fri": time.Friday, "五": time.Friday,
	"saturday": time.Saturday, "sat": time.Saturday, "六": time.Saturday,
}

// ParseWhen parses a date a rep would type, relative to today: an ISO date,
// today, tomorrow, yesterday, +3d, -2w, +1m, +1y, monday, next monday, and
// the Chinese 今天, 明天, 后天, 昨天, 周一, 下周一.
func ParseWhen(s string, today time.Time) (time.Time, error) {
	today = Today(today)
	in := strings.ToLower(strings.TrimSpace(s))
	switch in {
	case "today", "今天":
		return today, nil
	case "tomorrow", "明天":
		return today.AddDate(0, 0, 1), nil
	case "后天":
		return today.AddDate(0, 0, 2), nil
	case "yesterday", "昨天":
		return today.AddDate(0, 0, -1), nil
	}
	if t, err := time.Parse(DateLayout, in); err == nil {
		return t, nil
	}
	if len(in) > 1 && (in[0] == '+' || in[0] == '-') {
		if t, ok := offsetDate(in, today); ok {
			return t, nil
		}
	}
	next := false
	rest := in
	for _, p := range []string{"next ", "下周", "下星期", "下礼拜"} {
		if strings.HasPrefix(rest, p) {
			next, rest = true, strings.TrimPrefix(rest, p)
			break
		}
	}
	for _, p := range []string{"周", "星期", "礼拜"} {
		if !next && strings.HasPrefix(rest, p) {
			rest = strings.TrimPrefix(rest, p)
			break
		}
	}
	if wd, ok := weekdays[rest]; ok {
		days := (int(wd) - int(today.Weekday()) + 7) % 7
		if days == 0 {
			days = 7
		}
		if next && strings.HasPrefix(in, "下") {
			// 下周一 is Monday of next week, not the coming Monday.
			monday := today.AddDate(0, 0, -((int(today.Weekday())+6)%7)+7)
			return monday.AddDate(0, 0, (int(wd)+6)%7), nil
		}
		return today.AddDate(0, 0, days), nil
	}
	return time.Time{}, Errorf(KindInvalid, "%q is not a date; use YYYY-MM-DD, +3d, +2w, tomorrow or next monday", s)
}

func offsetDate(in string, today time.Time) (time.Time, bool) {
	n, unit, ok := splitCount(in[1:])
	if !ok {
		return time.Time{}, false
	}
	if in[0] == '-' {
		n = -n
	}
	switch unit {
	case "d", "day", "days", "天":
		return today.AddDate(0, 0, n), true
	case "w", "week", "weeks", "周":
		return today.AddDate(0, 0, 7*n), true
	case "m", "month", "months", "月":
		return today.AddDate(0, n, 0), true
	case "y", "year", "years", "年":
		return today.AddDate(n, 0, 0), true
	}
	return time.Time{}, false
}

func splitCount(s string) (int, string, bool) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 || i > 6 {
		return 0, "", false
	}
	n, err := strconv.Atoi(s[:i])
	if err != nil {
		return 0, "", false
	}
	return n, strings.TrimSpace(s[i:]), true
}

// ParseSince parses a start date: an ISO date or a span back from today
// such as 90d, 12w, 6m or 1y.
func ParseSince(s string, today time.Time) (time.Time, error) {
	in := strings.TrimSpace(s)
	if t, err := time.Parse(DateLayout, in); err == nil {
		return t, nil
	}
	if t, ok := offsetDate("-"+strings.TrimPrefix(in, "-"), Today(today)); ok {
		return t, nil
	}
	return time.Time{}, Errorf(KindInvalid, "%q is not a date or a span; use YYYY-MM-DD or 90d, 12w, 6m, 1y", s)
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
		return Birthday{}, Errorf(KindInvalid, "%q is not a %s birthday (%s); write YYYY-MM-DD, or --MM-DD when the year is unknown", s, kind, why)
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
	if b.Day < 1 || t.Month() != time.Month(b.Month) {
		return bad("no such day")
	}
	return b, nil
}
