package tui

import (
	"context"
	"fmt"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/rolo-crm/rolo/insight"
	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/render"
	"github.com/rolo-crm/rolo/store"
)

// accountScreen is one customer's card: profile, tier and treatment,
// value, what is open, purchases by month, purchases, payments and
// contacts. Every record on it can be selected (↑/↓) and corrected (e) or
// deleted (D); the profile is the first thing selected.
type accountScreen struct {
	sh         *shared
	w, h       int
	id         int64
	from       int // the screen to go back to
	req        int
	data       *insight.Card
	sel        int        // selected item
	items      []cardItem // what can be selected, in order on the card
	form       *form
	vp         viewport.Model
	showAll    bool // every purchase and contact, not the latest ten
	editOnLoad bool // open the profile form once the card is in
}

// cardItem is one selectable line of the card.
type cardItem struct {
	kind itemKind
	idx  int // into the card's slice for its kind
	line int // its line in the content, to scroll to
}

type itemKind int

const (
	itemProfile itemKind = iota
	itemFollowUp
	itemComplaint
	itemPurchase
	itemPayment
	itemContact
	itemEvent
)

// recent is how many purchases and contacts the card shows until o.
const recent = 10

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
		s.form.setSize(w, h)
	}
	s.layoutViewport()
}

func (s *accountScreen) capturing() bool { return s.form != nil }

