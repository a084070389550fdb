package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// Queries of one or two characters find what longer ones do: a substring
// of any profile field (custom fields included), item or contact summary,
// wherever it stands in the text, names first.
func TestShortSearchEverywhere(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		s := newTestStore(t)
		ctx := context.Background()
		add := func(c Customer) int64 {
			t.Helper()
			out, err := s.AddCustomer(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			return out.ID
		}
		notes := add(Customer{Name: "赵六", Notes: "周末喜欢钓鱼"})                           // at the very end of the profile text
		prefs := add(Customer{Name: "钱七", Preferences: "熟茶", Needs: "春节礼品"})          // a field of exactly the query
		custom := add(Customer{Name: "孙八", Custom: map[string]string{"爱好": "钓鱼和登山"}}) // a custom field's value
		name := add(Customer{Name: "钓鱼翁"})                                            // the name: ranks first
		item := add(Customer{Name: "周九"})                                             //
		summary := add(Customer{Name: "吴十"})                                          //
		short := add(Customer{Name: "郑", Company: "鱼"})                               // texts shorter than a trigram
		if _, err := s.AddPurchase(ctx, Purchase{CustomerID: item, Date: "2026-01-01", Amount: 1, Item: "云南熟茶"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddContact(ctx, Contact{CustomerID: summary, At: "2026-01-02T10:00:00Z", Kind: "call", Summary: "约了下周钓鱼"}); err != nil {
			t.Fatal(err)
		}
		ids := func(q string, opts SearchOptions) []int64 { return foundIDs(t, s, q, opts) }
		tests := []struct {
			q    string
			opts SearchOptions
			want []int64
		}{
			{"钓鱼", SearchOptions{}, []int64{name, custom, notes, summary}}, // the name, other profile fields (孙 < 赵), history
			{"钓鱼", SearchOptions{ProfileOnly: true}, []int64{name, custom, notes}},
			{"熟茶", SearchOptions{}, []int64{prefs, item}},
			{"鱼", SearchOptions{}, []int64{name, short, custom, notes, summary}},
			{"郑", SearchOptions{}, []int64{short}},
			{"春节", SearchOptions{}, []int64{prefs}},
			{"登山", SearchOptions{}, []int64{custom}},
			{"礼", SearchOptions{}, []int64{prefs}},
			{"茶", SearchOptions{}, []int64{prefs, item}},
		}
		for _, tt := range tests {
			if got := ids(tt.q, tt.opts); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Search(%q, %+v) = %v, want %v", tt.q, tt.opts, got, tt.want)
			}
		}
		// Edits follow: the old text is no longer found, the new one is.
		if _, err := s.UpdateCustomer(ctx, notes, func(c *Customer) error { c.Notes = "不钓了"; return nil }); err != nil {
			t.Fatal(err)
		}
		if got := ids("钓鱼", SearchOptions{ProfileOnly: true}); !reflect.DeepEqual(got, []int64{name, custom}) {
			t.Errorf("after the edit, 钓鱼 found %v", got)
		}
		if got := ids("不钓", SearchOptions{}); !reflect.DeepEqual(got, []int64{notes}) {
			t.Errorf("after the edit, 不钓 found %v", got)
		}
	})
}

