package store

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/tiering"
)

func TestCustomerRoundTrip(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		s := newTestStore(t)
		ctx := context.Background()
		ref, err := s.AddCustomer(ctx, Customer{Name: "李四"})
		if err != nil {
			t.Fatal(err)
		}
		cad := 21
		in := Customer{
			ExternalID: "ext-1", Name: "王小明", Company: "明达贸易", Title: "总经理", Phone: "+86 138 0013 8000",
			Email: "wxm@example.com", WeChat: "wxm88", Address: "南京路 1 号", City: "上海", Birthday: "1982-04-15", // 1982 had 闰四月
			BirthdayLunar: true, BirthdayLeap: true, Gender: "男", Occupation: "商人", Source: "展会", ReferredBy: &ref.ID,
			Status: "lapsed", LostReason: "moved", Attitude: "price_driven", Preferences: "普洱\n熟茶", Needs: "春节礼品",
			Notes: "=SUM(A1)\t'quoted'", Tags: []string{"vip", "茶友"}, Custom: map[string]string{"车": "特斯拉"},
			CadenceDays: &cad,
		}
		out, err := s.AddCustomer(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Customer(ctx, out.ID)
		if err != nil {
			t.Fatal(err)
		}
		in.ID, in.CreatedAt, in.UpdatedAt = out.ID, "2026-11-22T09:30:00Z", "2026-11-22T09:30:00Z"
		in.Pinyin, in.Initials = "wangxiaoming", "wxm"
		if !reflect.DeepEqual(got, in) {
			t.Errorf("round trip:\n got %+v\nwant %+v", got, in)
		}

		upd, err := s.UpdateCustomer(ctx, out.ID, func(c *Customer) error {
			c.Phone = "139"
			c.Tags = append(c.Tags, "vip", " new ")
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if upd.Phone != "139" || !reflect.DeepEqual(upd.Tags, []string{"vip", "茶友", "new"}) {
			t.Errorf("update: phone %q tags %q", upd.Phone, upd.Tags)
		}

		// A referral loop is refused.
		_, err = s.UpdateCustomer(ctx, ref.ID, func(c *Customer) error { c.ReferredBy = &out.ID; return nil })
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("referral loop: err = %v, want ErrInvalid", err)
		}
		// A duplicate external id is a conflict with a plain message.
		_, err = s.AddCustomer(ctx, Customer{Name: "X", ExternalID: "ext-1"})
		if !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), `external id "ext-1" is already used`) {
			t.Errorf("duplicate external id: err = %v", err)
		}
	})
}

func TestCustomerValidation(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		s := newTestStore(t)
		ctx := context.Background()
		tests := []struct {
			name string
			c    Customer
			want string
		}{
			{"empty name", Customer{Name: "  "}, "name is empty"},
			{"invalid utf8", Customer{Name: "a\xff"}, "name is not valid UTF-8"},
			{"bad status", Customer{Name: "a", Status: "gone"}, `status "gone" is not one of`},
			{"bad birthday", Customer{Name: "a", Birthday: "1980-02-30"}, `"1980-02-30" is not a solar birthday: February has 29 days in 1980; check the day`},
			{"bad lunar day", Customer{Name: "a", Birthday: "1980-02-31", BirthdayLunar: true}, "lunar day must be 1–30"},
			{"leap without lunar", Customer{Name: "a", Birthday: "1980-02-01", BirthdayLeap: true}, "leap-month birthday must be a lunar"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := s.AddCustomer(ctx, tt.c)
				if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("err = %v, want ErrInvalid containing %q", err, tt.want)
				}
			})
		}
		if _, err := s.AddCustomer(ctx, Customer{Name: "feb29", Birthday: "--02-29"}); err != nil {
			t.Errorf("a year-less Feb 29 birthday must be accepted: %v", err)
		}
	})
}

