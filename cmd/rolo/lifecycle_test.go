package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// dueItems reads rolo due --json as reason → detail, for one customer.
func dueItems(t *testing.T, e *testEnv, customer int64, args ...string) map[string]string {
	t.Helper()
	out, errs, code := e.run(false, append([]string{"due", "--json"}, args...)...)
	if code > 1 {
		t.Fatalf("due: exit %d: %s", code, errs)
	}
	var rows []dueRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("due --json: %v\n%s", err, out)
	}
	got := map[string]string{}
	for _, r := range rows {
		if r.CustomerID == customer {
			got[r.Reason] = r.Detail
		}
	}
	return got
}

func TestEventCommands(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "王小明")
	// Today is 2026-11-22: an anniversary on 11-25 is within the 7 days.
	if out := e.ok("event", "王小明", "结婚纪念日", "2010-11-25"); out != "1\n" {
		t.Fatalf("event printed %q, want its id", out)
	}
	e.ok("event", "1", "女儿高考", "2027-06-07", "--once")
	e.ok("event", "1", "公司周年", "11-15", "--lunar") // lunar 11-15 of 2026 is 2026-12-23
	if got := dueItems(t, e, 1); !strings.Contains(got["event"], "结婚纪念日 on 2026-11-25") {
		t.Errorf("due items = %v, want the anniversary on 2026-11-25", got)
	}
	if got := dueItems(t, e, 1, "--as-of", "2026-12-20"); !strings.Contains(got["event"], "公司周年 on 2026-12-23") {
		t.Errorf("due items on 2026-12-20 = %v, want the lunar company anniversary on 2026-12-23", got)
	}
	for _, bad := range []struct{ args []string }{
		{[]string{"event", "1", "高考", "06-07", "--once"}},
		{[]string{"event", "1", "高考", "2027-13-07"}},
		{[]string{"event", "1", " ", "2027-06-07"}},
		{[]string{"event", "1", "高考", "2027-06-07", "--leap"}},
	} {
		_, errs, code := e.run(false, bad.args...)
		if code == 0 || !strings.Contains(errs, "rolo:") {
			t.Errorf("rolo %v: exit %d, %q", bad.args, code, errs)
		}
	}
	_, errs, _ := e.run(false, "event", "1", "高考", "06-07", "--once")
	if !strings.Contains(errs, "needs its year") {
		t.Errorf("a one-off event without a year: %q", errs)
	}
	var card struct {
		Events []struct {
			ID    int64  `json:"id"`
			What  string `json:"what"`
			Date  string `json:"date"`
			Lunar bool   `json:"lunar"`
			Once  bool   `json:"once"`
		} `json:"events"`
	}
	if err := json.Unmarshal([]byte(e.ok("show", "1", "--json")), &card); err != nil {
		t.Fatal(err)
	}
	if len(card.Events) != 3 || card.Events[1].What != "女儿高考" || !card.Events[1].Once || !card.Events[2].Lunar || card.Events[2].Date != "--11-15" {
		t.Errorf("show events = %+v", card.Events)
	}
	// A greeting logged near the day clears it.
	e.ok("log", "1", "greeting", "发了祝福", "--at", "2026-11-22")
	if got := dueItems(t, e, 1); got["event"] != "" {
		t.Errorf("the anniversary is still due after a greeting: %v", got)
	}
	e.ok("rm", "event", "3")
	if got := dueItems(t, e, 1, "--as-of", "2026-12-20"); got["event"] != "" {
		t.Errorf("a deleted event is still on the agenda: %v", got)
	}
	if _, errs, code := e.run(false, "rm", "event", "3"); code == 0 || !strings.Contains(errs, "no event") {
		t.Errorf("deleting it twice: exit %d %q", code, errs)
	}
}

