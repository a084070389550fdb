// Package tui is rolo's interactive notebook: the accounts table, the
// account card, the agenda of who to contact today and the value pyramid.
//
// It asks the use cases of package insight for every answer (through the
// Notebook interface it defines, which tests fake) and only draws them. It
// reads and writes only inside tea.Cmds that return typed messages, and
// draws notebook text only after render has made it inert.
package tui

import (
	"context"
	"os"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/rolo-crm/rolo/insight"
	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/render"
	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/tiering/agenda"
)

// Notebook is what the TUI needs of the notebook: the use cases and writes
// of package insight (*insight.Service has them all).
type Notebook interface {
	Currency() money.Currency
	Accounts(ctx context.Context, q store.AccountQuery) ([]store.AccountRow, int, error)
	Search(ctx context.Context, q string, opts store.SearchOptions) ([]store.SearchHit, error)
	PrepareShortSearch(ctx context.Context) error
	NotebookTiers(ctx context.Context, asOf time.Time) (insight.TierMap, error)
	Tiers(ctx context.Context, q insight.TierQuery) (*insight.Tiers, error)
	Movers(ctx context.Context, q insight.TierQuery, from time.Time) (*insight.Moves, error)
	Card(ctx context.Context, id int64, q insight.CardQuery) (*insight.Card, error)
	AddPurchase(ctx context.Context, p store.Purchase) (store.Purchase, *store.FollowUp, error)
	AddContact(ctx context.Context, c store.Contact) (store.Contact, error)
	AddFollowUp(ctx context.Context, f store.FollowUp) (store.FollowUp, error)
	CompleteFollowUp(ctx context.Context, id int64, at time.Time) (store.FollowUp, error)
	RescheduleFollowUp(ctx context.Context, id int64, due time.Time) error
	ResolveComplaint(ctx context.Context, id int64, at time.Time, note string) (store.FollowUp, error)
	UpdateCustomer(ctx context.Context, id int64, fn func(c *store.Customer) error) (store.Customer, error)
	AddCustomer(ctx context.Context, c store.Customer) (store.Customer, error)
	DuplicateOf(ctx context.Context, c store.Customer, was *store.Customer) (*insight.Duplicate, error)
	ArchiveCustomer(ctx context.Context, id int64) error
	Owes(ctx context.Context, id int64) (money.Amount, error)
	RestoreCustomer(ctx context.Context, id int64) error
	PurgeCustomer(ctx context.Context, id int64) error
	UpdatePurchase(ctx context.Context, id int64, fn func(p *store.Purchase) error) (store.Purchase, error)
	DeletePurchase(ctx context.Context, id int64) (store.Purchase, []store.Payment, error)
	RestorePurchase(ctx context.Context, p store.Purchase, pays []store.Payment) error
	UpdateContact(ctx context.Context, id int64, fn func(c *store.Contact) error) (store.Contact, error)
	DeleteContact(ctx context.Context, id int64) (store.Contact, error)
	RestoreContact(ctx context.Context, c store.Contact) error
	UpdateFollowUp(ctx context.Context, id int64, fn func(f *store.FollowUp) error) (store.FollowUp, error)
	DeleteFollowUp(ctx context.Context, id int64) (store.FollowUp, error)
	RestoreFollowUp(ctx context.Context, f store.FollowUp) error
	Pay(ctx context.Context, customerID int64, amount money.Amount, date time.Time, purchaseID int64, note string) ([]store.Payment, error)
	DeletePayment(ctx context.Context, id int64) error
	RestorePayment(ctx context.Context, p store.Payment) error
	Plan(ctx context.Context, q insight.PlanQuery) (*insight.Plan, error)
	Snooze(ctx context.Context, it agenda.Item, until time.Time, note string) (func(context.Context) error, error)
	Dismiss(ctx context.Context, it agenda.Item, note string, at time.Time) (func(context.Context) error, error)
	AddEvent(ctx context.Context, e store.Event) (store.Event, error)
	DeleteEvent(ctx context.Context, id int64) (store.Event, error)
}

var _ Notebook = (*insight.Service)(nil)

// screen ids, in tab order.
const (
	scrAccounts = iota
	scrAccount
	scrDue
	scrPyramid
	nScreens
)

var screenNames = [nScreens]string{"1 Accounts", "2 Account", "3 Due", "4 Pyramid"}

