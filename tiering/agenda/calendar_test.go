package agenda

import (
	"bufio"
	"fmt"
	"os"
	"strings"
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

// The dates the old library (carbon's calendar/lunar) got wrong and the ones
// every almanac quotes, by hand from the HKO tables (testdata header).
func TestLunarKnownDates(t *testing.T) {
	tests := []struct {
		name    string
		y, m, d int
		leap    bool
		want    string
	}{
		{"Mid-Autumn 2033 (leap month after the 11th, not the 7th)", 2033, 8, 15, false, "2033-09-08"},
		{"闰十一月初一 2033", 2033, 11, 1, true, "2033-12-22"},
		{"十一月初一 2033", 2033, 11, 1, false, "2033-11-22"},
		{"九月初九 2033", 2033, 9, 9, false, "2033-10-01"},
		{"Spring Festival 2034", 2034, 1, 1, false, "2034-02-19"},
		{"Mid-Autumn 1978 (new moon 00:09 CST on 1978-09-03)", 1978, 8, 15, false, "1978-09-17"},
		{"闰四月初一 2020", 2020, 4, 1, true, "2020-05-23"},
		{"Mid-Autumn 2020", 2020, 8, 15, false, "2020-10-01"},
		{"闰二月初一 2023", 2023, 2, 1, true, "2023-03-22"},
		{"Mid-Autumn 2023", 2023, 8, 15, false, "2023-09-29"},
		{"闰六月初一 2025", 2025, 6, 1, true, "2025-07-25"},
		{"Mid-Autumn 2025", 2025, 8, 15, false, "2025-10-06"},
		{"Spring Festival 2027", 2027, 1, 1, false, "2027-02-06"},
		{"Mid-Autumn 2026", 2026, 8, 15, false, "2026-09-25"},
		{"Mid-Autumn 2028", 2028, 8, 15, false, "2028-10-03"},
		{"Mid-Autumn 2057", 2057, 8, 15, false, "2057-09-13"},
		// HKO (and ICU4X, .NET) start 九月 2057 on 09-28, lunar-go on 09-29:
		// the new moon falls seconds before midnight China Standard Time,
		// closer than its prediction can be, and HKO's tables say they may be
		// a day out there. The only month start 1901–2099 where lunar-go and
		// the HKO-derived table differ; pinned so that a change is noticed.
		{"九月初一 2057 (new moon 23:59:49 CST on 2057-09-28)", 2057, 9, 1, false, "2057-09-29"},
		{"Spring Festival 2058", 2058, 1, 1, false, "2058-01-24"},
		{"闰四月初一 2058", 2058, 4, 1, true, "2058-05-22"},
		{"Mid-Autumn 2089 (new moon 23:57 CST on 2089-09-04)", 2089, 8, 15, false, "2089-09-18"},
	}
	for _, tt := range tests {
		got, err := SolarOfLunar(tt.y, tt.m, tt.d, tt.leap)
		if err != nil || got.Format("2006-01-02") != tt.want {
			t.Errorf("%s: SolarOfLunar(%d,%d,%d,%v) = %s, %v; want %s", tt.name, tt.y, tt.m, tt.d, tt.leap, got.Format("2006-01-02"), err, tt.want)
		}
	}
}

// Leap-month birthdays and day 30, worked by hand from the HKO tables:
// 2020's 四月 runs 04-23..05-22 (30 days) and its 闰四月 05-23..06-20 (29
// days); 2021 has no leap month and its 四月 starts 2021-05-12; 2033's 十一月
// starts 11-22 and its 闰十一月 12-22 (29 days).
func TestLeapMonthBirthdays(t *testing.T) {
	tests := []struct {
		b    Birthday
		from string
		want string
	}{
		{Birthday{Month: 4, Day: 10, Lunar: true, Leap: true}, "2020-01-01", "2020-06-01"}, // 闰四月初十
		{Birthday{Month: 4, Day: 10, Lunar: true, Leap: true}, "2020-06-02", "2021-05-21"}, // 2021: no 闰四月, so 四月初十
		{Birthday{Month: 4, Day: 10, Lunar: true}, "2020-01-01", "2020-05-02"},             // 四月初十, not the leap month's
		{Birthday{Month: 4, Day: 10, Lunar: true}, "2020-05-03", "2021-05-21"},             // the leap month's 初十 is not this birthday
		{Birthday{Month: 4, Day: 30, Lunar: true, Leap: true}, "2020-01-01", "2020-06-20"}, // 闰四月 has 29 days: 廿九
		{Birthday{Month: 4, Day: 30, Lunar: true}, "2020-01-01", "2020-05-22"},             // 四月 has 30 days
		{Birthday{Month: 11, Day: 15, Lunar: true, Leap: true}, "2033-06-01", "2034-01-05"},
		{Birthday{Month: 11, Day: 15, Lunar: true}, "2033-06-01", "2033-12-06"},
		{Birthday{Month: 11, Day: 30, Lunar: true, Leap: true}, "2033-06-01", "2034-01-19"}, // 闰十一月 has 29 days
		{Birthday{Month: 8, Day: 20, Lunar: true}, "2033-09-01", "2033-09-13"},              // months 8–11 of 2033 are not a month late
	}
	for _, tt := range tests {
		got, err := tt.b.OnOrAfter(d(tt.from))
		if err != nil || got.Format("2006-01-02") != tt.want {
			t.Errorf("%+v from %s = %s, %v; want %s", tt.b, tt.from, got.Format("2006-01-02"), err, tt.want)
		}
	}
	mid := LunarFestivals[3]
	if got, err := mid.Next(d("2033-09-01")); err != nil || got != d("2033-09-08") {
		t.Errorf("Mid-Autumn after 2033-09-01 = %s, %v; want 2033-09-08", got.Format("2006-01-02"), err)
	}
}

// Every Spring Festival, Mid-Autumn Festival and leap month 1901–2099
// against the Hong Kong Observatory's tables (see the header of the file).
func TestLunarCalendarAgainstHKO(t *testing.T) {
	f, err := os.Open("testdata/lunar_1901_2099.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	check := func(what string, got time.Time, err error, want string) {
		t.Helper()
		if err != nil || got.Format("2006-01-02") != want {
			t.Errorf("%s = %s, %v; want %s", what, got.Format("2006-01-02"), err, want)
		}
	}
	years := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var y, leap int
		var spring, mid, leapStart string
		if _, err := fmt.Sscan(line, &y, &spring, &mid, &leap, &leapStart); err != nil {
			t.Fatalf("bad line %q: %v", line, err)
		}
		if y != firstLunarYear+years {
			t.Fatalf("line %q: want year %d", line, firstLunarYear+years)
		}
		years++

		got, err := SolarOfLunar(y, 1, 1, false)
		check(fmt.Sprintf("Spring Festival %d", y), got, err, spring)
		got, err = SolarOfLunar(y, 8, 15, false)
		check(fmt.Sprintf("Mid-Autumn %d", y), got, err, mid)
		if y > firstLunarYear { // (OnOrAfter in early 1901 would need lunar 1900)
			got, err = LunarFestivals[0].Next(d(spring).AddDate(0, 0, -20))
			check(fmt.Sprintf("Spring Festival.Next before %d", y), got, err, spring)
			got, err = LunarFestivals[3].Next(d(mid).AddDate(0, 0, -20))
			check(fmt.Sprintf("Mid-Autumn.Next before %d", y), got, err, mid)
		}

		// The leap month: only month leap has one; for every other month
		// a leap date is the ordinary one.
		if int(lunarYears[y-firstLunarYear].leap) != leap {
			t.Errorf("%d: leap month %d, want %d", y, lunarYears[y-firstLunarYear].leap, leap)
		}
		for m := 1; m <= 12; m++ {
			ord, err1 := SolarOfLunar(y, m, 1, false)
			lp, err2 := SolarOfLunar(y, m, 1, true)
			if err1 != nil || err2 != nil {
				t.Fatalf("%d month %d: %v, %v", y, m, err1, err2)
			}
			if m == leap {
				check(fmt.Sprintf("%d 闰%d月初一", y, m), lp, nil, leapStart)
				if ly, lm, ld, ll, err := lunarOf(lp); err != nil || ly != y || lm != m || ld != 1 || !ll {
					t.Errorf("lunarOf(%s) = %d-%d-%d leap %v, %v; want %d-%d-1 leap", leapStart, ly, lm, ld, ll, err, y, m)
				}
			} else if lp != ord {
				t.Errorf("%d has no leap month %d, but its leap date %s differs from the ordinary %s", y, m, lp.Format("2006-01-02"), ord.Format("2006-01-02"))
			}
		}
		if leap == 0 && leapStart != "-" {
			t.Errorf("line %q: a leap month start without a leap month", line)
		}

		// And back: solar to lunar.
		if ly, lm, ld, ll, err := lunarOf(d(spring)); err != nil || ly != y || lm != 1 || ld != 1 || ll {
			t.Errorf("lunarOf(%s) = %d-%d-%d leap %v, %v; want %d-1-1", spring, ly, lm, ld, ll, err, y)
		}
		if ly, lm, ld, ll, err := lunarOf(d(mid)); err != nil || ly != y || lm != 8 || ld != 15 || ll {
			t.Errorf("lunarOf(%s) = %d-%d-%d leap %v, %v; want %d-8-15", mid, ly, lm, ld, ll, err, y)
		}
		if y > firstLunarYear {
			eve := d(spring).AddDate(0, 0, -1)
			if ly, lm, ld, ll, err := lunarOf(eve); err != nil || ly != y-1 || lm != 12 || ld < 29 || ll {
				t.Errorf("lunarOf(%s) = %d-%d-%d leap %v, %v; want %d-12-29 or 30", eve.Format("2006-01-02"), ly, lm, ld, ll, err, y-1)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if years != lastLunarYear-firstLunarYear+1 {
		t.Fatalf("%d years in testdata, want %d", years, lastLunarYear-firstLunarYear+1)
	}
}

// lunarOf and SolarOfLunar agree on every day the table covers.
func TestLunarRoundTrip(t *testing.T) {
	first := dayOfUnixDays(int(lunarYears[0].newYear))
	last := lunarYears[len(lunarYears)-1]
	end := dayOfUnixDays(last.monthStart(last.months()))
	if _, _, _, _, err := lunarOf(first.AddDate(0, 0, -1)); err == nil {
		t.Errorf("lunarOf(%s) did not fail", first.AddDate(0, 0, -1).Format("2006-01-02"))
	}
	if _, _, _, _, err := lunarOf(end); err == nil {
		t.Errorf("lunarOf(%s) did not fail", end.Format("2006-01-02"))
	}
	for t0 := first; t0.Before(end); t0 = t0.AddDate(0, 0, 1) {
		y, m, dd, leap, err := lunarOf(t0)
		if err != nil {
			t.Fatalf("lunarOf(%s): %v", t0.Format("2006-01-02"), err)
		}
		if got, err := SolarOfLunar(y, m, dd, leap); err != nil || !got.Equal(t0) {
			t.Fatalf("%s → lunar %d-%d-%d leap %v → %s, %v", t0.Format("2006-01-02"), y, m, dd, leap, got.Format("2006-01-02"), err)
		}
	}
	if _, err := SolarOfLunar(1900, 1, 1, false); err == nil {
		t.Error("SolarOfLunar(1900) did not fail")
	}
	if _, err := SolarOfLunar(2100, 1, 1, false); err == nil {
		t.Error("SolarOfLunar(2100) did not fail")
	}
}
