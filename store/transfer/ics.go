package transfer

import (
	"bufio"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// Event is one all-day calendar entry.
type Event struct {
	UID     string
	Date    time.Time
	Summary string
	Note    string
}

var icsEscaper = strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)

// WriteICS writes events as an iCalendar (RFC 5545) file of all-day events.
func WriteICS(w io.Writer, events []Event, stamp time.Time) error {
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
		line("UID:" + icsText(e.UID))
		line("DTSTAMP:" + ts)
		line("DTSTART;VALUE=DATE:" + e.Date.Format("20060102"))
		line("DTEND;VALUE=DATE:" + e.Date.AddDate(0, 0, 1).Format("20060102"))
		line("SUMMARY:" + icsText(e.Summary))
		if e.Note != "" {
			line("DESCRIPTION:" + icsText(e.Note))
		}
		line("TRANSP:TRANSPARENT")
		line("END:VEVENT")
	}
	line("END:VCALENDAR")
	return bw.Flush()
}

func icsText(s string) string {
	return icsEscaper.Replace(s)
}

// writeFolded writes a content line folded at 75 octets without splitting
// a UTF-8 character, ending in CRLF.
func writeFolded(w *bufio.Writer, s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		w.WriteString(s[:cut])
		w.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	w.WriteString(s)
	w.WriteString("\r\n")
}