// shared is the context every screen reads: built once, updated by the root.
type shared struct {
	st     Notebook
	ctx    context.Context // cancelled when the program ends: work in flight stops
	today  time.Time
	now    func() time.Time
	loc    *time.Location // the rep's time zone: the day a moment falls on, and times of day typed
	styles Styles
	keys   KeyMap
	width  int
	height int
	cur    money.Currency
	// tiers is every customer's tier by the notebook's ranking; nil until loaded.
	tiers        insight.TierMap
	staticCursor bool
	reqSeq       int
	pending      map[int]int // requests in flight → the screen waiting for them, for the spinner
	undo         []undoStep  // the session's writes that can be undone, newest last
}

// snoozeMark is a reason snoozed on the Due screen and the day it returns.
type snoozeMark struct {
	reason agenda.Reason
	until  time.Time
}

// undoStep puts back what one write changed.
type undoStep struct {
	what string
	do   func(ctx context.Context) error
}

// write runs a write that can be undone: fn does it and returns how to
// put things back (nil when it cannot be undone).
func (sh *shared) write(what string, fn func(ctx context.Context) (undo func(ctx context.Context) error, err error)) tea.Cmd {
	ctx := sh.ctx
	return func() tea.Msg {
		u, err := fn(ctx)
		return savedMsg{what: what, undo: u, err: err}
	}
}

// askMsg asks the rep to confirm a destructive key once: y does it; any
// other key runs no (when there is one).
type askMsg struct {
	question string
	yes, no  tea.Cmd
	form     *form // the form that asks and shows the question itself; nil for the status line
}

func ask(question string, yes tea.Cmd) tea.Cmd {
	return func() tea.Msg { return askMsg{question: question, yes: yes} }
}

// everyScreen owns the requests every screen waits for (the tiers).
const everyScreen = -1

// begin numbers a request to the notebook made for a screen, and counts it
// in flight until a reply carrying its number arrives, stale or not.
func (s *shared) begin(screen int) int {
	s.reqSeq++
	s.pending[s.reqSeq] = screen
	return s.reqSeq
}

// waiting says the screen shown waits for the notebook: work for other
// screens goes on quietly.
func (s *shared) waiting(screen int) bool {
	for _, owner := range s.pending {
		if owner == screen || owner == everyScreen {
			return true
		}
	}
	return false
}

// reply is a message answering a request.
type reply interface{ requestID() int }

// money writes an amount for people, in the notebook currency.
func (s *shared) money(v money.Amount) string { return s.cur.Grouped(v) }

// input makes a text input in the program's cursor style.
func (s *shared) input() textinput.Model {
	ti := textinput.New()
	if s.staticCursor {
		ti.Cursor.SetMode(cursor.CursorStatic)
	}
	return ti
}

// clean makes notebook text inert for the terminal.
func clean(s string) string { return render.Clean(s) }

// Model is the root of the program.
type Model struct {
	sh       *shared
	active   int
	accounts *accountsScreen
	account  *accountScreen
	due      *dueScreen
	pyramid  *pyramidScreen
	help     help.Model
	showHelp bool
	spinner  spinner.Model
	status   string
	isErr    bool
	tiersReq int
	asking   *askMsg // a destructive key waiting for y
}

// Options configure New.
type Options struct {
	Now func() time.Time
	// StaticCursor stops text cursors blinking (tests and screen captures).
	StaticCursor bool
	// Context is cancelled when the program ends (Run does it); reads and
	// writes in flight then stop.
	Context context.Context
	// Location is the rep's time zone (time.Local when nil): contacts are
	// dated by the day they happened there, and a time of day typed is in it.
	Location *time.Location
}

// New builds the program's model for a notebook, with today fixed.
func New(st Notebook, today time.Time, o Options) *Model {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Context == nil {
		o.Context = context.Background()
	}
	if o.Location == nil {
		o.Location = time.Local
	}
	sh := &shared{st: st, ctx: o.Context, today: today, now: o.Now, loc: o.Location, styles: DefaultStyles(), keys: DefaultKeyMap(), width: 80, height: 24,
		staticCursor: o.StaticCursor, cur: st.Currency(), pending: map[int]int{}}
	m := &Model{sh: sh, help: help.New(), spinner: spinner.New(spinner.WithSpinner(spinner.MiniDot))}
	m.accounts = newAccountsScreen(sh)
	m.account = newAccountScreen(sh)
	m.due = newDueScreen(sh)
	m.pyramid = newPyramidScreen(sh)
	m.layout()
	return m
}

// Run opens the program on the terminal and returns when the user quits;
// work still in flight is cancelled then.
func Run(ctx context.Context, st Notebook, today time.Time) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	setBackground(os.Getenv)
	p := tea.NewProgram(New(st, today, Options{Context: ctx}), tea.WithAltScreen(), tea.WithMouseCellMotion(), tea.WithContext(ctx))
	_, err := p.Run()
	return err
}

