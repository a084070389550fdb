package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/rolo-crm/rolo/store"
	"github.com/spf13/cobra"
)

// Tests of the command line's manners (issue #19): unknown commands and
// flags, help and its examples, the README's tour, --version. Golden files
// live in testdata; go test ./cmd/rolo -run 'Golden' -update rewrites them
// (review the diff).

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or writes it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v; create it with go test ./cmd/rolo -run %s -update", err, t.Name())
	}
	if string(want) == got {
		return
	}
	wl, gl := strings.Split(string(want), "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		w, g := "", ""
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			t.Fatalf("%s differs at line %d:\n got: %q\nwant: %q\n(go test ./cmd/rolo -run %s -update rewrites it; review the diff)",
				path, i+1, g, w, t.Name())
		}
	}
}

// runApp runs rolo on a fresh App without a notebook (help, errors).
func runApp(args ...string) (stdout, stderr string, code int) {
	var out, errb bytes.Buffer
	a := &App{In: strings.NewReader(""), Out: &out, Err: &errb, Getenv: func(string) string { return "" },
		Now: func() time.Time { return time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC) }}
	code = run(args, a)
	return out.String(), errb.String(), code
}

// commands lists every command help shows, root first.
func commands() []*cobra.Command {
	root := newRootCmd(&App{Getenv: func(string) string { return "" }})
	root.InitDefaultHelpCmd()
	var out []*cobra.Command
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c != root && !c.IsAvailableCommand() && c.Name() != "help" {
			return
		}
		out = append(out, c)
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(root)
	return out
}

func TestUnknownCommandsAndHelp(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"shwo"}, "rolo: unknown command \"shwo\" for rolo; did you mean rolo show?\n"},
		{[]string{"pyrmid", "--json"}, "rolo: unknown command \"pyrmid\" for rolo; did you mean rolo pyramid?\n"},
		{[]string{"search", "wxm"}, "rolo: unknown command \"search\" for rolo; did you mean rolo find?\n"},
		{[]string{"agenda"}, "rolo: unknown command \"agenda\" for rolo; did you mean rolo due?\n"},
		{[]string{"xyzzy"}, "rolo: unknown command \"xyzzy\" for rolo; rolo --help lists the commands\n"},
		{[]string{"help", "foo"}, "rolo: unknown command \"foo\" for rolo; rolo --help lists the commands\n"},
		{[]string{"help", "shwo"}, "rolo: unknown command \"shwo\" for rolo; did you mean rolo show?\n"},
		{[]string{"help", "edit", "purchse"}, "rolo: unknown command \"purchse\" for rolo edit; did you mean rolo edit purchase?\n"},
		{[]string{"edit", "purchse", "3", "--amount", "5"}, "rolo: unknown command \"purchse\" for rolo edit; did you mean rolo edit purchase?\n"},
		{[]string{"rm", "paymnt", "3"}, "rolo: unknown command \"paymnt\" for rolo rm; did you mean rolo rm payment?\n"},
	}
	for _, tt := range tests {
		out, errs, code := runApp(tt.args...)
		if code != 2 || errs != tt.want || out != "" {
			t.Errorf("rolo %s: exit %d, stderr %q, stdout %q\nwant exit 2, %q", strings.Join(tt.args, " "), code, errs, out, tt.want)
		}
	}
	// rolo help COMMAND is COMMAND --help; rolo help alone is rolo --help.
	for _, args := range [][]string{{"due"}, {"edit", "purchase"}, {}} {
		want, _, _ := runApp(append(args, "--help")...)
		got, errs, code := runApp(append([]string{"help"}, args...)...)
		if code != 0 || errs != "" || got != want || !strings.Contains(got, "Usage:") {
			t.Errorf("rolo help %s: exit %d %q\n%s", strings.Join(args, " "), code, errs, got)
		}
	}
}

