package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/rolo-crm/rolo/insight"
	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/tiering"
	"github.com/spf13/cobra"
)

type rfmRowJSON struct {
	ID           int64           `json:"id"`
	Name         string          `json:"name"`
	R            int             `json:"r"`
	F            int             `json:"f"`
	M            int             `json:"m"`
	Segment      tiering.Segment `json:"segment"`
	SegmentLabel string          `json:"segment_label"`
	RecencyDays  int             `json:"recency_days"`
	PurchaseDays int             `json:"purchase_days"`
	Revenue      money.Decimal   `json:"revenue"`
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
		Example: "  rolo rfm\n  rolo rfm --json | jq '.[] | select(.segment == \"At Risk\")'",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, today, svc, err := a.open(cmd)
			if err != nil {
				return err
			}
			rfm, err := svc.RFM(ctx, today)
			if err != nil {
				return err
			}
			switch {
			case a.JSON:
				rows := make([]rfmRowJSON, len(rfm.Rows))
				for i, r := range rfm.Rows {
					rows[i] = rfmRowJSON{ID: r.ID, Name: r.Name, R: r.R, F: r.F, M: r.M, Segment: r.Segment,
						SegmentLabel: tiering.SegmentLabels[r.Segment], RecencyDays: r.RecencyDays, PurchaseDays: r.PurchaseDays,
						Revenue: a.dec(r.Revenue)}
				}
				return writeJSONRows(a.Out, rows)
			case !a.IsTTY:
				t := a.newTable()
				for _, r := range rfm.Rows {
					t.add(strconv.FormatInt(r.ID, 10), r.Name, strconv.Itoa(r.R), strconv.Itoa(r.F), strconv.Itoa(r.M),
						string(r.Segment), strconv.Itoa(r.RecencyDays), strconv.Itoa(r.PurchaseDays), a.money(r.Revenue))
				}
				return t.print()
			}
			return a.drawRFM(rfm)
		},
	}
}

func (a *App) drawRFM(rfm *insight.RFM) error {
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
			fmt.Fprintf(a.Out, "%8d", rfm.Grid[r][f])
		}
		fmt.Fprintln(a.Out)
	}
	fmt.Fprintln(a.Out)
	t := a.newTable(column{Name: "segment"}, column{Name: "分群"}, column{Name: "customers", Right: true},
		column{Name: "share", Right: true}, column{Name: "revenue share", Right: true})
	for _, s := range rfm.Segments {
		t.add(string(s.Segment), tiering.SegmentLabels[s.Segment], strconv.Itoa(s.Customers),
			fmt.Sprintf("%.1f%%", s.CustomerShare), fmt.Sprintf("%.1f%%", s.RevenueShare))
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
		Example: "  rolo movers\n  rolo movers --since 1y --method pareto",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, today, svc, err := a.open(cmd)
			if err != nil {
				return err
			}
			from, err := store.ParseSince(sinceFlag, today)
			if err != nil {
				return fmt.Errorf("--since: %w", err)
			}
			q, err := f.query(today)
			if err != nil {
				return err
			}
			mv, err := svc.Movers(ctx, q, from)
			if err != nil {
				return err
			}
			moved := make([]moverRow, len(mv.List))
			for i, m := range mv.List {
				change := "down"
				if m.Up {
					change = "up"
				}
				moved[i] = moverRow{ID: m.ID, Name: m.Name, From: m.From, To: m.To, Change: change}
			}
			if a.JSON {
				return writeJSONRows(a.Out, moved)
			}
			if a.IsTTY {
				fmt.Fprintf(a.Out, "Tier changes since %s (%s):\n", from.Format(store.DateLayout), strings.ToLower(string(mv.Method)))
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
