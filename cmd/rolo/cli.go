package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"

	"github.com/rolo-crm/rolo/internal/suggest"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// The command line's own manners: unknown commands and flags with "did you
// mean", flag values explained in plain words, help for a command that
// exists or an error, and --version.

// otherNames are words people try for a command; "rolo search" suggests
// rolo find.
var otherNames = map[string][]string{
	"list":    {"ls", "all", "customers"},
	"find":    {"search", "grep", "lookup", "query"},
	"rm":      {"delete", "del", "remove", "archive"},
	"add":     {"new", "create"},
	"show":    {"view", "card", "info", "get", "open"},
	"due":     {"agenda", "todo", "reminders"},
	"buy":     {"purchase", "sale", "sell", "order"},
	"log":     {"contact", "note", "call", "visit"},
	"follow":  {"remind", "followup", "follow-up", "schedule"},
	"done":    {"complete", "finish"},
	"pay":     {"payment", "paid", "collect"},
	"owed":    {"owes", "debts", "receivables"},
	"pyramid": {"tiers", "tier", "rank"},
	"config":  {"settings", "set", "setting"},
	"export":  {"dump", "save"},
	"import":  {"load"},
	"check":   {"fsck", "verify"},
	"greet":   {"festival", "greeting", "greetings"},
	"clv":     {"ltv", "lifetime", "value"},
	"edit":    {"update", "change", "modify"},
}

// commandSuggestions are the commands of parent that name may have meant:
// close spellings, their beginnings, and the other names above.
func commandSuggestions(parent *cobra.Command, name string) []string {
	var names []string
	byName := map[string]bool{}
	for _, c := range parent.Commands() {
		if c.IsAvailableCommand() || c.Name() == "help" {
			names = append(names, c.Name())
			byName[c.Name()] = true
		}
	}
	out := suggest.Closest(name, names)
	for cmdName, others := range otherNames {
		for _, o := range others {
			if strings.EqualFold(o, name) && byName[cmdName] {
				out = append(out, cmdName)
			}
		}
	}
	sort.Strings(out)
	return out
}

// unknownCommand is the error for a command parent does not have.
func unknownCommand(parent *cobra.Command, name string) error {
	path := parent.CommandPath()
	if near := commandSuggestions(parent, name); len(near) > 0 {
		full := make([]string, len(near))
		for i, n := range near {
			full[i] = path + " " + n
		}
		return usageErrorf("unknown command %q for %s; did you mean %s?", name, path, suggest.Phrase(full))
	}
	return usageErrorf("unknown command %q for %s; %s --help lists the commands", name, path, path)
}

// rootArgs takes no arguments: one is a command rolo does not have.
func rootArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return unknownCommand(cmd, args[0])
	}
	return nil
}

// newHelpCmd is `rolo help [COMMAND]`: the command's help, or an error
// with suggestions for one that does not exist (cobra's own prints the
// root help with exit status 0).
func newHelpCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "help [COMMAND]",
		Short: "Help about any command",
		Long:  "Help about any command: what it does, its flags and examples. rolo COMMAND --help says the same.",
		Example: `  rolo help due
  rolo help edit purchase`,
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			parent, _, err := cmd.Root().Find(args)
			if err != nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var out []cobra.Completion
			for _, c := range parent.Commands() {
				if c.IsAvailableCommand() && strings.HasPrefix(c.Name(), toComplete) {
					out = append(out, cobra.CompletionWithDesc(c.Name(), c.Short))
				}
			}
			return out, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			root := cmd.Root()
			target, rest, err := root.Find(args)
			if err != nil {
				return err
			}
			if len(rest) > 0 {
				return unknownCommand(target, rest[0])
			}
			target.InitDefaultHelpFlag() // as COMMAND --help shows it
			return target.Help()
		},
	}
}