// Any agenda item can be snoozed or dismissed from the command line.
func TestSnoozeAndDismiss(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "王小明")
	e.ok("buy", "1", "500", "--date", "2026-01-05")
	// The only customer is the key one: contact cadence and the loyalty survey are due.
	got := dueItems(t, e, 1)
	if got["cadence"] == "" || got["survey"] == "" {
		t.Fatalf("due = %v, want cadence and survey", got)
	}
	_, errs, code := e.run(false, "snooze", "王小明")
	if code != 2 || !strings.Contains(errs, "say which") || !strings.Contains(errs, "cadence (") || !strings.Contains(errs, "survey (") {
		t.Errorf("snooze with two items: exit %d %q", code, errs)
	}
	if _, errs, code := e.run(false, "snooze", "王小明", "nap"); code != 2 || !strings.Contains(errs, "not an agenda reason") {
		t.Errorf("snooze with a bad reason: exit %d %q", code, errs)
	}
	if _, errs, code := e.run(false, "snooze", "王小明", "cadence", "--until", "2026-11-01"); code != 2 || !strings.Contains(errs, "not after today") {
		t.Errorf("snooze into the past: exit %d %q", code, errs)
	}
	var snoozed itemJSON
	if err := json.Unmarshal([]byte(e.ok("snooze", "王小明", "cadence", "--until", "+2w", "--json")), &snoozed); err != nil {
		t.Fatal(err)
	}
	if snoozed.Action != "snoozed" || snoozed.Until != "2026-12-06" || snoozed.Reason != "cadence" {
		t.Errorf("snoozed = %+v", snoozed)
	}
	if got := dueItems(t, e, 1); got["cadence"] != "" {
		t.Errorf("cadence still due after the snooze: %v", got)
	}
	if got := dueItems(t, e, 1, "--as-of", "2026-12-06"); got["cadence"] == "" {
		t.Errorf("the snoozed cadence did not come back on 2026-12-06: %v", got)
	}
	if _, errs, code := e.run(false, "dismiss", "王小明", "survey"); code != 2 || !strings.Contains(errs, "--note") {
		t.Errorf("dismiss without a note: exit %d %q", code, errs)
	}
	e.ok("dismiss", "王小明", "survey", "--note", "asked in person at the fair")
	// Nothing is left today: exit 0.
	if out, errs, code := e.run(false, "due", "--json"); code != 0 || strings.TrimSpace(out) != "[]" {
		t.Errorf("due after snooze and dismiss: exit %d %q %q", code, out, errs)
	}
	// A follow-up is done when dismissed; an open complaint must be resolved.
	e.ok("follow", "1", "2026-11-20", "send the catalogue")
	if _, errs, code := e.run(false, "dismiss", "1", "follow-up", "--note", "sent"); code != 0 {
		t.Errorf("dismiss a follow-up: exit %d %q", code, errs)
	}
	e.ok("complaint", "1", "送货晚了")
	if _, errs, code := e.run(false, "dismiss", "1", "complaint", "--note", "x"); code == 0 || !strings.Contains(errs, "resolve") {
		t.Errorf("dismiss a complaint: exit %d %q", code, errs)
	}
}

