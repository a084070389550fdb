package agenda

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/rolo-crm/rolo/tiering"
)

// ParseCadence reads "key=14,major=30,ordinary=90,small=180".
func ParseCadence(s string) (map[tiering.Tier]int, error) {
	out := map[tiering.Tier]int{}
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		n, err := strconv.Atoi(strings.TrimSpace(v))
		t := tiering.Tier(strings.TrimSpace(k))
		if !ok || err != nil || n <= 0 {
			return nil, fmt.Errorf("cadence %q: write tier=days pairs, e.g. key=14,major=30,ordinary=90,small=180", s)
		}
		if t != tiering.Key && t != tiering.Major && t != tiering.Ordinary && t != tiering.Small {
			return nil, fmt.Errorf("cadence: unknown tier %q; use key, major, ordinary, small", t)
		}
		out[t] = n
	}
	return out, nil
}

// ParseSolarFestivals reads "MM-DD name; MM-DD name", e.g. "03-08 妇女节; 12-25 Christmas".
func ParseSolarFestivals(s string) ([]Festival, error) { return parseFestivals(s, false) }

// ParseLunarFestivals reads lunar festivals the same way: "07-07 七夕; 09-09 重阳".
func ParseLunarFestivals(s string) ([]Festival, error) { return parseFestivals(s, true) }

func parseFestivals(s string, lunar bool) ([]Festival, error) {
	var out []Festival
	for _, part := range strings.Split(s, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		md, name, ok := strings.Cut(part, " ")
		name = strings.TrimSpace(name)
		var m, d int
		_, err := fmt.Sscanf(md, "%d-%d", &m, &d)
		valid := m >= 1 && m <= 12 && d >= 1 && (lunar && d <= 30 || !lunar && d <= 31 && day(2000, time.Month(m), d).Day() == d)
		if !ok || err != nil || name == "" || !valid {
			return nil, fmt.Errorf("festival %q: write MM-DD and a name, several separated by ;", part)
		}
		out = append(out, Festival{Key: strings.ToLower(name), Name: name, Month: m, Day: d, Lunar: lunar})
	}
	return out, nil
}
