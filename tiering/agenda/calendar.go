package agenda

import (
	"fmt"
	"sync"
	"time"

	"github.com/golang-module/carbon/v2/calendar/lunar"
)

// The lunar tables count days at midnight China Standard Time.
var cst = time.FixedZone("CST", 8*3600)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// lunarOf returns the lunar date of a solar day.
func lunarOf(t time.Time) (year, month, d int, leap bool, err error) {
	l := lunar.FromGregorian(time.Date(t.Year(), t.Month(), t.Day(), 12, 0, 0, 0, cst)).ToLunar()
	if l.Error != nil {
		return 0, 0, 0, false, l.Error
	}
	return l.Year(), l.Month(), l.Day(), l.IsLeapMonth(), nil
}

// SolarOfLunar returns the solar date of a lunar date in lunar year y. A
// leap-month date falls back to the ordinary month in years without that
// leap month; day 30 of a 29-day month falls back to day 29.
func SolarOfLunar(y, month, d int, leap bool) (time.Time, error) {
	// The conversion walks the lunar calendar from 1900 and the agenda asks
	// for it three times per lunar birthday; there are only a few thousand
	// distinct questions, so each answer is kept.
	key := lunarKey{y, month, d, leap}
	if a, ok := solarCache.Load(key); ok {
		a := a.(solarAnswer)
		return a.t, a.err
	}
	t, err := solarOfLunar(y, month, d, leap)
	solarCache.Store(key, solarAnswer{t, err})
	return t, err
}

type lunarKey struct {
	y, month, d int
	leap        bool
}

type solarAnswer struct {
	t   time.Time
	err error
}

var solarCache sync.Map // lunarKey → solarAnswer

func solarOfLunar(y, month, d int, leap bool) (time.Time, error) {
	if y < 1901 || y > 2099 || month < 1 || month > 12 || d < 1 || d > 30 {
		return time.Time{}, fmt.Errorf("lunar date %d-%02d-%02d is out of range", y, month, d)
	}
	if leap && lunar.FromLunar(y, 1, 1, 0, 0, 0, false).LeapMonth() != month {
		leap = false
	}
	for dd := d; dd >= 29; dd-- {
		t, err := rawSolar(y, month, dd, leap)
		if err != nil {
			return t, err
		}
		// Check the round trip: day 30 of a short month spills into the next.
		// (The library's leap flag on the way back is unreliable, so the day
		// decides: a spill lands on day 1.)
		if ly, lm, ld, _, err := lunarOf(t); err == nil && ly == y && lm == month && ld == dd {
			return t, nil
		}
		if dd < d || d < 29 {
			break
		}
	}
	return rawSolar(y, month, min(d, 29), leap)
}

func rawSolar(y, month, d int, leap bool) (time.Time, error) {
	g := lunar.FromLunar(y, month, d, 0, 0, 0, leap).ToGregorian()
	if g.Error != nil {
		return time.Time{}, g.Error
	}
	t := g.Time.In(cst)
	return day(t.Year(), t.Month(), t.Day()), nil
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
	Key   string // spring, lantern, dragon-boat, mid-autumn, or a solar festival's name
	Name  string // 春节 ...
	Month int
	Day   int
	Lunar bool
}

// LunarFestivals are the traditional festivals reps greet customers for.
var LunarFestivals = []Festival{
	{"spring", "春节 Spring Festival", 1, 1, true},
	{"lantern", "元宵节 Lantern Festival", 1, 15, true},
	{"dragon-boat", "端午节 Dragon Boat Festival", 5, 5, true},
	{"mid-autumn", "中秋节 Mid-Autumn Festival", 8, 15, true},
}

// Next returns the first date of the festival on or after t.
func (f Festival) Next(t time.Time) (time.Time, error) {
	return Birthday{Month: f.Month, Day: f.Day, Lunar: f.Lunar}.OnOrAfter(t)
}