func TestPurchaseContactFollowUpSurveyRoundTrip(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		s := newTestStore(t)
		ctx := context.Background()
		ref, _ := s.AddCustomer(ctx, Customer{Name: "李四"})
		c, _ := s.AddCustomer(ctx, Customer{Name: "王小明", ReferredBy: &ref.ID})
		if c.Status != "prospect" {
			t.Fatalf("new customer status = %q, want prospect", c.Status)
		}
		cost, paid := money.Amount(50000), money.Amount(100000)
		in := Purchase{CustomerID: c.ID, Date: "2026-11-01", Item: "普洱茶饼", Quantity: 2.5, Amount: 128050, Cost: &cost,
			Paid: &paid, Channel: "微信", SpecialRequests: "礼品包装", Mood: "满意", NextDate: "2027-02-01", Note: "n"}
		p, err := s.AddPurchase(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		ps, _ := s.Purchases(ctx, c.ID, 0)
		in.ID, in.CreatedAt = p.ID, "2026-11-22T09:30:00Z"
		if len(ps) != 1 || !reflect.DeepEqual(ps[0], in) {
			t.Errorf("purchases = %+v\nwant %+v", ps, in)
		}
		if got, _ := s.Customer(ctx, c.ID); got.Status != "active" {
			t.Errorf("after the first purchase status = %q, want active", got.Status)
		}
		// The referrer gets a thank-you follow-up for the first purchase
		// only, due the day it is written down (today, 22 November), not
		// three weeks overdue from the sale's day.
		s.AddPurchase(ctx, Purchase{CustomerID: c.ID, Date: "2026-11-02", Amount: 1})
		fs, _ := s.FollowUps(ctx, ref.ID, true)
		if len(fs) != 1 || fs[0].Source != "referral" || fs[0].Due != "2026-11-22" || !strings.Contains(fs[0].What, "王小明") ||
			!strings.Contains(fs[0].What, "first purchase 2026-11-01") {
			t.Errorf("referrer follow-ups = %+v", fs)
		}
		// A first purchase entered long after it was made (history, today
		// 22 November) thanks nobody: a thank-you a year overdue is no news.
		late, _ := s.AddCustomer(ctx, Customer{Name: "周杰", ReferredBy: &ref.ID})
		if _, err := s.AddPurchase(ctx, Purchase{CustomerID: late.ID, Date: "2025-12-01", Amount: 100, Quantity: 1}); err != nil {
			t.Fatal(err)
		}
		if fs, _ := s.FollowUps(ctx, ref.ID, true); len(fs) != 1 {
			t.Errorf("after 周杰's first purchase of a year ago, referrer follow-ups = %+v", fs)
		}

		for _, bad := range []Purchase{
			{CustomerID: c.ID, Date: "2026-13-01", Amount: 1},
			{CustomerID: c.ID, Date: "2026-11-01", Amount: -1},
			{CustomerID: c.ID, Date: "2026-11-01", Amount: 1, Quantity: -2},
		} {
			if _, err := s.AddPurchase(ctx, bad); !errors.Is(err, ErrInvalid) {
				t.Errorf("AddPurchase(%+v) err = %v, want ErrInvalid", bad, err)
			}
		}

		k, err := s.AddContact(ctx, Contact{CustomerID: c.ID, At: "2026-11-03T10:00:00Z", Kind: "complaint", Summary: "茶饼有破损"})
		if err != nil {
			t.Fatal(err)
		}
		open, _ := s.OpenComplaints(ctx, c.ID)
		if len(open) != 1 || open[0].ID != k.ID || open[0].ComplaintStatus != "open" {
			t.Errorf("open complaints = %+v", open)
		}
		f, err := s.ResolveComplaint(ctx, k.ID, time.Date(2026, 11, 4, 15, 0, 0, 0, time.UTC), "换了新的")
		if err != nil {
			t.Fatal(err)
		}
		if f.Due != "2026-11-07" || f.Source != "complaint" {
			t.Errorf("check-in follow-up = %+v, want due 2026-11-07", f)
		}
		if _, err := s.ResolveComplaint(ctx, k.ID, time.Now(), ""); !errors.Is(err, ErrConflict) {
			t.Errorf("resolving twice: err = %v, want ErrConflict", err)
		}
		cs, _ := s.Contacts(ctx, c.ID, 0)
		// Newest first: the feedback note logged when resolving, then the complaint.
		if len(cs) != 2 || cs[1].Kind != "complaint" || cs[1].ComplaintStatus != "resolved" || *cs[1].ResolvedAt != "2026-11-04T15:00:00Z" ||
			cs[0].Kind != "feedback" || cs[0].Summary != "换了新的" {
			t.Errorf("contacts = %+v", cs)
		}
		if _, err := s.AddContact(ctx, Contact{CustomerID: c.ID, Kind: "fax"}); !errors.Is(err, ErrInvalid) {
			t.Errorf("unknown kind: err = %v", err)
		}

		done, err := s.CompleteFollowUp(ctx, f.ID, time.Date(2026, 11, 7, 9, 0, 0, 0, time.UTC))
		if err != nil || done.DoneAt == nil || *done.DoneAt != "2026-11-07T09:00:00Z" {
			t.Errorf("complete: %+v %v", done, err)
		}
		if _, err := s.CompleteFollowUp(ctx, 9999, time.Now()); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown follow-up: err = %v", err)
		}

		v, err := s.AddSurvey(ctx, Survey{CustomerID: c.ID, Date: "2026-11-05", Satisfaction: 5, Initiative: 4, Repurchase: 5, Recommend: 3, Resistance: 2})
		if err != nil {
			t.Fatal(err)
		}
		vs, _ := s.Surveys(ctx, c.ID)
		if len(vs) != 1 || vs[0] != v {
			t.Errorf("surveys = %+v, want %+v", vs, v)
		}
		if _, err := s.AddSurvey(ctx, Survey{CustomerID: c.ID, Date: "2026-11-05", Satisfaction: 6, Initiative: 4, Repurchase: 5, Recommend: 3, Resistance: 2}); !errors.Is(err, ErrInvalid) {
			t.Errorf("factor 6: err = %v", err)
		}

		// Purge removes everything about the customer.
		if err := s.PurgeCustomer(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		for _, table := range []string{"purchases", "contacts", "followups", "surveys"} {
			var n int
			s.r.QueryRowContext(ctx, "SELECT count(*) FROM "+table+" WHERE customer_id = ?", c.ID).Scan(&n)
			if n != 0 {
				t.Errorf("%d %s rows left after purge", n, table)
			}
		}
		hits, _ := s.Search(ctx, "普洱茶饼", SearchOptions{})
		if len(hits) != 0 {
			t.Errorf("purged customer still found: %+v", hits)
		}
		if rep, err := s.Check(ctx); err != nil || !rep.OK {
			t.Errorf("check after purge: %+v %v", rep, err)
		}
	})
}

