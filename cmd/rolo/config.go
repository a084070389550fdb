package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/tiering"
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
		_, err = parseCadence(value)
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
		_, err = parseSolarFestivals(value)
	}
	if err != nil {
		return usageError{err}
	}
	return nil
}

// parseCadence reads "key=14,major=30,ordinary=90,small=180".
func parseCadence(s string) (map[tiering.Tier]int, error) {
	out := map[tiering.Tier]int{}
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		n, err := strconv.Atoi(strings.TrimSpace(v))
		t := tiering.Tier(strings.TrimSpace(k))
		if !ok || err != nil || n <= 0 {
			return nil, fmt.Errorf("cadence %q: write tier=days pairs, e.g. key=14,major=30,ordinary=90,small=180", s)
		}
		if tiering.Rank(t) > 3 || (t != tiering.Key && t != tiering.Major && t != tiering.Ordinary && t != tiering.Small) {
			return nil, fmt.Errorf("cadence: unknown tier %q; use key, major, ordinary, small", t)
		}
		out[t] = n
	}
	return out, nil
}

// solarFestival is a yearly festival on a fixed solar date.
type solarFestival struct {
	Month, Day int
	Name       string
}

// parseSolarFestivals reads "MM-DD name; MM-DD name", e.g. "03-08 妇女节; 12-25 Christmas".
func parseSolarFestivals(s string) ([]solarFestival, error) {
	var out []solarFestival
	for _, part := range strings.Split(s, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		md, name, ok := strings.Cut(part, " ")
		b, err := store.ParseBirthday("--"+md, false)
		if !ok || err != nil || strings.TrimSpace(name) == "" {
			return nil, fmt.Errorf("festival %q: write MM-DD and a name, several separated by ;", part)
		}
		out = append(out, solarFestival{b.Month, b.Day, strings.TrimSpace(name)})
	}
	return out, nil
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
