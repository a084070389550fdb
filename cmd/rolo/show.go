package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/rolo-crm/rolo/tiering/clv"

	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/tiering"
	"github.com/rolo-crm/rolo/tui/termtext"
	"github.com/spf13/cobra"
)

func clean(s string) string { return termtext.Clean(s) }

// profile is what show prints and --json returns.
type profile struct {
	Customer  store.Customer     `json:"customer"`
	Tier      tiering.Tier       `json:"tier"`
	TierLabel string             `json:"tier_label"`
	Treatment tiering.Treatment  `json:"treatment"`
	Metrics   tiering.Metrics    `json:"metrics"`
	Referrer  *store.Customer    `json:"referrer"`
	Purchases []store.Purchase   `json:"purchases"`
	Contacts  []store.Contact    `json:"contacts"`
	FollowUps []store.FollowUp   `json:"followups"`
	Surveys   []store.Survey     `json:"surveys"`
	History   []store.TierChange `json:"tier_history"`
	Open      []store.Contact    `json:"open_complaints"`
	Lifetime  *lifetime          `json:"lifetime"`
}

func newShowCmd(a *App) *cobra.Command {
	var n int
	cmd := &cobra.Command{
		Use:   "show CUSTOMER",
		Short: "Show a customer's card: profile, tier, purchases, contacts, follow-ups",
		Args:  exactArgs(1, "a CUSTOMER (id or name)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, today, st, err := a.open(cmd)
			if err != nil {
				return err
			}
			c, err := st.ResolveCustomer(ctx, args[0])
			if err != nil {
				return err
			}
			p := profile{Customer: c}
			cfg, err := tierConfig(ctx, st)
			if err != nil {
				return err
			}
			full, err := st.Metrics(ctx, today, store.MetricsOptions{Only: c.ID})
			if err != nil {
				return err
			}
			if len(full) == 1 {
				p.Metrics = full[0]
			}
			if p.Tier, err = tierOf(ctx, st, cfg, c.ID, p.Metrics, today); err != nil {
				return err
			}
			p.TierLabel = tiering.Label(p.Tier)
			p.Treatment = tiering.TreatmentFor(p.Tier)
			if c.CadenceDays != nil {
				p.Treatment.CadenceDays = *c.CadenceDays
			}
			if c.ReferredBy != nil {
				if r, err := st.Customer(ctx, *c.ReferredBy); err == nil {
					p.Referrer = &r
				}
			}
			if p.Purchases, err = st.Purchases(ctx, c.ID, n); err != nil {
				return err
			}
			if p.Contacts, err = st.Contacts(ctx, c.ID, n); err != nil {
				return err
			}
			if p.FollowUps, err = st.FollowUps(ctx, c.ID, true); err != nil {
				return err
			}
			if p.Surveys, err = st.Surveys(ctx, c.ID); err != nil {
				return err
			}
			if p.History, err = st.TierHistory(ctx, c.ID); err != nil {
				return err
			}
			if p.Open, err = st.OpenComplaints(ctx, c.ID); err != nil {
				return err
			}
			if p.Lifetime, err = lifetimeOf(ctx, st, c.ID, today); err != nil {
				return err
			}
			if a.JSON {
				return writeJSON(a.Out, p)
			}
			if !a.IsTTY {
				return a.showPlain(p)
			}
			return a.showCard(p, today)
		},
	}
	cmd.Flags().IntVarP(&n, "limit", "n", 10, "recent purchases and contacts to show (0: all)")
	return cmd
}

func birthdayText(c store.Customer) string {
	if c.Birthday == "" {
		return ""
	}
	s := c.Birthday
	if c.BirthdayLunar {
		s += " (lunar"
		if c.BirthdayLeap {
			s += ", leap month"
		}
		s += ")"
	}
	return s
}

