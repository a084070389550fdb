package store

import (
	"strings"
	"testing"
	"time"
)

func TestParseDay(t *testing.T) {
	sunday := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC) // a Sunday
	tests := []struct {
		in   string
		lean Lean
		want string
	}{
		// Full dates, as people and spreadsheets write them.
		{"2026-12-25", Nearest, "2026-12-25"},
		{"2026/12/25", Nearest, "2026-12-25"},
		{"2026.12.5", Nearest, "2026-12-05"},
		{"20261225", Nearest, "2026-12-25"},
		{"2026年12月25日", Nearest, "2026-12-25"},
		{"2026年1月5号", Nearest, "2026-01-05"},
		{"２０２６／１２／２５", Nearest, "2026-12-25"}, // full-width, from a Chinese input method
		// Without the year: month first; the lean picks the year.
		{"12/25", Nearest, "2026-12-25"},
		{"12月25日", Nearest, "2026-12-25"},
		{"12-25", Nearest, "2026-12-25"},
		{"12/25", Back, "2025-12-25"},
		{"12/25", Ahead, "2026-12-25"},
		{"1/5", Nearest, "2027-01-05"},
		{"1/5", Back, "2026-01-05"},
		{"3/1", Nearest, "2027-03-01"}, // 99 days ahead beats 266 back
		{"6/1", Nearest, "2026-06-01"}, // 174 back beats 191 ahead
		{"11月22日", Back, "2026-11-22"},
		{"11月22日", Ahead, "2026-11-22"},
		{"2/29", Ahead, "2028-02-29"},
		{"2/29", Back, "2024-02-29"},
		{"2/29", Nearest, "2028-02-29"},
		// Words.
		{"today", Nearest, "2026-11-22"},
		{"今天", Nearest, "2026-11-22"},
		{"Tomorrow", Nearest, "2026-11-23"},
		{"后天", Nearest, "2026-11-24"},
		{"大后天", Nearest, "2026-11-25"},
		{"yesterday", Nearest, "2026-11-21"},
		{"前天", Nearest, "2026-11-20"},
		// Offsets.
		{"+3d", Nearest, "2026-11-25"},
		{"-3d", Nearest, "2026-11-19"},
		{"+2w", Nearest, "2026-12-06"},
		{"+1m", Nearest, "2026-12-22"},
		{"+1y", Nearest, "2027-11-22"},
		{"+3 days", Nearest, "2026-11-25"},
		{"3 days ago", Nearest, "2026-11-19"},
		{"a week ago", Nearest, "2026-11-15"},
		{"2 weeks later", Nearest, "2026-12-06"},
		{"in 3 days", Nearest, "2026-11-25"},
		{"in two months", Nearest, "2027-01-22"},
		{"3天前", Nearest, "2026-11-19"},
		{"3 天后", Nearest, "2026-11-25"},
		{"两周后", Nearest, "2026-12-06"},
		{"三个月后", Nearest, "2027-02-22"},
		{"十天以前", Nearest, "2026-11-12"},
		{"二十天后", Nearest, "2026-12-12"},
		{"一年前", Nearest, "2025-11-22"},
		// Weekdays: weeks start on Monday; 2026-11-16..22 is this week.
		{"monday", Nearest, "2026-11-23"},
		{"next monday", Nearest, "2026-11-23"},
		{"sunday", Nearest, "2026-11-29"}, // the coming Sunday, not today
		{"sunday", Back, "2026-11-22"},    // recording: today
		{"friday", Back, "2026-11-20"},
		{"friday", Ahead, "2026-11-27"},
		{"last friday", Nearest, "2026-11-20"},
		{"last sunday", Nearest, "2026-11-15"},
		{"this friday", Nearest, "2026-11-20"},
		{"周五", Nearest, "2026-11-27"},
		{"周五", Back, "2026-11-20"},
		{"星期五", Nearest, "2026-11-27"},
		{"下周一", Nearest, "2026-11-23"},
		{"下周日", Nearest, "2026-11-29"},
		{"上周五", Nearest, "2026-11-13"},
		{"这周五", Nearest, "2026-11-20"},
		{"本周一", Nearest, "2026-11-16"},
		{"下下周一", Nearest, "2026-11-30"},
		{"上个星期三", Nearest, "2026-11-11"},
		// Weeks, months and years: their first day.
		{"next week", Nearest, "2026-11-23"},
		{"下周", Nearest, "2026-11-23"},
		{"last week", Nearest, "2026-11-09"},
		{"上周", Nearest, "2026-11-09"},
		{"next month", Nearest, "2026-12-01"},
		{"上个月", Nearest, "2026-10-01"},
		{"明年", Nearest, "2027-01-01"},
		{"last year", Nearest, "2025-01-01"},
	}
	for _, tt := range tests {
		got, err := ParseDay(tt.in, sunday, tt.lean)
		if err != nil || got.Format(DateLayout) != tt.want {
			t.Errorf("ParseDay(%q, lean %d) = %s, %v; want %s", tt.in, tt.lean, got.Format(DateLayout), err, tt.want)
		}
	}
	wednesday := sunday.AddDate(0, 0, 3)
	for in, want := range map[string]string{"周五": "2026-11-27", "下周五": "2026-12-04", "next friday": "2026-11-27",
		"下周一": "2026-11-30", "上周五": "2026-11-20", "last friday": "2026-11-20", "last wednesday": "2026-11-18",
		"this monday": "2026-11-23", "下周": "2026-11-30"} {
		got, err := ParseDay(in, wednesday, Nearest)
		if err != nil || got.Format(DateLayout) != want {
			t.Errorf("on a Wednesday ParseDay(%q) = %s, %v; want %s", in, got.Format(DateLayout), err, want)
		}
	}
}

