package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/tiering/agenda"
)

// Customer statuses: the lifecycle prospect → active → lapsed → (lost |
// won_back), and dropped for customers the rep stopped serving.
var Statuses = []string{"prospect", "active", "lapsed", "lost", "won_back", "dropped"}

// LostReasons are why a customer was lost; a lost customer needs one.
var LostReasons = []string{"moved", "price", "service", "quality", "competitor", "closed", "other"}

// Customer is one profile in the notebook.
type Customer struct {
	ID            int64             `json:"id"`
	ExternalID    string            `json:"external_id"`
	Name          string            `json:"name"`
	Company       string            `json:"company"`
	Title         string            `json:"title"`
	Phone         string            `json:"phone"`
	Email         string            `json:"email"`
	WeChat        string            `json:"wechat"`
	Address       string            `json:"address"`
	City          string            `json:"city"`
	Birthday      string            `json:"birthday"`
	BirthdayLunar bool              `json:"birthday_lunar"`
	BirthdayLeap  bool              `json:"birthday_leap_month"`
	Gender        string            `json:"gender"`
	Occupation    string            `json:"occupation"`
	Source        string            `json:"source"`
	ReferredBy    *int64            `json:"referred_by"`
	Status        string            `json:"status"`
	LostReason    string            `json:"lost_reason"`
	Attitude      string            `json:"attitude"`
	Preferences   string            `json:"preferences"`
	Needs         string            `json:"needs"`
	Notes         string            `json:"notes"`
	Tags          []string          `json:"tags"`
	Custom        map[string]string `json:"custom"`
	CadenceDays   *int              `json:"cadence_days"`
	CreatedAt     string            `json:"created_at"`
	UpdatedAt     string            `json:"updated_at"`
	ArchivedAt    *string           `json:"archived_at"`
	Pinyin        string            `json:"name_pinyin"`
	Initials      string            `json:"name_initials"`
}

const customerCols = `id, coalesce(external_id, ''), name, company, title, phone, email, wechat, address, city,
	birthday, birthday_lunar, birthday_leap, gender, occupation, source, referred_by, status, lost_reason,
	attitude, preferences, needs, notes, tags, custom, cadence_days, created_at, updated_at, archived_at,
	name_pinyin, name_initials`

// customerColCount is how many columns customerCols reads.
var customerColCount = func() int {
	n, depth := 1, 0
	for _, r := range customerCols {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				n++
			}
		}
	}
	return n
}()

type scanner interface{ Scan(dest ...any) error }

func scanCustomer(sc scanner) (Customer, error) {
	var c Customer
	var tags, custom string
	var ref sql.NullInt64
	var cad sql.NullInt64
	var arch sql.NullString
	err := sc.Scan(&c.ID, &c.ExternalID, &c.Name, &c.Company, &c.Title, &c.Phone, &c.Email, &c.WeChat,
		&c.Address, &c.City, &c.Birthday, &c.BirthdayLunar, &c.BirthdayLeap, &c.Gender, &c.Occupation,
		&c.Source, &ref, &c.Status, &c.LostReason, &c.Attitude, &c.Preferences, &c.Needs, &c.Notes,
		&tags, &custom, &cad, &c.CreatedAt, &c.UpdatedAt, &arch, &c.Pinyin, &c.Initials)
	if err != nil {
		return c, err
	}
	if ref.Valid {
		c.ReferredBy = &ref.Int64
	}
	if cad.Valid {
		n := int(cad.Int64)
		c.CadenceDays = &n
	}
	if arch.Valid {
		c.ArchivedAt = &arch.String
	}
	c.Tags = splitTags(tags)
	c.Custom = map[string]string{}
	if custom != "" && custom != "{}" {
		if err := json.Unmarshal([]byte(custom), &c.Custom); err != nil {
			return c, fmt.Errorf("customer %d: custom fields are not valid JSON: %w", c.ID, err)
		}
	}
	return c, nil
}

// Validate checks a customer before it is written.
func (c *Customer) Validate() error { return c.validate(nil) }

// ValidateEdit is Validate for a customer changed from was: a phone or
// email it keeps as it was is not checked again, so a customer whose phone
// an older rolo took unchecked ("see notes") stays editable, and a
// notebook restored or copied as it was (was is the customer itself)
// comes back whole.
func (c *Customer) ValidateEdit(was *Customer) error { return c.validate(was) }

