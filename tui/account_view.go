package tui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/rolo-crm/rolo/insight"
	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/render"
	"github.com/rolo-crm/rolo/tiering"
)

// content renders the whole card, recording where each selectable item is;
// the viewport scrolls it.
func (s *accountScreen) content() string {
	st, d, c := s.sh.styles, s.data, s.data.Customer
	var lines []string
	s.items = s.items[:0]
	emit := func(text string) {
		// Wrapped text (notes) can take several lines.
		lines = append(lines, strings.Split(strings.TrimRight(text, "\n"), "\n")...)
	}
	item := func(kind itemKind, idx int, text string, warn bool) {
		n := len(s.items)
		s.items = append(s.items, cardItem{kind: kind, idx: idx, line: len(lines)})
		text = render.Truncate(text, max(10, s.w-2))
		switch {
		case n == s.sel:
			text = st.Selected.Render("▸ " + text)
		case warn:
			text = "  " + st.Overdue.Render(text)
		default:
			text = "  " + text
		}
		emit(text)
	}
	wrap := func(text string) string { return lipgloss.NewStyle().Width(max(10, s.w)).Render(text) }
	title := clean(c.Name)
	if c.Company != "" {
		title += "  " + clean(c.Company)
	}
	if c.Title != "" {
		title += " · " + clean(c.Title)
	}
	title += fmt.Sprintf("  #%d  ", c.ID)
	n := len(s.items)
	s.items = append(s.items, cardItem{kind: itemProfile, line: 0})
	head := st.Title.Render(title) + st.badge(d.Tier) + " " + tiering.Label(d.Tier)
	if n == s.sel {
		head = st.Selected.Render("▸ ") + head
	}
	emit(head)
	kv := func(pairs ...string) {
		var parts []string
		for i := 0; i+1 < len(pairs); i += 2 {
			if pairs[i+1] != "" {
				parts = append(parts, st.Dim.Render(pairs[i])+" "+clean(pairs[i+1]))
			}
		}
		if len(parts) > 0 {
			emit(wrap(strings.Join(parts, "   ")))
		}
	}
	bday := c.Birthday
	if c.BirthdayLunar && bday != "" {
		bday += " 农历"
		if c.BirthdayLeap {
			bday += "闰月"
		}
	}
	referrer := ""
	if d.Referrer != nil {
		referrer = d.Referrer.Name
	}
	kv("phone", c.Phone, "wechat", c.WeChat, "email", c.Email)
	kv("city", c.City, "address", c.Address, "birthday", bday)
	status := c.Status
	if c.LostReason != "" {
		status += " (" + c.LostReason + ")"
	}
	if c.ArchivedAt != nil {
		status += " · archived"
	}
	kv("status", status, "referred by", referrer, "source", c.Source, "tags", strings.Join(c.Tags, ", "))
	kv("likes", c.Preferences, "needs", c.Needs)
	if c.Notes != "" {
		emit(st.Dim.Render("notes ") + lipgloss.NewStyle().Width(max(10, s.w-6)).Render(render.CleanText(c.Notes)))
	}
	m, cash := d.Metrics, s.sh.money
	profit := cash(m.Profit)
	switch {
	case m.Uncosted > 0 && m.Uncosted >= m.Revenue:
		profit = "unknown (no cost recorded)"
	case m.Uncosted > 0:
		profit += " (" + cash(m.Uncosted) + " without a cost)"
	}
	value := fmt.Sprintf("revenue %s · profit %s · %s", cash(m.Revenue), profit, render.Plural(m.Purchases, "purchase"))
	if m.Outstanding > 0 {
		value += " · owes " + cash(m.Outstanding)
	}
	if !m.Last.IsZero() {
		value += " · last bought " + relDate(m.Last, s.sh.today)
	}
	if m.Referrals > 0 {
		value += fmt.Sprintf(" · referred %d", m.Referrals)
	}
	emit(wrap(st.Bold.Render("Value ") + value))
	if lt := d.Lifetime; lt != nil {
		text := fmt.Sprintf("worth %s over %d months", cash(lt.CLV), lt.Options.HorizonMonths)
		if lt.Known {
			text = fmt.Sprintf("%.0f%% likely still buying · %.1f purchases in 90 days · worth %s over %d months",
				100*lt.PAlive, lt.Expected90, cash(lt.CLV), lt.Options.HorizonMonths)
		}
		emit(wrap(st.Bold.Render("Lifetime ") + text + st.Dim.Render(" — "+lt.HowSure())))
	}
	tr := d.Treatment
	if tr.CadenceDays > 0 {
		emit(wrap(st.Bold.Render("Treatment ") + fmt.Sprintf("every %d days · %s · %s", tr.CadenceDays, tr.Service, tr.Action)))
	} else {
		emit(wrap(st.Bold.Render("Treatment ") + fmt.Sprintf("%s · %s", tr.Service, tr.Action)))
	}
	// One line per ranking method: its real tier changes, the last four.
	for _, mv := range d.Movements {
		var steps []string
		for _, h := range mv.Steps[max(0, len(mv.Steps)-4):] {
			steps = append(steps, h.Tier+" "+st.Dim.Render(h.Date))
		}
		text := strings.Join(steps, " → ")
		if len(mv.Steps) == 1 {
			text = mv.Steps[0].Tier + st.Dim.Render(" since "+mv.Steps[0].Date)
		}
		emit(wrap(st.Bold.Render("Movement ") + st.Dim.Render(string(mv.Method)+": ") + text))
	}

	emit("")
	emit(st.Bold.Render("To do") + st.Dim.Render("  (d done · x resolve · f new follow-up)"))
	if len(d.FollowUps)+len(d.OpenComplaints) == 0 {
		emit(st.Dim.Render("  nothing open"))
	}
	today := s.sh.today.Format("2006-01-02")
	for i, f := range d.FollowUps {
		item(itemFollowUp, i, fmt.Sprintf("%-10s %s", relDay(f.Due, s.sh.today), clean(f.What)), f.Due < today)
	}
	for i, k := range d.OpenComplaints {
		item(itemComplaint, i, fmt.Sprintf("complaint  %s — %s", relDay(localDay(k.At, s.sh.loc), s.sh.today), clean(k.Summary)), true)
	}
	if len(d.Events) > 0 {
		emit("")
		emit(st.Bold.Render("Events") + st.Dim.Render("  (v add · D delete)"))
		for i, e := range d.Events {
			when := ""
			if ae, err := e.Agenda(); err == nil {
				if next, ok := ae.Next(s.sh.today); ok {
					when = relDate(next, s.sh.today)
				}
			}
			date := e.Date
			if e.Lunar {
				date += " 农历"
			}
			if e.Once {
				date += " once"
			}
			item(itemEvent, i, fmt.Sprintf("%-10s %s %s", when, clean(e.What), st.Dim.Render(date)), false)
		}
	}
	if chart := monthChart(d.Monthly, s.sh.cur, st); chart != "" {
		emit("")
		emit(st.Bold.Render("Last 12 months"))
		emit(chart)
	}
	emit("")
	emit(st.Bold.Render("Purchases") + st.Dim.Render("  (b add · p payment · e edit · D delete)"))
	if len(d.Purchases) == 0 {
		emit(st.Dim.Render("  none yet"))
	}
	owes := map[int64]money.Amount{}
	for _, x := range d.Debts {
		owes[x.PurchaseID] = x.Outstanding
	}
	shown := d.Purchases
	if !s.showAll && len(shown) > recent {
		shown = shown[:recent]
	}
	for i, p := range shown {
		line := fmt.Sprintf("%s  %s  %s", p.Date, render.PadLeft(cash(p.Amount), 12), render.PadRight(clean(p.Item), 16))
		if p.Quantity != 1 {
			line += " ×" + strconv.FormatFloat(p.Quantity, 'f', -1, 64)
		}
		var extra []string
		if o := owes[p.ID]; o > 0 {
			extra = append(extra, "owes "+cash(o))
		}
		for _, x := range []string{p.Mood, p.SpecialRequests, p.Note} {
			if x = strings.TrimSpace(x); x != "" {
				extra = append(extra, clean(x))
			}
		}
		if p.NextDate != "" {
			extra = append(extra, "next "+p.NextDate)
		}
		if len(extra) > 0 {
			line += " " + st.Dim.Render(strings.Join(extra, " · "))
		}
		item(itemPurchase, i, line, owes[p.ID] > 0 && p.Date < s.sh.today.AddDate(0, 0, -30).Format("2006-01-02"))
	}
	if older := m.Purchases - len(shown); older > 0 {
		emit(st.Dim.Render(fmt.Sprintf("  %d older — o shows every purchase", older)))
	}
	if len(d.Payments) > 0 {
		emit("")
		emit(st.Bold.Render("Payments") + st.Dim.Render("  (after the sale · D delete)"))
		for i, p := range d.Payments {
			item(itemPayment, i, fmt.Sprintf("%s  %s  for purchase %d %s", p.Date, render.PadLeft(cash(p.Amount), 12), p.PurchaseID,
				st.Dim.Render(clean(p.Note))), false)
		}
	}
	emit("")
	emit(st.Bold.Render("Contacts") + st.Dim.Render("  (l log · e edit · D delete)"))
	if len(d.Contacts) == 0 {
		emit(st.Dim.Render("  none yet"))
	}
	contacts := d.Contacts
	if !s.showAll && len(contacts) > recent {
		contacts = contacts[:recent]
	}
	// The kind column is 16 wide, or as the widest kind shown, so that a
	// complaint's status (its first word) and every kind's Chinese name
	// show; at most what leaves the summary 20 columns.
	kinds := make([]string, len(contacts))
	kindW := 16
	for i, k := range contacts {
		kinds[i] = contactLabel(k.Kind, k.ComplaintStatus)
		kindW = max(kindW, render.Width(kinds[i]))
	}
	kindW = min(kindW, max(16, s.w-2-10-2-1-20))
	for i, k := range contacts {
		item(itemContact, i, fmt.Sprintf("%s  %s %s", localDay(k.At, s.sh.loc), render.PadRight(kinds[i], kindW), clean(k.Summary)), false)
	}
	if len(d.Contacts) > len(contacts) {
		emit(st.Dim.Render("  older contacts — o shows them all"))
	}
	return strings.Join(lines, "\n")
}

