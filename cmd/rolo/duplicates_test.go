package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// A phone is the same phone however it is written: add refuses
// 13900002222 and +86 139 0000 2222 when 139 0000 2222 is taken, naming
// the phone (not the email), and find finds it by its digits.
func TestAddDuplicatePhoneWrittenOtherwise(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "欧阳娜娜", "--phone", "139 0000 2222")
	for _, phone := range []string{"13900002222", "+86 139 0000 2222", "0086-139-0000-2222"} {
		_, stderr, code := e.run(false, "add", "Test Dup", "--phone", phone)
		want := "rolo: " + phone + " is already the phone of 欧阳娜娜 (#1); rolo edit 1 changes them, or add --allow-duplicates to add another customer\n"
		if code != 2 || stderr != want {
			t.Errorf("add --phone %q: exit %d %q, want %q", phone, code, stderr, want)
		}
	}
	if id := e.ok("add", "Test Dup", "--phone", "+86 139 0000 2222", "--allow-duplicates"); id != "2\n" {
		t.Errorf("--allow-duplicates: %q", id)
	}
	if id := e.ok("add", "Abroad", "--phone", "+1 390 000 2222"); id != "3\n" { // another number: 001 390...
		t.Errorf("a foreign number with the same digits: %q", id)
	}
	if got := e.ok("find", "13900002222"); !strings.HasPrefix(got, "1\t欧阳娜娜\t\t139 0000 2222\t\tprofile\n") {
		t.Errorf("find 13900002222:\n%s", got)
	}
}

// edit refuses another customer's phone or email as add does, with the
// same --allow-duplicates way out; the customer's own number, written
// otherwise, and edits of other fields pass.
func TestEditDuplicates(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "李娜", "--phone", "13800000003", "--email", "lina@example.com")
	e.ok("add", "王五", "--phone", "13700000005")
	e.ok("add", "李娜", "--phone", "13800000003", "--allow-duplicates") // #3 shares #1's phone
	e.ok("rm", "3")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--phone", "+86 138 0000 0003"}, "+86 138 0000 0003 is already the phone of 李娜 (#1)"},
		{[]string{"--email", "LINA@example.com"}, "LINA@example.com is already the email of 李娜 (#1)"},
		{[]string{"--phone", "13700000006", "--email", "lina@example.com"}, "lina@example.com is already the email of 李娜 (#1)"},
	} {
		args := append([]string{"edit", "王五"}, tt.args...)
		_, stderr, code := e.run(false, args...)
		want := "rolo: " + tt.want + "; rolo edit 1 changes them, or add --allow-duplicates to give it to both\n"
		if code != 2 || stderr != want {
			t.Errorf("%v: exit %d %q, want %q", args, code, stderr, want)
		}
	}
	wang := func() (phone, email string) {
		var card struct {
			Customer struct {
				Phone string `json:"phone"`
				Email string `json:"email"`
			} `json:"customer"`
		}
		if err := json.Unmarshal([]byte(e.ok("show", "2", "--json")), &card); err != nil {
			t.Fatal(err)
		}
		return card.Customer.Phone, card.Customer.Email
	}
	if phone, email := wang(); phone != "13700000005" || email != "" {
		t.Errorf("a refused edit changed 王五: %q %q", phone, email)
	}
	// An archived customer's phone counts, as for add.
	e.ok("add", "Old", "--phone", "13600000000")
	e.ok("rm", "Old")
	if _, stderr, code := e.run(false, "edit", "王五", "--phone", "136 0000 0000"); code != 2 || !strings.Contains(stderr, "is already the phone of Old (#4), archived;") {
		t.Errorf("an archived customer's phone: exit %d %q", code, stderr)
	}
	// Asked on a terminal.
	out, errs, code := e.exec(true, "n\n", "edit", "王五", "--phone", "138 0000 0003")
	if code != 2 || !strings.Contains(errs, "138 0000 0003 is already the phone of 李娜 (#1). Give it to 王五 too? [y/N] ") || out != "" {
		t.Errorf("asked on a terminal, answered no: %d %q %q", code, out, errs)
	}
	e.ok("edit", "王五", "--phone", "+86 138 0000 0003", "--allow-duplicates")
	if phone, _ := wang(); phone != "+86 138 0000 0003" {
		t.Errorf("--allow-duplicates: phone %q", phone)
	}
	// Their own number written otherwise, and other fields, are no duplicates.
	e.ok("edit", "1", "--phone", "138-0000-0003")
	e.ok("edit", "1", "--email", "LiNa@example.com")
	e.ok("edit", "王五", "--city", "杭州")
	if _, stderr, code := e.run(false, "edit", "王五", "--allow-duplicates"); code != 2 || !strings.Contains(stderr, "nothing to change") {
		t.Errorf("--allow-duplicates alone: exit %d %q", code, stderr)
	}
}
