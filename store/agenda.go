package store

import (
	"context"
	"time"

	"github.com/rolo-crm/rolo/tiering/agenda"
)

// AgendaInputs loads what the agenda rules need about every current
// customer as of a day (tiers are left for the caller to fill in), and the
// open follow-ups.
func (s *Store) AgendaInputs(ctx context.Context, asOf time.Time) ([]agenda.Customer, []agenda.Task, error) {
	day := asOf.Format(DateLayout)
	next := asOf.AddDate(0, 0, 1).Format(DateLayout)
	rows, err := s.r.QueryContext(ctx, `
SELECT c.id, c.name, c.status, c.lost_reason, c.birthday, c.birthday_lunar, c.birthday_leap,
       coalesce(c.cadence_days, 0), c.created_at,
       coalesce((SELECT max(at) FROM contacts WHERE customer_id = c.id AND at < ?2), ''),
       coalesce((SELECT max(at) FROM contacts WHERE customer_id = c.id AND kind = 'greeting' AND at < ?2), ''),
       coalesce((SELECT next_date FROM purchases WHERE customer_id = c.id AND date <= ?1 ORDER BY date DESC, id DESC LIMIT 1), ''),
       (SELECT count(*) FROM contacts WHERE customer_id = c.id AND at < ?2 AND at >=
            coalesce((SELECT max(date) FROM purchases WHERE customer_id = c.id AND date <= ?1), ''))
FROM customers c WHERE c.archived_at IS NULL ORDER BY c.id`, day, next)
	if err != nil {
		return nil, nil, s.wrap("agenda", err)
	}
	var cs []agenda.Customer
	idx := map[int64]int{}
	for rows.Next() {
		var c agenda.Customer
		var bday, created, lastContact, greeted, nextDate string
		var lunar, leap bool
		if err := rows.Scan(&c.ID, &c.Name, &c.Status, &c.LostReason, &bday, &lunar, &leap, &c.CadenceDays, &created,
			&lastContact, &greeted, &nextDate, &c.WinBacks); err != nil {
			rows.Close()
			return nil, nil, s.wrap("agenda", err)
		}
		if bday != "" {
			if b, err := ParseBirthday(bday, lunar); err == nil {
				c.Birthday = &agenda.Birthday{Month: b.Month, Day: b.Day, Lunar: lunar, Leap: leap}
			}
		}
		if t, err := time.Parse(time.RFC3339, created); err == nil {
			c.Created = Today(t)
		}
		if t, err := time.Parse(time.RFC3339, lastContact); err == nil {
			c.LastContact = Today(t)
		}
		if t, err := time.Parse(time.RFC3339, greeted); err == nil {
			c.Greeted = Today(t)
		}
		c.NextExpected = parseDay(nextDate)
		idx[c.ID] = len(cs)
		cs = append(cs, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, s.wrap("agenda", err)
	}
	// Distinct purchase days, in index order (customer, date).
	rows, err = s.r.QueryContext(ctx, `SELECT customer_id, date FROM purchases WHERE date <= ? GROUP BY customer_id, date`, day)
	if err != nil {
		return nil, nil, s.wrap("agenda", err)
	}
	for rows.Next() {
		var id int64
		var d string
		if err := rows.Scan(&id, &d); err != nil {
			rows.Close()
			return nil, nil, s.wrap("agenda", err)
		}
		if i, ok := idx[id]; ok {
			cs[i].PurchaseDays = append(cs[i].PurchaseDays, parseDay(d))
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, s.wrap("agenda", err)
	}
	// Open complaints.
	rows, err = s.r.QueryContext(ctx, `SELECT id, customer_id, at, summary FROM contacts
		WHERE complaint_status = 'open' AND at < ? ORDER BY at, id`, next)
	if err != nil {
		return nil, nil, s.wrap("agenda", err)
	}
	for rows.Next() {
		var k agenda.OpenComplaint
		var id int64
		var at string
		if err := rows.Scan(&k.ID, &id, &at, &k.Summary); err != nil {
			rows.Close()
			return nil, nil, s.wrap("agenda", err)
		}
		k.At, _ = time.Parse(time.RFC3339, at)
		if i, ok := idx[id]; ok {
			cs[i].Complaints = append(cs[i].Complaints, k)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, s.wrap("agenda", err)
	}
	fs, err := s.followUpsWhere(ctx, `done_at IS NULL AND customer_id IN (SELECT id FROM customers WHERE archived_at IS NULL) ORDER BY due, id`)
	if err != nil {
		return nil, nil, err
	}
	tasks := make([]agenda.Task, len(fs))
	for i, f := range fs {
		tasks[i] = agenda.Task{ID: f.ID, CustomerID: f.CustomerID, Due: parseDay(f.Due), What: f.What}
	}
	return cs, tasks, nil
}
