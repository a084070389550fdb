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
// restored only into an empty notebook, all or nothing. (Tier history is
// not carried: rolo pyramid records it again.) Version 2 added the
// settings the notebook stores; version 1 files are read as before.

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
}

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
	if len(held) > 0 {
		return rep, store.Errorf(store.KindConflict, "rolo import all restores a whole notebook into an empty one, and %s holds %d customer(s); "+
			"make a new notebook (rolo --db NEW.db init) and import into it", st.Path(), len(held))
	}
	pr := &problems{max: o.MaxErrors}
	rs := &restoring{pr: pr, cur: cur, customers: map[int64]bool{}, counts: rep.Counts}
	restore := func(b *store.Bulk) error {
		rs.b = b
		if b != nil {
			for _, k := range keys {
				if err := b.SetSetting(k, head.Settings[k]); err != nil {
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
			return o.Verify(b)
		}
		return nil
	}
	old := st.Currency()
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
		return rep, &ImportError{File: o.Name, Unit: "record", Problems: pr.list, More: pr.more, Total: pr.total}
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
			if r.write() {
				c.ReferredBy = nil
				if _, err := r.b.AddCustomer(&c); err != nil {
					return fmt.Errorf("customer %d: %w", c.ID, err)
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
					from := ref.from
					if err := r.b.SetReferredBy(ref.id, &from); err != nil {
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
			if ok && r.write() {
				got, err := add(r.b, &row)
				if err == nil {
					err = r.b.KeepID(kind, got, id)
				}
				if err != nil {
					return fmt.Errorf("%s %d: %w", kind, id, err)
				}
			}
			return nil
		},
		finish: func() error { return nil },
	}
}