func TestSearch(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		s := newTestStore(t)
		ctx := context.Background()
		add := func(c Customer) int64 {
			out, err := s.AddCustomer(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			return out.ID
		}
		wxm := add(Customer{Name: "王小明", Company: "明达贸易有限公司"})
		wxh := add(Customer{Name: "王晓红", City: "杭州"})
		lw := add(Customer{Name: "李王", Notes: "likes oolong"})
		js := add(Customer{Name: "John Smith", Company: "Harbour Trading"})
		zeng := add(Customer{Name: "曾国强"})
		s.AddPurchase(ctx, Purchase{CustomerID: js, Date: "2026-01-01", Amount: 1, Item: "紫砂壶"})

		ids := func(q string) []int64 { return foundIDs(t, s, q) }
		tests := []struct {
			q    string
			want []int64
		}{
			{"王", []int64{wxm, wxh, lw}}, // name prefix before name contains
			{"王小明", []int64{wxm}},
			{"明达", []int64{wxm}},           // two CJK characters: the term list
			{"达贸易", []int64{wxm}},          // trigram
			{"wxm", []int64{wxm}},          // initials
			{"WXM", []int64{wxm}},          // case-insensitive
			{"wangxiaoming", []int64{wxm}}, // full pinyin
			{"wang xiao ming", []int64{wxm}},
			{"wx", []int64{wxm, wxh}},  // two initials
			{"xiaohong", []int64{wxh}}, // pinyin substring
			{"zeng", []int64{zeng}},    // surname reading of 曾
			{"js", []int64{js}},        // Latin initials
			{"smith", []int64{js}},     // Latin substring
			{"harbour", []int64{js}},   // company
			{"紫砂壶", []int64{js}},       // purchase item
			{"oolong", []int64{lw}},    // notes
			{"nobody", []int64{}},      //
			{`"`, []int64{}},           // FTS syntax is literal
			{`王" OR "李`, []int64{}},    //
			{"NEAR(a b)", []int64{}},   //
			{"*", []int64{}},           //
			{"%", []int64{}},           // LIKE wildcards are literal
			{"_", []int64{}},           //
			{"a'b", []int64{}},         //
		}
		for _, tt := range tests {
			if got := ids(tt.q); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Search(%q) = %v, want %v", tt.q, got, tt.want)
			}
		}
		s.ArchiveCustomer(ctx, wxh)
		if got := ids("王晓红"); len(got) != 0 {
			t.Errorf("archived customer found: %v", got)
		}
		if _, err := s.Search(ctx, "  ", SearchOptions{}); !errors.Is(err, ErrInvalid) {
			t.Errorf("empty search: err = %v", err)
		}
	})
}