func (c *Customer) validate(was *Customer) error {
	if strings.TrimSpace(c.Name) == "" {
		return Errorf(KindInvalid, "name is empty; give the customer a name")
	}
	for _, f := range c.textFields() {
		if !utf8.ValidString(*f.v) {
			return Errorf(KindInvalid, "%s is not valid UTF-8 text; save the file as UTF-8 and try again", f.name)
		}
	}
	for _, t := range c.Tags {
		if !utf8.ValidString(t) {
			return Errorf(KindInvalid, "a tag is not valid UTF-8 text")
		}
	}
	for k, v := range c.Custom {
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return Errorf(KindInvalid, "custom field %q is not valid UTF-8 text", k)
		}
	}
	if was == nil || c.Phone != was.Phone {
		if err := checkPhone(c.Phone); err != nil {
			return err
		}
	}
	if was == nil || c.Email != was.Email {
		if err := checkEmail(c.Email); err != nil {
			return err
		}
	}
	if c.Status == "" {
		c.Status = "prospect"
	}
	if !contains(Statuses, c.Status) {
		return Errorf(KindInvalid, "status %q is not one of %s", c.Status, strings.Join(Statuses, ", "))
	}
	if c.Status == "lost" && !contains(LostReasons, c.LostReason) {
		if c.LostReason == "" {
			return Errorf(KindInvalid, "a lost customer needs a reason: %s", strings.Join(LostReasons, ", "))
		}
		return Errorf(KindInvalid, "lost reason %q is not one of %s", c.LostReason, strings.Join(LostReasons, ", "))
	}
	if c.Birthday != "" {
		b, err := ParseBirthday(c.Birthday, c.BirthdayLunar)
		if err != nil {
			return err
		}
		c.Birthday = b.String()
	} else if c.BirthdayLunar || c.BirthdayLeap {
		return Errorf(KindInvalid, "a lunar or leap-month flag needs a birthday")
	}
	if c.BirthdayLeap && !c.BirthdayLunar {
		return Errorf(KindInvalid, "a leap-month birthday must be a lunar birthday (add --lunar)")
	}
	if c.BirthdayLeap && (was == nil || c.Birthday != was.Birthday || !was.BirthdayLeap) {
		if b, err := ParseBirthday(c.Birthday, true); err == nil {
			if err := checkLeap(b); err != nil {
				return err
			}
		}
	}
	if c.CadenceDays != nil && *c.CadenceDays <= 0 {
		return Errorf(KindInvalid, "cadence must be a positive number of days, got %d", *c.CadenceDays)
	}
	if c.ReferredBy != nil && *c.ReferredBy == c.ID && c.ID != 0 {
		return Errorf(KindInvalid, "a customer cannot refer themselves")
	}
	return nil
}

// phoneMarks begin an extension after a number: 0755-8888 8888 ext 12,
// 转12, 分机12, x12 (matched in lower case, longest first).
var phoneMarks = []string{"extension", "ext.", "ext", "x", "分机", "转"}

// phoneSeparators may stand between a phone number's digits: spaces,
// + - ( ) . / and their full-width forms, dashes, and , ; 、 between two
// numbers, # and * as dialled.
const phoneSeparators = " \t\u00a0\u3000+-().,;/#*＋－（）．，；／、‐‑‒–—―"

// checkPhone refuses a phone that is not a number as people write one:
// digits (full-width ones count, as in PhoneKey), with only separators and
// an extension mark besides. "" is no phone.
func checkPhone(phone string) error {
	const how = "write its digits, e.g. 139 0000 2222, +86 139-0000-2222 or 0755-8888 8888 ext 12 (other words go in the notes)"
	if strings.TrimSpace(phone) == "" {
		return nil
	}
	digits, open := 0, false // open: an extension mark waits for its digits
	low := strings.ToLower(phone)
	for i := 0; i < len(low); {
		r, n := utf8.DecodeRuneInString(low[i:])
		switch {
		case r >= '0' && r <= '9' || r >= '０' && r <= '９':
			digits, open = digits+1, false
		case strings.ContainsRune(phoneSeparators, r):
		default:
			mark := ""
			for _, m := range phoneMarks {
				if strings.HasPrefix(low[i:], m) {
					mark = m
					break
				}
			}
			if mark == "" || digits == 0 || open {
				return Errorf(KindInvalid, "phone %q: %q is not part of a phone number; %s", phone, string(r), how)
			}
			n, open = len(mark), true
		}
		i += n
	}
	switch {
	case open:
		return Errorf(KindInvalid, "phone %q: the extension has no number; %s", phone, how)
	case digits == 0:
		return Errorf(KindInvalid, "phone %q has no digits; %s", phone, how)
	}
	return nil
}

