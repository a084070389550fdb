package transfer

import (
	"bytes"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/store/demo"
	"github.com/rolo-crm/rolo/tiering/agenda"
)

// ordinals numbers ids in their order: 1, 2, ...
func ordinals(ids []int64) map[int64]int64 {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	out := make(map[int64]int64, len(ids))
	for i, id := range ids {
		out[id] = int64(i + 1)
	}
	return out
}

func idsOf[T any](rows []T, id func(*T) int64) []int64 {
	out := make([]int64, len(rows))
	for i := range rows {
		out[i] = id(&rows[i])
	}
	return out
}

// keep are the rows whose customer is one of custs.
func keep[T any](rows []T, customer func(*T) int64, custs map[int64]int64) []T {
	var out []T
	for _, r := range rows {
		if _, ok := custs[customer(&r)]; ok {
			out = append(out, r)
		}
	}
	return out
}

// numbered is the part of a notebook that belongs to the customers with
// the ids custs, every id (the rows' own and those they refer to)
// replaced by its rank among the ids of its kind in that part: a
// notebook added with new ids reads the same as the one it came from.
func numbered(e everything, custs []int64) everything {
	co := ordinals(custs)
	out := everything{Currency: e.Currency}
	out.Customers = keep(e.Customers, func(c *store.Customer) int64 { return c.ID }, co)
	out.Purchases = keep(e.Purchases, func(p *store.Purchase) int64 { return p.CustomerID }, co)
	out.Contacts = keep(e.Contacts, func(k *store.Contact) int64 { return k.CustomerID }, co)
	out.FollowUps = keep(e.FollowUps, func(f *store.FollowUp) int64 { return f.CustomerID }, co)
	out.Surveys = keep(e.Surveys, func(v *store.Survey) int64 { return v.CustomerID }, co)
	out.Payments = keep(e.Payments, func(p *store.Payment) int64 { return p.CustomerID }, co)
	out.Events = keep(e.Events, func(v *store.Event) int64 { return v.CustomerID }, co)
	out.Statuses = keep(e.Statuses, func(h *store.StatusChange) int64 { return h.CustomerID }, co)
	out.Actions = keep(e.Actions, func(a *store.AgendaAction) int64 { return a.CustomerID }, co)
	po := ordinals(idsOf(out.Purchases, func(p *store.Purchase) int64 { return p.ID }))
	ko := ordinals(idsOf(out.Contacts, func(k *store.Contact) int64 { return k.ID }))
	fo := ordinals(idsOf(out.FollowUps, func(f *store.FollowUp) int64 { return f.ID }))
	eo := ordinals(idsOf(out.Events, func(v *store.Event) int64 { return v.ID }))
	vo := ordinals(idsOf(out.Surveys, func(v *store.Survey) int64 { return v.ID }))
	yo := ordinals(idsOf(out.Payments, func(p *store.Payment) int64 { return p.ID }))
	ho := ordinals(idsOf(out.Statuses, func(h *store.StatusChange) int64 { return h.ID }))
	ao := ordinals(idsOf(out.Actions, func(a *store.AgendaAction) int64 { return a.ID }))
	for i := range out.Customers {
		c := &out.Customers[i]
		c.ID = co[c.ID]
		if c.ReferredBy != nil {
			r := co[*c.ReferredBy]
			c.ReferredBy = &r
		}
	}
	for i := range out.Purchases {
		p := &out.Purchases[i]
		p.ID, p.CustomerID = po[p.ID], co[p.CustomerID]
	}
	for i := range out.Contacts {
		k := &out.Contacts[i]
		k.ID, k.CustomerID = ko[k.ID], co[k.CustomerID]
	}
	for i := range out.FollowUps {
		f := &out.FollowUps[i]
		f.ID, f.CustomerID = fo[f.ID], co[f.CustomerID]
		// A thank-you names its purchase, or the referred customer (an id
		// of neither side's part reads as one number, unlike any rank).
		rank := func(m map[int64]int64) func(int64) (int64, bool) {
			return func(id int64) (int64, bool) {
				if n, ok := m[id]; ok {
					return n, true
				}
				return 999999999, true
			}
		}
		f.What = store.RenumberFollowUp(f.What, f.Source, rank(po), rank(co))
	}
	for i := range out.Surveys {
		v := &out.Surveys[i]
		v.ID, v.CustomerID = vo[v.ID], co[v.CustomerID]
	}
	for i := range out.Payments {
		p := &out.Payments[i]
		p.ID, p.PurchaseID, p.CustomerID = yo[p.ID], po[p.PurchaseID], co[p.CustomerID]
	}
	for i := range out.Events {
		v := &out.Events[i]
		v.ID, v.CustomerID = eo[v.ID], co[v.CustomerID]
	}
	for i := range out.Statuses {
		h := &out.Statuses[i]
		h.ID, h.CustomerID = ho[h.ID], co[h.CustomerID]
	}
	refs := map[agenda.Reason]map[int64]int64{agenda.FollowUp: fo, agenda.Complaint: ko, agenda.Payment: po, agenda.EventR: eo}
	for i := range out.Actions {
		a := &out.Actions[i]
		a.ID, a.CustomerID = ao[a.ID], co[a.CustomerID]
		if m := refs[agenda.Reason(a.Reason)]; m != nil {
			a.Ref = m[a.Ref] // 0 for a row that is gone
		}
	}
	return out
}

