package insight

import (
	"context"
	"strings"
	"time"

	"github.com/rolo-crm/rolo/money"

	"github.com/rolo-crm/rolo/store"
)

// The records: looking customers up and writing what a rep records. The
// rules that go with a write (a first purchase makes a prospect active, a
// resolved complaint schedules a check-in) are kept by the store in the
// same transaction; those that need tiers or the agenda live here.

// Resolve finds the one customer a rep means by ref: an id (42, #42), an
// external id, an exact name, or a unique search match.
func (s *Service) Resolve(ctx context.Context, ref string) (store.Customer, error) {
	return s.st.ResolveCustomer(ctx, ref)
}

// Customer reads one customer.
func (s *Service) Customer(ctx context.Context, id int64) (store.Customer, error) {
	return s.st.Customer(ctx, id)
}

// Accounts is one page of the accounts list.
func (s *Service) Accounts(ctx context.Context, q store.AccountQuery) ([]store.AccountRow, int, error) {
	return s.st.Accounts(ctx, q)
}

// Search finds customers by name, pinyin, initials, profile or history.
func (s *Service) Search(ctx context.Context, q string, o store.SearchOptions) ([]store.SearchHit, error) {
	return s.st.Search(ctx, q, o)
}

// PrepareShortSearch keeps the names in memory for one- and two-character
// searches (a long-lived caller: the TUI).
func (s *Service) PrepareShortSearch(ctx context.Context) error { return s.st.PrepareShortSearch(ctx) }

// AddCustomer adds a customer.
func (s *Service) AddCustomer(ctx context.Context, c store.Customer) (store.Customer, error) {
	return s.st.AddCustomer(ctx, c)
}

// UpdateCustomer changes a customer's profile with fn, in one transaction.
func (s *Service) UpdateCustomer(ctx context.Context, id int64, fn func(c *store.Customer) error) (store.Customer, error) {
	return s.st.UpdateCustomer(ctx, id, fn)
}

// ArchiveCustomer hides a customer from lists, ranks and the agenda.
func (s *Service) ArchiveCustomer(ctx context.Context, id int64) error {
	return s.st.ArchiveCustomer(ctx, id)
}

// RestoreCustomer brings an archived customer back.
func (s *Service) RestoreCustomer(ctx context.Context, id int64) error {
	return s.st.RestoreCustomer(ctx, id)
}

// PurgeCustomer deletes a customer and everything recorded about them.
func (s *Service) PurgeCustomer(ctx context.Context, id int64) error {
	return s.st.PurgeCustomer(ctx, id)
}

// AddContact records a contact.
func (s *Service) AddContact(ctx context.Context, c store.Contact) (store.Contact, error) {
	return s.st.AddContact(ctx, c)
}

// AddFollowUp schedules a follow-up.
func (s *Service) AddFollowUp(ctx context.Context, f store.FollowUp) (store.FollowUp, error) {
	return s.st.AddFollowUp(ctx, f)
}

// CompleteFollowUp marks a follow-up done.
func (s *Service) CompleteFollowUp(ctx context.Context, id int64, at time.Time) (store.FollowUp, error) {
	return s.st.CompleteFollowUp(ctx, id, at)
}

// RescheduleFollowUp moves an open follow-up to another day.
func (s *Service) RescheduleFollowUp(ctx context.Context, id int64, due time.Time) error {
	return s.st.RescheduleFollowUp(ctx, id, due)
}

// OpenComplaints lists a customer's unresolved complaints, oldest first.
func (s *Service) OpenComplaints(ctx context.Context, id int64) ([]store.Contact, error) {
	return s.st.OpenComplaints(ctx, id)
}

// ResolveComplaint resolves a complaint and schedules a satisfaction check-in.
func (s *Service) ResolveComplaint(ctx context.Context, id int64, at time.Time, note string) (store.FollowUp, error) {
	return s.st.ResolveComplaint(ctx, id, at, note)
}

// AddSurvey records a loyalty survey.
func (s *Service) AddSurvey(ctx context.Context, v store.Survey) (store.Survey, error) {
	return s.st.AddSurvey(ctx, v)
}

// Purchase reads one purchase.
func (s *Service) Purchase(ctx context.Context, id int64) (store.Purchase, error) {
	return s.st.Purchase(ctx, id)
}

// UpdatePurchase corrects a purchase with fn; totals, rhythm, tiers and
// search follow at once.
func (s *Service) UpdatePurchase(ctx context.Context, id int64, fn func(p *store.Purchase) error) (store.Purchase, error) {
	return s.st.UpdatePurchase(ctx, id, fn)
}

// DeletePurchase removes a purchase and its payments, returning them (for undo).
func (s *Service) DeletePurchase(ctx context.Context, id int64) (store.Purchase, []store.Payment, error) {
	return s.st.DeletePurchase(ctx, id)
}