// setBackground tells lipgloss whether the terminal's background is dark,
// from COLORFGBG ("15;0": light text on black) when the terminal sets it,
// else dark. rolo never queries the terminal (OSC 11): a terminal or pty
// that does not answer would stall the start for seconds, and the query
// bytes can end up in logs. (bubbletea's own start-up query is removed, see
// third_party/bubbletea.)
func setBackground(getenv func(string) string) {
	dark := true
	if fgbg := getenv("COLORFGBG"); strings.Contains(fgbg, ";") {
		parts := strings.Split(fgbg, ";")
		switch strings.TrimSpace(parts[len(parts)-1]) {
		case "7", "15":
			dark = false
		}
	}
	lipgloss.SetHasDarkBackground(dark)
}

// Init loads the first screen and the tiers.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(m.spinner.Tick, m.loadTiers(), m.accounts.reload(), m.due.reload(), m.prepareSearch())
}

// prepareSearch builds the in-memory names the filter searches as the rep
// types one or two characters; until it is ready, or if it fails, the
// filter scans the table instead, only slower.
func (m *Model) prepareSearch() tea.Cmd {
	st, ctx := m.sh.st, m.sh.ctx
	return func() tea.Msg {
		_ = st.PrepareShortSearch(ctx)
		return nil
	}
}

// tiersMsg carries every customer's tier by the notebook's ranking.
type tiersMsg struct {
	req   int
	tiers insight.TierMap
	err   error
}

func (m tiersMsg) requestID() int { return m.req }

func (m *Model) loadTiers() tea.Cmd {
	m.tiersReq = m.sh.begin(everyScreen)
	req, st, today, ctx := m.tiersReq, m.sh.st, m.sh.today, m.sh.ctx
	return func() tea.Msg {
		tiers, err := st.NotebookTiers(ctx, today)
		return tiersMsg{req: req, tiers: tiers, err: err}
	}
}

// statusMsg shows a message (or an error) in the status line.
type statusMsg struct {
	text string
	err  error
}

// savedMsg reports a write; the screens reload what it changed.
type savedMsg struct {
	what string
	undo func(ctx context.Context) error // how to put it back; nil when it cannot be
	open int64                           // a customer to show (one just added)
	err  error
}

func (m *Model) layout() {
	for _, s := range m.screens() {
		s.SetSize(m.sh.width, m.bodyHeight())
	}
}

type screenModel interface {
	update(msg tea.Msg) tea.Cmd
	View() string
	SetSize(w, h int)
	capturing() bool
	shortHelp() []key.Binding
	fullHelp() [][]key.Binding
}

func (m *Model) screens() []screenModel {
	return []screenModel{m.accounts, m.account, m.due, m.pyramid}
}

func (m *Model) current() screenModel { return m.screens()[m.active] }

// Update routes messages: window size, ctrl+c, a focused input, global
// keys, data messages to their owner, then the active screen.
// burst handles keys that arrived together (a held j, fast typing) as
// one message: each is a key of its own, until one opens a field, which
// then gets the rest as text.
func (m *Model) burst(runes []rune) tea.Cmd {
	var cmds []tea.Cmd
	for i, r := range runes {
		if m.asking == nil && m.current().capturing() {
			cmds = append(cmds, m.current().update(tea.KeyMsg{Type: tea.KeyRunes, Runes: runes[i:]}))
			break
		}
		_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
		cmds = append(cmds, cmd)
	}
	return tea.Batch(cmds...)
}

