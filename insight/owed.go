package insight

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/store"
)

// Owing is what one customer still owes.
type Owing struct {
	CustomerID  int64
	Name        string
	Outstanding money.Amount
	Purchases   []store.Debt // oldest first
	Oldest      time.Time    // the oldest purchase not paid in full
	DaysOld     int          // days since it
	Overdue     bool         // past the payment terms
}

// Owed lists who owes what, the longest owing first, with the payment
// terms (days) they are measured against.
func (s *Service) Owed(ctx context.Context, asOf time.Time) ([]Owing, int, error) {
	asOf = day(asOf)
	set, err := s.st.Settings(ctx)
	if err != nil {
		return nil, 0, err
	}
	ds, err := s.st.Debts(ctx, 0, asOf)
	if err != nil {
		return nil, 0, err
	}
	by := map[int64]*Owing{}
	var out []*Owing
	for _, d := range ds {
		o := by[d.CustomerID]
		if o == nil {
			o = &Owing{CustomerID: d.CustomerID}
			by[d.CustomerID] = o
			out = append(out, o)
		}
		o.Outstanding += d.Outstanding
		o.Purchases = append(o.Purchases, d)
	}
	ids := make([]int64, len(out))
	for i, o := range out {
		ids[i] = o.CustomerID
	}
	cs, err := s.st.CustomersByID(ctx, ids)
	if err != nil {
		return nil, 0, err
	}
	res := make([]Owing, len(out))
	for i, o := range out {
		o.Name = cs[o.CustomerID].Name
		o.Oldest, _ = store.ParseDate(o.Purchases[0].Date)
		o.DaysOld = int(asOf.Sub(o.Oldest).Hours() / 24)
		o.Overdue = o.DaysOld > set.PaymentTerms
		res[i] = *o
	}
	slices.SortStableFunc(res, func(a, b Owing) int {
		return cmp.Or(a.Oldest.Compare(b.Oldest), cmp.Compare(b.Outstanding, a.Outstanding), cmp.Compare(a.CustomerID, b.CustomerID))
	})
	return res, set.PaymentTerms, nil
}
