package render

import (
	"fmt"
	"math"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/rolo-crm/rolo/tiering"
)

// PyramidStyle styles the pyramid: a style per tier (best first; the last
// repeats) and one for the headings.
type PyramidStyle struct {
	Bars    []lipgloss.Style
	Heading lipgloss.Style
}

// Pyramid draws the count pyramid (customers per tier) beside the value
// pyramid (each tier's share of valueName), one line per tier under a
// heading line, each pyramid half cells wide. Bar widths are proportional
// to what they show (the widest tier fills the room its label leaves);
// an empty tier gets no bar. Bars are drawn with ▓, so the shape holds
// without colour, and labels go beside them, never over them: a longer
// bar always shows more ▓.
func Pyramid(sum []tiering.TierSummary, valueName string, half int, st PyramidStyle) []string {
	half = max(half, 8)
	lines := []string{Center(st.Heading.Render("customers"), half) + "   " + Center(st.Heading.Render(valueName+" share"), half)}
	maxN, maxV := 0, 0.0
	counts, shares := make([]string, len(sum)), make([]string, len(sum))
	cl, vl := 0, 0 // the widest labels
	for i, s := range sum {
		maxN = max(maxN, s.Customers)
		maxV = math.Max(maxV, s.ValueShare)
		counts[i], shares[i] = fmt.Sprint(s.Customers), fmt.Sprintf("%.0f%%", s.ValueShare)
		cl, vl = max(cl, Width(counts[i])), max(vl, Width(shares[i]))
	}
	for i, s := range sum {
		bar := lipgloss.NewStyle()
		if len(st.Bars) > 0 {
			bar = st.Bars[min(i, len(st.Bars)-1)]
		}
		cw := barWidth(float64(s.Customers), float64(maxN), max(1, half-cl-1))
		vw := barWidth(s.ValueShare, maxV, max(1, half-vl-1))
		lines = append(lines, Bar(bar, counts[i], cw, half)+"   "+Bar(bar, shares[i], vw, half)+"  "+tiering.Named(s.Tier))
	}
	return lines
}

// barWidth is v's share of the widest, in cells of full: at least one cell
// for anything above zero, none for zero or less.
func barWidth(v, widest float64, full int) int {
	if v <= 0 || widest <= 0 {
		return 0
	}
	return max(1, int(math.Round(float64(full)*v/widest)))
}

// Bar draws a block of w cells with its label beside it, centred in total
// cells.
func Bar(style lipgloss.Style, label string, w, total int) string {
	if w <= 0 {
		return centerBlock(label, Width(label), total)
	}
	return centerBlock(style.Render(strings.Repeat("▓", w))+" "+label, w+1+Width(label), total)
}

// Center pads s (display width measured, styles ignored) to w cells, centred.
func Center(s string, w int) string { return centerBlock(s, lipgloss.Width(s), w) }

// centerBlock centres a rendered block of width bw in total cells.
func centerBlock(s string, bw, total int) string {
	if bw >= total {
		return s
	}
	l := (total - bw) / 2
	return strings.Repeat(" ", l) + s + strings.Repeat(" ", total-bw-l)
}