func TestResolveCustomer(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		s := newTestStore(t)
		ctx := context.Background()
		a, _ := s.AddCustomer(ctx, Customer{Name: "王小明", ExternalID: "C-9", Phone: "138"})
		b, _ := s.AddCustomer(ctx, Customer{Name: "王小明", Company: "华信"})
		c, _ := s.AddCustomer(ctx, Customer{Name: "Anna Li"})
		zj, _ := s.AddCustomer(ctx, Customer{Name: "张军"})
		s.AddCustomer(ctx, Customer{Name: "郑静秀"})
		ph, _ := s.AddCustomer(ctx, Customer{Name: "陈小雪", Phone: "13748883688", Notes: "会员 4477"})
		erp, _ := s.AddCustomer(ctx, Customer{Name: "李娜", ExternalID: "10023"})
		named, _ := s.AddCustomer(ctx, Customer{Name: "520"})
		tests := []struct {
			ref     string
			want    int64
			wantErr error
		}{
			{"1", a.ID, nil},
			{"#2", b.ID, nil},
			{"C-9", a.ID, nil},
			{"anna", c.ID, nil},
			{"Anna Li", c.ID, nil},
			{"王小明", 0, ErrAmbiguous},
			{"zj", zj.ID, nil},       // initials exactly: 郑静秀's zjx only starts with them
			{"zhangjun", zj.ID, nil}, // the whole pinyin
			{"z", 0, ErrAmbiguous},   // the start of both
			{"wxm", 0, ErrAmbiguous}, // both 王小明
			{"nobody", 0, ErrNotFound},
			{"#99", 0, ErrNotFound},
			// A number that is no one's id is not a part of a phone or a
			// note: rolo rm 88 archived 陈小雪.
			{"88", 0, ErrNotFound},
			{"4477", 0, ErrNotFound},
			{"1374888", 0, ErrNotFound},
			{"13748883688", ph.ID, nil},       // a whole phone number
			{"+86 137 4888 3688", ph.ID, nil}, // as it may be written
			{"10023", erp.ID, nil},            // an external id
			{"520", named.ID, nil},            // a name
			{"小雪", ph.ID, nil},                // words still search
			{"", 0, ErrInvalid},
		}
		for _, tt := range tests {
			got, err := s.ResolveCustomer(ctx, tt.ref)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Errorf("Resolve(%q) err = %v, want %v", tt.ref, err, tt.wantErr)
				}
				continue
			}
			if err != nil || got.ID != tt.want {
				t.Errorf("Resolve(%q) = %d, %v; want %d", tt.ref, got.ID, err, tt.want)
			}
		}
		_, err := s.ResolveCustomer(ctx, "王小明")
		var amb *AmbiguousError
		if !errors.As(err, &amb) || len(amb.Candidates) != 2 {
			t.Fatalf("ambiguous error = %v", err)
		}
		want := "\"王小明\" matches 2 customers; use an id or a longer name:\n  1\t王小明\t138\n  2\t王小明\t华信"
		if err.Error() != want {
			t.Errorf("message:\n%s\nwant:\n%s", err.Error(), want)
		}
	})
}

