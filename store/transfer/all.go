package transfer

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/settings"
	"github.com/rolo-crm/rolo/store"
)

// A whole notebook in one JSON document (rolo export all, rolo import
// all):
//
//	{"format": "rolo-notebook", "version": 2, "currency": "CNY",
//	 "exported_at": "2026-11-22T09:30:00Z", "settings": {"plan.capacity": "8"},
//	 "customers": [...], "purchases": [...], "contacts": [...],
//	 "followups": [...], "surveys": [...], "payments": [...], "events": [...],
//	 "statuses": [...], "agenda_actions": [...]}
//
// one array per kind of notebookKinds, each row as rolo export KIND
// --format json writes it, ids included so that references hold. It is
// restored all or nothing, with its ids into an empty notebook, or with
// new ids (ImportOptions.NewIDs) into one that holds customers already,
// the references between its rows renumbered alike. (Tier history is not
// carried: rolo pyramid records it again.) Version 2 added the settings
// the notebook stores; version 1 files are read as before.

// NotebookFormat and NotebookVersion mark a whole-notebook file.
const (
	NotebookFormat  = "rolo-notebook"
	NotebookVersion = 2
)

// ExportAll writes the whole notebook as one JSON document and returns how
// many rows it holds.
func ExportAll(ctx context.Context, st *store.Store, w io.Writer, now time.Time) (int, error) {
	bw := bufio.NewWriterSize(w, 64*1024)
	fmt.Fprintf(bw, `{"format":%q,"version":%d,"currency":%q,"exported_at":%q`,
		NotebookFormat, NotebookVersion, st.Currency().Code, now.UTC().Format(time.RFC3339))
	set, err := st.StoredSettings(ctx)
	if err != nil {
		return 0, err
	}
	delete(set, "currency")      // said above
	js, err := json.Marshal(set) // keys sorted
	if err != nil {
		return 0, err
	}
	fmt.Fprintf(bw, ",\n\"settings\":%s", js)
	total := 0
	for _, k := range notebookKinds {
		fmt.Fprintf(bw, ",\n%q:", k.name)
		n, err := k.export(ctx, st, bw, ExportOptions{Format: "json", Currency: st.Currency()})
		total += n
		if err != nil {
			return total, err
		}
	}
	bw.WriteString("}\n")
	return total, bw.Flush()
}

// restoring is one whole-notebook restore under way: rows are checked
// and written one at a time inside one transaction, which is rolled back
// if any row has a problem, so a large notebook is never held in memory.
type restoring struct {
	pr        *problems
	b         *store.Bulk // nil in a dry run: check only
	cur       money.Currency
	customers map[int64]bool // the customer ids of the file
	counts    map[string]int
	restored  []int64 // the ids the file's customers were written with

	// With new ids (ImportOptions.NewIDs): the id each row of the file
	// was written with, for the kinds other rows refer to, and what finds
	// the file's customers the notebook holds already.
	newIDs   bool
	newCust  map[int64]int64
	newRows  map[string]*idMap
	held     func(c *store.Customer) *Problem // a customer of the file the notebook holds already, or nil
	heldHits int                              // customers of the file it found
}

// idMap maps the ids of one kind's rows in the file, which go up from
// row to row, to the ids they were written with: two sorted columns, 16
// bytes a row.
type idMap struct{ from, to []int64 }

func (m *idMap) add(from, to int64) { m.from, m.to = append(m.from, from), append(m.to, to) }

func (m *idMap) get(from int64) (int64, bool) {
	if m == nil {
		return 0, false
	}
	i, ok := slices.BinarySearch(m.from, from)
	if !ok {
		return 0, false
	}
	return m.to[i], true
}

// customerID is the id the file's customer id was written with.
func (r *restoring) customerID(id int64) int64 {
	if to, ok := r.newCust[id]; ok {
		return to
	}
	return id
}

