package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rolo-crm/rolo/render"
	"github.com/rolo-crm/rolo/store"
)

type testEnv struct {
	t   *testing.T
	db  string
	env map[string]string
	// live runs without --as-of, as a rep would today (still 2026-11-22):
	// today's agenda moves the lifecycle on.
	live bool
	// width is the terminal's width for run(true, ...); 0 means 100.
	width int
}

func newEnv(t *testing.T) *testEnv {
	t.Helper()
	e := &testEnv{t: t, db: filepath.Join(t.TempDir(), "notebook.db"), env: map[string]string{}}
	if _, _, code := e.run(false, "init"); code != 0 {
		t.Fatal("init failed")
	}
	return e
}

// run executes rolo with args; tty says whether stdout is a terminal.
func (e *testEnv) run(tty bool, args ...string) (stdout, stderr string, code int) {
	return e.exec(tty, "", args...)
}

// runIn executes rolo with stdin.
func (e *testEnv) runIn(stdin string, args ...string) (stdout, stderr string, code int) {
	return e.exec(false, stdin, args...)
}

func (e *testEnv) exec(tty bool, stdin string, args ...string) (stdout, stderr string, code int) {
	var out, errb bytes.Buffer
	a := &App{
		In: strings.NewReader(stdin), Out: &out, Err: &errb,
		Getenv: func(k string) string { return e.env[k] },
		Now:    func() time.Time { return time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC) },
		IsTTY:  tty, InTTY: tty, Width: 100,
	}
	if e.width > 0 {
		a.Width = e.width
	}
	full := append([]string{"--db", e.db, "--as-of", "2026-11-22"}, args...)
	if e.live {
		full = append([]string{"--db", e.db}, args...)
	}
	code = run(full, a)
	return out.String(), errb.String(), code
}

func (e *testEnv) ok(args ...string) string {
	e.t.Helper()
	out, errs, code := e.run(false, args...)
	if code != 0 {
		e.t.Fatalf("rolo %s: exit %d: %s", strings.Join(args, " "), code, errs)
	}
	return out
}

func TestAddFindShowPiped(t *testing.T) {
	e := newEnv(t)
	if id := e.ok("add", "王小明", "--phone", "13800138000", "--company", "明达贸易", "--birthday", "1980-08-15", "--lunar", "--tag", "vip"); id != "1\n" {
		t.Fatalf("add printed %q, want the id", id)
	}
	e.ok("add", "Anna Li", "--referred-by", "wxm", "--email", "anna@example.com")
	e.ok("buy", "王小明", "1,280.50", "--item", "普洱茶饼", "--qty", "4", "--date", "2026-11-01", "--next", "+3m")

	for _, q := range []string{"wxm", "wangxiaoming", "王", "明达", "普洱"} {
		if got := e.ok("find", q); !strings.HasPrefix(got, "1\t王小明\t明达贸易\t13800138000\t") {
			t.Errorf("find %s = %q", q, got)
		}
	}
	show := e.ok("show", "王小明")
	for _, want := range []string{"name\t王小明\n", "birthday\t1980-08-15 (lunar)\n", "tier\tkey\n", "revenue\t1280.50\n",
		"referrals\t1\n", "purchase\t1\t2026-11-01\t普洱茶饼\t4\t1280.50\t\n"} {
		if !strings.Contains(show, want) {
			t.Errorf("show lacks %q:\n%s", want, show)
		}
	}
}

func TestJSONOutput(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "王小明", "--set", "车=特斯拉")
	e.ok("buy", "1", "99.5", "--next", "2027-01-01")
	var p struct {
		Customer struct {
			Name   string            `json:"name"`
			Custom map[string]string `json:"custom"`
		} `json:"customer"`
		Tier      string `json:"tier"`
		Purchases []struct {
			Amount   string  `json:"amount"`
			NextDate *string `json:"next_date"`
		} `json:"purchases"`
	}
	out := e.ok("show", "1", "--json")
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatalf("show --json is not JSON: %v\n%s", err, out)
	}
	if p.Customer.Name != "王小明" || p.Customer.Custom["车"] != "特斯拉" || p.Tier != "key" ||
		len(p.Purchases) != 1 || p.Purchases[0].Amount != "99.50" || p.Purchases[0].NextDate == nil || *p.Purchases[0].NextDate != "2027-01-01" {
		t.Errorf("show --json = %+v", p)
	}
	var list []map[string]any
	if err := json.Unmarshal([]byte(e.ok("list", "--json")), &list); err != nil || len(list) != 1 || list[0]["tier"] != "key" {
		t.Errorf("list --json = %v, %v", list, err)
	}
}

