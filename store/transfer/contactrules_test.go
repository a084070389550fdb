package transfer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/store/demo"
)

// The demo's customers (added unchecked, in bulk) have phones and emails
// that the checks of add, edit and import take.
func TestDemoContactsPassChecks(t *testing.T) {
	st := newStore(t)
	if _, err := demo.Generate(ctx, st, demo.Options{Seed: 3, Customers: 500, Today: time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	err := st.EachCustomer(ctx, "", func(c store.Customer) error {
		if err := c.Validate(); err != nil {
			t.Errorf("demo customer %d: %v", c.ID, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A notebook an older rolo wrote, whose phones and emails were never
// checked (naughty strings, "see notes"), restores and copies as it was:
// export all → import all keeps them byte for byte, while a customer
// import checks them.
func TestRestoreKeepsUncheckedContacts(t *testing.T) {
	src := newStore(t)
	strs := naughty(t)
	n := 0
	for i := 0; i < 60; i++ {
		if _, err := src.AddCustomer(ctx, store.Customer{Name: fmt.Sprintf("客户%d", i), Phone: fmt.Sprintf("139 %04d 0000", i)}); err != nil {
			t.Fatal(err)
		}
		n++
	}
	var doc bytes.Buffer
	if _, err := ExportAll(ctx, src, &doc, time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	// The document's keys in their order: the reader wants "format" first.
	type member struct {
		key string
		raw json.RawMessage
	}
	var members []member
	dec := json.NewDecoder(bytes.NewReader(doc.Bytes()))
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			t.Fatal(err)
		}
		members = append(members, member{k.(string), raw})
	}
	at := -1
	for i, mb := range members {
		if mb.key == "customers" {
			at = i
		}
	}
	var cs []map[string]any
	if err := json.Unmarshal(members[at].raw, &cs); err != nil {
		t.Fatal(err)
	}
	want := map[float64][2]string{}
	for i, c := range cs {
		// What an older rolo took: text, escapes, a lone "+".
		phone, email := strs[(7*i)%len(strs)], strs[(11*i+3)%len(strs)]
		if i == 0 {
			phone, email = "see notes", "none"
		}
		c["phone"], c["email"] = phone, email
		want[c["id"].(float64)] = [2]string{phone, email}
	}
	b, err := json.Marshal(cs)
	if err != nil {
		t.Fatal(err)
	}
	members[at].raw = b
	var file bytes.Buffer
	file.WriteString("{")
	for i, mb := range members {
		if i > 0 {
			file.WriteString(",")
		}
		k, _ := json.Marshal(mb.key)
		file.Write(k)
		file.WriteString(":")
		file.Write(mb.raw)
	}
	file.WriteString("}")
	dst := newStore(t)
	if _, err := ImportAll(ctx, dst, bytes.NewReader(file.Bytes()), ImportOptions{Name: "old.json"}); err != nil {
		t.Fatalf("restore of unchecked phones and emails: %v", err)
	}
	got := 0
	err = dst.EachCustomer(ctx, "", func(c store.Customer) error {
		got++
		if w := want[float64(c.ID)]; c.Phone != w[0] || c.Email != w[1] {
			t.Errorf("customer %d: phone %q email %q, want %q %q", c.ID, c.Phone, c.Email, w[0], w[1])
		}
		return nil
	})
	if err != nil || got != n {
		t.Fatalf("%d customers restored of %d: %v", got, n, err)
	}
	// The restored customers stay editable; a customer import is checked.
	if _, err := dst.UpdateCustomer(ctx, 1, func(c *store.Customer) error { c.City = "上海"; return nil }); err != nil {
		t.Errorf("edit of a restored customer: %v", err)
	}
	_, err = Import(ctx, dst, "customers", strings.NewReader("name,phone\n新客户,see notes\n"), ImportOptions{Name: "new.csv"})
	if err == nil || !strings.Contains(err.Error(), `line 2, column 2 (phone): phone "see notes": "s" is not part of a phone number`) {
		t.Errorf("import of an unchecked phone: %v", err)
	}
}

// ParseBirthday is the one reading of a birthday for import and for
// rolo add and edit.
func TestParseBirthday(t *testing.T) {
	for _, tt := range []struct {
		in        string
		lunar     bool
		want      string
		wantLunar bool
		err       bool
	}{
		{"1980-08-15", false, "1980-08-15", false, false},
		{"--08-15", false, "--08-15", false, false},
		{"08-15", false, "--08-15", false, false},
		{"8月15日", false, "--08-15", false, false},
		{"12月6日", false, "--12-06", false, false},
		{"1980年5月3日", false, "1980-05-03", false, false},
		{"1980/5/3", false, "1980-05-03", false, false},
		{"农历1975-08-15", false, "1975-08-15", true, false},
		{"农历 8月15日", false, "--08-15", true, false},
		{"lunar:--08-15", false, "--08-15", true, false},
		{"8月15日", true, "--08-15", false, false},
		{"--02-30", false, "--02-30", false, false}, // a lunar day: the lunar flag may come later
		{" ", false, "", false, false},
		{"abc", false, "", false, true},
		{"13月1日", false, "", false, true},
	} {
		got, lunar, err := ParseBirthday(tt.in, tt.lunar)
		if got != tt.want || lunar != tt.wantLunar || (err != nil) != tt.err {
			t.Errorf("ParseBirthday(%q, %v) = %q, %v, %v; want %q, %v, error %v", tt.in, tt.lunar, got, lunar, err, tt.want, tt.wantLunar, tt.err)
		}
	}
}

// Every extension names one format, and every format has its extension.
func TestFormatFor(t *testing.T) {
	for _, f := range []string{"csv", "json", "ndjson", "xlsx", "vcard", "vcard3", "vcf", "ics"} {
		ext := FormatExt(f)
		if ext == "" || !SameFormat(FormatFor("a"+ext), f) {
			t.Errorf("format %s: extension %q, which names %q", f, ext, FormatFor("a"+ext))
		}
	}
	if FormatExt("widgets") != "" || SameFormat("json", "ndjson") || !SameFormat("vcard3", "vcard") {
		t.Error("FormatExt or SameFormat")
	}
	if got := Extensions(true); strings.Contains(got, ".ics") || !strings.Contains(got, ".vcf/.vcard") {
		t.Errorf("Extensions(true) = %q", got)
	}
}

// A phone or email an older rolo took unchecked comes back as it is when
// the notebook's own export is imported into it again (an upsert), while a
// new notebook refuses it, saying where.
func TestUncheckedContactsImportBackIntoTheirNotebook(t *testing.T) {
	st := newStore(t)
	err := st.Bulk(ctx, func(b *store.Bulk) error {
		_, err := b.AddCustomer(&store.Customer{Name: "王小明", Phone: "138 0000 0000 (office)", Email: "a@x.com; b@y.com"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var csv bytes.Buffer
	if _, err := Export(ctx, st, "customers", &csv, ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	rep, err := Import(ctx, st, "customers", bytes.NewReader(csv.Bytes()), ImportOptions{Name: "c.csv", UpsertBy: "phone"})
	if err != nil || rep.Updated != 1 {
		t.Fatalf("the notebook's own export imported again: %+v, %v", rep, err)
	}
	if c, err := st.Customer(ctx, 1); err != nil || c.Phone != "138 0000 0000 (office)" || c.Email != "a@x.com; b@y.com" {
		t.Errorf("after the upsert: %+v, %v", c, err)
	}
	fresh := newStore(t)
	_, err = Import(ctx, fresh, "customers", bytes.NewReader(csv.Bytes()), ImportOptions{Name: "c.csv"})
	if err == nil || !strings.Contains(err.Error(), "phone") || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("into a new notebook: %v; want the phone refused on line 2", err)
	}
}