// checkEmail refuses an email that is not an address: something@domain,
// without spaces or control characters. "" is no email.
func checkEmail(email string) error {
	e := strings.TrimSpace(email)
	if e == "" {
		return nil
	}
	at := strings.LastIndex(e, "@")
	bad := at <= 0 || at == len(e)-1
	for _, r := range e {
		bad = bad || unicode.IsSpace(r) || unicode.IsControl(r)
	}
	if bad {
		return Errorf(KindInvalid, "email %q is not an email address; write it as name@domain, e.g. anna@example.com", email)
	}
	return nil
}

// checkLeap refuses a leap month that lunar year b.Year does not have (a
// birthday or event without a year may fall in any year's).
func checkLeap(b Birthday) error {
	if b.Year == 0 {
		return nil
	}
	m, ok := agenda.LeapMonth(b.Year)
	switch {
	case !ok || m == b.Month:
		return nil
	case m == 0:
		return Errorf(KindInvalid, "lunar year %d has no leap month; drop the leap-month flag", b.Year)
	}
	return Errorf(KindInvalid, "lunar year %d has its leap month after month %d, not %d; drop the leap-month flag or write month %d", b.Year, m, b.Month, m)
}

type namedField struct {
	name string
	v    *string
}

func (c *Customer) textFields() []namedField {
	return []namedField{
		{"external_id", &c.ExternalID}, {"name", &c.Name}, {"company", &c.Company}, {"title", &c.Title},
		{"phone", &c.Phone}, {"email", &c.Email}, {"wechat", &c.WeChat}, {"address", &c.Address},
		{"city", &c.City}, {"birthday", &c.Birthday}, {"gender", &c.Gender}, {"occupation", &c.Occupation},
		{"source", &c.Source}, {"lost_reason", &c.LostReason}, {"attitude", &c.Attitude},
		{"preferences", &c.Preferences}, {"needs", &c.Needs}, {"notes", &c.Notes},
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (c *Customer) args() ([]any, error) {
	custom := "{}"
	if len(c.Custom) > 0 {
		b, err := json.Marshal(c.Custom)
		if err != nil {
			return nil, err
		}
		custom = string(b)
	}
	c.Pinyin, c.Initials = PinyinKeys(c.Name)
	var cad any
	if c.CadenceDays != nil {
		cad = *c.CadenceDays
	}
	var ref any
	if c.ReferredBy != nil {
		ref = *c.ReferredBy
	}
	return []any{nullStr(c.ExternalID), c.Name, c.Pinyin, c.Initials, c.Company, c.Title, c.Phone, c.Email,
		c.WeChat, c.Address, c.City, c.Birthday, c.BirthdayLunar, c.BirthdayLeap, c.Gender, c.Occupation,
		c.Source, ref, c.Status, c.LostReason, c.Attitude, c.Preferences, c.Needs, c.Notes,
		normalizeTags(c.Tags), custom, cad}, nil
}

const customerWriteCols = `external_id, name, name_pinyin, name_initials, company, title, phone, email,
	wechat, address, city, birthday, birthday_lunar, birthday_leap, gender, occupation, source, referred_by,
	status, lost_reason, attitude, preferences, needs, notes, tags, custom, cadence_days`

// AddCustomer creates a customer and returns it as stored.
func (s *Store) AddCustomer(ctx context.Context, c Customer) (Customer, error) {
	if err := c.Validate(); err != nil {
		return Customer{}, err
	}
	var out Customer
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		id, err := s.insertCustomer(ctx, tx, &c)
		if err != nil {
			return err
		}
		if err := s.reindexCustomer(ctx, tx, srcCustomer, id); err != nil {
			return err
		}
		if c.Status != "prospect" {
			if err := s.recordStatus(ctx, tx, id, c.Status, c.LostReason, s.now(), false); err != nil {
				return err
			}
		}
		out, err = getCustomer(ctx, tx, id)
		return err
	})
	return out, err
}