// plainFlagError says what is wrong with a flag in plain words: which
// flag, what it takes, an example (pflag says `strconv.ParseInt: parsing
// "x": invalid syntax`).
func plainFlagError(cmd *cobra.Command, err error) error {
	var invalid *pflag.InvalidValueError
	var missing *pflag.ValueRequiredError
	var unknown *pflag.NotExistError
	var syntax *pflag.InvalidSyntaxError
	switch {
	case errors.As(err, &invalid):
		f, v := invalid.GetFlag(), invalid.GetValue()
		return usageErrorf("%s", flagValueProblem(f, v, invalid.Unwrap()))
	case errors.As(err, &missing):
		f := missing.GetFlag()
		return usageErrorf("--%s needs a value (%s), e.g. --%s %s", f.Name, f.Usage, f.Name, flagExample(f))
	case errors.As(err, &unknown):
		if short := unknown.GetSpecifiedShortnames(); short != "" {
			if _, err := strconv.ParseFloat(short[:1], 64); err == nil {
				return usageErrorf("-%s was read as a flag; to pass a value that starts with a dash, put -- before it: %s ... -- -%s",
					short, cmd.CommandPath(), short)
			}
			return usageErrorf("unknown flag -%s for %s; %s --help lists its flags", unknown.GetSpecifiedName(), cmd.CommandPath(), cmd.CommandPath())
		}
		// rolo edit purchse 3 --amount 5: the flag is unknown because the
		// command is; say so.
		if args := cmd.Flags().Args(); cmd.HasAvailableSubCommands() && len(args) > 0 && len(commandSuggestions(cmd, args[0])) > 0 {
			return unknownCommand(cmd, args[0])
		}
		name := unknown.GetSpecifiedName()
		var names []string
		seen := map[string]bool{}
		for _, fs := range []*pflag.FlagSet{cmd.Flags(), cmd.InheritedFlags()} {
			fs.VisitAll(func(f *pflag.Flag) {
				if !f.Hidden && !seen[f.Name] {
					seen[f.Name] = true
					names = append(names, f.Name)
				}
			})
		}
		if near := suggest.Closest(name, names); len(near) > 0 {
			for i := range near {
				near[i] = "--" + near[i]
			}
			return usageErrorf("unknown flag --%s for %s; did you mean %s?", name, cmd.CommandPath(), suggest.Phrase(near))
		}
		return usageErrorf("unknown flag --%s for %s; %s --help lists its flags", name, cmd.CommandPath(), cmd.CommandPath())
	case errors.As(err, &syntax):
		return usageErrorf("%q is not a flag; flags are written --name or --name=value", syntax.GetSpecifiedFlag())
	}
	return usageErrorf("%v; see %s --help", err, cmd.CommandPath())
}

// flagValueProblem explains why v is not a value of flag f.
func flagValueProblem(f *pflag.Flag, v string, cause error) string {
	switch f.Value.Type() {
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		what := "a whole number"
		if strings.HasPrefix(f.Value.Type(), "uint") {
			what = "a whole number, zero or more"
		}
		return fmt.Sprintf("--%s %q is not %s; write e.g. --%s %s", f.Name, v, what, f.Name, flagExample(f))
	case "float32", "float64":
		return fmt.Sprintf("--%s %q is not a number; write e.g. --%s %s", f.Name, v, f.Name, flagExample(f))
	case "bool":
		return fmt.Sprintf("--%s is on or off: write --%s alone, or --%s=false (not %q)", f.Name, f.Name, f.Name, v)
	case "stringSlice":
		why := "values are separated by commas"
		var pe *csv.ParseError
		if errors.As(cause, &pe) {
			why = "a value in quotes needs its closing quote"
		}
		return fmt.Sprintf("--%s %q: %s, e.g. --%s vip,\"tea, green\"", f.Name, v, why, f.Name)
	}
	return fmt.Sprintf("--%s %q: %v", f.Name, v, cause)
}