// rowID is the id the file's row of table (one other rows refer to) was
// written with; ok is false when the file has no such row.
func (r *restoring) rowID(table string, id int64) (int64, bool) {
	if !r.newIDs {
		return id, true
	}
	return r.newRows[table].get(id)
}

// referredTables are the tables whose rows other rows of a notebook file
// name by id: payments name purchases; agenda actions name follow-ups,
// complaints (contacts), purchases and events.
var referredTables = []string{"purchases", "contacts", "followups", "events"}

// write reports whether rows are to be written: not in a dry run, and not
// once a row had a problem (the transaction will be rolled back).
func (r *restoring) write() bool { return r.b != nil && len(r.pr.list) == 0 }

// restoreSink takes the rows of one kind, then is told the kind ended.
type restoreSink struct {
	row    func(header []string, rr rawRecord) error // an error other than a problem stops the restore
	finish func() error
}

// errRolledBack rolls back a restore whose file has problems.
var errRolledBack = errors.New("the file has problems")

// ImportAll restores a whole notebook written by ExportAll into an empty
// notebook, in one transaction: any problem in the file means nothing is
// written.
func ImportAll(ctx context.Context, st *store.Store, r io.Reader, o ImportOptions) (Report, error) {
	rep := Report{Kind: "all", DryRun: o.DryRun, Counts: map[string]int{}}
	if o.Name == "" {
		o.Name = "input"
	}
	if o.MaxErrors <= 0 {
		o.MaxErrors = 20
	}
	var dec *json.Decoder
	if o.Stream {
		dec = json.NewDecoder(r)
	} else {
		data, err := io.ReadAll(r)
		if err != nil {
			return rep, err
		}
		if e := jsonTextError(data, 1); e != nil {
			return rep, readError(o.Name, e)
		}
		dec = json.NewDecoder(bytes.NewReader(data))
	}
	bad := func(err error) error { return store.Errorf(store.KindInvalid, "%s: %v", o.Name, err) }
	dec.UseNumber()
	head, next, err := readNotebookHead(dec)
	if err != nil {
		return rep, bad(err)
	}
	cur, err := money.Lookup(head.Currency)
	if err != nil {
		return rep, bad(err)
	}
	keys := make([]string, 0, len(head.Settings))
	for k, v := range head.Settings {
		if k == "currency" {
			return rep, bad(fmt.Errorf(`settings: the currency goes in "currency", not among the settings`))
		}
		if err := settings.Check(k, v); err != nil {
			return rep, bad(fmt.Errorf("settings: %v", err))
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	held, err := st.CustomerKeys(ctx)
	if err != nil {
		return rep, err
	}
	if len(held) > 0 && !o.NewIDs {
		return rep, store.Errorf(store.KindConflict, "rolo import all restores a whole notebook with its ids into an empty one, and %s holds %d customer(s); "+
			"add --new-ids to add it to them with new ids, or make a new notebook (rolo --db NEW.db init) and import into it", st.Path(), len(held))
	}
	// A notebook joining one that is in use (it holds customers, or it is
	// a team's, where a rep sees only part of it) keeps that one's
	// currency and settings.
	joining := o.NewIDs && (len(held) > 0 || st.SeesPart(ctx))
	old := st.Currency()
	if joining && cur != old {
		return rep, store.Errorf(store.KindInvalid, "%s keeps its amounts in %s and %s in %s; rolo does not convert money, so nothing was written",
			o.Name, cur.Code, st.Path(), old.Code)
	}
	pr := &problems{max: o.MaxErrors}
	rs := &restoring{pr: pr, cur: cur, customers: map[int64]bool{}, counts: rep.Counts, newIDs: o.NewIDs}
	if o.NewIDs {
		rs.newCust, rs.newRows = map[int64]int64{}, map[string]*idMap{}
		for _, t := range referredTables {
			rs.newRows[t] = &idMap{}
		}
		rs.held = heldCustomers(held, o.AllowDuplicates)
	}
	if joining {
		rep.Warnings = settingsKept(ctx, st, head.Settings, keys)
		keys = nil
	}
	restore := func(b *store.Bulk) error {
		rs.b = b
		var before store.Census
		if b != nil {
			for _, k := range keys {
				if err := b.SetSetting(k, head.Settings[k]); err != nil {
					return err
				}
			}
			if o.Verify != nil && len(held) > 0 {
				var err error
				if before, err = b.Census(); err != nil {
					return err
				}
			}
		}
		if err := restoreSections(dec, next, rs); err != nil {
			return err
		}
		if len(pr.list) > 0 {
			return errRolledBack
		}
		if b != nil && o.Verify != nil {
			return o.Verify(b, before)
		}
		return nil
	}
	switch {
	case o.DryRun:
		err = restore(nil)
	default:
		if cur != old {
			// The notebook is empty, so its currency may change; back again if the restore fails.
			if err := st.SetSetting(ctx, "currency", cur.Code); err != nil {
				return rep, err
			}
		}
		err = st.Bulk(ctx, restore)
		if err != nil && cur != old {
			st.SetSetting(ctx, "currency", old.Code)
		}
	}
	for _, n := range rep.Counts {
		rep.Rows += n
	}
	switch {
	case errors.Is(err, errRolledBack):
		ie := &ImportError{File: o.Name, Unit: "record", Problems: pr.list, More: pr.more, Total: pr.total}
		if rs.heldHits > 0 && rs.heldHits == len(rs.customers) {
			// Not a file to fix: the same notebook again.
			ie.Hint = fmt.Sprintf("Every customer read from %s is in %s already: it was most likely added before, and nothing was written "+
				"(--allow-duplicates would add its customers who share only a phone or an email a second time).", o.Name, st.Path())
		}
		return rep, ie
	case err != nil:
		var se *syntaxInFile
		if errors.As(err, &se) {
			return rep, bad(se)
		}
		return rep, err
	}
	rep.Inserted = rep.Rows
	return rep, nil
}

// syntaxInFile is a notebook file that is not the JSON it should be.
type syntaxInFile struct{ err error }

func (e *syntaxInFile) Error() string { return e.err.Error() }

// notebookHead is what a whole-notebook file says about itself.
type notebookHead struct {
	Format, Currency string
	Version          json.Number
	Settings         map[string]string
}

// check says whether this rolo reads the file.
func (h notebookHead) check() error {
	if h.Format != NotebookFormat {
		return fmt.Errorf("not a rolo notebook file: its "+`"format"`+" is %q, not %q (rolo export all writes one)", h.Format, NotebookFormat)
	}
	v, err := h.Version.Int64()
	if err != nil || v < 1 {
		return fmt.Errorf("version %q is not a version number", h.Version)
	}
	if v > NotebookVersion {
		return fmt.Errorf("written by a newer rolo (version %d); this rolo reads version %d: update rolo", v, NotebookVersion)
	}
	return nil
}

// readNotebookHead reads the file's head, which comes before the rows,
// and returns the first section's name ("" when there is none).
func readNotebookHead(dec *json.Decoder) (notebookHead, string, error) {
	var head notebookHead
	notOurs := errors.New("not a rolo notebook file (rolo export all writes one)")
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return head, "", notOurs
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return head, "", fmt.Errorf("%w: %v", notOurs, err)
		}
		key, _ := t.(string)
		var dst any
		switch key {
		case "format":
			dst = &head.Format
		case "version":
			dst = &head.Version
		case "currency":
			dst = &head.Currency
		case "exported_at":
			dst = new(any)
		case "settings":
			dst = &head.Settings
		default:
			return head, key, head.check()
		}
		if err := dec.Decode(dst); err != nil {
			return head, "", fmt.Errorf("%s: %v", key, err)
		}
	}
	return head, "", head.check()
}

