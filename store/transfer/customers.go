package transfer

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/rolo-crm/rolo/store"
)

type custRow struct {
	c        store.Customer
	line     int
	referrer int64 // 0: none
	update   bool  // replaces an existing customer
}

// importCustomers reads, checks and writes customers in one pass, as the
// history kinds do: a goroutine reads and checks each row against what
// the notebook holds and the rows before it while this one writes them,
// in one transaction rolled back on any problem. Only the keys that find
// duplicates and the referrals (set once every customer of the file
// exists) are kept, not the rows: a large file needs little memory.
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
	keys, err := st.CustomerKeys(ctx)
	if err != nil {
		return rep, err
	}
	names := make(map[int64]string, len(keys))
	byExt := map[string]int64{}
	byPhone := map[string]int64{}
	byEmail := map[string]int64{}
	heldBy := map[string]int64{} // who holds each phone and email as written ("p\x00..." and "e\x00...")
	for _, k := range keys {
		names[k.ID] = k.Name
		heldBy["p\x00"+k.Phone], heldBy["e\x00"+k.Email] = k.ID, k.ID
		if k.ExternalID != "" {
			byExt[k.ExternalID] = k.ID
		}
		if k.Archived {
			continue // an archived customer is not a duplicate of a current one
		}
		if p := store.PhoneKey(k.Phone); p != "" {
			byPhone[p] = k.ID
		}
		if e := strings.ToLower(strings.TrimSpace(k.Email)); e != "" {
			byEmail[e] = k.ID
		}
	}
	keys = nil
	index := map[string]map[string]int64{"external_id": byExt, "phone": byPhone, "email": byEmail}
	key := func(c *store.Customer) string {
		switch o.UpsertBy {
		case "external_id":
			return c.ExternalID
		case "phone":
			return store.PhoneKey(c.Phone)
		case "email":
			return strings.ToLower(strings.TrimSpace(c.Email))
		}
		return ""
	}
	plan := planColumns(customerCols, header)
	post := func(c *store.Customer, rr rawRecord) error {
		// A row for a customer who holds this phone or email as written
		// (one an older rolo took unchecked) brings it back as it is: an
		// export imported again into its notebook, by id or --upsert-by.
		holds := func(field, v string) bool {
			id := heldBy[field+"\x00"+v]
			return id != 0 && (c.ID == id || key(c) != "" && index[o.UpsertBy][key(c)] == id)
		}
		was := &store.Customer{Phone: "\x00", Email: "\x00"}
		if holds("p", c.Phone) {
			was.Phone = c.Phone
		}
		if holds("e", c.Email) {
			was.Email = c.Email
		}
		if err := c.ValidateEdit(was); err != nil {
			msg := errors.New(cleanErr(err))
			for _, f := range []string{"phone", "email"} {
				if strings.HasPrefix(err.Error(), f+" ") {
					return fieldError{f, msg}
				}
			}
			if strings.Contains(err.Error(), "birthday") {
				return fieldError{"birthday", msg}
			}
			return msg
		}
		return nil
	}
	seen := map[string]int{} // key → line, to find duplicates inside the file
	inFile := map[int64]bool{}
	type referral struct {
		line     int
		referrer int64
		self     bool
	}
	var referrals []referral
	// Every problem of the file at once (up to the most listed), in the
	// order of its lines: the rows that do not read (field values,
	// referrers that are not ids) and the rows that read but clash with
	// the notebook or an earlier row; the referrals once every row reads
	// (a referrer on a row that does not read is in the file all the
	// same). Clashes were reported only once every row read: a file with
	// a bad phone and a duplicate took two rounds of fixing.
	var badRef, clash []Problem
	problems := func() bool { return len(pr.list) > 0 || len(badRef) > 0 || len(clash) > 0 }
	// check parses one record and matches it against the notebook and the
	// rows before it; ok is false when it has a problem.
	check := func(rr rawRecord) (r custRow, ok bool) {
		c, ok := parseRow(src, plan, pr, post, rr)
		r = custRow{c: c, line: rr.line}
		if refIdx >= 0 {
			if v := strings.TrimSpace(rr.values[refIdx]); v != "" {
				n, err := strconv.ParseInt(v, 10, 64)
				if err != nil || n <= 0 {
					badRef = append(badRef, Problem{Line: r.line, Col: rr.cols[refIdx], Field: "referred_by", Value: v, Reason: "expected the id of the referring customer"})
					ok = false
				}
				r.referrer = n
			}
		}
		if !ok {
			return r, false // a row that does not read clashes with nothing
		}
		rc := &r.c
		defer func() {
			if r.referrer != 0 {
				referrals = append(referrals, referral{r.line, r.referrer, r.referrer == rc.ID})
			}
		}()
		problem := func(p Problem) { clash = append(clash, p); ok = false }
		dup := func(what, v string) {
			if v == "" {
				return
			}
			k := what + "\x00" + v
			if line, ok := seen[k]; ok {
				reason := fmt.Sprintf("same %s as %s %d", what, src.unit, line)
				if what != "external_id" { // two people may share a phone or an email; an id is one customer's
					reason += "; --allow-duplicates imports both"
				}
				problem(Problem{Line: r.line, Field: what, Value: v, Reason: reason})
			} else {
				seen[k] = r.line
			}
		}
		dup("external_id", rc.ExternalID)
		// An archived customer and a current one may share a phone or an
		// email: that is how a notebook keeps someone who came back.
		if !o.AllowDuplicates && rc.ArchivedAt == nil {
			dup("phone", store.PhoneKey(rc.Phone))
			dup("email", strings.ToLower(strings.TrimSpace(rc.Email)))
		}
		if rc.ID != 0 {
			dup("id", strconv.FormatInt(rc.ID, 10))
		}
		if k := key(rc); k != "" {
			if id, found := index[o.UpsertBy][k]; found {
				if rc.ID != 0 && rc.ID != id {
					problem(Problem{Line: r.line, Field: "id", Value: strconv.FormatInt(rc.ID, 10),
						Reason: fmt.Sprintf("the %s matches customer #%d, but the id column says %d", o.UpsertBy, id, rc.ID)})
					return r, false
				}
				rc.ID, r.update = id, true
				inFile[id] = true
				return r, ok
			}
		}
		if rc.ID != 0 {
			if name, found := names[rc.ID]; found {
				problem(Problem{Line: r.line, Field: "id", Value: strconv.FormatInt(rc.ID, 10),
					Reason: fmt.Sprintf("id %d is already customer %q; remove the id column to add new customers, or use --upsert-by", rc.ID, name)})
				return r, false
			}
			inFile[rc.ID] = true
		}
		if id, found := byExt[rc.ExternalID]; found && rc.ExternalID != "" {
			problem(Problem{Line: r.line, Field: "external_id", Value: rc.ExternalID,
				Reason: fmt.Sprintf("already used by customer #%d %q; use --upsert-by external_id to update it", id, names[id])})
			return r, false
		}
		if !o.AllowDuplicates && rc.ArchivedAt == nil {
			if id, found := byPhone[store.PhoneKey(rc.Phone)]; found && store.PhoneKey(rc.Phone) != "" {
				problem(Problem{Line: r.line, Field: "phone", Value: rc.Phone, Reason: fmt.Sprintf(
					"looks like existing customer #%d %q (same phone); use --upsert-by phone to update, or --allow-duplicates", id, names[id])})
				return r, false
			}
			if id, found := byEmail[strings.ToLower(strings.TrimSpace(rc.Email))]; found && rc.Email != "" {
				problem(Problem{Line: r.line, Field: "email", Value: rc.Email, Reason: fmt.Sprintf(
					"looks like existing customer #%d %q (same email); use --upsert-by email to update, or --allow-duplicates", id, names[id])})
				return r, false
			}
		}
		if r.referrer != 0 && r.referrer == rc.ID {
			ok = false // a customer cannot refer themselves (reported with the referrals)
		}
		return r, ok
	}
	// finish puts the problems found in order once every row is read.
	finish := func() {
		unread := len(pr.list) > 0 || len(badRef) > 0
		all := append(append(slices.Clone(pr.list), badRef...), clash...)
		if !unread {
			for _, ref := range referrals {
				switch _, known := names[ref.referrer]; {
				case ref.self:
					all = append(all, Problem{Line: ref.line, Field: "referred_by", Reason: "a customer cannot refer themselves"})
				case !known && !inFile[ref.referrer]:
					all = append(all, Problem{Line: ref.line, Field: "referred_by", Value: strconv.FormatInt(ref.referrer, 10),
						Reason: "no customer with that id in the notebook or the file"})
				}
			}
		}
		// The earliest lines listed, of every kind: sorted before the
		// list is cut, not after (a clash on line 2 gave way to a bad
		// birthday on line 41). Problems counted but not listed while
		// reading stay counted.
		slices.SortStableFunc(all, func(a, b Problem) int { return cmp.Compare(a.Line, b.Line) })
		pr.total -= len(pr.list)
		pr.list = nil
		for _, p := range all {
			pr.add(p)
		}
	}
	count := func(r *custRow) {
		if r.update {
			rep.Updated++
		} else {
			rep.Inserted++
		}
	}
	syntax := func(err error) error {
		var se *csvSyntaxError
		if errors.As(err, &se) {
			return &ImportError{File: o.Name, Unit: "line", Problems: append(pr.list, Problem{Line: se.Line, Col: se.Col, Reason: se.Msg})}
		}
		return store.Errorf(store.KindInvalid, "%s: %v", o.Name, err)
	}
	if o.DryRun {
		n, err := src.each(func(rr rawRecord) error {
			if r, ok := check(rr); ok {
				count(&r)
			}
			if pr.full() {
				return errStop
			}
			return nil
		})
		rep.Rows = n
		if err != nil {
			return rep, syntax(err)
		}
		finish()
		if len(pr.list) > 0 {
			rep.Inserted, rep.Updated = 0, 0
			return fail()
		}
		return rep, nil
	}
	// Reading and checking on one goroutine, writing on this one, batch by
	// batch; the first problem stops the writing but not the checking, so
	// every problem is reported; then nothing is written.
	const batchSize = 512
	var n int
	var readErr error
	type link struct {
		id, referrer int64
		line         int
		update       bool
	}
	var links []link
	err = st.Bulk(ctx, func(b *store.Bulk) error {
		batches := make(chan []custRow, 8)
		var stop atomic.Bool
		go func() {
			defer close(batches)
			batch := make([]custRow, 0, batchSize)
			n, readErr = src.each(func(rr rawRecord) error {
				if stop.Load() {
					return errStop
				}
				r, ok := check(rr)
				switch {
				case pr.full():
					return errStop
				case !ok || problems():
					return nil
				}
				if batch = append(batch, r); len(batch) == batchSize {
					batches <- batch
					batch = make([]custRow, 0, batchSize)
				}
				return nil
			})
			if readErr == nil {
				finish()
			}
			batches <- batch
		}()
		var werr error
		for batch := range batches {
			for i := 0; werr == nil && i < len(batch); i++ {
				r := &batch[i]
				c := r.c
				c.ReferredBy = nil
				var id int64
				if r.update {
					werr = b.ReplaceCustomer(&c)
					id = c.ID
				} else {
					id, werr = b.AddCustomer(&c)
				}
				if werr != nil {
					werr = fmt.Errorf("line %d: %w", r.line, werr)
					stop.Store(true)
					break
				}
				count(r)
				if r.referrer != 0 || r.update {
					links = append(links, link{id, r.referrer, r.line, r.update})
				}
			}
		}
		switch {
		case werr != nil:
			return werr
		case readErr != nil:
			return syntax(readErr)
		case len(pr.list) > 0:
			return errProblems
		}
		// Referrals last, when every customer of the file exists.
		for _, l := range links {
			var ref *int64
			if l.referrer != 0 {
				v := l.referrer
				ref = &v
			}
			if err := b.SetReferredBy(l.id, ref); err != nil {
				return fmt.Errorf("line %d: %w", l.line, err)
			}
		}
		return nil
	})
	rep.Rows = n
	if err != nil {
		rep.Inserted, rep.Updated = 0, 0
	}
	if errors.Is(err, errProblems) {
		return fail()
	}
	return rep, err
}