// execer runs a statement: a transaction, or Bulk with its prepared statements.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func (s *Store) insertCustomer(ctx context.Context, tx execer, c *Customer) (int64, error) {
	// The phone and email as given: AddCustomer and imports checked them
	// (Validate), a restored or copied notebook keeps its own.
	args, err := s.customerRow(c)
	if err != nil {
		return 0, err
	}
	q := `INSERT INTO customers(` + customerWriteCols + `, created_at, updated_at, archived_at)
		VALUES (` + placeholders(len(args)) + `)`
	if c.ID != 0 {
		q = `INSERT INTO customers(id, ` + customerWriteCols + `, created_at, updated_at, archived_at)
		VALUES (?, ` + placeholders(len(args)) + `)`
		args = append([]any{c.ID}, args...)
	}
	res, err := tx.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, s.customerWriteErr(err, c)
	}
	return res.LastInsertId()
}

// customerRow checks a customer to be inserted and gives its values in
// the order of customerWriteCols, then created_at, updated_at and
// archived_at (stamped now when not given).
func (s *Store) customerRow(c *Customer) ([]any, error) {
	if err := c.ValidateEdit(c); err != nil {
		return nil, err
	}
	args, err := c.args()
	if err != nil {
		return nil, err
	}
	if c.CreatedAt == "" {
		c.CreatedAt = s.stamp()
	}
	if c.UpdatedAt == "" {
		c.UpdatedAt = c.CreatedAt
	}
	var arch any
	if c.ArchivedAt != nil {
		arch = *c.ArchivedAt
	}
	return append(args, c.CreatedAt, c.UpdatedAt, arch), nil
}

func (s *Store) customerWriteErr(err error, c *Customer) error {
	switch sqliteCode(err) {
	case sqliteConstraintUnique:
		// external_id is the one unique column besides the id.
		if s.SeesPart(context.Background()) {
			return Errorf(KindConflict, "external id %q is already used by a customer of another rep, whom you do not see; ask them or your manager whose customer it is", c.ExternalID)
		}
		return Errorf(KindConflict, "external id %q is already used by another customer", c.ExternalID)
	case sqliteConstraintPrimaryKey:
		if s.SeesPart(context.Background()) {
			return Errorf(KindConflict, "customer id %d is already used by a customer of another rep, whom you do not see; remove the id column to add your customers with new ids", c.ID)
		}
		return Errorf(KindConflict, "customer id %d is already used", c.ID)
	case sqliteConstraintForeignKey:
		return Errorf(KindNotFound, "the referring customer does not exist")
	}
	return s.wrap("save customer", err)
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// UpdateCustomer loads a customer, lets fn change it and writes it back,
// all in one transaction.
func (s *Store) UpdateCustomer(ctx context.Context, id int64, fn func(c *Customer) error) (Customer, error) {
	var out Customer
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		c, err := getCustomer(ctx, tx, id)
		if err != nil {
			return err
		}
		was := c
		var m rankMove
		if m.before, err = s.rankOf(ctx, tx, id); err != nil {
			return err
		}
		if err := fn(&c); err != nil {
			return err
		}
		c.ID = id
		if err := c.ValidateEdit(&was); err != nil {
			return err
		}
		if err := s.checkStatusChange(ctx, tx, &c, was); err != nil {
			return err
		}
		if c.ReferredBy != nil {
			if err := checkNoReferralCycle(ctx, tx, id, *c.ReferredBy); err != nil {
				return err
			}
		}
		args, err := c.args()
		if err != nil {
			return err
		}
		args = append(args, s.stamp(), id)
		_, err = tx.ExecContext(ctx, `UPDATE customers SET `+customerSets()+`, updated_at = ? WHERE id = ?`, args...)
		if err != nil {
			return s.customerWriteErr(err, &c)
		}
		if err := s.reindexCustomer(ctx, tx, srcCustomer, id); err != nil {
			return err
		}
		if c.Status != was.Status || c.LostReason != was.LostReason {
			if err := s.recordStatus(ctx, tx, id, c.Status, c.LostReason, s.now(), false); err != nil {
				return err
			}
		}
		if c.Status == "dropped" || was.Status == "dropped" {
			// Who counts among the buyers changed.
			if m.after, err = s.rankOf(ctx, tx, id); err != nil {
				return err
			}
			if err := s.bumpPurchases(ctx, tx, []rankMove{m}); err != nil {
				return err
			}
		}
		out, err = getCustomer(ctx, tx, id)
		return err
	})
	return out, err
}