func TestTTYTable(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "王小明", "--company", "明达贸易", "--city", "上海")
	e.ok("add", "Bob\x1b[31mRed", "--city", "Paris")
	coloured, _, _ := e.run(true, "list")
	if !strings.Contains(coloured, "\x1b[1mID") {
		t.Errorf("a terminal gets a bold header:\n%q", coloured)
	}
	e.env["NO_COLOR"] = "1"
	out, _, code := e.run(true, "list")
	if code != 0 {
		t.Fatal(code)
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "ID") {
		t.Fatalf("table:\n%s", out)
	}
	if strings.Contains(out, "\x1b[31m") || !strings.Contains(out, `Bob\e[31mRed`) {
		t.Errorf("escape sequence from the notebook reached the terminal:\n%q", out)
	}
	// CJK names are two cells wide: the next column starts at the same cell in every row.
	col := func(line, word string) int {
		i := strings.Index(line, word)
		return render.Width(line[:i])
	}
	if a, b := col(lines[1], "prospect"), col(lines[2], "prospect"); a != b {
		t.Errorf("columns misaligned (%d vs %d):\n%s", a, b, out)
	}
}

func TestErrors(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "王小明")
	e.ok("add", "王小明", "--company", "华信")
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown customer", []string{"show", "nobody"}, 2,
			"rolo: no customer matches \"nobody\"; try rolo find or rolo list\n"},
		{"ambiguous name", []string{"buy", "王小明", "10"}, 2,
			"rolo: \"王小明\" matches 2 customers; use an id or a longer name:\n  1\t王小明\n  2\t王小明\t华信\n"},
		{"bad date", []string{"follow", "1", "2026-02-30", "call"}, 2,
			"rolo: WHEN: \"2026-02-30\" is not a date: February 2026 has no day 30\n"},
		{"not a date", []string{"follow", "1", "soon", "call"}, 2,
			"rolo: WHEN: \"soon\" is not a date; write e.g. " + store.DateWords + "\n"},
		{"negative quantity", []string{"buy", "1", "10", "--qty", "-2"}, 2,
			"rolo: --qty \"-2\": the quantity must be a number more than zero\n"},
		{"bad amount", []string{"buy", "1", "12.345"}, 2,
			"rolo: AMOUNT: \"12.345\" is not an amount (more than 2 decimals); write it like 1234.50\n"},
		{"bad kind", []string{"log", "1", "fax", "hi"}, 2,
			"rolo: contact kind \"fax\" is not one of visit, call, message, email, meeting, gift, greeting, feedback, complaint " +
				"(or in Chinese: 拜访 visit, 电话 call, 微信 message, 短信 message, 邮件 email, 会议 meeting, 礼物 gift, 问候 greeting, 反馈 feedback, 投诉 complaint)\n"},
		{"kind typo", []string{"log", "1", "vist", "hi"}, 2, "rolo: contact kind \"vist\" is not known; did you mean visit?\n"},
		{"Chinese kind typo", []string{"log", "1", "电活", "hi"}, 2, "rolo: contact kind \"电活\" is not known; did you mean 电话?\n"},
		{"missing args", []string{"buy", "1"}, 2,
			"rolo: buy needs a CUSTOMER and an AMOUNT (got 1 argument)\nUsage: rolo buy CUSTOMER AMOUNT [flags]\n"},
		{"unknown follow-up", []string{"done", "77"}, 2,
			"rolo: no follow-up with id 77; the ids of open follow-ups are in rolo due\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errs, code := e.run(false, tt.args...)
			if code != tt.code || errs != tt.want || out != "" {
				t.Errorf("exit %d, stderr:\n%q\nwant exit %d:\n%q (stdout %q)", code, errs, tt.code, tt.want, out)
			}
		})
	}

	// A typo in --db is an error, not a new empty notebook.
	e2 := &testEnv{t: t, db: filepath.Join(t.TempDir(), "missing.db"), env: map[string]string{}}
	_, errs, code := e2.run(false, "list")
	if code != 3 || errs != "rolo: no notebook at "+e2.db+"; run rolo init to create one, or pass --db with the path of your notebook\n" {
		t.Errorf("missing notebook: exit %d %q", code, errs)
	}
}

