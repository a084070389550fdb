package insight

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/store/demo"
	"github.com/rolo-crm/rolo/tiering"
)

var today = time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)

func open(t testing.TB) (*Service, *store.Store) {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "nb.db"),
		store.Options{Create: true, Now: func() time.Time { return today.Add(10 * time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return New(st), st
}

func sample(t testing.TB, customers int) (*Service, *store.Store) {
	svc, st := open(t)
	if _, err := demo.Generate(context.Background(), st, demo.Options{Seed: 3, Customers: customers, Today: today}); err != nil {
		t.Fatal(err)
	}
	return svc, st
}

// One customer's tier (two index look-ups) is their tier in the whole
// ranking, and the notebook's tier map agrees, archived customers and
// prospects included.
func TestTierOfAgreesWithTheRanking(t *testing.T) {
	svc, st := sample(t, 80)
	ctx := context.Background()
	if err := st.ArchiveCustomer(ctx, 3); err != nil {
		t.Fatal(err)
	}
	tiers, err := svc.Tiers(ctx, TierQuery{AsOf: today})
	if err != nil {
		t.Fatal(err)
	}
	m, err := svc.NotebookTiers(ctx, today)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := tiers.Assign[3]; ok {
		t.Error("an archived customer is ranked")
	}
	for id, a := range tiers.Assign {
		one, err := svc.TierOf(ctx, id, today)
		if err != nil {
			t.Fatal(err)
		}
		if one != a.Tier || m.Of(id) != a.Tier {
			t.Errorf("customer %d: TierOf %s, NotebookTiers %s, ranking %s", id, one, m.Of(id), a.Tier)
		}
	}
}

// Tiers are kept while the notebook is unchanged and ranked again after
// any write, this process's or another's.
func TestTiersFollowWrites(t *testing.T) {
	svc, st := sample(t, 40)
	ctx := context.Background()
	q := TierQuery{AsOf: today}
	before, err := svc.Tiers(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := svc.Tiers(ctx, q); again != before {
		t.Error("an unchanged notebook was ranked again")
	}
	// The smallest buyer buys a fortune: first in the ranking at once.
	rows := before.Rows()
	last := rows[0]
	for _, r := range rows {
		if r.Tier != tiering.Prospect {
			last = r
		}
	}
	if _, err := st.AddPurchase(ctx, store.Purchase{CustomerID: last.ID, Date: "2026-11-20", Amount: 100_000_000}); err != nil {
		t.Fatal(err)
	}
	after, err := svc.Tiers(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if after == before || after.Assign[last.ID].Tier != tiering.Key || after.Rows()[0].ID != last.ID {
		t.Errorf("after a big purchase customer %d is %s, first is %d", last.ID, after.Assign[last.ID].Tier, after.Rows()[0].ID)
	}
	// Another connection's write (another rolo process) counts too.
	other, err := store.Open(ctx, st.Path(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := other.ArchiveCustomer(ctx, last.ID); err != nil {
		t.Fatal(err)
	}
	if t3, _ := svc.Tiers(ctx, q); t3 == after || t3.Assign[last.ID].Tier != "" {
		t.Errorf("after another process archived %d, the ranking still has them", last.ID)
	}
}

// The lifetime model is kept with its options and reused while the day and
// the purchases are the same; a new purchase means fitting again.
func TestLifetimeModelIsKeptAndReused(t *testing.T) {
	svc, st := sample(t, 150)
	ctx := context.Background()
	lt, err := svc.Lifetime(ctx, LifetimeQuery{AsOf: today})
	if err != nil {
		t.Fatal(err)
	}
	var kept savedModel
	if ok, err := st.LoadState(ctx, modelKey, &kept); !ok || err != nil {
		t.Fatalf("no model kept: %v", err)
	}
	if kept.Options != lt.Options || kept.AsOf != "2026-11-22" || kept.Fitted != lt.Result.Fitted {
		t.Errorf("kept %+v for an analysis with %+v", kept, lt.Options)
	}
	// A doctored model with the same day and purchases is used as it is.
	kept.BG.R, kept.Fitted = 0.123456, true
	if err := st.SaveState(ctx, modelKey, kept); err != nil {
		t.Fatal(err)
	}
	again, err := svc.Lifetime(ctx, LifetimeQuery{AsOf: today})
	if err != nil {
		t.Fatal(err)
	}
	if again.Result.BG.R != 0.123456 {
		t.Errorf("the kept model was fitted again (r %v)", again.Result.BG.R)
	}
	if _, err := st.AddPurchase(ctx, store.Purchase{CustomerID: 1, Date: "2026-11-21", Amount: 5000}); err != nil {
		t.Fatal(err)
	}
	refit, err := svc.Lifetime(ctx, LifetimeQuery{AsOf: today})
	if err != nil {
		t.Fatal(err)
	}
	if refit.Result.BG.R == 0.123456 {
		t.Error("a new purchase did not make the model fit again")
	}
	// The card values with the options of the last analysis.
	opts := lt.Options
	opts.Margin = 0.5
	if _, err := svc.Lifetime(ctx, LifetimeQuery{AsOf: today, Options: &opts}); err != nil {
		t.Fatal(err)
	}
	c, err := svc.Card(ctx, 1, CardQuery{AsOf: today})
	if err != nil {
		t.Fatal(err)
	}
	if c.Lifetime == nil || c.Lifetime.Options.Margin != 0.5 {
		t.Errorf("card lifetime = %+v, want the 50%% margin of the last analysis", c.Lifetime)
	}
}

// Money follows the notebook currency: yen have no minor unit.
func TestYenNotebook(t *testing.T) {
	svc, st := open(t)
	ctx := context.Background()
	if err := st.SetSetting(ctx, "currency", "JPY"); err != nil {
		t.Fatal(err)
	}
	if svc.Currency().Decimals != 0 {
		t.Fatalf("JPY has %d decimals", svc.Currency().Decimals)
	}
	c, err := svc.AddCustomer(ctx, store.Customer{Name: "山田太郎"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := svc.Currency().Parse("1,280")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.AddPurchase(ctx, store.Purchase{CustomerID: c.ID, Date: "2026-11-01", Amount: a}); err != nil {
		t.Fatal(err)
	}
	card, err := svc.Card(ctx, c.ID, CardQuery{AsOf: today})
	if err != nil {
		t.Fatal(err)
	}
	if card.Metrics.Revenue != 1280 || svc.Currency().Format(card.Metrics.Revenue) != "1280" {
		t.Errorf("revenue %d, written %q", card.Metrics.Revenue, svc.Currency().Format(card.Metrics.Revenue))
	}
	// Amounts are kept in yen now: a currency with cents would misread them.
	if err := st.SetSetting(ctx, "currency", "USD"); store.KindOf(err) != store.KindConflict {
		t.Errorf("switching a notebook with yen amounts to USD: %v", err)
	}
	if err := st.SetSetting(ctx, "currency", "KRW"); err != nil {
		t.Errorf("KRW has no minor unit either: %v", err)
	}
}

// The agenda's tiers (the kept floors as of today, floors ranked from the
// revenue walked up to an earlier day) are the ranking's, with archived,
// dropped and not-yet-buying customers outside it.
func TestAgendaTiersAreTheRanking(t *testing.T) {
	svc, st := sample(t, 120)
	ctx := context.Background()
	if err := st.ArchiveCustomer(ctx, 3); err != nil {
		t.Fatal(err)
	}
	if err := st.SetStatuses(ctx, []store.StatusChange{{CustomerID: 5, Status: "dropped", Reason: "moved", Date: "2026-10-01"}}); err != nil {
		t.Fatal(err)
	}
	for _, asOf := range []time.Time{today, today.AddDate(0, -7, 0), today.AddDate(-2, 0, 0)} {
		tiers, err := svc.Tiers(ctx, TierQuery{AsOf: asOf})
		if err != nil {
			t.Fatal(err)
		}
		ag, err := svc.Agenda(ctx, AgendaQuery{AsOf: asOf, Days: 7})
		if err != nil {
			t.Fatal(err)
		}
		count := map[tiering.Tier]int{}
		for _, c := range ag.customers {
			id := c.ID
			want := tiering.Prospect
			if a, ok := tiers.Assign[id]; ok {
				want = a.Tier
			}
			if c.Tier != want {
				t.Errorf("as of %s, customer %d: agenda %s, ranking %s", asOf.Format("2006-01-02"), id, c.Tier, want)
			}
			count[c.Tier]++
		}
		if ag.customer(3) != nil {
			t.Error("an archived customer is on the agenda")
		}
		if c := ag.customer(5); c == nil || c.Tier != tiering.Prospect {
			t.Errorf("as of %s, the dropped customer: %+v", asOf.Format("2006-01-02"), c)
		}
		if count[tiering.Key] == 0 || count[tiering.Prospect] == 0 || len(count) < 4 {
			t.Errorf("as of %s: tiers %v; the test needs every kind", asOf.Format("2006-01-02"), count)
		}
	}
}