func TestFlagErrorsInPlainWords(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "王小明")
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"not a number", []string{"due", "--days", "x"}, nil, "rolo: --days \"x\" is not a whole number; write e.g. --days 7\n"},
		{"not a number, no default", []string{"edit", "1", "--cadence", "often"}, nil, "rolo: --cadence \"often\" is not a whole number; write e.g. --cadence 30\n"},
		{"unsigned", []string{"demo", "--seed", "-1"}, nil, "rolo: --seed \"-1\" is not a whole number, zero or more; write e.g. --seed 1\n"},
		{"demo of no one", []string{"demo", "--customers", "-5", "--no-tui"}, nil, "rolo: --customers -5: a sample notebook needs 1 customer or more\n"},
		{"demo without a past", []string{"demo", "--years", "0", "--no-tui"}, nil, "rolo: --years 0: give 1 to 100 years of history\n"},
		{"missing value", []string{"list", "--limit"}, nil, "rolo: --limit needs a value (show at most N customers), e.g. --limit 30\n"},
		{"unknown flag", []string{"list", "--tga", "vip"}, nil, "rolo: unknown flag --tga for rolo list; did you mean --tag?\n"},
		{"unknown flag, far off", []string{"list", "--colour"}, nil, "rolo: unknown flag --colour for rolo list; rolo list --help lists its flags\n"},
		{"inherited flag typo", []string{"due", "--jsn"}, nil, "rolo: unknown flag --jsn for rolo due; did you mean --json?\n"},
		{"negative value read as a flag", []string{"follow", "1", "-3d", "call"}, nil,
			"rolo: -3d was read as a flag; to pass a value that starts with a dash, put -- before it: rolo follow ... -- -3d\n"},
		{"unknown shorthand", []string{"list", "-x"}, nil, "rolo: unknown flag -x for rolo list; rolo list --help lists its flags\n"},
		{"bool with a value", []string{"list", "--archived=maybe"}, nil,
			"rolo: --archived is on or off: write --archived alone, or --archived=false (not \"maybe\")\n"},
		{"unclosed quote in a list", []string{"edit", "1", "--tag", `"vip`}, nil,
			"rolo: --tag \"\\\"vip\": a value in quotes needs its closing quote, e.g. --tag vip,\"tea, green\"\n"},
		{"flags that exclude each other", []string{"rm", "1", "--purge", "--restore"}, nil,
			"rolo: --purge and --restore cannot go together: --purge deletes for good, --restore brings an archived customer back\n"},
		{"--as-of not a date", []string{"due", "--as-of", "someday"}, nil, "rolo: --as-of: \"someday\" is not a date; write e.g. " + store.DateWords + "\n"},
		{"--at not a time", []string{"log", "1", "call", "hi", "--at", "25:00"}, nil,
			"rolo: --at: \"25:00\" is not a time: no such time of day; write e.g. 15:30, 3pm, 下午3点 or \"yesterday 15:30\"\n"},
		{"bad reason", []string{"snooze", "1", "birthdya"}, nil, "rolo: \"birthdya\" is not an agenda reason; did you mean birthday?\n"},
		{"wrong number of arguments", []string{"follow", "1", "tomorrow"}, nil,
			"rolo: follow needs a CUSTOMER, WHEN and WHAT (got 2 arguments)\nUsage: rolo follow CUSTOMER WHEN WHAT [flags]\n"},
		{"done without ids", []string{"done"}, nil,
			"rolo: done needs one or more FOLLOWUP_IDs (rolo due lists them) (got no arguments)\nUsage: rolo done FOLLOWUP_ID... [flags]\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errs, code := e.run(false, tt.args...)
			if code != 2 || errs != tt.want || out != "" {
				t.Errorf("exit %d, stderr:\n%q\nwant exit 2:\n%q (stdout %q)", code, errs, tt.want, out)
			}
		})
	}
	// --db or ROLO_DB naming a folder says so in plain words (not SQLite's
	// "permission denied"); it is a notebook problem, exit 3.
	want := "rolo: " + dir + " is a folder, not a notebook file; pass --db with the path of a rolo notebook\n"
	if _, errs, code := runApp("--db", dir, "list"); code != 3 || errs != want {
		t.Errorf("--db a folder: exit %d %q", code, errs)
	}
	var out, errb bytes.Buffer
	a := &App{In: strings.NewReader(""), Out: &out, Err: &errb, Now: time.Now,
		Getenv: func(k string) string { return map[string]string{"ROLO_DB": dir}[k] }}
	if code := run([]string{"list"}, a); code != 3 || errb.String() != want {
		t.Errorf("ROLO_DB a folder: exit %d %q", code, errb.String())
	}
}

