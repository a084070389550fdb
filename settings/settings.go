// Package settings is the one table of the notebook's user settings: for
// each key its type, default, validation and help. The store checks values
// against it before saving, `rolo config` lists it, and the use cases read
// the typed Settings parsed from it. Internal state (a fitted model, the
// tiers last recorded) is not a setting and lives elsewhere.
//
// It does no I/O.
package settings

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/tiering"
	"github.com/rolo-crm/rolo/tiering/agenda"
	"github.com/rolo-crm/rolo/tiering/clv"
)

// Def is one setting.
type Def struct {
	Key     string
	Type    string // what kind of value, for people: "currency code", "days"...
	Default string
	Help    string
	Example string
	check   func(v string, s *Settings) error // parses v into s
}

// Defs are every user setting, in the order `rolo config` lists them.
var Defs = []Def{
	{"currency", "currency code", "CNY", "the notebook's currency (decimals follow it: CNY 2, JPY 0)", "USD",
		func(v string, s *Settings) (err error) { s.Currency, err = money.Lookup(v); return err }},
	{"pyramid.cuts", "4 percentages", "1,20,50,100", "cumulative % of customers: key, major, ordinary, small", "1,10,40,100",
		func(v string, s *Settings) (err error) {
			s.Tiering.PyramidCuts, err = tiering.ParseCuts(v, 4)
			return err
		}},
	{"pareto.cuts", "2 percentages", "80,95", "cumulative % of value for classes A and B", "20,50",
		func(v string, s *Settings) (err error) {
			s.Tiering.ParetoCuts, err = tiering.ParseCuts(v, 2)
			return err
		}},
	{"score.weights", "name=weight,...", "revenue=0.4,profit=0.2,count=0.2,recency=0.2",
		"weights of the score method (" + strings.Join(tiering.ScoreIndicators, ", ") + ")", "revenue=0.5,recency=0.5",
		func(v string, s *Settings) (err error) {
			s.Tiering.ScoreWeights, err = tiering.ParseWeights(v)
			return err
		}},
	{"cadence", "tier=days,...", "key=14,major=30,ordinary=90,small=180", "days between contacts per tier", "key=7,major=30,ordinary=60,small=180",
		func(v string, s *Settings) error {
			cad, err := agenda.ParseCadence(v)
			for t, d := range cad {
				s.Cadence[t] = d
			}
			return err
		}},
	{"birthday.days", "days (0-60)", "7", "how far ahead birthdays show on the agenda", "14",
		func(v string, s *Settings) (err error) { s.BirthdayDays, err = days(v); return err }},
	{"festival.days", "days (0-60)", "7", "how far ahead festivals show on the agenda", "10",
		func(v string, s *Settings) (err error) { s.FestivalDays, err = days(v); return err }},
	{"festivals.solar", "MM-DD name; ...", "", "extra solar festivals to greet customers for", "03-08 妇女节; 12-25 Christmas",
		func(v string, s *Settings) (err error) {
			s.SolarFestivals, err = agenda.ParseSolarFestivals(v)
			return err
		}},
	{"payment.terms", "days (0-366)", "30", "days a customer has to pay what they owe before the agenda reminds you", "45",
		func(v string, s *Settings) error {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n < 0 || n > 366 {
				return fmt.Errorf("write a number of days from 0 to 366")
			}
			s.PaymentTerms = n
			return nil
		}},
	{"clv.horizon", "months", "12m", "how far ahead lifetime value looks", "24m",
		func(v string, s *Settings) (err error) { s.CLV.HorizonMonths, err = Months(v); return err }},
	{"clv.discount", "percent a year", "10%", "yearly discount rate of lifetime value (money later is worth less)", "8%",
		func(v string, s *Settings) (err error) { s.CLV.AnnualDiscount, err = Percent(v); return err }},
	{"clv.margin", "percent", "30%", "your margin on revenue, for lifetime value", "45%",
		func(v string, s *Settings) (err error) { s.CLV.Margin, err = Percent(v); return err }},
}

// Lookup finds a setting by key.
func Lookup(key string) (Def, bool) {
	for _, d := range Defs {
		if d.Key == key {
			return d, true
		}
	}
	return Def{}, false
}

// Keys lists the setting keys, sorted.
func Keys() []string {
	keys := make([]string, len(Defs))
	for i, d := range Defs {
		keys[i] = d.Key
	}
	sort.Strings(keys)
	return keys
}

// UnknownKeyError is returned for a key that is not a setting.
type UnknownKeyError struct{ Key string }

func (e UnknownKeyError) Error() string {
	return fmt.Sprintf("unknown setting %q; the settings are %s", e.Key, strings.Join(Keys(), ", "))
}

// Check validates one value for a key.
func Check(key, value string) error {
	d, ok := Lookup(key)
	if !ok {
		return UnknownKeyError{key}
	}
	s := defaults()
	if err := d.check(value, &s); err != nil {
		return fmt.Errorf("%s %q: %w", key, value, err)
	}
	return nil
}

// Settings are the notebook settings, parsed.
type Settings struct {
	Currency       money.Currency
	Tiering        tiering.Config // the notebook's tiering (method pyramid by revenue, cuts, weights)
	Cadence        map[tiering.Tier]int
	BirthdayDays   int
	FestivalDays   int
	SolarFestivals []agenda.Festival
	PaymentTerms   int // days
	CLV            clv.Options
}

func defaults() Settings {
	return Settings{Currency: money.CNY, Tiering: tiering.DefaultConfig(), Cadence: agenda.DefaultConfig().Cadence}
}

// Parse reads raw stored values (missing keys take their defaults; unknown
// keys are ignored) into Settings.
func Parse(raw map[string]string) (Settings, error) {
	s := defaults()
	for _, d := range Defs {
		v, ok := raw[d.Key]
		if !ok {
			v = d.Default
		}
		if err := d.check(v, &s); err != nil {
			return s, fmt.Errorf("setting %s %q: %w", d.Key, v, err)
		}
	}
	return s, nil
}

// Default is the Settings of a new notebook.
func Default() Settings {
	s, err := Parse(nil)
	if err != nil {
		panic(err) // the defaults are fixed at build time
	}
	return s
}

// Agenda is the agenda configuration, looking days ahead.
func (s Settings) Agenda(days int) agenda.Config {
	cfg := agenda.DefaultConfig()
	cfg.Days = days
	for t, d := range s.Cadence {
		cfg.Cadence[t] = d
	}
	cfg.BirthdayDays, cfg.FestivalDays, cfg.PaymentTerms = s.BirthdayDays, s.FestivalDays, s.PaymentTerms
	cfg.Festivals = append(cfg.Festivals, s.SolarFestivals...)
	return cfg
}

func days(v string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 0 || n > 60 {
		return 0, fmt.Errorf("write a number of days from 0 to 60")
	}
	return n, nil
}

// Percent reads a percentage such as 10% or 10 (0–1000) as a fraction.
func Percent(v string) (float64, error) {
	f, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), "%"), 64)
	if err != nil || math.IsNaN(f) || f < 0 || f > 1000 {
		return 0, fmt.Errorf("write a percentage such as 10%%")
	}
	return f / 100, nil
}

// Months reads a span of months such as 12m or 12 (1–120).
func Months(v string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), "m"))
	if err != nil || n < 1 || n > 120 {
		return 0, fmt.Errorf("write months such as 12m (1–120)")
	}
	return n, nil
}