// checkStatusChange holds a status set by hand to the lifecycle: a lost
// reason is for a lost customer (and goes when they leave lost); a
// prospect has bought nothing; won back is for a lapsed or lost customer
// who bought again. (Active or lapsed without a purchase recorded is a
// rep's customer from before the notebook.)
func (s *Store) checkStatusChange(ctx context.Context, tx *sql.Tx, c *Customer, was Customer) error {
	if c.Status != "lost" && c.LostReason != "" {
		if c.LostReason != was.LostReason || was.Status == "lost" && c.Status == was.Status {
			return Errorf(KindInvalid, "a lost reason is for a lost customer; %s is %s (set the status to lost with it)", c.Name, c.Status)
		}
		c.LostReason = "" // leaving lost: the reason goes with it
	}
	if c.Status == was.Status {
		return nil
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM purchases WHERE customer_id = ?`, c.ID).Scan(&n); err != nil {
		return s.wrap("edit customer", err)
	}
	switch {
	case c.Status == "prospect" && n > 0:
		return Errorf(KindInvalid, "%s has %d purchases: a prospect has bought nothing (active, lapsed, lost or dropped fit a buyer)", c.Name, n)
	case c.Status == "won_back" && (was.Status != "lapsed" && was.Status != "lost" || n == 0):
		return Errorf(KindInvalid, "won back is for a lapsed or lost customer who bought again; %s is %s", c.Name, was.Status)
	}
	return nil
}

// Duplicates lists the customers (archived ones too) who already have this
// phone or email, so adding a customer twice, or giving one another's
// number, is noticed. Phones match by PhoneKey: "+86 139 0000 2222" is
// 13900002222.
func (s *Store) Duplicates(ctx context.Context, phone, email string) ([]Customer, error) {
	key := PhoneKey(phone)
	if key == "" && email == "" {
		return nil, nil
	}
	ids := []int64{}
	if key != "" {
		err := s.eachPhoneKey(ctx, "find duplicates", func(id int64, k string) error {
			if k == key {
				ids = append(ids, id)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return s.customersWhere(ctx, `id IN (SELECT value FROM json_each(?1)) OR (?2 <> '' AND email = ?2 COLLATE NOCASE)`, 10, jsonIDs(ids), email)
}

// DuplicateField says which of the phone and email given to Duplicates
// made d a duplicate: "phone" or "email", and the value as given.
func DuplicateField(d Customer, phone, email string) (field, value string) {
	if k := PhoneKey(phone); k != "" && PhoneKey(d.Phone) == k {
		return "phone", phone
	}
	return "email", email
}

// eachPhoneKey calls fn with the id and PhoneKey of every customer who has
// a phone (archived ones too). Keys are made in Go, so the one definition
// serves everywhere; the phones are read from their index, about 45 ms for
// 100,000 customers on SQLite (a stored key, as name_pinyin is, would make
// it a look-up, at the cost of a column on both engines).
func (s *Store) eachPhoneKey(ctx context.Context, op string, fn func(id int64, key string) error) error {
	// From the index of phones (a third of the table read), on a read
	// connection as it is (a scan connection's switches cost more here).
	return s.eachFew(ctx, op, `SELECT id, phone FROM customers INDEXED BY customers_phone WHERE phone <> ''`, nil, func(v []driver.Value) error {
		if k := PhoneKey(vStr(v[1])); k != "" {
			return fn(vInt(v[0]), k)
		}
		return nil
	})
}

// customerSets is "col = ?, ..." for every writable profile column.
func customerSets() string {
	sets := strings.Split(customerWriteCols, ",")
	for i := range sets {
		sets[i] = strings.TrimSpace(sets[i]) + " = ?"
	}
	return strings.Join(sets, ", ")
}

func checkNoReferralCycle(ctx context.Context, tx *sql.Tx, id, ref int64) error {
	var n int
	err := tx.QueryRowContext(ctx, `WITH RECURSIVE up(id, depth) AS (
			SELECT CAST(? AS BIGINT), 0 UNION ALL
			SELECT c.referred_by, up.depth + 1 FROM customers c JOIN up ON c.id = up.id
			WHERE c.referred_by IS NOT NULL AND up.depth < 1000)
		SELECT count(*) FROM up WHERE id = ?`, ref, id).Scan(&n)
	if err != nil {
		return err
	}
	if n > 0 {
		return Errorf(KindInvalid, "that referral would make a loop (a customer referred by someone they referred)")
	}
	return nil
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func getCustomer(ctx context.Context, q queryer, id int64) (Customer, error) {
	c, err := scanCustomer(q.QueryRowContext(ctx, `SELECT `+customerCols+` FROM customers WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, Errorf(KindNotFound, "no customer with id %d", id)
	}
	return c, err
}