func TestParseDayErrors(t *testing.T) {
	today := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	tests := map[string]string{
		"soon":       `"soon" is not a date; write e.g. ` + DateWords,
		"":           `"" is not a date; write e.g. ` + DateWords,
		"2026-02-30": `"2026-02-30" is not a date: February 2026 has no day 30`,
		"2026-13-01": `"2026-13-01" is not a date: there is no month 13; write the month before the day, e.g. 12/25`,
		"25/12":      `"25/12" is not a date: there is no month 25; write the month before the day, e.g. 12/25`,
		"4月31日":      `"4月31日" is not a date: April has no day 31`,
		"+3x":        `"+3x" is not a date; write e.g. ` + DateWords,
		"3 days":     `"3 days" is not a date; write e.g. ` + DateWords,
		"+9999999d":  `"+9999999d" is not a date; write e.g. ` + DateWords,
		"next":       `"next" is not a date; write e.g. ` + DateWords,
		"十十天后":       `"十十天后" is not a date; write e.g. ` + DateWords,
	}
	for in, want := range tests {
		if _, err := ParseDay(in, today, Nearest); err == nil || err.Error() != want {
			t.Errorf("ParseDay(%q): %v\nwant %s", in, err, want)
		}
	}
}

func TestParseMoment(t *testing.T) {
	today := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	shanghai := time.FixedZone("CST", 8*3600)
	tests := []struct{ in, want string }{
		{"15:30", "2026-11-22T15:30:00+08:00"},
		{"9:05", "2026-11-22T09:05:00+08:00"},
		{"3pm", "2026-11-22T15:00:00+08:00"},
		{"9:05 am", "2026-11-22T09:05:00+08:00"},
		{"12am", "2026-11-22T00:00:00+08:00"},
		{"12 pm", "2026-11-22T12:00:00+08:00"},
		{"yesterday 15:30", "2026-11-21T15:30:00+08:00"},
		{"2026-11-20 09:00", "2026-11-20T09:00:00+08:00"},
		{"2026-11-20T09:00", "2026-11-20T09:00:00+08:00"},
		{"2026-11-20 09:00:30", "2026-11-20T09:00:30+08:00"},
		{"friday 10:00", "2026-11-20T10:00:00+08:00"}, // leaning back: the last Friday
		{"下午3点", "2026-11-22T15:00:00+08:00"},
		{"下午3点半", "2026-11-22T15:30:00+08:00"},
		{"晚上8点15分", "2026-11-22T20:15:00+08:00"},
		{"上午10点", "2026-11-22T10:00:00+08:00"},
		{"中午12点", "2026-11-22T12:00:00+08:00"},
		{"中午1点", "2026-11-22T13:00:00+08:00"},
		{"15点", "2026-11-22T15:00:00+08:00"},
		{"昨天下午3点", "2026-11-21T15:00:00+08:00"},
		{"上周五 下午2:30", "2026-11-13T14:30:00+08:00"},
		{"12/20 9:00", "2026-12-20T09:00:00+08:00"[:0] + "2025-12-20T09:00:00+08:00"},
		{"2026-11-20T01:02:03Z", "2026-11-20T01:02:03Z"},
	}
	for _, tt := range tests {
		got, clock, err := ParseMoment(tt.in, today, shanghai, Back)
		if err != nil || !clock || got.Format(time.RFC3339) != tt.want {
			t.Errorf("ParseMoment(%q) = %s, %v, %v; want %s", tt.in, got.Format(time.RFC3339), clock, err, tt.want)
		}
	}
	for _, in := range []string{"yesterday", "2026-11-20", "12/20", "3 days ago"} {
		got, clock, err := ParseMoment(in, today, shanghai, Back)
		if err != nil || clock || got.Hour() != 0 || got.Location() != time.UTC {
			t.Errorf("ParseMoment(%q) = %v, %v, %v; want a date without a time", in, got, clock, err)
		}
	}
	for in, want := range map[string]string{
		"25:00":     `"25:00" is not a time: no such time of day; write e.g. 15:30, 3pm, 下午3点 or "yesterday 15:30"`,
		"13pm":      `"13pm" is not a time: with am or pm the hour is 1–12; write e.g. 15:30, 3pm, 下午3点 or "yesterday 15:30"`,
		"soon 3pm":  `"soon" is not a date; write e.g. ` + DateWords,
		"下午3pm":     `"下午3pm" is not a time: both 下午 and pm; write e.g. 15:30, 3pm, 下午3点 or "yesterday 15:30"`,
		"10:61":     `"10:61" is not a time: no such time of day; write e.g. 15:30, 3pm, 下午3点 or "yesterday 15:30"`,
		"someday 9": `"someday 9" is not a date; write e.g. ` + DateWords,
	} {
		if _, _, err := ParseMoment(in, today, shanghai, Back); err == nil || err.Error() != want {
			t.Errorf("ParseMoment(%q): %v\nwant %s", in, err, want)
		}
	}
}

