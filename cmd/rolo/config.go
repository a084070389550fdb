package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/tiering"
	"github.com/rolo-crm/rolo/tiering/agenda"
	"github.com/spf13/cobra"
)

// validateSetting checks a value before it is stored, so a typo never
// breaks later reports.
func validateSetting(key, value string) error {
	var err error
	switch key {
	case "pyramid.cuts":
		_, err = tiering.ParseCuts(value, 4)
	case "pareto.cuts":
		_, err = tiering.ParseCuts(value, 2)
	case "score.weights":
		_, err = tiering.ParseWeights(value)
	case "cadence":
		_, err = agenda.ParseCadence(value)
	case "birthday.days", "festival.days":
		n, perr := strconv.Atoi(value)
		if perr != nil || n < 0 || n > 60 {
			err = fmt.Errorf("%s must be a number of days from 0 to 60", key)
		}
	case "currency":
		if len(value) != 3 || strings.ToUpper(value) != value {
			err = fmt.Errorf("currency must be a three-letter code such as CNY, USD or SGD")
		}
	case "festivals.solar":
		_, err = agenda.ParseSolarFestivals(value)
	}
	if err != nil {
		return usageError{err}
	}
	return nil
}

func newConfigCmd(a *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config [KEY [VALUE]]",
		Short: "Show or change notebook settings (tier cuts, weights, cadences, festivals)",
		Long: `Show all settings, one setting, or change one. Settings:

  currency         CNY                                 the notebook's currency code
  pyramid.cuts     1,20,50,100                         cumulative % of customers: key, major, ordinary, small
  pareto.cuts      80,95                               cumulative % of value: A, B
  score.weights    revenue=0.4,profit=0.2,count=0.2,recency=0.2
                   (also paid, frequency, referrals, satisfaction)
  cadence          key=14,major=30,ordinary=90,small=180   days between contacts per tier
  birthday.days    7                                   how far ahead birthdays show in rolo due
  festival.days    7                                   how far ahead festivals show in rolo due
  festivals.solar  ""                                  extra solar festivals: "03-08 妇女节; 12-25 Christmas"`,
		Example: "  rolo config pareto.cuts 20,50\n  rolo config cadence key=7,major=30,ordinary=60,small=180",
		Args:    rangeArgs(0, 2, "an optional KEY and VALUE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			st, err := a.Store(ctx)
			if err != nil {
				return err
			}
			switch len(args) {
			case 0:
				set, err := st.Settings(ctx)
				if err != nil {
					return err
				}
				if a.JSON {
					return writeJSON(a.Out, set)
				}
				t := a.newTable(column{Name: "key"}, column{Name: "value"})
				for _, k := range store.SettingKeys() {
					t.add(k, set[k])
				}
				return t.print()
			case 1:
				v, err := st.Setting(ctx, args[0])
				if err != nil {
					return err
				}
				if a.JSON {
					return writeJSON(a.Out, map[string]string{args[0]: v})
				}
				fmt.Fprintln(a.Out, v)
				return nil
			}
			if _, err := st.Setting(ctx, args[0]); err != nil {
				return err
			}
			if err := validateSetting(args[0], args[1]); err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			return st.SetSetting(ctx, args[0], args[1])
		},
	}
	return cmd
}