func (a *App) profileFields(p profile) [][2]string {
	c, m := p.Customer, p.Metrics
	ref := ""
	if p.Referrer != nil {
		ref = fmt.Sprintf("%s (#%d)", p.Referrer.Name, p.Referrer.ID)
	}
	custom := make([]string, 0, len(c.Custom))
	for _, k := range sortedKeys(c.Custom) {
		custom = append(custom, k+"="+c.Custom[k])
	}
	cad := ""
	if c.CadenceDays != nil {
		cad = strconv.Itoa(*c.CadenceDays) + " days"
	}
	return [][2]string{
		{"id", strconv.FormatInt(c.ID, 10)}, {"name", c.Name}, {"external_id", c.ExternalID},
		{"company", c.Company}, {"title", c.Title}, {"phone", c.Phone}, {"email", c.Email},
		{"wechat", c.WeChat}, {"address", c.Address}, {"city", c.City}, {"birthday", birthdayText(c)},
		{"gender", c.Gender}, {"occupation", c.Occupation}, {"source", c.Source}, {"referred_by", ref},
		{"status", c.Status}, {"lost_reason", c.LostReason}, {"attitude", c.Attitude},
		{"tags", strings.Join(c.Tags, ",")}, {"custom", strings.Join(custom, " ")}, {"cadence", cad},
		{"preferences", c.Preferences}, {"needs", c.Needs}, {"notes", c.Notes},
		{"tier", string(p.Tier)}, {"revenue", store.FormatMoney(m.Revenue)}, {"profit", store.FormatMoney(m.Profit)},
		{"outstanding", store.FormatMoney(m.Outstanding)}, {"purchases", strconv.Itoa(m.Purchases)},
		{"referrals", strconv.Itoa(m.Referrals)}, {"open_complaints", strconv.Itoa(m.OpenComplaints)},
	}
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

// showPlain prints field<TAB>value lines, then one line per purchase,
// contact and follow-up led by its kind, for grep and cut.
func (a *App) showPlain(p profile) error {
	t := a.newTable()
	for _, f := range a.profileFields(p) {
		if f[1] != "" {
			t.add(f[0], f[1])
		}
	}
	for _, x := range p.Purchases {
		t.add("purchase", strconv.FormatInt(x.ID, 10), x.Date, x.Item, strconv.FormatFloat(x.Quantity, 'f', -1, 64), store.FormatMoney(x.Amount), x.Note)
	}
	for _, x := range p.Contacts {
		t.add("contact", strconv.FormatInt(x.ID, 10), x.At, x.Kind, x.Summary, x.ComplaintStatus)
	}
	for _, x := range p.FollowUps {
		t.add("followup", strconv.FormatInt(x.ID, 10), x.Due, x.What)
	}
	return t.print()
}

func (a *App) showCard(p profile, today time.Time) error {
	r := a.renderer()
	bold := r.NewStyle().Bold(true)
	dim := r.NewStyle().Faint(true)
	badge := r.NewStyle().Bold(true).Reverse(true).Padding(0, 1)
	c, m := p.Customer, p.Metrics
	w := a.Out
	title := bold.Render(clean(c.Name))
	if c.Company != "" {
		title += "  " + clean(c.Company)
		if c.Title != "" {
			title += " · " + clean(c.Title)
		}
	}
	fmt.Fprintf(w, "%s  %s  %s\n", title, dim.Render(fmt.Sprintf("#%d", c.ID)),
		badge.Render(strings.ToUpper(string(p.Tier))+" "+tiering.Label(p.Tier)))
	line := func(pairs ...string) {
		var parts []string
		for i := 0; i+1 < len(pairs); i += 2 {
			if pairs[i+1] != "" {
				parts = append(parts, dim.Render(pairs[i])+" "+clean(pairs[i+1]))
			}
		}
		if len(parts) > 0 {
			fmt.Fprintln(w, strings.Join(parts, "   "))
		}
	}
	line("phone", c.Phone, "wechat", c.WeChat, "email", c.Email)
	line("city", c.City, "address", c.Address)
	line("birthday", birthdayText(c), "gender", c.Gender, "occupation", c.Occupation)
	ref := ""
	if p.Referrer != nil {
		ref = fmt.Sprintf("%s (#%d)", p.Referrer.Name, p.Referrer.ID)
	}
	status := c.Status
	if c.LostReason != "" {
		status += " — " + c.LostReason
	}
	line("status", status, "source", c.Source, "referred by", ref, "attitude", c.Attitude)
	custom := make([]string, 0, len(c.Custom))
	for _, k := range sortedKeys(c.Custom) {
		custom = append(custom, k+"="+c.Custom[k])
	}
	line("tags", strings.Join(c.Tags, ", "), "custom", strings.Join(custom, " "))
	for _, f := range [][2]string{{"preferences", c.Preferences}, {"needs", c.Needs}, {"notes", c.Notes}} {
		if f[1] != "" {
			fmt.Fprintf(w, "%s %s\n", dim.Render(f[0]), termtext.CleanText(f[1]))
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "%s  revenue %s · profit %s · outstanding %s · %d purchases on %d days",
		bold.Render("Value"), a.money(m.Revenue), a.money(m.Profit), a.money(m.Outstanding), m.Purchases, m.PurchaseDays)
	if !m.Last.IsZero() {
		fmt.Fprintf(w, " · last %s", relDay(m.Last, today))
	}
	fmt.Fprintln(w)
	if m.Referrals > 0 {
		fmt.Fprintf(w, "%s  referred %d customers who bought %s\n", bold.Render("Referrals"), m.Referrals, a.money(m.ReferredRevenue))
	}
	tr := p.Treatment
	fmt.Fprintf(w, "%s  %s — contact every %d days; %s; %s\n", bold.Render("Treatment"), tiering.Label(p.Tier), tr.CadenceDays, tr.Service, tr.Action)
	if lt := p.Lifetime; lt != nil {
		fmt.Fprintf(w, "%s  %.0f%% likely still buying · %.1f purchases expected in 90 days · %s per purchase · worth %s over 12 months (model of %s)\n",
			bold.Render("Lifetime"), 100*lt.PAlive, lt.Expected90, a.money(int64(lt.ExpectedSpend*100+0.5)), a.money(int64(lt.CLV*100+0.5)), lt.ModelAsOf)
	}
	if len(p.Surveys) > 0 {
		s := p.Surveys[0]
		fmt.Fprintf(w, "%s  loyalty %.0f/100 (survey %s: satisfaction %d, initiative %d, repurchase %d, recommend %d, resistance %d)\n",
			bold.Render("Loyalty"), m.Loyalty, s.Date, s.Satisfaction, s.Initiative, s.Repurchase, s.Recommend, s.Resistance)
	}
	if len(p.History) > 0 {
		var moves []string
		for _, h := range p.History {
			moves = append(moves, h.Date+" "+h.Tier)
		}
		fmt.Fprintf(w, "%s  %s\n", bold.Render("Movement"), strings.Join(moves[max(0, len(moves)-4):], " → "))
	}
	section := func(name string, n int, print func() error) error {
		if n == 0 {
			return nil
		}
		fmt.Fprintf(w, "\n%s\n", bold.Render(name))
		return print()
	}
	if err := section("Open follow-ups", len(p.FollowUps), func() error {
		t := a.newTable(column{Name: "id", Right: true}, column{Name: "due"}, column{Name: "what"})
		for _, f := range p.FollowUps {
			t.add(strconv.FormatInt(f.ID, 10), a.date(f.Due, today), f.What)
		}
		return t.print()
	}); err != nil {
		return err
	}
	if err := section("Recent purchases", len(p.Purchases), func() error {
		t := a.newTable(column{Name: "date"}, column{Name: "item", Min: 8}, column{Name: "qty", Right: true},
			column{Name: "amount", Right: true}, column{Name: "next"}, column{Name: "note"})
		for _, x := range p.Purchases {
			t.add(x.Date, x.Item, strconv.FormatFloat(x.Quantity, 'f', -1, 64), a.money(x.Amount), x.NextDate,
				strings.TrimSpace(x.SpecialRequests+" "+x.Note))
		}
		return t.print()
	}); err != nil {
		return err
	}
	return section("Recent contacts", len(p.Contacts), func() error {
		t := a.newTable(column{Name: "id", Right: true}, column{Name: "when"}, column{Name: "kind"}, column{Name: "summary"})
		for _, x := range p.Contacts {
			kind := x.Kind
			if x.ComplaintStatus != "" {
				kind += " (" + x.ComplaintStatus + ")"
			}
			t.add(strconv.FormatInt(x.ID, 10), a.date(x.At, today), kind, x.Summary)
		}
		return t.print()
	})
}

// lifetime is one customer's figures from the saved lifetime model.
type lifetime struct {
	PAlive        float64 `json:"p_alive"`
	Expected90    float64 `json:"expected_purchases_90d"`
	ExpectedSpend float64 `json:"expected_spend"`
	CLV           float64 `json:"clv_12m"`
	ModelAsOf     string  `json:"model_as_of"`
}

// lifetimeOf values one customer with the model `rolo clv` saved (12
// months, 10% a year, 30% margin); nil when there is no model or no purchase.
func lifetimeOf(ctx context.Context, st *store.Store, id int64, today time.Time) (*lifetime, error) {
	m, err := st.CLVModel(ctx)
	if errors.Is(err, store.ErrNoModel) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	c, ok, err := st.CLVSummary(ctx, id, today)
	if err != nil || !ok {
		return nil, err
	}
	f := clv.Figures(m.BG, m.GG, c, 12, 0.1, 0.3)
	return &lifetime{PAlive: f.PAlive, Expected90: f.Expected90, ExpectedSpend: f.ExpectedSpend, CLV: f.CLV, ModelAsOf: m.AsOf}, nil
}

// tierOf is one customer's tier. For the default pyramid by revenue as of
// today it ranks the customer with two index look-ups; otherwise it ranks
// the whole notebook.
func tierOf(ctx context.Context, st *store.Store, cfg tiering.Config, id int64, m tiering.Metrics, today time.Time) (tiering.Tier, error) {
	if !m.Buyer() {
		return tiering.Prospect, nil
	}
	if cfg.Method == tiering.MethodPyramid && cfg.By == tiering.ByRevenue {
		rank, n, ok, err := st.RevenueRank(ctx, id, today)
		if err != nil {
			return "", err
		}
		if ok {
			return tiering.PyramidTierAt(rank, n, cfg.PyramidCuts), nil
		}
	}
	ts, err := computeTiers(ctx, st, cfg, today)
	if err != nil {
		return "", err
	}
	return ts.assign[id].Tier, nil
}
