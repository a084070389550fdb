// Package insight is rolo's use cases: the answers both front ends give —
// tiers as of a day, the agenda, lifetime value, the customer card, RFM,
// who moved — and the writes, with the rules that go with them. The
// command line and the TUI call it and only format what it returns, so a
// question is answered once and the two never disagree.
//
// It chooses how to read the notebook (the kept totals, a grouped pass as
// of a past day, the lean or the full metrics) so callers never do. It
// holds no SQL (the store does) and renders nothing (render, cmd and tui do).
package insight

import (
	"context"
	"sync"
	"time"

	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/settings"
	"github.com/rolo-crm/rolo/store"
)

// Service answers questions about one notebook. It is safe for concurrent use.
type Service struct {
	st *store.Store

	mu    sync.Mutex
	tiers tierCache // the last tiers computed, while the notebook is unchanged
}

// New serves the use cases of an open notebook.
func New(st *store.Store) *Service {
	return &Service{st: st}
}

// Store is the notebook behind the service, for what is not a use case:
// opening, closing, backups, imports and exports.
func (s *Service) Store() *store.Store { return s.st }

// Currency is the notebook currency.
func (s *Service) Currency() money.Currency { return s.st.Currency() }

// Settings are the notebook settings.
func (s *Service) Settings(ctx context.Context) (settings.Settings, error) {
	return s.st.Settings(ctx)
}

// day is t as a calendar date (midnight UTC), how every rule counts days.
func day(t time.Time) time.Time { return store.Today(t) }
