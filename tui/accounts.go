package tui

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/rolo-crm/rolo/render"
	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/tiering"
)

// accountsScreen is a virtual table over every customer: it holds only the
// window of rows around what is visible and pages through the store.
type accountsScreen struct {
	sh       *shared
	w, h     int
	rows     []store.AccountRow
	winStart int
	total    int
	cursor   int
	top      int
	sort     string
	desc     bool
	filter   textinput.Model
	typing   bool
	query    string
	ids      []int64 // a filtered list (search hits or a tier), nil for everyone
	title    string
	archived bool  // the archived customers instead
	form     *form // adding a customer
	req      int
	searchQ  int
	// kept is the rep's sort of everyone, put back when a filtered list
	// (search hits, a tier) with a sort of its own goes; nil when none is shown.
	kept *sortOrder
}

// sortOrder is a column to sort by and its direction.
type sortOrder struct {
	by   string
	desc bool
}

var sortCycle = []string{store.SortName, store.SortValue, store.SortLastContact, store.SortNextDue}

func newAccountsScreen(sh *shared) *accountsScreen {
	ti := sh.input()
	ti.Prompt = "/ "
	ti.Placeholder = "name, pinyin (wxm), company, phone…"
	ti.CharLimit = 100
	return &accountsScreen{sh: sh, filter: ti, sort: store.SortName}
}

func (s *accountsScreen) SetSize(w, h int) {
	s.w, s.h = w, h
	if s.form != nil {
		s.form.setSize(w, h)
	}
	s.filter.Width = max(10, w-38) // room for "  1000 found in names and profiles"
	s.clamp()
}

func (s *accountsScreen) capturing() bool { return s.typing || s.form != nil }

// visible rows: the body minus the header line (and the filter line).
func (s *accountsScreen) visible() int {
	n := s.h - 2
	if s.typing || s.query != "" || s.title != "" || s.archived {
		n--
	}
	return max(n, 1)
}

type accountsMsg struct {
	req    int
	offset int
	rows   []store.AccountRow
	total  int
	err    error
}

func (m accountsMsg) requestID() int { return m.req }

type searchMsg struct {
	req int
	q   string
	ids []int64
	err error
}

func (m searchMsg) requestID() int { return m.req }

func (s *accountsScreen) reload() tea.Cmd {
	off := max(0, s.top-50)
	return s.fetch(off)
}

func (s *accountsScreen) fetch(offset int) tea.Cmd {
	s.req = s.sh.begin(scrAccounts)
	req, st, ctx := s.req, s.sh.st, s.sh.ctx
	q := store.AccountQuery{Sort: s.sort, Desc: s.desc, IDs: s.ids, Archived: s.archived, Offset: offset, Limit: s.visible() + 150}
	return func() tea.Msg {
		rows, total, err := st.Accounts(ctx, q)
		return accountsMsg{req: req, offset: offset, rows: rows, total: total, err: err}
	}
}

func (s *accountsScreen) search(q string) tea.Cmd {
	s.searchQ = s.sh.begin(scrAccounts)
	req, st, ctx := s.searchQ, s.sh.st, s.sh.ctx
	return func() tea.Msg {
		hits, err := st.Search(ctx, q, store.SearchOptions{Limit: 1000, ProfileOnly: true, NamesOnly: true})
		ids := make([]int64, len(hits))
		for i, h := range hits {
			ids[i] = h.Customer.ID
		}
		return searchMsg{req: req, q: q, ids: ids, err: err}
	}
}

// showIDs lists just these customers (a tier picked on the pyramid).
func (s *accountsScreen) showIDs(title string, ids []int64) tea.Cmd {
	s.keep()
	s.title, s.ids, s.query, s.typing = title, ids, "", false
	s.filter.SetValue("")
	s.sort, s.desc = store.SortValue, true
	s.cursor, s.top = 0, 0
	return s.fetch(0)
}

// keep remembers the rep's sort of everyone before a filtered list sorts
// its own way (search hits by relevance, a tier by value).
func (s *accountsScreen) keep() {
	if s.kept == nil {
		s.kept = &sortOrder{s.sort, s.desc}
	}
}

