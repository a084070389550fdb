package transfer

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestSpreadsheetDates(t *testing.T) {
	tests := []struct {
		in, day, stamp string // "" = refused
	}{
		{"2026-03-01", "2026-03-01", "2026-03-01T12:00:00Z"},
		{"2026/3/1", "2026-03-01", "2026-03-01T12:00:00Z"},
		{"2026.03.01", "2026-03-01", "2026-03-01T12:00:00Z"},
		{"20260301", "2026-03-01", "2026-03-01T12:00:00Z"},
		{"2026年3月1日", "2026-03-01", "2026-03-01T12:00:00Z"},
		{"2026/12/01 22:17:16", "2026-12-01", "2026-12-01T22:17:16Z"}, // Gnumeric
		{"2026-11-01 17:00:00", "2026-11-01", "2026-11-01T17:00:00Z"}, // LibreOffice
		{"2026-11-01 17:00", "2026-11-01", "2026-11-01T17:00:00Z"},
		{"2026-11-01T17:00:00", "2026-11-01", "2026-11-01T17:00:00Z"},
		{"2026-11-01 17:00:00.250", "2026-11-01", "2026-11-01T17:00:00.25Z"},
		{"2026/11/1 5:07 PM", "2026-11-01", "2026-11-01T17:07:00Z"},
		{"2026/11/1 12:30 AM", "2026-11-01", "2026-11-01T00:30:00Z"},
		{"2026年11月1日 下午5:00", "2026-11-01", "2026-11-01T17:00:00Z"},
		{"2026-11-01 17:00:00+08:00", "2026-11-01", "2026-11-01T09:00:00Z"},
		{"2026-11-01T17:00:00+0800", "2026-11-01", "2026-11-01T09:00:00Z"},
		{"20261101T170000Z", "2026-11-01", "2026-11-01T17:00:00Z"},
		{"1.3.2026", "2026-03-01", "2026-03-01T12:00:00Z"},        // dots: day first
		{"13/1/2026 08:00", "2026-01-13", "2026-01-13T08:00:00Z"}, // the 13 can only be a day
		{"1/13/2026", "2026-01-13", "2026-01-13T12:00:00Z"},
		{"5/5/2026", "2026-05-05", "2026-05-05T12:00:00Z"},
		{"2026-11-01T17:00:00+08:00", "2026-11-01", "2026-11-01T09:00:00Z"}, // RFC 3339, kept in UTC
		{"1/2/2026", "", ""}, // 1 February or 2 January?
		{"2026-02-30", "", ""},
		{"2026-11-01 25:00", "", ""},
		{"2026-11-01 13:00 PM", "", ""},
		{"1899-12-31", "", ""},
		{"next week", "", ""},
		{"46357", "", ""}, // a spreadsheet serial number in a CSV: not a date
	}
	for _, tt := range tests {
		d, err := parseDay(tt.in)
		if (err == nil) != (tt.day != "") || d != tt.day {
			t.Errorf("parseDay(%q) = %q, %v; want %q", tt.in, d, err, tt.day)
		}
		s, err := parseStamp(tt.in)
		if (err == nil) != (tt.stamp != "") || s != tt.stamp {
			t.Errorf("parseStamp(%q) = %q, %v; want %q", tt.in, s, err, tt.stamp)
		}
	}
	// A rep in Beijing: a time without a zone is theirs, kept in UTC.
	func() {
		defer func(l *time.Location) { time.Local = l }(time.Local)
		time.Local = time.FixedZone("CST", 8*3600)
		for in, want := range map[string]string{
			"2026-11-20 20:30": "2026-11-20T12:30:00Z", "2026-11-20 07:00": "2026-11-19T23:00:00Z", "2026-03-01": "2026-03-01T04:00:00Z",
			"2026-11-20T20:30:00Z": "2026-11-20T20:30:00Z",
		} {
			if s, err := parseStamp(in); err != nil || s != want {
				t.Errorf("in Beijing, parseStamp(%q) = %q, %v; want %q", in, s, err, want)
			}
		}
	}()
	if _, err := parseDay("1/2/2026"); err == nil || !strings.Contains(err.Error(), "write the date as 2026-02-01 or 2026-01-02") {
		t.Errorf("ambiguous date: %v", err)
	}
}

