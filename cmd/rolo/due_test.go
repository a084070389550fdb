package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/rolo-crm/rolo/store"
)

func TestDueExitCodesAndOutput(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "王小明")
	// A brand-new prospect was just added (created today): nothing is due.
	out, _, code := e.run(false, "due")
	if code != 0 || out != "" {
		t.Fatalf("empty agenda: exit %d, %q", code, out)
	}
	e.ok("follow", "1", "2026-11-20", "送样品")
	out, _, code = e.run(false, "due")
	if code != 1 || out != "2026-11-20\t2\t1\t王小明\tprospect\tfollow-up\t送样品\t1\n" {
		t.Errorf("overdue follow-up: exit %d, %q", code, out)
	}
	e.ok("done", "1")
	e.ok("follow", "1", "+3d", "call")
	out, _, code = e.run(false, "due", "--json")
	var rows []dueRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil || code != 0 || len(rows) != 1 || rows[0].Due != "2026-11-25" || rows[0].DaysOverdue != 0 {
		t.Errorf("due soon: exit %d, %v, %+v", code, err, rows)
	}
	if out := e.ok("due", "--days", "1"); out != "" {
		t.Errorf("--days 1 still shows a follow-up 3 days ahead: %q", out)
	}
	if out := e.ok("due", "--tier", "key"); out != "" {
		t.Errorf("--tier key shows a prospect: %q", out)
	}
	_, errs, code := e.run(false, "due", "--tier", "vip")
	if code != 2 || !strings.Contains(errs, `unknown tier "vip"`) {
		t.Errorf("bad tier: %d %q", code, errs)
	}
}

func TestComplaintOnAgenda(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "李四")
	e.ok("complaint", "1", "送货晚了", "--at", "2026-11-18")
	out, _, code := e.run(false, "due")
	if code != 1 || !strings.HasPrefix(out, "2026-11-20\t2\t1\t李四\tprospect\tcomplaint\topen complaint 1: 送货晚了\t\n") {
		t.Errorf("complaint ageing: exit %d, %q", code, out)
	}
	e.ok("resolve", "1")
	out, _, _ = e.run(false, "due")
	if strings.Contains(out, "\tcomplaint\t") || !strings.Contains(out, "2026-11-25\t0\t1\t李四\tprospect\tfollow-up\tsatisfaction check-in after resolved complaint: 送货晚了\t1\n") {
		t.Errorf("after resolving: %q", out)
	}
}

// An open complaint heads its customer's line even before it is due; a
// debt weeks overdue behind it still makes the customer overdue: in the
// line's when, the count and the exit code that scripts alert on.
func TestDebtBehindAComplaintIsOverdue(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "欧阳娜娜")
	e.ok("buy", "1", "5000", "--paid", "1000", "--item", "礼盒", "--date", "2026-09-01") // 30-day terms: due 2026-10-01
	e.ok("complaint", "1", "礼盒包装破损")                                                   // today: answer within days
	out, _, code := e.run(false, "due")
	if code != 1 || !strings.Contains(out, "\tcomplaint\t") || !strings.Contains(out, "2026-10-01\t52\t1\t欧阳娜娜\tkey\tpayment\t") {
		t.Errorf("piped: exit %d, %q", code, out)
	}
	out, _, code = e.run(true, "due")
	if code != 1 || !strings.Contains(out, "52d overdue") || !strings.Contains(out, "1 customer overdue, 0 due soon") {
		t.Errorf("on a terminal: exit %d\n%s", code, out)
	}
}

// The contact log is what happened: a contact in the future is refused,
// on the command line as in the TUI's form, and nothing is logged.
func TestContactInTheFutureRefused(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "李娜")
	for _, at := range []string{"tomorrow", "2027-06-01 10:00", "2026-11-23"} {
		_, stderr, code := e.run(false, "log", "1", "visit", "到店", "--at", at)
		if code != 2 || !strings.Contains(stderr, "is in the future; log a contact when it happens") {
			t.Errorf("--at %s: exit %d %q", at, code, stderr)
		}
	}
	if _, stderr, code := e.run(false, "complaint", "1", "late", "--at", "tomorrow"); code != 2 || !strings.Contains(stderr, "2026-11-23 is in the future") {
		t.Errorf("complaint --at tomorrow: exit %d %q", code, stderr)
	}
	e.ok("log", "1", "call", "today, later", "--at", "23:59")
	e.ok("log", "1", "visit", "yesterday", "--at", "yesterday")
	var card struct {
		Contacts []struct{ At string } `json:"contacts"`
	}
	if err := json.Unmarshal([]byte(e.ok("show", "1", "--json")), &card); err != nil || len(card.Contacts) != 2 {
		t.Errorf("contacts logged: %+v (%v), want today's and yesterday's", card.Contacts, err)
	}
	if _, stderr, code := e.run(false, "edit", "contact", "1", "--at", "tomorrow"); code != 2 || !strings.Contains(stderr, "is in the future") {
		t.Errorf("edit contact --at tomorrow: exit %d %q", code, stderr)
	}
}