// everyone leaves a filtered list for every customer, in the sort the rep
// had before it.
func (s *accountsScreen) everyone() tea.Cmd {
	s.query, s.title, s.ids = "", "", nil
	s.filter.SetValue("")
	s.sort, s.desc = store.SortName, false
	if s.kept != nil {
		s.sort, s.desc, s.kept = s.kept.by, s.kept.desc, nil
	}
	s.cursor, s.top = 0, 0
	return s.fetch(0)
}

// clamp keeps the cursor in the list and on the screen, and the screen
// full: after a resize that shows more rows, the rows above come back
// into view rather than blank lines below.
func (s *accountsScreen) clamp() {
	if s.cursor >= s.total {
		s.cursor = s.total - 1
	}
	if s.cursor < 0 {
		s.cursor = 0
	}
	v := s.visible()
	if s.cursor < s.top {
		s.top = s.cursor
	}
	if s.cursor >= s.top+v {
		s.top = s.cursor - v + 1
	}
	s.top = min(s.top, s.total-v)
	if s.top < 0 {
		s.top = 0
	}
}

// ensureWindow fetches rows when the visible range leaves the window.
func (s *accountsScreen) ensureWindow() tea.Cmd {
	end := min(s.top+s.visible(), s.total)
	if s.top >= s.winStart && end <= s.winStart+len(s.rows) {
		return nil
	}
	return s.fetch(max(0, s.top-50))
}

func (s *accountsScreen) selected() (store.AccountRow, bool) {
	i := s.cursor - s.winStart
	if i < 0 || i >= len(s.rows) {
		return store.AccountRow{}, false
	}
	return s.rows[i], true
}

