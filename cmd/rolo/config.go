package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rolo-crm/rolo/settings"
	"github.com/rolo-crm/rolo/store"
)

// settingsHelp lists every setting with its default and what it does,
// from the one table of settings.
func settingsHelp() string {
	var b strings.Builder
	for _, d := range settings.Defs {
		def := d.Default
		if def == "" {
			def = `""`
		}
		fmt.Fprintf(&b, "  %-16s %s\n  %-16s default %s; e.g. %s\n", d.Key, d.Help, "", def, d.Example)
	}
	return strings.TrimRight(b.String(), "\n")
}

func newConfigCmd(a *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config [KEY [VALUE]]",
		Short: "Show or change notebook settings (tier cuts, weights, cadences, festivals, lifetime value)",
		Long:  "Show all settings, one setting, or change one. Settings:\n\n" + settingsHelp(),
		Example: `  rolo config
  rolo config pareto.cuts 20,50
  rolo config cadence key=7,major=30,ordinary=60,small=180
  rolo config clv.margin 45%`,
		Args: rangeArgs(0, 2, "an optional KEY and VALUE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if len(args) > 0 {
				if _, ok := settings.Lookup(args[0]); !ok {
					return usageError{settings.UnknownKeyError{Key: args[0]}}
				}
			}
			st, err := a.Store(ctx)
			if err != nil {
				return err
			}
			raw, err := st.RawSettings(ctx)
			if err != nil {
				return err
			}
			switch len(args) {
			case 0:
				if a.JSON {
					return writeJSON(a.Out, raw)
				}
				t := a.newTable(column{Name: "key"}, column{Name: "value"})
				for _, k := range settings.Keys() {
					t.add(k, raw[k])
				}
				return t.print()
			case 1:
				if a.JSON {
					return writeJSON(a.Out, map[string]string{args[0]: raw[args[0]]})
				}
				fmt.Fprintln(a.Out, raw[args[0]])
				return nil
			}
			// Asked before the write, so a rep hears the team's rule, not the
			// server's "permission denied for table settings" (exit 3).
			if me, err := st.Me(ctx); err == nil && !me.Manager {
				return store.Errorf(store.KindInvalid, "only a manager changes the settings of the team's notebook; you are %s, a rep (rolo config %s shows the value)",
					me.Name, args[0])
			}
			return st.SetSetting(ctx, args[0], args[1])
		},
	}
	return cmd
}
