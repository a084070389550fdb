package transfer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/store/demo"
)

// everything is every row of every kind, ids included.
type everything struct {
	Currency  string
	Customers []store.Customer
	Purchases []store.Purchase
	Contacts  []store.Contact
	FollowUps []store.FollowUp
	Surveys   []store.Survey
	Payments  []store.Payment
	Events    []store.Event
	Statuses  []store.StatusChange
	Actions   []store.AgendaAction
}

func (e everything) rows() int {
	return len(e.Customers) + len(e.Purchases) + len(e.Contacts) + len(e.FollowUps) + len(e.Surveys) +
		len(e.Payments) + len(e.Events) + len(e.Statuses) + len(e.Actions)
}

func readEverything(t *testing.T, st *store.Store) everything {
	t.Helper()
	e := everything{Currency: st.Currency().Code}
	check := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	check(st.EachCustomer(ctx, "", func(c store.Customer) error { e.Customers = append(e.Customers, c); return nil }))
	check(st.EachPurchase(ctx, "", func(p store.Purchase, _ store.CustomerRef) error { e.Purchases = append(e.Purchases, p); return nil }))
	check(st.EachContact(ctx, "", func(k store.Contact, _ store.CustomerRef) error { e.Contacts = append(e.Contacts, k); return nil }))
	check(st.EachFollowUp(ctx, "", func(f store.FollowUp, _ store.CustomerRef) error { e.FollowUps = append(e.FollowUps, f); return nil }))
	check(st.EachSurvey(ctx, "", func(v store.Survey, _ store.CustomerRef) error { e.Surveys = append(e.Surveys, v); return nil }))
	check(st.EachPayment(ctx, "", func(p store.Payment, _ store.CustomerRef) error { e.Payments = append(e.Payments, p); return nil }))
	check(st.EachEvent(ctx, func(v store.Event, _ store.CustomerRef) error { e.Events = append(e.Events, v); return nil }))
	check(st.EachStatusChange(ctx, "", func(h store.StatusChange, _ store.CustomerRef) error { e.Statuses = append(e.Statuses, h); return nil }))
	check(st.EachAgendaAction(ctx, func(a store.AgendaAction, _ store.CustomerRef) error { e.Actions = append(e.Actions, a); return nil }))
	return e
}

