package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/rolo-crm/rolo/insight"
	"github.com/rolo-crm/rolo/render"
	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/tiering/agenda"
)

// dueScreen is the agenda: who to contact today and why, overdue first.
type dueScreen struct {
	sh     *shared
	w, h   int
	req    int
	items  []agenda.Entry // one per customer, most urgent first
	loaded bool
	cursor int
	top    int
	form   *form
}

type dueMsg struct {
	req    int
	agenda *insight.Agenda
	err    error
}

func (m dueMsg) requestID() int { return m.req }

func newDueScreen(sh *shared) *dueScreen { return &dueScreen{sh: sh} }

func (s *dueScreen) SetSize(w, h int) {
	s.w, s.h = w, h
	if s.form != nil {
		s.form.setWidth(w)
	}
	s.clamp()
}

func (s *dueScreen) capturing() bool { return s.form != nil }

func (s *dueScreen) reload() tea.Cmd {
	if s.sh.tiers == nil {
		return nil // loads once the tiers are in: they come from the same reads
	}
	s.req = s.sh.begin(scrDue)
	req, st, today, ctx := s.req, s.sh.st, s.sh.today, s.sh.ctx
	return func() tea.Msg {
		ag, err := st.Agenda(ctx, insight.AgendaQuery{AsOf: today, Days: 7})
		return dueMsg{req: req, agenda: ag, err: err}
	}
}

func (s *dueScreen) visible() int { return max(1, s.h-2) }

func (s *dueScreen) clamp() {
	s.cursor = max(0, min(s.cursor, len(s.items)-1))
	if s.cursor < s.top {
		s.top = s.cursor
	}
	if s.cursor >= s.top+s.visible() {
		s.top = s.cursor - s.visible() + 1
	}
	s.top = max(0, s.top)
}

func (s *dueScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case dueMsg:
		if msg.req != s.req {
			return nil
		}
		if msg.err != nil {
			return func() tea.Msg { return statusMsg{err: msg.err} }
		}
		s.items, s.loaded = msg.agenda.Entries, true
		s.clamp()
		return nil
	case tea.MouseMsg:
		rows, _ := wheelRows(msg)
		s.cursor += rows
		s.clamp()
		return nil
	case tea.KeyMsg:
		if s.form != nil {
			cmd, done := s.form.update(msg, s.sh.keys)
			if done {
				s.form = nil
			}
			return cmd
		}
		k := s.sh.keys
		var it *agenda.Item
		var follow *agenda.Item // the entry's first follow-up, if any
		if s.cursor < len(s.items) {
			e := s.items[s.cursor]
			it = &e.Items[0]
			for i := range e.Items {
				if e.Items[i].FollowUpID != 0 {
					follow = &e.Items[i]
					break
				}
			}
		}
		if c, ok := moveCursor(k, msg, s.cursor, len(s.items), s.visible()); ok {
			s.cursor = c
			s.clamp()
			return nil
		}
		switch {
		case key.Matches(msg, k.Open):
			if it != nil {
				return open(it.CustomerID)
			}
		case key.Matches(msg, k.Done):
			if it == nil {
				return nil
			}
			if follow == nil {
				return status("only follow-ups are marked done; log a contact (l) to clear " + string(it.Reason))
			}
			st, id, at := s.sh.st, follow.FollowUpID, s.at()
			return s.sh.write("follow-up done: "+follow.Detail, func(ctx context.Context) (func(context.Context) error, error) {
				_, err := st.CompleteFollowUp(ctx, id, at)
				return func(ctx context.Context) error {
					_, err := st.UpdateFollowUp(ctx, id, func(f *store.FollowUp) error { f.DoneAt = nil; return nil })
					return err
				}, err
			})
		case key.Matches(msg, k.Snooze):
			if it == nil {
				return nil
			}
			if follow == nil {
				return status("only follow-ups can be snoozed; log a contact (l) to clear " + string(it.Reason))
			}
			st, id, due, was := s.sh.st, follow.FollowUpID, s.sh.today.AddDate(0, 0, 3), follow.Due
			return s.sh.write("snoozed to "+due.Format("2006-01-02"), func(ctx context.Context) (func(context.Context) error, error) {
				return func(ctx context.Context) error { return st.RescheduleFollowUp(ctx, id, was) }, st.RescheduleFollowUp(ctx, id, due)
			})
		case key.Matches(msg, k.Log):
			if it == nil {
				return nil
			}
			kind := "call"
			if it.Reason == agenda.FestivalR || it.Reason == agenda.BirthdayR {
				kind = "greeting"
			}
			cid, name := it.CustomerID, it.Name
			s.form = newForm(s.sh, "Log a contact with "+clean(name), []field{
				{label: "Kind", value: kind, choices: contactKinds}, {label: "Summary", placeholder: "what happened"},
			}, func(v []string) (tea.Cmd, error) {
				c := store.Contact{CustomerID: cid, Kind: v[0], Summary: v[1], At: s.at().UTC().Format(time.RFC3339)}
				if err := c.Validate(); err != nil {
					return nil, err
				}
				st := s.sh.st
				return s.sh.write(c.Kind+" with "+name+" logged", func(ctx context.Context) (func(context.Context) error, error) {
					added, err := st.AddContact(ctx, c)
					return func(ctx context.Context) error { _, err := st.DeleteContact(ctx, added.ID); return err }, err
				}), nil
			})
			s.form.setWidth(s.w)
			return s.form.fields[0].focus()
		}
		s.clamp()
	}
	return nil
}

