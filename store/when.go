package store

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Dates the way people write them: what a rep types for a date (and, for
// ParseMoment, a time of day), relative to today. Every date is a day at
// midnight UTC, as rolo keeps dates everywhere.

// Lean says where a date that does not name its year (12/25, 12月25日) or
// a bare weekday (friday, 周五) falls.
type Lean int

const (
	// Nearest: a year-less date is the closest such day, before or after
	// today; a weekday is the coming one.
	Nearest Lean = iota
	// Back, for recording what happened (a purchase's --date, a contact's
	// --at): the last such day, today included.
	Back
	// Ahead, for scheduling (a follow-up, --until, --next): the coming
	// such day — a year-less date today included, a weekday after today.
	Ahead
)

// DateWords says, for error messages and help, what ParseDay accepts.
const DateWords = "2026-12-25, 12/25, 12月25日, +3d, -2w, 3 days ago, tomorrow, next friday, last friday, 上周五, 下周"

// ParseWhen is ParseDay leaning to the nearest day.
func ParseWhen(s string, today time.Time) (time.Time, error) { return ParseDay(s, today, Nearest) }

// ParseDay reads a date as a rep writes it, relative to today: an ISO date
// (2026-12-25, also 2026/12/25, 2026.12.25, 20261225, 2026年12月25日); a
// date without its year (12/25, 12-25, 12月25日), placed as lean says;
// today, tomorrow, yesterday, 今天, 明天, 后天, 大后天, 昨天, 前天, 大前天;
// offsets +3d, -2w, +1m, +1y, in 3 days, 3 days ago, 2 weeks later, 3天后,
// 两周前, 三个月后; weekdays monday, next monday, last monday, this monday,
// 周五, 下周五, 上周五, 这周五; next week, last week, 下周, 上周 (their
// Monday); next month, last month, 下个月, 上个月 (their first day); next
// year, last year, 明年, 去年 (1 January).
func ParseDay(s string, today time.Time, lean Lean) (time.Time, error) {
	today = Today(today)
	in := normalizeWhen(s)
	if t, err := time.Parse(DateLayout, in); err == nil {
		return t, nil
	}
	d, why := parseDayWords(in, today, lean)
	if why == "" {
		return d, nil
	}
	if why == "?" {
		return time.Time{}, Errorf(KindInvalid, "%q is not a date; write e.g. %s", s, DateWords)
	}
	return time.Time{}, Errorf(KindInvalid, "%q is not a date: %s", s, why)
}

// ParseMoment reads a date as ParseDay does, optionally followed (or
// replaced) by a time of day — 15:30, 3pm, 9:05 am, 下午3点, 下午3点半,
// 晚上8点15分, 15点 — in loc: "yesterday 15:30", "2026-11-20 09:00",
// "2026-11-20T09:00", "昨天下午3点", or just "15:30" for today. An RFC 3339
// timestamp is taken as it is. clock says a time of day was given; without
// one t is the day at midnight UTC.
func ParseMoment(s string, today time.Time, loc *time.Location, lean Lean) (t time.Time, clock bool, err error) {
	if ts, err := time.Parse(time.RFC3339, strings.TrimSpace(s)); err == nil {
		return ts, true, nil
	}
	in := isoT().ReplaceAllString(normalizeWhen(s), "$1 ")
	m := clockRE().FindStringSubmatch(in)
	if m == nil || (m[2] == "" && m[4] == "" && m[6] == "") {
		d, err := ParseDay(s, today, lean)
		return d, false, err
	}
	h, _ := strconv.Atoi(m[3])
	mi, sec := 0, 0
	if m[4] != "" {
		mi, _ = strconv.Atoi(m[4])
	}
	if m[5] != "" {
		sec, _ = strconv.Atoi(m[5])
	}
	switch suffix := m[6]; {
	case suffix == "点半":
		mi = 30
	case strings.HasPrefix(suffix, "点") && m[7] != "":
		mi, _ = strconv.Atoi(m[7])
	}
	bad := func(why string) (time.Time, bool, error) {
		return time.Time{}, false, Errorf(KindInvalid, "%q is not a time: %s; write e.g. 15:30, 3pm, 下午3点 or \"yesterday 15:30\"", s, why)
	}
	switch period, ampm := m[2], strings.ReplaceAll(m[6], ".", ""); {
	case ampm == "am" || ampm == "pm":
		if h < 1 || h > 12 {
			return bad("with am or pm the hour is 1–12")
		}
		h %= 12
		if ampm == "pm" {
			h += 12
		}
		if period != "" {
			return bad("both " + period + " and " + ampm)
		}
	case period == "下午" || period == "晚上":
		if h < 12 {
			h += 12
		}
	case period == "中午":
		if h < 6 {
			h += 12 // 中午1点 is 13:00
		}
	case period == "凌晨" || period == "上午" || period == "早上":
		if h == 12 {
			h = 0
		}
	}
	if h > 23 || mi > 59 || sec > 59 {
		return bad("no such time of day")
	}
	day := today
	if date := strings.TrimSpace(m[1]); date != "" {
		if day, err = ParseDay(date, today, lean); err != nil {
			return time.Time{}, false, err
		}
	} else {
		day = Today(today)
	}
	y, mo, d := day.Date()
	return time.Date(y, mo, d, h, mi, sec, 0, loc), true, nil
}

// clockRE (compiled on first use: every command would pay for it at
// start) splits "DATE TIME": the date (maybe empty), a period of the day
// (下午), hours, minutes, seconds, and a suffix (am, pm, 点, 点半, 点15分).
// A bare number is not a time: it needs minutes, a suffix or a period.
var clockRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(.*?) ?(?:(上午|早上|中午|下午|晚上|凌晨)\s*)?(\d{1,2})(?::(\d{2})(?::(\d{2}))?)?\s*(am|pm|a\.m\.|p\.m\.|点半|点(?:(\d{1,2})分?)?)?$`)
})

// isoT is the T of 2026-11-20T15:30, lower-cased.
var isoT = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(\d{4}-\d{1,2}-\d{1,2})t`) })

