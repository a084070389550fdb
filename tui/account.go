package tui

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/rolo-crm/rolo/insight"
	"github.com/rolo-crm/rolo/render"
	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/tiering"
)

// accountScreen is one customer's card: profile, tier and treatment,
// open items to act on, purchases and contacts.
type accountScreen struct {
	sh   *shared
	w, h int
	id   int64
	from int // the screen to go back to
	req  int
	data *insight.Card
	sel  int // selected open item
	form *form
	vp   viewport.Model
}

type accountMsg struct {
	req  int
	id   int64
	card *insight.Card
	err  error
}

func (m accountMsg) requestID() int { return m.req }

func newAccountScreen(sh *shared) *accountScreen {
	return &accountScreen{sh: sh, vp: viewport.New(80, 10)}
}

func (s *accountScreen) SetSize(w, h int) {
	s.w, s.h = w, h
	if s.form != nil {
		s.form.setWidth(w)
	}
	s.layoutViewport()
}

func (s *accountScreen) capturing() bool { return s.form != nil }

func (s *accountScreen) open(id int64) tea.Cmd {
	if id != s.id {
		s.sel = 0
		s.vp.GotoTop()
	}
	s.id, s.form = id, nil
	return s.reload()
}

func (s *accountScreen) reload() tea.Cmd {
	if s.id == 0 {
		return nil
	}
	s.req = s.sh.begin(scrAccount)
	req, id, st, today, ctx := s.req, s.id, s.sh.st, s.sh.today, s.sh.ctx
	return func() tea.Msg {
		card, err := st.Card(ctx, id, insight.CardQuery{AsOf: today, Limit: 50})
		return accountMsg{req: req, id: id, card: card, err: err}
	}
}

// openItems are what the rep can act on with d and x: follow-ups, then complaints.
func (s *accountScreen) openItems() int {
	if s.data == nil {
		return 0
	}
	return len(s.data.FollowUps) + len(s.data.OpenComplaints)
}

func (s *accountScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case accountMsg:
		if msg.req != s.req {
			return nil
		}
		if msg.err != nil {
			return func() tea.Msg { return statusMsg{err: msg.err} }
		}
		s.data = msg.card
		s.sel = min(s.sel, max(0, s.openItems()-1))
		s.layoutViewport()
		return nil
	case tea.MouseMsg:
		var cmd tea.Cmd
		s.vp, cmd = s.vp.Update(msg)
		return cmd
	case tea.KeyMsg:
		if s.form != nil {
			cmd, done := s.form.update(msg, s.sh.keys)
			if done {
				s.form = nil
				s.layoutViewport()
			}
			return cmd
		}
		if s.data == nil {
			return nil
		}
		k := s.sh.keys
		switch {
		case key.Matches(msg, k.Back):
			return func() tea.Msg { return backMsg{} }
		case key.Matches(msg, k.Up):
			if s.sel > 0 {
				s.sel--
			} else {
				s.vp.ScrollUp(1)
			}
		case key.Matches(msg, k.Down):
			if s.sel < s.openItems()-1 {
				s.sel++
			} else {
				s.vp.ScrollDown(1)
			}
		case key.Matches(msg, k.PageDown):
			s.vp.HalfPageDown()
		case key.Matches(msg, k.PageUp):
			s.vp.HalfPageUp()
		case key.Matches(msg, k.Buy):
			s.form = s.buyForm()
		case key.Matches(msg, k.Log):
			s.form = s.logForm("call", "")
		case key.Matches(msg, k.Follow):
			s.form = s.followForm()
		case key.Matches(msg, k.Edit):
			s.form = s.editForm()
		case key.Matches(msg, k.Done):
			if s.sel < len(s.data.FollowUps) {
				return s.complete(s.data.FollowUps[s.sel].ID)
			}
			return status("select a follow-up (↑/↓) to mark it done")
		case key.Matches(msg, k.Resolve):
			if i := s.sel - len(s.data.FollowUps); i >= 0 && i < len(s.data.OpenComplaints) {
				return s.resolve(s.data.OpenComplaints[i].ID)
			}
			return status("select an open complaint (↑/↓) to resolve it")
		}
		if s.form != nil {
			s.form.setWidth(s.w)
			return s.form.inputs[0].Focus()
		}
		s.layoutViewport()
		return nil
	}
	return nil
}

func status(text string) tea.Cmd { return func() tea.Msg { return statusMsg{text: text} } }