// A notebook of schema 6 (bodies without padding, custom fields not
// indexed) is indexed again when it is opened: short searches find a text
// at the end of a body, and custom fields.
func TestMigrationReindexesSearch(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t)
	path := s.Path()
	// Back to schema 6: its search table, no term list.
	for _, q := range []string{`DROP TABLE search_terms`, `DROP TABLE search`,
		`CREATE VIRTUAL TABLE search USING fts5(body, customer_id UNINDEXED, tokenize = 'trigram')`, `PRAGMA user_version = 6`} {
		if _, err := s.w.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	// Rows as rolo of schema 6 wrote them.
	for _, q := range []string{
		`INSERT INTO customers(id, name, notes, custom, created_at, updated_at) VALUES
			(1, '赵六', '周末喜欢钓鱼', '{}', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
			(2, '孙八', '', '{"爱好":"登山"}', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')`,
		`INSERT INTO purchases(customer_id, date, item, amount, created_at) VALUES (2, '2025-02-01', '熟茶', 100, '2025-02-01T00:00:00Z')`,
		`INSERT INTO search(rowid, body, customer_id) SELECT id*4, name || ' ' || notes, id FROM customers`,
		`INSERT INTO search(rowid, body, customer_id) VALUES (9, '熟茶', 2)`,
	} {
		if _, err := s.w.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.withTx(ctx, func(tx *sql.Tx) error { return s.retotal(ctx, tx, `1`) }); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err := Open(ctx, path, Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for q, want := range map[string][]int64{"钓鱼": {1}, "登山": {2}, "熟茶": {2}, "鱼": {1}, "茶": {2}} {
		if got := foundIDs(t, s, q); !reflect.DeepEqual(got, want) {
			t.Errorf("after migrating, %s found %v, want %v", q, got, want)
		}
	}
	if rep, err := s.Check(ctx); err != nil || !rep.OK {
		t.Errorf("check after migrating: %+v %v", rep, err)
	}
}

// On PostgreSQL one or two characters are found in steps (the first
// profiles read, then more of them, or the rest looked up by their
// Chinese characters, or scanned): what they find is what scanning every
// profile finds, the same customers in the same order, whichever step
// ends it.
func TestShortSearchIsTheScan(t *testing.T) {
	s := newPGTestStore(t)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 3))
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	for i := 0; i < 300; i++ {
		c := Customer{
			Name:    pick("王", "王", "王", "李", "张", "刘", "陈", "向", "欧阳", "Anna ") + pick("小", "秀", "伟", "") + pick("明", "英", "芳", "强", "𠮷"),
			Company: pick("", "鑫源茶行", "宏图酒店", "明达贸易", "王府井百货"),
			Notes:   pick("", "喜欢普洱", "春节送礼", "熟茶 and 白茶", "周末钓鱼"),
			WeChat:  pick("", "wx_"+string(rune('a'+rng.IntN(26)))+"9", "lee_88"),
		}
		if _, err := s.AddCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	// Characters of every kind of frequency: from names (surnames, given
	// names), companies and notes, pairs of them, and ones nobody has.
	var qs []string
	seen := map[string]bool{}
	err := s.eachRow(ctx, "test", `SELECT lower(name || company || notes || wechat) FROM customers ORDER BY id`, nil, func(v []driver.Value) error {
		rs := []rune(vStr(v[0]))
		for i := range rs {
			for _, q := range []string{string(rs[i:min(i+1, len(rs))]), string(rs[i:min(i+2, len(rs))])} {
				if strings.TrimSpace(q) == q && !seen[q] && len(qs) < 250 {
					seen[q] = true
					qs = append(qs, q)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	qs = append(qs, "龘", "𠮷", "王龘", "zq", "%", "_")
	defer func(n int) { shortWalk = n }(shortWalk)
	for _, head := range []int{1, 7, 120, 4000} {
		shortWalk = head
		for _, limit := range []int{1, 5, maxCandidates} {
			for _, q := range qs {
				got := map[int64]int{}
				if err := s.shortProfilesPG(ctx, q, limit, got); err != nil {
					t.Fatal(err)
				}
				scan, err := s.shortScanPG(ctx, q, srcCustomer, -1, limit)
				if err != nil {
					t.Fatal(err)
				}
				want := map[int64]int{}
				addFound(want, scan)
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("head %d, limit %d: %q found %v, a scan %v", head, limit, q, got, want)
				}
			}
		}
	}
	if len(qs) < 200 {
		t.Errorf("only %d queries", len(qs))
	}
}

// firstCustomers holds every matching row of the first maxCandidates
// customers in doc order, however the pages split them, and no other.
func TestFirstCustomersPages(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for _, customers := range []int{0, 1, maxCandidates - 1, maxCandidates, maxCandidates + 1, 3 * maxCandidates} {
		for _, spread := range []int{1, 2, 3} {
			// Every row that matches, in doc order: 1 to spread sources each.
			var rows []idSource
			for id := int64(1); id <= int64(customers); id++ {
				for src := 0; src < 3; src++ {
					if src == 0 || rng.IntN(3) < spread-1 {
						rows = append(rows, idSource{id * 7, src}) // ids with gaps
					}
				}
			}
			pages := 0
			got, err := firstCustomers(func(after int64, n int) ([]idSource, error) {
				pages++
				var out []idSource
				for _, x := range rows {
					if x.id*4+int64(x.src) > after && len(out) < n {
						out = append(out, x)
					}
				}
				return out, nil
			})
			if err != nil {
				t.Fatal(err)
			}
			var want []idSource
			for _, x := range rows {
				if x.id <= int64(min(customers, maxCandidates))*7 {
					want = append(want, x)
				}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%d customers, spread %d: %d rows of %d customers, want %d rows", customers, spread, len(got), customers, len(want))
			}
			if pages > 5 {
				t.Errorf("%d customers, spread %d: %d pages", customers, spread, pages)
			}
		}
	}
}