func (s *accountsScreen) update(msg tea.Msg) tea.Cmd {
	k := s.sh.keys
	if s.form.takes(msg) {
		cmd, done := s.form.update(msg, k)
		if done {
			s.form = nil
		}
		return cmd
	}
	switch msg := msg.(type) {
	case accountsMsg:
		if msg.req != s.req {
			return nil // stale
		}
		if msg.err != nil {
			return func() tea.Msg { return statusMsg{err: msg.err} }
		}
		s.rows, s.winStart, s.total = msg.rows, msg.offset, msg.total
		s.clamp()
		return s.ensureWindow()
	case searchMsg:
		if msg.req != s.searchQ {
			return nil
		}
		if msg.err != nil {
			return func() tea.Msg { return statusMsg{err: msg.err} }
		}
		s.ids, s.sort, s.cursor, s.top = msg.ids, "", 0, 0
		return s.fetch(0)
	case tea.MouseMsg:
		rows, ok := wheelRows(msg)
		if !ok {
			return nil
		}
		s.cursor += rows
		s.clamp()
		return s.ensureWindow()
	case tea.KeyMsg:
		if s.typing {
			switch msg.String() {
			case "esc":
				s.typing = false
				return s.everyone()
			case "enter":
				s.typing = false
				if r, ok := s.selected(); ok && s.query != "" && s.total == 1 {
					return open(r.ID)
				}
				return nil
			case "up", "down":
				s.typing = false
				return s.update(msg)
			}
			var cmd tea.Cmd
			s.filter, cmd = s.filter.Update(msg)
			if q := strings.TrimSpace(s.filter.Value()); q != s.query {
				if q == "" {
					return tea.Batch(cmd, s.everyone())
				}
				s.keep()
				s.query, s.title = q, ""
				return tea.Batch(cmd, s.search(q))
			}
			return cmd
		}
		if c, ok := moveCursor(k, msg, s.cursor, s.total, s.visible()); ok {
			s.cursor = c
			s.clamp()
			return s.ensureWindow()
		}
		switch {
		case key.Matches(msg, k.Filter):
			s.typing = true
			s.filter.SetValue(s.query)
			s.filter.CursorEnd()
			return s.filter.Focus()
		case key.Matches(msg, k.Back):
			if s.query != "" || s.title != "" {
				return s.everyone()
			}
		case key.Matches(msg, k.Open):
			if r, ok := s.selected(); ok {
				return open(r.ID)
			}
		case key.Matches(msg, k.Add):
			s.form = customerForm(s.sh, "Add a customer", nil)
			s.form.setSize(s.w, s.h)
			return s.form.fields[0].focus()
		case key.Matches(msg, k.Edit):
			if r, ok := s.selected(); ok {
				return func() tea.Msg { return openAccountMsg{id: r.ID, edit: true} }
			}
		case key.Matches(msg, k.Archive):
			r, ok := s.selected()
			if !ok {
				return nil
			}
			st, id := s.sh.st, r.ID
			if s.archived {
				return s.sh.write(clean(r.Name)+" restored", func(ctx context.Context) (func(context.Context) error, error) {
					return func(ctx context.Context) error { return st.ArchiveCustomer(ctx, id) }, st.RestoreCustomer(ctx, id)
				})
			}
			archive := s.sh.write(clean(r.Name)+" archived", func(ctx context.Context) (func(context.Context) error, error) {
				return func(ctx context.Context) error { return st.RestoreCustomer(ctx, id) }, st.ArchiveCustomer(ctx, id)
			})
			ctx, cur, name := s.sh.ctx, s.sh.cur, clean(r.Name)
			return func() tea.Msg {
				// Archived, a debt leaves owed and the agenda: say so first.
				q := fmt.Sprintf("Archive %s? (history kept; A lists the archived, x restores)", name)
				owes, err := st.Owes(ctx, id)
				if err != nil {
					return statusMsg{err: err}
				}
				if owes > 0 {
					q = fmt.Sprintf("Archive %s, who still owes %s? (owed and due leave them out; history kept; x restores)", name, cur.Grouped(owes))
				}
				return askMsg{question: q, yes: archive}
			}
		case key.Matches(msg, k.ShowArchived):
			s.archived = !s.archived
			s.cursor, s.top = 0, 0
			return s.fetch(0)
		case key.Matches(msg, k.Sort):
			i := 0
			for j, x := range sortCycle {
				if x == s.sort {
					i = j + 1
				}
			}
			s.sort = sortCycle[i%len(sortCycle)]
			s.desc = s.sort == store.SortValue || s.sort == store.SortLastContact
			s.cursor, s.top = 0, 0
			return s.fetch(0)
		case key.Matches(msg, k.Reverse):
			if s.sort == "" {
				s.sort = store.SortName
			}
			s.desc = !s.desc
			s.cursor, s.top = 0, 0
			return s.fetch(0)
		default:
			return nil
		}
		s.clamp()
		return s.ensureWindow()
	}
	return nil
}

