package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/rolo-crm/rolo/render"
)

// Behaviour behind issue #19: dates and words as people write them, one
// JSON layout, null for what is unknown, colour and width.

// A customer the rep no longer serves is not told a cadence of 0 days.
func TestDroppedTreatmentHasNoCadence(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "王小明")
	e.ok("buy", "1", "100", "--date", "2026-10-01")
	e.ok("edit", "1", "--status", "dropped")
	out, _, code := e.run(true, "show", "1")
	if code != 0 || !strings.Contains(out, "Treatment") || strings.Contains(out, "every 0 days") || strings.Contains(out, "contact every") {
		t.Errorf("dropped customer's card:\n%s", out)
	}
}

func TestDatesAsPeopleWriteThem(t *testing.T) {
	e := newEnv(t) // today is Sunday 2026-11-22
	e.ok("add", "王小明")
	for _, f := range [][2]string{
		{"12月25日", "圣诞礼物"},    // a date without its year, scheduling: the coming one
		{"1/5", "新年问候"},       // 2027
		{"next week", "回访"},   // its Monday
		{"下周五", "送样品"},        // Friday of next week (weeks start on Monday)
		{"in 3 days", "call"}, // 2026-11-25
		{"三天后", "寄目录"},        // the same day in Chinese
	} {
		e.ok("follow", "1", f[0], f[1])
	}
	e.ok("log", "1", "电话", "约了拜访", "--at", "昨天下午3点")
	e.ok("log", "1", "visit", "brought samples", "--at", "15:30")
	e.ok("log", "1", "微信", "sent photos", "--at", "3 days ago")
	e.ok("log", "1", "Greeting", "中秋快乐", "--at", "2026-09-25 20:00")
	e.ok("buy", "1", "100", "--date", "上周五")
	e.ok("buy", "1", "200", "--date", "last friday")
	e.ok("buy", "1", "300", "--date", "12/25") // recording: the last one
	e.ok("buy", "1", "400", "--date", "2026年3月1日", "--next", "+3m")
	var card struct {
		FollowUps []struct{ Due, What string } `json:"followups"`
		Contacts  []struct{ At, Kind string }  `json:"contacts"`
		Purchases []struct {
			Date string  `json:"date"`
			Next *string `json:"next_date"`
		} `json:"purchases"`
	}
	if err := json.Unmarshal([]byte(e.ok("show", "1", "--json", "--limit", "0")), &card); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range card.FollowUps {
		if !strings.HasPrefix(f.What, "thank-you") { // the purchases propose those
			got = append(got, f.Due+" "+f.What)
		}
	}
	want := "2026-11-23 回访|2026-11-25 call|2026-11-25 寄目录|2026-11-27 送样品|2026-12-25 圣诞礼物|2027-01-05 新年问候"
	if strings.Join(got, "|") != want {
		t.Errorf("follow-ups:\n%s\nwant\n%s", strings.Join(got, "|"), want)
	}
	got = nil
	for _, c := range card.Contacts {
		got = append(got, c.At+" "+c.Kind)
	}
	want = "2026-11-22T15:30:00Z visit|2026-11-21T15:00:00Z call|2026-11-19T12:00:00Z message|2026-09-25T20:00:00Z greeting"
	if strings.Join(got, "|") != want {
		t.Errorf("contacts:\n%s\nwant\n%s", strings.Join(got, "|"), want)
	}
	got = nil
	for _, p := range card.Purchases {
		got = append(got, p.Date)
		if p.Date == "2026-03-01" && (p.Next == nil || *p.Next != "2026-06-01") {
			t.Errorf("--next +3m from 2026-03-01: %v", p.Next)
		}
		if p.Date != "2026-03-01" && p.Next != nil {
			t.Errorf("a purchase without --next has next_date %q, want null", *p.Next)
		}
	}
	if want := "2026-11-20|2026-11-13|2026-03-01|2025-12-25"; strings.Join(got, "|") != want {
		t.Errorf("purchase dates %s, want %s", strings.Join(got, "|"), want)
	}

	// --as-of takes the same words, relative to the clock's date.
	for asOf, want := range map[string]string{"yesterday": "2026-11-21", "last friday": "2026-11-20", "上周五": "2026-11-13",
		"2026/11/1": "2026-11-01", "-2w": "2026-11-08"} {
		var m struct {
			AsOf string `json:"as_of"`
		}
		if err := json.Unmarshal([]byte(e.ok("clv", "--model", "--json", "--as-of", asOf)), &m); err != nil || m.AsOf != want {
			t.Errorf("--as-of %s: as of %q, want %s (%v)", asOf, m.AsOf, want, err)
		}
	}
	e.ok("movers", "--since", "last month")
	e.ok("churn", "--from", "上个月", "--to", "yesterday")
}