func TestFollowDoneComplaintResolve(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "王小明")
	if id := e.ok("follow", "1", "next monday", "送样品"); id != "1\n" {
		t.Fatalf("follow printed %q", id)
	}
	if id := e.ok("complaint", "1", "茶饼有破损"); id != "1\n" {
		t.Fatalf("complaint printed %q", id)
	}
	if id := e.ok("resolve", "王小明", "--note", "换货"); id != "2\n" {
		t.Fatalf("resolve printed %q (want the check-in follow-up id)", id)
	}
	show := e.ok("show", "1")
	for _, want := range []string{"followup\t1\t2026-11-23\t送样品\n", "followup\t2\t2026-11-25\tsatisfaction check-in after resolved complaint: 茶饼有破损\n",
		"contact\t1\t2026-11-22T12:00:00Z\tcomplaint\t茶饼有破损\tresolved\n"} {
		if !strings.Contains(show, want) {
			t.Errorf("show lacks %q:\n%s", want, show)
		}
	}
	e.ok("done", "1")
	if strings.Contains(e.ok("show", "1"), "送样品") {
		t.Errorf("done follow-up still listed as open")
	}
	_, errs, code := e.run(false, "done", "1")
	if code != 2 || !strings.Contains(errs, "follow-up 1 was already done") {
		t.Errorf("done twice: %d %q", code, errs)
	}
	e.ok("survey", "1", "--satisfaction", "5", "--initiative", "4", "--repurchase", "5", "--recommend", "4", "--resistance", "2")
	if !strings.Contains(e.ok("show", "1", "--json"), `"loyalty": 75`) {
		t.Errorf("loyalty index of 5,4,5,4,2 should be 75")
	}
}

func TestEditRmList(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "王小明", "--tag", "vip,茶友", "--city", "上海")
	e.ok("add", "李四", "--city", "北京")
	e.ok("edit", "王小明", "--untag", "茶友", "--phone", "139", "--status", "lapsed")
	if got := e.ok("list", "--tag", "vip"); !strings.HasPrefix(got, "1\t王小明\tprospect\tlapsed\t\t139\t上海\tvip\n") {
		t.Errorf("list --tag vip = %q", got)
	}
	if got := e.ok("list", "--city", "北京"); !strings.HasPrefix(got, "2\t李四\t") {
		t.Errorf("list --city = %q", got)
	}
	e.ok("rm", "李四")
	if got := e.ok("list"); strings.Contains(got, "李四") {
		t.Errorf("archived customer listed: %q", got)
	}
	if got := e.ok("list", "--archived"); !strings.Contains(got, "李四") {
		t.Errorf("list --archived = %q", got)
	}
	e.ok("rm", "--restore", "2")
	e.ok("rm", "2", "--purge")
	if got := e.ok("list", "--archived") + e.ok("list"); strings.Contains(got, "李四") {
		t.Errorf("purged customer still listed: %q", got)
	}
	_, errs, code := e.run(false, "edit", "1")
	if code != 2 || !strings.Contains(errs, "nothing to change") {
		t.Errorf("edit without flags: %d %q", code, errs)
	}
}

// runW runs rolo on a terminal width cells wide.
func (e *testEnv) runW(width int, args ...string) (stdout, stderr string, code int) {
	e.width = width
	defer func() { e.width = 0 }()
	return e.exec(true, "", args...)
}

