package settings

import (
	"strings"
	"testing"
	"time"

	"github.com/rolo-crm/rolo/tiering"
	"github.com/rolo-crm/rolo/tiering/agenda"
)

// plan.capacity takes one number for every day and each weekday at most
// once; agenda.ParseCapacity alone lets the last word win ("1,20,50" is
// 50 every day).
func TestCheckCapacity(t *testing.T) {
	for _, tt := range []struct{ value, want string }{
		{"12", ""},
		{"15,sat=6,sun=0", ""},
		{"mon=15,tue=15,wed=15,thu=15,fri=15,sat=5,sun=0", ""},
		{"15, SAT=6 ,周日=0", ""},
		{"1,20,50", `plan.capacity "1,20,50": 3 numbers without a weekday (1, 20, 50), and only one can be for every day; write one number for every day, then weekday=number for the days that differ (15,sat=6,sun=0)`},
		{"15,sat=6,sat=3", `plan.capacity "15,sat=6,sat=3": Saturday is given twice (sat=6, sat=3); name each weekday at most once`},
		{"15,sat=6,周六=3", `Saturday is given twice (sat=6, 周六=3)`},
		{"15,xyz=3", `plan.capacity "15,xyz=3": "xyz": a weekday is mon, tue, wed, thu, fri, sat or sun`},
	} {
		err := Check("plan.capacity", tt.value)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("Check(%q) = %v", tt.value, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("Check(%q) = %v, want %q", tt.value, err, tt.want)
		}
	}
}

// A notebook that stored such a value before the check still opens, read
// as it was (the last word wins), and rolo config can change it.
func TestParseKeepsStoredCapacity(t *testing.T) {
	s, err := Parse(map[string]string{"plan.capacity": "15,sat=6,sat=3"})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Capacity.PerDay; got[time.Saturday] != 3 || got[time.Monday] != 15 {
		t.Errorf("PerDay = %v", got)
	}
}

// Values no notebook means are refused when set: a pyramid whose last cut
// leaves customers out, a margin above the revenue.
func TestCheckRefusesWhatNoNotebookMeans(t *testing.T) {
	for key, v := range map[string]string{"pyramid.cuts": "1,20,50,90", "clv.margin": "200%", "currency": "XYZ"} {
		if err := Check(key, v); err == nil {
			t.Errorf("%s %s was taken", key, v)
		}
	}
	for key, v := range map[string]string{"pyramid.cuts": "1,10,40,100", "clv.margin": "100%", "currency": "HKD"} {
		if err := Check(key, v); err != nil {
			t.Errorf("%s %s: %v", key, v, err)
		}
	}
}

// A festival configured on the day of one already greeted for (中秋 on the
// lunar 08-15, two names for one 12-25) is one greeting a year, found by
// every name it was given; festivals on other days stay apart.
func TestFestivalsOnOneDayAreOneGreeting(t *testing.T) {
	s, err := Parse(map[string]string{
		"festivals.lunar": "08-15 中秋; 07-07 七夕",
		"festivals.solar": "12-25 Christmas; 12-25 圣诞节; 08-15 Assumption",
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg := s.Agenda(7)
	day := time.Date(2027, 12, 20, 0, 0, 0, 0, time.UTC)
	cs := []agenda.Customer{{ID: 1, Tier: tiering.Key, Status: "active", LastContact: day}}
	var greetings []string
	for _, it := range agenda.Build(day, cs, nil, cfg) {
		if it.Reason == agenda.FestivalR {
			greetings = append(greetings, it.Detail)
		}
	}
	if len(greetings) != 1 || !strings.Contains(greetings[0], "Christmas") {
		t.Errorf("greetings before Christmas: %q, want one, for Christmas", greetings)
	}
	count := map[string]int{}
	for _, f := range cfg.Festivals {
		for _, q := range []string{"中秋", "mid-autumn", "七夕", "christmas", "圣诞节", "assumption", "春节"} {
			if f.Is(q) {
				count[q]++
			}
		}
	}
	for _, q := range []string{"中秋", "mid-autumn", "七夕", "christmas", "圣诞节", "assumption", "春节"} {
		if count[q] != 1 {
			t.Errorf("%d festivals go by %q, want 1 (festivals %+v)", count[q], q, cfg.Festivals)
		}
	}
	if n := len(cfg.Festivals); n != 7 {
		t.Errorf("%d festivals, want 7: the four built in, 七夕, Christmas and Assumption", n)
	}
}

// A fraction without % is refused when set (0.1 would be a tenth of a
// percent, not the 10% meant), the same number with % is taken, and a
// notebook that stored one before still opens, read as it was.
func TestPercentWithoutSignRefused(t *testing.T) {
	for _, key := range []string{"clv.discount", "clv.margin", "slipping.palive"} {
		err := Check(key, "0.1")
		if err == nil || !strings.Contains(err.Error(), "write 10% for 10 percent, or 0.1% if you mean it") {
			t.Errorf("%s 0.1: %v", key, err)
		}
		for _, v := range []string{"0.1%", "10%", "10", "0", "1"} {
			if err := Check(key, v); err != nil {
				t.Errorf("%s %s: %v", key, v, err)
			}
		}
	}
	s, err := Parse(map[string]string{"clv.discount": "0.1"})
	if err != nil || s.CLV.AnnualDiscount != 0.001 {
		t.Errorf("stored 0.1: %v, %v", s.CLV.AnnualDiscount, err)
	}
}