func TestChineseWords(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "王小明", "--birthday", "1990-11-25")
	e.ok("buy", "1", "500", "--date", "2026-10-01")
	// Festivals by their Chinese names, the same as in English.
	for zh, en := range map[string]string{"中秋": "mid-autumn", "端午": "dragon-boat", "元宵": "lantern", "春节": "spring"} {
		if a, b := e.ok("greet", "--festival", zh, "--json"), e.ok("greet", "--festival", en, "--json"); a != b || !strings.Contains(a, `"festival":"`+en+`"`) {
			t.Errorf("greet %s:\n%s\ngreet %s:\n%s", zh, a, en, b)
		}
	}
	// An agenda reason in Chinese: 生日 is the birthday item.
	out := e.ok("snooze", "1", "生日", "--until", "下周一", "--json")
	if !strings.Contains(out, `"reason": "birthday"`) || !strings.Contains(out, `"until": "2026-11-23"`) {
		t.Errorf("snooze 1 生日:\n%s", out)
	}
	// Every Chinese contact kind is logged as its English kind.
	for _, k := range [][2]string{{"拜访", "visit"}, {"电话", "call"}, {"微信", "message"}, {"短信", "message"}, {"邮件", "email"},
		{"礼物", "gift"}, {"问候", "greeting"}, {"反馈", "feedback"}, {"投诉", "complaint"}, {"会议", "meeting"}} {
		out := e.ok("log", "1", k[0], "…", "--json")
		if !strings.Contains(out, `"kind": "`+k[1]+`"`) {
			t.Errorf("log %s:\n%s", k[0], out)
		}
	}
}

// isRows checks the one layout of lists in --json: a JSON array, one
// object per line.
func isRows(doc string) error {
	if doc == "[]\n" {
		return nil
	}
	lines := strings.Split(strings.TrimSuffix(doc, "\n"), "\n")
	if len(lines) < 3 || lines[0] != "[" || lines[len(lines)-1] != "]" {
		return fmt.Errorf("not an array with a row per line")
	}
	for i, l := range lines[1 : len(lines)-1] {
		if i < len(lines)-3 {
			l = strings.TrimSuffix(l, ",")
		}
		var row map[string]any
		if err := json.Unmarshal([]byte(l), &row); err != nil {
			return fmt.Errorf("line %d is not one object: %v", i+2, err)
		}
	}
	var all []map[string]any
	return json.Unmarshal([]byte(doc), &all)
}