// write runs a store write and reports it.
func (s *accountScreen) write(what string, fn func(ctx context.Context) error) tea.Cmd {
	return s.sh.saved(what, fn)
}

func (s *accountScreen) at() time.Time {
	now := s.sh.now()
	if store.Today(now).Equal(s.sh.today) {
		return now
	}
	return s.sh.today.Add(12 * time.Hour)
}

func (s *accountScreen) complete(id int64) tea.Cmd {
	st, at := s.sh.st, s.at()
	return s.write("follow-up done", func(ctx context.Context) error {
		_, err := st.CompleteFollowUp(ctx, id, at)
		return err
	})
}

func (s *accountScreen) resolve(id int64) tea.Cmd {
	st, at := s.sh.st, s.at()
	return s.write(fmt.Sprintf("complaint resolved; check-in scheduled in %d days", store.CheckInDays), func(ctx context.Context) error {
		_, err := st.ResolveComplaint(ctx, id, at, "")
		return err
	})
}

func (s *accountScreen) buyForm() *form {
	today := s.sh.today
	return newForm(s.sh, "Add a purchase for "+clean(s.data.Customer.Name), []field{
		{"Amount", "", "1280.00"}, {"Item", "", "普洱茶饼"}, {"Quantity", "1", ""},
		{"Date", today.Format("2006-01-02"), "YYYY-MM-DD, yesterday, -3d"}, {"Next purchase", "", "+3m, 2027-02-01 (optional)"},
		{"Requests", "", "gift wrap (optional)"}, {"Note", "", ""},
	}, func(v []string) (tea.Cmd, error) {
		amt, err := s.sh.cur.Parse(v[0])
		if err != nil {
			return nil, err
		}
		qty, err := strconv.ParseFloat(strings.TrimSpace(v[2]), 64)
		if err != nil || qty < 0 {
			return nil, fmt.Errorf("quantity must be a number of zero or more")
		}
		d, err := store.ParseWhen(v[3], today)
		if err != nil {
			return nil, err
		}
		p := store.Purchase{CustomerID: s.id, Amount: amt, Item: v[1], Quantity: qty, Date: d.Format("2006-01-02"),
			SpecialRequests: v[5], Note: v[6]}
		if strings.TrimSpace(v[4]) != "" {
			n, err := store.ParseWhen(v[4], d)
			if err != nil {
				return nil, err
			}
			p.NextDate = n.Format("2006-01-02")
		}
		if err := p.Validate(); err != nil {
			return nil, err
		}
		st := s.sh.st
		return s.write("purchase recorded: "+s.sh.money(amt), func(ctx context.Context) error {
			_, err := st.AddPurchase(ctx, p)
			return err
		}), nil
	})
}

func (s *accountScreen) logForm(kind, summary string) *form {
	return newForm(s.sh, "Log a contact with "+clean(s.data.Customer.Name), []field{
		{"Kind", kind, strings.Join(store.ContactKinds, " ")}, {"Summary", summary, "what happened"},
	}, func(v []string) (tea.Cmd, error) {
		c := store.Contact{CustomerID: s.id, Kind: strings.TrimSpace(strings.ToLower(v[0])), Summary: v[1],
			At: s.at().UTC().Format(time.RFC3339)}
		if err := c.Validate(); err != nil {
			return nil, err
		}
		st := s.sh.st
		return s.write(c.Kind+" logged", func(ctx context.Context) error {
			_, err := st.AddContact(ctx, c)
			return err
		}), nil
	})
}

func (s *accountScreen) followForm() *form {
	today := s.sh.today
	return newForm(s.sh, "Schedule a follow-up with "+clean(s.data.Customer.Name), []field{
		{"When", "+1w", "2026-12-01, +3d, next monday, 下周一"}, {"What", "", "send the new catalogue"},
	}, func(v []string) (tea.Cmd, error) {
		d, err := store.ParseWhen(v[0], today)
		if err != nil {
			return nil, err
		}
		f := store.FollowUp{CustomerID: s.id, Due: d.Format("2006-01-02"), What: v[1]}
		if err := f.Validate(); err != nil {
			return nil, err
		}
		st := s.sh.st
		return s.write("follow-up scheduled for "+f.Due, func(ctx context.Context) error {
			_, err := st.AddFollowUp(ctx, f)
			return err
		}), nil
	})
}

