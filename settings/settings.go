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
	"golang.org/x/text/currency"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

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
	{"festivals.lunar", "MM-DD name; ...", "", "extra lunar festivals (the months and days of the lunar calendar)", "07-07 七夕; 09-09 重阳",
		func(v string, s *Settings) (err error) {
			s.LunarFestivals, err = agenda.ParseLunarFestivals(v)
			return err
		}},
	{"winback.attempts", "count (0-10)", "3", "win-back contacts a lapsed or lost customer gets before the reminders stop", "5",
		func(v string, s *Settings) (err error) { s.WinBackAttempts, err = count(v, 10); return err }},
	{"winback.days", "days (1-366)", "30", "the wait before the first win-back contact; it doubles for each attempt after", "45",
		func(v string, s *Settings) (err error) { s.WinBackDays, err = dayCount(v, 1, 366); return err }},
	{"slipping.pause", "days (0-366)", "30", "a contact pauses \"slipping away\" this long: you are on it", "14",
		func(v string, s *Settings) (err error) { s.SlippingPause, err = dayCount(v, 0, 366); return err }},
	{"slipping.palive", "percent", "30%", "a customer less likely than this to be still buying (lifetime model) is slipping away and lapses", "20%",
		func(v string, s *Settings) (err error) {
			s.MinPAlive, err = Percent(v)
			if err == nil && s.MinPAlive > 1 {
				err = fmt.Errorf("write a percentage up to 100%%")
			}
			return err
		}},
	{"survey.months", "months (0-60)", "6", "how often key customers are asked the loyalty survey (0: never)", "12",
		func(v string, s *Settings) (err error) { s.SurveyMonths, err = count(v, 60); return err }},
	{"thanks.days", "days (0-60)", "3", "after a purchase of a key or major customer, a thank-you follow-up this many days later", "1",
		func(v string, s *Settings) (err error) { s.ThanksDays, err = dayCount(v, 0, 60); return err }},
	{"thanks.tiers", "tiers", "key,major", "whose purchases get a thank-you follow-up (\"\" for nobody)", "key",
		func(v string, s *Settings) (err error) { s.ThanksTiers, err = tierSet(v); return err }},
	{"plan.capacity", "customers a day", "12", "how many customers today's plan holds: one number, or per weekday (12,sat=6,sun=0)", "15,sat=5,sun=0",
		func(v string, s *Settings) (err error) { s.Capacity.PerDay, err = agenda.ParseCapacity(v); return err }},
	{"plan.greetings", "count (0-500)", "10", "extra festival greetings a day's plan may hold in the days before a festival", "30",
		func(v string, s *Settings) (err error) { s.Capacity.Greetings, err = count(v, 500); return err }},
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
		return valueError{key: key, value: value, err: err}
	}
	if err := checkNew(key, value); err != nil {
		return valueError{key: key, value: value, err: err}
	}
	return nil
}

// checkNew holds the rules a value must meet to be set beyond what its
// parser reads. A notebook may hold a value stored before such a rule
// came: Parse still reads it as it did, so the notebook opens, and
// rolo config shows it and takes a new one.
func checkNew(key, v string) error {
	switch key {
	case "plan.capacity":
		return agenda.CheckCapacity(v)
	case "pyramid.cuts":
		if cuts, err := tiering.ParseCuts(v, 4); err == nil && cuts[3] != 100 {
			return fmt.Errorf("the last cut is 100: small is everyone the others leave")
		}
	case "currency":
		if _, err := currency.ParseISO(v); err != nil && strings.ToUpper(v) == v {
			return fmt.Errorf("%s is not an ISO 4217 currency code; write one such as CNY, USD or JPY", v)
		}
	case "clv.margin":
		if m, err := Percent(v); err == nil && m > 1 {
			return fmt.Errorf("a margin is at most 100%% of revenue")
		}
		return CheckPercent(v)
	case "clv.discount", "slipping.palive":
		return CheckPercent(v)
	}
	return nil
}

// CheckPercent refuses a fraction written without %: 0.1 reads as a
// tenth of a percent, but whoever writes it most likely means 10%.
func CheckPercent(v string) error {
	v = strings.TrimSpace(v)
	if f, err := strconv.ParseFloat(v, 64); err == nil && f > 0 && f < 1 {
		return fmt.Errorf("%s without %% would be %s%%, less than one percent; write %g%% for %g percent, or %s%% if you mean it",
			v, v, f*100, f*100, v)
	}
	return nil
}

// valueError says which setting and value are wrong, then why: the
// parsers name what they parse themselves (`cuts "1,2": want 4 ...`,
// `weights: unknown indicator`), which after the key would say it twice.
type valueError struct {
	key, value string
	err        error
}

var parserPrefix = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z]+( "(?:[^"\\]|\\.)*")?: `) })

func (e valueError) Error() string {
	why := parserPrefix().ReplaceAllString(e.err.Error(), "")
	return fmt.Sprintf("%s %q: %s", e.key, e.value, why)
}

func (e valueError) Unwrap() error { return e.err }

// Settings are the notebook settings, parsed.
type Settings struct {
	Currency                     money.Currency
	Tiering                      tiering.Config // the notebook's tiering (method pyramid by revenue, cuts, weights)
	Cadence                      map[tiering.Tier]int
	BirthdayDays                 int
	FestivalDays                 int
	SolarFestivals               []agenda.Festival
	LunarFestivals               []agenda.Festival
	PaymentTerms                 int // days
	WinBackAttempts, WinBackDays int
	SlippingPause                int
	MinPAlive                    float64
	SurveyMonths                 int
	ThanksDays                   int
	ThanksTiers                  map[tiering.Tier]bool
	CLV                          clv.Options
	Capacity                     agenda.Capacity // today's plan
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
	cfg.WinBackAttempts, cfg.WinBackDays, cfg.SlippingPause = s.WinBackAttempts, s.WinBackDays, s.SlippingPause
	cfg.MinPAlive, cfg.SurveyMonths = s.MinPAlive, s.SurveyMonths
	cfg.Festivals = agenda.MergeFestivals(append(append(cfg.Festivals, s.LunarFestivals...), s.SolarFestivals...))
	return cfg
}

func count(v string, most int) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 0 || n > most {
		return 0, fmt.Errorf("write a number from 0 to %d", most)
	}
	return n, nil
}

func dayCount(v string, least, most int) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < least || n > most {
		return 0, fmt.Errorf("write a number of days from %d to %d", least, most)
	}
	return n, nil
}

// tierSet reads "key,major" ("" is none).
func tierSet(v string) (map[tiering.Tier]bool, error) {
	out := map[tiering.Tier]bool{}
	for _, t := range strings.Split(v, ",") {
		t = strings.TrimSpace(t)
		if t == "" {
			continue
		}
		switch tiering.Tier(t) {
		case tiering.Key, tiering.Major, tiering.Ordinary, tiering.Small:
			out[tiering.Tier(t)] = true
		default:
			return nil, fmt.Errorf("unknown tier %q; use key, major, ordinary, small", t)
		}
	}
	return out, nil
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
