package store

import (
	"context"
	"database/sql"
	"errors"

	"strings"
	"time"
	"unicode/utf8"

	"github.com/rolo-crm/rolo/internal/suggest"
)

// ContactKinds are the kinds of entries in the contact log.
var ContactKinds = []string{"visit", "call", "message", "email", "meeting", "gift", "greeting", "feedback", "complaint"}

// ChineseContactKinds are the Chinese words a rep may write for the kinds,
// in the order help lists them.
var ChineseContactKinds = [][2]string{
	{"拜访", "visit"}, {"电话", "call"}, {"微信", "message"}, {"短信", "message"}, {"邮件", "email"},
	{"会议", "meeting"}, {"礼物", "gift"}, {"问候", "greeting"}, {"反馈", "feedback"}, {"投诉", "complaint"},
}

// ParseContactKind reads a contact kind in English (any case) or Chinese
// (电话 is call, 微信 and 短信 are message...); an unknown one is an error
// that suggests the kind probably meant.
func ParseContactKind(s string) (string, error) {
	in := strings.ToLower(strings.TrimSpace(s))
	if contains(ContactKinds, in) {
		return in, nil
	}
	words := make([]string, 0, len(ContactKinds)+len(ChineseContactKinds))
	words = append(words, ContactKinds...)
	for _, zh := range ChineseContactKinds {
		if zh[0] == in {
			return zh[1], nil
		}
		words = append(words, zh[0])
	}
	if near := suggest.Closest(in, words); len(near) > 0 {
		return "", Errorf(KindInvalid, "contact kind %q is not known; did you mean %s?", s, suggest.Phrase(near))
	}
	var zh []string
	for _, k := range ChineseContactKinds {
		zh = append(zh, k[0]+" "+k[1])
	}
	return "", Errorf(KindInvalid, "contact kind %q is not one of %s (or in Chinese: %s)", s, strings.Join(ContactKinds, ", "), strings.Join(zh, ", "))
}

// Contact is one entry of the contact log.
type Contact struct {
	ID              int64   `json:"id"`
	CustomerID      int64   `json:"customer_id"`
	At              string  `json:"at"`
	Kind            string  `json:"kind"`
	Summary         string  `json:"summary"`
	ComplaintStatus string  `json:"complaint_status"`
	ResolvedAt      *string `json:"resolved_at"`
	CreatedAt       string  `json:"created_at"`
}

// Validate checks a contact before it is written.
func (c *Contact) Validate() error {
	kind, err := ParseContactKind(c.Kind)
	if err != nil {
		return err
	}
	c.Kind = kind
	if _, err := time.Parse(time.RFC3339, c.At); err != nil {
		return Errorf(KindInvalid, "contact time %q is not an RFC 3339 timestamp", c.At)
	}
	if !utf8.ValidString(c.Summary) {
		return Errorf(KindInvalid, "summary is not valid UTF-8 text")
	}
	if c.Kind == "complaint" && c.ComplaintStatus == "" {
		c.ComplaintStatus = "open"
	}
	if c.Kind != "complaint" && c.ComplaintStatus != "" {
		return Errorf(KindInvalid, "only complaints have a status")
	}
	return nil
}

const contactCols = `id, customer_id, at, kind, summary, complaint_status, resolved_at, created_at`

func scanContact(sc scanner) (Contact, error) {
	var c Contact
	var res sql.NullString
	err := sc.Scan(&c.ID, &c.CustomerID, &c.At, &c.Kind, &c.Summary, &c.ComplaintStatus, &res, &c.CreatedAt)
	if res.Valid {
		c.ResolvedAt = &res.String
	}
	return c, err
}

// AddContact records a contact (a visit, call, greeting, complaint...).
func (s *Store) AddContact(ctx context.Context, c Contact) (Contact, error) {
	if c.At == "" {
		c.At = s.stamp()
	}
	if err := c.Validate(); err != nil {
		return c, err
	}
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		id, err := s.insertContact(ctx, tx, &c)
		if err != nil {
			return err
		}
		c.ID = id
		return s.reindexCustomer(ctx, tx, srcContact, c.CustomerID)
	})
	return c, err
}

