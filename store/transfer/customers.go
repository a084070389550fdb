package transfer

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/rolo-crm/rolo/store"
)

type custRow struct {
	c        store.Customer
	line     int
	referrer int64 // 0: none
	update   bool  // replaces an existing customer
}

func importCustomers(ctx context.Context, st *store.Store, src *source, header []string, o ImportOptions,
	rep Report, pr *problems, fail func() (Report, error)) (Report, error) {
	if !has(header, "name") {
		return rep, store.Errorf(store.KindInvalid, "%s: a customers file needs a name column (姓名)", o.Name)
	}
	refIdx := -1
	for i, h := range header {
		if h == "referred_by" {
			refIdx = i
		}
	}
	// What the notebook already holds.
	byID := map[int64]store.Customer{}
	byExt := map[string]int64{}
	byPhone := map[string]int64{}
	byEmail := map[string]int64{}
	err := st.EachCustomer(ctx, "", func(c store.Customer) error {
		byID[c.ID] = c
		if c.ExternalID != "" {
			byExt[c.ExternalID] = c.ID
		}
		if c.ArchivedAt != nil {
			return nil // an archived customer is not a duplicate of a current one
		}
		if p := normPhone(c.Phone); p != "" {
			byPhone[p] = c.ID
		}
		if e := strings.ToLower(strings.TrimSpace(c.Email)); e != "" {
			byEmail[e] = c.ID
		}
		return nil
	})
	if err != nil {
		return rep, err
	}
	var rows []custRow
	parsed := parse(src, customerCols, header, pr, func(c *store.Customer, rr rawRecord) error {
		if err := c.Validate(); err != nil {
			msg := errors.New(cleanErr(err))
			if strings.Contains(err.Error(), "birthday") {
				return fieldError{"birthday", msg}
			}
			return msg
		}
		return nil
	})
	for i := range parsed {
		r := custRow{c: parsed[i], line: src.recs[i].line}
		if refIdx >= 0 {
			if v := strings.TrimSpace(src.recs[i].values[refIdx]); v != "" {
				n, err := strconv.ParseInt(v, 10, 64)
				if err != nil || n <= 0 {
					pr.add(Problem{Line: r.line, Col: src.recs[i].cols[refIdx], Field: "referred_by", Value: v, Reason: "expected the id of the referring customer"})
				}
				r.referrer = n
			}
		}
		rows = append(rows, r)
	}
	if len(pr.list) > 0 {
		return fail()
	}
	// Match against the notebook and look for duplicates inside the file.
	seen := map[string]int{} // key → line
	inFile := map[int64]bool{}
	key := func(c store.Customer) string {
		switch o.UpsertBy {
		case "external_id":
			return c.ExternalID
		case "phone":
			return normPhone(c.Phone)
		case "email":
			return strings.ToLower(strings.TrimSpace(c.Email))
		}
		return ""
	}
	index := map[string]map[string]int64{"external_id": byExt, "phone": byPhone, "email": byEmail}
	for i := range rows {
		r := &rows[i]
		c := &r.c
		dup := func(what, v string) {
			if v == "" {
				return
			}
			k := what + "\x00" + v
			if line, ok := seen[k]; ok {
				pr.add(Problem{Line: r.line, Field: what, Value: v, Reason: fmt.Sprintf("same %s as %s %d", what, src.unit, line)})
			} else {
				seen[k] = r.line
			}
		}
		dup("external_id", c.ExternalID)
		// An archived customer and a current one may share a phone or an
		// email: that is how a notebook keeps someone who came back.
		if !o.AllowDuplicates && c.ArchivedAt == nil {
			dup("phone", normPhone(c.Phone))
			dup("email", strings.ToLower(strings.TrimSpace(c.Email)))
		}
		if c.ID != 0 {
			dup("id", strconv.FormatInt(c.ID, 10))
		}
		if k := key(*c); k != "" {
			if id, ok := index[o.UpsertBy][k]; ok {
				if c.ID != 0 && c.ID != id {
					pr.add(Problem{Line: r.line, Field: "id", Value: strconv.FormatInt(c.ID, 10),
						Reason: fmt.Sprintf("the %s matches customer #%d, but the id column says %d", o.UpsertBy, id, c.ID)})
					continue
				}
				c.ID, r.update = id, true
				inFile[id] = true
				continue
			}
		}
		if c.ID != 0 {
			if old, ok := byID[c.ID]; ok {
				pr.add(Problem{Line: r.line, Field: "id", Value: strconv.FormatInt(c.ID, 10),
					Reason: fmt.Sprintf("id %d is already customer %q; remove the id column to add new customers, or use --upsert-by", c.ID, old.Name)})
				continue
			}
			inFile[c.ID] = true
		}
		if id, ok := byExt[c.ExternalID]; ok && c.ExternalID != "" {
			pr.add(Problem{Line: r.line, Field: "external_id", Value: c.ExternalID,
				Reason: fmt.Sprintf("already used by customer #%d %q; use --upsert-by external_id to update it", id, byID[id].Name)})
			continue
		}
		if !o.AllowDuplicates && c.ArchivedAt == nil {
			if id, ok := byPhone[normPhone(c.Phone)]; ok && normPhone(c.Phone) != "" {
				pr.add(Problem{Line: r.line, Field: "phone", Value: c.Phone, Reason: fmt.Sprintf(
					"looks like existing customer #%d %q (same phone); use --upsert-by phone to update, or --allow-duplicates", id, byID[id].Name)})
				continue
			}
			if id, ok := byEmail[strings.ToLower(strings.TrimSpace(c.Email))]; ok && c.Email != "" {
				pr.add(Problem{Line: r.line, Field: "email", Value: c.Email, Reason: fmt.Sprintf(
					"looks like existing customer #%d %q (same email); use --upsert-by email to update, or --allow-duplicates", id, byID[id].Name)})
				continue
			}
		}
	}
	for _, r := range rows {
		if r.referrer == 0 {
			continue
		}
		if r.referrer == r.c.ID {
			pr.add(Problem{Line: r.line, Field: "referred_by", Reason: "a customer cannot refer themselves"})
		} else if _, ok := byID[r.referrer]; !ok && !inFile[r.referrer] {
			pr.add(Problem{Line: r.line, Field: "referred_by", Value: strconv.FormatInt(r.referrer, 10),
				Reason: "no customer with that id in the notebook or the file"})
		}
	}
	if len(pr.list) > 0 {
		return fail()
	}
	for _, r := range rows {
		if r.update {
			rep.Updated++
		} else {
			rep.Inserted++
		}
	}
	if o.DryRun {
		return rep, nil
	}
	err = st.Bulk(ctx, func(b *store.Bulk) error {
		ids := make([]int64, len(rows))
		for i := range rows {
			r := &rows[i]
			c := r.c
			c.ReferredBy = nil
			if r.update {
				if err := b.ReplaceCustomer(&c); err != nil {
					return fmt.Errorf("line %d: %w", r.line, err)
				}
				ids[i] = c.ID
				continue
			}
			id, err := b.AddCustomer(&c)
			if err != nil {
				return fmt.Errorf("line %d: %w", r.line, err)
			}
			ids[i] = id
		}
		// Referrals last, when every customer of the file exists.
		for i, r := range rows {
			if r.referrer != 0 || r.update {
				var ref *int64
				if r.referrer != 0 {
					v := r.referrer
					ref = &v
				}
				if err := b.SetReferredBy(ids[i], ref); err != nil {
					return fmt.Errorf("line %d: %w", r.line, err)
				}
			}
		}
		return nil
	})
	if err != nil {
		rep.Inserted, rep.Updated = 0, 0
	}
	return rep, err
}
