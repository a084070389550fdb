package main

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rolo-crm/rolo/insight"
	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/render"
	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/tiering"
	"github.com/spf13/cobra"
)

func clean(s string) string { return render.Clean(s) }

type showOptions struct {
	ref   string
	limit int
}

func newShowCmd(a *App) *cobra.Command {
	var o showOptions
	cmd := &cobra.Command{
		Use:   "show CUSTOMER",
		Short: "Show a customer's card: profile, tier, purchases, contacts, follow-ups",
		Example: `  rolo show 王小明
  rolo show 42 --limit 0        # every purchase and contact
  rolo show wxm --json | jq .metrics.revenue`,
		Args: exactArgs(1, "a CUSTOMER (id or name)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.ref = args[0]
			return runShow(cmd, a, o)
		},
	}
	cmd.Flags().IntVarP(&o.limit, "limit", "n", 10, "recent purchases and contacts to show (0: all)")
	return cmd
}

func runShow(cmd *cobra.Command, a *App, o showOptions) error {
	ctx, today, svc, err := a.open(cmd)
	if err != nil {
		return err
	}
	_, c, err := a.customer(cmd, o.ref)
	if err != nil {
		return err
	}
	card, err := svc.Card(ctx, c.ID, insight.CardQuery{AsOf: today, Limit: o.limit})
	if err != nil {
		return err
	}
	switch {
	case a.JSON:
		return writeJSON(a.Out, a.cardJSON(card))
	case !a.IsTTY:
		return a.showPlain(card)
	}
	// The card's long lines (value, treatment, notes) wrap at word
	// boundaries to the terminal's width; its tables fit already.
	var b strings.Builder
	sub := *a
	sub.Out = &b
	if err := sub.showCard(card, today); err != nil {
		return err
	}
	_, err = io.WriteString(a.Out, wrapLines(b.String(), a.Width))
	return err
}

type cardJSON struct {
	Customer       store.Customer     `json:"customer"`
	Tier           tiering.Tier       `json:"tier"`
	TierLabel      string             `json:"tier_label"`
	Treatment      tiering.Treatment  `json:"treatment"`
	Metrics        metricsJSON        `json:"metrics"`
	Referrer       *store.Customer    `json:"referrer"`
	Purchases      []purchaseJSON     `json:"purchases"`
	Contacts       []store.Contact    `json:"contacts"`
	FollowUps      []store.FollowUp   `json:"followups"`
	Surveys        []store.Survey     `json:"surveys"`
	History        []store.TierChange `json:"tier_history"`
	Movements      []movementJSON     `json:"movements"`
	Events         []store.Event      `json:"events"`
	OpenComplaints []store.Contact    `json:"open_complaints"`
	Payments       []paymentJSON      `json:"payments"`
	Debts          []debtJSON         `json:"debts"`
	Lifetime       *cardLifetimeJSON  `json:"lifetime"`
}

// movementJSON is one ranking method's real tier changes, oldest first.
type movementJSON struct {
	Method tiering.Method     `json:"method"`
	Steps  []store.TierChange `json:"steps"`
}

type debtJSON struct {
	PurchaseID  int64         `json:"purchase_id"`
	Date        string        `json:"date"`
	Item        string        `json:"item"`
	Amount      money.Decimal `json:"amount"`
	Outstanding money.Decimal `json:"outstanding"`
}

type cardLifetimeJSON struct {
	lifetimeJSON
	ModelAsOf      string  `json:"model_as_of"`
	Fitted         bool    `json:"fitted"`
	Reason         string  `json:"reason,omitempty"`
	HorizonMonths  int     `json:"horizon_months"`
	AnnualDiscount float64 `json:"annual_discount"`
	Margin         float64 `json:"margin"`
}

