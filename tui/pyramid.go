package tui

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/tiering"
	"github.com/rolo-crm/rolo/tui/termtext"
)

// moversDays is how far back the pyramid screen looks for tier changes.
const moversDays = 90

// pyramidScreen draws the count pyramid beside the value pyramid, the tier
// table and the movers; a tier can be opened as a list of customers.
type pyramidScreen struct {
	sh      *shared
	w, h    int
	method  tiering.Method
	by      tiering.Indicator
	metrics []tiering.Metrics
	growth  []tiering.Metrics // metrics with growth, for the scorecard
	assign  map[int64]tiering.Assignment
	then    map[int64]tiering.Assignment // as of moversDays ago
	thenMs  []tiering.Metrics
	loaded  bool
	sel     int
	req     int
	thenReq int
}

type pyramidMetricsMsg struct {
	req     int
	then    bool
	metrics []tiering.Metrics
	err     error
}

func newPyramidScreen(sh *shared) *pyramidScreen {
	return &pyramidScreen{sh: sh, method: tiering.MethodPyramid, by: tiering.ByRevenue}
}

func (s *pyramidScreen) SetSize(w, h int) { s.w, s.h = w, h }

func (s *pyramidScreen) capturing() bool { return false }

func (s *pyramidScreen) cfg() tiering.Config {
	cfg := s.sh.cfg
	if cfg.PyramidCuts == nil {
		cfg = tiering.DefaultConfig()
	}
	cfg.Method, cfg.By = s.method, s.by
	return cfg
}

// setData takes fresh metrics (from the root) and recomputes.
func (s *pyramidScreen) setData(ms []tiering.Metrics, _ map[int64]tiering.Assignment) tea.Cmd {
	s.metrics, s.growth, s.loaded = ms, nil, true
	return tea.Batch(s.recompute(), s.loadThen())
}

func (s *pyramidScreen) recompute() tea.Cmd {
	if !s.loaded {
		return nil
	}
	ms := s.metrics
	if s.method == tiering.MethodScorecard {
		if s.growth == nil {
			return s.loadGrowth()
		}
		ms = s.growth
	}
	s.assign = tiering.Assign(ms, s.cfg(), s.sh.today)
	s.sel = min(s.sel, len(tiering.TiersOf(s.method))-1)
	return nil
}

func (s *pyramidScreen) loadGrowth() tea.Cmd {
	s.req = s.sh.nextReq()
	req, st, today := s.req, s.sh.st, s.sh.today
	return func() tea.Msg {
		ms, err := st.Metrics(context.Background(), today, store.MetricsOptions{Growth: true})
		return pyramidMetricsMsg{req: req, metrics: ms, err: err}
	}
}

func (s *pyramidScreen) loadThen() tea.Cmd {
	s.thenReq = s.sh.nextReq()
	req, st, then := s.thenReq, s.sh.st, s.sh.today.AddDate(0, 0, -moversDays)
	return func() tea.Msg {
		ms, err := st.Metrics(context.Background(), then, store.MetricsOptions{})
		return pyramidMetricsMsg{req: req, then: true, metrics: ms, err: err}
	}
}

func (s *pyramidScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case pyramidMetricsMsg:
		if msg.err != nil && (msg.req == s.req || msg.req == s.thenReq) {
			return func() tea.Msg { return statusMsg{err: msg.err} }
		}
		switch msg.req {
		case s.req:
			s.growth = msg.metrics
			return s.recompute()
		case s.thenReq:
			s.thenMs = msg.metrics
			s.then = tiering.Assign(msg.metrics, s.cfg(), s.sh.today.AddDate(0, 0, -moversDays))
		}
		return nil
	case tea.KeyMsg:
		k := s.sh.keys
		tiers := tiering.TiersOf(s.method)
		switch {
		case key.Matches(msg, k.Up):
			s.sel = max(0, s.sel-1)
		case key.Matches(msg, k.Down):
			s.sel = min(len(tiers)-1, s.sel+1)
		case key.Matches(msg, k.Method):
			s.method, s.sel = nextOf(tiering.Methods, s.method), 0
			return s.retier()
		case key.Matches(msg, k.Indicator):
			s.by = nextOf(tiering.Indicators, s.by)
			return s.retier()
		case key.Matches(msg, k.Open):
			if s.assign == nil {
				return nil
			}
			t := tiers[s.sel]
			var ids []int64
			for id, a := range s.assign {
				if a.Tier == t {
					ids = append(ids, id)
				}
			}
			sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
			title := fmt.Sprintf("%s %s (%s)", t, tiering.Label(t), s.method)
			return func() tea.Msg { return showAccountsMsg{title: title, ids: ids} }
		}
	}
	return nil
}

