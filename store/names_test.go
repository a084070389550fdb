package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
)

// Latin letters with accents, strokes or ligatures count in a name's
// pinyin and initials as the letters a search types for them; Han
// characters read as before.
func TestPinyinKeysFoldLatin(t *testing.T) {
	tests := []struct {
		name, full, initials string
	}{
		{"José Núñez", "josenunez", "jn"},
		{"Łukasz Żółć", "lukaszzolc", "lz"},
		{"Émile Zola", "emilezola", "ez"},
		{"Ørjan Ødegård", "orjanodegard", "oo"},
		{"Jose\u0301 Nu\u0301n\u0303ez", "josenunez", "jn"}, // accents typed as combining marks (NFD)
		{"Straße", "strasse", "s"},
		{"Æsa Þór", "aesathor", "at"},
		{"Đorđe Œuvre", "dordeoeuvre", "do"},
		{"İsmail Kılıç", "ismailkilic", "ik"},
		{"ＪＯＨＮ Ｓｍｉｔｈ", "johnsmith", "js"}, // full-width, from a Chinese input method
		{"José 王", "josewang", "jw"},
		{"Иван Petrov", "petrov", "p"}, // no Latin spelling for Cyrillic: left out, as before
		{"John Smith", "johnsmith", "js"},
		{"王小明", "wangxiaoming", "wxm"},
		{"曾国藩", "zengguofan", "zgf"},
		{"欧阳娜娜", "ouyangnana", "oynn"},
	}
	for _, tt := range tests {
		if full, ini := PinyinKeys(tt.name); full != tt.full || ini != tt.initials {
			t.Errorf("PinyinKeys(%q) = %q, %q; want %q, %q", tt.name, full, ini, tt.full, tt.initials)
		}
	}
}

// find, initials and the order by name read the folded letters: jose finds
// José Núñez, and Émile sorts under E.
func TestSearchAndOrderFoldAccents(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		s := newTestStore(t)
		ctx := context.Background()
		ids := map[string]int64{}
		for _, n := range []string{"José Núñez", "Łukasz Żółć", "Émile Zola", "Ørjan Ødegård", "Mary Nunez", "Zack"} {
			c, err := s.AddCustomer(ctx, Customer{Name: n})
			if err != nil {
				t.Fatal(err)
			}
			ids[n] = c.ID
		}
		find := func(q string) []int64 { return foundIDs(t, s, q) }
		for q, want := range map[string][]int64{
			"jose":    {ids["José Núñez"]},
			"Emile Z": {ids["Émile Zola"]},
			"emile":   {ids["Émile Zola"]},
			"lukasz":  {ids["Łukasz Żółć"]},
			"odegard": {ids["Ørjan Ødegård"]},
			"jn":      {ids["José Núñez"]},
			// The name that holds the query ranks before the pinyin that does.
			"nunez": {ids["Mary Nunez"], ids["José Núñez"]},
			"Núñez": {ids["José Núñez"], ids["Mary Nunez"]},
		} {
			if got := find(q); !reflect.DeepEqual(got, want) {
				t.Errorf("find %q = %v, want %v", q, got, want)
			}
		}
		cs, _, err := s.ListCustomers(ctx, CustomerFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var order []string
		for _, c := range cs {
			order = append(order, c.Name)
		}
		want := []string{"Émile Zola", "José Núñez", "Łukasz Żółć", "Mary Nunez", "Ørjan Ødegård", "Zack"}
		if !reflect.DeepEqual(order, want) {
			t.Errorf("list order %q, want %q", order, want)
		}
	})
}