func (a *App) cardJSON(c *insight.Card) cardJSON {
	out := cardJSON{Customer: c.Customer, Tier: c.Tier, TierLabel: tiering.Label(c.Tier), Treatment: c.Treatment,
		Metrics: a.metricsJSON(c.Metrics), Referrer: c.Referrer, Contacts: c.Contacts, FollowUps: c.FollowUps,
		Surveys: c.Surveys, History: c.History, OpenComplaints: c.OpenComplaints, Purchases: []purchaseJSON{}}
	for _, p := range c.Purchases {
		out.Purchases = append(out.Purchases, a.purchaseJSON(p))
	}
	out.Movements = make([]movementJSON, len(c.Movements))
	for i, m := range c.Movements {
		out.Movements[i] = movementJSON{Method: m.Method, Steps: m.Steps}
	}
	out.Events = c.Events
	if out.Events == nil {
		out.Events = []store.Event{}
	}
	out.Payments = make([]paymentJSON, len(c.Payments))
	for i, p := range c.Payments {
		out.Payments[i] = a.paymentJSON(p)
	}
	out.Debts = make([]debtJSON, len(c.Debts))
	for i, d := range c.Debts {
		out.Debts[i] = debtJSON{PurchaseID: d.PurchaseID, Date: d.Date, Item: d.Item, Amount: a.dec(d.Amount), Outstanding: a.dec(d.Outstanding)}
	}
	if lt := c.Lifetime; lt != nil {
		out.Lifetime = &cardLifetimeJSON{lifetimeJSON: a.lifetimeJSON(lt.LifetimeRow), ModelAsOf: lt.ModelAsOf.Format(store.DateLayout),
			Fitted: lt.Fitted, Reason: lt.Reason, HorizonMonths: lt.Options.HorizonMonths, AnnualDiscount: lt.Options.AnnualDiscount,
			Margin: lt.Options.Margin}
	}
	return out
}