func TestVersion(t *testing.T) {
	var out bytes.Buffer
	a := &App{In: strings.NewReader(""), Out: &out, Err: io.Discard, Getenv: func(string) string { return "" }, Now: time.Now,
		BuildInfo: func() (*debug.BuildInfo, bool) {
			return &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/rolo-crm/rolo", Version: "v1.2.3"},
				Deps: []*debug.Module{{Path: "github.com/spf13/cobra", Version: "v1.10.2"}, {Path: "modernc.org/sqlite", Version: "v1.61.1",
					Replace: &debug.Module{Path: "../sqlite", Version: "(devel)"}}},
				Settings: []debug.BuildSetting{{Key: "GOOS", Value: "linux"}, {Key: "GOARCH", Value: "arm64"},
					{Key: "vcs.revision", Value: "0123456789abcdef"}, {Key: "vcs.time", Value: "2026-11-20T10:00:00Z"}, {Key: "vcs.modified", Value: "true"}}}, true
		}}
	if code := run([]string{"--version"}, a); code != 0 {
		t.Fatalf("exit %d", code)
	}
	want := `rolo v1.2.3
module github.com/rolo-crm/rolo, built with go1.26.8 for linux/arm64
commit 0123456789abcdef (2026-11-20T10:00:00Z) with uncommitted changes
dependencies:
  github.com/spf13/cobra v1.10.2
  ../sqlite (devel)
`
	if out.String() != want {
		t.Errorf("rolo --version:\n%s\nwant:\n%s", out.String(), want)
	}
	// This test binary's own build information.
	got, _, code := runApp("--version")
	if code != 0 || !strings.HasPrefix(got, "rolo ") || !strings.Contains(got, "built with go1.") || !strings.Contains(got, "  github.com/spf13/cobra v") {
		t.Errorf("rolo --version from the real build info:\n%s", got)
	}
	got, _, _ = runApp("--version", "--json")
	if !strings.Contains(got, `"path": "github.com/spf13/cobra"`) || !strings.Contains(got, `"go": "go1.`) {
		t.Errorf("rolo --version --json:\n%s", got)
	}
}

// Every command's help, with its examples, as the user sees it.
func TestHelpGolden(t *testing.T) {
	var b strings.Builder
	for _, c := range commands() {
		if !strings.Contains(c.UsageString(), "Examples:") {
			t.Errorf("%s --help has no Examples section", c.CommandPath())
		}
		args := append(strings.Fields(c.CommandPath())[1:], "--help")
		out, errs, code := runApp(args...)
		if code != 0 || errs != "" {
			t.Errorf("%s --help: exit %d %q", c.CommandPath(), code, errs)
		}
		fmt.Fprintf(&b, "=== %s --help\n%s\n", c.CommandPath(), out)
	}
	golden(t, "help.golden", b.String())
}

// stripComment cuts a # comment that is not inside quotes.
func stripComment(line string) string {
	quote := rune(0)
	for i, r := range line {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
		case r == '"' || r == '\'':
			quote = r
		case r == '#' && (i == 0 || line[i-1] == ' '):
			return strings.TrimSpace(line[:i])
		}
	}
	return strings.TrimSpace(line)
}

