package store

import (
	"context"
	"strings"
	"testing"
)

// The hot queries must use their indexes: a full scan of purchases or
// contacts where an index exists would grow with the notebook.
func TestQueryPlans(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	plan := func(q string, args ...any) string {
		rows, err := s.r.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q, args...)
		if err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
		defer rows.Close()
		var b strings.Builder
		for rows.Next() {
			var id, parent, notused int
			var detail string
			rows.Scan(&id, &parent, &notused, &detail)
			b.WriteString(detail + "\n")
		}
		return b.String()
	}
	tests := []struct {
		name, q  string
		args     []any
		want     []string
		wantNone []string
	}{
		{"customer purchases", `SELECT ` + purchaseCols + ` FROM purchases WHERE customer_id = ? ORDER BY date DESC, id DESC LIMIT 10`,
			[]any{1}, []string{"USING INDEX purchases_customer_date"}, []string{"SCAN purchases"}},
		{"customer contacts", `SELECT ` + contactCols + ` FROM contacts WHERE customer_id = ? ORDER BY at DESC, id DESC LIMIT 10`,
			[]any{1}, []string{"contacts_customer_at"}, []string{"SCAN contacts"}},
		{"last contact per customer", `SELECT max(at) FROM contacts WHERE customer_id = ? AND at < ?`,
			[]any{1, "2026-11-23"}, []string{"COVERING INDEX contacts_customer_at"}, nil},
		{"open follow-ups due", `SELECT ` + followUpCols + ` FROM followups WHERE done_at IS NULL AND due <= ? ORDER BY due, id`,
			[]any{"2026-11-22"}, []string{"followups_open"}, []string{"SCAN followups"}},
		{"external id", `SELECT id FROM customers WHERE external_id = ?`, []any{"x"}, []string{"INDEX"}, []string{"SCAN customers"}},
		{"accounts by pinyin", `SELECT id FROM customers c WHERE c.archived_at IS NULL ORDER BY c.name_pinyin, c.name, c.id LIMIT 100`,
			nil, []string{"customers_current_name"}, []string{"TEMP B-TREE"}},
		{"current customers count", `SELECT count(*) FROM customers c WHERE c.archived_at IS NULL`, nil,
			[]string{"customers_current_name"}, nil},
		{"buyers outside the ranks above a revenue", `SELECT count(*) FROM customers c CROSS JOIN purchase_totals t ON t.customer_id = c.id
			WHERE (` + outsideC + `) AND t.revenue > ?`, []any{100}, []string{"customers_outside"}, []string{"SCAN t"}},
		{"buyers outside the ranks", `SELECT customer_id FROM purchase_totals WHERE customer_id NOT IN (SELECT id FROM customers WHERE ` + outside + `)`,
			nil, []string{"customers_outside"}, nil},
		{"one customer's metrics", `SELECT c.id FROM customers c LEFT JOIN purchase_totals p ON p.customer_id = c.id
			WHERE c.archived_at IS NULL AND c.id = ?`, []any{1}, []string{"INTEGER PRIMARY KEY"}, []string{"SCAN c"}},
		{"one customer's last two years", `SELECT customer_id, sum(amount) FROM purchases WHERE customer_id = ?1 AND date > ?2 AND date <= ?3 GROUP BY customer_id`,
			[]any{1, "2024-11-22", "2026-11-22"}, []string{"INDEX purchases_customer_date"}, []string{"SCAN purchases"}},
		{"revenue rank", `SELECT count(*) FROM purchase_totals WHERE revenue > ?`, []any{100}, []string{"purchase_totals_revenue"}, nil},
		{"fts search", `SELECT DISTINCT customer_id FROM search WHERE search MATCH ? LIMIT 10`, []any{`"abc"`}, []string{"VIRTUAL TABLE INDEX"}, nil},
	}
	for _, tt := range tests {
		p := plan(tt.q, tt.args...)
		for _, w := range tt.want {
			if !strings.Contains(p, w) {
				t.Errorf("%s: plan lacks %q:\n%s", tt.name, w, p)
			}
		}
		for _, w := range tt.wantNone {
			if strings.Contains(p, w) {
				t.Errorf("%s: plan has %q:\n%s", tt.name, w, p)
			}
		}
	}
}
