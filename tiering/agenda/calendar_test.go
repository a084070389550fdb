package agenda

import (
	"testing"
	"time"
)

func d(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestSolarOfLunar(t *testing.T) {
	tests := []struct {
		y, m, d int
		leap    bool
		want    string
	}{
		{2026, 8, 15, false, "2026-09-25"}, // Mid-Autumn 2026
		{2027, 8, 15, false, "2027-09-15"},
		{2027, 1, 1, false, "2027-02-06"}, // Spring Festival 2027
		{2026, 1, 1, false, "2026-02-17"},
		{2025, 6, 1, true, "2025-07-25"},    // 闰六月初一
		{2025, 6, 1, false, "2025-06-25"},   // 六月初一
		{2026, 6, 1, true, "2026-07-14"},    // no leap 6th month in 2026: the ordinary month
		{2023, 2, 30, false, "2023-03-21"},  // 二月 2023 has 29 days: day 29
		{2024, 12, 30, false, "2025-01-28"}, // 腊月 2024 has 29 days: 除夕 is 廿九, the eve of 2025-01-29
	}
	for _, tt := range tests {
		got, err := SolarOfLunar(tt.y, tt.m, tt.d, tt.leap)
		if err != nil || got.Format("2006-01-02") != tt.want {
			t.Errorf("SolarOfLunar(%d,%d,%d,%v) = %s, %v; want %s", tt.y, tt.m, tt.d, tt.leap, got.Format("2006-01-02"), err, tt.want)
		}
	}
}

func TestBirthdayOnOrAfter(t *testing.T) {
	tests := []struct {
		b    Birthday
		from string
		want string
	}{
		{Birthday{Month: 8, Day: 15, Lunar: true}, "2026-09-01", "2026-09-25"},
		{Birthday{Month: 8, Day: 15, Lunar: true}, "2026-09-26", "2027-09-15"},
		{Birthday{Month: 12, Day: 20, Lunar: true}, "2027-01-01", "2027-01-27"}, // 腊月 of lunar year 2026 falls in solar 2027
		{Birthday{Month: 1, Day: 1, Lunar: true}, "2026-11-22", "2027-02-06"},
		{Birthday{Month: 2, Day: 29}, "2027-01-01", "2027-02-28"}, // common year
		{Birthday{Month: 2, Day: 29}, "2028-01-01", "2028-02-29"},
		{Birthday{Month: 11, Day: 22}, "2026-11-22", "2026-11-22"},
		{Birthday{Month: 11, Day: 21}, "2026-11-22", "2027-11-21"},
		{Birthday{Month: 6, Day: 10, Lunar: true, Leap: true}, "2025-01-01", "2025-08-03"}, // 闰六月初十
		{Birthday{Month: 6, Day: 10, Lunar: true, Leap: true}, "2026-01-01", "2026-07-23"}, // 2026: ordinary 六月初十
	}
	for _, tt := range tests {
		got, err := tt.b.OnOrAfter(d(tt.from))
		if err != nil || got.Format("2006-01-02") != tt.want {
			t.Errorf("%+v from %s = %s, %v; want %s", tt.b, tt.from, got.Format("2006-01-02"), err, tt.want)
		}
	}
}