// Customer returns one customer by id.
func (s *Store) Customer(ctx context.Context, id int64) (Customer, error) {
	c, err := getCustomer(ctx, s.r, id)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return c, s.wrap("read customer", err)
	}
	return c, err
}

// CustomersByID returns the customers with the given ids, in no particular order.
func (s *Store) CustomersByID(ctx context.Context, ids []int64) (map[int64]Customer, error) {
	cs, err := queryAll(ctx, s, "read customers", scanCustomer,
		`SELECT `+customerCols+` FROM customers WHERE id IN (SELECT value FROM json_each(?))`, jsonIDs(ids))
	if err != nil {
		return nil, err
	}
	out := make(map[int64]Customer, len(cs))
	for _, c := range cs {
		out[c.ID] = c
	}
	return out, nil
}

// Names are the names of the customers ids, for lists that show only that.
func (s *Store) Names(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	err := s.eachFew(ctx, "read customers", `SELECT id, name FROM customers WHERE id IN (SELECT value FROM json_each(?))`,
		[]any{jsonIDs(ids)}, func(v []driver.Value) error {
			out[vInt(v[0])] = vStr(v[1])
			return nil
		})
	return out, err
}

// jsonIDs is ids as a JSON array, one parameter for "IN (SELECT value FROM
// json_each(?))" however many there are.
func jsonIDs(ids []int64) string {
	b := make([]byte, 0, 8*len(ids)+2)
	b = append(b, '[')
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	return string(append(b, ']'))
}

// ArchiveCustomer hides a customer from lists and the agenda, keeping its history.
func (s *Store) ArchiveCustomer(ctx context.Context, id int64) error {
	return s.setArchived(ctx, id, true)
}

// RestoreCustomer undoes ArchiveCustomer.
func (s *Store) RestoreCustomer(ctx context.Context, id int64) error {
	return s.setArchived(ctx, id, false)
}

