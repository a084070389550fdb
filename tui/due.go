package tui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/rolo-crm/rolo/insight"
	"github.com/rolo-crm/rolo/render"
	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/tiering/agenda"
)

// dueScreen is today's plan (as many customers as the day's capacity,
// ticked off as they are done), then the rest of the agenda: one line per
// customer; every reason of the selected customer in full in a pane below.
// Any item can be done, snoozed or dismissed in place.
type dueScreen struct {
	sh        *shared
	w, h      int
	req       int
	items     []agenda.Entry // today's plan first (planN of them), then the rest, most urgent first
	planN     int
	done      []bool        // of the plan's customers
	contacted []bool        // of the plan's customers: done by a contact, something still due
	snoozed   []*snoozeMark // of the plan's customers: what keeps them off today, when the rep snoozed it
	overdue   int           // customers with something overdue, on the plan or not
	backlog   int           // customers with something due today who are not on the plan
	lapsed    int           // customers this agenda marked lapsed
	whyW      int           // the widest reason of the list (complaint+payment)
	loaded    bool
	cursor    int
	top       int
	form      *form
}

type dueMsg struct {
	req  int
	plan *insight.Plan
	err  error
}

func (m dueMsg) requestID() int { return m.req }

func newDueScreen(sh *shared) *dueScreen { return &dueScreen{sh: sh} }

