package store

import (
	"context"
	"fmt"
	"testing"
	"time"
)

func TestParseWhen(t *testing.T) {
	today := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC) // a Sunday
	tests := []struct{ in, want string }{
		{"2026-12-01", "2026-12-01"},
		{"today", "2026-11-22"},
		{"Tomorrow", "2026-11-23"},
		{"yesterday", "2026-11-21"},
		{"+3d", "2026-11-25"},
		{"+2w", "2026-12-06"},
		{"-1w", "2026-11-15"},
		{"+1m", "2026-12-22"},
		{"+1y", "2027-11-22"},
		{"monday", "2026-11-23"},
		{"next monday", "2026-11-23"},
		{"sunday", "2026-11-29"}, // the coming Sunday, not today
		{"明天", "2026-11-23"},
		{"后天", "2026-11-24"},
		{"周五", "2026-11-27"},
		{"下周一", "2026-11-23"}, // weeks start on Monday: next week is 23–29
		{"下周日", "2026-11-29"},
	}
	wed := today.AddDate(0, 0, 3)
	for in, want := range map[string]string{"周五": "2026-11-27", "下周五": "2026-12-04", "next friday": "2026-11-27", "下周一": "2026-11-30"} {
		got, err := ParseWhen(in, wed)
		if err != nil || got.Format(DateLayout) != want {
			t.Errorf("on a Wednesday ParseWhen(%q) = %s, %v; want %s", in, got.Format(DateLayout), err, want)
		}
	}
	for _, tt := range tests {
		got, err := ParseWhen(tt.in, today)
		if err != nil || got.Format(DateLayout) != tt.want {
			t.Errorf("ParseWhen(%q) = %s, %v; want %s", tt.in, got.Format(DateLayout), err, tt.want)
		}
	}
	for _, bad := range []string{"", "soon", "2026-02-30", "+d", "+3x", "next", "+9999999d"} {
		if _, err := ParseWhen(bad, today); err == nil {
			t.Errorf("ParseWhen(%q) accepted", bad)
		}
	}
}

func TestParseBirthday(t *testing.T) {
	tests := []struct {
		in    string
		lunar bool
		want  string
	}{
		{"1980-08-15", false, "1980-08-15"},
		{"1980/8/5", false, "1980-08-05"},
		{"--02-29", false, "--02-29"},
		{"02-29", false, "--02-29"},
		{"1980-02-30", true, "1980-02-30"},
	}
	for _, tt := range tests {
		b, err := ParseBirthday(tt.in, tt.lunar)
		if err != nil || b.String() != tt.want {
			t.Errorf("ParseBirthday(%q) = %v, %v; want %s", tt.in, b, err, tt.want)
		}
	}
	for _, bad := range []string{"1981-02-29", "2026-13-01", "1800-01-01", "x", "1-2-3-4", "--00-10"} {
		if _, err := ParseBirthday(bad, false); err == nil {
			t.Errorf("ParseBirthday(%q) accepted", bad)
		}
	}
}

func FuzzParseWhen(f *testing.F) {
	for _, s := range []string{"+3d", "next monday", "2026-01-01", "下周一", "-99999y"} {
		f.Add(s)
	}
	today := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	for _, s := range []string{"12月25日", "3 days ago", "昨天下午3点半", "12/25 9:05 pm", "二十天后", "上上周五"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseWhen(s, today)
		if err == nil && (d.Hour() != 0 || d.Location() != time.UTC) {
			t.Fatalf("ParseWhen(%q) = %v is not a UTC date", s, d)
		}
		for _, lean := range []Lean{Back, Ahead} {
			if d, err := ParseDay(s, today, lean); err == nil && (d.Hour() != 0 || d.Location() != time.UTC) {
				t.Fatalf("ParseDay(%q, %d) = %v is not a UTC date", s, lean, d)
			}
		}
		m, clock, err := ParseMoment(s, today, time.Local, Back)
		if err == nil && !clock && (m.Hour() != 0 || m.Location() != time.UTC) {
			t.Fatalf("ParseMoment(%q) = %v without a time is not a UTC date", s, m)
		}
	})
}

// parseDay is hand-written for speed; it must agree with time.Parse.
func TestParseDayAgreesWithTimeParse(t *testing.T) {
	cases := []string{"", "2026-11-22", "2024-02-29", "2026-02-29", "2026-02-30", "2026-13-01", "2026-00-10",
		"2026-01-00", "2026-1-22", "2026-11-2x", "+026-11-22", "0000-01-01", "9999-12-31", "2026/11/22", "2026-11-22T"}
	for y := 1999; y <= 2001; y++ {
		for m := 0; m <= 13; m++ {
			for d := 0; d <= 32; d++ {
				cases = append(cases, fmt.Sprintf("%04d-%02d-%02d", y, m, d))
			}
		}
	}
	for _, s := range cases {
		want, err := time.Parse(DateLayout, s)
		if err != nil {
			want = time.Time{}
		}
		if got := parseDay(s); !got.Equal(want) {
			t.Errorf("parseDay(%q) = %v, time.Parse gives %v", s, got, want)
		}
	}
}