func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if r, ok := msg.(reply); ok {
		delete(m.sh.pending, r.requestID()) // answered, even if stale
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.sh.width, m.sh.height = max(msg.Width, 20), max(msg.Height, 8)
		m.layout()
		// A taller window shows more rows: those may lie outside the rows held.
		return m, m.accounts.ensureWindow()
	case tea.KeyMsg:
		if msg.String() == "ctrl+c" {
			return m, tea.Quit
		}
		if q := m.asking; q != nil {
			m.asking = nil
			if s := strings.ToLower(msg.String()); s == "y" || s == "enter" {
				m.status = "working…"
				if q.form != nil {
					q.form.question, q.form.saving = "", true
				}
				return m, q.yes
			}
			m.status, m.isErr = "cancelled", false
			return m, q.no
		}
		if m.showHelp && msg.Type == tea.KeyEsc { // esc closes the help as ? does
			m.showHelp = false
			m.layout()
			return m, nil
		}
		if m.current().capturing() {
			return m, m.current().update(msg)
		}
		if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste {
			return m, m.burst(msg.Runes)
		}
		k := m.sh.keys
		switch {
		case key.Matches(msg, k.Undo):
			return m, m.undoLast()
		case key.Matches(msg, k.Filter) && m.active != scrAccounts:
			// Search from any screen: the accounts list with its filter open.
			m.active = scrAccounts
			return m, m.accounts.update(msg)
		case key.Matches(msg, k.Quit):
			return m, tea.Quit
		case key.Matches(msg, k.Help):
			m.showHelp = !m.showHelp
			m.layout()
			return m, nil
		case key.Matches(msg, k.NextTab):
			return m, m.switchTo((m.active + 1) % nScreens)
		case key.Matches(msg, k.PrevTab):
			return m, m.switchTo((m.active + nScreens - 1) % nScreens)
		case key.Matches(msg, k.Accounts):
			return m, m.switchTo(scrAccounts)
		case key.Matches(msg, k.Account):
			return m, m.switchTo(scrAccount)
		case key.Matches(msg, k.Due):
			return m, m.switchTo(scrDue)
		case key.Matches(msg, k.Pyramid):
			return m, m.switchTo(scrPyramid)
		case key.Matches(msg, k.Refresh):
			m.status = "refreshing…"
			return m, tea.Batch(m.loadTiers(), m.accounts.reload(), m.due.reload(), m.account.reload())
		}
		return m, m.current().update(msg)
	case spinner.TickMsg:
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		return m, cmd
	case tiersMsg:
		if msg.req != m.tiersReq {
			return m, nil
		}
		if msg.err != nil {
			m.setErr(msg.err)
			return m, nil
		}
		m.sh.tiers = msg.tiers
		return m, tea.Batch(m.pyramid.reload(), m.due.reload())
	case openAccountMsg:
		m.active = scrAccount
		m.account.editOnLoad = msg.edit
		return m, m.account.open(msg.id)
	case showAccountsMsg:
		m.active = scrAccounts
		return m, m.accounts.showIDs(msg.title, msg.ids)
	case backMsg:
		return m, m.switchTo(m.account.from)
	case statusMsg:
		if msg.err != nil {
			m.setErr(msg.err)
		} else {
			m.status, m.isErr = msg.text, false
		}
		return m, nil
	case formSavedMsg:
		if f := msg.form; f != m.accounts.form && f != m.account.form && f != m.due.form {
			// Its form was closed while it saved (esc): what the save
			// came back with is reported as any other write's.
			return m, relay(msg.msg)
		}
	case askMsg:
		m.asking = &msg
		m.status, m.isErr = msg.question+"  y/n", false
		if msg.form != nil {
			m.status = "" // the form shows the question, where the rep is looking
		}
		return m, nil
	case savedMsg:
		if msg.err != nil {
			m.setErr(msg.err)
			return m, nil
		}
		if msg.undo != nil {
			m.sh.undo = append(m.sh.undo, undoStep{msg.what, msg.undo})
			msg.what += " · u undoes"
		}
		m.status, m.isErr = msg.what, false
		// Writes change tiers, the agenda and the lists: reload what is visible.
		cmds := []tea.Cmd{m.loadTiers(), m.accounts.reload(), m.due.reload()}
		if msg.open != 0 {
			m.active = scrAccount
			cmds = append(cmds, m.account.open(msg.open))
		} else {
			cmds = append(cmds, m.account.reload())
		}
		return m, tea.Batch(cmds...)
	case tea.MouseMsg:
		return m, m.current().update(msg)
	}
	// Data messages go to every screen; each keeps only its own (by request id).
	var cmds []tea.Cmd
	for _, s := range m.screens() {
		cmds = append(cmds, s.update(msg))
	}
	return m, tea.Batch(cmds...)
}

// undoLast puts back what the session's last write changed.
func (m *Model) undoLast() tea.Cmd {
	n := len(m.sh.undo)
	if n == 0 {
		m.status, m.isErr = "nothing to undo in this session", false
		return nil
	}
	step := m.sh.undo[n-1]
	m.sh.undo = m.sh.undo[:n-1]
	return m.sh.write("undone: "+step.what, func(ctx context.Context) (func(context.Context) error, error) {
		return nil, step.do(ctx)
	})
}

func (m *Model) setErr(err error) {
	m.status, m.isErr = "error: "+strings.TrimPrefix(err.Error(), "invalid: "), true
}

