package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rolo-crm/rolo/internal/thirdparty"
)

// demoEnv is a notebook made by rolo demo (today is the tests' 2026-11-22).
func demoEnv(t *testing.T, customers string) *testEnv {
	t.Helper()
	e := &testEnv{t: t, db: filepath.Join(t.TempDir(), "demo.db"), env: map[string]string{}}
	if _, errs, code := e.run(false, "demo", "--out", e.db, "--no-tui", "--seed", "7", "--customers", customers); code != 0 {
		t.Fatalf("demo: %s", errs)
	}
	return e
}

// The calendar holds what rolo due lists — every reason, overdue items on
// today's page — plus five years of birthdays; python-icalendar and
// vobject read every entry, UIDs are unique, and a lunar birthday that
// falls twice in one solar year is two entries.
func TestExportICSMatchesDue(t *testing.T) {
	e := demoEnv(t, "150")
	// Hostile text in names and follow-ups, a lunar birthday on the 1st of
	// the 12th month — 2027-01-08 and 2027-12-28 (lunar-go), twice in 2027 —
	// a complaint, and an extra festival within the week.
	e.ok("add", "Bob\r\nTEL:+1 555 0100\x1b]52;c;aGk=\x07;,\\", "--birthday", "--12-01", "--lunar", "--external-id", "H1")
	e.ok("follow", "H1", "2026-11-20", "ring back\rEMAIL:evil@example.com")
	e.ok("complaint", "H1", "broken; lid, again")
	e.ok("config", "festivals.solar", "11-25 Thanksgiving")
	e.ok("add", "欧阳娜娜", "--birthday", "1980-11-25")

	file := filepath.Join(t.TempDir(), "rolo.ics")
	e.ok("export", "agenda", "--format", "ics", "-o", file)
	ical, vobj := thirdparty.Calendar(t, file)
	if len(ical) != len(vobj) || len(ical) == 0 {
		t.Fatalf("icalendar read %d entries, vobject %d", len(ical), len(vobj))
	}
	first := func(m map[string][]any, k string) string {
		if len(m[k]) != 1 {
			t.Fatalf("%d %s properties in %v", len(m[k]), k, m)
		}
		s, _ := m[k][0].(string)
		return s
	}
	uids := map[string]bool{}
	type entry struct{ date, summary, category string }
	byCategory := map[string][]entry{}
	for i, ev := range vobj {
		uid := first(ev, "UID")
		if uids[uid] {
			t.Errorf("UID %s twice", uid)
		}
		uids[uid] = true
		for _, k := range []string{"UID", "DTSTART", "DTEND", "SUMMARY", "DTSTAMP"} {
			if first(ical[i], k) != first(ev, k) && thirdparty.IcalendarExact(first(ev, k)) {
				t.Errorf("icalendar and vobject disagree on %s: %q, %q", k, first(ical[i], k), first(ev, k))
			}
		}
		cat := ev["CATEGORIES"][0].([]any)[0].(string)
		byCategory[cat] = append(byCategory[cat], entry{first(ev, "DTSTART"), first(ev, "SUMMARY"), cat})
		if strings.ContainsAny(first(ev, "SUMMARY"), "\r\x1b\x07") {
			t.Errorf("a control character in %q", first(ev, "SUMMARY"))
		}
	}
	for _, uid := range []string{"birthday-151-20270108@rolo", "birthday-151-20271228@rolo"} {
		if !uids[uid] {
			t.Errorf("no %s: the lunar birthday falls twice in 2027", uid)
		}
	}

	// Every line of rolo due (7 days) is in the calendar with its reason, on
	// its date — today when overdue.
	var due []dueRow
	out, errs, code := e.run(false, "due", "--json")
	if code != 0 && code != 1 {
		t.Fatalf("due: %d %s", code, errs)
	}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		l = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(l), "["), ",")
		l = strings.TrimSuffix(l, "]")
		if l == "" {
			continue
		}
		var r dueRow
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("due --json line %q: %v", l, err)
		}
		due = append(due, r)
	}
	if len(due) < 10 {
		t.Fatalf("only %d agenda items: the test needs a busier notebook", len(due))
	}
	reasons := map[string]bool{}
	for _, r := range due {
		reasons[r.Reason] = true
		date := r.Due
		if date < "2026-11-22" {
			date = "2026-11-22"
		}
		found := false
		for _, ev := range byCategory[r.Reason] {
			found = found || (ev.date == date && strings.Contains(ev.summary, strings.Split(r.Name, "\r")[0]))
		}
		if !found {
			t.Errorf("rolo due lists %s %q on %s; the calendar does not (%d %s entries)", r.Reason, r.Name, date, len(byCategory[r.Reason]), r.Reason)
		}
	}
	for _, r := range []string{"follow-up", "complaint", "birthday", "festival", "cadence", "reorder"} {
		if !reasons[r] {
			t.Errorf("no %s on the agenda: the test does not cover it", r)
		}
	}
	// The hostile name could not add a property: one SUMMARY, the escape gone.
	raw, _ := os.ReadFile(file)
	if strings.Contains(string(raw), "\r\nTEL:") || strings.Contains(string(raw), "\r\nEMAIL:") || strings.Contains(string(raw), "\x1b") {
		t.Errorf("injected a property:\n%s", raw)
	}
	// Stable: the same day exports the same file.
	file2 := filepath.Join(t.TempDir(), "again.ics")
	e.ok("export", "agenda", "--format", "ics", "-o", file2)
	if again, _ := os.ReadFile(file2); string(again) != string(raw) {
		t.Errorf("a second export differs")
	}
}