// eventDateText is an event's date as the rep wrote it: lunar, leap
// month, yearly or once.
func eventDateText(e store.Event) string {
	s := e.Date
	var notes []string
	if e.Lunar {
		notes = append(notes, "lunar")
	}
	if e.Leap {
		notes = append(notes, "leap month")
	}
	if e.Once {
		notes = append(notes, "once")
	} else {
		notes = append(notes, "yearly")
	}
	return s + " (" + strings.Join(notes, ", ") + ")"
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

func customText(c store.Customer) []string {
	keys := make([]string, 0, len(c.Custom))
	for k := range c.Custom {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k + "=" + c.Custom[k]
	}
	return out
}

func (a *App) profileFields(p *insight.Card) [][2]string {
	c, m := p.Customer, p.Metrics
	ref := ""
	if p.Referrer != nil {
		ref = fmt.Sprintf("%s (#%d)", p.Referrer.Name, p.Referrer.ID)
	}
	cad := ""
	if c.CadenceDays != nil {
		cad = strconv.Itoa(*c.CadenceDays) + " days"
	}
	// Empty when no purchase has a cost, as null in --json: 0.00 would say
	// the customer brought in nothing.
	profitText := ""
	if m.Revenue == 0 || m.Uncosted < m.Revenue {
		profitText = a.money(m.Profit)
	}
	return [][2]string{
		{"id", strconv.FormatInt(c.ID, 10)}, {"name", c.Name}, {"external_id", c.ExternalID},
		{"company", c.Company}, {"title", c.Title}, {"phone", c.Phone}, {"email", c.Email},
		{"wechat", c.WeChat}, {"address", c.Address}, {"city", c.City}, {"birthday", birthdayText(c)},
		{"gender", c.Gender}, {"occupation", c.Occupation}, {"source", c.Source}, {"referred_by", ref},
		{"status", c.Status}, {"lost_reason", c.LostReason}, {"attitude", c.Attitude},
		{"tags", strings.Join(c.Tags, ",")}, {"custom", strings.Join(customText(c), " ")}, {"cadence", cad},
		{"preferences", c.Preferences}, {"needs", c.Needs}, {"notes", c.Notes},
		{"tier", string(p.Tier)}, {"revenue", a.money(m.Revenue)}, {"profit", profitText},
		{"outstanding", a.money(m.Outstanding)}, {"purchases", strconv.Itoa(m.Purchases)},
		{"referrals", strconv.Itoa(m.Referrals)}, {"open_complaints", strconv.Itoa(m.OpenComplaints)},
	}
}

// showPlain prints field<TAB>value lines, then one line per purchase,
// contact and follow-up led by its kind, for grep and cut.
func (a *App) showPlain(p *insight.Card) error {
	t := a.newTable()
	for _, f := range a.profileFields(p) {
		if f[1] != "" {
			t.add(f[0], f[1])
		}
	}
	for _, x := range p.Purchases {
		t.add("purchase", strconv.FormatInt(x.ID, 10), x.Date, x.Item, strconv.FormatFloat(x.Quantity, 'f', -1, 64), a.money(x.Amount), x.Note)
	}
	for _, x := range p.Contacts {
		t.add("contact", strconv.FormatInt(x.ID, 10), x.At, x.Kind, x.Summary, x.ComplaintStatus)
	}
	for _, x := range p.FollowUps {
		t.add("followup", strconv.FormatInt(x.ID, 10), x.Due, x.What)
	}
	for _, x := range p.Payments {
		t.add("payment", strconv.FormatInt(x.ID, 10), x.Date, a.money(x.Amount), strconv.FormatInt(x.PurchaseID, 10), x.Note)
	}
	for _, x := range p.Events {
		t.add("event", strconv.FormatInt(x.ID, 10), x.Date, x.What, eventDateText(x))
	}
	return t.print()
}

func (a *App) showCard(p *insight.Card, today time.Time) error {
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
	line("tags", strings.Join(c.Tags, ", "), "custom", strings.Join(customText(c), " "))
	for _, f := range [][2]string{{"preferences", c.Preferences}, {"needs", c.Needs}, {"notes", c.Notes}} {
		if f[1] != "" {
			fmt.Fprintf(w, "%s %s\n", dim.Render(f[0]), render.CleanText(f[1]))
		}
	}
	fmt.Fprintln(w)
	profit := a.money(m.Profit)
	switch {
	case m.Uncosted > 0 && m.Uncosted >= m.Revenue:
		profit = "unknown (no cost recorded)"
	case m.Uncosted > 0:
		profit += fmt.Sprintf(" (%s of revenue without a cost)", a.money(m.Uncosted))
	}
	fmt.Fprintf(w, "%s  revenue %s · profit %s · outstanding %s · %s on %s",
		bold.Render("Value"), a.money(m.Revenue), profit, a.money(m.Outstanding), plural(m.Purchases, "purchase"), plural(m.PurchaseDays, "day"))
	if !m.Last.IsZero() {
		fmt.Fprintf(w, " · last %s", relDay(m.Last, today))
	}
	fmt.Fprintln(w)
	if m.Referrals > 0 {
		fmt.Fprintf(w, "%s  referred %s who bought %s\n", bold.Render("Referrals"), plural(m.Referrals, "customer"), a.money(m.ReferredRevenue))
	}
	tr := p.Treatment
	cadence := "contact every " + plural(tr.CadenceDays, "day") + "; "
	if tr.CadenceDays <= 0 { // dropped: no longer contacted
		cadence = ""
	}
	fmt.Fprintf(w, "%s  %s — %s%s; %s\n", bold.Render("Treatment"), tiering.Label(p.Tier), cadence, tr.Service, tr.Action)
	if lt := p.Lifetime; lt != nil {
		fmt.Fprintf(w, "%s  %s\n", bold.Render("Lifetime"), a.lifetimeText(lt))
	}
	if len(p.Surveys) > 0 {
		s := p.Surveys[0]
		fmt.Fprintf(w, "%s  loyalty %.0f/100 (survey %s: satisfaction %d, initiative %d, repurchase %d, recommend %d, resistance %d)\n",
			bold.Render("Loyalty"), m.Loyalty, s.Date, s.Satisfaction, s.Initiative, s.Repurchase, s.Recommend, s.Resistance)
	}
	// One line per ranking method, its real changes only (the last four).
	for _, mv := range p.Movements {
		var moves []string
		for _, h := range mv.Steps {
			moves = append(moves, h.Date+" "+h.Tier)
		}
		text := strings.Join(moves[max(0, len(moves)-4):], " → ")
		if len(mv.Steps) == 1 {
			text = mv.Steps[0].Tier + " since " + mv.Steps[0].Date
		}
		fmt.Fprintf(w, "%s  %s: %s\n", bold.Render("Movement"), mv.Method, text)
	}
	section := func(name string, n int, print func() error) error {
		if n == 0 {
			return nil
		}
		fmt.Fprintf(w, "\n%s\n", bold.Render(name))
		return print()
	}
	if err := section("Open follow-ups", len(p.FollowUps), func() error {
		t := a.newTable(column{Name: "id", Right: true}, column{Name: "due", Whole: true}, column{Name: "what", Wrap: true})
		for _, f := range p.FollowUps {
			t.add(strconv.FormatInt(f.ID, 10), a.date(f.Due, today), f.What)
		}
		return t.print()
	}); err != nil {
		return err
	}
	if err := section("Events", len(p.Events), func() error {
		t := a.newTable(column{Name: "id", Right: true}, column{Name: "what", Wrap: true}, column{Name: "date", Whole: true}, column{Name: "next", Whole: true})
		for _, e := range p.Events {
			next := ""
			if ae, err := e.Agenda(); err == nil {
				if d, ok := ae.Next(today); ok {
					next = relDay(d, today)
				}
			}
			t.add(strconv.FormatInt(e.ID, 10), e.What, eventDateText(e), next)
		}
		return t.print()
	}); err != nil {
		return err
	}
	owes := map[int64]money.Amount{}
	for _, d := range p.Debts {
		owes[d.PurchaseID] = d.Outstanding
	}
	if err := section("Recent purchases", len(p.Purchases), func() error {
		t := a.newTable(column{Name: "id", Right: true}, column{Name: "date", Whole: true}, column{Name: "item", Min: 8, Wrap: true}, column{Name: "qty", Right: true},
			column{Name: "amount", Right: true}, column{Name: "owes", Right: true}, column{Name: "next"}, column{Name: "note", Wrap: true})
		for _, x := range p.Purchases {
			owe := ""
			if o := owes[x.ID]; o > 0 {
				owe = a.money(o)
			}
			var note []string
			for _, v := range []string{x.Mood, x.SpecialRequests, x.Note} {
				if v = strings.TrimSpace(v); v != "" {
					note = append(note, v)
				}
			}
			t.add(strconv.FormatInt(x.ID, 10), x.Date, x.Item, strconv.FormatFloat(x.Quantity, 'f', -1, 64), a.money(x.Amount), owe,
				x.NextDate, strings.Join(note, " · "))
		}
		return t.print()
	}); err != nil {
		return err
	}
	if err := section("Payments", len(p.Payments), func() error {
		t := a.newTable(column{Name: "id", Right: true}, column{Name: "date", Whole: true}, column{Name: "amount", Right: true},
			column{Name: "purchase", Right: true}, column{Name: "note"})
		for _, x := range p.Payments {
			t.add(strconv.FormatInt(x.ID, 10), x.Date, a.money(x.Amount), strconv.FormatInt(x.PurchaseID, 10), x.Note)
		}
		return t.print()
	}); err != nil {
		return err
	}
	return section("Recent contacts", len(p.Contacts), func() error {
		t := a.newTable(column{Name: "id", Right: true}, column{Name: "when", Whole: true}, column{Name: "kind"}, column{Name: "summary", Wrap: true})
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

// lifetimeText says a customer's lifetime figures and how sure the model is.
func (a *App) lifetimeText(lt *insight.CustomerLifetime) string {
	worth := fmt.Sprintf("worth %s over %s", a.money(lt.CLV), plural(lt.Options.HorizonMonths, "month"))
	if lt.Known {
		worth = fmt.Sprintf("%.0f%% likely still buying · %.1f purchases expected in 90 days · %s per purchase · %s",
			100*lt.PAlive, lt.Expected90, a.money(lt.ExpectedSpend), worth)
	}
	return worth + " — " + lt.HowSure()
}
