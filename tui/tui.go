// Package tui is rolo's interactive notebook: the accounts table, the
// account card, the agenda of who to contact today and the value pyramid.
//
// It reads and writes only through the Store interface it defines, inside
// tea.Cmds that return typed messages; it renders notebook text only after
// termtext has made it inert.
package tui

import (
	"context"
	"strings"
	"time"

	"github.com/rolo-crm/rolo/tiering/clv"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/tiering"
	"github.com/rolo-crm/rolo/tiering/agenda"
	"github.com/rolo-crm/rolo/tui/termtext"
)

// Store is what the TUI needs from the notebook; *store.Store has it all.
type Store interface {
	Accounts(ctx context.Context, q store.AccountQuery) ([]store.AccountRow, int, error)
	Search(ctx context.Context, q string, opts store.SearchOptions) ([]store.SearchHit, error)
	Customer(ctx context.Context, id int64) (store.Customer, error)
	Purchases(ctx context.Context, customerID int64, limit int) ([]store.Purchase, error)
	Contacts(ctx context.Context, customerID int64, limit int) ([]store.Contact, error)
	FollowUps(ctx context.Context, customerID int64, openOnly bool) ([]store.FollowUp, error)
	OpenComplaints(ctx context.Context, customerID int64) ([]store.Contact, error)
	AddPurchase(ctx context.Context, p store.Purchase) (store.Purchase, error)
	AddContact(ctx context.Context, c store.Contact) (store.Contact, error)
	AddFollowUp(ctx context.Context, f store.FollowUp) (store.FollowUp, error)
	CompleteFollowUp(ctx context.Context, id int64, at time.Time) (store.FollowUp, error)
	RescheduleFollowUp(ctx context.Context, id int64, due time.Time) error
	ResolveComplaint(ctx context.Context, id int64, at time.Time, note string) (store.FollowUp, error)
	UpdateCustomer(ctx context.Context, id int64, fn func(c *store.Customer) error) (store.Customer, error)
	Metrics(ctx context.Context, asOf time.Time, opts store.MetricsOptions) ([]tiering.Metrics, error)
	AgendaInputs(ctx context.Context, asOf time.Time) ([]agenda.Customer, []agenda.Task, error)
	Settings(ctx context.Context) (map[string]string, error)
	CLVModel(ctx context.Context) (store.CLVModel, error)
	CLVSummary(ctx context.Context, id int64, asOf time.Time) (clv.Customer, bool, error)
	PrepareShortSearch(ctx context.Context) error
}

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
	st     Store
	today  time.Time
	now    func() time.Time
	styles Styles
	keys   KeyMap
	width  int
	height int
	// tiers holds every customer's tier by the notebook's settings; nil until loaded.
	staticCursor bool
	tiers        map[int64]tiering.Tier
	metrics      map[int64]tiering.Metrics
	cfg          tiering.Config
	reqSeq       int
}

func (s *shared) nextReq() int { s.reqSeq++; return s.reqSeq }

// input makes a text input in the program's cursor style.
func (s *shared) input() textinput.Model {
	ti := textinput.New()
	if s.staticCursor {
		ti.Cursor.SetMode(cursor.CursorStatic)
	}
	return ti
}

// clean makes notebook text inert for the terminal.
func clean(s string) string { return termtext.Clean(s) }

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
	busy     int // requests in flight
	status   string
	isErr    bool
	tiersReq int
}

// Options configure New.
type Options struct {
	Now func() time.Time
	// StaticCursor stops text cursors blinking (tests and screen captures).
	StaticCursor bool
}

// New builds the program's model for a notebook, with today fixed.
func New(st Store, today time.Time, o Options) *Model {
	if o.Now == nil {
		o.Now = time.Now
	}
	sh := &shared{st: st, today: today, now: o.Now, styles: DefaultStyles(), keys: DefaultKeyMap(), width: 80, height: 24,
		staticCursor: o.StaticCursor}
	m := &Model{sh: sh, help: help.New(), spinner: spinner.New(spinner.WithSpinner(spinner.MiniDot))}
	m.accounts = newAccountsScreen(sh)
	m.account = newAccountScreen(sh)
	m.due = newDueScreen(sh)
	m.pyramid = newPyramidScreen(sh)
	m.layout()
	return m
}

// Run opens the program on the terminal and returns when the user quits.
func Run(ctx context.Context, st Store, today time.Time) error {
	p := tea.NewProgram(New(st, today, Options{}), tea.WithAltScreen(), tea.WithMouseCellMotion(), tea.WithContext(ctx))
	_, err := p.Run()
	return err
}

// Init loads the first screen and the tiers.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(m.spinner.Tick, m.loadTiers(), m.accounts.reload(), m.due.reload(), m.prepareSearch())
}

