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
	"sync/atomic"

	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/store"
)

// ImportKinds are the entities Import reads.
var ImportKinds = kindNames(true)

// ImportOptions shape an import.
type ImportOptions struct {
	Format          string            // csv (default), json, ndjson, xlsx or vcard
	Name            string            // the file name, for messages
	DryRun          bool              // validate only
	UpsertBy        string            // "", external_id, phone or email: update matching customers
	Map             map[string]string // header → field ("-" skips the column)
	AllowDuplicates bool              // import customers that look like existing ones
	Raw             bool              // CSV written with --raw: take text cells exactly (no apostrophe removed)
	MaxErrors       int               // problems listed before giving up (default 20)

	// For rolo import all and rolo copy:
	Stream bool // read the file as it comes: it is rolo's own export, not a file to check whole first
	// Verify is called once every row is written, before the commit, with
	// what the notebook held before; an error rolls all back.
	Verify func(b *store.Bulk, before store.Census) error
	// NewIDs gives every row a new id, so that a notebook joins one that
	// holds customers already (a second rep's notebook into the team's);
	// references between the rows follow. Without it a notebook is
	// restored with its ids, into an empty one only.
	NewIDs bool
}

// Report says what an import did (or, dry, would do).
type Report struct {
	Kind     string         `json:"kind"`
	Rows     int            `json:"rows"`
	Counts   map[string]int `json:"counts,omitempty"` // rolo import all: rows of each kind
	Inserted int            `json:"inserted"`
	Updated  int            `json:"updated"`
	DryRun   bool           `json:"dry_run"`
	Warnings []string       `json:"warnings,omitempty"`
}

// Problem is one thing wrong with an input file.
type Problem struct {
	Kind   string `json:"kind,omitempty"`   // the kind of row, in a whole-notebook file
	Line   int    `json:"line"`             // 1-based line (CSV, NDJSON) or record number (JSON, vCard)
	Col    int    `json:"column,omitempty"` // 1-based column, 0 for the whole row
	Field  string `json:"field,omitempty"`
	Value  string `json:"value,omitempty"`
	Reason string `json:"reason"`
}

// ImportError lists every problem found (up to a limit); nothing was imported.
type ImportError struct {
	File     string
	Unit     string // "line" or "record"
	Problems []Problem
	More     bool
	Total    int    // problems found in all, when More (the first ones are listed)
	Hint     string // what to do, when not fixing the file (rolo copy's source is a notebook)
}

func (e *ImportError) Error() string {
	var b strings.Builder
	n, more := len(e.Problems), ""
	switch {
	case e.More && e.Total > n:
		more = fmt.Sprintf(" (the first %d shown)", n)
		n = e.Total
	case e.More:
		more = " or more (the file was read no further)"
	}
	noun := "problems"
	if n == 1 {
		noun = "problem"
	}
	fmt.Fprintf(&b, "%s: %d %s%s; nothing was imported:", e.File, n, noun, more)
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		if p.Kind != "" {
			b.WriteString(p.Kind + " ")
		}
		fmt.Fprintf(&b, "%s %d", e.Unit, p.Line)
		if p.Col > 0 {
			fmt.Fprintf(&b, ", column %d", p.Col)
		}
		if p.Field != "" {
			fmt.Fprintf(&b, " (%s)", p.Field)
		}
		fmt.Fprintf(&b, ": %s", p.Reason)
	}
	if e.Hint != "" {
		b.WriteString("\n" + e.Hint)
	} else {
		b.WriteString("\nFix the file and import it again; rolo import --dry-run checks it without writing.")
	}
	return b.String()
}

// Unwrap makes errors.Is(err, store.ErrInvalid) true.
func (e *ImportError) Unwrap() error { return store.ErrInvalid }

// problems collects problems up to a limit.
type problems struct {
	list  []Problem
	max   int
	more  bool
	total int    // found, listed or not
	kind  string // stamped on every problem (a whole-notebook file's sections)
}