// normalLine is a command line without its comment, spaces collapsed.
func normalLine(line string) string { return strings.Join(strings.Fields(stripComment(line)), " ") }

// shellWords splits a simple shell line into words: '...' and "..."
// quoting and backslash escapes; it stops at | > < ; & outside quotes,
// where what follows is not rolo's.
func shellWords(line string) []string {
	var words []string
	var w strings.Builder
	inWord, quote := false, rune(0)
	rs := []rune(stripComment(line))
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote == '"' && r == '\\' && i+1 < len(rs):
			i++
			w.WriteRune(rs[i])
		case quote != 0:
			w.WriteRune(r)
		case r == '"' || r == '\'':
			quote, inWord = r, true
		case r == '\\' && i+1 < len(rs):
			i++
			w.WriteRune(rs[i])
			inWord = true
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		case strings.ContainsRune("|><;&", r):
			if inWord {
				words = append(words, w.String())
			}
			return words
		default:
			w.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	return words
}

// checkLine parses a rolo command line as rolo would — the command, its
// flags and their values, the number of arguments, the dates — without
// running it.
func checkLine(words []string) (*cobra.Command, error) {
	if len(words) > 0 && words[0] == "sudo" {
		words = words[1:]
	}
	if len(words) == 0 || words[0] != "rolo" {
		return nil, fmt.Errorf("not a rolo command line: %q", words)
	}
	a := &App{Getenv: func(string) string { return "" }, Out: io.Discard, Err: io.Discard, In: strings.NewReader(""),
		Now: func() time.Time { return time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC) }}
	root := newRootCmd(a)
	root.InitDefaultHelpCmd()
	cmd, rest, err := root.Find(words[1:])
	if err != nil {
		return nil, err
	}
	if err := cmd.ParseFlags(rest); err != nil {
		return cmd, plainFlagError(cmd, err)
	}
	if err := cmd.ValidateArgs(cmd.Flags().Args()); err != nil {
		return cmd, err
	}
	if err := cmd.ValidateFlagGroups(); err != nil {
		return cmd, err
	}
	today := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	for _, name := range []string{"date", "until", "due", "next", "from", "to", "holdout", "as-of"} {
		if f := cmd.Flags().Lookup(name); f != nil && f.Changed {
			if _, err := store.ParseWhen(f.Value.String(), today); err != nil {
				return cmd, fmt.Errorf("--%s: %w", name, err)
			}
		}
	}
	if f := cmd.Flags().Lookup("at"); f != nil && f.Changed {
		if _, _, err := store.ParseMoment(f.Value.String(), today, time.UTC, store.Back); err != nil {
			return cmd, err
		}
	}
	if f := cmd.Flags().Lookup("since"); f != nil && f.Changed {
		if _, err := store.ParseSince(f.Value.String(), today); err != nil {
			return cmd, err
		}
	}
	if cmd.Name() == "follow" {
		if _, err := store.ParseDay(cmd.Flags().Arg(1), today, store.Ahead); err != nil {
			return cmd, err
		}
	}
	if cmd.Name() == "log" {
		if _, err := store.ParseContactKind(cmd.Flags().Arg(1)); err != nil {
			return cmd, err
		}
	}
	return cmd, nil
}

// Every example in every command's help is a command line rolo accepts.
func TestExamplesParse(t *testing.T) {
	for _, c := range commands() {
		for _, line := range strings.Split(c.Example, "\n") {
			if strings.TrimSpace(stripComment(line)) == "" {
				continue
			}
			if _, err := checkLine(shellWords(line)); err != nil {
				t.Errorf("%s example %q: %v", c.CommandPath(), strings.TrimSpace(line), err)
			}
		}
	}
}