// A lunar birthday corrected without --lunar stays lunar, and edit says
// so; --lunar=false makes it solar. It was made solar silently (and its
// vCard BDAY a solar day the customer was not born on).
func TestEditBirthdayKeepsItsCalendar(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "王小明", "--birthday", "1980-08-15", "--lunar")
	birthday := func() string {
		t.Helper()
		var card struct {
			Customer struct {
				Birthday string `json:"birthday"`
				Lunar    bool   `json:"birthday_lunar"`
			} `json:"customer"`
		}
		if err := json.Unmarshal([]byte(e.ok("show", "1", "--json")), &card); err != nil {
			t.Fatal(err)
		}
		c := card.Customer
		return fmt.Sprintf("%s lunar=%v", c.Birthday, c.Lunar)
	}
	_, stderr, code := e.run(false, "edit", "1", "--birthday", "1980-08-16")
	if code != 0 || !strings.Contains(stderr, "王小明's birthday stays a lunar (农历) date, 1980-08-16; --lunar=false makes it a solar one") {
		t.Errorf("edit --birthday: exit %d %q", code, stderr)
	}
	if got := birthday(); got != "1980-08-16 lunar=true" {
		t.Errorf("after a corrected day: %s", got)
	}
	if _, stderr, _ := e.run(false, "edit", "1", "--birthday", "1980-08-17", "--lunar=false"); stderr != "" {
		t.Errorf("edit --lunar=false said %q", stderr)
	}
	if got := birthday(); got != "1980-08-17 lunar=false" {
		t.Errorf("after --lunar=false: %s", got)
	}
	if _, stderr, _ := e.run(false, "edit", "1", "--birthday", "1980-08-18"); stderr != "" {
		t.Errorf("editing a solar birthday said %q", stderr)
	}
	if got := birthday(); got != "1980-08-18 lunar=false" {
		t.Errorf("a solar birthday corrected: %s", got)
	}
}

// find shows the best -n matches; on a terminal it says when more match
// (it stopped at 20 without a word). Scripts get the rows asked for.
func TestFindSaysWhenMoreMatch(t *testing.T) {
	e := newEnv(t)
	for _, n := range []string{"王一", "王二", "王三"} {
		e.ok("add", n)
	}
	out, errs, code := e.run(true, "find", "王", "-n", "2")
	if code != 0 || strings.Count(out, "王") != 2 || !strings.Contains(errs, "The best 2 shown; more customers match (-n 100 shows more") {
		t.Errorf("find 王 -n 2 on a terminal: exit %d\n%s%s", code, out, errs)
	}
	if out, errs, _ := e.run(true, "find", "王", "-n", "3"); strings.Count(out, "王") != 3 || errs != "" {
		t.Errorf("find 王 -n 3 on a terminal:\n%s%s", out, errs)
	}
	if out, errs, _ := e.run(false, "find", "王", "-n", "2"); strings.Count(out, "\n") != 2 || errs != "" {
		t.Errorf("find 王 -n 2 piped:\n%s%s", out, errs)
	}
	if _, errs, code := e.run(false, "find", "王", "-n", "0"); code != 2 || !strings.Contains(errs, "--limit must be at least 1") {
		t.Errorf("find -n 0: exit %d %q", code, errs)
	}
}

// rolo --db new.db demo writes the demo there (--db was ignored: it went
// to a temporary folder); a --db that exists is refused, untouched, and
// $ROLO_DB is never written to.
func TestDemoIntoDB(t *testing.T) {
	e := newEnv(t) // e.db exists: a notebook
	before, err := os.ReadFile(e.db)
	if err != nil {
		t.Fatal(err)
	}
	if _, errs, code := e.run(false, "demo", "--customers", "5", "--no-tui"); code != 2 ||
		!strings.Contains(errs, "already exists; a demo writes a new notebook: name one that does not exist (--out, or --db)") {
		t.Errorf("demo into an existing --db: exit %d %q", code, errs)
	}
	if after, _ := os.ReadFile(e.db); !bytes.Equal(after, before) {
		t.Errorf("the existing notebook changed")
	}
	e.db = filepath.Join(t.TempDir(), "demo.db")
	if _, errs, code := e.run(false, "demo", "--customers", "5", "--no-tui"); code != 0 {
		t.Fatalf("demo into a new --db: exit %d %q", code, errs)
	}
	if out := e.ok("list"); strings.Count(out, "\n") != 5 {
		t.Errorf("the demo at --db lists:\n%s", out)
	}
}