func (s *dueScreen) at() time.Time { return s.sh.at() }

func (s *dueScreen) View() string {
	st := s.sh.styles
	if s.form != nil {
		return s.form.view(st, s.w)
	}
	if !s.loaded {
		return st.Dim.Render("  working out who to contact…")
	}
	over := 0
	for _, e := range s.items {
		if e.Top().Overdue() {
			over++
		}
	}
	var b strings.Builder
	b.WriteString(st.Bold.Render(fmt.Sprintf("%d customers overdue", over)) + st.Dim.Render(fmt.Sprintf(" · %d due within 7 days · one line per customer", len(s.items)-over)) + "\n")
	if len(s.items) == 0 {
		b.WriteString(st.Dim.Render("  nothing due — a good day to call a key customer anyway"))
		return b.String()
	}
	const whenW, tierW, whyW = 12, 5, 16
	nameW := min(22, max(8, s.w/5))
	detW := max(10, s.w-2-whenW-1-nameW-1-tierW-1-whyW-1)
	end := min(s.top+s.visible(), len(s.items))
	for i := s.top; i < end; i++ {
		e := s.items[i]
		it := e.Top()
		why := string(it.Reason)
		for _, x := range e.Items[1:] {
			why += "+" + string(x.Reason)
		}
		when := relDay(it.Due.Format("2006-01-02"), s.sh.today)
		if it.Overdue() {
			when = fmt.Sprintf("%dd overdue", it.DaysOverdue)
		}
		badge := render.PadRight("", tierW)
		if it.Tier != "" {
			badge = st.badge(it.Tier)
		}
		left := render.PadRight(when, whenW) + " " + render.PadRight(clean(it.Name), nameW) + " "
		right := " " + render.PadRight(why, whyW) + " " + render.Truncate(clean(it.Detail), detW)
		switch {
		case i == s.cursor:
			b.WriteString(st.Selected.Render("▸ "+left) + badge + st.Selected.Render(right))
		case it.Overdue():
			b.WriteString("  " + st.Overdue.Render(left) + badge + st.Overdue.Render(right))
		default:
			b.WriteString("  " + left + badge + right)
		}
		if i < end-1 {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func (s *dueScreen) shortHelp() []key.Binding {
	k := s.sh.keys
	if s.form != nil {
		return []key.Binding{k.NextField, k.Submit, k.Cancel}
	}
	return []key.Binding{k.Open, k.Done, k.Snooze, k.Log}
}

func (s *dueScreen) fullHelp() [][]key.Binding {
	k := s.sh.keys
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}, {k.Open, k.Done, k.Snooze, k.Log}}
}