func (s *dueScreen) SetSize(w, h int) {
	s.w, s.h = w, h
	if s.form != nil {
		s.form.setSize(w, h)
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
	// Only today's plan is kept for the day and moves the lifecycle on
	// (not a look at another day).
	keep := today.Equal(store.Today(s.sh.now()))
	return func() tea.Msg {
		p, err := st.Plan(ctx, insight.PlanQuery{AsOf: today, Days: 1, Keep: keep})
		return dueMsg{req: req, plan: p, err: err}
	}
}

// paneLines is how many lines the detail pane takes.
func (s *dueScreen) paneLines() int { return min(5, max(2, s.h/5)) }

// visible is how many customer lines fit: the body minus the summary, the
// column headings, the line between the plan and the rest, and the pane.
func (s *dueScreen) visible() int { return max(1, s.h-2-1-1-s.paneLines()) }

// clamp keeps the cursor in the list and on the screen, and the screen
// full: after a resize that shows more rows, the rows above come back
// into view rather than blank lines below.
func (s *dueScreen) clamp() {
	s.cursor = max(0, min(s.cursor, len(s.items)-1))
	if s.cursor < s.top {
		s.top = s.cursor
	}
	if s.cursor >= s.top+s.visible() {
		s.top = s.cursor - s.visible() + 1
	}
	s.top = max(0, min(s.top, len(s.items)-s.visible()))
}

func (s *dueScreen) selected() *agenda.Entry {
	if s.cursor < len(s.items) {
		return &s.items[s.cursor]
	}
	return nil
}

func (s *dueScreen) update(msg tea.Msg) tea.Cmd {
	if s.form.takes(msg) {
		cmd, done := s.form.update(msg, s.sh.keys)
		if done {
			s.form = nil
		}
		return cmd
	}
	switch msg := msg.(type) {
	case dueMsg:
		if msg.req != s.req {
			return nil
		}
		if msg.err != nil {
			return func() tea.Msg { return statusMsg{err: msg.err} }
		}
		p := msg.plan
		s.items, s.done, s.contacted, s.snoozed = s.items[:0], s.done[:0], s.contacted[:0], s.snoozed[:0]
		for _, r := range p.Today {
			s.items = append(s.items, r.Entry)
			s.done = append(s.done, r.Done)
			s.contacted = append(s.contacted, r.Contacted)
			var z *snoozeMark
			if r.Snoozed != nil {
				z = &snoozeMark{r.Snoozed.Reason, r.Snoozed.Until}
			}
			s.snoozed = append(s.snoozed, z)
		}
		s.planN = len(s.items)
		s.items = append(s.items, p.Rest()...)
		s.overdue = p.Agenda.Overdue()
		s.backlog, s.lapsed, s.loaded = p.Backlog, len(p.Agenda.Lapsed), true
		s.whyW = 0
		for _, e := range s.items {
			s.whyW = max(s.whyW, render.Width(e.Why()))
		}
		s.clamp()
		return nil
	case tea.MouseMsg:
		rows, _ := wheelRows(msg)
		s.cursor += rows
		s.clamp()
		return nil
	case tea.KeyMsg:
		return s.key(msg)
	}
	return nil
}

func (s *dueScreen) key(msg tea.KeyMsg) tea.Cmd {
	k := s.sh.keys
	if c, ok := moveCursor(k, msg, s.cursor, len(s.items), s.visible()); ok {
		s.cursor = c
		s.clamp()
		return nil
	}
	e := s.selected()
	if e == nil {
		return nil
	}
	top := e.Top()
	if top.Reason == "" && !key.Matches(msg, k.Open) && !key.Matches(msg, k.Log) {
		return status("nothing is due for " + top.Name + " any more: done for today")
	}
	st, sh := s.sh.st, s.sh
	switch {
	case key.Matches(msg, k.Open):
		return open(top.CustomerID)
	case key.Matches(msg, k.Done):
		// The entry's follow-up that is due; one due later is left alone.
		var next *agenda.Item
		for i := range e.Items {
			it := &e.Items[i]
			if it.FollowUpID == 0 {
				continue
			}
			if !it.Due.After(sh.today) {
				id, at, what := it.FollowUpID, sh.at(), it.Detail
				return sh.write("follow-up done: "+what, func(ctx context.Context) (func(context.Context) error, error) {
					_, err := st.CompleteFollowUp(ctx, id, at)
					return func(ctx context.Context) error {
						_, err := st.UpdateFollowUp(ctx, id, func(f *store.FollowUp) error { f.DoneAt = nil; return nil })
						return err
					}, err
				})
			}
			next = it
		}
		if next != nil {
			return status(fmt.Sprintf("the follow-up %q is due %s, not yet: z snoozes it, e on the card changes it", next.Detail, relDate(next.Due, sh.today)))
		}
		return status("no follow-up here: " + howToClear(top.Reason) + ", or snooze (z) or dismiss (x) it")
	case key.Matches(msg, k.Snooze):
		until := sh.today.AddDate(0, 0, 3)
		it := top
		return sh.write(fmt.Sprintf("%s of %s snoozed to %s", it.Reason, it.Name, until.Format("2006-01-02")),
			func(ctx context.Context) (func(context.Context) error, error) { return st.Snooze(ctx, it, until, "") })
	case key.Matches(msg, k.Dismiss):
		it := top
		if it.Reason == agenda.Complaint {
			return status("resolve a complaint, not dismiss it: enter, then x on the card")
		}
		s.form = newForm(sh, fmt.Sprintf("Dismiss the %s of %s", it.Reason, clean(it.Name)), []field{
			{label: "Why", placeholder: "on holiday until March; called from the shop; ..."},
		}, func(v []string) (tea.Cmd, error) {
			if strings.TrimSpace(v[0]) == "" {
				return nil, fmt.Errorf("say why, for the record")
			}
			at := sh.at()
			return sh.write(fmt.Sprintf("%s of %s dismissed", it.Reason, it.Name), func(ctx context.Context) (func(context.Context) error, error) {
				return st.Dismiss(ctx, it, v[0], at)
			}), nil
		})
		s.form.setSize(s.w, s.h)
		return s.form.fields[0].focus()
	case key.Matches(msg, k.Log):
		kind := "call"
		switch top.Reason {
		case agenda.FestivalR, agenda.BirthdayR, agenda.EventR:
			kind = "greeting"
		}
		cid, name := top.CustomerID, top.Name
		s.form = newForm(sh, "Log a contact with "+clean(name), []field{
			{label: "Kind", value: kind, choices: contactKinds}, {label: "Summary", placeholder: "what happened"},
		}, func(v []string) (tea.Cmd, error) {
			at, err := sh.contactTime("")
			if err != nil {
				return nil, err
			}
			c := store.Contact{CustomerID: cid, Kind: v[0], Summary: v[1], At: at}
			if err := c.Validate(); err != nil {
				return nil, err
			}
			return sh.write(c.Kind+" with "+name+" logged", func(ctx context.Context) (func(context.Context) error, error) {
				added, err := st.AddContact(ctx, c)
				return func(ctx context.Context) error { _, err := st.DeleteContact(ctx, added.ID); return err }, err
			}), nil
		})
		s.form.setSize(s.w, s.h)
		return s.form.fields[0].focus()
	}
	return nil
}

// Column widths of the agenda lines; WHY is at least dueWhyW, wider when
// the detail keeps dueDetailW.
const dueWhenW, dueTierW, dueWhyW, dueDetailW = 11, 5, 16, 30

func (s *dueScreen) View() string {
	st := s.sh.styles
	if s.form != nil {
		return s.form.view(st)
	}
	if !s.loaded {
		return st.Dim.Render("  working out who to contact…")
	}
	var b strings.Builder
	nDone, nSnoozed := 0, 0
	for i, d := range s.done {
		if _, ok := s.snoozedRow(i); ok {
			nSnoozed++
		} else if d {
			nDone++
		}
	}
	summary := fmt.Sprintf("Today: done %d of %d", nDone, s.planN)
	if nSnoozed > 0 {
		summary += fmt.Sprintf(", %d snoozed", nSnoozed)
	}
	if s.planN == 0 {
		summary = "Nothing planned today"
	}
	rest := fmt.Sprintf(" · %d more waiting · %d overdue in all", s.backlog, s.overdue)
	if s.lapsed > 0 {
		rest += fmt.Sprintf(" · %d lapsed today", s.lapsed)
	}
	b.WriteString(render.Truncate(st.Bold.Render(summary)+st.Dim.Render(rest), s.w) + "\n")
	if len(s.items) == 0 {
		b.WriteString(st.Dim.Render("  nothing due — a good day to call a key customer anyway"))
		return b.String()
	}
	w := max(s.w, 40)
	nameW := min(22, max(8, w/5))
	whyW := dueWhyW
	detW := w - 2 - dueWhenW - 1 - nameW - 1 - dueTierW - 1 - whyW - 1
	if detW < 8 { // narrow: the detail lives in the pane below
		detW, whyW = 0, max(8, w-2-dueWhenW-1-nameW-1-dueTierW-1)
	}
	need := s.whyW
	for i := range s.planN {
		if z, ok := s.snoozedRow(i); ok {
			need = max(need, render.Width(z.why()))
		}
	}
	if spare := min(detW-dueDetailW, need-whyW); spare > 0 {
		// Wide: the reasons whole (complaint+payment+follow-up) before
		// the detail grows past what it needs.
		whyW, detW = whyW+spare, detW-spare
	}
	head := "  " + render.PadRight("WHEN", dueWhenW) + " " + render.PadRight("CUSTOMER", nameW) + " " +
		render.PadRight("TIER", dueTierW) + " " + render.PadRight("WHY", whyW)
	if detW > 0 {
		head += " " + "DETAIL"
	}
	b.WriteString(st.Bold.Render(render.Truncate(head, w)) + "\n")
	end := min(s.top+s.visible(), len(s.items))
	lines := 0
	for i := s.top; i < end; i++ {
		if i == s.planN && (i > s.top || s.planN > 0) {
			// The rest holds what is due by today (the header's "waiting")
			// and what comes within the agenda's days: both counts.
			n := len(s.items) - s.planN
			due := fmt.Sprintf("%d due by today", s.backlog)
			if s.backlog == n {
				due = "all due by today"
			}
			b.WriteString(st.Dim.Render(render.Truncate(fmt.Sprintf("── the rest of the agenda: %s (%s) %s", render.Plural(n, "customer"), due,
				strings.Repeat("─", w)), w)) + "\n")
			lines++
		}
		e := s.items[i]
		it := e.Top()
		why := e.Why()
		when := relDate(it.Due, s.sh.today)
		late, isLate := e.Late() // an open complaint leads even before it is due; a debt behind it may be late
		if isLate {
			when = fmt.Sprintf("%dd late", late.DaysOverdue)
		}
		done := i < s.planN && s.done[i]
		if z, ok := s.snoozedRow(i); ok {
			when, why = "snoozed", z.why()
		} else if done && s.contacted[i] {
			when = "✓ contacted" // something is still due: a contact does not clear a debt
		} else if done {
			when = "✓ done"
			if it.Reason == "" {
				why = ""
			}
		}
		tier := it.Tier
		if tier == "" { // a plan's customer with nothing left on the agenda: the item is only their name
			tier = s.sh.tiers.Of(it.CustomerID)
		}
		badge := st.badge(tier)
		left := render.PadRight(when, dueWhenW) + " " + render.PadRight(clean(it.Name), nameW) + " "
		right := " " + render.PadRight(why, whyW)
		if detW > 0 {
			right += " " + render.Truncate(clean(it.Detail), detW)
		}
		switch {
		case i == s.cursor:
			b.WriteString(st.Selected.Render("▸ "+left) + badge + st.Selected.Render(right))
		case done:
			b.WriteString("  " + st.Dim.Render(left) + badge + st.Dim.Render(right))
		case isLate:
			b.WriteString("  " + st.Overdue.Render(left) + badge + st.Overdue.Render(right))
		default:
			b.WriteString("  " + left + badge + right)
		}
		b.WriteByte('\n')
		lines++
	}
	for ; lines < s.visible()+1; lines++ {
		b.WriteByte('\n')
	}
	b.WriteString(s.pane(w))
	return b.String()
}

// pane is every reason of the selected customer, in full; for a customer
// ticked off today's plan, first that they are done.
func (s *dueScreen) pane(w int) string {
	st := s.sh.styles
	e := s.selected()
	if e == nil {
		return ""
	}
	wrap := lipgloss.NewStyle().Width(w - 2)
	var lines []string
	if z, ok := s.snoozedRow(s.cursor); ok {
		text := st.Bold.Render(clean(e.Top().Name)) + fmt.Sprintf(" — snoozed: %s to %s", z.reason, z.until.Format("2006-01-02"))
		if e.Top().Reason == "" {
			text += st.Dim.Render("; nothing else is due today (u undoes the snooze)")
		} else {
			text += st.Dim.Render("; nothing else is due today, still on the agenda:")
		}
		lines = append(lines, strings.Split(wrap.Render(text), "\n")...)
	} else if s.cursor < s.planN && s.done[s.cursor] {
		// Ticked off today's plan: say so first. A customer with nothing
		// left on the agenda has no reason to list after it (the plan keeps
		// their place with an item that is only their name).
		text := st.Bold.Render("✓ "+clean(e.Top().Name)) + " — done for today"
		if e.Top().Reason == "" {
			text += st.Dim.Render(": nothing is due for them any more")
		} else {
			text += st.Dim.Render("; still on the agenda:")
		}
		lines = append(lines, strings.Split(wrap.Render(text), "\n")...)
	}
	for _, it := range e.Items {
		if it.Reason == "" {
			continue
		}
		when := ""
		switch {
		case it.Overdue():
			when = fmt.Sprintf("%dd late", it.DaysOverdue)
		case !it.Due.IsZero():
			when = it.Due.Format("01-02")
		}
		text := st.Bold.Render(string(it.Reason)) + " "
		if when != "" {
			text += st.Dim.Render(when) + " "
		}
		lines = append(lines, strings.Split(wrap.Render(text+clean(it.Detail)), "\n")...)
	}
	n := s.paneLines()
	if len(lines) > n {
		lines = append(lines[:n-1], st.Dim.Render(fmt.Sprintf("… %d more lines: enter opens the card", len(lines)-n+1)))
	}
	for i := range lines {
		lines[i] = "  " + lines[i]
	}
	return st.Dim.Render(strings.Repeat("─", max(10, w))) + "\n" + strings.Join(lines, "\n")
}

// why is a snoozed row's WHY: the day first, which a narrow column keeps.
func (z snoozeMark) why() string { return fmt.Sprintf("to %s: %s", z.until.Format("01-02"), z.reason) }

// snoozedRow is what the rep snoozed of the plan's row i, when that is
// why nothing of theirs is due today: the row is not done but snoozed.
func (s *dueScreen) snoozedRow(i int) (snoozeMark, bool) {
	if i >= s.planN || s.snoozed[i] == nil {
		return snoozeMark{}, false
	}
	return *s.snoozed[i], true
}

func (s *dueScreen) shortHelp() []key.Binding {
	k := s.sh.keys
	if s.form != nil {
		return []key.Binding{k.NextField, k.Submit, k.Cancel}
	}
	return []key.Binding{k.Open, k.Done, k.Snooze, k.Dismiss, k.Log}
}

func (s *dueScreen) fullHelp() [][]key.Binding {
	k := s.sh.keys
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}, {k.Open, k.Done, k.Snooze, k.Dismiss, k.Log, k.Undo}}
}

// howToClear says what takes an agenda item of this reason off: a contact
// clears most, not what is owed, an open complaint or the survey.
func howToClear(r agenda.Reason) string {
	switch r {
	case agenda.Payment:
		return "record the payment (enter opens the account, p pays) to clear payment"
	case agenda.Complaint:
		return "resolve the complaint (enter opens the account, x resolves) to clear it"
	case agenda.SurveyR:
		return "record the loyalty survey (rolo survey) to clear survey"
	}
	return "log a contact (l) to clear " + string(r)
}
