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

Without --out (or --db on the command line) the notebook is a temporary file.
With --out it is kept — a new file, never one that exists — which is how the
benchmarks build large notebooks:

  rolo demo --customers 100000 --purchases 1000000 --out big.db --no-tui`,
		Example: `  rolo demo
  rolo demo --seed 7 --customers 500 --out sample.db --no-tui
  rolo --db sample.db due`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			today, err := a.Today()
			if err != nil {
				return err
			}
			o.Today = today
			switch {
			case o.Customers < 1:
				return usageErrorf("--customers %d: a sample notebook needs 1 customer or more", o.Customers)
			case o.Purchases < 0:
				return usageErrorf("--purchases %d: give 0 or more (0: 6 per customer)", o.Purchases)
			case o.Years < 1 || o.Years > 100:
				return usageErrorf("--years %d: give 1 to 100 years of history", o.Years)
			}
			if f := cmd.Flag("db"); out == "" && f != nil && f.Changed {
				// rolo --db new.db demo: the notebook named is the one
				// written (it went to a temporary folder, --db ignored).
				// $ROLO_DB, the rep's own notebook, is never written to.
				out = a.DBPath
			}
			path, tmpDir := out, ""
			if path == "" {
				tmpDir, err = os.MkdirTemp("", "rolo-demo-")
				if err != nil {
					return err
				}
				path = filepath.Join(tmpDir, "notebook.db")
			} else if _, err := os.Lstat(path); err == nil {
				return store.Errorf(store.KindExists, "%s already exists; a demo writes a new notebook: name one that does not exist (--out, or --db)", path)
			}
			// Built aside and moved into place whole: a killed demo leaves
			// no empty or half-filled notebook at --out.
			opts := a.storeOptions()
			opts.Now = func() time.Time { return today.Add(12 * time.Hour) }
			started := time.Now()
			var stats demo.Stats
			gctx, done := a.showProgress(ctx, "building the sample notebook")
			err = store.Create(gctx, path, opts, func(st *store.Store) error {
				var err error
				stats, err = demo.Generate(gctx, st, o)
				return err
			})
			done()
			if err != nil {
				if tmpDir != "" {
					os.RemoveAll(tmpDir)
				}
				if store.KindOf(err) == store.KindOther {
					err = fmt.Errorf("demo: %w", err)
				}
				return err
			}
			if out != "" {
				a.DBPath = out
			}
			if a.JSON {
				return writeJSON(a.Out, map[string]any{"path": path, "customers": stats.Customers, "purchases": stats.Purchases,
					"contacts": stats.Contacts, "followups": stats.FollowUps, "surveys": stats.Surveys,
					"seconds": time.Since(started).Seconds()})
			}
			if !noTUI && a.IsTTY && a.InTTY && a.OpenTUI != nil && !a.forced {
				st, err := store.Open(ctx, path, opts)
				if err != nil {
					return err
				}
				a.adopt(st)
				err = a.OpenTUI(ctx, a.svc, today)
				if tmpDir != "" {
					// A throw-away sample: leave nothing behind in the temp folder.
					a.Close()
					os.RemoveAll(tmpDir)
				}
				return err
			}
			fmt.Fprintf(a.Out, "Sample notebook %s: %s, %s, %s, %s, %s, %s (%.1fs)\n", path, plural(stats.Customers, "customer"),
				plural(stats.Purchases, "purchase"), plural(stats.Payments, "payment"), plural(stats.Contacts, "contact"),
				plural(stats.FollowUps, "follow-up"), plural(stats.Events, "family event"), time.Since(started).Seconds())
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
