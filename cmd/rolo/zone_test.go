package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A rep in Beijing logs a call at 07:00 (23:00 UTC the day before): it is
// that morning's call on the card and in the JSON, however it is read.
func TestContactDayIsTheRepsDay(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	defer func(l *time.Location) { time.Local = l }(time.Local)
	time.Local = cst
	db := filepath.Join(t.TempDir(), "notebook.db")
	run := func(tty bool, args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		a := &App{In: strings.NewReader(""), Out: &out, Err: &errb, Getenv: func(string) string { return "" },
			Now:   func() time.Time { return time.Date(2026, 12, 2, 9, 30, 0, 0, cst) },
			IsTTY: tty, Width: 100}
		if code := run(append([]string{"--db", db}, args...), a); code != 0 {
			t.Fatalf("rolo %s: exit %d: %s", strings.Join(args, " "), code, errb.String())
		}
		return out.String()
	}
	run(false, "init")
	run(false, "add", "陈静")
	run(false, "log", "陈静", "call", "早上电话", "--at", "2026-11-20 07:00")
	run(false, "log", "陈静", "visit", "拜访", "--at", "2026-11-18")
	js := run(false, "--json", "show", "陈静")
	if !strings.Contains(js, `"2026-11-19T23:00:00Z"`) || !strings.Contains(js, `"2026-11-18T04:00:00Z"`) {
		t.Errorf("the contacts' moments in JSON:\n%s\nwant 07:00 and midday in Beijing, in UTC", js)
	}
	// A call logged before moments kept their zone, in UTC: the rep's day too.
	run(false, "log", "陈静", "call", "旧电话", "--at", "2026-11-14T23:30:00Z")
	card := run(true, "show", "陈静")
	if !strings.Contains(card, "12d ago") || strings.Contains(card, "13d ago") || !strings.Contains(card, "17d ago") {
		t.Errorf("the card on 2 December:\n%s\nwant the 07:00 call of 20 November 12 days ago, the UTC one of the 15th 17", card)
	}
}