func (s *Store) setArchived(ctx context.Context, id int64, archived bool) error {
	op, at := "restore customer", any(nil)
	if archived {
		op, at = "archive customer", s.stamp()
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		var m rankMove
		var err error
		if m.before, err = s.rankOf(ctx, tx, id); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE customers SET archived_at = ?, updated_at = ? WHERE id = ?`, at, s.stamp(), id)
		if err != nil {
			return s.wrap(op, err)
		}
		if err := expectOne(res, "customer", id); err != nil {
			return err
		}
		// Who counts among the buyers changed.
		if m.after, err = s.rankOf(ctx, tx, id); err != nil {
			return err
		}
		return s.bumpPurchases(ctx, tx, []rankMove{m})
	})
}

// PurgeCustomer deletes a customer and everything recorded about them.
func (s *Store) PurgeCustomer(ctx context.Context, id int64) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		m := rankMove{} // after: gone, not ranked
		var err error
		if m.before, err = s.rankOf(ctx, tx, id); err != nil {
			return err
		}
		if err := s.unindexCustomer(ctx, tx, id); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM customers WHERE id = ?`, id)
		if err != nil {
			return s.wrap("delete customer", err)
		}
		if err := expectOne(res, "customer", id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM purchase_totals WHERE customer_id = ?`, id); err != nil {
			return s.wrap("delete customer", err)
		}
		return s.bumpPurchases(ctx, tx, []rankMove{m})
	})
}

func expectOne(res sql.Result, what string, id int64) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return Errorf(KindNotFound, "no %s with id %d", what, id)
	}
	return nil
}

// AmbiguousError is returned when a customer reference matches several customers.
type AmbiguousError struct {
	Ref        string
	Candidates []Customer
}

func (e *AmbiguousError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%q matches %d customers; use an id or a longer name:", e.Ref, len(e.Candidates))
	for _, c := range e.Candidates {
		fmt.Fprintf(&b, "\n  %d\t%s", c.ID, c.Name)
		if c.Company != "" {
			fmt.Fprintf(&b, "\t%s", c.Company)
		}
		if c.Phone != "" {
			fmt.Fprintf(&b, "\t%s", c.Phone)
		}
	}
	return b.String()
}

// Unwrap makes errors.Is(err, ErrAmbiguous) true.
func (e *AmbiguousError) Unwrap() error { return ErrAmbiguous }

// ResolveCustomer finds the one customer a user means by ref: an id ("42"
// or "#42"), an external id, an exact name or a unique search match.
func (s *Store) ResolveCustomer(ctx context.Context, ref string) (Customer, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return Customer{}, Errorf(KindInvalid, "empty customer; give an id or a name")
	}
	if n, err := strconv.ParseInt(strings.TrimPrefix(ref, "#"), 10, 64); err == nil && n > 0 {
		c, err := s.Customer(ctx, n)
		if err == nil || !errors.Is(err, ErrNotFound) || strings.HasPrefix(ref, "#") {
			return c, err
		}
	}
	c, err := scanCustomer(s.r.QueryRowContext(short(ctx), `SELECT `+customerCols+` FROM customers WHERE external_id = ?`, ref))
	if err == nil {
		return c, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return c, s.wrap("find customer", err)
	}
	exact, err := s.customersWhere(ctx, `name = ? AND archived_at IS NULL`, 11, ref)
	if err != nil {
		return Customer{}, err
	}
	switch {
	case len(exact) == 1:
		return exact[0], nil
	case len(exact) > 1:
		return Customer{}, &AmbiguousError{Ref: ref, Candidates: exact[:min(10, len(exact))]}
	}
	hits, err := s.Search(ctx, ref, SearchOptions{Limit: 11})
	if err != nil {
		return Customer{}, err
	}
	if numberRef(ref) {
		// A number is an id, an external id, a name or a whole phone
		// number, not a part of someone's phone or notes: rolo rm 88
		// archived the one customer whose phone held 88, once no customer
		// 88 was left (ids change when a notebook is copied with new ids).
		var whole []SearchHit
		for _, h := range hits {
			if h.Rank == rankPhone {
				whole = append(whole, h)
			}
		}
		if len(whole) == 0 {
			return Customer{}, Errorf(KindNotFound, "no customer has the id, external id, name or phone number %s", ref)
		}
		hits = whole
	}
	switch {
	case len(hits) == 0:
		return Customer{}, Errorf(KindNotFound, "no customer matches %q", ref)
	case len(hits) == 1:
		return hits[0].Customer, nil
	case hits[0].Rank < hits[1].Rank && (hits[0].Rank <= rankNamePrefix || hits[0].Rank == rankPinyinExact):
		// One clearly better match: the only name that starts with ref, or
		// (no name matching) the only one whose pinyin or initials are ref:
		// zj is 张军 even when 郑静秀's zjx starts with it.
		return hits[0].Customer, nil
	}
	cands := make([]Customer, 0, len(hits))
	for _, h := range hits[:min(10, len(hits))] {
		cands = append(cands, h.Customer)
	}
	return Customer{}, &AmbiguousError{Ref: ref, Candidates: cands}
}

// numberRef says whether a customer reference is written as a number:
// digits, and the signs a phone number is written with.
func numberRef(ref string) bool {
	digits := false
	for _, r := range strings.TrimPrefix(ref, "#") {
		switch {
		case r >= '0' && r <= '9', r >= '０' && r <= '９':
			digits = true
		case strings.ContainsRune(" +-()./＋－（）　", r):
		default:
			return false
		}
	}
	return digits
}

func (s *Store) customersWhere(ctx context.Context, where string, limit int, args ...any) ([]Customer, error) {
	args = append(args, limit)
	return queryAll(ctx, s, "read customers", scanCustomer, `SELECT `+customerCols+` FROM customers WHERE `+where+` ORDER BY id LIMIT ?`, args...)
}

// CustomerFilter narrows ListCustomers. Empty fields match everything.
type CustomerFilter struct {
	Tag       string
	Status    string
	City      string
	IDs       []int64       // only these customers, when not nil
	Bands     []RevenueBand // only ranked buyers whose kept revenue is in one of these, when not nil
	Prospects bool          // with IDs or Bands: also the prospects (outside the ranks, not dropped)
	Archived  bool          // list archived customers instead of current ones
	Limit     int           // <= 0: no limit
	Offset    int
}

// ranked is true for a buyer in the ranks (bought, not archived, not dropped).
const ranked = `(t.customer_id IS NOT NULL AND c.archived_at IS NULL AND c.status <> 'dropped')`

// where is the filter as a condition on customers c joined to their kept
// totals t, and its arguments.
func (f CustomerFilter) where() (string, []any, error) {
	where := []string{"c.archived_at IS NULL"}
	if f.Archived {
		where[0] = "c.archived_at IS NOT NULL"
	}
	var args []any
	if f.Tag != "" {
		where = append(where, `(',' || c.tags || ',') LIKE ? ESCAPE '\'`)
		args = append(args, "%,"+likeEscape(f.Tag)+",%")
	}
	if f.Status != "" {
		if !contains(Statuses, f.Status) {
			return "", nil, Errorf(KindInvalid, "status %q is not one of %s", f.Status, strings.Join(Statuses, ", "))
		}
		where = append(where, "c.status = ?")
		args = append(args, f.Status)
	}
	if f.City != "" {
		where = append(where, "c.city = ?")
		args = append(args, f.City)
	}
	if f.IDs != nil {
		cond := "c.id IN (SELECT value FROM json_each(?))"
		if f.Prospects {
			cond = "(" + cond + " OR c.id NOT IN (SELECT customer_id FROM purchase_totals) AND c.status <> 'dropped')"
		}
		where = append(where, cond)
		args = append(args, jsonIDs(f.IDs))
	}
	if f.Bands != nil {
		var or []string
		for _, b := range f.Bands {
			if b.Max >= 0 && b.Min >= b.Max {
				continue // an empty tier
			}
			cond := "t.revenue >= ?"
			args = append(args, int64(b.Min))
			if b.Max >= 0 {
				cond += " AND t.revenue < ?"
				args = append(args, int64(b.Max))
			}
			or = append(or, "("+ranked+" AND "+cond+")")
		}
		if f.Prospects {
			or = append(or, "(NOT "+ranked+" AND c.status <> 'dropped')")
		}
		if len(or) == 0 {
			or = append(or, "1 = 0")
		}
		where = append(where, "("+strings.Join(or, " OR ")+")")
	}
	return strings.Join(where, " AND "), args, nil
}

