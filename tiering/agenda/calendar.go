package agenda

//go:generate go run calendar_gen.go

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// The lunar calendar is github.com/6tail/lunar-go's, turned by go generate
// (calendar_gen.go) into the table lunarYears in calendar_table.go. Linked
// in, lunar-go would decode its astronomical tables when every rolo process
// starts (1–2 ms and 240 KB, GODEBUG=inittrace=1) and work out a year's new
// moons and solar terms for each question (about 0.6 ms); the table costs
// nothing at start-up and about 15 ns an answer.
// TestLunarTableIsCurrent checks the table against lunar-go month by month;
// TestLunarCalendarAgainstHKO checks the functions below against the Hong
// Kong Observatory's tables (testdata/lunar_1901_2099.txt).

// The first and last lunar years that lunarYears describes.
const firstLunarYear, lastLunarYear = 1901, 2099

// lunarYear is one lunar year of the table.
type lunarYear struct {
	newYear int32  // its first day (正月初一), in days since 1970-01-01
	long    uint16 // bit i set: the year's month i (0-based, in calendar order, a leap month counted where it falls) has 30 days, not 29
	leap    uint8  // the month its leap month follows (闰四月: 4), 0 for none
}

// LeapMonth is the month lunar year y's leap month follows (闰四月: 4), 0
// when the year has none; ok is false outside the table (1901–2099).
func LeapMonth(y int) (month int, ok bool) {
	if y < firstLunarYear || y > lastLunarYear {
		return 0, false
	}
	return int(lunarYears[y-firstLunarYear].leap), true
}

// months is the number of months in the year, 12 or 13.
func (ly lunarYear) months() int {
	if ly.leap != 0 {
		return 13
	}
	return 12
}

// length is the number of days of the year's month i (0-based, calendar order).
func (ly lunarYear) length(i int) int { return 29 + int(ly.long>>i&1) }

// index is the calendar-order position of month (or of its leap month).
func (ly lunarYear) index(month int, leap bool) int {
	i := month - 1
	if ly.leap != 0 && (month > int(ly.leap) || leap && month == int(ly.leap)) {
		i++
	}
	return i
}