// restoreSections reads the sections from the one named first on, in
// notebookKinds' order, each a row at a time.
func restoreSections(dec *json.Decoder, first string, r *restoring) error {
	at := 0 // the next kind a section may be
	for key := first; key != ""; {
		k := -1
		for i := range notebookKinds {
			if notebookKinds[i].name == key {
				k = i
			}
		}
		switch {
		case k < 0:
			return &syntaxInFile{fmt.Errorf("unknown section %q; this rolo knows %s", key, strings.Join(kindNames(false), ", "))}
		case k < at:
			return &syntaxInFile{fmt.Errorf("section %q comes too late: the sections go in the order %s", key, strings.Join(kindNames(false), ", "))}
		}
		at = k + 1
		kind := notebookKinds[k]
		r.pr.kind = kind.name
		if err := restoreSection(dec, kind, r); err != nil {
			return err
		}
		if r.pr.full() {
			return nil // the section was not read to its end: the problems are reported
		}
		if !dec.More() {
			break
		}
		t, err := dec.Token()
		if err != nil {
			return &syntaxInFile{err}
		}
		key, _ = t.(string)
		if key == "" {
			return &syntaxInFile{fmt.Errorf("expected a section name, got %v", t)}
		}
	}
	return nil
}

// restoreSection streams one section's array through its kind's sink.
func restoreSection(dec *json.Decoder, kind notebookKind, r *restoring) error {
	sink := kind.restore(r)
	t, err := dec.Token()
	if err != nil {
		return &syntaxInFile{fmt.Errorf("%s: %v", kind.name, err)}
	}
	if t != nil { // null: no rows
		if t != json.Delim('[') {
			return &syntaxInFile{fmt.Errorf("%s: expected an array of objects", kind.name)}
		}
		for n := 1; dec.More(); n++ {
			var obj map[string]any
			if err := dec.Decode(&obj); err != nil {
				return &syntaxInFile{fmt.Errorf("%s record %d: expected an object: %v", kind.name, n, err)}
			}
			one := newObjectSource("record")
			if err := one.add(n, obj); err != nil {
				return &syntaxInFile{fmt.Errorf("%s record %d: %v", kind.name, n, err)}
			}
			r.counts[kind.name]++
			if err := sink.row(one.src.shown, one.src.recs[0]); err != nil {
				return err
			}
			if r.pr.full() {
				return nil
			}
		}
		if _, err := dec.Token(); err != nil {
			return &syntaxInFile{fmt.Errorf("%s: %v", kind.name, err)}
		}
	}
	return sink.finish()
}

