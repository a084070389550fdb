package store

import "context"

// What whole-notebook export and restore (store/transfer) need beyond the
// entity files: surveys read in a stream, and rows written with the ids
// they had.

// EachSurvey calls fn for every survey dated on or after since ("" for
// all), in id order, with its customer.
func (s *Store) EachSurvey(ctx context.Context, since string, fn func(v Survey, c CustomerRef) error) error {
	return eachHistory(ctx, s, "export surveys", `SELECT id, customer_id, date, satisfaction, initiative, repurchase,
		recommend, resistance, note, created_at FROM surveys WHERE ?1 = '' OR date >= ?1 ORDER BY id`, since,
		func(sc scanner) (Survey, error) {
			var v Survey
			err := sc.Scan(&v.ID, &v.CustomerID, &v.Date, &v.Satisfaction, &v.Initiative, &v.Repurchase,
				&v.Recommend, &v.Resistance, &v.Note, &v.CreatedAt)
			return v, err
		}, func(v Survey) int64 { return v.CustomerID }, fn)
}

// restoreTables are the tables whose rows KeepID may renumber.
var restoreTables = map[string]bool{"purchases": true, "contacts": true, "followups": true, "surveys": true}

// KeepID gives the row just inserted into table (purchases, contacts,
// followups or surveys) as id got the id want it had where it came from,
// so a restored notebook keeps every id (rolo done 12, rolo resolve
// --complaint 7 mean the same rows). Rows are restored in id order into
// empty tables, so want is never taken.
func (b *Bulk) KeepID(table string, got, want int64) error {
	if got == want || want == 0 {
		return nil
	}
	if !restoreTables[table] {
		return Errorf(KindInvalid, "cannot keep ids of %q", table)
	}
	_, err := b.ExecContext(b.ctx, `UPDATE `+table+` SET id = ? WHERE id = ?`, want, got)
	if err != nil {
		if sqliteCode(err) == sqliteConstraintPrimaryKey {
			return Errorf(KindConflict, "%s id %d is already used", table, want)
		}
		return b.s.wrap("keep id", err)
	}
	return nil
}