func (s *accountsScreen) View() string {
	st := s.sh.styles
	if s.form != nil {
		return s.form.view(st)
	}
	var b strings.Builder
	switch {
	case s.typing:
		line := s.filter.View()
		if s.query != "" {
			line += st.Dim.Render(fmt.Sprintf("  %d found%s", s.total, shortScope(s.query)))
		}
		b.WriteString(line + "\n")
	case s.query != "":
		b.WriteString(st.Dim.Render(fmt.Sprintf("filter: %s  (%d found%s; / to change, esc to clear)", clean(s.query), s.total, shortScope(s.query))) + "\n")
	case s.title != "":
		b.WriteString(st.Title.Render(clean(s.title)) + st.Dim.Render(fmt.Sprintf("  %d customers; esc for everyone", s.total)) + "\n")
	case s.archived:
		b.WriteString(st.Title.Render("Archived customers") + st.Dim.Render(fmt.Sprintf("  %d; x restores · A for current customers", s.total)) + "\n")
	}
	w := s.w
	// Column widths: name takes what is left after the fixed columns.
	const tierW, lastW, dueW, valW = 5, 10, 10, 13
	// Company (or the city without one) tells two people of one name apart.
	showCompany := w >= 66
	fixed := 2 + tierW + 1 + lastW + 1 + dueW + 1 + valW
	nameW := w - fixed - 1
	compW := 0
	if showCompany {
		compW = min(30, nameW*2/5)
		nameW -= compW + 1
	}
	nameW = max(nameW, 6)
	arrow := func(col string) string {
		if s.sort != col {
			return ""
		}
		if s.desc {
			return "↓"
		}
		return "↑"
	}
	head := "  " + render.PadRight("NAME"+arrow(store.SortName), nameW) + " "
	if showCompany {
		head += render.PadRight("COMPANY/CITY", compW) + " "
	}
	head += render.PadRight("TIER", tierW) + " " + render.PadRight("TOUCHED"+arrow(store.SortLastContact), lastW) + " " +
		render.PadRight("NEXT DUE"+arrow(store.SortNextDue), dueW) + " " + render.PadLeft("VALUE"+arrow(store.SortValue), valW)
	b.WriteString(st.Bold.Render(render.Truncate(head, w)) + "\n")
	if s.total == 0 {
		if s.query != "" {
			b.WriteString(st.Dim.Render("  no customer matches; try pinyin initials (wxm) or part of a phone number"))
		} else if s.rows != nil && s.archived {
			b.WriteString(st.Dim.Render(render.Truncate("  no archived customers (x on a customer archives them)", w)))
		} else if s.rows != nil {
			b.WriteString(st.Dim.Render(render.Truncate("  no customers yet — press a to add one (or rolo import customers FILE)", w)))
		} else {
			b.WriteString(st.Dim.Render("  loading…"))
		}
		return b.String()
	}
	end := min(s.top+s.visible(), s.total)
	for i := s.top; i < end; i++ {
		j := i - s.winStart
		if j < 0 || j >= len(s.rows) {
			b.WriteString(st.Dim.Render("  …") + "\n")
			continue
		}
		r := s.rows[j]
		tier := tiering.Tier("")
		if s.sh.tiers != nil {
			tier = tiering.Shown(s.sh.tiers.Of(r.ID), r.Status)
		}
		badge := render.PadRight("", tierW)
		if tier != "" {
			badge = s.sh.styles.badge(tier)
		}
		nextDue := relDay(r.NextDue, s.sh.today)
		due := render.PadRight(nextDue, dueW)
		if r.NextDue != "" && r.NextDue < s.sh.today.Format("2006-01-02") {
			due = st.Overdue.Render(due)
		}
		line := render.PadRight(clean(r.Name), nameW) + " "
		if showCompany {
			where := r.Company
			if where == "" {
				where = r.City
			}
			line += render.PadRight(clean(where), compW) + " "
		}
		rest := " " + render.PadRight(relDay(r.LastContact, s.sh.today), lastW) + " " + due + " " + render.PadLeft(s.sh.money(r.Revenue), valW)
		if i == s.cursor {
			b.WriteString(st.Selected.Render("▸ "+line) + badge + st.Selected.Render(rest))
		} else {
			b.WriteString("  " + line + badge + rest)
		}
		if i < end-1 {
			b.WriteByte('\n')
		}
	}
	if s.total > s.visible() {
		b.WriteString("\n" + st.Dim.Render(fmt.Sprintf("  %d–%d of %d", s.top+1, end, s.total)))
	}
	return b.String()
}

func (s *accountsScreen) shortHelp() []key.Binding {
	k := s.sh.keys
	if s.form != nil {
		return []key.Binding{k.NextField, k.Submit, k.Cancel}
	}
	if s.typing {
		return []key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "done")), key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear"))}
	}
	return []key.Binding{k.Open, k.Filter, k.Add, k.Sort, k.NextTab}
}

func (s *accountsScreen) fullHelp() [][]key.Binding {
	k := s.sh.keys
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.Open, k.Filter, k.Sort, k.Reverse, k.Back}, {k.Add, k.Edit, k.Archive, k.ShowArchived, k.Undo}}
}

// shortScope says where a filter of one or two characters looked: the
// names and profiles only (purchases and notes need three characters in
// the filter, as typing goes on; rolo find reads them for any query).
func shortScope(q string) string {
	if utf8.RuneCountInString(strings.TrimSpace(q)) < 3 {
		return " in names and profiles"
	}
	return ""
}