func TestRecordTiersWritesOnlyChanges(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		s := newTestStore(t)
		ctx := context.Background()
		var ids []int64
		for _, name := range []string{"王芳", "李雷", "Anna"} {
			c, err := s.AddCustomer(ctx, Customer{Name: name})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, c.ID)
		}
		day := func(d string) time.Time { t, _ := time.Parse(DateLayout, d); return t }
		tiers := func(ts ...tiering.Tier) map[int64]tiering.Assignment {
			m := map[int64]tiering.Assignment{}
			for i, tr := range ts {
				m[ids[i]] = tiering.Assignment{ID: ids[i], Tier: tr}
			}
			return m
		}
		record := func(d string, m map[int64]tiering.Assignment, want int) {
			t.Helper()
			n, err := s.RecordTiers(ctx, "pyramid", day(d), m)
			if err != nil {
				t.Fatal(err)
			}
			if n != want {
				t.Errorf("%s: wrote %d rows, want %d", d, n, want)
			}
		}
		record("2026-11-01", tiers(tiering.Key, tiering.Major, tiering.Small), 3)
		record("2026-11-01", tiers(tiering.Key, tiering.Major, tiering.Small), 0) // unchanged
		record("2026-11-02", tiers(tiering.Key, tiering.Small, tiering.Small), 1) // one moved down
		record("2026-11-03", tiers(tiering.Key, tiering.Small, tiering.Small), 0)
		record("2026-11-03", tiers(tiering.Key, tiering.Major, tiering.Small), 1) // and back up the same day
		// A look back in time compares with what was recorded by then.
		record("2026-11-01", tiers(tiering.Key, tiering.Major, tiering.Small), 0)
		record("2026-10-01", tiers(tiering.Key, tiering.Major, tiering.Small), 3)
		// ...and does not hide a later change from the latest record.
		record("2026-11-04", tiers(tiering.Key, tiering.Major, tiering.Major), 1)
		h, err := s.TierHistory(ctx, ids[1])
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range h {
			got = append(got, c.Date+" "+c.Tier)
		}
		want := []string{"2026-10-01 major", "2026-11-01 major", "2026-11-02 small", "2026-11-03 major"}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("history of %d = %v, want %v", ids[1], got, want)
		}
	})
}

// A first record of a whole notebook writes a row for everyone, in
// statements of several rows: each customer's row holds their own tier.
func TestRecordTiersManyCustomers(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		s := newTestStore(t)
		ctx := context.Background()
		const n = 2*6000 + 3 // more than two statements' worth (insertRows)
		var ids []int64
		if err := s.Bulk(ctx, func(b *Bulk) error {
			for i := range n {
				id, err := b.AddCustomer(&Customer{Name: fmt.Sprintf("客户%d", i)})
				if err != nil {
					return err
				}
				ids = append(ids, id)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		order := []tiering.Tier{tiering.Key, tiering.Major, tiering.Ordinary, tiering.Small}
		m := map[int64]tiering.Assignment{}
		for i, id := range ids {
			m[id] = tiering.Assignment{ID: id, Tier: order[i%4], Value: float64(i)}
		}
		day, _ := time.Parse(DateLayout, "2026-11-01")
		got, err := s.RecordTiers(ctx, "pyramid", day, m)
		if err != nil || got != n {
			t.Fatalf("RecordTiers = %d, %v; want %d rows", got, err, n)
		}
		for _, i := range []int{0, 1, 5999, 6000, 6001, 12000, n - 1} {
			h, err := s.TierHistory(ctx, ids[i])
			if err != nil {
				t.Fatal(err)
			}
			if len(h) != 1 || h[0].Tier != string(order[i%4]) || h[0].Score != float64(i) || h[0].Date != "2026-11-01" {
				t.Errorf("customer %d: history %+v, want one %s row scored %d", i, h, order[i%4], i)
			}
		}
		// Everyone moved one place: a row each again.
		for i, id := range ids {
			m[id] = tiering.Assignment{ID: id, Tier: order[(i+1)%4]}
		}
		if got, err := s.RecordTiers(ctx, "pyramid", day.AddDate(0, 0, 1), m); err != nil || got != n {
			t.Fatalf("second record = %d, %v; want %d", got, err, n)
		}
	})
}