// from is the customers c joined to their kept totals t. Asked for tiers
// (bands of revenue) only, the revenue index leads: a tier of 1,000 is
// read and sorted by name instead of probing every customer's totals.
func (f CustomerFilter) from() string {
	if f.Bands != nil && !f.Prospects {
		return `purchase_totals t CROSS JOIN customers c ON c.id = t.customer_id`
	}
	return `customers c LEFT JOIN purchase_totals t ON t.customer_id = c.id`
}

// ListCustomers returns customers matching f ordered by name, and how many
// match in all.
func (s *Store) ListCustomers(ctx context.Context, f CustomerFilter) ([]Customer, int, error) {
	total, err := s.CountCustomers(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	out := []Customer{}
	err = s.EachListed(ctx, f, func(l *Listed) error {
		out = append(out, l.Customer)
		return nil
	})
	return out, total, err
}

// CountCustomers is how many customers match f, leaving out its limit and offset.
func (s *Store) CountCustomers(ctx context.Context, f CustomerFilter) (int, error) {
	if f.IDs != nil && len(f.IDs) == 0 && !f.Prospects {
		return 0, nil
	}
	w, args, err := f.where()
	if err != nil {
		return 0, err
	}
	var total int
	err = s.r.QueryRowContext(short(ctx), `SELECT count(*) FROM `+f.from()+` WHERE `+w, args...).Scan(&total)
	return total, s.wrap("list customers", err)
}

// Listed is a customer as the list reads them: the profile, and where they
// stand among the buyers.
type Listed struct {
	Customer
	Revenue money.Amount // kept revenue over all purchases; 0 without any
	Ranked  bool         // a buyer in the ranks: bought, not archived, not dropped
}

// EachListed calls fn for each customer matching f, ordered by name
// (pinyin, then name, then id), as they are read: the first rows reach fn
// before the last are read. l is reused between calls.
func (s *Store) EachListed(ctx context.Context, f CustomerFilter, fn func(l *Listed) error) error {
	if f.IDs != nil && len(f.IDs) == 0 && !f.Prospects {
		return nil
	}
	w, args, err := f.where()
	if err != nil {
		return err
	}
	limit := f.Limit
	if limit <= 0 {
		limit = -1
	}
	args = append(args, int64(limit), int64(f.Offset))
	var l Listed
	ncol := customerColCount
	return s.eachLookup(ctx, "list customers", `SELECT `+customerCols+`, coalesce(t.revenue, 0), `+ranked+`
		FROM `+f.from()+` WHERE `+w+` ORDER BY c.name_pinyin, c.name, c.id LIMIT ? OFFSET ?`, args, func(v []driver.Value) error {
		c, err := scanCustomer(valueScanner(v[:ncol]))
		if err != nil {
			return err
		}
		l = Listed{Customer: c, Revenue: vMoney(v[ncol]), Ranked: vInt(v[ncol+1]) != 0}
		return fn(&l)
	})
}
