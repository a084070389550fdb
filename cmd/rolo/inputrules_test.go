package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// plan.capacity says one default number and each weekday at most once.
func TestConfigCapacityRefusesRepeats(t *testing.T) {
	e := newEnv(t)
	for v, want := range map[string]string{
		"1,20,50":         `plan.capacity "1,20,50": 3 numbers without a weekday (1, 20, 50), and only one can be for every day`,
		"15,sat=6,sat=3":  `plan.capacity "15,sat=6,sat=3": Saturday is given twice (sat=6, sat=3)`,
		"15,sat=6,周六=3":   `Saturday is given twice (sat=6, 周六=3)`,
		"15,xyz=3":        `"xyz": a weekday is mon`,
		"sun=0,12,Sun=1":  `Sunday is given twice (sun=0, Sun=1)`,
		"15,sat=6,sun=0,": "",
	} {
		_, errs, code := e.run(false, "config", "plan.capacity", v)
		if want == "" {
			if code != 0 {
				t.Errorf("config plan.capacity %s: %d %q", v, code, errs)
			}
			continue
		}
		if code != 2 || !strings.Contains(errs, want) {
			t.Errorf("config plan.capacity %s: %d %q, want %q", v, code, errs, want)
		}
	}
	if got := e.ok("config", "plan.capacity"); got != "15,sat=6,sun=0,\n" {
		t.Errorf("plan.capacity = %q after refusals", got)
	}
}

// A phone has digits, an email an @, on every way in: add, edit, import.
func TestPhoneAndEmailChecked(t *testing.T) {
	e := newEnv(t)
	for _, phone := range []string{"139 0000 2222", "+86 139-0000-2222", "１３９００００２２２２", "(0755) 8888-8888",
		"0755-8888 8888 ext 12", "0755-88888888转801", "+1 (415) 555.0100 x3", "13800138000 / 13900139000"} {
		e.ok("add", "客户", "--phone", phone, "--allow-duplicates")
	}
	e.ok("add", "Anna", "--email", "anna@example.com")
	for _, tt := range []struct{ flag, value, want string }{
		{"--phone", "abc", `phone "abc": "a" is not part of a phone number; write its digits`},
		{"--phone", "+-()", `phone "+-()" has no digits`},
		{"--phone", "13800138000 wife", `phone "13800138000 wife": "w" is not part of a phone number`},
		{"--phone", "0755-8888 ext", `phone "0755-8888 ext": the extension has no number`},
		{"--email", "foo", `email "foo" is not an email address; write it as name@domain`},
		{"--email", "@example.com", `email "@example.com" is not`},
		{"--email", "anna@", `email "anna@" is not`},
		{"--email", "anna li@example.com", `email "anna li@example.com" is not`},
	} {
		_, errs, code := e.run(false, "add", "测试", tt.flag, tt.value)
		if code != 2 || !strings.Contains(errs, tt.want) {
			t.Errorf("add %s %q: %d %q, want %q", tt.flag, tt.value, code, errs, tt.want)
		}
		_, errs, code = e.run(false, "edit", "Anna", tt.flag, tt.value)
		if code != 2 || !strings.Contains(errs, tt.want) {
			t.Errorf("edit %s %q: %d %q, want %q", tt.flag, tt.value, code, errs, tt.want)
		}
	}
	if strings.Contains(e.ok("list"), "测试") {
		t.Error("a refused customer was added")
	}
	bad := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(bad, []byte("姓名,电话,邮箱\n李四,abc,\n王五,139,wang\n"), 0o600)
	_, errs, code := e.run(false, "import", "customers", bad)
	if code != 2 || !strings.Contains(errs, `line 2, column 2 (phone): phone "abc"`) || !strings.Contains(errs, `line 3, column 3 (email): email "wang"`) {
		t.Errorf("import of bad phones and emails: %d %q", code, errs)
	}
}

