package tui

import (
	"github.com/charmbracelet/lipgloss"
	"github.com/rolo-crm/rolo/tiering"
)

// Styles is every style of the program, built once.
type Styles struct {
	App, Header, TabActive, TabInactive, Title, Dim, Bold lipgloss.Style
	Selected, Overdue, Status, StatusErr, HelpLine, Box   lipgloss.Style
	Badge                                                 map[tiering.Tier]lipgloss.Style
	Bar                                                   []lipgloss.Style
}

// palette: adaptive colours for light and dark terminals.
var (
	cAccent  = lipgloss.AdaptiveColor{Light: "#5f5fd7", Dark: "#8787ff"}
	cDim     = lipgloss.AdaptiveColor{Light: "#767676", Dark: "#8a8a8a"}
	cRed     = lipgloss.AdaptiveColor{Light: "#d70000", Dark: "#ff5f5f"}
	cSelBg   = lipgloss.AdaptiveColor{Light: "#e4e4e4", Dark: "#3a3a3a"}
	cKey     = lipgloss.AdaptiveColor{Light: "#af5f00", Dark: "#ffaf5f"}
	cMajor   = lipgloss.AdaptiveColor{Light: "#af8700", Dark: "#ffd75f"}
	cOrd     = lipgloss.AdaptiveColor{Light: "#005faf", Dark: "#87afd7"}
	cSmall   = lipgloss.AdaptiveColor{Light: "#585858", Dark: "#a8a8a8"}
	cOnBadge = lipgloss.AdaptiveColor{Light: "#ffffff", Dark: "#000000"}
)

// DefaultStyles is the standard look.
func DefaultStyles() Styles {
	badge := func(c lipgloss.TerminalColor) lipgloss.Style {
		return lipgloss.NewStyle().Foreground(cOnBadge).Background(c).Bold(true)
	}
	return Styles{
		App:         lipgloss.NewStyle(),
		Header:      lipgloss.NewStyle().Bold(true).Foreground(cAccent),
		TabActive:   lipgloss.NewStyle().Bold(true).Reverse(true).Padding(0, 1),
		TabInactive: lipgloss.NewStyle().Foreground(cDim).Padding(0, 1),
		Title:       lipgloss.NewStyle().Bold(true).Foreground(cAccent),
		Dim:         lipgloss.NewStyle().Foreground(cDim),
		Bold:        lipgloss.NewStyle().Bold(true),
		Selected:    lipgloss.NewStyle().Background(cSelBg).Bold(true),
		Overdue:     lipgloss.NewStyle().Foreground(cRed),
		Status:      lipgloss.NewStyle().Foreground(cDim),
		StatusErr:   lipgloss.NewStyle().Foreground(cRed).Bold(true),
		HelpLine:    lipgloss.NewStyle().Foreground(cDim),
		Box:         lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(cAccent).Padding(0, 1),
		Badge: map[tiering.Tier]lipgloss.Style{
			tiering.Key: badge(cKey), tiering.Major: badge(cMajor), tiering.Ordinary: badge(cOrd),
			tiering.Small: badge(cSmall), tiering.Prospect: lipgloss.NewStyle().Foreground(cDim),
			tiering.A: badge(cKey), tiering.B: badge(cMajor), tiering.C: badge(cOrd),
			tiering.Core: badge(cKey), tiering.Harvest: badge(cMajor), tiering.Develop: badge(cOrd), tiering.Maintain: badge(cSmall),
		},
		Bar: []lipgloss.Style{
			lipgloss.NewStyle().Foreground(cKey).Bold(true),
			lipgloss.NewStyle().Foreground(cMajor).Bold(true),
			lipgloss.NewStyle().Foreground(cOrd).Bold(true),
			lipgloss.NewStyle().Foreground(cSmall).Bold(true),
		},
	}
}

// badge renders a short tier label.
func (s Styles) badge(t tiering.Tier) string {
	st, ok := s.Badge[t]
	if !ok {
		st = s.Dim
	}
	label := map[tiering.Tier]string{tiering.Key: " KEY ", tiering.Major: " MAJ ", tiering.Ordinary: " ORD ",
		tiering.Small: " SML ", tiering.Prospect: " new ", tiering.Dropped: " off "}[t]
	if label == "" {
		label = " " + string(t) + " "
	}
	return st.Render(label)
}