// monthStart is the first day of the year's month i, in days since 1970-01-01.
func (ly lunarYear) monthStart(i int) int {
	d := int(ly.newYear)
	for j := range i {
		d += ly.length(j)
	}
	return d
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// unixDays counts days from 1970-01-01 to the calendar date of t.
func unixDays(t time.Time) int {
	return int(day(t.Year(), t.Month(), t.Day()).Unix() / 86400)
}

func dayOfUnixDays(n int) time.Time { return time.Unix(int64(n)*86400, 0).UTC() }

// lunarOf returns the lunar date of a solar day (its calendar date, as in
// China Standard Time).
func lunarOf(t time.Time) (year, month, d int, leap bool, err error) {
	n := unixDays(t)
	last := lunarYears[len(lunarYears)-1]
	if n < int(lunarYears[0].newYear) || n >= last.monthStart(last.months()) {
		return 0, 0, 0, false, fmt.Errorf("%s is outside lunar years %d–%d", t.Format("2006-01-02"), firstLunarYear, lastLunarYear)
	}
	y := lastLunarYear
	for n < int(lunarYears[y-firstLunarYear].newYear) {
		y--
	}
	ly := lunarYears[y-firstLunarYear]
	i, start := 0, int(ly.newYear)
	for n >= start+ly.length(i) {
		start += ly.length(i)
		i++
	}
	month, leap = i+1, false
	if ly.leap != 0 && i >= int(ly.leap) {
		month, leap = i, i == int(ly.leap)
	}
	return y, month, n - start + 1, leap, nil
}

// SolarOfLunar returns the solar date of a lunar date in lunar year y. A
// leap-month date falls back to the ordinary month in years without that
// leap month; day 30 of a 29-day month falls back to day 29.
//
// The agenda asks three times per lunar birthday. The answers are worked
// out in advance, for every month of every year, in the generated table:
// an answer is a few additions (about 15 ns, where the sync.Map that kept
// the answers of the old, slower library took about 100 ns to look one up).
func SolarOfLunar(y, month, d int, leap bool) (time.Time, error) {
	if y < firstLunarYear || y > lastLunarYear || month < 1 || month > 12 || d < 1 || d > 30 {
		return time.Time{}, fmt.Errorf("lunar date %d-%02d-%02d is out of range", y, month, d)
	}
	ly := lunarYears[y-firstLunarYear]
	if leap && int(ly.leap) != month {
		leap = false
	}
	i := ly.index(month, leap)
	d = min(d, ly.length(i))
	return dayOfUnixDays(ly.monthStart(i) + d - 1), nil
}

// Birthday is a yearly date: solar month/day, or lunar month/day (maybe in
// a leap month).
type Birthday struct {
	Month, Day  int
	Lunar, Leap bool
}

// OnOrAfter returns the first occurrence of the birthday on or after t.
// A solar 29 February is kept on 28 February in common years.
func (b Birthday) OnOrAfter(t time.Time) (time.Time, error) {
	t = day(t.Year(), t.Month(), t.Day())
	if !b.Lunar {
		for y := t.Year(); y <= t.Year()+1; y++ {
			d := solarInYear(y, b.Month, b.Day)
			if !d.Before(t) {
				return d, nil
			}
		}
		return time.Time{}, fmt.Errorf("no birthday found")
	}
	// The lunar year of t may have started after t's solar new year: try the
	// lunar year before, this one and the next.
	for y := t.Year() - 1; y <= t.Year()+1; y++ {
		d, err := SolarOfLunar(y, b.Month, b.Day, b.Leap)
		if err != nil {
			return d, err
		}
		if !d.Before(t) {
			return d, nil
		}
	}
	return time.Time{}, fmt.Errorf("no lunar birthday found")
}

func solarInYear(y, m, d int) time.Time {
	if m == 2 && d == 29 && !isLeap(y) {
		return day(y, 2, 28)
	}
	return day(y, time.Month(m), d)
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// Festival is a yearly greeting occasion.
type Festival struct {
	Key     string // spring, lantern, dragon-boat, mid-autumn, or a configured festival's name
	Name    string // 春节 ...
	Month   int
	Day     int
	Lunar   bool
	Aliases []string // other names it is asked for by: 春节, 过年, chinese new year...
}

// LunarFestivals are the traditional festivals reps greet customers for.
var LunarFestivals = []Festival{
	{"spring", "春节 Spring Festival", 1, 1, true, []string{"春节", "过年", "新春", "chinese new year", "lunar new year", "spring festival"}},
	{"lantern", "元宵节 Lantern Festival", 1, 15, true, []string{"元宵", "元宵节", "lantern festival"}},
	{"dragon-boat", "端午节 Dragon Boat Festival", 5, 5, true, []string{"端午", "端午节", "dragon boat", "dragon boat festival", "dragonboat"}},
	{"mid-autumn", "中秋节 Mid-Autumn Festival", 8, 15, true, []string{"中秋", "中秋节", "mid autumn", "midautumn", "mid-autumn festival", "moon festival"}},
}

// Is reports whether the festival goes by the name q: its key, its name or
// one of its aliases, in any letter case.
func (f Festival) Is(q string) bool {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" {
		return false
	}
	if q == f.Key || q == strings.ToLower(f.Name) {
		return true
	}
	for _, a := range f.Aliases {
		if q == strings.ToLower(a) {
			return true
		}
	}
	return false
}

// MergeFestivals keeps one festival for each day of each calendar: a
// festival on the day of one before it in fs (中秋 configured on the lunar
// 08-15, Christmas and 圣诞节 on the same 12-25) is the same occasion, one
// greeting a year, and its names become the first one's aliases, so it is
// still asked for by them. The order of fs is kept.
func MergeFestivals(fs []Festival) []Festival {
	type when struct {
		lunar      bool
		month, day int
	}
	at := map[when]int{}
	var out []Festival
	for _, f := range fs {
		w := when{f.Lunar, f.Month, f.Day}
		i, ok := at[w]
		if !ok {
			at[w] = len(out)
			f.Aliases = slices.Clone(f.Aliases)
			out = append(out, f)
			continue
		}
		for _, name := range append([]string{f.Key, f.Name}, f.Aliases...) {
			if !out[i].Is(name) {
				out[i].Aliases = append(out[i].Aliases, name)
			}
		}
	}
	return out
}

// Next returns the first date of the festival on or after t.
func (f Festival) Next(t time.Time) (time.Time, error) {
	return Birthday{Month: f.Month, Day: f.Day, Lunar: f.Lunar}.OnOrAfter(t)
}