func TestJSONLayoutAndNulls(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "王小明", "--birthday", "1980-11-25")
	e.ok("add", "Anna Li")
	e.ok("buy", "1", "1000", "--date", "2026-03-01")
	e.ok("buy", "1", "250", "--date", "2026-11-22", "--paid", "50")
	e.ok("buy", "2", "80", "--date", "2025-06-01", "--cost", "30")
	e.ok("buy", "2", "90", "--date", "2026-11-01", "--cost", "40")
	e.ok("add", "李娜")
	e.ok("buy", "3", "60", "--date", "2026-11-10") // a first purchase: up from prospect
	e.ok("follow", "1", "today", "call")
	e.ok("follow", "2", "today", "visit")
	lists := [][]string{
		{"list"}, {"today"}, {"due"}, {"pyramid"}, {"rfm"}, {"movers"}, {"owed"}, {"greet"}, {"find", "wxm"}, {"clv"},
		{"pay", "1", "100"}, {"done", "2"}, {"man", t.TempDir()},
	}
	for _, args := range lists {
		out, errs, code := e.run(false, append(args, "--json")...)
		if code > 1 {
			t.Fatalf("rolo %s --json: exit %d %s", args, code, errs)
		}
		if err := isRows(out); err != nil || out == "[]\n" {
			t.Errorf("rolo %s --json: %v (want rows, one object per line):\n%s", strings.Join(args, " "), err, out)
		}
	}
	// Unknown is null, not zero: satisfaction and loyalty without a survey,
	// profit without a cost; the last 12 months count this year's purchases.
	var card struct {
		Metrics map[string]json.RawMessage `json:"metrics"`
	}
	if err := json.Unmarshal([]byte(e.ok("show", "1", "--json")), &card); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"satisfaction": "null", "loyalty": "null", "profit": "null", "revenue": `"1250.00"`,
		"revenue_last_12m": `"1250.00"`, "revenue_prev_12m": `"0.00"`, "outstanding": `"100.00"`} {
		if got := string(card.Metrics[k]); got != want {
			t.Errorf("王小明's %s = %s, want %s", k, got, want)
		}
	}
	// The same unknown profit piped: left out like any empty field, not
	// 0.00; a known one as it is.
	if out := e.ok("show", "1"); strings.Contains(out, "\nprofit\t") {
		t.Errorf("rolo show 1 piped gives a profit without a cost:\n%s", out)
	}
	if out := e.ok("show", "2"); !strings.Contains(out, "\nprofit\t100.00\n") {
		t.Errorf("rolo show 2 piped, want profit 100.00:\n%s", out)
	}
	if err := json.Unmarshal([]byte(e.ok("show", "2", "--json")), &card); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"profit": `"100.00"`, "revenue_last_12m": `"90.00"`, "revenue_prev_12m": `"80.00"`} {
		if got := string(card.Metrics[k]); got != want {
			t.Errorf("Anna Li's %s = %s, want %s", k, got, want)
		}
	}
	e.ok("survey", "2", "--satisfaction", "4", "--initiative", "3", "--repurchase", "4", "--recommend", "4", "--resistance", "3")
	if err := json.Unmarshal([]byte(e.ok("show", "2", "--json")), &card); err != nil {
		t.Fatal(err)
	}
	if string(card.Metrics["satisfaction"]) != "4" || string(card.Metrics["loyalty"]) != "65" {
		t.Errorf("after a survey: satisfaction %s, loyalty %s", card.Metrics["satisfaction"], card.Metrics["loyalty"])
	}
	// A list with nothing in it is an empty array.
	if out := e.ok("find", "nobody at all", "--json"); out != "[]\n" {
		t.Errorf("find with no match --json = %q", out)
	}
}

func TestColourFollowsTheEnvironment(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "王小明", "--city", "上海")
	piped := "1\t王小明\tprospect\tprospect\t\t\t上海\t\n"
	if out := e.ok("list"); out != piped {
		t.Fatalf("piped list = %q", out)
	}
	// CLICOLOR_FORCE: into a pipe (a pager) as on a terminal, with colour.
	e.env["CLICOLOR_FORCE"] = "1"
	if out := e.ok("list"); !strings.HasPrefix(out, "\x1b[1mID") || !strings.Contains(out, "王小明") {
		t.Errorf("CLICOLOR_FORCE=1 list = %q", out)
	}
	e.env["COLUMNS"] = "50"
	for _, l := range strings.Split(strings.TrimSpace(e.ok("list")), "\n") {
		if w := render.Width(l); w > 50 {
			t.Errorf("COLUMNS=50: a line of %d cells: %q", w, l)
		}
	}
	// NO_COLOR wins; CLICOLOR_FORCE=0 forces nothing.
	e.env["NO_COLOR"] = "1"
	if out := e.ok("list"); out != piped {
		t.Errorf("NO_COLOR and CLICOLOR_FORCE list = %q", out)
	}
	delete(e.env, "NO_COLOR")
	e.env["CLICOLOR_FORCE"] = "0"
	if out := e.ok("list"); out != piped {
		t.Errorf("CLICOLOR_FORCE=0 list = %q", out)
	}
}

