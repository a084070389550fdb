package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/rolo-crm/rolo/insight"
	"github.com/rolo-crm/rolo/render"
	"github.com/rolo-crm/rolo/tiering"
)

// moversDays is how far back the pyramid screen looks for tier changes.
const moversDays = 90

// pyramidScreen draws the count pyramid beside the value pyramid, the tier
// table and the movers; a tier can be opened as a list of customers.
type pyramidScreen struct {
	sh     *shared
	w, h   int
	method tiering.Method
	by     tiering.Indicator
	tiers  *insight.Tiers
	moves  *insight.Moves // nil for the scorecard, or until loaded
	sel    int
	req    int
}

type pyramidMsg struct {
	req   int
	tiers *insight.Tiers
	moves *insight.Moves
	err   error
}

func (m pyramidMsg) requestID() int { return m.req }

func newPyramidScreen(sh *shared) *pyramidScreen {
	return &pyramidScreen{sh: sh, method: tiering.MethodPyramid, by: tiering.ByRevenue}
}

func (s *pyramidScreen) SetSize(w, h int) { s.w, s.h = w, h }

func (s *pyramidScreen) capturing() bool { return false }

// reload ranks everyone by the screen's method and indicator, and the
// movers over the last 90 days with them (the scorecard has none).
func (s *pyramidScreen) reload() tea.Cmd {
	s.req = s.sh.begin(scrPyramid)
	req, st, ctx := s.req, s.sh.st, s.sh.ctx
	q := insight.TierQuery{Method: s.method, By: s.by, AsOf: s.sh.today}
	from := s.sh.today.AddDate(0, 0, -moversDays)
	return func() tea.Msg {
		t, err := st.Tiers(ctx, q)
		if err != nil {
			return pyramidMsg{req: req, err: err}
		}
		var mv *insight.Moves
		if q.Method != tiering.MethodScorecard {
			if mv, err = st.Movers(ctx, q, from); err != nil {
				return pyramidMsg{req: req, err: err}
			}
		}
		return pyramidMsg{req: req, tiers: t, moves: mv}
	}
}

func (s *pyramidScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case pyramidMsg:
		if msg.req != s.req {
			return nil
		}
		if msg.err != nil {
			return func() tea.Msg { return statusMsg{err: msg.err} }
		}
		s.tiers, s.moves = msg.tiers, msg.moves
		s.sel = min(s.sel, len(s.tiers.Order())-1)
		return nil
	case tea.KeyMsg:
		k := s.sh.keys
		order := tiering.TiersOf(s.method)
		switch {
		case key.Matches(msg, k.Up):
			s.sel = max(0, s.sel-1)
		case key.Matches(msg, k.Down):
			s.sel = min(len(order)-1, s.sel+1)
		case key.Matches(msg, k.Top):
			s.sel = 0
		case key.Matches(msg, k.Bottom):
			s.sel = len(order) - 1
		case key.Matches(msg, k.Method):
			s.method, s.sel = nextOf(tiering.Methods, s.method), 0
			return s.reload()
		case key.Matches(msg, k.Indicator):
			s.by = nextOf(tiering.Indicators, s.by)
			return s.reload()
		case key.Matches(msg, k.Open):
			if s.tiers == nil || s.tiers.Config.Method != s.method {
				return nil
			}
			t := order[s.sel]
			ids := s.tiers.Members(t)
			title := fmt.Sprintf("%s (%s)", tiering.Named(t), s.method)
			return func() tea.Msg { return showAccountsMsg{title: title, ids: ids} }
		}
	}
	return nil
}