func (p *problems) add(pr Problem) {
	p.total++
	if len(p.list) >= p.max {
		p.more = true
		return
	}
	if pr.Kind == "" {
		pr.Kind = p.kind
	}
	p.list = append(p.list, pr)
}

// full says the list is full: a reader stops there, and the message says
// there may be more.
func (p *problems) full() bool {
	p.more = p.more || len(p.list) >= p.max
	return len(p.list) >= p.max
}

// rawRecord is one input record as field-name → text, with positions.
type rawRecord struct {
	line   int
	values []string
	cols   []int // 1-based input column of each value
}

// source yields raw records whose values line up with the header. JSON,
// vCard and customer files are held in recs; purchase and contact CSV is
// streamed (stream set), so a million-row import needs constant memory,
// from a file or a pipe alike.
type source struct {
	shown  []string // the header as written
	cur    money.Currency
	recs   []rawRecord
	unit   string
	csv    bool // text was read from CSV: undo formula neutralising
	xlsx   bool // values are a workbook's cells: date serials, 1E-2 numbers
	stream func() (rawRecord, error)
}

// errStop ends an each early.
var errStop = errors.New("stop")

// each calls fn for every record in order and returns how many it saw.
func (s *source) each(fn func(rawRecord) error) (int, error) {
	if s.stream == nil {
		for i, rr := range s.recs {
			if err := fn(rr); err != nil {
				if errors.Is(err, errStop) {
					return i + 1, nil
				}
				return i, err
			}
		}
		return len(s.recs), nil
	}
	n := 0
	for {
		rr, err := s.stream()
		if errors.Is(err, io.EOF) {
			return n, nil
		} else if err != nil {
			return n, err
		}
		n++
		if err := fn(rr); err != nil {
			if errors.Is(err, errStop) {
				return n, nil
			}
			return n, err
		}
	}
}

// load reads a streamed source into memory (customers need every row at once).
func (s *source) load() error {
	if s.stream == nil {
		return nil
	}
	_, err := s.each(func(rr rawRecord) error { s.recs = append(s.recs, rr); return nil })
	s.stream = nil
	return err
}

func normHeader(h string) string {
	h = strings.TrimSpace(strings.ToLower(h))
	return strings.NewReplacer(" ", "_", "-", "_").Replace(h)
}

// resolveHeader maps input column names onto field names.
func resolveHeader[T any](cols []col[T], names []string, m map[string]string) ([]string, error) {
	lookup := map[string]string{}
	for _, c := range cols {
		if c.set == nil && c.name != "referred_by" {
			// Export-only columns are accepted and ignored on import.
			lookup[normHeader(c.name)] = "-"
			continue
		}
		lookup[normHeader(c.name)] = c.name
		for _, a := range c.aliases {
			if _, taken := lookup[normHeader(a)]; !taken {
				lookup[normHeader(a)] = c.name
			}
		}
	}
	valid := make([]string, 0, len(cols))
	for _, c := range cols {
		valid = append(valid, c.name)
	}
	out := make([]string, len(names))
	seen := map[string]int{}
	var bad []string
	for i, n := range names {
		f, ok := "", false
		if mf, mok := m[strings.TrimSpace(n)]; mok {
			f, ok = mf, true
			if f != "-" {
				if _, known := lookup[normHeader(f)]; !known {
					return nil, fmt.Errorf("--map %s=%s: %q is not a field; valid fields: %s", n, mf, mf, strings.Join(valid, ","))
				}
				f = lookup[normHeader(f)]
			}
		} else {
			f, ok = lookup[normHeader(n)]
		}
		if !ok {
			bad = append(bad, fmt.Sprintf("column %d %q", i+1, n))
			continue
		}
		if f == "-" {
			continue
		}
		if j, dup := seen[f]; dup {
			return nil, fmt.Errorf("columns %d and %d both mean %q; rename one or skip it with --map '%s=-'", j+1, i+1, f, n)
		}
		seen[f] = i
		out[i] = f
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("unknown %s; name it with --map 'column=field' or skip it with --map 'column=-'. Valid fields: %s",
			strings.Join(bad, ", "), strings.Join(valid, ","))
	}
	return out, nil
}