// Owes is what a customer still owes on their purchases.
func (s *Service) Owes(ctx context.Context, id int64) (money.Amount, error) {
	ds, err := s.st.Debts(ctx, id, time.Time{}) // everything recorded, planned purchases too
	var sum money.Amount
	for _, d := range ds {
		sum += d.Outstanding
	}
	return sum, err
}

// DeletePurchaseAlone deletes a purchase with no payment recorded
// against it; with some, nothing (see store.PaymentsRecorded).
func (s *Service) DeletePurchaseAlone(ctx context.Context, id int64) (store.Purchase, error) {
	return s.st.DeletePurchaseAlone(ctx, id)
}

// RestorePurchase puts back a deleted purchase with its payments, and the
// thank-you it called for (deleting it took that away).
func (s *Service) RestorePurchase(ctx context.Context, p store.Purchase, pays []store.Payment) error {
	if err := s.st.RestorePurchase(ctx, p, pays); err != nil {
		return err
	}
	_, err := s.thank(ctx, p)
	return err
}

// Contact reads one contact.
func (s *Service) Contact(ctx context.Context, id int64) (store.Contact, error) {
	return s.st.Contact(ctx, id)
}

// UpdateContact corrects a contact with fn.
func (s *Service) UpdateContact(ctx context.Context, id int64, fn func(c *store.Contact) error) (store.Contact, error) {
	return s.st.UpdateContact(ctx, id, fn)
}

// DeleteContact removes a contact, returning it (for undo).
func (s *Service) DeleteContact(ctx context.Context, id int64) (store.Contact, error) {
	return s.st.DeleteContact(ctx, id)
}

// RestoreContact puts back a deleted contact.
func (s *Service) RestoreContact(ctx context.Context, c store.Contact) error {
	return s.st.RestoreContact(ctx, c)
}

// FollowUp reads one follow-up.
func (s *Service) FollowUp(ctx context.Context, id int64) (store.FollowUp, error) {
	return s.st.FollowUp(ctx, id)
}

// UpdateFollowUp corrects a follow-up with fn.
func (s *Service) UpdateFollowUp(ctx context.Context, id int64, fn func(f *store.FollowUp) error) (store.FollowUp, error) {
	return s.st.UpdateFollowUp(ctx, id, fn)
}

// DeleteFollowUp removes a follow-up, returning it (for undo).
func (s *Service) DeleteFollowUp(ctx context.Context, id int64) (store.FollowUp, error) {
	return s.st.DeleteFollowUp(ctx, id)
}

// RestoreFollowUp puts back a deleted follow-up.
func (s *Service) RestoreFollowUp(ctx context.Context, f store.FollowUp) error {
	return s.st.RestoreFollowUp(ctx, f)
}

// Pay records a payment by a customer: on one purchase, or spread over
// their oldest unpaid purchases; never more than is owed.
func (s *Service) Pay(ctx context.Context, customerID int64, amount money.Amount, date time.Time, purchaseID int64, note string) ([]store.Payment, error) {
	return s.st.Pay(ctx, customerID, amount, date, purchaseID, note)
}

// Payment reads one payment.
func (s *Service) Payment(ctx context.Context, id int64) (store.Payment, error) {
	return s.st.Payment(ctx, id)
}

// DeletePayment removes a payment recorded by mistake.
func (s *Service) DeletePayment(ctx context.Context, id int64) error {
	return s.st.DeletePayment(ctx, id)
}

// RestorePayment puts back a deleted payment.
func (s *Service) RestorePayment(ctx context.Context, p store.Payment) error {
	return s.st.RestorePayment(ctx, p)
}

// Duplicate is another customer who already has the phone or email a
// customer is given: which field, and the value given.
type Duplicate struct {
	Customer     store.Customer
	Field, Value string
}

// DuplicateOf is the customer c's phone or email would be shared with, nil
// when none (phones compared by their digits, as the store compares them).
// For a customer being edited (was), only a phone or email that changes
// counts, and they are no duplicate of themselves. The CLI and the TUI ask
// (or refuse) on what this finds.
func (s *Service) DuplicateOf(ctx context.Context, c store.Customer, was *store.Customer) (*Duplicate, error) {
	phone, email := c.Phone, c.Email
	if was != nil {
		if store.PhoneKey(phone) == store.PhoneKey(was.Phone) {
			phone = ""
		}
		if strings.EqualFold(strings.TrimSpace(email), strings.TrimSpace(was.Email)) {
			email = ""
		}
	}
	if strings.TrimSpace(phone) == "" && strings.TrimSpace(email) == "" {
		return nil, nil
	}
	dups, err := s.st.Duplicates(ctx, phone, email)
	if err != nil {
		return nil, err
	}
	for _, d := range dups {
		if was != nil && d.ID == was.ID {
			continue
		}
		field, value := store.DuplicateField(d, phone, email)
		return &Duplicate{Customer: d, Field: field, Value: value}, nil
	}
	return nil, nil
}
