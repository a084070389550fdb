package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rolo-crm/rolo/store"

	"github.com/spf13/cobra"
)

// run executes rolo with args and returns the process exit code.
func run(args []string, a *App) int {
	return runContext(context.Background(), args, a)
}

// runContext executes rolo with args under ctx. When ctx is cancelled
// with a stopSignal as its cause (see runWithSignals), the command stops
// where it is — SQLite statements are interrupted, transactions roll back,
// temporary files are removed — and the exit code is the signal's.
func runContext(ctx context.Context, args []string, a *App) int {
	defer a.Close()
	a.applyColourEnv()
	if a.started.IsZero() {
		a.started = time.Now()
	}
	if a.temps == nil {
		a.temps = &store.Temps{}
	}
	root := newRootCmd(a)
	root.SetArgs(args)
	root.SetIn(a.In)
	root.SetOut(a.Out)
	root.SetErr(a.Err)
	err := root.ExecuteContext(ctx)
	var stop stopSignal
	if err != nil && errors.As(context.Cause(ctx), &stop) {
		a.Close()
		a.temps.RemoveAll()
		fmt.Fprintf(a.Err, "rolo: %s before it finished; nothing half-written was left behind\n", stop)
		return signalCode(stop.sig)
	}
	if err != nil && !errors.Is(err, errAttention) {
		a.printError(err)
	}
	return exitCode(err)
}

func newRootCmd(a *App) *cobra.Command {
	var version bool
	root := &cobra.Command{
		Use:   "rolo",
		Short: "A terminal CRM for one salesperson",
		Long: `rolo keeps your notebook of customers, purchases, contacts and follow-ups,
tells you who to contact today and why, and shows the value pyramid.

Run rolo alone on a terminal to open the interactive notebook.`,
		Example: `  rolo                  # the interactive notebook
  rolo demo             # a sample notebook to try it on
  rolo due              # who to contact today and why
  rolo help due         # what a command does, with examples`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          rootArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if version {
				return a.printVersion(a.Out)
			}
			if !a.IsTTY || !a.InTTY || a.OpenTUI == nil || a.forced {
				return cmd.Help()
			}
			ctx, today, svc, err := a.open(cmd)
			if err != nil {
				return err
			}
			return a.OpenTUI(ctx, svc, today)
		},
	}
	root.SetFlagErrorFunc(plainFlagError)
	root.SetHelpCommand(newHelpCmd())
	root.Flags().BoolVar(&version, "version", false, "print the version and how rolo was built")
	pf := root.PersistentFlags()
	pf.StringVar(&a.DBPath, "db", "", "notebook file (default $ROLO_DB or $XDG_DATA_HOME/rolo/notebook.db)")
	pf.StringVar(&a.AsOf, "as-of", "", "treat this date as today (2026-11-22, yesterday, last friday, 上周五)")
	pf.BoolVar(&a.JSON, "json", false, "print JSON for scripts")
	pf.BoolVarP(&a.Quiet, "quiet", "q", false, "no progress display for long work")

	root.AddGroup(&cobra.Group{ID: "customers", Title: "Customers:"},
		&cobra.Group{ID: "history", Title: "Purchases, contacts and follow-ups:"},
		&cobra.Group{ID: "notebook", Title: "The notebook:"})
	add := func(group string, cmds ...*cobra.Command) {
		for _, c := range cmds {
			c.GroupID = group
			root.AddCommand(c)
		}
	}
	edit, rm := newEditCmd(a), newRmCmd(a)
	addRecordCommands(a, edit, rm)
	rm.AddCommand(rmEventCmd(a))
	add("customers", newAddCmd(a), edit, rm, newShowCmd(a), newFindCmd(a), newListCmd(a), newEventCmd(a))
	add("history", newBuyCmd(a), newPayCmd(a), newLogCmd(a), newComplaintCmd(a), newResolveCmd(a), newSurveyCmd(a),
		newFollowCmd(a), newDoneCmd(a), newSnoozeCmd(a), newDismissCmd(a))
	root.AddGroup(&cobra.Group{ID: "insight", Title: "Who matters and who to contact:"})
	add("insight", newTodayCmd(a), newDueCmd(a), newGreetCmd(a), newOwedCmd(a), newPyramidCmd(a), newRFMCmd(a), newMoversCmd(a), newChurnCmd(a), newCLVCmd(a))
	add("notebook", newInitCmd(a), newDemoCmd(a), newImportCmd(a), newExportCmd(a), newCopyCmd(a), newConfigCmd(a), newBackupCmd(a), newCheckCmd(a))
	root.AddGroup(&cobra.Group{ID: "team", Title: "A team on PostgreSQL:"})
	add("team", newTeamCmd(a), newAssignCmd(a), newShareCmd(a))
	root.AddCommand(newCompletionCmd(a), newManCmd(a))
	addCompletions(a, root)
	return root
}

// exactArgs is cobra.ExactArgs with a message that says what is missing.
func exactArgs(n int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return wrongArgs(cmd, args, names)
		}
		return nil
	}
}

func rangeArgs(lo, hi int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < lo || len(args) > hi {
			return wrongArgs(cmd, args, names)
		}
		return nil
	}
}
