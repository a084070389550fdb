package agenda

import (
	"testing"
	"time"

	"github.com/6tail/lunar-go/calendar"
)

// The embedded table is what calendar_gen.go makes from the lunar-go in
// go.mod, month by month: after upgrading lunar-go, run
// go generate ./tiering/agenda.
func TestLunarTableIsCurrent(t *testing.T) {
	if n := lastLunarYear - firstLunarYear + 1; len(lunarYears) != n {
		t.Fatalf("calendar_table.go has %d years, want %d; run go generate ./tiering/agenda", len(lunarYears), n)
	}
	for y := firstLunarYear; y <= lastLunarYear; y++ {
		ly := lunarYears[y-firstLunarYear]
		lg := calendar.NewLunarYear(y)
		if int(ly.leap) != lg.GetLeapMonth() {
			t.Fatalf("%d: leap month %d, lunar-go says %d; run go generate ./tiering/agenda", y, ly.leap, lg.GetLeapMonth())
		}
		i := 0
		for e := lg.GetMonthsInYear().Front(); e != nil; e = e.Next() {
			m := e.Value.(*calendar.LunarMonth)
			s := calendar.NewLunarFromYmd(y, m.GetMonth(), 1).GetSolar()
			want := time.Date(s.GetYear(), time.Month(s.GetMonth()), s.GetDay(), 0, 0, 0, 0, time.UTC)
			month, leap := m.GetMonth(), false
			if month < 0 {
				month, leap = -month, true
			}
			if ly.index(month, leap) != i {
				t.Fatalf("%d: month %d (leap %v) is month %d of the year in lunar-go, %d in the table", y, month, leap, i, ly.index(month, leap))
			}
			if got := dayOfUnixDays(ly.monthStart(i)); !got.Equal(want) || ly.length(i) != m.GetDayCount() {
				t.Fatalf("%d month %d (leap %v): starts %s with %d days, lunar-go says %s with %d; run go generate ./tiering/agenda",
					y, month, leap, got.Format("2006-01-02"), ly.length(i), want.Format("2006-01-02"), m.GetDayCount())
			}
			i++
		}
		if i != ly.months() {
			t.Fatalf("%d: %d months, lunar-go says %d; run go generate ./tiering/agenda", y, ly.months(), i)
		}
		if y < lastLunarYear && ly.monthStart(i) != int(lunarYears[y+1-firstLunarYear].newYear) {
			t.Fatalf("lunar year %d does not end where %d begins", y, y+1)
		}
	}
}