// A notebook written before names were folded keeps "josnez": opening it
// works the keys out again (SQLite schema 9, PostgreSQL schema 5) and
// indexes those customers again, leaving everyone else as they were.
func TestMigrationRekeysNames(t *testing.T) {
	const sqliteVersion, pgVersion = 9, 5 // the migrations that fold the names
	eachEngine(t, func(t *testing.T) {
		ctx := context.Background()
		s := newTestStore(t)
		jose, err := s.AddCustomer(ctx, Customer{Name: "José Núñez"})
		if err != nil {
			t.Fatal(err)
		}
		wang, err := s.AddCustomer(ctx, Customer{Name: "王小明", Phone: "139 0000 2222"})
		if err != nil {
			t.Fatal(err)
		}
		// The keys and the index as the older rolo wrote them: its profile
		// rows held the phone only as written.
		err = s.withTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `UPDATE customers SET name_pinyin = 'josnez', name_initials = 'jne' WHERE id = ?`, jose.ID); err != nil {
				return err
			}
			if err := s.reindexCustomer(ctx, tx, srcCustomer, jose.ID); err != nil {
				return err
			}
			old := `UPDATE search SET body = replace(body, '13900002222', '') WHERE rowid = ?`
			if s.pg {
				old = `UPDATE search SET body = replace(body, '13900002222', '') WHERE doc = ?`
			}
			_, err := tx.ExecContext(ctx, old, wang.ID*4)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		back := `PRAGMA user_version = 8` // before 0009_folded_names
		if s.pg {
			back = fmt.Sprintf(`UPDATE rolo_schema SET version = %d`, pgVersion-1)
		}
		if _, err := s.w.ExecContext(ctx, back); err != nil {
			t.Fatal(err)
		}
		if hits, _ := s.Search(ctx, "jose", SearchOptions{}); len(hits) != 0 {
			t.Fatalf("the old keys are found: %+v", hits)
		}
		if hits, _ := s.Search(ctx, "13900002222", SearchOptions{}); len(hits) != 0 {
			t.Fatalf("the old profile row has the phone's digits: %+v", hits)
		}
		addr := testAddr(s)
		s.Close()
		s, err = Open(ctx, addr, Options{Now: fixedNow})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		got, err := s.Customer(ctx, jose.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Pinyin != "josenunez" || got.Initials != "jn" || got.UpdatedAt != jose.UpdatedAt {
			t.Errorf("after migrating: %q, %q, updated %s (was %s)", got.Pinyin, got.Initials, got.UpdatedAt, jose.UpdatedAt)
		}
		if w, err := s.Customer(ctx, wang.ID); err != nil || !reflect.DeepEqual(w, wang) {
			t.Errorf("王小明 changed: %+v (%v), was %+v", w, err, wang)
		}
		for _, q := range []string{"jose", "nunez", "jn"} {
			if hits, err := s.Search(ctx, q, SearchOptions{}); err != nil || len(hits) != 1 || hits[0].Customer.ID != jose.ID {
				t.Errorf("after migrating, find %s: %+v %v", q, hits, err)
			}
		}
		if hits, err := s.Search(ctx, "13900002222", SearchOptions{}); err != nil || len(hits) != 1 || hits[0].Customer.ID != wang.ID {
			t.Errorf("after migrating, find 13900002222: %+v %v", hits, err)
		}
		if !s.pg {
			if rep, err := s.Check(ctx); err != nil || !rep.OK {
				t.Errorf("check after migrating: %+v %v", rep, err)
			}
		}
	})
}