// A CSV that rolo exported, opened and saved again by Gnumeric (ssconvert;
// see testdata/spreadsheet/README), imports cleanly: dates written
// 2026/10/22, times 2026/12/02 00:15:50, TRUE/FALSE, 0.01 as
// 0.0099999999999999999998, and the apostrophes gone. What the spreadsheet
// changed for good — the leading zeros of 000123 and 07551234567, which is
// why Excel users should take xlsx — is all that differs from importing
// rolo's own files.
func TestImportSpreadsheetResavedCSV(t *testing.T) {
	load := func(suffix string) snapshot {
		st := newStore(t)
		for _, kind := range []string{"customers", "purchases", "contacts"} {
			f, err := os.Open(filepath.Join("testdata/spreadsheet", kind+suffix))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := Import(ctx, st, kind, f, ImportOptions{Name: kind + suffix}); err != nil {
				t.Fatalf("%s: %v", kind+suffix, err)
			}
		}
		return snap(t, st)
	}
	want, got := load(".rolo.csv"), load(".gnumeric.csv")
	// The spreadsheet read these as numbers.
	zeros := map[string]string{"000123": "123", "000124": "124", "0042": "42", "07551234567": "7551234567"}
	for i := range want.Customers {
		c := &want.Customers[i]
		if z, ok := zeros[c.ExternalID]; ok {
			c.ExternalID = z
		}
		if z, ok := zeros[c.Phone]; ok {
			c.Phone = z
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("after Gnumeric:\n%+v\nwant\n%+v", got, want)
	}
	// And the values themselves, worked out by hand.
	p := got.Purchases
	if len(p) != 4 || p[0].Amount != 1 || p[1].Amount != 128050 || *p[1].Cost != 80000 || *p[1].Paid != 100000 ||
		p[1].Quantity != 2.5 || p[1].NextDate != "2027-02-01" || p[2].Amount != 100000000 || p[2].Date != "2025-12-31" ||
		p[3].Item != "=1+1" || p[3].Note != "line 1\nline 2" {
		t.Errorf("purchases = %+v", p)
	}
	c := got.Customers
	if c[0].Name != "王小明" || c[0].Birthday != "1980-08-15" || !c[0].BirthdayLunar || c[0].Notes != "喜欢普洱, \"熟普\"\n周末勿扰" ||
		c[0].Custom["车"] != "特斯拉" || c[1].Birthday != "--08-15" || c[2].Phone != "+86 139 0013 8000" ||
		c[2].Notes != `=HYPERLINK("http://x")` || c[3].Name != "@mention Bob" {
		t.Errorf("customers = %+v", c)
	}
	if k := got.Contacts; k[0].At != "2026-11-01T12:00:00Z" || k[2].ComplaintStatus != "open" {
		t.Errorf("contacts = %+v", k)
	}
}

// isISODay checks a day by hand; it agrees with the standard library's
// parser over every month and day number around the years it takes.
func TestISODayByHand(t *testing.T) {
	ref := func(s string) bool {
		d, err := time.Parse("2006-01-02", s)
		return err == nil && d.Year() >= 1900 && d.Year() <= 2200
	}
	for _, y := range []int{1, 1899, 1900, 1901, 1996, 2000, 2023, 2024, 2100, 2199, 2200, 2201, 9999} {
		for m := 0; m <= 13; m++ {
			for d := 0; d <= 32; d++ {
				s := fmt.Sprintf("%04d-%02d-%02d", y, m, d)
				if got, want := isISODay(s), ref(s); got != want {
					t.Errorf("isISODay(%q) = %v, want %v", s, got, want)
				}
			}
		}
	}
	for _, s := range []string{"", "2026-3-01", "2026-03-1", "2026/03/01", "20260301", "2026-03-01 ", " 2026-03-01",
		"2026-0a-01", "2026--3-01", "-026-03-01", "2026-03-+1", "２０２６-03-01"} {
		if isISODay(s) {
			t.Errorf("isISODay(%q) = true", s)
		}
	}
}
