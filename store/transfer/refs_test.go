package transfer

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/rolo-crm/rolo/internal/pgtest"
	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/store"
)

// eachEngine runs body once with notebooks in SQLite files and once in
// PostgreSQL databases (skipped without ROLO_TEST_PG); fresh makes an
// empty notebook of the engine.
func eachEngine(t *testing.T, body func(t *testing.T, fresh func() *store.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { body(t, func() *store.Store { return newStore(t) }) })
	t.Run("postgres", func(t *testing.T) {
		body(t, func() *store.Store {
			dsn, _ := pgtest.Database(t)
			st, err := store.Open(ctx, dsn, store.Options{Create: true,
				Now: func() time.Time { return time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC) }})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			return st
		})
	})
}

func mustAdd(t *testing.T, st *store.Store, c store.Customer) store.Customer {
	t.Helper()
	out, err := st.AddCustomer(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// rowsOf is how many rows of kind the notebook holds.
func rowsOf(t *testing.T, st *store.Store, kind string) int {
	t.Helper()
	n, err := Export(ctx, st, kind, io.Discard, ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A history row that names its customer twice, by id and by name or
// external id, is refused when the two are different customers: a file
// exported from another notebook, where customer #1 is someone else, must
// not land on #1. Every kind of history that names customers checks it.
func TestImportRefusesContradictingCustomer(t *testing.T) {
	eachEngine(t, func(t *testing.T, fresh func() *store.Store) {
		// Notebook A: 张三 is #1 and has one row of each kind.
		a := fresh()
		zhang := mustAdd(t, a, store.Customer{Name: "张三", ExternalID: "Z-1"})
		if _, err := a.AddPurchase(ctx, store.Purchase{CustomerID: zhang.ID, Date: "2026-11-01", Amount: 500, Item: "普洱"}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.AddContact(ctx, store.Contact{CustomerID: zhang.ID, At: "2026-11-02T10:00:00Z", Kind: "call", Summary: "问候"}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.AddFollowUp(ctx, store.FollowUp{CustomerID: zhang.ID, Due: "2026-12-01", What: "回访"}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.AddSurvey(ctx, store.Survey{CustomerID: zhang.ID, Date: "2026-11-03", Satisfaction: 5, Initiative: 4,
			Repurchase: 5, Recommend: 4, Resistance: 3}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.AddEvent(ctx, store.Event{CustomerID: zhang.ID, What: "结婚纪念日", Date: "2020-05-20"}); err != nil {
			t.Fatal(err)
		}
		// Notebook B: #1 is 李四; 张三 came second and has no external id.
		b := fresh()
		mustAdd(t, b, store.Customer{Name: "李四"})
		mustAdd(t, b, store.Customer{Name: "张三"})
		// Notebook C: the same customers as A.
		c := fresh()
		mustAdd(t, c, store.Customer{Name: "张三", ExternalID: "Z-1"})

		for _, kind := range []string{"purchases", "contacts", "followups", "surveys", "events"} {
			var file bytes.Buffer
			if _, err := Export(ctx, a, kind, &file, ExportOptions{}); err != nil {
				t.Fatal(err)
			}
			// customer_id 1, customer_external_id Z-1, customer_name 张三: columns 2, 3 and 4.
			_, err := Import(ctx, b, kind, bytes.NewReader(file.Bytes()), ImportOptions{Name: kind + ".csv"})
			var ie *ImportError
			if !errors.As(err, &ie) || len(ie.Problems) != 1 {
				t.Fatalf("%s into a notebook where #1 is someone else: %v", kind, err)
			}
			p := ie.Problems[0]
			if p.Line != 2 || p.Col != 3 || p.Field != "customer_external_id" || p.Value != "Z-1" ||
				!strings.Contains(p.Reason, `customer_id 1 is "李四" (#1), who has no external id, not "Z-1"`) {
				t.Errorf("%s: problem %+v", kind, p)
			}
			if n := rowsOf(t, b, kind); n != 0 {
				t.Errorf("%s: %d rows imported onto the wrong customers", kind, n)
			}
			// Without the external id, the name still tells them apart.
			_, err = Import(ctx, b, kind, bytes.NewReader(file.Bytes()), ImportOptions{Name: kind + ".csv", Map: map[string]string{"customer_external_id": "-"}})
			if !errors.As(err, &ie) || len(ie.Problems) != 1 {
				t.Fatalf("%s by id and name: %v", kind, err)
			}
			if p := ie.Problems[0]; p.Line != 2 || p.Col != 4 || p.Field != "customer_name" || p.Value != "张三" ||
				!strings.Contains(p.Reason, `customer_id 1 is "李四" (#1), not "张三"`) {
				t.Errorf("%s: problem %+v", kind, p)
			}
			if n := rowsOf(t, b, kind); n != 0 {
				t.Errorf("%s: %d rows imported onto the wrong customers", kind, n)
			}
			// Without the ids, the name finds 张三, #2 here.
			rep, err := Import(ctx, b, kind, bytes.NewReader(file.Bytes()), ImportOptions{Name: kind + ".csv",
				Map: map[string]string{"customer_id": "-", "customer_external_id": "-"}})
			if err != nil || rep.Inserted != 1 {
				t.Errorf("%s by name alone: %+v %v", kind, rep, err)
			}
			// Where the id, the external id and the name are one customer, the file comes in.
			if rep, err := Import(ctx, c, kind, bytes.NewReader(file.Bytes()), ImportOptions{Name: kind + ".csv"}); err != nil || rep.Inserted != 1 {
				t.Errorf("%s into a notebook with the same customers: %+v %v", kind, rep, err)
			}
		}
		var got []string
		for _, p := range mustPurchases(t, b, 2) {
			got = append(got, p.Item)
		}
		if len(got) != 1 || got[0] != "普洱" {
			t.Errorf("张三's purchases in B: %q", got)
		}
		if ps := mustPurchases(t, b, 1); len(ps) != 0 {
			t.Errorf("李四 has 张三's purchases: %+v", ps)
		}
	})
}

func mustPurchases(t *testing.T, st *store.Store, id int64) []store.Purchase {
	t.Helper()
	ps, err := st.Purchases(ctx, id, 0)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// An external id that names another customer than the name does, and a
// name written with spaces around it (matched trimmed, as everywhere).
func TestImportRefsByExternalIDAndName(t *testing.T) {
	eachEngine(t, func(t *testing.T, fresh func() *store.Store) {
		st := fresh()
		mustAdd(t, st, store.Customer{Name: "李四", ExternalID: "L-4"})
		zhang := mustAdd(t, st, store.Customer{Name: "张三", ExternalID: "Z-3"})
		in := "customer_external_id,customer_name,date,amount\nL-4,张三,2026-11-01,5\n"
		_, err := Import(ctx, st, "purchases", strings.NewReader(in), ImportOptions{Name: "p.csv"})
		var ie *ImportError
		if !errors.As(err, &ie) || len(ie.Problems) != 1 || ie.Problems[0].Field != "customer_name" ||
			!strings.Contains(ie.Problems[0].Reason, `customer_external_id "L-4" is "李四" (#1), not "张三"; correct one of the columns`) {
			t.Fatalf("external id and name of two customers: %v", err)
		}
		in = "customer_id,customer_name,date,amount\n2, 张三 ,2026-11-01,5\n,张三 ,2026-11-02,6\n"
		if rep, err := Import(ctx, st, "purchases", strings.NewReader(in), ImportOptions{Name: "p.csv"}); err != nil || rep.Inserted != 2 {
			t.Fatalf("names with spaces around them: %+v %v", rep, err)
		}
		if ps := mustPurchases(t, st, zhang.ID); len(ps) != 2 {
			t.Errorf("张三's purchases: %+v", ps)
		}
	})
}

// A payment belongs to its purchase: a row whose customer columns name
// someone other than the purchase's buyer is refused.
func TestImportPaymentsCheckTheBuyer(t *testing.T) {
	eachEngine(t, func(t *testing.T, fresh func() *store.Store) {
		st := fresh()
		li := mustAdd(t, st, store.Customer{Name: "李四"})
		mustAdd(t, st, store.Customer{Name: "张三"})
		unpaid := money.Amount(0)
		p, err := st.AddPurchase(ctx, store.Purchase{CustomerID: li.ID, Date: "2026-11-01", Amount: 1000, Paid: &unpaid})
		if err != nil {
			t.Fatal(err)
		}
		head := "purchase_id,customer_id,customer_name,date,amount\n"
		for _, tt := range []struct{ row, field, reason string }{
			{"1,,张三,2026-11-02,3", "customer_name", `purchase_id 1 was bought by "李四" (#1), not "张三"`},
			{"1,2,,2026-11-02,3", "customer_id", `purchase_id 1 was bought by "李四" (#1), not customer 2`},
			{"9,1,李四,2026-11-02,3", "purchase_id", `no purchase with id 9`},
		} {
			_, err := Import(ctx, st, "payments", strings.NewReader(head+tt.row+"\n"), ImportOptions{Name: "y.csv"})
			var ie *ImportError
			if !errors.As(err, &ie) || len(ie.Problems) != 1 || ie.Problems[0].Field != tt.field || !strings.Contains(ie.Problems[0].Reason, tt.reason) {
				t.Errorf("%s: %v", tt.row, err)
			}
		}
		if n := rowsOf(t, st, "payments"); n != 0 {
			t.Fatalf("%d payments imported", n)
		}
		if rep, err := Import(ctx, st, "payments", strings.NewReader(head+"1,1,李四,2026-11-02,3\n"), ImportOptions{Name: "y.csv"}); err != nil || rep.Inserted != 1 {
			t.Fatalf("the buyer's payment: %+v %v", rep, err)
		}
		if ys, err := st.PaymentsOf(ctx, p.ID); err != nil || len(ys) != 1 || ys[0].Amount != 300 {
			t.Errorf("payments of the purchase: %+v %v", ys, err)
		}
	})
}

// An amount the columns refuse is quoted as the file writes it, not in
// minor units.
func TestImportMoneyMessagesQuoteTheFile(t *testing.T) {
	st := newStore(t)
	mustAdd(t, st, store.Customer{Name: "张三"})
	_, err := Import(ctx, st, "purchases", strings.NewReader("customer_name,date,amount\n张三,2026-11-01,-5\n"), ImportOptions{Name: "x.csv"})
	var ie *ImportError
	if !errors.As(err, &ie) || len(ie.Problems) != 1 {
		t.Fatalf("negative amount: %v", err)
	}
	if p := ie.Problems[0]; p.Value != "-5" || p.Reason != `expected an amount of zero or more, got "-5"` {
		t.Errorf("negative amount: %+v", p)
	}
	if strings.Contains(err.Error(), "500") {
		t.Errorf("the message shows minor units: %v", err)
	}
	_, err = Import(ctx, st, "purchases", strings.NewReader("customer_name,date,amount\n张三,2026-11-01, \n"), ImportOptions{Name: "x.csv"})
	if !errors.As(err, &ie) || len(ie.Problems) != 1 || ie.Problems[0].Reason != "expected an amount, got nothing" {
		t.Errorf("blank amount: %v", err)
	}
}

// Phones in a file match the notebook's however either is written:
// "+86 139 0000 2222" is 欧阳娜娜's "139 0000 2222".
func TestImportPhonesMatchByKey(t *testing.T) {
	eachEngine(t, func(t *testing.T, fresh func() *store.Store) {
		st := fresh()
		nana := mustAdd(t, st, store.Customer{Name: "欧阳娜娜", Phone: "139 0000 2222"})
		in := "name,phone\nTest Dup,+86 139 0000 2222\n"
		_, err := Import(ctx, st, "customers", strings.NewReader(in), ImportOptions{Name: "c.csv"})
		if err == nil || !strings.Contains(err.Error(), `line 2 (phone): looks like existing customer #1 "欧阳娜娜" (same phone)`) {
			t.Errorf("the same phone with its country code: %v", err)
		}
		_, err = Import(ctx, fresh(), "customers", strings.NewReader("name,phone\na,13900002222\nb,0086 139-0000-2222\n"), ImportOptions{Name: "c.csv"})
		if err == nil || !strings.Contains(err.Error(), "line 3 (phone): same phone as line 2") {
			t.Errorf("one phone twice in a file: %v", err)
		}
		if rep, err := Import(ctx, st, "customers", strings.NewReader("name,phone,city\n欧阳娜娜,+86 13900002222,深圳\n"),
			ImportOptions{Name: "c.csv", UpsertBy: "phone"}); err != nil || rep.Updated != 1 || rep.Inserted != 0 {
			t.Errorf("upsert by phone: %+v %v", rep, err)
		}
		if rep, err := Import(ctx, st, "purchases", strings.NewReader("customer_phone,date,amount\n0086 13900002222,2026-11-01,5\n"),
			ImportOptions{Name: "p.csv"}); err != nil || rep.Inserted != 1 {
			t.Errorf("a purchase by phone: %+v %v", rep, err)
		}
		if ps := mustPurchases(t, st, nana.ID); len(ps) != 1 {
			t.Errorf("欧阳娜娜's purchases: %+v", ps)
		}
	})
}
