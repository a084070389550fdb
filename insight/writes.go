package insight

import (
	"context"
	"time"

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

// AddPurchase records a purchase note.
func (s *Service) AddPurchase(ctx context.Context, p store.Purchase) (store.Purchase, error) {
	return s.st.AddPurchase(ctx, p)
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