// The pyramid keeps its shape without colour: its bars are glyphs, as
// long as their share.
func TestPyramidShapeWithoutColour(t *testing.T) {
	e := sevenCustomers(t) // key 1, major 1, ordinary 2, small 3 customers
	e.env["NO_COLOR"] = "1"
	out, _, code := e.run(true, "pyramid")
	if code != 0 || strings.Contains(out, "\x1b[") {
		t.Fatalf("exit %d, escape sequences without colour:\n%s", code, out)
	}
	lines := strings.Split(out, "\n")
	var bars []int
	for _, l := range lines[1:5] {
		left := []rune(l)[:18] // the count pyramid's half
		n := 0
		for _, r := range left {
			if r == '▓' {
				n++
			}
		}
		bars = append(bars, n) // the label is beside the bar, never over it
		if n == 0 {
			t.Errorf("a tier without a bar: %q", l)
		}
	}
	// 1, 1, 2, 3 customers: the widest bar fills the half but for its
	// label and a space (16 of 18 cells), the others in proportion.
	if fmt.Sprint(bars) != "[5 5 11 16]" {
		t.Errorf("bar widths %v, want [5 5 11 16]:\n%s", bars, out)
	}
}

// rolo due at 80 columns: the detail goes on its own lines under the row,
// wrapped at word boundaries — nothing is cut.
func TestDueAt80Columns(t *testing.T) {
	e := newEnv(t)
	e.env["NO_COLOR"] = "1"
	e.ok("add", "Wendy Nguyen-Smith")
	e.ok("add", "王小明")
	long := "call about the spring order and ask whether the new oolong samples arrived before the trade fair in Guangzhou next month"
	zh := "送新茶样品并询问上次的普洱茶饼是否有破损如果有就安排换货并记录客户的满意度和下次采购计划"
	e.ok("follow", "1", "yesterday", long)
	e.ok("follow", "2", "today", zh)
	for _, width := range []int{80, 100} {
		out, _, code := e.runW(width, "due")
		if code != 1 {
			t.Fatalf("exit %d", code)
		}
		for _, l := range strings.Split(out, "\n") {
			if w := render.Width(l); w > width {
				t.Errorf("width %d: a line of %d cells: %q", width, w, l)
			}
		}
		joined := strings.Join(strings.Fields(out), " ")
		if !strings.Contains(joined, long) || !strings.Contains(strings.ReplaceAll(joined, " ", ""), zh) || strings.Contains(out, "…") {
			t.Errorf("width %d: a follow-up was cut:\n%s", width, out)
		}
		if !strings.Contains(out, "\n2 customers overdue, 0 due soon.") && !strings.Contains(out, "\n1 customer overdue, 1 due soon.") {
			t.Errorf("width %d: the summary:\n%s", width, out)
		}
	}
	// Plurals: one customer owes, one festival date, said once.
	e.ok("buy", "1", "100", "--date", "2026-09-01", "--paid", "0")
	if out, _, _ := e.run(true, "owed"); !strings.Contains(out, "\n1 customer owes 100.00 in all; 1 past the 30-day terms.") {
		t.Errorf("owed:\n%s", out)
	}
	if out, _, _ := e.run(true, "greet", "--festival", "中秋"); !strings.HasPrefix(out, "中秋节 Mid-Autumn Festival is on 2027-09-15. 2 customers to greet:\n") {
		t.Errorf("greet heading:\n%s", out)
	}
	if out, _, _ := e.run(true, "greet", "--festival", "中秋", "--as-of", "2027-09-10"); !strings.HasPrefix(out, "中秋节 Mid-Autumn Festival is on 2027-09-15 (in 5d).") {
		t.Errorf("greet heading near the day:\n%s", out)
	}
}