func (s *pyramidScreen) View() string {
	st := s.sh.styles
	if s.assign == nil {
		return st.Dim.Render("  ranking customers…")
	}
	order := tiering.TiersOf(s.method)
	by := s.by
	if s.method == tiering.MethodScore || s.method == tiering.MethodScorecard {
		by = tiering.ByRevenue
	}
	ms := s.metrics
	sum := tiering.Summarize(ms, s.assign, order, by)
	prospects, n := 0, 0
	for _, a := range s.assign {
		if a.Tier == tiering.Prospect {
			prospects++
		} else {
			n++
		}
	}
	head := st.Title.Render(fmt.Sprintf("%s by %s", s.method, s.by))
	if s.method == tiering.MethodScore || s.method == tiering.MethodScorecard {
		head = st.Title.Render(string(s.method))
	}
	head += st.Dim.Render(fmt.Sprintf(" · %d ranked, %d prospects", n, prospects))
	// Two pyramids side by side: customers (count share) and value share.
	half := max(10, min(30, (s.w-24)/2))
	var rows []string
	rows = append(rows, centerText(st.Bold.Render("customers"), half)+"   "+centerText(st.Bold.Render(string(by)+" share"), half))
	for i, t := range sum {
		cw := 2 + (i+1)*(half-2)/len(sum)
		vw := int(float64(half)*t.ValueShare/100 + 0.5)
		if t.ValueShare > 0 {
			vw = max(vw, 1)
		}
		bar := st.Bar[min(i, len(st.Bar)-1)]
		label := fmt.Sprintf("%s %s", t.Tier, tiering.Label(t.Tier))
		rows = append(rows, drawBar(bar, fmt.Sprint(t.Customers), cw, half)+"   "+
			drawBar(bar, fmt.Sprintf("%.0f%%", t.ValueShare), vw, half)+"  "+label)
	}
	pyr := strings.Join(rows, "\n")
	// The tier table.
	var tb strings.Builder
	tb.WriteString(st.Bold.Render(termtext.PadRight("  TIER", 20)+termtext.PadLeft("CUST", 7)+termtext.PadLeft("SHARE", 8)+
		termtext.PadLeft("VALUE", 8)+termtext.PadLeft("UP", 5)+termtext.PadLeft("DOWN", 6)) + "\n")
	up, down := s.moves()
	for i, t := range sum {
		line := termtext.PadRight(fmt.Sprintf("%s %s", t.Tier, tiering.Label(t.Tier)), 18) +
			termtext.PadLeft(fmt.Sprint(t.Customers), 7) + termtext.PadLeft(fmt.Sprintf("%.1f%%", t.CustomerShare), 8) +
			termtext.PadLeft(fmt.Sprintf("%.1f%%", t.ValueShare), 8) + termtext.PadLeft(fmt.Sprintf("+%d", up[t.Tier]), 5) +
			termtext.PadLeft(fmt.Sprintf("-%d", down[t.Tier]), 6)
		if i == s.sel {
			tb.WriteString(st.Selected.Render("▸ "+line) + "\n")
		} else {
			tb.WriteString("  " + line + "\n")
		}
	}
	tr := tiering.TreatmentFor(order[s.sel])
	tb.WriteString(st.Dim.Render(termtext.Truncate(fmt.Sprintf("  %s: every %d days · %s", tiering.Label(order[s.sel]), tr.CadenceDays, tr.Action), max(10, s.w-2))))
	movers := s.moversText()
	if lipgloss.Width(pyr)+4+lipgloss.Width(tb.String()) <= s.w {
		return head + "\n\n" + lipgloss.JoinHorizontal(lipgloss.Top, pyr, "    ", tb.String()) + "\n\n" + movers
	}
	return head + "\n\n" + pyr + "\n\n" + tb.String() + "\n\n" + movers
}