// monthChart draws revenue by month as bars three rows high in eighths of
// a cell (▁▂▃▄▅▆▇█), which keep their shape without colour, with the
// months under them; "" when nothing was bought in the year.
func monthChart(months []insight.MonthRevenue, cur money.Currency, st Styles) string {
	var top money.Amount
	for _, m := range months {
		top = max(top, m.Revenue)
	}
	if top <= 0 {
		return ""
	}
	const rows, cell = 3, 3
	ramp := []rune(" ▁▂▃▄▅▆▇█")
	var b strings.Builder
	for r := rows - 1; r >= 0; r-- {
		b.WriteString("  ")
		for _, m := range months {
			h := int(int64(m.Revenue) * rows * 8 / int64(top)) // eighths
			if m.Revenue > 0 {
				h = max(h, 1)
			}
			fill := min(max(h-8*r, 0), 8)
			b.WriteString(strings.Repeat(string(ramp[fill]), cell-1) + " ")
		}
		if r == rows-1 {
			b.WriteString(st.Dim.Render(" " + cur.Grouped(top)))
		}
		b.WriteByte('\n')
	}
	b.WriteString("  ")
	for _, m := range months {
		b.WriteString(st.Dim.Render(fmt.Sprintf("%-*d", cell, int(m.Month.Month()))))
	}
	return b.String()
}