// normalizeWhen lower-cases s, turns full-width digits and punctuation
// (what a Chinese input method types: １２／２５, ：) into ASCII and
// collapses spaces.
func normalizeWhen(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.TrimSpace(s) {
		switch {
		case r >= '！' && r <= '～':
			r -= 0xFEE0
		case r == '\u3000':
			r = ' '
		}
		if r == ' ' || r == '\t' {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return strings.ToLower(b.String())
}

var (
	relativeDays = map[string]int{
		"today": 0, "今天": 0, "今日": 0, "tomorrow": 1, "明天": 1, "明日": 1, "后天": 2, "大后天": 3,
		"yesterday": -1, "昨天": -1, "昨日": -1, "前天": -2, "大前天": -3,
	}
	weekdays = map[string]time.Weekday{
		"sunday": time.Sunday, "sun": time.Sunday, "日": time.Sunday, "天": time.Sunday,
		"monday": time.Monday, "mon": time.Monday, "一": time.Monday,
		"tuesday": time.Tuesday, "tue": time.Tuesday, "tues": time.Tuesday, "二": time.Tuesday,
		"wednesday": time.Wednesday, "wed": time.Wednesday, "三": time.Wednesday,
		"thursday": time.Thursday, "thu": time.Thursday, "thur": time.Thursday, "thurs": time.Thursday, "四": time.Thursday,
		"friday": time.Friday, "fri": time.Friday, "五": time.Friday,
		"saturday": time.Saturday, "sat": time.Saturday, "六": time.Saturday,
	}
)

// The forms of a day in words, compiled the first time one is read (not
// at the start of every command: a millisecond of each look-up).
var dayForms = sync.OnceValue(func() (f struct{ fullDate, monthDay, offset, ago, cnAgo, cnWeek *regexp.Regexp }) {
	f.fullDate = regexp.MustCompile(`^(\d{4})(?:[-/.](\d{1,2})[-/.](\d{1,2})|年(\d{1,2})月(\d{1,2})[日号]?|(\d{2})(\d{2}))$`)
	f.monthDay = regexp.MustCompile(`^(\d{1,2})(?:[/-](\d{1,2})|月(\d{1,2})[日号]?)$`)
	f.offset = regexp.MustCompile(`^([+-])(\d{1,6}) ?([a-z]+|天|日|周|星期|个?月|年)$`)
	f.ago = regexp.MustCompile(`^(?:in )?(\d{1,6}|an?|one|two|three|four|five|six|seven|eight|nine|ten) ([a-z]+)(?: (ago|later|from now))?$`)
	f.cnAgo = regexp.MustCompile(`^(\d{1,6}|[零一二两三四五六七八九十]{1,3}) ?(天|日|周|个?星期|个?礼拜|个?月|年)(以?后|之后|以?前|之前)$`)
	f.cnWeek = regexp.MustCompile(`^(下下|上上|下个?|上个?|这个?|本)?(周|星期|礼拜)([一二三四五六日天])$`)
	return f
})

// parseDayWords reads every form but the plain ISO date. why is "" when it
// is a date, "?" when s is no kind of date, else what is wrong with it.
func parseDayWords(in string, today time.Time, lean Lean) (time.Time, string) {
	if n, ok := relativeDays[in]; ok {
		return today.AddDate(0, 0, n), ""
	}
	if m := dayForms().fullDate.FindStringSubmatch(in); m != nil {
		mo, d := m[2]+m[4]+m[6], m[3]+m[5]+m[7]
		y, _ := strconv.Atoi(m[1])
		return calendarDay(y, atoi(mo), atoi(d))
	}
	if m := dayForms().monthDay.FindStringSubmatch(in); m != nil {
		return yearless(atoi(m[1]), atoi(m[2]+m[3]), today, lean)
	}
	if m := dayForms().offset.FindStringSubmatch(in); m != nil {
		n := atoi(m[2])
		if m[1] == "-" {
			n = -n
		}
		if d, ok := addUnit(today, n, m[3]); ok {
			return d, ""
		}
		return time.Time{}, "?"
	}
	if m := dayForms().ago.FindStringSubmatch(in); m != nil && (m[3] != "") != strings.HasPrefix(in, "in ") {
		n, ok := englishCount(m[1])
		if m[3] == "ago" {
			n = -n
		}
		if d, ok2 := addUnit(today, n, m[2]); ok && ok2 {
			return d, ""
		}
		return time.Time{}, "?"
	}
	if m := dayForms().cnAgo.FindStringSubmatch(in); m != nil {
		n, ok := chineseCount(m[1])
		if strings.HasSuffix(m[3], "前") {
			n = -n
		}
		if d, ok2 := addUnit(today, n, strings.TrimPrefix(m[2], "个")); ok && ok2 {
			return d, ""
		}
		return time.Time{}, "?"
	}
	monday := today.AddDate(0, 0, -((int(today.Weekday()) + 6) % 7)) // weeks start on Monday
	if m := dayForms().cnWeek.FindStringSubmatch(in); m != nil {
		wd := weekdays[m[3]]
		inWeek := monday.AddDate(0, 0, (int(wd)+6)%7)
		switch strings.TrimSuffix(m[1], "个") {
		case "":
			return leanWeekday(today, wd, lean), ""
		case "下":
			return inWeek.AddDate(0, 0, 7), ""
		case "下下":
			return inWeek.AddDate(0, 0, 14), ""
		case "上":
			return inWeek.AddDate(0, 0, -7), ""
		case "上上":
			return inWeek.AddDate(0, 0, -14), ""
		}
		return inWeek, "" // 这周五, 本周五
	}
	which, rest := "", in
	for _, p := range []string{"next ", "last ", "this ", "coming ", "past "} {
		if strings.HasPrefix(in, p) {
			which, rest = strings.TrimSpace(p), strings.TrimPrefix(in, p)
			break
		}
	}
	if wd, ok := weekdays[rest]; ok && utf8.RuneCountInString(rest) > 1 {
		switch which {
		case "":
			return leanWeekday(today, wd, lean), ""
		case "next", "coming":
			return leanWeekday(today, wd, Ahead), ""
		case "last", "past":
			return today.AddDate(0, 0, -(((int(today.Weekday())-int(wd))+6)%7 + 1)), ""
		}
		return monday.AddDate(0, 0, (int(wd)+6)%7), "" // this friday: this week's
	}
	first := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, time.UTC)
	jan1 := time.Date(today.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	switch in {
	case "next week", "下周", "下星期", "下个星期", "下礼拜", "下个礼拜":
		return monday.AddDate(0, 0, 7), ""
	case "last week", "上周", "上星期", "上个星期", "上礼拜", "上个礼拜":
		return monday.AddDate(0, 0, -7), ""
	case "next month", "下个月", "下月":
		return first.AddDate(0, 1, 0), ""
	case "last month", "上个月", "上月":
		return first.AddDate(0, -1, 0), ""
	case "next year", "明年":
		return jan1.AddDate(1, 0, 0), ""
	case "last year", "去年":
		return jan1.AddDate(-1, 0, 0), ""
	}
	return time.Time{}, "?"
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}

// calendarDay is y-m-d, or why there is no such day.
func calendarDay(y, m, d int) (time.Time, string) {
	if m < 1 || m > 12 {
		return time.Time{}, fmt.Sprintf("there is no month %d; write the month before the day, e.g. 12/25", m)
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if d < 1 || t.Month() != time.Month(m) {
		return time.Time{}, fmt.Sprintf("%s %d has no day %d", time.Month(m), y, d)
	}
	return t, ""
}

// yearless places month m, day d in the year lean asks for.
func yearless(m, d int, today time.Time, lean Lean) (time.Time, string) {
	if m < 1 || m > 12 {
		return time.Time{}, fmt.Sprintf("there is no month %d; write the month before the day, e.g. 12/25", m)
	}
	if d < 1 || d > time.Date(2000, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day() {
		return time.Time{}, fmt.Sprintf("%s has no day %d", time.Month(m), d)
	}
	var best time.Time
	bestGap := -1
	for y := today.Year() - 4; y <= today.Year()+4; y++ { // 29 February: within four years
		t, why := calendarDay(y, m, d)
		if why != "" { // 29 February in a common year
			continue
		}
		gap := int(t.Sub(today).Hours() / 24)
		switch {
		case lean == Back && gap > 0, lean == Ahead && gap < 0:
			continue
		case lean == Back:
			gap = -gap
		case lean == Nearest && gap < 0:
			gap = -gap*2 + 1 // equally far: the day ahead wins
		case lean == Nearest:
			gap *= 2
		}
		if bestGap < 0 || gap < bestGap {
			best, bestGap = t, gap
		}
	}
	if bestGap < 0 {
		return time.Time{}, fmt.Sprintf("no %s %d near today; write the year", time.Month(m), d)
	}
	return best, ""
}

// leanWeekday is the weekday wd as lean places it.
func leanWeekday(today time.Time, wd time.Weekday, lean Lean) time.Time {
	if lean == Back {
		return today.AddDate(0, 0, -((int(today.Weekday()) - int(wd) + 7) % 7))
	}
	days := (int(wd) - int(today.Weekday()) + 7) % 7
	if days == 0 {
		days = 7 // "sunday" on a Sunday is the next one
	}
	return today.AddDate(0, 0, days)
}

// addUnit moves today by n units (d, w, m, y in English or Chinese).
func addUnit(today time.Time, n int, unit string) (time.Time, bool) {
	switch unit {
	case "d", "day", "days", "天", "日":
		return today.AddDate(0, 0, n), true
	case "w", "wk", "wks", "week", "weeks", "周", "星期", "礼拜":
		return today.AddDate(0, 0, 7*n), true
	case "m", "mo", "month", "months", "月":
		return today.AddDate(0, n, 0), true
	case "y", "yr", "yrs", "year", "years", "年":
		return today.AddDate(n, 0, 0), true
	}
	return time.Time{}, false
}

func englishCount(s string) (int, bool) {
	words := map[string]int{"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
		"seven": 7, "eight": 8, "nine": 9, "ten": 10}
	if n, ok := words[s]; ok {
		return n, true
	}
	n := atoi(s)
	return n, n >= 0
}

// chineseCount reads 3, 三, 两, 十, 十二, 二十, 二十五.
func chineseCount(s string) (int, bool) {
	if n := atoi(s); n >= 0 {
		return n, true
	}
	digit := map[rune]int{'零': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}
	one := func(rs []rune, empty int) (int, bool) {
		switch len(rs) {
		case 0:
			return empty, true
		case 1:
			n, ok := digit[rs[0]]
			return n, ok
		}
		return 0, false
	}
	head, tail, ten := strings.Cut(s, "十")
	if !ten {
		return one([]rune(s), -1)
	}
	tens, ok1 := one([]rune(head), 1)
	ones, ok2 := one([]rune(tail), 0)
	return 10*tens + ones, ok1 && ok2 && tens > 0
}

// ParseSince parses a start date: a span back from today such as 90d, 12w,
// 6m or 1y, or any date ParseDay reads, leaning back (last month, 上周,
// 2026-01-01).
func ParseSince(s string, today time.Time) (time.Time, error) {
	in := normalizeWhen(s)
	if t, err := time.Parse(DateLayout, in); err == nil {
		return t, nil
	}
	if m := dayForms().offset.FindStringSubmatch("-" + strings.TrimPrefix(in, "-")); m != nil {
		if d, ok := addUnit(Today(today), -atoi(m[2]), m[3]); ok {
			return d, nil
		}
	}
	if d, why := parseDayWords(in, Today(today), Back); why == "" {
		if d.After(Today(today)) {
			return time.Time{}, Errorf(KindInvalid, "%q is after today; a start date is today or before", s)
		}
		return d, nil
	}
	return time.Time{}, Errorf(KindInvalid, "%q is not a date or a span; write a span back such as 90d, 12w, 6m, 1y, or a date such as 2026-01-01 or last month", s)
}

// ContactMoment is when a contact written as w happened, as the notebook
// keeps it: an RFC 3339 stamp in UTC, whose calendar day is the rep's once
// moved to their zone (StampDay): 07:00 in Beijing is 23:00 UTC the day
// before. w is what ParseMoment reads in the rep's zone loc, looking back:
// a date alone is its midday, a time of day is on today; "" is now, or
// midday of today when the day looked at (today, the rep's) is not now's.
// A day after today is refused: the log is what happened, and a contact
// still to come is a follow-up.
func ContactMoment(w string, today, now time.Time, loc *time.Location) (string, error) {
	today = Today(today)
	midday := func(d time.Time) time.Time { return time.Date(d.Year(), d.Month(), d.Day(), 12, 0, 0, 0, loc) }
	if strings.TrimSpace(w) == "" {
		if now = now.In(loc); Today(now).Equal(today) {
			return now.UTC().Format(time.RFC3339), nil
		}
		return midday(today).UTC().Format(time.RFC3339), nil
	}
	t, clock, err := ParseMoment(w, today, loc, Back)
	if err != nil {
		return "", err
	}
	if clock {
		t = t.In(loc)
	} else {
		t = midday(t)
	}
	if day := Today(t); day.After(today) {
		return "", Errorf(KindInvalid, "%s is in the future; log a contact when it happens (a contact still to come is a follow-up)", day.Format(DateLayout))
	}
	return t.UTC().Format(time.RFC3339), nil
}