func TestParseSinceWords(t *testing.T) {
	today := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	for in, want := range map[string]string{"90d": "2026-08-24", "-2w": "2026-11-08", "1y": "2025-11-22", "2026-01-01": "2026-01-01",
		"last month": "2026-10-01", "上周": "2026-11-09", "12/25": "2025-12-25", "3 days ago": "2026-11-19"} {
		got, err := ParseSince(in, today)
		if err != nil || got.Format(DateLayout) != want {
			t.Errorf("ParseSince(%q) = %s, %v; want %s", in, got.Format(DateLayout), err, want)
		}
	}
	for _, in := range []string{"next month", "tomorrow", "x"} {
		if _, err := ParseSince(in, today); err == nil {
			t.Errorf("ParseSince(%q) accepted", in)
		}
	}
}

// A contact's moment is read in the rep's zone and kept in UTC: now, a
// time of day, or a date's midday; never a day after today.
func TestContactMoment(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	today := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	now := time.Date(2026, 12, 1, 23, 30, 0, 0, time.UTC) // 07:30 on 2 December in Beijing
	for _, c := range []struct{ w, want string }{
		{"", "2026-12-01T23:30:00Z"},
		{"07:00", "2026-12-01T23:00:00Z"},
		{"昨天下午3点", "2026-12-01T07:00:00Z"},
		{"2026-11-20", "2026-11-20T04:00:00Z"},
		{"2026-11-20T23:00:00Z", "2026-11-20T23:00:00Z"},
		{"明天", ""},
		{"2026-12-03 01:00", ""},
	} {
		got, err := ContactMoment(c.w, today, now, cst)
		if c.want == "" {
			if err == nil || KindOf(err) != KindInvalid || !strings.Contains(err.Error(), "in the future") {
				t.Errorf("%q: %q, %v; want refused as in the future", c.w, got, err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%q: %q, %v; want %s", c.w, got, err, c.want)
		}
	}
	// Looking at another day than now's: its midday.
	if got, err := ContactMoment("", today.AddDate(0, 0, -3), now, cst); err != nil || got != "2026-11-29T04:00:00Z" {
		t.Errorf("now, looking at 29 November: %q, %v", got, err)
	}
}