// snoozeEverything puts off one item of each kind that names a row, and
// one that names none, as rolo snooze and rolo dismiss record them.
func snoozeEverything(t *testing.T, st *store.Store) {
	t.Helper()
	e := readEverything(t, st)
	var complaint store.Contact
	for _, k := range e.Contacts {
		if k.Kind == "complaint" {
			complaint = k
		}
	}
	if complaint.ID == 0 || len(e.FollowUps) < 3 || len(e.Purchases) < 3 || len(e.Events) < 2 {
		t.Fatalf("the notebook lacks a complaint, follow-ups, purchases or events to snooze")
	}
	f, p, v := e.FollowUps[len(e.FollowUps)-2], e.Purchases[len(e.Purchases)-3], e.Events[1]
	for _, a := range []store.AgendaAction{
		{CustomerID: f.CustomerID, Reason: string(agenda.FollowUp), Ref: f.ID, Due: f.Due, Until: "2026-12-01"},
		{CustomerID: complaint.CustomerID, Reason: string(agenda.Complaint), Ref: complaint.ID, Due: "2026-11-20"},
		{CustomerID: p.CustomerID, Reason: string(agenda.Payment), Ref: p.ID, Due: "2026-11-21", Until: "2026-11-29"},
		{CustomerID: v.CustomerID, Reason: string(agenda.EventR), Ref: v.ID, Due: "2026-11-25"},
		{CustomerID: p.CustomerID, Reason: string(agenda.Cadence), Due: "2026-11-22", Until: "2026-12-06", Note: "on holiday"},
	} {
		if _, err := st.AddAgendaAction(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	// A thank-you names its purchase, or the referred customer, in its text.
	if _, err := st.AddFollowUp(ctx, store.FollowUp{CustomerID: p.CustomerID, Due: "2026-11-25", What: store.PurchaseThanks(p, "key"), Source: "thanks"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddFollowUp(ctx, store.FollowUp{CustomerID: f.CustomerID, Due: "2026-11-26", Source: "referral",
		What: "thank you for referring 张伟 (#" + strconv.FormatInt(e.Customers[1].ID, 10) + ", first purchase 2026-11-02)"}); err != nil {
		t.Fatal(err)
	}
}

// A team notebook another rep filled first: a few customers of its own,
// with rows of every kind, so that every id sequence is ahead of the
// file's by a different count.
func teamNotebook(t *testing.T, st *store.Store) *store.Store {
	t.Helper()
	day := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	var ids []int64
	for i, name := range []string{"团队甲", "团队乙", "团队丙"} {
		c, err := st.AddCustomer(ctx, store.Customer{Name: name, Phone: "1390000000" + string(rune('1'+i))})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	owed := money.Amount(10000)
	for i := 0; i < 7; i++ {
		p := store.Purchase{CustomerID: ids[i%3], Date: day.AddDate(0, 0, i).Format(store.DateLayout), Item: "茶", Quantity: 1, Amount: 30000}
		if i%2 == 0 {
			p.Paid = &owed
		}
		if _, err := st.AddPurchase(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Pay(ctx, ids[0], 5000, day.AddDate(0, 0, 9), 0, "part"); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 4; i++ {
		if _, err := st.AddContact(ctx, store.Contact{CustomerID: ids[1], At: day.AddDate(0, 0, i).Format(time.RFC3339), Kind: "call", Summary: "问候"}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.AddEvent(ctx, store.Event{CustomerID: ids[2], What: "开业", Date: "2027-03-0" + string(rune('1'+i))}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.AddFollowUp(ctx, store.FollowUp{CustomerID: ids[0], Due: "2026-11-30", What: "回访"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddAgendaAction(ctx, store.AgendaAction{CustomerID: ids[1], Reason: string(agenda.Cadence), Due: "2026-11-22", Until: "2026-11-30"}); err != nil {
		t.Fatal(err)
	}
	return st
}

func customerIDs(e everything, not map[int64]bool) []int64 {
	var out []int64
	for _, c := range e.Customers {
		if !not[c.ID] {
			out = append(out, c.ID)
		}
	}
	return out
}

// A whole notebook added to one that holds customers (a second rep's
// into the team's): every row arrives with a new id, and whatever named
// a row by its id names the same row: payments their purchase, referrals
// their customer, snoozes their follow-up, complaint, debt or event. The
// notebook's own rows, status history included, stay as they were, and
// it gains exactly the rows and the money of the file.
func TestWholeNotebookJoinsWithNewIDs(t *testing.T) {
	hostile := wholeNotebook(t)
	snoozeEverything(t, hostile)
	export := func(st *store.Store) []byte {
		var file bytes.Buffer
		if _, err := ExportAll(ctx, st, &file, time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		return file.Bytes()
	}
	eachEngine(t, func(t *testing.T, fresh func() *store.Store) {
		dst := teamNotebook(t, fresh())
		src := hostile
		if dst.PostgreSQL() {
			// PostgreSQL's text holds no NUL character, which the hostile
			// notebook has: refused, saying why; a demo's goes in.
			_, err := ImportAll(ctx, dst, bytes.NewReader(export(hostile)), ImportOptions{Name: "all.json", NewIDs: true})
			if !errors.Is(err, store.ErrInvalid) || !strings.Contains(err.Error(), "NUL character") {
				t.Errorf("a notebook with NUL characters into PostgreSQL: %v", err)
			}
			src = newStore(t)
			if _, err := demo.Generate(ctx, src, demo.Options{Seed: 5, Customers: 80, Today: time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)}); err != nil {
				t.Fatal(err)
			}
			src.SetSetting(ctx, "plan.capacity", "8")
			snoozeEverything(t, src)
		}
		joinWithNewIDs(t, readEverything(t, src), src, export(src), dst)
	})
}

func joinWithNewIDs(t *testing.T, want everything, src *store.Store, file []byte, dst *store.Store) {
	before := readEverything(t, dst)
	ownIDs := map[int64]bool{}
	for _, c := range before.Customers {
		ownIDs[c.ID] = true
	}
	censusBefore, _ := dst.Census(ctx)

	// Without --new-ids: refused, and it says how.
	_, err := ImportAll(ctx, dst, bytes.NewReader(file), ImportOptions{Name: "all.json"})
	if !errors.Is(err, store.ErrConflict) || !strings.Contains(err.Error(), "add --new-ids") {
		t.Fatalf("into a notebook with customers, without new ids: %v", err)
	}
	var checked store.Census
	rep, err := ImportAll(ctx, dst, bytes.NewReader(file), ImportOptions{Name: "all.json", NewIDs: true,
		Verify: func(b *store.Bulk, was store.Census) error {
			got, err := b.Census()
			checked = got.Sub(was)
			return err
		}})
	if err != nil {
		t.Fatal(err)
	}
	wantCensus, _ := src.Census(ctx)
	if checked != wantCensus || wantCensus.Payments == 0 {
		t.Errorf("the census Verify was given: %+v, want the file's %+v", checked, wantCensus)
	}
	if got, _ := dst.Census(ctx); got.Sub(censusBefore) != wantCensus {
		t.Errorf("the notebook gained %+v, want %+v", got.Sub(censusBefore), wantCensus)
	}
	// The file's settings are not the team's: kept, and said.
	if set, _ := dst.StoredSettings(ctx); set["plan.capacity"] != "" || set["pyramid.cuts"] != "" {
		t.Errorf("the joining file's settings were taken: %v", set)
	}
	if len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0], "plan.capacity=8") {
		t.Errorf("warnings %q: want the settings not taken", rep.Warnings)
	}

	after := readEverything(t, dst)
	top := slices.Max(customerIDs(before, nil))
	for _, id := range customerIDs(after, ownIDs) {
		if id <= top {
			t.Fatalf("customer %d of the file is not a new id (the notebook's go up to %d)", id, top)
		}
	}
	// The notebook's own customers and their rows: as they were.
	mine := numbered(after, customerIDs(before, nil))
	if w := numbered(before, customerIDs(before, nil)); !equalEverything(t, mine, w) {
		t.Errorf("the notebook's own rows changed")
	}
	// The file's: the same rows, naming the same rows.
	got := numbered(after, customerIDs(after, ownIDs))
	w := numbered(want, customerIDs(want, nil))
	if len(w.Actions) < 5 || w.Actions[0].Ref == 0 || len(w.Payments) == 0 || !slices.ContainsFunc(w.Customers, func(c store.Customer) bool { return c.ReferredBy != nil }) {
		t.Fatalf("the file lacks snoozes, payments or referrals to follow")
	}
	equalEverything(t, got, w)
	if r, err := dst.Check(ctx); err != nil || !r.OK {
		t.Errorf("check after joining: %+v %v", r, err)
	}

	// The same file again: its customers are there already.
	again := readEverything(t, dst)
	_, err = ImportAll(ctx, dst, bytes.NewReader(file), ImportOptions{Name: "all.json", NewIDs: true})
	var ie *ImportError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "was this notebook added before?") {
		t.Fatalf("the same notebook added twice: %v", err)
	}
	if n := len(readEverything(t, dst).Customers); n != len(again.Customers) {
		t.Errorf("a refused join wrote %d customers", n-len(again.Customers))
	}
}

func equalEverything(t *testing.T, got, want everything) bool {
	t.Helper()
	n := t.Failed()
	compare(t, "customers", got.Customers, want.Customers)
	compare(t, "purchases", got.Purchases, want.Purchases)
	compare(t, "contacts", got.Contacts, want.Contacts)
	compare(t, "follow-ups", got.FollowUps, want.FollowUps)
	compare(t, "surveys", got.Surveys, want.Surveys)
	compare(t, "payments", got.Payments, want.Payments)
	compare(t, "events", got.Events, want.Events)
	compare(t, "statuses", got.Statuses, want.Statuses)
	compare(t, "agenda actions", got.Actions, want.Actions)
	return t.Failed() == n
}

// Joining: a customer whose phone the notebook holds stops it, unless
// duplicates are allowed; an external id always does; money in another
// currency is refused, not converted.
func TestJoinRefusesHeldCustomersAndOtherMoney(t *testing.T) {
	src := newStore(t)
	a, _ := src.AddCustomer(ctx, store.Customer{Name: "李四", Phone: "139 0000 0001"})
	src.AddCustomer(ctx, store.Customer{Name: "赵六", ExternalID: "E-9"})
	src.AddPurchase(ctx, store.Purchase{CustomerID: a.ID, Date: "2026-11-01", Item: "茶", Quantity: 1, Amount: 100})
	var file bytes.Buffer
	if _, err := ExportAll(ctx, src, &file, time.Now()); err != nil {
		t.Fatal(err)
	}
	join := func(dst *store.Store, allow bool) error {
		_, err := ImportAll(ctx, dst, bytes.NewReader(file.Bytes()), ImportOptions{Name: "li.json", NewIDs: true, AllowDuplicates: allow})
		return err
	}
	dst := newStore(t)
	dst.AddCustomer(ctx, store.Customer{Name: "团队甲", Phone: "13900000001"})
	err := join(dst, false)
	if err == nil || !strings.Contains(err.Error(), `customers record 1 (phone): looks like customer #1 "团队甲" here (same phone)`) ||
		strings.Contains(err.Error(), "most likely added before") { // one of two customers: not the same notebook
		t.Errorf("a held phone: %v", err)
	}
	if err := join(dst, true); err != nil {
		t.Errorf("a held phone, duplicates allowed: %v", err)
	}
	if keys, _ := dst.CustomerKeys(ctx); len(keys) != 3 {
		t.Errorf("after joining with duplicates allowed: %d customers, want 3", len(keys))
	}
	// Now 赵六's external id is held: allowed duplicates or not, refused.
	if err := join(dst, true); err == nil || !strings.Contains(err.Error(), `(external_id): already used by customer #3 "赵六" here`) {
		t.Errorf("a held external id: %v", err)
	}

	usd := newStore(t)
	if err := usd.SetSetting(ctx, "currency", "USD"); err != nil {
		t.Fatal(err)
	}
	usd.AddCustomer(ctx, store.Customer{Name: "Ann"})
	if err := join(usd, false); err == nil || !strings.Contains(err.Error(), "li.json keeps its amounts in CNY and") ||
		!strings.Contains(err.Error(), "in USD; rolo does not convert money") {
		t.Errorf("another currency: %v", err)
	}
	if keys, _ := usd.CustomerKeys(ctx); len(keys) != 1 || usd.Currency().Code != "USD" {
		t.Errorf("a refused join changed the notebook: %d customers, %s", len(keys), usd.Currency().Code)
	}
	// Into an empty notebook with new ids: the file's currency, as a restore.
	empty := newStore(t)
	empty.SetSetting(ctx, "currency", "USD")
	if err := join(empty, false); err != nil || empty.Currency().Code != "CNY" {
		t.Errorf("into an empty notebook with new ids: %v, currency %s", err, empty.Currency().Code)
	}
}

// A notebook whose purchases nobody paid for later (no payment sends the
// purchases waiting for COPY on PostgreSQL) restores with its census
// checked, with its ids or new ones, on both engines.
func TestRestoreWithoutPaymentsChecksItsCensus(t *testing.T) {
	src := newStore(t)
	a, _ := src.AddCustomer(ctx, store.Customer{Name: "周一"})
	paid := money.Amount(20000)
	if _, err := src.AddPurchase(ctx, store.Purchase{CustomerID: a.ID, Date: "2026-11-01", Item: "白茶", Quantity: 1, Amount: 120000, Paid: &paid}); err != nil {
		t.Fatal(err)
	}
	want, _ := src.Census(ctx)
	var file bytes.Buffer
	if _, err := ExportAll(ctx, src, &file, time.Now()); err != nil {
		t.Fatal(err)
	}
	eachEngine(t, func(t *testing.T, fresh func() *store.Store) {
		for _, newIDs := range []bool{false, true} {
			dst := fresh()
			var got store.Census
			_, err := ImportAll(ctx, dst, bytes.NewReader(file.Bytes()), ImportOptions{Name: "zhou.json", NewIDs: newIDs,
				Verify: func(b *store.Bulk, before store.Census) error {
					now, err := b.Census()
					got = now.Sub(before)
					return err
				}})
			if err != nil || got != want {
				t.Errorf("new ids %v: %v; the census Verify was given %+v, want %+v", newIDs, err, got, want)
			}
		}
	})
}