func TestStampDay(t *testing.T) {
	for s, want := range map[string]string{
		"2026-11-22T23:30:00+08:00": "2026-11-22", "2026-11-22T01:00:00Z": "2026-11-22", "": "0001-01-01", "junk": "0001-01-01",
	} {
		if got := StampDay(s).Format(DateLayout); got != want {
			t.Errorf("StampDay(%q) = %s, want %s", s, got, want)
		}
	}
	// A rep in Beijing: a UTC stamp is moved to their day, one written
	// with an offset is its own day.
	inBeijing(t)
	for s, want := range map[string]string{
		"2026-11-19T23:00:00Z": "2026-11-20", "2026-11-19T15:59:00Z": "2026-11-19", "2026-11-19T16:00:00Z": "2026-11-20",
		"2026-11-20T07:00:00+08:00": "2026-11-20", "2026-11-20T07:00:00-05:00": "2026-11-20", "2026-11-19T23:00:00.5Z": "2026-11-20",
		"2026-12-31T20:00:00Z": "2027-01-01", "2026-11-19T25:00:00Z": "0001-01-01",
	} {
		if got := StampDay(s).Format(DateLayout); got != want {
			t.Errorf("in Beijing, StampDay(%q) = %s, want %s", s, got, want)
		}
	}
}

// As of a day, the agenda counts the contacts of the rep's day: for a rep
// in Beijing, a call at 07:00 on 21 November (23:00 UTC on the 20th) is
// not yet made as of the 20th, and is the last contact as of the 21st.
func TestAgendaContactsByTheRepsDay(t *testing.T) {
	inBeijing(t)
	eachEngine(t, func(t *testing.T) {
		s, ctx, c := oneCustomer(t, "")
		for _, at := range []string{"2026-11-18T04:00:00Z", "2026-11-20T23:00:00Z"} {
			if _, err := s.AddContact(ctx, Contact{CustomerID: c.ID, At: at, Kind: "call", Summary: "电话"}); err != nil {
				t.Fatal(err)
			}
		}
		for day, want := range map[int]string{20: "2026-11-18", 21: "2026-11-21"} {
			cs, _, err := s.AgendaInputs(ctx, time.Date(2026, 11, day, 0, 0, 0, 0, time.UTC), false)
			if err != nil {
				t.Fatal(err)
			}
			if len(cs) != 1 || cs[0].LastContact.Format(DateLayout) != want {
				t.Errorf("as of 11-%d: last contact %v, want %s", day, cs[0].LastContact, want)
			}
		}
	})
}

// The accounts list's last touch is the rep's day of the last contact:
// for a rep in Beijing, a call at 07:00 on 21 November (23:00 UTC on the
// 20th) is the 21st, later than a purchase on the 20th.
func TestAccountsLastTouchIsTheRepsDay(t *testing.T) {
	inBeijing(t)
	eachEngine(t, func(t *testing.T) {
		s, ctx, c := oneCustomer(t, "2026-11-20")
		if _, err := s.AddContact(ctx, Contact{CustomerID: c.ID, At: "2026-11-20T23:00:00Z", Kind: "call", Summary: "电话"}); err != nil {
			t.Fatal(err)
		}
		for _, sort := range []string{SortName, SortLastContact} {
			rows, _, err := s.Accounts(ctx, AccountQuery{Sort: sort})
			if err != nil || len(rows) != 1 || rows[0].LastContact != "2026-11-21" {
				t.Errorf("sorted by %s: %+v, %v; want last touch 2026-11-21", sort, rows, err)
			}
		}
	})
}

// inBeijing makes the test's local zone UTC+8, a rep in Beijing, until it
// ends.
func inBeijing(t testing.TB) {
	l := time.Local
	t.Cleanup(func() { time.Local = l })
	time.Local = time.FixedZone("CST", 8*3600)
}

// The agenda as of a past day takes each customer's status then: one
// lapsed since was active, and is not on it to be won back.
func TestAgendaStatusAsOfThen(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		s, ctx, c := oneCustomer(t, "2025-02-01")
		if err := s.SetStatuses(ctx, []StatusChange{{CustomerID: c.ID, Status: "lapsed", Date: "2026-11-22"}}); err != nil {
			t.Fatal(err)
		}
		for day, want := range map[string]string{"2026-06-01": "active", "2026-11-22": "lapsed"} {
			d, _ := time.Parse(DateLayout, day)
			cs, _, err := s.AgendaInputs(ctx, d, false)
			if err != nil {
				t.Fatal(err)
			}
			if len(cs) != 1 || cs[0].Status != want {
				t.Errorf("as of %s: %+v, want %s", day, cs, want)
			}
		}
	})
}

// oneCustomer is a new notebook of one customer, 陈静, with a purchase of
// 1.00 on date unless it is "".
func oneCustomer(t *testing.T, date string) (*Store, context.Context, Customer) {
	t.Helper()
	s := newTestStore(t)
	ctx := context.Background()
	c, err := s.AddCustomer(ctx, Customer{Name: "陈静"})
	if err != nil {
		t.Fatal(err)
	}
	if date != "" {
		if _, err := s.AddPurchase(ctx, Purchase{CustomerID: c.ID, Date: date, Amount: 100, Quantity: 1}); err != nil {
			t.Fatal(err)
		}
	}
	return s, ctx, c
}

// normDay keeps a day already written YYYY-MM-DD as it is, writes one
// with spaces around it plainly, and refuses what is not a day.
func TestNormDay(t *testing.T) {
	for in, want := range map[string]string{
		"2026-03-01": "2026-03-01", " 2026-03-01 ": "2026-03-01", "2024-02-29": "2024-02-29",
		"0001-01-01": "0001-01-01", "9999-12-31": "9999-12-31", "\t2000-02-29": "2000-02-29",
	} {
		s := in
		if err := normDay(&s); err != nil || s != want {
			t.Errorf("normDay(%q) = %q, %v; want %q", in, s, err, want)
		}
	}
	for _, in := range []string{"", "2026-02-29", "2026-13-01", "2026-3-1", "2026/03/01", "tomorrow", "2026-03-01T10:00"} {
		s := in
		if err := normDay(&s); err == nil || s != in {
			t.Errorf("normDay(%q) = %q, %v; want an error and the text unchanged", in, s, err)
		}
	}
}