// Today's agenda marks a customer long past their rhythm lapsed; a look
// at another day does not; a new purchase wins them back; rolo churn
// counts it all, lost customers by reason.
func TestLifecycleAndChurn(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "钱小红")
	for _, d := range []string{"2026-10-08", "2026-10-18", "2026-10-28"} {
		e.ok("buy", "1", "100", "--date", d)
	}
	e.ok("add", "搬走的")
	e.ok("buy", "2", "100", "--date", "2026-03-01")
	e.ok("add", "嫌贵的")
	e.ok("buy", "3", "100", "--date", "2026-04-01")
	if _, errs, code := e.run(false, "edit", "2", "--status", "lost"); code != 2 || !strings.Contains(errs, "needs a reason") {
		t.Errorf("lost without a reason: exit %d %q", code, errs)
	}
	e.ok("edit", "2", "--status", "lost", "--lost-reason", "moved")
	e.ok("edit", "3", "--status", "lost", "--lost-reason", "price")

	e.run(false, "due", "--as-of", "2026-11-22")
	if out := e.ok("list"); !strings.Contains(out, "钱小红\tkey\tactive") {
		t.Errorf("a look with --as-of changed the status:\n%s", out)
	}
	e.live = true
	e.run(false, "due")
	e.live = false
	if out := e.ok("list"); !strings.Contains(out, "钱小红\tkey\tlapsed") {
		t.Errorf("today's agenda did not lapse a customer 25 days past a 10-day rhythm:\n%s", out)
	}
	e.ok("buy", "3", "200", "--date", "2026-11-22")

	var ch churnJSON
	if err := json.Unmarshal([]byte(e.ok("churn", "--months", "3", "--json")), &ch); err != nil {
		t.Fatal(err)
	}
	if ch.From != "2026-09-01" || ch.To != "2026-11-22" || len(ch.Months) != 3 {
		t.Fatalf("churn period = %s..%s, %d months", ch.From, ch.To, len(ch.Months))
	}
	nov := ch.Months[2]
	if len(ch.Lost) != 2 || len(ch.WonBack) != 1 || ch.WonBack[0].Name != "嫌贵的" || len(ch.Lapsed) != 1 ||
		nov.Lost != 2 || nov.WonBack != 1 || nov.Lapsed != 1 || ch.Months[1].Gained != 1 {
		t.Errorf("churn = %+v", ch)
	}
	if len(ch.ByReason) != 2 || ch.ByReason[0].Customers != 1 {
		t.Errorf("lost by reason = %+v", ch.ByReason)
	}
	out, _, _ := e.run(true, "churn")
	for _, want := range []string{"2 customers lost, 1 customer won back, 1 customer lapsed", "moved", "搬走的", "Won back"} {
		if !strings.Contains(out, want) {
			t.Errorf("churn on a terminal lacks %q:\n%s", want, out)
		}
	}
}

// greet takes the festival's Chinese name as well as its key.
func TestGreetChineseFestival(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "王小明")
	e.ok("buy", "1", "500", "--date", "2026-10-01")
	var en, zh []struct {
		Festival string `json:"festival"`
		Date     string `json:"date"`
	}
	if err := json.Unmarshal([]byte(e.ok("greet", "--festival", "spring", "--json")), &en); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(e.ok("greet", "--festival", "春节", "--json")), &zh); err != nil {
		t.Fatal(err)
	}
	// Spring Festival 2027 is on 6 February.
	if len(en) != 1 || len(zh) != 1 || en[0] != zh[0] || zh[0].Date != "2027-02-06" || zh[0].Festival != "spring" {
		t.Errorf("greet spring = %+v, 春节 = %+v", en, zh)
	}
	if _, errs, code := e.run(false, "greet", "--festival", "圣诞"); code == 0 || !strings.Contains(errs, "spring") {
		t.Errorf("an unknown festival: exit %d %q", code, errs)
	}
}

// Events reach the iCalendar export: a yearly one every year of the five,
// a one-off once, each occurrence with its own UID.
func TestEventsInTheCalendar(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "王小明")
	e.ok("event", "1", "结婚纪念日", "2010-12-05")
	e.ok("event", "1", "女儿高考", "2027-06-07", "--once")
	ics := e.ok("export", "agenda", "--format", "ics")
	if n := strings.Count(ics, "SUMMARY:王小明 结婚纪念日"); n != 5 {
		t.Errorf("%d wedding anniversaries in the calendar, want 5 years", n)
	}
	for _, want := range []string{"UID:event-1-20261205@rolo", "UID:event-1-20301205@rolo", "UID:event-2-20270607@rolo",
		"SUMMARY:王小明 女儿高考"} {
		if !strings.Contains(ics, want) {
			t.Errorf("ics lacks %q", want)
		}
	}
	if n := strings.Count(ics, "女儿高考"); n != 1 {
		t.Errorf("a one-off event appears %d times", n)
	}
}