// A demo notebook with hostile text everywhere, follow-ups (open, done,
// due today), surveys, archived customers sharing a phone with current
// ones, and gaps in every id sequence.
func wholeNotebook(t *testing.T) *store.Store {
	st := newStore(t)
	today := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	if _, err := demo.Generate(ctx, st, demo.Options{Seed: 5, Customers: 80, Today: today}); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"plan.capacity": "8", "pyramid.cuts": "2,20,50,100"} {
		if err := st.SetSetting(ctx, k, v); err != nil {
			t.Fatal(err)
		}
	}
	strs := naughty(t)
	randomData(t, st, strs, 9)
	rng := rand.New(rand.NewPCG(9, 9))
	pick := func() string { return strs[rng.IntN(len(strs))] }
	keys, _ := st.CustomerKeys(ctx)
	for i := 0; i < 150; i++ {
		c := keys[rng.IntN(len(keys))].ID
		what := pick()
		if strings.TrimSpace(what) == "" {
			what = "call " + what
		}
		f := store.FollowUp{CustomerID: c, Due: today.AddDate(0, 0, rng.IntN(60)-30).Format(store.DateLayout), What: what,
			Source: []string{"manual", "complaint", "referral", pick()}[rng.IntN(4)]}
		if i%10 == 0 {
			f.Due = "2026-11-22" // today
		}
		if rng.IntN(3) == 0 {
			done := "2026-11-20T08:00:00Z"
			f.DoneAt = &done
		}
		if _, err := st.AddFollowUp(ctx, f); err != nil {
			t.Fatal(err)
		}
		v := store.Survey{CustomerID: c, Date: today.AddDate(0, 0, -rng.IntN(400)).Format(store.DateLayout), Satisfaction: 1 + rng.IntN(5),
			Initiative: 1 + rng.IntN(5), Repurchase: 1 + rng.IntN(5), Recommend: 1 + rng.IntN(5), Resistance: 1 + rng.IntN(5), Note: pick()}
		if _, err := st.AddSurvey(ctx, v); err != nil {
			t.Fatal(err)
		}
	}
	// Someone who came back: the archived old record and the new one share phone and email.
	old, _ := st.AddCustomer(ctx, store.Customer{Name: "王小明", Phone: "13800138000", Email: "wxm@example.com", ExternalID: "OLD-1"})
	st.ArchiveCustomer(ctx, old.ID)
	st.AddCustomer(ctx, store.Customer{Name: "王小明", Phone: "138 0013 8000", Email: "WXM@example.com"})
	// Gaps: a purged customer takes purchases, contacts, follow-ups and surveys with it.
	for _, id := range []int64{3, 17, 40} {
		if err := st.PurgeCustomer(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	st.DeletePurchase(ctx, 5)
	return st
}

// export all → import all into an empty notebook: every field of every
// row of every kind, ids included, byte for byte.
func TestWholeNotebookRoundTrip(t *testing.T) {
	src := wholeNotebook(t)
	want := readEverything(t, src)
	if len(want.FollowUps) == 0 || len(want.Surveys) == 0 || len(want.Payments) == 0 || len(want.Events) == 0 ||
		len(want.Statuses) == 0 || want.Purchases[4].ID == 5 {
		t.Fatalf("the notebook lacks follow-ups, surveys, payments, events, statuses or id gaps")
	}
	var buf bytes.Buffer
	n, err := ExportAll(ctx, src, &buf, time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	total := want.rows()
	if n != total {
		t.Errorf("ExportAll counted %d rows, the notebook has %d", n, total)
	}
	file := buf.String()
	var doc map[string]json.RawMessage
	if err := json.Unmarshal([]byte(file), &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if string(doc["format"]) != `"rolo-notebook"` || string(doc["version"]) != "2" || string(doc["currency"]) != `"CNY"` ||
		string(doc["exported_at"]) != `"2026-11-22T09:30:00Z"` {
		t.Errorf("header: %s %s %s %s", doc["format"], doc["version"], doc["currency"], doc["exported_at"])
	}
	// Each section is what rolo export KIND --format json writes.
	for _, kind := range ExportKinds {
		var one bytes.Buffer
		Export(ctx, src, kind, &one, ExportOptions{Format: "json"})
		if strings.TrimSpace(string(doc[kind])) != strings.TrimSpace(one.String()) {
			t.Errorf("section %s differs from export %s --format json", kind, kind)
		}
	}

	dst := newStore(t)
	dry, err := ImportAll(ctx, dst, strings.NewReader(file), ImportOptions{Name: "all.json", DryRun: true})
	if keys, _ := dst.CustomerKeys(ctx); err != nil || dry.Inserted != total || !dry.DryRun || len(keys) != 0 {
		t.Fatalf("dry run: %+v %v, %d customers written", dry, err, len(keys))
	}
	rep, err := ImportAll(ctx, dst, strings.NewReader(file), ImportOptions{Name: "all.json"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Inserted != total || rep.Counts["surveys"] != len(want.Surveys) || rep.Counts["customers"] != len(want.Customers) {
		t.Errorf("report %+v", rep)
	}
	got := readEverything(t, dst)
	compare(t, "customers", got.Customers, want.Customers)
	compare(t, "purchases", got.Purchases, want.Purchases)
	compare(t, "contacts", got.Contacts, want.Contacts)
	compare(t, "follow-ups", got.FollowUps, want.FollowUps)
	compare(t, "surveys", got.Surveys, want.Surveys)
	if r, err := dst.Check(ctx); err != nil || !r.OK {
		t.Errorf("check after restore: %+v %v", r, err)
	}
	// The settings came along; so did every row and every amount.
	set, _ := dst.StoredSettings(ctx)
	if set["plan.capacity"] != "8" || set["pyramid.cuts"] != "2,20,50,100" {
		t.Errorf("settings after restore: %v", set)
	}
	wantCensus, _ := src.Census(ctx)
	if gotCensus, err := dst.Census(ctx); err != nil || gotCensus != wantCensus || wantCensus.Payments == 0 || wantCensus.Revenue == 0 {
		t.Errorf("census after restore %+v (%v), want %+v", gotCensus, err, wantCensus)
	}
	// The restored notebook exports the same file.
	var again bytes.Buffer
	ExportAll(ctx, dst, &again, time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC))
	if again.String() != file {
		t.Errorf("the restored notebook exports another file")
	}

	// Not into a notebook that holds customers; nothing written.
	_, err = ImportAll(ctx, dst, strings.NewReader(file), ImportOptions{Name: "all.json"})
	if !errors.Is(err, store.ErrConflict) || !strings.Contains(err.Error(), "restores a whole notebook with its ids into an empty one") {
		t.Errorf("into a full notebook: %v", err)
	}
}

// A notebook's own customer export imports into an empty notebook: an
// archived customer and the current one who came back may share a phone
// and an email. Two current ones may not, unless --allow-duplicates.
func TestImportArchivedDuplicates(t *testing.T) {
	src := newStore(t)
	if _, err := demo.Generate(ctx, src, demo.Options{Seed: 5, Customers: 40, Today: time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	old, _ := src.AddCustomer(ctx, store.Customer{Name: "王小明", Phone: "13800138000", Email: "wxm@example.com"})
	src.ArchiveCustomer(ctx, old.ID)
	src.AddCustomer(ctx, store.Customer{Name: "王小明", Phone: "138 0013 8000", Email: "WXM@example.com"})
	var cs bytes.Buffer
	Export(ctx, src, "customers", &cs, ExportOptions{})
	file := cs.String()
	dst := newStore(t)
	if _, err := Import(ctx, dst, "customers", strings.NewReader(file), ImportOptions{Name: "customers.csv"}); err != nil {
		t.Fatalf("own customer export: %v", err)
	}
	compare(t, "customers", readEverything(t, dst).Customers, readEverything(t, src).Customers)
	// A current customer with that phone is still a duplicate, in the file or in the notebook.
	_, err := Import(ctx, dst, "customers", strings.NewReader("name,phone\n新王,13800138000\n"), ImportOptions{Name: "new.csv"})
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf(`looks like existing customer #%d "王小明" (same phone)`, old.ID+1)) {
		t.Errorf("duplicate of a current customer: %v", err)
	}
	_, err = Import(ctx, newStore(t), "customers", strings.NewReader("name,phone\na,1\nb,1\n"), ImportOptions{Name: "two.csv"})
	if err == nil || !strings.Contains(err.Error(), "line 3 (phone): same phone as line 2; --allow-duplicates imports both") {
		t.Errorf("two current customers with one phone: %v", err)
	}
	// As it says: both come in.
	two := newStore(t)
	if _, err := Import(ctx, two, "customers", strings.NewReader("name,phone\na,1\nb,1\n"), ImportOptions{Name: "two.csv", AllowDuplicates: true}); err != nil {
		t.Fatalf("two customers with one phone, duplicates allowed: %v", err)
	}
	if n := len(readEverything(t, two).Customers); n != 2 {
		t.Errorf("two customers with one phone, duplicates allowed: %d imported", n)
	}
}

func compare[T any](t *testing.T, what string, got, want []T) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d restored, %d exported", what, len(got), len(want))
		return
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("%s %d:\n got %+v\nwant %+v", what, i, got[i], want[i])
			return
		}
	}
}

func TestImportAllRefusesBadFiles(t *testing.T) {
	st := newStore(t)
	for _, tt := range []struct{ in, want string }{
		{`[]`, "not a rolo notebook file"},
		{`{"format":"other"}`, `its "format" is "other"`},
		{`{"format":"rolo-notebook","version":3,"currency":"CNY"}`, "written by a newer rolo (version 3)"},
		{`{"format":"rolo-notebook","version":1,"currency":"CNY","widgets":[]}`, `unknown section "widgets"`},
		{`{"format":"rolo-notebook","version":3,"currency":"CNY","widgets":[]}`, "written by a newer rolo (version 3)"},
		{`{"format":"rolo-notebook","version":2,"currency":"CNY","settings":{"plan.capacity":"lots"}}`, "settings: "},
		{`{"format":"rolo-notebook","version":2,"currency":"CNY","settings":{"nonsense.key":"1"}}`, "settings: "},
		{`{"format":"rolo-notebook","version":2,"currency":"CNY","settings":{"currency":"USD"}}`, `the currency goes in "currency"`},
		{`{"customers":[],"format":"rolo-notebook"}`, `not a rolo notebook file: its "format" is ""`},
		{`{"format":"rolo-notebook","version":1,"currency":"XX"}`, `currency "XX"`},
		{`{"format":"rolo-notebook","version":1,"currency":"CNY","surveys":{}}`, "surveys: expected an array of objects"},
		{`{"format":"rolo-notebook","version":1,"currency":"CNY","purchases":[],"customers":[]}`, `section "customers" comes too late`},
		{`{"format":"rolo-notebook","version":1,"currency":"CNY","customers":[{"id":1,"name":"a"}],
"purchases":[{"id":2,"customer_id":1,"date":"2026-01-01","amount":"1"},{"id":2,"customer_id":1,"date":"2026-01-01","amount":"1"}]}`,
			"purchases record 2 (id): ids go up from row to row, and this one follows 2"},
		{`{"format":"rolo-notebook","version":1,"currency":"CNY","customers":[{"id":1,"name":"a\udc00"}]}`, `line 1, column 86: a \u escape`},
		{`{"format":"rolo-notebook","version":1,"currency":"CNY",
"customers":[{"id":1,"name":"a","referred_by":7},{"id":1,"name":"b"}],
"purchases":[{"id":1,"customer_id":2,"date":"2026-01-01","amount":"1.00"},{"customer_id":1,"date":"2026-01-01","amount":"x"}],
"followups":[{"id":4,"customer_id":1,"due":"2026-13-01","what":"call"}]}`,
			`all.json: 5 problems; nothing was imported:
  customers record 2 (id): a second customer with this id
  customers record 1 (referred_by): no customer with that id in the file
  purchases record 1: customer_id 2 is not a customer of the file
  purchases record 2 (id): no id: a notebook file keeps every row's id
  followups record 1 (due): expected a date such as 2026-03-01, got "2026-13-01"`},
	} {
		_, err := ImportAll(ctx, st, strings.NewReader(tt.in), ImportOptions{Name: "all.json"})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%.60s: %v\nwant %q", tt.in, err, tt.want)
		}
	}
	if keys, _ := st.CustomerKeys(ctx); len(keys) != 0 {
		t.Errorf("a refused file wrote %d customers", len(keys))
	}
}

// A file in another currency: an empty notebook takes its currency.
func TestImportAllCurrency(t *testing.T) {
	src := newStore(t)
	if err := src.SetSetting(ctx, "currency", "JPY"); err != nil {
		t.Fatal(err)
	}
	c, _ := src.AddCustomer(ctx, store.Customer{Name: "Sato"})
	src.AddPurchase(ctx, store.Purchase{CustomerID: c.ID, Date: "2026-01-01", Amount: 1280, Quantity: 1})
	var buf bytes.Buffer
	ExportAll(ctx, src, &buf, time.Now())
	if !strings.Contains(buf.String(), `"amount":"1280"`) {
		t.Errorf("yen written with decimals: %s", buf.String())
	}
	dst := newStore(t)
	if _, err := ImportAll(ctx, dst, &buf, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	ps, _ := dst.Purchases(ctx, c.ID, 0)
	if dst.Currency().Code != "JPY" || len(ps) != 1 || ps[0].Amount != 1280 {
		t.Errorf("currency %s, purchases %+v", dst.Currency().Code, ps)
	}
}

// Follow-ups and surveys import on their own, naming customers the usual ways.
func TestImportFollowUpsAndSurveys(t *testing.T) {
	st := newStore(t)
	st.AddCustomer(ctx, store.Customer{Name: "王小明", ExternalID: "W1", Phone: "13800138000"})
	in := "客户编号,到期,事项,来源\nW1,2026-11-22,送月饼,manual\nW1,2026/11/30,回访,\n"
	if rep, err := Import(ctx, st, "followups", strings.NewReader(in), ImportOptions{}); err != nil || rep.Inserted != 2 {
		t.Fatalf("followups: %+v %v", rep, err)
	}
	fs, _ := st.FollowUps(ctx, 1, false)
	if len(fs) != 2 || fs[0].Due != "2026-11-22" || fs[0].What != "送月饼" || fs[1].Source != "manual" {
		t.Errorf("follow-ups %+v", fs)
	}
	in = "customer_phone,date,satisfaction,initiative,repurchase,recommend,resistance,note\n138 0013 8000,2026-11-01,5,4,5,4,3,ok\n138 0013 8000,2026-11-02,6,4,5,4,3,\n"
	_, err := Import(ctx, st, "surveys", strings.NewReader(in), ImportOptions{Name: "s.csv"})
	if err == nil || !strings.Contains(err.Error(), `line 3, column 3 (satisfaction): expected a score from 1 to 5, got "6"`) {
		t.Errorf("bad survey: %v", err)
	}
	in = strings.Replace(in, ",6,", ",1,", 1)
	if rep, err := Import(ctx, st, "surveys", strings.NewReader(in), ImportOptions{}); err != nil || rep.Inserted != 2 {
		t.Fatalf("surveys: %+v %v", rep, err)
	}
	vs, _ := st.Surveys(ctx, 1)
	if len(vs) != 2 || vs[1].Satisfaction != 5 || vs[1].Note != "ok" {
		t.Errorf("surveys %+v", vs)
	}
}

// A restore read as it comes (rolo copy) writes nothing when its check
// before the commit fails, settings included; when the check passes it
// commits what it checked.
func TestImportAllVerifyRollsBack(t *testing.T) {
	src := wholeNotebook(t)
	var buf bytes.Buffer
	if _, err := ExportAll(ctx, src, &buf, time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	dst := newStore(t)
	seen := store.Census{}
	fail := errors.New("the counts differ")
	_, err := ImportAll(ctx, dst, bytes.NewReader(buf.Bytes()), ImportOptions{Name: "copy", Stream: true,
		Verify: func(b *store.Bulk, _ store.Census) error {
			seen, _ = b.Census()
			return fail
		}})
	want, _ := src.Census(ctx)
	if !errors.Is(err, fail) || seen != want {
		t.Fatalf("verify saw %+v (want %+v), import returned %v", seen, want, err)
	}
	if got, _ := dst.Census(ctx); got != (store.Census{}) {
		t.Errorf("a failed check left %+v", got)
	}
	if set, _ := dst.StoredSettings(ctx); set["plan.capacity"] != "" {
		t.Errorf("a failed check left settings %v", set)
	}
	if _, err := ImportAll(ctx, dst, bytes.NewReader(buf.Bytes()), ImportOptions{Name: "copy", Stream: true,
		Verify: func(b *store.Bulk, _ store.Census) error { return nil }}); err != nil {
		t.Fatal(err)
	}
	if got, _ := dst.Census(ctx); got != want {
		t.Errorf("after the restore %+v, want %+v", got, want)
	}
}