func (s *accountScreen) editForm() *form {
	c := s.data.Customer
	return newForm(s.sh, "Edit "+clean(c.Name), []field{
		{"Name", c.Name, ""}, {"Company", c.Company, ""}, {"Phone", c.Phone, ""}, {"Email", c.Email, ""},
		{"WeChat", c.WeChat, ""}, {"City", c.City, ""}, {"Birthday", c.Birthday, "1980-08-15 or --08-15"},
		{"Lunar (y/n)", map[bool]string{true: "y", false: "n"}[c.BirthdayLunar], ""}, {"Status", c.Status, strings.Join(store.Statuses, " ")},
		{"Tags", strings.Join(c.Tags, ","), "vip,茶友"}, {"Preferences", c.Preferences, ""}, {"Needs", c.Needs, ""}, {"Notes", c.Notes, ""},
	}, func(v []string) (tea.Cmd, error) {
		lunar := strings.HasPrefix(strings.ToLower(strings.TrimSpace(v[7])), "y") || strings.TrimSpace(v[7]) == "是"
		apply := func(c *store.Customer) error {
			c.Name, c.Company, c.Phone, c.Email, c.WeChat, c.City = v[0], v[1], v[2], v[3], v[4], v[5]
			c.Birthday, c.BirthdayLunar, c.Status = strings.TrimSpace(v[6]), lunar, strings.TrimSpace(v[8])
			if !lunar {
				c.BirthdayLeap = false
			}
			c.Tags = nil
			if strings.TrimSpace(v[9]) != "" {
				c.Tags = strings.Split(v[9], ",")
			}
			c.Preferences, c.Needs, c.Notes = v[10], v[11], v[12]
			return nil
		}
		probe := c
		apply(&probe)
		if err := probe.Validate(); err != nil {
			return nil, err
		}
		st, id := s.sh.st, s.id
		return s.write("profile saved", func(ctx context.Context) error {
			_, err := st.UpdateCustomer(ctx, id, apply)
			return err
		}), nil
	})
}

func (s *accountScreen) layoutViewport() {
	s.vp.Width = s.w
	s.vp.Height = max(1, s.h)
	if s.data != nil {
		s.vp.SetContent(s.content())
	}
}

func (s *accountScreen) View() string {
	if s.form != nil {
		return s.form.view(s.sh.styles, s.w)
	}
	if s.data == nil {
		return s.sh.styles.Dim.Render("  loading…")
	}
	return s.vp.View()
}

