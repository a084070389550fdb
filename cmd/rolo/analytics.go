package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/tiering"
	"github.com/spf13/cobra"
)

type rfmRow struct {
	ID           int64           `json:"id"`
	Name         string          `json:"name"`
	R            int             `json:"r"`
	F            int             `json:"f"`
	M            int             `json:"m"`
	Segment      tiering.Segment `json:"segment"`
	SegmentLabel string          `json:"segment_label"`
	RecencyDays  int             `json:"recency_days"`
	PurchaseDays int             `json:"purchase_days"`
	Revenue      string          `json:"revenue"`
}

func newRFMCmd(a *App) *cobra.Command {
	return &cobra.Command{
		Use:   "rfm",
		Short: "Recency, frequency, monetary scores and segments",
		Long: `Score every buying customer 1–5 on recency (5 = bought most recently),
frequency (number of purchase days) and monetary value (revenue), by quintile:
score = floor(5·(rank−1)/N)+1 with tied customers sharing the rank of the first,
and name the segment from R and F (Champions, Loyal, At Risk, Can't Lose Them,
Hibernating, Lost...). On a terminal: the 5×5 R×F grid and the segment table.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, today, st, err := a.open(cmd)
			if err != nil {
				return err
			}
			ms, err := st.Metrics(ctx, today, store.MetricsOptions{Lean: true})
			if err != nil {
				return err
			}
			byID := make(map[int64]*tiering.Metrics, len(ms)) // pointers: no copy of 100,000 metrics
			for i := range ms {
				byID[ms[i].ID] = &ms[i]
			}
			rfm := tiering.ComputeRFM(ms, today)
			if a.JSON || !a.IsTTY {
				rows := make([]rfmRow, len(rfm))
				for i, r := range rfm {
					m := byID[r.ID]
					rows[i] = rfmRow{ID: r.ID, Name: m.Name, R: r.R, F: r.F, M: r.M, Segment: r.Segment,
						SegmentLabel: tiering.SegmentLabels[r.Segment], RecencyDays: m.RecencyDays(today),
						PurchaseDays: m.PurchaseDays, Revenue: store.FormatMoney(m.Revenue)}
				}
				if a.JSON {
					return writeJSONRows(a.Out, rows)
				}
				t := a.newTable()
				for _, r := range rows {
					t.add(strconv.FormatInt(r.ID, 10), r.Name, strconv.Itoa(r.R), strconv.Itoa(r.F), strconv.Itoa(r.M),
						string(r.Segment), strconv.Itoa(r.RecencyDays), strconv.Itoa(r.PurchaseDays), r.Revenue)
				}
				return t.print()
			}
			return a.drawRFM(rfm, byID)
		},
	}
}

func (a *App) drawRFM(rfm []tiering.RFM, byID map[int64]*tiering.Metrics) error {
	var grid [6][6]int
	segN := map[tiering.Segment]int{}
	segRev := map[tiering.Segment]int64{}
	var total int64
	for _, r := range rfm {
		grid[r.R][r.F]++
		segN[r.Segment]++
		segRev[r.Segment] += byID[r.ID].Revenue
		total += byID[r.ID].Revenue
	}
	bold := a.renderer().NewStyle().Bold(true)
	fmt.Fprintln(a.Out, bold.Render("customers by recency (rows) and frequency (columns)"))
	fmt.Fprintf(a.Out, "%6s", "R \\ F")
	for f := 1; f <= 5; f++ {
		fmt.Fprintf(a.Out, "%8d", f)
	}
	fmt.Fprintln(a.Out)
	for r := 5; r >= 1; r-- {
		fmt.Fprintf(a.Out, "%6d", r)
		for f := 1; f <= 5; f++ {
			fmt.Fprintf(a.Out, "%8d", grid[r][f])
		}
		fmt.Fprintln(a.Out)
	}
	fmt.Fprintln(a.Out)
	t := a.newTable(column{Name: "segment"}, column{Name: "分群"}, column{Name: "customers", Right: true},
		column{Name: "share", Right: true}, column{Name: "revenue share", Right: true})
	for _, s := range tiering.Segments {
		if segN[s] == 0 {
			continue
		}
		share := 0.0
		if total > 0 {
			share = 100 * float64(segRev[s]) / float64(total)
		}
		t.add(string(s), tiering.SegmentLabels[s], strconv.Itoa(segN[s]),
			fmt.Sprintf("%.1f%%", 100*float64(segN[s])/float64(len(rfm))), fmt.Sprintf("%.1f%%", share))
	}
	return t.print()
}

type moverRow struct {
	ID     int64        `json:"id"`
	Name   string       `json:"name"`
	From   tiering.Tier `json:"from"`
	To     tiering.Tier `json:"to"`
	Change string       `json:"change"` // up or down
}

func newMoversCmd(a *App) *cobra.Command {
	var f tierFlags
	var sinceFlag string
	cmd := &cobra.Command{
		Use:   "movers",
		Short: "Customers whose tier went up or down",
		Long: `Compare every customer's tier as of --since (default 90d ago) with their tier
today, both computed from the purchases up to that day, and list who moved up
the pyramid and who fell. A prospect who bought for the first time counts as up.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			today, err := a.Today()
			if err != nil {
				return err
			}
			from, err := store.ParseSince(sinceFlag, today)
			if err != nil {
				return fmt.Errorf("--since: %w", err)
			}
			if !from.Before(today) {
				return usageErrorf("--since must be before today (%s)", today.Format(store.DateLayout))
			}
			st, err := a.Store(ctx)
			if err != nil {
				return err
			}
			now, err := f.compute(ctx, st, today)
			if err != nil {
				return err
			}
			then, err := f.compute(ctx, st, from)
			if err != nil {
				return err
			}
			moves := tiering.Moves(then.assign, now.assign)
			ids := make([]int64, len(moves))
			for i, mv := range moves {
				ids[i] = mv.ID
			}
			cs, err := st.CustomersByID(ctx, ids)
			if err != nil {
				return err
			}
			moved := make([]moverRow, len(moves))
			for i, mv := range moves {
				change := "down"
				if mv.Up {
					change = "up"
				}
				moved[i] = moverRow{ID: mv.ID, Name: cs[mv.ID].Name, From: mv.From, To: mv.To, Change: change}
			}
			if a.JSON {
				if moved == nil {
					moved = []moverRow{}
				}
				return writeJSONRows(a.Out, moved)
			}
			if a.IsTTY {
				fmt.Fprintf(a.Out, "Tier changes since %s (%s):\n", from.Format(store.DateLayout), strings.ToLower(string(now.cfg.Method)))
			}
			t := a.newTable(column{Name: "id", Right: true}, column{Name: "name", Min: 8}, column{Name: "change"},
				column{Name: "from"}, column{Name: "to"})
			for _, m := range moved {
				arrow := m.Change
				if a.IsTTY {
					arrow = map[string]string{"up": "↑ up", "down": "↓ down"}[m.Change]
				}
				t.add(strconv.FormatInt(m.ID, 10), m.Name, arrow, string(m.From), string(m.To))
			}
			return t.print()
		},
	}
	f.register(cmd, false)
	cmd.Flags().StringVar(&sinceFlag, "since", "90d", "compare with the tiers as of this date or span back")
	return cmd
}