// prepareSearch builds the in-memory names the filter searches as the rep
// types one or two characters; until it is ready, or if it fails, the
// filter scans the table instead, only slower.
func (m *Model) prepareSearch() tea.Cmd {
	st := m.sh.st
	return func() tea.Msg {
		_ = st.PrepareShortSearch(context.Background())
		return nil
	}
}

// tiersMsg carries every customer's tier.
type tiersMsg struct {
	req     int
	cfg     tiering.Config
	metrics []tiering.Metrics
	assign  map[int64]tiering.Assignment
	err     error
}

func (m *Model) loadTiers() tea.Cmd {
	m.tiersReq = m.sh.nextReq()
	req, st, today := m.tiersReq, m.sh.st, m.sh.today
	m.busy++
	return func() tea.Msg {
		ctx := context.Background()
		set, err := st.Settings(ctx)
		if err != nil {
			return tiersMsg{req: req, err: err}
		}
		cfg, err := tiering.ConfigFromSettings(set)
		if err != nil {
			return tiersMsg{req: req, err: err}
		}
		ms, err := st.Metrics(ctx, today, store.MetricsOptions{Lean: true})
		if err != nil {
			return tiersMsg{req: req, err: err}
		}
		return tiersMsg{req: req, cfg: cfg, metrics: ms, assign: tiering.Assign(ms, cfg, today)}
	}
}

// statusMsg shows a message (or an error) in the status line.
type statusMsg struct {
	text string
	err  error
}

// savedMsg reports a write; the screens reload what it changed.
type savedMsg struct {
	what       string
	customerID int64
	err        error
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
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.sh.width, m.sh.height = max(msg.Width, 20), max(msg.Height, 8)
		m.layout()
		return m, nil
	case tea.KeyMsg:
		if msg.String() == "ctrl+c" {
			return m, tea.Quit
		}
		if m.current().capturing() {
			return m, m.current().update(msg)
		}
		k := m.sh.keys
		switch {
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
		m.busy--
		if msg.err != nil {
			m.setErr(msg.err)
			return m, nil
		}
		m.sh.cfg = msg.cfg
		m.sh.tiers = make(map[int64]tiering.Tier, len(msg.assign))
		m.sh.metrics = make(map[int64]tiering.Metrics, len(msg.metrics))
		for id, a := range msg.assign {
			m.sh.tiers[id] = a.Tier
		}
		for _, x := range msg.metrics {
			m.sh.metrics[x.ID] = x
		}
		m.account.layoutViewport() // the card shows tier and value
		return m, tea.Batch(m.pyramid.setData(msg.metrics, msg.assign), m.due.reload())
	case openAccountMsg:
		m.active = scrAccount
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
	case savedMsg:
		if msg.err != nil {
			m.setErr(msg.err)
			return m, nil
		}
		m.status, m.isErr = msg.what, false
		// Writes change tiers, the agenda and the lists: reload what is visible.
		return m, tea.Batch(m.loadTiers(), m.account.reload(), m.accounts.reload(), m.due.reload())
	case busyMsg:
		m.busy += int(msg)
		return m, nil
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

// busyMsg adjusts the in-flight count (screens send +1 / -1).
type busyMsg int

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
	if m.busy > 0 {
		status = m.spinner.View() + " "
	}
	if m.isErr {
		status += st.StatusErr.Render(termtext.Clean(m.status))
	} else {
		status += st.Status.Render(termtext.Clean(m.status))
	}
	status = lipgloss.NewStyle().MaxWidth(m.sh.width).Render(status)
	return lipgloss.JoinVertical(lipgloss.Left, lipgloss.NewStyle().MaxWidth(m.sh.width).Render(header), body, status, helpView)
}

// helpView is the short help line, or the full help when toggled.
func (m *Model) helpView() string {
	m.help.Width = m.sh.width
	switch {
	case m.showHelp:
		return m.help.FullHelpView(append(m.current().fullHelp(), m.globalHelp()))
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

// openAccountMsg asks the root to show one customer.
type openAccountMsg struct{ id int64 }

// showAccountsMsg asks the root to list these customers on Accounts.
type showAccountsMsg struct {
	title string
	ids   []int64
}

// backMsg returns from the account card.
type backMsg struct{}

func open(id int64) tea.Cmd { return func() tea.Msg { return openAccountMsg{id} } }

// relDay formats an ISO date or timestamp relative to today; "—" when empty.
func relDay(iso string, today time.Time) string {
	if iso == "" {
		return "—"
	}
	t, err := time.Parse("2006-01-02", iso[:min(10, len(iso))])
	if err != nil {
		return iso
	}
	return termtext.RelDay(t, today)
}

func money(v int64) string { return store.FormatMoneyGrouped(v) }