// add and edit read a birthday as import does: 8月15日, a 农历 prefix.
func TestBirthdayAsImportReadsIt(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "测试3", "--birthday", "12月6日")
	e.ok("add", "测试6", "--birthday", "农历1975-08-15")
	e.ok("add", "测试7", "--birthday", "8月15日", "--lunar")
	e.ok("add", "测试8", "--birthday", "1980/5/3")
	e.ok("add", "测试9", "--birthday", "1980-05-03", "--lunar")
	e.ok("edit", "测试9", "--birthday", "农历1981年5月3日")
	e.ok("add", "测试10", "--birthday", "--02-30", "--lunar")
	want := "name,birthday,birthday_lunar\r\n测试3,--12-06,false\r\n测试6,1975-08-15,true\r\n测试7,--08-15,true\r\n" +
		"测试8,1980-05-03,false\r\n测试9,1981-05-03,true\r\n测试10,--02-30,true\r\n"
	if got := e.ok("export", "customers", "--fields", "name,birthday,birthday_lunar"); got != want {
		t.Errorf("birthdays:\n%s\nwant\n%s", got, want)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--birthday", "abc"}, `--birthday: expected a birthday such as 1980-08-15, --08-15 or 8月15日 (no year), got "abc"`},
		{[]string{"--birthday", "--02-30"}, `"--02-30" is not a solar birthday: February has 29 days; check the day, or mark it lunar`},
		{[]string{"--birthday", "农历8月15日", "--lunar=false"}, `--birthday "农历8月15日" is a lunar (农历) date, and --lunar=false says it is not`},
	} {
		_, errs, code := e.run(false, append([]string{"add", "测试"}, tt.args...)...)
		if code != 2 || !strings.Contains(errs, tt.want) {
			t.Errorf("add %v: %d %q, want %q", tt.args, code, errs, tt.want)
		}
	}
}

// done on a follow-up done already says when, in the rep's zone.
func TestDoneTwiceSaysWhenReadably(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	db := filepath.Join(t.TempDir(), "notebook.db")
	run := func(args ...string) (string, int) {
		var out, errb bytes.Buffer
		a := &App{In: strings.NewReader(""), Out: &out, Err: &errb, Getenv: func(string) string { return "" },
			Now: func() time.Time { return time.Date(2026, 12, 2, 18, 23, 0, 0, cst) }}
		code := run(append([]string{"--db", db}, args...), a)
		return errb.String(), code
	}
	for _, args := range [][]string{{"init"}, {"add", "王小明"}, {"follow", "1", "2026-12-05", "call"}, {"done", "1"}} {
		if errs, code := run(args...); code != 0 {
			t.Fatalf("rolo %v: %d %s", args, code, errs)
		}
	}
	if errs, code := run("done", "1"); code != 2 || errs != "rolo: follow-up 1 was already done on 2026-12-02 18:23\n" {
		t.Errorf("done twice: %d %q", code, errs)
	}
}

// A purchase paid more after the sale than it comes to: the amount that
// did not change is not "its new amount".
func TestEditPaidOverWording(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "王小明")
	e.ok("buy", "1", "3000", "--paid", "1000", "--date", "2026-11-01")
	e.ok("pay", "1", "500", "--date", "2026-11-10")
	_, errs, code := e.run(false, "edit", "purchase", "1", "--paid", "")
	if code != 2 || !strings.Contains(errs, "more than its amount 3000.00") || strings.Contains(errs, "new amount") {
		t.Errorf("edit --paid \"\": %d %q", code, errs)
	}
	_, errs, code = e.run(false, "edit", "purchase", "1", "--amount", "1200")
	if code != 2 || !strings.Contains(errs, "new amount 1200.00") {
		t.Errorf("edit --amount below what was paid: %d %q", code, errs)
	}
}

// event's help and its error say the same of a year-less DATE.
func TestEventDateHintAndErrorAgree(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "王小明")
	if help := e.ok("event", "--help"); !strings.Contains(help, "or MM-DD (10-01) for a yearly event whose year does not\nmatter") {
		t.Errorf("event --help:\n%s", help)
	}
	e.ok("event", "1", "结婚纪念日", "10-01")
	for _, d := range []string{"abc", "10-32", "10月1日"} {
		_, errs, code := e.run(false, "event", "1", "x", d)
		if code != 2 || !strings.Contains(errs, "or MM-DD (10-01) for a yearly event whose year does not matter") || strings.Contains(errs, "--MM-DD") {
			t.Errorf("event DATE %s: %d %q", d, code, errs)
		}
	}
}