// readCSV reads CSV into memory.
func readCSV(r io.Reader) (*source, error) {
	src, err := streamCSV(r)
	if err != nil {
		return nil, err
	}
	return src, src.load()
}

// streamCSV reads the header and returns a source that reads records on
// demand.
func streamCSV(r io.Reader) (*source, error) {
	cr := newCSVReader(r)
	head, _, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("the file is empty; it needs a header row naming the columns")
	} else if err != nil {
		return nil, err
	}
	src := &source{unit: "line", csv: true}
	for _, f := range head {
		src.shown = append(src.shown, f.Value)
	}
	src.stream = func() (rawRecord, error) {
		rec, line, err := cr.Read()
		if err != nil {
			return rawRecord{}, err
		}
		if len(rec) != len(head) {
			return rawRecord{}, &csvSyntaxError{line, 1, fmt.Sprintf("%d fields but the header has %d; quote fields that contain commas", len(rec), len(head))}
		}
		rr := rawRecord{line: line, values: make([]string, len(rec)), cols: make([]int, len(rec))}
		for i, f := range rec {
			rr.values[i], rr.cols[i] = f.Value, i+1
		}
		return rr, nil
	}
	return src, nil
}

// objectSource gathers JSON objects as records: every key seen becomes a
// column.
type objectSource struct {
	src  *source
	keys map[string]int
}

func newObjectSource(unit string) *objectSource {
	return &objectSource{src: &source{unit: unit}, keys: map[string]int{}}
}

func (o *objectSource) add(line int, obj map[string]any) error {
	src := o.src
	rr := rawRecord{line: line, values: make([]string, len(src.shown)), cols: make([]int, len(src.shown))}
	names := make([]string, 0, len(obj))
	for k := range obj {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		i, ok := o.keys[k]
		if !ok {
			i = len(src.shown)
			o.keys[k] = i
			src.shown = append(src.shown, k)
			for j := range src.recs {
				src.recs[j].values = append(src.recs[j].values, "")
				src.recs[j].cols = append(src.recs[j].cols, 0)
			}
			rr.values = append(rr.values, "")
			rr.cols = append(rr.cols, 0)
		}
		switch v := obj[k].(type) {
		case nil:
		case string:
			rr.values[i] = v
		case bool:
			rr.values[i] = strconv.FormatBool(v)
		case json.Number:
			rr.values[i] = v.String()
		case map[string]any:
			b, _ := json.Marshal(v)
			rr.values[i] = string(b)
		default:
			return fmt.Errorf("field %q: expected text, a number or true/false", k)
		}
	}
	src.recs = append(src.recs, rr)
	return nil
}