func (s *accountScreen) open(id int64) tea.Cmd {
	if id != s.id {
		s.sel, s.showAll = 0, false
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
	limit := recent + 1 // one more, to know there are older ones
	if s.showAll {
		limit = 0
	}
	req, id, st, today, ctx := s.req, s.id, s.sh.st, s.sh.today, s.sh.ctx
	return func() tea.Msg {
		card, err := st.Card(ctx, id, insight.CardQuery{AsOf: today, Limit: limit})
		return accountMsg{req: req, id: id, card: card, err: err}
	}
}

func (s *accountScreen) selected() cardItem {
	if s.sel < len(s.items) {
		return s.items[s.sel]
	}
	return cardItem{}
}

// record names what a card item shows: its kind and the id of its record.
type record struct {
	kind itemKind
	id   int64
}

// recordOf is the record of card item it; ok is false for the profile, or
// when there is no card.
func (s *accountScreen) recordOf(it cardItem) (record, bool) {
	d := s.data
	if d == nil {
		return record{}, false
	}
	var id int64
	switch it.kind {
	case itemFollowUp:
		id = d.FollowUps[it.idx].ID
	case itemComplaint:
		id = d.OpenComplaints[it.idx].ID
	case itemPurchase:
		id = d.Purchases[it.idx].ID
	case itemPayment:
		id = d.Payments[it.idx].ID
	case itemContact:
		id = d.Contacts[it.idx].ID
	case itemEvent:
		id = d.Events[it.idx].ID
	default:
		return record{}, false
	}
	return record{it.kind, id}, true
}

func (s *accountScreen) update(msg tea.Msg) tea.Cmd {
	if s.form.takes(msg) {
		cmd, done := s.form.update(msg, s.sh.keys)
		if done {
			s.form = nil
			s.layoutViewport()
		}
		return cmd
	}
	switch msg := msg.(type) {
	case accountMsg:
		if msg.req != s.req {
			return nil
		}
		if msg.err != nil {
			if store.KindOf(msg.err) == store.KindNotFound && msg.id == s.id {
				// Gone (an add undone): back to where the rep came from.
				s.id, s.data = 0, nil
				return func() tea.Msg { return backMsg{} }
			}
			return func() tea.Msg { return statusMsg{err: msg.err} }
		}
		// The record selected stays selected, wherever it moved on the
		// card (a corrected purchase can change place or what is around it).
		was, ok := s.recordOf(s.selected())
		s.data = msg.card
		s.layoutViewport()
		if ok && msg.id == s.id {
			for i, it := range s.items {
				if now, _ := s.recordOf(it); now == was {
					s.sel = i
					s.layoutViewport()
					break
				}
			}
		}
		if s.editOnLoad {
			s.editOnLoad, s.sel = false, 0
			s.form = s.profileForm()
			s.form.setSize(s.w, s.h)
			return s.form.fields[0].focus()
		}
		return nil
	case tea.MouseMsg:
		var cmd tea.Cmd
		s.vp, cmd = s.vp.Update(msg)
		return cmd
	case tea.KeyMsg:
		if s.data == nil {
			return nil
		}
		return s.key(msg)
	}
	return nil
}

func (s *accountScreen) key(msg tea.KeyMsg) tea.Cmd {
	k := s.sh.keys
	if c, ok := moveCursor(k, msg, s.sel, len(s.items), max(1, s.h/2)); ok {
		s.sel = max(0, min(c, len(s.items)-1))
		s.layoutViewport()
		return nil
	}
	it := s.selected()
	d := s.data
	switch {
	case key.Matches(msg, k.Back):
		return func() tea.Msg { return backMsg{} }
	case key.Matches(msg, k.Buy):
		s.form = s.purchaseForm(nil)
	case key.Matches(msg, k.Log):
		s.form = s.contactForm(nil, "call")
	case key.Matches(msg, k.Follow):
		s.form = s.followForm(nil)
	case key.Matches(msg, k.Event):
		s.form = s.eventForm()
	case key.Matches(msg, k.Pay):
		if len(d.Debts) == 0 {
			return status(d.Customer.Name + " owes nothing")
		}
		var on *store.Purchase
		if it.kind == itemPurchase {
			on = &d.Purchases[it.idx]
		}
		s.form = s.payForm(on)
	case key.Matches(msg, k.Edit):
		switch it.kind {
		case itemProfile:
			s.form = s.profileForm()
		case itemPurchase:
			s.form = s.purchaseForm(&d.Purchases[it.idx])
		case itemContact:
			s.form = s.contactForm(&d.Contacts[it.idx], "")
		case itemComplaint:
			s.form = s.contactForm(&d.OpenComplaints[it.idx], "")
		case itemFollowUp:
			s.form = s.followForm(&d.FollowUps[it.idx])
		case itemPayment:
			return status("a payment cannot be edited: delete it (D) and record it again (p)")
		case itemEvent:
			return status("an event cannot be edited: delete it (D) and add it again (v)")
		}
	case key.Matches(msg, k.Delete):
		return s.delete(it)
	case key.Matches(msg, k.Done):
		if it.kind != itemFollowUp {
			return status("select a follow-up (↑/↓) to mark it done")
		}
		return s.complete(d.FollowUps[it.idx])
	case key.Matches(msg, k.Resolve):
		if it.kind != itemComplaint {
			return status("select an open complaint (↑/↓) to resolve it")
		}
		return s.resolve(d.OpenComplaints[it.idx])
	case key.Matches(msg, k.More):
		s.showAll = !s.showAll
		return s.reload()
	case key.Matches(msg, k.PageDown):
		s.vp.HalfPageDown()
	case key.Matches(msg, k.PageUp):
		s.vp.HalfPageUp()
	}
	if s.form != nil {
		s.form.setSize(s.w, s.h)
		return s.form.fields[0].focus()
	}
	return nil
}

func status(text string) tea.Cmd { return func() tea.Msg { return statusMsg{text: text} } }

// at is when something logged now happened: now, or midday of the day
// the program is looking at.
func (s *accountScreen) at() time.Time { return s.sh.at() }

func (sh *shared) at() time.Time {
	now := sh.now()
	if store.Today(now).Equal(sh.today) {
		return now
	}
	return sh.today.Add(12 * time.Hour)
}

func (s *accountScreen) complete(f store.FollowUp) tea.Cmd {
	st, at := s.sh.st, s.at()
	return s.sh.write("follow-up done: "+f.What, func(ctx context.Context) (func(context.Context) error, error) {
		_, err := st.CompleteFollowUp(ctx, f.ID, at)
		return func(ctx context.Context) error {
			_, err := st.UpdateFollowUp(ctx, f.ID, func(x *store.FollowUp) error { x.DoneAt = nil; return nil })
			return err
		}, err
	})
}

func (s *accountScreen) resolve(k store.Contact) tea.Cmd {
	st, at := s.sh.st, s.at()
	return s.sh.write(fmt.Sprintf("complaint resolved; check-in scheduled in %d days", store.CheckInDays),
		func(ctx context.Context) (func(context.Context) error, error) {
			f, err := st.ResolveComplaint(ctx, k.ID, at, "")
			return func(ctx context.Context) error {
				if _, err := st.DeleteFollowUp(ctx, f.ID); err != nil {
					return err
				}
				_, err := st.UpdateContact(ctx, k.ID, func(c *store.Contact) error {
					c.ComplaintStatus, c.ResolvedAt = "open", nil
					return nil
				})
				return err
			}, err
		})
}

// delete asks once, then deletes the selected record; u puts it back.
func (s *accountScreen) delete(it cardItem) tea.Cmd {
	st, d, cur := s.sh.st, s.data, s.sh.cur
	switch it.kind {
	case itemPurchase:
		p := d.Purchases[it.idx]
		q := fmt.Sprintf("Delete purchase %d (%s %s on %s)?", p.ID, cur.Grouped(p.Amount), clean(p.Item), p.Date)
		// The payments recorded against it go with it: say so, and how much.
		var n int
		var paid money.Amount
		for _, y := range d.Payments {
			if y.PurchaseID == p.ID {
				n, paid = n+1, paid+y.Amount
			}
		}
		if n > 0 {
			q = fmt.Sprintf("Delete purchase %d (%s %s on %s) and the %s of %s recorded against it?", p.ID, cur.Grouped(p.Amount),
				clean(p.Item), p.Date, render.Plural(n, "payment"), cur.Grouped(paid))
		}
		return ask(q, s.sh.write("purchase deleted", func(ctx context.Context) (func(context.Context) error, error) {
			was, pays, err := st.DeletePurchase(ctx, p.ID)
			return func(ctx context.Context) error { return st.RestorePurchase(ctx, was, pays) }, err
		}))
	case itemContact, itemComplaint:
		var k store.Contact
		if it.kind == itemComplaint {
			k = d.OpenComplaints[it.idx]
		} else {
			k = d.Contacts[it.idx]
		}
		q := fmt.Sprintf("Delete the %s of %s (%s)?", k.Kind, localDay(k.At, s.sh.loc), clean(firstWords(k.Summary, 30)))
		return ask(q, s.sh.write(k.Kind+" deleted", func(ctx context.Context) (func(context.Context) error, error) {
			was, err := st.DeleteContact(ctx, k.ID)
			return func(ctx context.Context) error { return st.RestoreContact(ctx, was) }, err
		}))
	case itemFollowUp:
		f := d.FollowUps[it.idx]
		return ask(fmt.Sprintf("Delete the follow-up %q?", firstWords(f.What, 40)), s.sh.write("follow-up deleted",
			func(ctx context.Context) (func(context.Context) error, error) {
				was, err := st.DeleteFollowUp(ctx, f.ID)
				return func(ctx context.Context) error { return st.RestoreFollowUp(ctx, was) }, err
			}))
	case itemPayment:
		p := d.Payments[it.idx]
		return ask(fmt.Sprintf("Delete the payment of %s on %s?", cur.Grouped(p.Amount), p.Date), s.sh.write("payment deleted",
			func(ctx context.Context) (func(context.Context) error, error) {
				err := st.DeletePayment(ctx, p.ID)
				return func(ctx context.Context) error { return st.RestorePayment(ctx, p) }, err
			}))
	case itemEvent:
		e := d.Events[it.idx]
		return ask(fmt.Sprintf("Delete the event %q (%s)?", firstWords(e.What, 30), e.Date), s.sh.write("event deleted",
			func(ctx context.Context) (func(context.Context) error, error) {
				was, err := st.DeleteEvent(ctx, e.ID)
				return func(ctx context.Context) error { _, err := st.AddEvent(ctx, was); return err }, err
			}))
	}
	return status("select a purchase, payment, contact, follow-up or event (↑/↓) to delete it; x on Accounts archives a customer")
}

// firstWords is s cut to n characters.
func firstWords(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func (s *accountScreen) View() string {
	if s.form != nil {
		return s.form.view(s.sh.styles)
	}
	if s.data == nil {
		return s.sh.styles.Dim.Render("  loading…")
	}
	return s.vp.View()
}

// layoutViewport renders the card into the viewport, keeping the selected
// line in view.
func (s *accountScreen) layoutViewport() {
	s.vp.Width = s.w
	s.vp.Height = max(1, s.h)
	if s.data == nil {
		return
	}
	s.vp.SetContent(s.content())
	// A taller window (or a shorter card) fills the screen with the lines
	// above instead of leaving blank lines below.
	s.vp.SetYOffset(s.vp.YOffset)
	s.sel = max(0, min(s.sel, len(s.items)-1))
	if len(s.items) == 0 {
		return
	}
	line := s.items[s.sel].line
	switch {
	case s.sel == 0:
		s.vp.GotoTop()
	case line < s.vp.YOffset:
		s.vp.SetYOffset(line)
	case line >= s.vp.YOffset+s.vp.Height:
		s.vp.SetYOffset(line - s.vp.Height + 1)
	}
}

func (s *accountScreen) shortHelp() []key.Binding {
	k := s.sh.keys
	if s.form != nil {
		return []key.Binding{k.NextField, k.Submit, k.Cancel}
	}
	return []key.Binding{k.Back, k.Buy, k.Pay, k.Log, k.Follow, k.Edit, k.Delete, k.Undo}
}

func (s *accountScreen) fullHelp() [][]key.Binding {
	k := s.sh.keys
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom, k.Back},
		{k.Buy, k.Pay, k.Log, k.Follow, k.Event, k.Edit, k.Delete, k.Done, k.Resolve, k.More, k.Undo}}
}
