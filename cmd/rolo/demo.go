package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/store/demo"
	"github.com/spf13/cobra"
)

func newDemoCmd(a *App) *cobra.Command {
	var o demo.Options
	var out string
	var noTUI bool
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Generate a sample notebook and open it",
		Long: `Generate a realistic sample notebook (Chinese and Latin names, lunar birthdays,
a skewed purchase history, referrals, complaints, lapsed customers) and open it
in the interactive view. The same --seed gives the same notebook.

Without --out the notebook is a temporary file. With --out it is kept, which is
how the benchmarks build large notebooks:

  rolo demo --customers 100000 --purchases 1000000 --out big.db --no-tui`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			today, err := a.Today()
			if err != nil {
				return err
			}
			o.Today = today
			path := out
			if path == "" {
				dir, err := os.MkdirTemp("", "rolo-demo-")
				if err != nil {
					return err
				}
				path = filepath.Join(dir, "notebook.db")
			} else if _, err := os.Stat(path); err == nil {
				return store.Errorf(store.KindExists, "%s already exists; choose another --out or remove it", path)
			}
			st, err := store.Open(ctx, path, store.Options{Create: true, Now: func() time.Time { return today.Add(12 * time.Hour) }})
			if err != nil {
				return err
			}
			a.adopt(st)
			if out != "" {
				a.DBPath = out
			}
			started := time.Now()
			gctx, done := a.showProgress(ctx, "building the sample notebook")
			stats, err := demo.Generate(gctx, st, o)
			done()
			if err != nil {
				a.Close()
				os.Remove(path)
				return fmt.Errorf("demo: %w", err)
			}
			if a.JSON {
				return writeJSON(a.Out, map[string]any{"path": path, "customers": stats.Customers, "purchases": stats.Purchases,
					"contacts": stats.Contacts, "followups": stats.FollowUps, "surveys": stats.Surveys,
					"seconds": time.Since(started).Seconds()})
			}
			if !noTUI && a.IsTTY && a.InTTY && a.OpenTUI != nil {
				err := a.OpenTUI(ctx, a.svc, today)
				if out == "" {
					// A throw-away sample: leave nothing behind in the temp folder.
					a.Close()
					os.RemoveAll(filepath.Dir(path))
				}
				return err
			}
			fmt.Fprintf(a.Out, "Sample notebook %s: %d customers, %d purchases, %d payments, %d contacts, %d follow-ups, %d family events (%.1fs)\n",
				path, stats.Customers, stats.Purchases, stats.Payments, stats.Contacts, stats.FollowUps, stats.Events, time.Since(started).Seconds())
			fmt.Fprintf(a.Out, "Try: rolo --db %s due\n", path)
			return nil
		},
	}
	fs := cmd.Flags()
	fs.Uint64Var(&o.Seed, "seed", 1, "random seed; the same seed gives the same notebook")
	fs.IntVar(&o.Customers, "customers", 60, "number of customers")
	fs.IntVar(&o.Purchases, "purchases", 0, "number of purchases (default 6 per customer)")
	fs.IntVar(&o.Years, "years", 4, "years of history")
	fs.StringVarP(&out, "out", "o", "", "keep the notebook at this path (must not exist)")
	fs.BoolVar(&noTUI, "no-tui", false, "do not open the interactive view")
	return cmd
}