// rowPlans resolves each distinct header once (rolo writes the same keys
// in every row).
type rowPlans[T any] struct {
	cols  []col[T]
	plans map[string][]planned[T]
}

func (p *rowPlans[T]) plan(header []string) ([]planned[T], error) {
	key := strings.Join(header, "\x00")
	if pl, ok := p.plans[key]; ok {
		return pl, nil
	}
	h, err := resolveHeader(p.cols, header, nil)
	if err != nil {
		return nil, err
	}
	if p.plans == nil {
		p.plans = map[string][]planned[T]{}
	}
	p.plans[key] = planColumns(p.cols, h)
	return p.plans[key], nil
}

// rowID reads the id column of a record: every row of a notebook file
// has one.
func rowID(header []string, rr rawRecord) (int64, *Problem) {
	for i, h := range header {
		if h == "id" {
			n, err := strconv.ParseInt(strings.TrimSpace(rr.values[i]), 10, 64)
			if err != nil || n <= 0 {
				return 0, &Problem{Line: rr.line, Field: "id", Value: rr.values[i], Reason: "expected the row's id, a positive whole number"}
			}
			return n, nil
		}
	}
	return 0, &Problem{Line: rr.line, Field: "id", Reason: "no id: a notebook file keeps every row's id"}
}

// restoreCustomers checks and writes the customers of a notebook file —
// ids kept, external ids unique — and, when they have all been read,
// their referrals, which must name customers of the file.
func restoreCustomers(r *restoring) restoreSink {
	plans := rowPlans[store.Customer]{cols: customerCols}
	ext := map[string]int{}
	type referral struct {
		line     int
		id, from int64
	}
	var refs []referral
	return restoreSink{
		row: func(header []string, rr rawRecord) error {
			plan, err := plans.plan(header)
			if err != nil {
				r.pr.add(Problem{Line: rr.line, Reason: err.Error()})
				return nil
			}
			src := &source{shown: header, cur: r.cur, unit: "record"}
			c, ok := parseRow(src, plan, r.pr, func(c *store.Customer, _ rawRecord) error {
				// A notebook's own customer: its phone and email as it held them.
				if err := c.ValidateEdit(c); err != nil {
					return errors.New(cleanErr(err))
				}
				return nil
			}, rr)
			if !ok {
				return nil
			}
			switch {
			case c.ID == 0:
				r.pr.add(Problem{Line: rr.line, Field: "id", Reason: "no id: a notebook file keeps every customer's id"})
				return nil
			case r.customers[c.ID]:
				r.pr.add(Problem{Line: rr.line, Field: "id", Value: strconv.FormatInt(c.ID, 10), Reason: "a second customer with this id"})
				return nil
			}
			r.customers[c.ID] = true
			if r.held != nil {
				if p := r.held(&c); p != nil {
					p.Line = rr.line
					r.pr.add(*p)
					r.heldHits++
					return nil
				}
			}
			if c.ExternalID != "" {
				if line, dup := ext[c.ExternalID]; dup {
					r.pr.add(Problem{Line: rr.line, Field: "external_id", Value: c.ExternalID, Reason: fmt.Sprintf("same external id as record %d", line)})
					return nil
				}
				ext[c.ExternalID] = rr.line
			}
			for j, h := range header {
				if v := strings.TrimSpace(rr.values[j]); h == "referred_by" && v != "" {
					n, err := strconv.ParseInt(v, 10, 64)
					if err != nil || n <= 0 {
						r.pr.add(Problem{Line: rr.line, Field: "referred_by", Value: v, Reason: "expected the id of the referring customer"})
						return nil
					}
					refs = append(refs, referral{rr.line, c.ID, n})
				}
			}
			fileID := c.ID
			if r.write() {
				c.ReferredBy = nil
				if r.newIDs {
					c.ID = 0
				}
				id, err := r.b.AddCustomer(&c)
				if err != nil {
					return fmt.Errorf("customer %d: %w", fileID, err)
				}
				r.restored = append(r.restored, id)
				if r.newIDs {
					r.newCust[fileID] = id
				}
			}
			return nil
		},
		finish: func() error {
			for _, ref := range refs {
				if !r.customers[ref.from] {
					r.pr.add(Problem{Line: ref.line, Field: "referred_by", Value: strconv.FormatInt(ref.from, 10), Reason: "no customer with that id in the file"})
				}
			}
			for _, ref := range refs {
				if r.write() {
					from := r.customerID(ref.from)
					if err := r.b.SetReferredBy(r.customerID(ref.id), &from); err != nil {
						return fmt.Errorf("customer %d: %w", ref.id, err)
					}
				}
			}
			return nil
		},
	}
}

