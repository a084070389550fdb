package insight

import (
	"context"
	"time"

	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/tiering"
)

// RFMRow is one buyer's RFM scores and what they are scored on.
type RFMRow struct {
	tiering.RFM
	Name         string
	RecencyDays  int
	PurchaseDays int
	Revenue      money.Amount
}

// SegmentShare is one RFM segment's customers and revenue.
type SegmentShare struct {
	Segment       tiering.Segment
	Customers     int
	CustomerShare float64 // percent of buyers
	RevenueShare  float64 // percent of revenue
}

// RFM is every buyer scored on recency, frequency and monetary value.
type RFM struct {
	Rows     []RFMRow
	Grid     [6][6]int // customers by R (rows) and F (columns), 1–5
	Segments []SegmentShare
}

// RFM scores every buyer as of a day.
func (s *Service) RFM(ctx context.Context, asOf time.Time) (*RFM, error) {
	asOf = day(asOf)
	ms, err := s.st.Metrics(ctx, asOf, store.MetricsOptions{Lean: true})
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*tiering.Metrics, len(ms)) // pointers: no copy of 100,000 metrics
	for i := range ms {
		byID[ms[i].ID] = &ms[i]
	}
	scores := tiering.ComputeRFM(ms, asOf)
	out := &RFM{Rows: make([]RFMRow, len(scores))}
	segN := map[tiering.Segment]int{}
	segRev := map[tiering.Segment]money.Amount{}
	var total money.Amount
	for i, r := range scores {
		m := byID[r.ID]
		out.Rows[i] = RFMRow{RFM: r, Name: m.Name, RecencyDays: m.RecencyDays(asOf), PurchaseDays: m.PurchaseDays, Revenue: m.Revenue}
		out.Grid[r.R][r.F]++
		segN[r.Segment]++
		segRev[r.Segment] += m.Revenue
		total += m.Revenue
	}
	for _, seg := range tiering.Segments {
		if segN[seg] == 0 {
			continue
		}
		sh := SegmentShare{Segment: seg, Customers: segN[seg], CustomerShare: 100 * float64(segN[seg]) / float64(len(scores))}
		if total > 0 {
			sh.RevenueShare = 100 * float64(segRev[seg]) / float64(total)
		}
		out.Segments = append(out.Segments, sh)
	}
	return out, nil
}