func (m *Model) switchTo(i int) tea.Cmd {
	if i == scrAccount && m.account.id == 0 {
		m.status, m.isErr = "pick a customer first: enter on a row of Accounts or Due", false
		return nil
	}
	if i != scrAccount {
		m.account.from = i
	}
	m.active = i
	m.status = ""
	if i == scrDue {
		return m.due.reload()
	}
	return nil
}

// View draws tabs, the active screen, the status line and help.
func (m *Model) View() string {
	st := m.sh.styles
	var tabs []string
	for i, n := range screenNames {
		if i == m.active {
			tabs = append(tabs, st.TabActive.Render(n))
		} else {
			tabs = append(tabs, st.TabInactive.Render(n))
		}
	}
	title := st.Header.Render("rolo")
	today := st.Dim.Render(m.sh.today.Format("2006-01-02 Mon"))
	left := title + " " + strings.Join(tabs, "")
	gap := m.sh.width - lipgloss.Width(left) - lipgloss.Width(today)
	header := left
	if gap >= 1 {
		header += strings.Repeat(" ", gap) + today
	}
	helpView := m.helpView()
	body := lipgloss.NewStyle().Width(m.sh.width).MaxWidth(m.sh.width).Height(m.bodyHeight()).MaxHeight(m.bodyHeight()).
		Render(m.current().View())
	status := ""
	if m.sh.waiting(m.active) {
		status = m.spinner.View() + " "
	}
	if m.isErr {
		status += st.StatusErr.Render(render.Clean(m.status))
	} else {
		status += st.Status.Render(render.Clean(m.status))
	}
	status = lipgloss.NewStyle().MaxWidth(m.sh.width).Render(status)
	return lipgloss.JoinVertical(lipgloss.Left, lipgloss.NewStyle().MaxWidth(m.sh.width).Render(header), body, status, helpView)
}

// helpView is the short help line, or the full help when toggled.
func (m *Model) helpView() string {
	m.help.Width = m.sh.width
	switch {
	case m.showHelp:
		// The badges' words, under the keys: "new" and "off" are not tiers.
		legend := m.sh.styles.Dim.Render("tiers: KEY MAJ ORD SML · new: no purchase yet · off: dropped")
		return m.help.FullHelpView(append(m.current().fullHelp(), m.globalHelp())) + "\n" +
			lipgloss.NewStyle().MaxWidth(m.sh.width).Render(legend)
	case m.current().capturing():
		return m.help.ShortHelpView(m.current().shortHelp())
	}
	return m.help.ShortHelpView(append(m.current().shortHelp(), m.sh.keys.Help, m.sh.keys.Quit))
}

// bodyHeight is what is left for the screen after the tabs, the status
// line and the help.
func (m *Model) bodyHeight() int {
	return max(m.sh.height-2-lipgloss.Height(m.helpView()), 3)
}

func (m *Model) globalHelp() []key.Binding {
	k := m.sh.keys
	return []key.Binding{k.NextTab, k.Accounts, k.Account, k.Due, k.Pyramid, k.Refresh, k.Help, k.Quit}
}

// openAccountMsg asks the root to show one customer (with the profile
// form open when edit is set).
type openAccountMsg struct {
	id   int64
	edit bool
}

// showAccountsMsg asks the root to list these customers on Accounts.
type showAccountsMsg struct {
	title string
	ids   []int64
}

// backMsg returns from the account card.
type backMsg struct{}

func open(id int64) tea.Cmd { return func() tea.Msg { return openAccountMsg{id: id} } }

// relDate formats a day relative to today; "—" for the zero time (no day),
// which would otherwise read as a day of the year 1.
func relDate(t, today time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return render.RelDay(t, today)
}

// localDay is the rep's day (YYYY-MM-DD) of an RFC 3339 timestamp: one in
// UTC is moved to loc first, so a contact logged at 07:00 in Beijing
// (23:00 UTC the evening before) is of the Beijing day; one written with
// its own offset is its own day. A plain date, or text that is not a
// timestamp, is its first ten characters.
func localDay(ts string, loc *time.Location) string {
	t, err := time.Parse(time.RFC3339, ts)
	switch {
	case err != nil:
		return ts[:min(10, len(ts))]
	case strings.HasSuffix(ts, "Z"):
		return t.In(loc).Format(store.DateLayout)
	}
	return t.Format(store.DateLayout)
}

// relDay formats an ISO date or timestamp relative to today; "—" when empty.
func relDay(iso string, today time.Time) string {
	if iso == "" {
		return "—"
	}
	t, err := time.Parse("2006-01-02", iso[:min(10, len(iso))])
	if err != nil {
		return iso
	}
	return render.RelDay(t, today)
}
