package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/rolo-crm/rolo/money"
)

// AccountRow is one line of the accounts table.
type AccountRow struct {
	ID          int64        `json:"id"`
	Name        string       `json:"name"`
	Company     string       `json:"company"`
	City        string       `json:"city"`
	Status      string       `json:"status"`
	Revenue     money.Amount `json:"revenue"`
	LastContact string       `json:"last_touch"` // the later of the last contact and the last purchase (YYYY-MM-DD), "" when never
	NextDue     string       `json:"next_due"`   // YYYY-MM-DD of the earliest open follow-up
}

// Account sort orders.
const (
	SortName        = "name"
	SortValue       = "value"
	SortLastContact = "last_contact"
	SortNextDue     = "next_due"
)

// AccountQuery pages through current customers.
type AccountQuery struct {
	Sort     string  // name (default), value, last_contact, next_due
	Desc     bool    // reverse the order
	IDs      []int64 // only these customers, in this order when Sort is ""
	Archived bool    // the archived customers instead of the current ones
	Offset   int
	Limit    int
}

var accountOrder = map[string]string{
	SortName:        "c.name_pinyin %[1]s, c.name %[1]s, c.id",
	SortValue:       "coalesce(t.revenue, 0) %s, c.id",
	SortLastContact: "last_contact %s, c.id",
	SortNextDue:     "next_due %s NULLS LAST, c.id", // an alias alone: PostgreSQL takes no expression of one
}

// Accounts returns one page of the accounts table and the number of rows in all.
func (s *Store) Accounts(ctx context.Context, q AccountQuery) ([]AccountRow, int, error) {
	where := "c.archived_at IS NULL"
	if q.Archived {
		where = "c.archived_at IS NOT NULL"
	}
	var args []any
	order, ok := accountOrder[q.Sort]
	if q.Sort == "" {
		order = accountOrder[SortName]
		if q.IDs != nil {
			order = "pos"
		}
	} else if !ok {
		return nil, 0, Errorf(KindInvalid, "unknown sort %q", q.Sort)
	}
	dir := "ASC"
	if q.Desc {
		dir = "DESC"
	}
	if order != "pos" {
		order = fmt.Sprintf(order, dir)
	}
	from := "customers c"
	if q.IDs != nil {
		b, _ := json.Marshal(q.IDs)
		from = "json_each(?) j JOIN customers c ON c.id = j.value"
		args = append(args, string(b))
	}
	var total int
	if err := s.r.QueryRowContext(short(ctx), `SELECT count(*) FROM `+from+` WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, s.wrap("accounts", err)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 100
	}
	pos := "0"
	if q.IDs != nil {
		pos = "j.key"
	}
	// The page's ids first, with only the columns the order needs: the
	// detail columns are correlated look-ups, and SQLite computes them for
	// the rows an OFFSET skips too (100 ms for a page mid-notebook).
	sel := `c.id, ` + pos + ` AS pos`
	totals := `` // the revenue join only when ordering by it
	switch q.Sort {
	case SortValue:
		totals = ` LEFT JOIN purchase_totals t ON t.customer_id = c.id`
	case SortLastContact:
		sel += `, ` + lastTouchCol
	case SortNextDue:
		sel += `, ` + nextDueCol
	}
	ids, err := queryAll(ctx, s, "accounts", func(sc scanner) (int64, error) {
		var id, pos int64
		dest := []any{&id, &pos}
		if q.Sort == SortLastContact || q.Sort == SortNextDue {
			var skip any
			dest = append(dest, &skip)
		}
		return id, sc.Scan(dest...)
	}, `SELECT `+sel+` FROM `+from+totals+`
		WHERE `+where+` ORDER BY `+order+` LIMIT ? OFFSET ?`, append(args, limit, q.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	out, err := queryAll(ctx, s, "accounts", func(sc scanner) (AccountRow, error) {
		var r AccountRow
		var next *string
		err := sc.Scan(&r.ID, &r.Name, &r.Company, &r.City, &r.Status, &r.Revenue, &r.LastContact, &next)
		if next != nil {
			r.NextDue = *next
		}
		if len(r.LastContact) > len(DateLayout) { // a contact's stamp: the rep's day of it
			r.LastContact = StampDay(r.LastContact).Format(DateLayout)
		}
		return r, err
	}, `SELECT c.id, c.name, c.company, c.city, c.status, coalesce(t.revenue, 0), `+lastTouchCol+`, `+nextDueCol+`
		FROM json_each(?) j JOIN customers c ON c.id = j.value LEFT JOIN purchase_totals t ON t.customer_id = c.id
		ORDER BY j.key`, jsonIDs(ids))
	return out, total, err
}

// The accounts table's look-up columns. The last touch is what the agenda's
// clocks run from: the later of the last contact and the last purchase.
const (
	lastTouchCol = `max(coalesce((SELECT max(at) FROM contacts WHERE customer_id = c.id), ''),
		coalesce((SELECT CAST(last AS TEXT) FROM purchase_totals WHERE customer_id = c.id), '')) AS last_contact`
	nextDueCol = `(SELECT min(due) FROM followups WHERE customer_id = c.id AND done_at IS NULL) AS next_due`
)