// flagExample is a value to show for a flag: its default, else a likely one.
func flagExample(f *pflag.Flag) string {
	switch f.Value.Type() {
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "float32", "float64":
		if f.DefValue != "" && f.DefValue != "0" {
			return f.DefValue
		}
		return "30"
	}
	if f.DefValue != "" && f.DefValue != "[]" && f.DefValue != "false" {
		return f.DefValue
	}
	return "VALUE"
}

// argCount says how many arguments there were, for a usage error.
func argCount(n int) string {
	switch n {
	case 0:
		return "no arguments"
	case 1:
		return "1 argument"
	}
	return strconv.Itoa(n) + " arguments"
}

// wrongArgs is the error for a command given the wrong number of
// arguments; a first argument that is close to one of its subcommands
// (rolo edit purchse 3) is an unknown command instead.
func wrongArgs(cmd *cobra.Command, args []string, names string) error {
	if cmd.HasAvailableSubCommands() && len(args) > 0 {
		if len(commandSuggestions(cmd, args[0])) > 0 {
			return unknownCommand(cmd, args[0])
		}
	}
	return usageErrorf("%s needs %s (got %s)\nUsage: %s", cmd.Name(), names, argCount(len(args)), cmd.UseLine())
}

// buildInfo is what the binary knows of how it was built.
type buildInfo struct {
	Version  string      `json:"version"`
	Go       string      `json:"go"`
	OS       string      `json:"os"`
	Arch     string      `json:"arch"`
	Module   string      `json:"module"`
	Commit   string      `json:"commit,omitempty"`
	Time     string      `json:"commit_time,omitempty"`
	Modified bool        `json:"modified"`
	Deps     []moduleRef `json:"dependencies"`
}

type moduleRef struct {
	Path    string `json:"path"`
	Version string `json:"version"`
}

// readBuild turns debug.BuildInfo into buildInfo.
func readBuild(bi *debug.BuildInfo, ok bool) buildInfo {
	out := buildInfo{Version: "(devel)", Go: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH,
		Module: "github.com/rolo-crm/rolo", Deps: []moduleRef{}}
	if !ok || bi == nil {
		return out
	}
	if bi.Main.Version != "" {
		out.Version = bi.Main.Version
	}
	if bi.Main.Path != "" {
		out.Module = bi.Main.Path
	}
	if bi.GoVersion != "" {
		out.Go = bi.GoVersion
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "GOOS":
			out.OS = s.Value
		case "GOARCH":
			out.Arch = s.Value
		case "vcs.revision":
			out.Commit = s.Value
		case "vcs.time":
			out.Time = s.Value
		case "vcs.modified":
			out.Modified = s.Value == "true"
		}
	}
	for _, d := range bi.Deps {
		m := d
		if d.Replace != nil {
			m = d.Replace
		}
		out.Deps = append(out.Deps, moduleRef{Path: m.Path, Version: m.Version})
	}
	return out
}

// printVersion writes rolo --version: the version, the Go toolchain and
// platform, the commit, and the modules the binary was built from.
func (a *App) printVersion(w io.Writer) error {
	read := a.BuildInfo
	if read == nil {
		read = debug.ReadBuildInfo
	}
	b := readBuild(read())
	if a.JSON {
		return writeJSON(w, b)
	}
	fmt.Fprintf(w, "rolo %s\n", b.Version)
	fmt.Fprintf(w, "module %s, built with %s for %s/%s\n", b.Module, b.Go, b.OS, b.Arch)
	if b.Commit != "" {
		c := "commit " + b.Commit
		if b.Time != "" {
			c += " (" + b.Time + ")"
		}
		if b.Modified {
			c += " with uncommitted changes"
		}
		fmt.Fprintln(w, c)
	}
	if len(b.Deps) > 0 {
		fmt.Fprintln(w, "dependencies:")
		for _, d := range b.Deps {
			fmt.Fprintf(w, "  %s %s\n", d.Path, d.Version)
		}
	}
	return nil
}