// Phone numbers are compared by their digits; a country code is read as
// it is dialled from China.
func TestPhoneKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"13900002222", "13900002222"},
		{"139 0000 2222", "13900002222"},
		{"139-0000-2222", "13900002222"},
		{"(139) 0000.2222", "13900002222"},
		{"１３９ ００００ ２２２２", "13900002222"}, // full-width digits
		{"+86 139 0000 2222", "13900002222"},
		{"(+86) 139-0000-2222", "13900002222"},
		{"0086 139 0000 2222", "13900002222"},
		{"＋86 13900002222", "13900002222"},
		{"+86 10 6552 9988", "01065529988"}, // a landline: the trunk 0 as dialled at home
		{"010 6552 9988", "01065529988"},
		{"+86 (0)10 6552 9988", "01065529988"},
		{"+44 20 7946 0000", "00442079460000"}, // other countries behind 00
		{"0044 20 7946 0000", "00442079460000"},
		{"+1 415 555 0100", "0014155550100"}, // not the Chinese 141 5555 0100
		{"141 5555 0100", "14155550100"},
		{"", ""},
		{"n/a", ""},
		{"+86", ""},
		{"+", ""},
	}
	for _, tt := range tests {
		if got := PhoneKey(tt.in); got != tt.want {
			t.Errorf("PhoneKey(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// The duplicate check of add and edit compares phones by PhoneKey.
func TestDuplicatesByPhoneKey(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		s := newTestStore(t)
		ctx := context.Background()
		nana, err := s.AddCustomer(ctx, Customer{Name: "欧阳娜娜", Phone: "139 0000 2222"})
		if err != nil {
			t.Fatal(err)
		}
		li, err := s.AddCustomer(ctx, Customer{Name: "李娜", Phone: "+86 10 6552 9988", Email: "lina@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.ArchiveCustomer(ctx, li.ID); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			phone, email string
			want         []int64
			field        string
		}{
			{"13900002222", "", []int64{nana.ID}, "phone"},
			{"+86 139 0000 2222", "", []int64{nana.ID}, "phone"},
			{"0086-139-0000-2222", "", []int64{nana.ID}, "phone"},
			{"010-65529988", "", []int64{li.ID}, "phone"}, // archived ones too
			{"+1 390 000 2222", "", nil, ""},              // other digits once the country code is read
			{"139 0000 2223", "", nil, ""},
			{"", "LiNa@example.com", []int64{li.ID}, "email"},
			{"13900002222", "lina@example.com", []int64{nana.ID, li.ID}, "phone"},
			{"", "", nil, ""},
		}
		for _, tt := range tests {
			dups, err := s.Duplicates(ctx, tt.phone, tt.email)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, d := range dups {
				got = append(got, d.ID)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Duplicates(%q, %q) = %v, want %v", tt.phone, tt.email, got, tt.want)
				continue
			}
			if len(dups) > 0 {
				if field, value := DuplicateField(dups[0], tt.phone, tt.email); field != tt.field {
					t.Errorf("Duplicates(%q, %q): DuplicateField = %s %q, want %s", tt.phone, tt.email, field, value, tt.field)
				}
			}
		}
	})
}

// find takes a phone number however it is written: 13900002222 finds
// "+86 139 0000 2222", the whole number before numbers that hold its
// digits, and a part of one finds it too.
func TestSearchByPhone(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		s := newTestStore(t)
		ctx := context.Background()
		add := func(name, phone string) int64 {
			t.Helper()
			c, err := s.AddCustomer(ctx, Customer{Name: name, Phone: phone})
			if err != nil {
				t.Fatal(err)
			}
			return c.ID
		}
		us := add("Ann", "+1 390 000 2222") // dialled 0013900002222: holds the digits
		nana := add("欧阳娜娜", "139 0000 2222")
		other := add("王小明", "138 0013 8000")
		beijing := add("李娜", "+86 10 6552 9988")   // keyed 01065529988
		london := add("Smith", "+44 20 7946 0000") // keyed 00442079460000
		for q, want := range map[string][]int64{
			"010 6552 9988":     {beijing},
			"01065529988":       {beijing},
			"+442079460000":     {london},
			"0044 20 7946 0000": {london},
			"13900002222":       {nana, us},
			"+86 139 0000 2222": {nana, us},
			"139-0000-2222":     {nana, us},
			"0000 2222":         {us, nana}, // a part of a number: no whole one first (then the shorter name)
			"00002222":          {us, nana},
			"+1 390 000 2222":   {us},
			"13800138000":       {other},
		} {
			if got := foundIDs(t, s, q); !reflect.DeepEqual(got, want) {
				t.Errorf("find %q = %v, want %v", q, got, want)
			}
		}
	})
}

// Recovering a notebook written before names were folded works the keys
// out again, as migrating it does.
func TestRecoverRekeysNames(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t)
	jose, err := s.AddCustomer(ctx, Customer{Name: "José Núñez"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.ExecContext(ctx, `UPDATE customers SET name_pinyin = 'josnez', name_initials = 'jne' WHERE id = ?`, jose.ID); err != nil {
		t.Fatal(err)
	}
	s.Close()
	dest := filepath.Join(t.TempDir(), "recovered.db")
	if rep, err := Recover(ctx, s.Path(), dest, Options{Now: fixedNow}); err != nil || !rep.OK {
		t.Fatalf("recover: %+v %v", rep, err)
	}
	r, err := Open(ctx, dest, Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got, err := r.Customer(ctx, jose.ID); err != nil || got.Pinyin != "josenunez" || got.Initials != "jn" {
		t.Errorf("recovered: %q %q %v", got.Pinyin, got.Initials, err)
	}
	if hits, err := r.Search(ctx, "jose", SearchOptions{}); err != nil || len(hits) != 1 {
		t.Errorf("recovered, find jose: %+v %v", hits, err)
	}
}