// content renders the whole card; the viewport scrolls it.
func (s *accountScreen) content() string {
	st, d, c := s.sh.styles, s.data, s.data.Customer
	var b strings.Builder
	title := st.Title.Render(clean(c.Name))
	if c.Company != "" {
		title += "  " + clean(c.Company)
	}
	if c.Title != "" {
		title += st.Dim.Render(" · " + clean(c.Title))
	}
	title += st.Dim.Render(fmt.Sprintf("  #%d", c.ID))
	title += "  " + st.badge(d.Tier) + " " + tiering.Label(d.Tier)
	b.WriteString(title + "\n")
	kv := func(pairs ...string) {
		var parts []string
		for i := 0; i+1 < len(pairs); i += 2 {
			if pairs[i+1] != "" {
				parts = append(parts, st.Dim.Render(pairs[i])+" "+clean(pairs[i+1]))
			}
		}
		if len(parts) > 0 {
			b.WriteString(lipgloss.NewStyle().Width(s.w).Render(strings.Join(parts, "   ")) + "\n")
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
	st8 := c.Status
	if c.LostReason != "" {
		st8 += " (" + c.LostReason + ")"
	}
	kv("status", st8, "referred by", referrer, "source", c.Source, "tags", strings.Join(c.Tags, ", "))
	kv("likes", c.Preferences, "needs", c.Needs)
	if c.Notes != "" {
		b.WriteString(st.Dim.Render("notes ") + lipgloss.NewStyle().Width(max(10, s.w-6)).Render(render.CleanText(c.Notes)) + "\n")
	}
	m := d.Metrics
	line := fmt.Sprintf("revenue %s · profit %s · %d purchases", s.sh.money(m.Revenue), s.sh.money(m.Profit), m.Purchases)
	if m.Outstanding > 0 {
		line += " · owes " + s.sh.money(m.Outstanding)
	}
	if !m.Last.IsZero() {
		line += " · last bought " + relDay(m.Last.Format("2006-01-02"), s.sh.today)
	}
	if m.Referrals > 0 {
		line += fmt.Sprintf(" · referred %d", m.Referrals)
	}
	b.WriteString(lipgloss.NewStyle().Width(s.w).Render(st.Bold.Render("Value ")+line) + "\n")
	if lt := d.Lifetime; lt != nil {
		text := fmt.Sprintf("worth %s over %d months (simple formula: %s)", s.sh.money(lt.CLV), lt.Options.HorizonMonths, lt.Reason)
		if lt.Known {
			text = fmt.Sprintf("%.0f%% likely still buying · %.1f purchases in 90 days · worth %s over %d months",
				100*lt.PAlive, lt.Expected90, s.sh.money(lt.CLV), lt.Options.HorizonMonths)
		}
		b.WriteString(lipgloss.NewStyle().Width(s.w).Render(st.Bold.Render("Lifetime ")+text) + "\n")
	}
	tr := d.Treatment
	b.WriteString(lipgloss.NewStyle().Width(s.w).Render(st.Bold.Render("Treatment ")+
		fmt.Sprintf("every %d days · %s · %s", tr.CadenceDays, tr.Service, tr.Action)) + "\n")
	// Open items: follow-ups and complaints, selectable.
	b.WriteString("\n" + st.Bold.Render("To do") + st.Dim.Render("  (d done · x resolve · f new follow-up)") + "\n")
	if s.openItems() == 0 {
		b.WriteString(st.Dim.Render("  nothing open") + "\n")
	}
	item := 0
	row := func(text string, overdue bool) {
		line := render.Truncate(text, max(10, s.w-2))
		switch {
		case item == s.sel:
			line = st.Selected.Render("▸ " + line)
		case overdue:
			line = "  " + st.Overdue.Render(line)
		default:
			line = "  " + line
		}
		b.WriteString(line + "\n")
		item++
	}
	today := s.sh.today.Format("2006-01-02")
	for _, f := range d.FollowUps {
		row(fmt.Sprintf("%-10s %s", relDay(f.Due, s.sh.today), clean(f.What)), f.Due < today)
	}
	for _, k := range d.OpenComplaints {
		row(fmt.Sprintf("complaint  %s — %s", relDay(k.At, s.sh.today), clean(k.Summary)), true)
	}
	b.WriteString("\n" + st.Bold.Render("Purchases") + st.Dim.Render("  (b add)") + "\n")
	if len(d.Purchases) == 0 {
		b.WriteString(st.Dim.Render("  none yet") + "\n")
	}
	for _, p := range d.Purchases {
		line := fmt.Sprintf("%s  %s  %s", p.Date, render.PadLeft(s.sh.money(p.Amount), 12), render.PadRight(clean(p.Item), 20))
		if p.Quantity != 1 {
			line += st.Dim.Render(" ×" + strconv.FormatFloat(p.Quantity, 'f', -1, 64))
		}
		if extra := strings.TrimSpace(p.SpecialRequests + " " + p.Note); extra != "" {
			line += " " + st.Dim.Render(clean(extra))
		}
		if p.NextDate != "" {
			line += st.Dim.Render(" next " + p.NextDate)
		}
		b.WriteString("  " + render.Truncate(line, max(10, s.w-2)) + "\n")
	}
	b.WriteString("\n" + st.Bold.Render("Contacts") + st.Dim.Render("  (l log)") + "\n")
	if len(d.Contacts) == 0 {
		b.WriteString(st.Dim.Render("  none yet") + "\n")
	}
	for _, k := range d.Contacts {
		kind := k.Kind
		if k.ComplaintStatus != "" {
			kind += "·" + k.ComplaintStatus
		}
		line := fmt.Sprintf("%s  %-18s %s", k.At[:min(10, len(k.At))], kind, clean(k.Summary))
		b.WriteString("  " + render.Truncate(line, max(10, s.w-2)) + "\n")
	}
	return b.String()
}

func (s *accountScreen) shortHelp() []key.Binding {
	k := s.sh.keys
	if s.form != nil {
		return []key.Binding{k.NextField, k.Submit, k.Cancel}
	}
	return []key.Binding{k.Back, k.Buy, k.Log, k.Follow, k.Done, k.Edit}
}

func (s *accountScreen) fullHelp() [][]key.Binding {
	k := s.sh.keys
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Back}, {k.Buy, k.Log, k.Follow, k.Edit, k.Done, k.Resolve}}
}