// restoreRows checks and writes the rows of a kind that belongs to
// customers, with their ids; check validates a row and says its customer.
// Rows come in id order, as rolo export all writes them, so an id a row
// keeps is never taken.
func restoreRows[T any](r *restoring, kind string, cols []col[T],
	check func(*T) error, add func(*store.Bulk, *T) (int64, error)) restoreSink {
	plans := rowPlans[T]{cols: cols}
	var last int64
	post := func(x *T, _ rawRecord) error {
		if err := check(x); err != nil {
			return errors.New(cleanErr(err))
		}
		return nil
	}
	return restoreSink{
		row: func(header []string, rr rawRecord) error {
			plan, err := plans.plan(header)
			if err != nil {
				r.pr.add(Problem{Line: rr.line, Reason: err.Error()})
				return nil
			}
			id, p := rowID(header, rr)
			if p != nil {
				r.pr.add(*p)
				return nil
			}
			if id <= last {
				r.pr.add(Problem{Line: rr.line, Field: "id", Value: strconv.FormatInt(id, 10),
					Reason: fmt.Sprintf("ids go up from row to row, and this one follows %d", last)})
				return nil
			}
			last = id
			src := &source{shown: header, cur: r.cur, unit: "record"}
			row, ok := parseRow(src, plan, r.pr, post, rr)
			ids := r.newRows[kind] // nil unless with new ids, and rows refer to this kind's
			if !ok || !r.write() {
				if ids != nil {
					ids.add(id, 0) // in the file: a row that names it is not what is wrong
				}
				return nil
			}
			got, err := add(r.b, &row)
			switch {
			case err != nil:
			case r.newIDs:
				if ids != nil {
					ids.add(id, got)
				}
			default:
				err = r.b.KeepID(kind, got, id)
			}
			if err != nil {
				return fmt.Errorf("%s %d: %w", kind, id, err)
			}
			return nil
		},
		finish: func() error { return nil },
	}
}

