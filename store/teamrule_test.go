package store

import (
	"strings"
	"testing"
)

// A refusal on a team's notebook names the rule it most likely comes from.
func TestTeamRuleOfARefusal(t *testing.T) {
	for msg, want := range map[string]string{
		`new row violates row-level security policy for table "customers"`: "their own customers and those shared",
		`permission denied to create role`:                                 "only the owner of the notebook's tables adds reps",
		`permission denied for table settings`:                             "a manager also assigns customers and changes the settings",
	} {
		if got := teamRule(msg); !strings.Contains(got, want) {
			t.Errorf("%q: %q, want %q in it", msg, got, want)
		}
	}
}