// readJSON reads a JSON array of objects, or NDJSON (one object per line).
func readJSON(r io.Reader, ndjson bool) (*source, error) {
	objs := newObjectSource("record")
	src, addObj := objs.src, objs.add
	if ndjson {
		src.unit = "line"
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		line := 0
		for sc.Scan() {
			line++
			if e := jsonTextError(sc.Bytes(), line); e != nil {
				return nil, e
			}
			text := strings.TrimSpace(sc.Text())
			if text == "" {
				continue
			}
			dec := json.NewDecoder(strings.NewReader(text))
			dec.UseNumber()
			var obj map[string]any
			if err := dec.Decode(&obj); err != nil {
				return nil, fmt.Errorf("line %d: not a JSON object: %v", line, err)
			}
			if err := addObj(line, obj); err != nil {
				return nil, fmt.Errorf("line %d: %w", line, err)
			}
		}
		return src, sc.Err()
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if e := jsonTextError(data, 1); e != nil {
		return nil, e
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var arr []map[string]any
	if err := dec.Decode(&arr); err != nil {
		return nil, fmt.Errorf("expected a JSON array of objects: %v", err)
	}
	for i, obj := range arr {
		if err := addObj(i+1, obj); err != nil {
			return nil, fmt.Errorf("record %d: %w", i+1, err)
		}
	}
	return src, nil
}

// parseRow turns one raw record into a typed row; ok is false when it had
// problems (added to pr).
func parseRow[T any](src *source, plan []planned[T], pr *problems, post func(*T, rawRecord) error, rr rawRecord) (row T, ok bool) {
	bad := false
	for _, p := range plan {
		c, i := p.col, p.idx
		v := rr.values[i]
		if src.csv && c.kind == kText {
			v = Unneutralise(v)
		}
		if src.xlsx {
			switch c.kind {
			case kDate:
				v = fromSerial(v)
			case kMoney, kFloat, kInt:
				v = plainNumber(v)
			}
		}
		if err := validText(v); err != nil {
			pr.add(Problem{Line: rr.line, Col: rr.cols[i], Field: c.name, Reason: err.Error()})
			bad = true
			continue
		}
		shown := v // what the file says, for messages
		if c.kind == kMoney && strings.TrimSpace(v) != "" {
			// Money reaches the column in minor units of the notebook currency.
			a, err := src.cur.Parse(v)
			if err != nil {
				pr.add(Problem{Line: rr.line, Col: rr.cols[i], Field: c.name, Value: v,
					Reason: fmt.Sprintf("expected an amount in %s like %s, got %q", src.cur.Code, src.cur.Example(), v)})
				bad = true
				continue
			}
			v = strconv.FormatInt(int64(a), 10)
		}
		if err := c.set(&row, v); err != nil {
			reason := err.Error()
			if c.kind == kMoney && strings.TrimSpace(shown) != "" {
				// The column saw minor units (-500): quote the file (-5).
				reason = fmt.Sprintf("%s, got %q", reason, shown)
			}
			pr.add(Problem{Line: rr.line, Col: rr.cols[i], Field: c.name, Value: shown, Reason: reason})
			bad = true
		}
	}
	if !bad && post != nil {
		if err := post(&row, rr); err != nil {
			p := Problem{Line: rr.line, Reason: err.Error()}
			var fe fieldError
			if errors.As(err, &fe) {
				p.Field = fe.field
				for _, pl := range plan {
					if pl.col.name == fe.field {
						p.Col, p.Value = rr.cols[pl.idx], rr.values[pl.idx]
					}
				}
			}
			pr.add(p)
			bad = true
		}
	}
	return row, !bad
}

// fieldError blames one field for a row-level problem.
type fieldError struct {
	field string
	err   error
}

func (e fieldError) Error() string { return e.err.Error() }

func cleanErr(err error) string {
	return strings.Replace(err.Error(), store.ErrInvalid.Error()+": ", "", 1)
}

// readError reports a file that could not be read: a problem at a place
// in it (a CSV, vCard or JSON syntax error, invalid UTF-8) as an
// ImportError, anything else as invalid input.
func readError(name string, err error) error {
	var se *csvSyntaxError
	if errors.As(err, &se) {
		return &ImportError{File: name, Unit: "line", Problems: []Problem{{Line: se.Line, Col: se.Col, Reason: se.Msg}}}
	}
	var le *lineError
	if errors.As(err, &le) {
		return &ImportError{File: name, Unit: "line", Problems: []Problem{{Line: le.Line, Col: le.Col, Reason: le.Msg}}}
	}
	return store.Errorf(store.KindInvalid, "%s: %v", name, err)
}

// Import reads one kind of entity from r and writes it in one transaction.
// Any problem means nothing is written; the error lists the problems.
func Import(ctx context.Context, st *store.Store, kind string, r io.Reader, o ImportOptions) (Report, error) {
	rep := Report{Kind: kind, DryRun: o.DryRun}
	if o.MaxErrors <= 0 {
		o.MaxErrors = 20
	}
	if o.Name == "" {
		o.Name = "input"
	}
	switch o.UpsertBy {
	case "", "external_id", "phone", "email":
	default:
		return rep, store.Errorf(store.KindInvalid, "--upsert-by %q: use external_id, phone or email", o.UpsertBy)
	}
	if o.UpsertBy != "" && kind != "customers" {
		return rep, store.Errorf(store.KindInvalid, "--upsert-by applies to customers only")
	}
	var src *source
	var err error
	switch o.Format {
	case "", "csv":
		src, err = streamCSV(r)
	case "json":
		src, err = readJSON(r, false)
	case "ndjson":
		src, err = readJSON(r, true)
	case "xlsx":
		src, err = readXLSX(r, kind)
	case "vcard", "vcf":
		if kind != "customers" {
			return rep, store.Errorf(store.KindInvalid, "vCard files hold customers; use rolo import customers")
		}
		src, err = readVCard(r)
	default:
		return rep, store.Errorf(store.KindInvalid, "unknown format %q; use csv, json, ndjson, xlsx or vcard", o.Format)
	}
	if err != nil {
		return rep, readError(o.Name, err)
	}
	if o.Raw {
		src.csv = false // the file was written with --raw: text cells are exact
	}
	src.cur = st.Currency()
	rep.Rows = len(src.recs)
	pr := &problems{max: o.MaxErrors}

	fail := func() (Report, error) {
		return rep, &ImportError{File: o.Name, Unit: src.unit, Problems: pr.list, More: pr.more, Total: pr.total}
	}
	if k := findKind(kind); k != nil && k.imp != nil {
		return k.imp(ctx, st, src, o, rep, pr, fail)
	}
	return rep, store.Errorf(store.KindInvalid, "cannot import %q; use %s", kind, strings.Join(ImportKinds, ", "))
}

// importHistory imports rows that belong to customers (purchases, contacts):
// parse and check every row, then write them all in one transaction.
func importHistory[T any](ctx context.Context, st *store.Store, src *source, o ImportOptions, rep Report, pr *problems,
	fail func() (Report, error), cols []col[T], required []string, requiredCN string,
	check func(*T, *refIndex) error, write func(*store.Bulk, *T) error) (Report, error) {
	header, err := resolveHeader(cols, src.shown, o.Map)
	if err != nil {
		return rep, store.Errorf(store.KindInvalid, "%s: %v", o.Name, err)
	}
	for _, f := range required {
		if !has(header, f) {
			return rep, store.Errorf(store.KindInvalid, "%s: a %s file needs %s columns (%s)", o.Name, rep.Kind,
				strings.Join(required, " and "), requiredCN)
		}
	}
	refs, err := newRefIndex(ctx, st)
	if err != nil {
		return rep, err
	}
	post := func(r *T, _ rawRecord) error { return check(r, refs) }
	plan := planColumns(cols, header)
	syntax := func(err error) error {
		var se *csvSyntaxError
		if errors.As(err, &se) {
			return &ImportError{File: o.Name, Unit: "line", Problems: append(pr.list, Problem{Line: se.Line, Col: se.Col, Reason: se.Msg})}
		}
		return store.Errorf(store.KindInvalid, "%s: %v", o.Name, err)
	}
	if o.DryRun {
		n, err := src.each(func(rr rawRecord) error {
			parseRow(src, plan, pr, post, rr)
			if pr.full() {
				return errStop
			}
			return nil
		})
		rep.Rows = n
		if err != nil {
			return rep, syntax(err)
		}
		if len(pr.list) > 0 {
			return fail()
		}
		rep.Inserted = n
		return rep, nil
	}
	// One pass in one transaction: a goroutine reads and checks the rows
	// while this one writes them, batch by batch. The first problem stops
	// the writing but not the checking, so every problem is reported; then
	// the transaction is rolled back and nothing was imported.
	const batchSize = 512
	var n int
	var readErr error
	err = st.Bulk(ctx, func(b *store.Bulk) error {
		batches := make(chan []T, 8)
		var stop atomic.Bool // the writer failed: stop reading
		go func() {
			defer close(batches)
			batch := make([]T, 0, batchSize)
			n, readErr = src.each(func(rr rawRecord) error {
				if stop.Load() {
					return errStop
				}
				row, ok := parseRow(src, plan, pr, post, rr)
				switch {
				case pr.full():
					return errStop
				case !ok || len(pr.list) > 0:
					return nil
				}
				if batch = append(batch, row); len(batch) == batchSize {
					batches <- batch
					batch = make([]T, 0, batchSize)
				}
				return nil
			})
			batches <- batch
		}()
		var werr error
		for batch := range batches {
			for i := 0; werr == nil && i < len(batch); i++ {
				if werr = write(b, &batch[i]); werr != nil {
					stop.Store(true)
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
		return nil
	})
	rep.Rows = n
	if errors.Is(err, errProblems) {
		return fail()
	}
	if err == nil {
		rep.Inserted = n
	}
	return rep, err
}

// errProblems rolls back an import whose rows have problems.
var errProblems = errors.New("the file has problems")

// planned is one column of the input applied to a row.
type planned[T any] struct {
	col *col[T]
	idx int // in the record
}

// planColumns matches the header to the field table once, in the table's
// order, so later fields (birthday_lunar) can refine earlier ones (birthday).
func planColumns[T any](cols []col[T], header []string) []planned[T] {
	var out []planned[T]
	for c := range cols {
		for i, f := range header {
			if f == cols[c].name && cols[c].set != nil {
				out = append(out, planned[T]{&cols[c], i})
			}
		}
	}
	return out
}

func has(header []string, f string) bool {
	for _, h := range header {
		if h == f {
			return true
		}
	}
	return false
}

// refIndex finds the customer a purchase or contact row names. Rows
// usually name them by id or external id; the phone and name maps are
// built the first time a row needs them.
type refIndex struct {
	keys     []store.CustomerKey
	ids      map[int64]int // id → place in keys
	external map[string]int64
	phone    map[string][]int64
	name     map[string][]int64
}

func newRefIndex(ctx context.Context, st *store.Store) (*refIndex, error) {
	keys, err := st.CustomerKeys(ctx)
	if err != nil {
		return nil, err
	}
	ix := &refIndex{keys: keys, ids: make(map[int64]int, len(keys)), external: make(map[string]int64, len(keys))}
	for i, k := range keys {
		ix.ids[k.ID] = i
		if k.ExternalID != "" {
			ix.external[k.ExternalID] = k.ID
		}
	}
	return ix, nil
}

func (ix *refIndex) byPhone(p string) []int64 {
	if ix.phone == nil {
		ix.phone = map[string][]int64{}
		for _, k := range ix.keys {
			if n := store.PhoneKey(k.Phone); n != "" {
				ix.phone[n] = append(ix.phone[n], k.ID)
			}
		}
	}
	return ix.phone[p]
}

// byName finds customers by name as rolo matches a name elsewhere:
// trimmed, then exactly.
func (ix *refIndex) byName(name string) []int64 {
	if ix.name == nil {
		ix.name = map[string][]int64{}
		for _, k := range ix.keys {
			n := strings.TrimSpace(k.Name)
			ix.name[n] = append(ix.name[n], k.ID)
		}
	}
	return ix.name[strings.TrimSpace(name)]
}

// resolve finds the customer a row names by the first of its id, external
// id, phone and name that is filled in. The id, external id and name
// filled in must all name that customer: a file exported from another
// notebook, where customer #1 is someone else, is refused rather than put
// on the wrong customer. The phone is not compared: numbers change hands
// and are shared.
func (ix *refIndex) resolve(ref store.CustomerRef, phone string) (int64, error) {
	id, key, err := ix.find(ref, phone)
	if err != nil {
		return 0, err
	}
	fix := fixColumns
	if ref.ID != 0 {
		// The usual cause: a file of another notebook, whose ids are its own.
		fix = fixColumnsOrID
	}
	return id, ix.agree(ref, id, func() string { return describeKey(key, ref, phone) + " is" }, fix)
}

// What to do when a row's customer columns disagree (constants: resolve
// runs for every row of an import, and the message is rarely needed).
const (
	fixColumns     = "correct one of the columns"
	fixColumnsOrID = fixColumns + ", or let the other columns say who it is with --map 'customer_id=-'"
)

// agree checks that the id, external id and name a row gives (those
// filled in) all name customer id, which whose() ("customer_id 3 is",
// worded only for a message) found; fix says what to do when they do not.
func (ix *refIndex) agree(ref store.CustomerRef, id int64, whose func() string, fix string) error {
	i, ok := ix.ids[id]
	if !ok {
		return nil // not a customer of the index: nothing to compare with
	}
	k := ix.keys[i]
	if ref.ID != 0 && ref.ID != id {
		return fieldError{"customer_id", fmt.Errorf("%s %q (#%d), not customer %d; %s", whose(), k.Name, id, ref.ID, fix)}
	}
	if ref.ExternalID != "" && ref.ExternalID != k.ExternalID {
		has := "who has no external id"
		if k.ExternalID != "" {
			has = fmt.Sprintf("whose external id is %q", k.ExternalID)
		}
		return fieldError{"customer_external_id", fmt.Errorf("%s %q (#%d), %s, not %q; %s", whose(), k.Name, id, has, ref.ExternalID, fix)}
	}
	if name := strings.TrimSpace(ref.Name); name != "" && name != strings.TrimSpace(k.Name) {
		return fieldError{"customer_name", fmt.Errorf("%s %q (#%d), not %q; %s", whose(), k.Name, id, ref.Name, fix)}
	}
	return nil
}

// The keys by which a row names its customer, in the order find tries them.
const (
	byID = iota
	byExternalID
	byPhone
	byName
)

// describeKey words the key a row named its customer by as the file gives
// it (customer_id 3).
func describeKey(key int, ref store.CustomerRef, phone string) string {
	switch key {
	case byID:
		return fmt.Sprintf("customer_id %d", ref.ID)
	case byExternalID:
		return fmt.Sprintf("customer_external_id %q", ref.ExternalID)
	case byPhone:
		return fmt.Sprintf("customer_phone %q", phone)
	}
	return "customer_name"
}

// find is the customer named by the first key of a row that is filled
// in, and which key that was (byID, ...).
func (ix *refIndex) find(ref store.CustomerRef, phone string) (int64, int, error) {
	switch {
	case ref.ID != 0:
		if _, ok := ix.ids[ref.ID]; !ok {
			return 0, 0, fmt.Errorf("no customer with id %d; import the customers first", ref.ID)
		}
		return ref.ID, byID, nil
	case ref.ExternalID != "":
		id, ok := ix.external[ref.ExternalID]
		if !ok {
			return 0, 0, fmt.Errorf("no customer with external id %q; import the customers first", ref.ExternalID)
		}
		return id, byExternalID, nil
	case store.PhoneKey(phone) != "":
		ids := ix.byPhone(store.PhoneKey(phone))
		if len(ids) == 1 {
			return ids[0], byPhone, nil
		}
		if len(ids) > 1 {
			return 0, 0, fmt.Errorf("phone %q belongs to %d customers; add a customer_external_id or customer_id column", phone, len(ids))
		}
		return 0, 0, fmt.Errorf("no customer with phone %q", phone)
	case strings.TrimSpace(ref.Name) != "":
		ids := ix.byName(ref.Name)
		if len(ids) == 1 {
			return ids[0], byName, nil
		}
		if len(ids) > 1 {
			return 0, 0, fmt.Errorf("%d customers are named %q; add a customer_external_id, customer_phone or customer_id column", len(ids), ref.Name)
		}
		return 0, 0, fmt.Errorf("no customer named %q (names must match exactly)", ref.Name)
	}
	return 0, 0, fmt.Errorf("the row does not say which customer: fill customer_id, customer_external_id, customer_phone or customer_name")
}