func (s *pyramidScreen) View() string {
	st := s.sh.styles
	t := s.tiers
	if t == nil {
		return st.Dim.Render("  ranking customers…")
	}
	q := t.Query
	head := st.Title.Render(fmt.Sprintf("%s by %s", q.Method, q.By))
	if q.Method == tiering.MethodScore || q.Method == tiering.MethodScorecard {
		head = st.Title.Render(string(q.Method))
	}
	prospects := t.Prospects()
	head += st.Dim.Render(fmt.Sprintf(" · %d ranked, %d prospects", len(t.Assign)-prospects, prospects))
	if t.Dropped > 0 {
		head += st.Dim.Render(fmt.Sprintf(", %d dropped", t.Dropped))
	}
	if q.Method != s.method || q.By != s.by {
		head += st.Dim.Render(" · ranking…")
	}
	sum := t.Summary()
	half := max(10, min(30, (s.w-24)/2))
	pyr := strings.Join(render.Pyramid(sum, string(t.ValueBy()), half, render.PyramidStyle{Bars: st.Bar, Heading: st.Bold}), "\n")
	if g, ok := t.KeyGroup(); ok {
		pyr += "\n" + st.Dim.Render(render.Truncate(fmt.Sprintf("%s (key+major): %.0f%% of customers, %.0f%% of %s",
			tiering.KeyGroupLabel, g.CustomerShare, g.ValueShare, t.ValueBy()), max(2*half+3, s.w-1)))
	}
	// The tier table; the movers' columns widen for four-digit counts.
	var up, down map[tiering.Tier]int
	if s.moves != nil {
		up, down = s.moves.Up(), s.moves.Down()
	}
	upW, downW := 5, 6
	for _, ts := range sum {
		upW = max(upW, len(fmt.Sprintf(" +%d", up[ts.Tier])))
		downW = max(downW, len(fmt.Sprintf("  -%d", down[ts.Tier])))
	}
	var tb strings.Builder
	tb.WriteString(st.Bold.Render(render.PadRight("  TIER", 20)+render.PadLeft("CUST", 7)+render.PadLeft("SHARE", 8)+
		render.PadLeft("VALUE", 8)+render.PadLeft("UP", upW)+render.PadLeft("DOWN", downW)) + "\n")
	order := t.Order()
	for i, ts := range sum {
		line := render.PadRight(tiering.Named(ts.Tier), 18) +
			render.PadLeft(fmt.Sprint(ts.Customers), 7) + render.PadLeft(fmt.Sprintf("%.1f%%", ts.CustomerShare), 8) +
			render.PadLeft(fmt.Sprintf("%.1f%%", ts.ValueShare), 8) + render.PadLeft(fmt.Sprintf("+%d", up[ts.Tier]), upW) +
			render.PadLeft(fmt.Sprintf("-%d", down[ts.Tier]), downW)
		if i == s.sel {
			tb.WriteString(st.Selected.Render("▸ "+line) + "\n")
		} else {
			tb.WriteString("  " + line + "\n")
		}
	}
	sel := order[min(s.sel, len(order)-1)]
	tr := tiering.TreatmentFor(sel)
	tb.WriteString(st.Dim.Render(render.Truncate(fmt.Sprintf("  %s: every %d days · %s", tiering.Label(sel), tr.CadenceDays, tr.Action), max(10, s.w-2))))
	movers := s.moversText()
	if u := t.Uncosted(); u > 0 && t.ValueBy() == tiering.ByProfit {
		movers = st.Dim.Render(render.Truncate(fmt.Sprintf("  profit leaves out %s of revenue with no recorded cost", s.sh.cur.Format(u)), max(10, s.w))) + "\n" + movers
	}
	if lipgloss.Width(pyr)+4+lipgloss.Width(tb.String()) <= s.w {
		return head + "\n\n" + lipgloss.JoinHorizontal(lipgloss.Top, pyr, "    ", tb.String()) + "\n\n" + movers
	}
	return head + "\n\n" + pyr + "\n\n" + tb.String() + "\n\n" + movers
}

func (s *pyramidScreen) moversText() string {
	st := s.sh.styles
	if s.moves == nil {
		if s.method == tiering.MethodScorecard {
			return st.Dim.Render("  movers are shown for the pyramid, pareto and score methods")
		}
		return st.Dim.Render("  comparing with 90 days ago…")
	}
	nUp, nDown := s.moves.Totals()
	line := fmt.Sprintf("Since %d days ago: ↑ %d moved up, ↓ %d moved down", moversDays, nUp, nDown)
	hint := "  (rolo movers lists them)"
	if ansi.StringWidth(line+hint) > s.w-1 {
		hint = "" // narrow: the counts, not half of the hint
	}
	return st.Bold.Render(render.Truncate(line, s.w-1)) + st.Dim.Render(hint)
}

func (s *pyramidScreen) shortHelp() []key.Binding {
	k := s.sh.keys
	return []key.Binding{k.Up, k.Down, k.Open, k.Method, k.Indicator}
}

func (s *pyramidScreen) fullHelp() [][]key.Binding {
	k := s.sh.keys
	return [][]key.Binding{{k.Up, k.Down, k.Open}, {k.Method, k.Indicator}}
}

// nextOf is the item after cur in list, wrapping round; the first when cur
// is not in it.
func nextOf[T comparable](list []T, cur T) T {
	i := 0
	for j, x := range list {
		if x == cur {
			i = j + 1
		}
	}
	return list[i%len(list)]
}

// Ranking is what the Pyramid screen shows: its method and indicator and
// every customer's tier (nil until ranked), for tests and tools that check
// the screen against the command line.
func (m *Model) Ranking() (tiering.Method, tiering.Indicator, map[int64]tiering.Tier) {
	s := m.pyramid
	if s.tiers == nil {
		return s.method, s.by, nil
	}
	out := make(map[int64]tiering.Tier, len(s.tiers.Assign))
	for id, a := range s.tiers.Assign {
		out[id] = a.Tier
	}
	q := s.tiers.Query
	return q.Method, q.By, out
}
