package main

import (
	"time"

	"github.com/rolo-crm/rolo/insight"
	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/tiering"
)

// JSON views of what commands print: money as decimal strings in the
// notebook currency (never floats), unknown values as null, snake_case keys.

type purchaseJSON struct {
	ID              int64          `json:"id"`
	CustomerID      int64          `json:"customer_id"`
	Date            string         `json:"date"`
	Item            string         `json:"item"`
	Quantity        float64        `json:"quantity"`
	Amount          money.Decimal  `json:"amount"`
	Cost            *money.Decimal `json:"cost"` // null: not recorded
	Paid            *money.Decimal `json:"paid"` // null: paid in full at the sale
	Channel         string         `json:"channel"`
	SpecialRequests string         `json:"special_requests"`
	Mood            string         `json:"mood"`
	NextDate        *string        `json:"next_date"` // null: no expected next purchase recorded
	Note            string         `json:"note"`
	CreatedAt       string         `json:"created_at"`
}

func (a *App) purchaseJSON(p store.Purchase) purchaseJSON {
	cur := a.currency()
	return purchaseJSON{ID: p.ID, CustomerID: p.CustomerID, Date: p.Date, Item: p.Item, Quantity: p.Quantity,
		Amount: cur.In(p.Amount), Cost: cur.Opt(p.Cost), Paid: cur.Opt(p.Paid), Channel: p.Channel,
		SpecialRequests: p.SpecialRequests, Mood: p.Mood, NextDate: optString(p.NextDate), Note: p.Note, CreatedAt: p.CreatedAt}
}

// optString is s, or null when it is empty (a date not recorded).
func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

type metricsJSON struct {
	Revenue            money.Decimal  `json:"revenue"`
	Revenue12          money.Decimal  `json:"revenue_last_12m"` // the 365 days up to today
	RevenuePrev12      money.Decimal  `json:"revenue_prev_12m"` // the 365 days before those
	Profit             *money.Decimal `json:"profit"`           // null when no purchase has a recorded cost
	RevenueWithoutCost money.Decimal  `json:"revenue_without_cost"`
	Paid               money.Decimal  `json:"paid"`
	Outstanding        money.Decimal  `json:"outstanding"`
	Purchases          int            `json:"purchases"`
	PurchaseDays       int            `json:"purchase_days"`
	FirstPurchase      *string        `json:"first_purchase"`
	LastPurchase       *string        `json:"last_purchase"`
	LastContact        *string        `json:"last_contact"`
	Referrals          int            `json:"referrals"`
	ReferredRevenue    money.Decimal  `json:"referred_revenue"`
	Satisfaction       *float64       `json:"satisfaction"` // latest survey, 1–5; null without one
	Loyalty            *float64       `json:"loyalty"`      // latest loyalty index, 0–100; null without one
	OpenComplaints     int            `json:"open_complaints"`
	ResolvedComplaints int            `json:"resolved_complaints"`
}

func optDay(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.Format(store.DateLayout)
	return &s
}

func optScore(v float64) *float64 {
	if v == 0 {
		return nil
	}
	return &v
}

func (a *App) metricsJSON(m tiering.Metrics) metricsJSON {
	cur := a.currency()
	var profit *money.Decimal
	if m.Revenue == 0 || m.Uncosted < m.Revenue {
		profit = cur.Opt(&m.Profit)
	}
	return metricsJSON{Revenue: cur.In(m.Revenue), Revenue12: cur.In(m.Revenue12), RevenuePrev12: cur.In(m.RevenuePrev12),
		Profit: profit, RevenueWithoutCost: cur.In(m.Uncosted),
		Paid: cur.In(m.Paid), Outstanding: cur.In(m.Outstanding), Purchases: m.Purchases, PurchaseDays: m.PurchaseDays,
		FirstPurchase: optDay(m.First), LastPurchase: optDay(m.Last), LastContact: optDay(m.LastContact),
		Referrals: m.Referrals, ReferredRevenue: cur.In(m.ReferredRevenue), Satisfaction: optScore(m.Satisfaction),
		Loyalty: optScore(m.Loyalty), OpenComplaints: m.OpenComplaints, ResolvedComplaints: m.ResolvedComplaints}
}

type lifetimeJSON struct {
	PAlive        *float64       `json:"p_alive"`                // null when the models were not fitted
	Expected90    *float64       `json:"expected_purchases_90d"` // null when the models were not fitted
	ExpectedSpend *money.Decimal `json:"expected_spend"`         // null when the models were not fitted
	CLV           money.Decimal  `json:"clv"`
}

func (a *App) lifetimeJSON(r insight.LifetimeRow) lifetimeJSON {
	out := lifetimeJSON{CLV: a.dec(r.CLV)}
	if r.Known {
		p, e, s := r.PAlive, r.Expected90, a.dec(r.ExpectedSpend)
		out.PAlive, out.Expected90, out.ExpectedSpend = &p, &e, &s
	}
	return out
}