func TestGreet(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "王小明")
	e.ok("add", "Anna Li")
	e.ok("buy", "1", "900", "--date", "2026-10-01")
	e.ok("buy", "2", "100", "--date", "2026-10-01")
	if got := e.ok("greet", "--festival", "mid-autumn"); got != "1\t王小明\tkey\n2\tAnna Li\tsmall\n" {
		t.Errorf("greet list = %q", got)
	}
	// One row per customer, the festival and its date on each.
	want := `[
{"id":1,"name":"王小明","tier":"key","festival":"mid-autumn","festival_name":"中秋节 Mid-Autumn Festival","date":"2027-09-15"},
{"id":2,"name":"Anna Li","tier":"small","festival":"mid-autumn","festival_name":"中秋节 Mid-Autumn Festival","date":"2027-09-15"}
]
`
	if got := e.ok("greet", "--festival", "mid-autumn", "--json"); got != want {
		t.Errorf("greet --json =\n%s\nwant\n%s", got, want)
	}
	_, errs, code := e.run(false, "greet", "--festival", "halloween")
	if code != 2 || !strings.Contains(errs, "unknown festival") {
		t.Errorf("unknown festival: %d %q", code, errs)
	}
}

// Without --festival, greet is for the festival that comes first; a
// festival configured twice for one day is one greeting, under either name.
func TestGreetTheNextFestival(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "王小明")
	e.ok("buy", "1", "900", "--date", "2026-10-01")
	festival := func(args ...string) string {
		t.Helper()
		var rows []struct{ Festival, Date string }
		if err := json.Unmarshal([]byte(e.ok(append(args, "greet", "--json")...)), &rows); err != nil || len(rows) != 1 {
			t.Fatalf("greet %v: %+v, %v", args, rows, err)
		}
		return rows[0].Festival + " " + rows[0].Date
	}
	if got := festival(); got != "spring 2027-02-06" {
		t.Errorf("greet on 2026-11-22 = %s, want spring 2027-02-06", got)
	}
	e.ok("config", "festivals.solar", "12-25 Christmas; 12-25 圣诞节")
	if got := festival(); got != "christmas 2026-12-25" {
		t.Errorf("greet with Christmas configured = %s, want christmas 2026-12-25", got)
	}
	if got := festival("--as-of", "2026-12-26"); got != "spring 2027-02-06" {
		t.Errorf("greet the day after Christmas = %s, want spring 2027-02-06", got)
	}
	if got := e.ok("greet", "--festival", "圣诞节", "--json"); !strings.Contains(got, `"festival":"christmas"`) {
		t.Errorf("greet --festival 圣诞节 = %s", got)
	}
	out, _, _ := e.run(false, "--as-of", "2026-12-20", "due")
	if n := strings.Count(out, "\tfestival\t"); n != 1 || !strings.Contains(out, "\tfestival\tChristmas on 2026-12-25 — send greetings\t") {
		t.Errorf("due before Christmas: %d festival lines\n%s", n, out)
	}
}

func TestGreetingLoggedMarksDone(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "王小明")
	e.ok("--as-of", "2027-01-20", "buy", "1", "900")
	// A week before Spring Festival 2027 (2027-02-06) the key customer is to be greeted.
	run := func(args ...string) (string, int) {
		out, _, code := e.run(false, append([]string{"--as-of", "2027-02-01"}, args...)...)
		return out, code
	}
	out, _ := run("due")
	if !strings.Contains(out, "\tfestival\t春节 Spring Festival on 2027-02-06 — send greetings\t") {
		t.Fatalf("no festival greeting on the agenda:\n%s", out)
	}
	if _, code := run("log", "1", "greeting", "新年快乐"); code != 0 {
		t.Fatal("log greeting failed")
	}
	out, _ = run("due")
	if strings.Contains(out, "festival") {
		t.Errorf("greeting logged but still on the agenda:\n%s", out)
	}
	if out, _ := run("greet", "--festival", "spring"); out != "" {
		t.Errorf("greet list after greeting: %q", out)
	}
}

// A day without a time is that day wherever the rep is: at UTC+13 (New
// Zealand in summer) today's date was refused as tomorrow.
func TestContactTodayEastOfUTC(t *testing.T) {
	for _, zone := range []*time.Location{time.FixedZone("UTC+13", 13*3600), time.FixedZone("UTC-11", -11*3600), time.UTC} {
		now := time.Date(2026, 12, 2, 9, 0, 0, 0, zone)
		a := &App{Now: func() time.Time { return now }}
		today := store.Today(now)
		for _, at := range []string{"today", "2026-12-02", "yesterday", "08:30"} {
			if _, err := contactTime(a, at, today); err != nil {
				t.Errorf("%s, --at %s: %v", zone, at, err)
			}
		}
		for _, at := range []string{"tomorrow", "2026-12-03", "tomorrow 00:30"} {
			if _, err := contactTime(a, at, today); err == nil || !strings.Contains(err.Error(), "2026-12-03 is in the future") {
				t.Errorf("%s, --at %s: %v, want refused as 2026-12-03", zone, at, err)
			}
		}
	}
}

// On a terminal, a customer's line says every promise and debt, not only
// the most urgent item's detail: three follow-ups showed one.
func TestDueShowsEveryPromise(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "王小明")
	e.ok("follow", "王小明", "2026-11-20", "送茶样")
	e.ok("follow", "王小明", "2026-11-21", "回电话问口感")
	e.ok("buy", "王小明", "500", "--paid", "0", "--item", "礼盒", "--date", "2026-09-01")
	out, _, _ := e.run(true, "due")
	for _, want := range []string{"送茶样", "回电话问口感", "owes 500.00 for 礼盒"} {
		if !strings.Contains(out, want) {
			t.Errorf("due on a terminal does not say %q:\n%s", want, out)
		}
	}
	out, _, _ = e.run(true, "today")
	for _, want := range []string{"送茶样", "回电话问口感"} {
		if !strings.Contains(out, want) {
			t.Errorf("today on a terminal does not say %q:\n%s", want, out)
		}
	}
}