func (s *Store) insertContact(ctx context.Context, tx execer, c *Contact) (int64, error) {
	if c.CreatedAt == "" {
		c.CreatedAt = s.stamp()
	}
	var res any
	if c.ResolvedAt != nil {
		res = *c.ResolvedAt
	}
	r, err := tx.ExecContext(ctx, `INSERT INTO contacts(id, customer_id, at, kind, summary, complaint_status, resolved_at, created_at)
		VALUES (?,?,?,?,?,?,?,?)`, nullID(c.ID), c.CustomerID, c.At, c.Kind, c.Summary, c.ComplaintStatus, res, c.CreatedAt)
	if err != nil {
		switch sqliteCode(err) {
		case sqliteConstraintForeignKey:
			return 0, Errorf(KindNotFound, "no customer with id %d", c.CustomerID)
		case sqliteConstraintPrimaryKey:
			return 0, Errorf(KindConflict, "contact id %d is already used", c.ID)
		}
		return 0, s.wrap("log contact", err)
	}
	return r.LastInsertId()
}

// Contacts lists a customer's contact log, newest first; limit <= 0 means all.
func (s *Store) Contacts(ctx context.Context, customerID int64, limit int) ([]Contact, error) {
	if limit <= 0 {
		limit = -1
	}
	return s.contactsWhere(ctx, `customer_id = ? ORDER BY at DESC, id DESC LIMIT ?`, customerID, limit)
}

// OpenComplaints lists a customer's unresolved complaints, oldest first.
func (s *Store) OpenComplaints(ctx context.Context, customerID int64) ([]Contact, error) {
	return s.contactsWhere(ctx, `customer_id = ? AND complaint_status = 'open' ORDER BY at, id`, customerID)
}

func (s *Store) contactsWhere(ctx context.Context, where string, args ...any) ([]Contact, error) {
	return queryAll(ctx, s, "read contacts", scanContact, `SELECT `+contactCols+` FROM contacts WHERE `+where, args...)
}

// CheckInDays is how long after a complaint is resolved the rep checks that
// the customer is satisfied.
const CheckInDays = 3

// ResolveComplaint marks complaint id resolved at the given time and
// schedules a satisfaction check-in follow-up. It returns the follow-up.
func (s *Store) ResolveComplaint(ctx context.Context, id int64, at time.Time, note string) (FollowUp, error) {
	var f FollowUp
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		c, err := scanContact(tx.QueryRowContext(ctx, `SELECT `+contactCols+` FROM contacts WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return Errorf(KindNotFound, "no contact with id %d", id)
		} else if err != nil {
			return s.wrap("resolve complaint", err)
		}
		if c.Kind != "complaint" {
			return Errorf(KindInvalid, "contact %d is a %s, not a complaint", id, c.Kind)
		}
		if c.ComplaintStatus == "resolved" {
			return Errorf(KindConflict, "complaint %d was already resolved at %s", id, *c.ResolvedAt)
		}
		stamp := at.UTC().Format(time.RFC3339)
		if _, err := tx.ExecContext(ctx, `UPDATE contacts SET complaint_status = 'resolved', resolved_at = ? WHERE id = ?`, stamp, id); err != nil {
			return s.wrap("resolve complaint", err)
		}
		if note != "" {
			fb := Contact{CustomerID: c.CustomerID, At: stamp, Kind: "feedback", Summary: note}
			if _, err := s.insertContact(ctx, tx, &fb); err != nil {
				return err
			}
			if err := s.reindexCustomer(ctx, tx, srcContact, c.CustomerID); err != nil {
				return err
			}
		}
		f = FollowUp{CustomerID: c.CustomerID, Due: Today(at).AddDate(0, 0, CheckInDays).Format(DateLayout),
			What: "satisfaction check-in after resolved complaint: " + firstLine(c.Summary, 60), Source: "complaint"}
		f.ID, err = s.insertFollowUp(ctx, tx, &f)
		return err
	})
	return f, err
}

func firstLine(s string, max int) string {
	s, _, _ = strings.Cut(s, "\n")
	if utf8.RuneCountInString(s) > max {
		r := []rune(s)
		s = string(r[:max-1]) + "…"
	}
	return s
}