// heldCustomers finds the customers of a file that the notebook holds
// already, when the file joins it with new ids: the same external id (one
// customer's, always), or, for a current customer, the same phone or
// email (two people may share one: allowDuplicates copies both). Copying
// a notebook twice is the mistake this catches.
func heldCustomers(held []store.CustomerKey, allowDuplicates bool) func(c *store.Customer) *Problem {
	byExt := map[string]store.CustomerKey{}
	byPhone := map[string]store.CustomerKey{}
	byEmail := map[string]store.CustomerKey{}
	for _, k := range held {
		if k.ExternalID != "" {
			byExt[k.ExternalID] = k
		}
		if k.Archived {
			continue
		}
		if p := store.PhoneKey(k.Phone); p != "" {
			byPhone[p] = k
		}
		if e := strings.ToLower(strings.TrimSpace(k.Email)); e != "" {
			byEmail[e] = k
		}
	}
	return func(c *store.Customer) *Problem {
		if k, ok := byExt[c.ExternalID]; ok && c.ExternalID != "" {
			return &Problem{Field: "external_id", Value: c.ExternalID,
				Reason: fmt.Sprintf("already used by customer #%d %q here; was this notebook added before?", k.ID, k.Name)}
		}
		if allowDuplicates || c.ArchivedAt != nil {
			return nil
		}
		if k, ok := byPhone[store.PhoneKey(c.Phone)]; ok && store.PhoneKey(c.Phone) != "" {
			return &Problem{Field: "phone", Value: c.Phone, Reason: fmt.Sprintf(
				"looks like customer #%d %q here (same phone); was this notebook added before? --allow-duplicates adds both", k.ID, k.Name)}
		}
		if k, ok := byEmail[strings.ToLower(strings.TrimSpace(c.Email))]; ok && c.Email != "" {
			return &Problem{Field: "email", Value: c.Email, Reason: fmt.Sprintf(
				"looks like customer #%d %q here (same email); was this notebook added before? --allow-duplicates adds both", k.ID, k.Name)}
		}
		return nil
	}
}

// settingsKept says which of a joining file's settings differ from the
// notebook's, which keeps its own.
func settingsKept(ctx context.Context, st *store.Store, file map[string]string, keys []string) []string {
	have, err := st.StoredSettings(ctx)
	if err != nil {
		have = map[string]string{}
	}
	var differ []string
	for _, k := range keys {
		if have[k] != file[k] {
			differ = append(differ, fmt.Sprintf("%s=%s", k, file[k]))
		}
	}
	if len(differ) == 0 {
		return nil
	}
	return []string{fmt.Sprintf("the file's settings %s were not taken: the notebook it joined keeps its own (rolo config changes them; on a team's notebook, a manager does)",
		strings.Join(differ, ", "))}
}
