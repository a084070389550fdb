package transfer

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/store"
)

// A whole notebook in one JSON document (rolo export all, rolo import
// all):
//
//	{"format": "rolo-notebook", "version": 1, "currency": "CNY",
//	 "exported_at": "2026-11-22T09:30:00Z",
//	 "customers": [...], "purchases": [...], "contacts": [...],
//	 "followups": [...], "surveys": [...]}
//
// one array per kind of notebookKinds, each row as rolo export KIND
// --format json writes it, ids included so that references hold. It is
// restored only into an empty notebook, all or nothing. (Tier history is
// not carried: rolo pyramid records it again.)

// NotebookFormat and NotebookVersion mark a whole-notebook file.
const (
	NotebookFormat  = "rolo-notebook"
	NotebookVersion = 1
)

// ExportAll writes the whole notebook as one JSON document and returns how
// many rows it holds.
func ExportAll(ctx context.Context, st *store.Store, w io.Writer, now time.Time) (int, error) {
	bw := bufio.NewWriterSize(w, 64*1024)
	fmt.Fprintf(bw, `{"format":%q,"version":%d,"currency":%q,"exported_at":%q`,
		NotebookFormat, NotebookVersion, st.Currency().Code, now.UTC().Format(time.RFC3339))
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

// restorer gathers the checked rows of a whole-notebook file and the
// steps that write them.
type restorer struct {
	pr        *problems
	customers map[int64]bool // the customer ids of the file
	counts    map[string]int
	steps     []func(b *store.Bulk) error
}

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
	data, err := io.ReadAll(r)
	if err != nil {
		return rep, err
	}
	if e := jsonTextError(data, 1); e != nil {
		return rep, readError(o.Name, e)
	}
	head, sections, err := readNotebookFile(data)
	if err != nil {
		return rep, store.Errorf(store.KindInvalid, "%s: %v", o.Name, err)
	}
	if err := head.check(); err != nil {
		return rep, store.Errorf(store.KindInvalid, "%s: %v", o.Name, err)
	}
	cur, err := money.Lookup(head.Currency)
	if err != nil {
		return rep, store.Errorf(store.KindInvalid, "%s: %v", o.Name, err)
	}
	keys, err := st.CustomerKeys(ctx)
	if err != nil {
		return rep, err
	}
	if len(keys) > 0 {
		return rep, store.Errorf(store.KindConflict, "rolo import all restores a whole notebook into an empty one, and %s holds %d customer(s); "+
			"make a new notebook (rolo --db NEW.db init) and import into it", st.Path(), len(keys))
	}

	pr := &problems{max: o.MaxErrors}
	rs := &restorer{pr: pr, customers: map[int64]bool{}, counts: rep.Counts}
	for _, k := range notebookKinds {
		pr.kind = k.name
		src := sections[k.name]
		if src == nil {
			src = &source{unit: "record"}
		}
		src.cur = cur
		k.restore(rs, src)
		rep.Rows += len(src.recs)
		if pr.full() {
			break
		}
	}
	if len(pr.list) > 0 {
		return rep, &ImportError{File: o.Name, Unit: "record", Problems: pr.list, More: pr.more}
	}
	rep.Inserted = rep.Rows
	if o.DryRun {
		return rep, nil
	}
	old := st.Currency()
	if cur != old {
		// The notebook is empty, so its currency may change; back again if the restore fails.
		if err := st.SetSetting(ctx, "currency", cur.Code); err != nil {
			return rep, err
		}
	}
	err = st.Bulk(ctx, func(b *store.Bulk) error {
		for _, step := range rs.steps {
			if err := step(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		if cur != old {
			st.SetSetting(ctx, "currency", old.Code)
		}
		rep.Inserted = 0
		return rep, err
	}
	return rep, nil
}

// notebookHead is what a whole-notebook file says about itself.
type notebookHead struct {
	Format, Currency string
	Version          json.Number
}

// check says whether this rolo reads the file.
func (h notebookHead) check() error {
	if h.Format != NotebookFormat {
		return fmt.Errorf("not a rolo notebook file: its \"format\" is %q, not %q (rolo export all writes one)", h.Format, NotebookFormat)
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

// readNotebookFile decodes a whole-notebook file one row at a time (a
// large notebook is never held as JSON values all at once): its head, and
// each kind's rows as records.
func readNotebookFile(data []byte) (notebookHead, map[string]*source, error) {
	var head notebookHead
	sections := map[string]*source{}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	notOurs := errors.New("not a rolo notebook file (rolo export all writes one)")
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return head, nil, notOurs
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return head, nil, fmt.Errorf("%w: %v", notOurs, err)
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
		}
		if dst != nil {
			if err := dec.Decode(dst); err != nil {
				return head, nil, fmt.Errorf("%s: %v", key, err)
			}
			continue
		}
		if err := head.check(); err != nil {
			return head, nil, err // the head comes first
		}
		if findKind(key) == nil {
			return head, nil, fmt.Errorf("unknown section %q; this rolo knows %s", key, strings.Join(kindNames(), ", "))
		}
		if t, err := dec.Token(); err != nil || t == nil {
			continue // null: no rows
		} else if t != json.Delim('[') {
			return head, nil, fmt.Errorf("%s: expected an array of objects", key)
		}
		objs := newObjectSource("record")
		for n := 1; dec.More(); n++ {
			var obj map[string]any
			if err := dec.Decode(&obj); err != nil {
				return head, nil, fmt.Errorf("%s record %d: expected an object: %v", key, n, err)
			}
			if err := objs.add(n, obj); err != nil {
				return head, nil, fmt.Errorf("%s record %d: %v", key, n, err)
			}
		}
		if _, err := dec.Token(); err != nil {
			return head, nil, fmt.Errorf("%s: %v", key, err)
		}
		sections[key] = objs.src
	}
	return head, sections, nil
}

// rowID reads the id column of a record: every row of a notebook file
// has one.
func rowID(src *source, rr rawRecord) (int64, *Problem) {
	for i, h := range src.shown {
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

// restoreCustomers checks the customers of a notebook file — ids kept,
// external ids unique, referrers among them — and adds the step that
// writes them, referrals last.
func restoreCustomers(r *restorer, src *source) {
	header, err := resolveHeader(customerCols, src.shown, nil)
	if err != nil {
		r.pr.add(Problem{Line: 1, Reason: err.Error()})
		return
	}
	rows := parse(src, customerCols, header, r.pr, func(c *store.Customer, rr rawRecord) error {
		if err := c.Validate(); err != nil {
			return errors.New(cleanErr(err))
		}
		return nil
	})
	refs := make([]int64, len(rows))
	ext := map[string]int{}
	for i := range rows {
		rr := src.recs[i]
		c := &rows[i]
		if c.ID == 0 {
			r.pr.add(Problem{Line: rr.line, Field: "id", Reason: "no id: a notebook file keeps every customer's id"})
			continue
		}
		if r.customers[c.ID] {
			r.pr.add(Problem{Line: rr.line, Field: "id", Value: strconv.FormatInt(c.ID, 10), Reason: "a second customer with this id"})
		}
		r.customers[c.ID] = true
		if c.ExternalID != "" {
			if line, dup := ext[c.ExternalID]; dup {
				r.pr.add(Problem{Line: rr.line, Field: "external_id", Value: c.ExternalID, Reason: fmt.Sprintf("same external id as record %d", line)})
			}
			ext[c.ExternalID] = rr.line
		}
		for j, h := range src.shown {
			if h == "referred_by" && strings.TrimSpace(rr.values[j]) != "" {
				n, err := strconv.ParseInt(strings.TrimSpace(rr.values[j]), 10, 64)
				if err != nil || n <= 0 {
					r.pr.add(Problem{Line: rr.line, Field: "referred_by", Value: rr.values[j], Reason: "expected the id of the referring customer"})
				}
				refs[i] = n
			}
		}
	}
	for i, ref := range refs {
		if ref != 0 && !r.customers[ref] {
			r.pr.add(Problem{Line: src.recs[i].line, Field: "referred_by", Value: strconv.FormatInt(ref, 10), Reason: "no customer with that id in the file"})
		}
	}
	r.counts["customers"] = len(rows)
	r.steps = append(r.steps, func(b *store.Bulk) error {
		for i := range rows {
			c := rows[i]
			c.ReferredBy = nil
			if _, err := b.AddCustomer(&c); err != nil {
				return fmt.Errorf("customer %d: %w", c.ID, err)
			}
		}
		for i, ref := range refs {
			if ref != 0 {
				v := ref
				if err := b.SetReferredBy(rows[i].ID, &v); err != nil {
					return fmt.Errorf("customer %d: %w", rows[i].ID, err)
				}
			}
		}
		return nil
	})
}

// restoreRows checks the rows of one kind that belongs to customers and
// adds the step that writes them with their ids, in id order. check
// validates a row and says its customer.
func restoreRows[T any](r *restorer, kind string, src *source, cols []col[T],
	check func(*T) (int64, error), add func(*store.Bulk, *T) (int64, error)) {
	header, err := resolveHeader(cols, src.shown, nil)
	if err != nil {
		r.pr.add(Problem{Line: 1, Reason: err.Error()})
		return
	}
	plan := planColumns(cols, header)
	type row struct {
		id int64
		v  T
	}
	var rows []row
	seen := map[int64]int{}
	for _, rr := range src.recs {
		id, p := rowID(src, rr)
		if p != nil {
			r.pr.add(*p)
			continue
		}
		if line, dup := seen[id]; dup {
			r.pr.add(Problem{Line: rr.line, Field: "id", Value: strconv.FormatInt(id, 10), Reason: fmt.Sprintf("same id as record %d", line)})
		}
		seen[id] = rr.line
		v, ok := parseRow(src, plan, r.pr, func(x *T, _ rawRecord) error {
			_, err := check(x)
			if err != nil {
				return errors.New(cleanErr(err))
			}
			return nil
		}, rr)
		if ok {
			rows = append(rows, row{id, v})
		}
		if r.pr.full() {
			return
		}
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].id < rows[j].id })
	r.counts[kind] = len(rows)
	r.steps = append(r.steps, func(b *store.Bulk) error {
		for i := range rows {
			got, err := add(b, &rows[i].v)
			if err == nil {
				err = b.KeepID(kind, got, rows[i].id)
			}
			if err != nil {
				return fmt.Errorf("%s %d: %w", kind, rows[i].id, err)
			}
		}
		return nil
	})
}
