package transfer

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/rolo-crm/rolo/internal/thirdparty"
)

// Every event of a calendar made of the naughty strings parses back in
// python-icalendar to one property per field with the field's text.
func TestICSThirdParty(t *testing.T) {
	strs := naughty(t)
	day := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	var events []Event
	for i, s := range strs {
		events = append(events, Event{UID: fmt.Sprintf("e-%d@rolo", i), Date: day.AddDate(0, 0, i), Summary: "x" + s,
			Note: strs[(i+7)%len(strs)], Category: []string{"birthday", "follow-up", "win-back", "reorder"}[i%4]})
	}
	var buf bytes.Buffer
	if err := WriteICS(&buf, events, day); err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(strings.TrimSuffix(buf.String(), "\r\n"), "\r\n") {
		if len(l) > 75 || !utf8.ValidString(l) || strings.ContainsAny(l, "\r\n\x00\x1b\x7f") {
			t.Fatalf("bad line %q", l)
		}
	}
	file := filepath.Join(t.TempDir(), "agenda.ics")
	os.WriteFile(file, buf.Bytes(), 0o600)
	ical, vobj := thirdparty.Calendar(t, file)
	for reader, got := range map[string][]map[string][]any{"icalendar": ical, "vobject": vobj} {
		if len(got) != len(events) {
			t.Fatalf("%s read %d events, rolo wrote %d", reader, len(got), len(events))
		}
		for i, e := range events {
			want := map[string][]any{"_kind": {"VEVENT"}, "UID": {e.UID}, "DTSTAMP": {"2026-11-22T00:00:00+00:00"},
				"DTSTART": {e.Date.Format("2006-01-02")}, "DTEND": {e.Date.AddDate(0, 0, 1).Format("2006-01-02")},
				"SUMMARY": {inCard(e.Summary)}, "TRANSP": {"TRANSPARENT"}, "CATEGORIES": {[]any{e.Category}}}
			if n := inCard(e.Note); n != "" {
				want["DESCRIPTION"] = []any{n}
			}
			g := got[i]
			if reader == "icalendar" {
				for _, k := range []string{"SUMMARY", "DESCRIPTION"} {
					if len(want[k]) == 1 && !thirdparty.IcalendarExact(want[k][0].(string)) {
						delete(want, k) // icalendar 4.0.3 decodes these twice; vobject checks them
						delete(g, k)
					}
				}
			}
			if !reflect.DeepEqual(g, want) {
				t.Errorf("%s, event %d:\n got %#v\nwant %#v", reader, i, g, want)
			}
		}
	}
}