// tourLines are the command lines of the README's tour, continuation
// lines joined.
func tourLines(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i := strings.Index(s, "## A tour of the commands")
	if i < 0 {
		t.Fatal("README has no \"## A tour of the commands\" section")
	}
	s = s[i:]
	start := strings.Index(s, "```sh\n")
	end := strings.Index(s[start+6:], "```")
	if start < 0 || end < 0 {
		t.Fatal("the tour has no ```sh block")
	}
	var lines []string
	cont := ""
	for _, l := range strings.Split(s[start+6:start+6+end], "\n") {
		l = strings.TrimSpace(l)
		if strings.HasSuffix(stripComment(l), "\\") {
			cont += strings.TrimSuffix(stripComment(l), "\\") + " "
			continue
		}
		l = cont + l
		cont = ""
		if stripComment(l) != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

// The README's tour is made of the commands' own examples, every one a
// line rolo accepts, and it visits every command help lists in a group.
func TestREADMETourMatchesExamples(t *testing.T) {
	lines := tourLines(t)
	if len(lines) < 20 {
		t.Fatalf("the tour has only %d command lines", len(lines))
	}
	seen := map[string]bool{}
	for _, l := range lines {
		cmd, err := checkLine(shellWords(l))
		if err != nil {
			t.Errorf("README tour %q: %v", l, err)
			continue
		}
		seen[strings.Fields(cmd.CommandPath() + " x")[1]] = true
		found := false
		for _, ex := range strings.Split(cmd.Example, "\n") {
			found = found || normalLine(ex) == normalLine(l)
		}
		if !found {
			t.Errorf("README tour line %q is not among the examples of %s --help:\n%s", normalLine(l), cmd.CommandPath(), cmd.Example)
		}
	}
	for _, c := range commands() {
		if c.HasParent() && !c.Parent().HasParent() && c.GroupID != "" && !seen[c.Name()] {
			t.Errorf("the README tour never shows rolo %s", c.Name())
		}
	}
}

// Bad values beyond flags: settings, kinds and files, said once and plainly.
func TestPlainErrors(t *testing.T) {
	e := newEnv(t)
	dir := t.TempDir()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"config", "cadence", "key=x"}, "rolo: cadence \"key=x\": write tier=days pairs, e.g. key=14,major=30,ordinary=90,small=180\n"},
		{[]string{"config", "pyramid.cuts", "1,2"}, "rolo: pyramid.cuts \"1,2\": want 4 comma-separated percentages\n"},
		{[]string{"config", "score.weights", "foo=1"}, "rolo: score.weights \"foo=1\": unknown indicator \"foo\"; use revenue, profit, paid, count, frequency, recency, referrals, satisfaction\n"},
		{[]string{"config", "currency", "usd"}, "rolo: currency \"usd\": write the code in capitals: USD\n"},
		{[]string{"config", "festivals.solar", "12-25"}, "rolo: festivals.solar \"12-25\": write MM-DD and a name, several separated by ;\n"},
		{[]string{"import", "customer", "x.csv"}, "rolo: cannot import \"customer\"; did you mean customers?\n"},
		{[]string{"import", "customers", filepath.Join(dir, "x.csv")}, "rolo: cannot read " + filepath.Join(dir, "x.csv") + ": there is no such file\n"},
		{[]string{"import", "customers", dir}, "rolo: cannot read " + dir + ": it is a folder; give the file to import\n"},
		{[]string{"export", "custmers"}, "rolo: cannot export \"custmers\"; did you mean customers?\n"},
	}
	for _, tt := range tests {
		out, errs, code := e.run(false, tt.args...)
		if code != 2 || errs != tt.want || out != "" {
			t.Errorf("rolo %s: exit %d, stderr:\n%q\nwant exit 2:\n%q", strings.Join(tt.args, " "), code, errs, tt.want)
		}
	}
	// A list of tiers may have an empty entry; an unknown one is named.
	e.ok("due", "--tier", "key,,major,")
	if _, errs, _ := e.run(false, "due", "--tier", "key,vip"); errs != "rolo: unknown tier \"vip\"; use key, major, ordinary, small, prospect\n" {
		t.Errorf("due --tier key,vip: %q", errs)
	}
}