// moves counts customers entering each tier from below (up) or above (down).
func (s *pyramidScreen) moves() (up, down map[tiering.Tier]int) {
	up, down = map[tiering.Tier]int{}, map[tiering.Tier]int{}
	if s.then == nil {
		return
	}
	for _, mv := range tiering.Moves(s.then, s.assign) {
		if mv.Up {
			up[mv.To]++
		} else {
			down[mv.To]++
		}
	}
	return
}

func (s *pyramidScreen) moversText() string {
	st := s.sh.styles
	if s.then == nil {
		if s.method == tiering.MethodScorecard {
			return st.Dim.Render("  movers are shown for the pyramid, pareto and score methods")
		}
		return st.Dim.Render("  comparing with 90 days ago…")
	}
	nUp, nDown := 0, 0
	for _, mv := range tiering.Moves(s.then, s.assign) {
		if mv.To == tiering.Prospect {
			continue
		}
		if mv.Up {
			nUp++
		} else {
			nDown++
		}
	}
	return st.Bold.Render(fmt.Sprintf("Since %d days ago: ↑ %d moved up, ↓ %d moved down", moversDays, nUp, nDown)) +
		st.Dim.Render("  (rolo movers lists them)")
}

// drawBar draws a centred block of w cells with its label inside when it
// fits (beside it otherwise), in total cells. The block is drawn with ▓ so
// the pyramid keeps its shape without colour.
func drawBar(style lipgloss.Style, label string, w, total int) string {
	lw := lipgloss.Width(label)
	var block string
	if w >= lw+2 {
		l := (w - lw) / 2
		block = style.Render(strings.Repeat("▓", l-1) + " " + label + " " + strings.Repeat("▓", w-lw-l-1))
	} else {
		block = style.Render(strings.Repeat("▓", w)) + " " + label
		w += 1 + lw
	}
	return centerIn(block, w, total)
}

// centerText pads s (display width measured) to w cells, centred.
func centerText(s string, w int) string {
	sw := lipgloss.Width(s)
	if sw >= w {
		return s
	}
	l := (w - sw) / 2
	return strings.Repeat(" ", l) + s + strings.Repeat(" ", w-sw-l)
}

// centerIn centres a rendered block of width bw in total cells.
func centerIn(s string, bw, total int) string {
	if bw >= total {
		return s
	}
	l := (total - bw) / 2
	return strings.Repeat(" ", l) + s + strings.Repeat(" ", total-bw-l)
}

func (s *pyramidScreen) shortHelp() []key.Binding {
	k := s.sh.keys
	return []key.Binding{k.Up, k.Down, k.Open, k.Method, k.Indicator}
}

func (s *pyramidScreen) fullHelp() [][]key.Binding {
	k := s.sh.keys
	return [][]key.Binding{{k.Up, k.Down, k.Open}, {k.Method, k.Indicator}}
}

// retier ranks everyone again after the method or indicator changed, and
// the comparison 90 days back with them (the scorecard has none).
func (s *pyramidScreen) retier() tea.Cmd {
	cmd := s.recompute()
	s.then = nil
	if s.thenMs != nil && s.method != tiering.MethodScorecard {
		s.then = tiering.Assign(s.thenMs, s.cfg(), s.sh.today.AddDate(0, 0, -moversDays))
	}
	return cmd
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
