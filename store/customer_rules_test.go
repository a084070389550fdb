package store

import (
	"context"
	"strings"
	"testing"
)

// A phone has digits (and only separators and an extension besides); an
// email is name@domain. Every number the tests, the demo and imports use
// passes.
func TestValidatePhoneAndEmail(t *testing.T) {
	for _, tt := range []struct {
		phone, email string
		want         string // "" when valid
	}{
		{"13800138000", "wxm@example.com", ""},
		{"139 0000 2222", "", ""},
		{"+86 139-0000-2222", "", ""},
		{"+86 10 6552 9988", "", ""},
		{"+65 8123 4567", "", ""},
		{"１３９００００２２２２", "", ""},
		{"＋８６　１３９－００００", "", ""},
		{"(0755) 8888.8888", "", ""},
		{"010/6552 9988", "", ""},
		{"0755-8888 8888 ext 12", "", ""},
		{"0755-8888 8888 Ext. 12", "", ""},
		{"0755-88888888转801", "", ""},
		{"0755-88888888 分机 801", "", ""},
		{"415 555 0100 x3", "", ""},
		{"13800138000, 13900139000", "", ""},
		{"1", "", ""},
		{"  ", "  ", ""},
		{"", "李@例子.中国", ""},
		{"", "a.b+c@example.com", ""},
		{"abc", "", `phone "abc": "a" is not part of a phone number`},
		{"tel 139", "", `phone "tel 139": "t" is not part of a phone number`},
		{"ext 12", "", `phone "ext 12": "e" is not part of a phone number`},
		{"139 ext", "", `phone "139 ext": the extension has no number`},
		{"139 x x 1", "", `phone "139 x x 1": "x" is not part of a phone number`},
		{"+-()", "", `phone "+-()" has no digits`},
		{"139\x1b[2J", "", `is not part of a phone number`},
		{"139\n138", "", `is not part of a phone number`},
		{"", "foo", `email "foo" is not an email address; write it as name@domain, e.g. anna@example.com`},
		{"", "@example.com", `email "@example.com" is not an email address`},
		{"", "anna@", `email "anna@" is not an email address`},
		{"", "anna @example.com", `email "anna @example.com" is not an email address`},
		{"", "anna＠example.com", `is not an email address`},
		{"", "a@b\x1b[2J", `is not an email address`},
	} {
		c := Customer{Name: "王小明", Phone: tt.phone, Email: tt.email}
		err := c.Validate()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("phone %q, email %q: %v", tt.phone, tt.email, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want) || KindOf(err) != KindInvalid):
			t.Errorf("phone %q, email %q: %v, want %q", tt.phone, tt.email, err, tt.want)
		}
	}
}

// A customer an older rolo stored with an unchecked phone or email stays
// editable: only a phone or email that changes is checked.
func TestEditKeepsUncheckedPhone(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	c, err := s.AddCustomer(ctx, Customer{Name: "王小明", Phone: "13800138000"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.ExecContext(ctx, `UPDATE customers SET phone = 'see notes', email = 'none' WHERE id = ?`, c.ID); err != nil {
		t.Fatal(err)
	}
	got, err := s.UpdateCustomer(ctx, c.ID, func(c *Customer) error { c.City = "上海"; return nil })
	if err != nil || got.Phone != "see notes" || got.Email != "none" || got.City != "上海" {
		t.Fatalf("edit of another field: %v %+v", err, got)
	}
	_, err = s.UpdateCustomer(ctx, c.ID, func(c *Customer) error { c.Phone = "still none"; return nil })
	if err == nil || !strings.Contains(err.Error(), `phone "still none"`) {
		t.Errorf("a new unchecked phone: %v", err)
	}
	_, err = s.UpdateCustomer(ctx, c.ID, func(c *Customer) error { c.Email = "nobody"; return nil })
	if err == nil || !strings.Contains(err.Error(), `email "nobody"`) {
		t.Errorf("a new unchecked email: %v", err)
	}
	if _, err := s.AddCustomer(ctx, Customer{Name: "李四", Phone: "see notes"}); err == nil {
		t.Error("a new customer with an unchecked phone was added")
	}
}
