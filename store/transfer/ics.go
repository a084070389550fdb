package transfer

import (
	"bufio"
	"fmt"
	"io"
	"time"
)

// Event is one all-day calendar entry.
type Event struct {
	UID      string // unique in the file and stable from one export to the next
	Date     time.Time
	Summary  string
	Note     string // the description; may be empty
	Category string // what kind of entry: birthday, follow-up, reorder ...; may be empty
}

// WriteICS writes events as an iCalendar (RFC 5545) file of all-day
// events. Text is escaped and cleaned of control characters (cleanText),
// lines are folded at 75 octets. Two events with one UID are an error:
// calendars merge them.
func WriteICS(w io.Writer, events []Event, stamp time.Time) error {
	seen := make(map[string]bool, len(events))
	for _, e := range events {
		if seen[e.UID] {
			return fmt.Errorf("two calendar entries share the UID %q", e.UID)
		}
		seen[e.UID] = true
	}
	bw := bufio.NewWriter(w)
	line := func(s string) { writeFolded(bw, s) }
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//rolo//rolo agenda//EN")
	line("CALSCALE:GREGORIAN")
	line("X-WR-CALNAME:rolo")
	ts := stamp.UTC().Format("20060102T150405Z")
	for _, e := range events {
		line("BEGIN:VEVENT")
		line("UID:" + escapeText(e.UID))
		line("DTSTAMP:" + ts)
		line("DTSTART;VALUE=DATE:" + e.Date.Format("20060102"))
		line("DTEND;VALUE=DATE:" + e.Date.AddDate(0, 0, 1).Format("20060102"))
		line("SUMMARY:" + escapeText(e.Summary))
		if d := escapeText(e.Note); d != "" {
			line("DESCRIPTION:" + d)
		}
		if c := escapeText(e.Category); c != "" {
			line("CATEGORIES:" + c)
		}
		line("TRANSP:TRANSPARENT")
		line("END:VEVENT")
	}
	line("END:VCALENDAR")
	return bw.Flush()
}
