package main

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/rolo-crm/rolo/settings"
	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/store/transfer"
	"github.com/rolo-crm/rolo/tiering"
	"github.com/rolo-crm/rolo/tiering/agenda"
	"github.com/spf13/cobra"
)

// Shell completion: `rolo completion bash|zsh|fish|powershell` writes the
// script; the script asks rolo itself (cobra's hidden __complete command)
// for the words that fit where the cursor is: customers by name, id,
// pinyin and initials, contact kinds, tiers, methods, festivals, settings,
// export kinds and formats.

func newCompletionCmd(a *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Write the shell completion script for bash, zsh, fish or PowerShell",
		Long: `Write the script that teaches your shell to complete rolo's commands, flags
and arguments: customers by name, id, pinyin or initials (rolo show wx<TAB>
offers wxm for 王小明, and rolo takes wxm as that customer), contact kinds,
tiers, methods, festivals, settings, export kinds and formats.

Install it once:

  bash   mkdir -p ~/.local/share/bash-completion/completions
         rolo completion bash > ~/.local/share/bash-completion/completions/rolo
         (needs the bash-completion package)
  zsh    mkdir -p ~/.zsh/completions
         rolo completion zsh > ~/.zsh/completions/_rolo
         and in ~/.zshrc, before compinit:  fpath=(~/.zsh/completions $fpath)
  fish   rolo completion fish > ~/.config/fish/completions/rolo.fish
  PowerShell
         rolo completion powershell | Out-String | Invoke-Expression
         (add that line to $PROFILE to keep it)

Open a new shell afterwards. Completion reads the notebook that --db,
ROLO_DB or the default path names.`,
		Example: `  rolo completion bash > ~/.local/share/bash-completion/completions/rolo
  rolo completion zsh > ~/.zsh/completions/_rolo
  rolo completion fish > ~/.config/fish/completions/rolo.fish`,
		ValidArgs: []cobra.Completion{"bash", "zsh", "fish", "powershell"},
		Args:      exactArgs(1, "a shell: bash, zsh, fish or powershell"),
		RunE: func(cmd *cobra.Command, args []string) error {
			root, w := cmd.Root(), a.Out
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(w, true)
			case "zsh":
				return root.GenZshCompletion(w)
			case "fish":
				return root.GenFishCompletion(w, true)
			case "powershell", "pwsh":
				return root.GenPowerShellCompletionWithDesc(w)
			}
			return usageErrorf("cannot write completion for %q; use bash, zsh, fish or powershell", args[0])
		},
	}
	return cmd
}

type completeFunc = func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective)

const noFiles = cobra.ShellCompDirectiveNoFileComp

// fixed completes from a list of words with descriptions ("word\tdesc"):
// those that start with what is typed, as the shells keep them.
func fixed(words ...cobra.Completion) completeFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return startingWith(words, toComplete), noFiles
	}
}

// startingWith are the completions whose word starts with prefix.
func startingWith(words []cobra.Completion, prefix string) []cobra.Completion {
	var out []cobra.Completion
	for _, w := range words {
		if word, _, _ := strings.Cut(w, "\t"); strings.HasPrefix(word, prefix) {
			out = append(out, w)
		}
	}
	return out
}

// commaList completes a comma-separated list (--tier key,major): the words
// not yet in it, after what is typed so far.
func commaList(words ...string) completeFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		done, _ := splitLast(toComplete)
		have := map[string]bool{}
		for _, w := range strings.Split(done, ",") {
			have[strings.TrimSpace(w)] = true
		}
		var out []cobra.Completion
		for _, w := range words {
			if !have[w] {
				out = append(out, done+w)
			}
		}
		return startingWith(out, toComplete), noFiles | cobra.ShellCompDirectiveNoSpace
	}
}

// splitLast splits "key,ma" into "key," and "ma".
func splitLast(s string) (done, last string) {
	i := strings.LastIndex(s, ",")
	return s[:i+1], s[i+1:]
}

// positional completes each argument with its own function; past the
// end, nothing (and no file names).
func positional(fns ...completeFunc) completeFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) < len(fns) && fns[len(args)] != nil {
			return fns[len(args)](cmd, args, toComplete)
		}
		return nil, noFiles
	}
}

// completeCustomer offers the customers whose id, name, pinyin or initials
// start with what is typed. Shells keep only candidates that begin with
// the typed text, so each candidate is a form of the customer that does:
// the name (王小明, or Anna Li), else the initials (wxm) or, when others
// share them, the whole pinyin (wangxiaoming) — every one a CUSTOMER
// argument rolo takes — or the id; the description says who it is.
func (a *App) completeCustomer(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	st, err := a.Store(cmd.Context())
	if err != nil {
		return nil, noFiles
	}
	ms, err := st.CustomersByPrefix(cmd.Context(), toComplete, 40)
	if err != nil {
		return nil, noFiles
	}
	typed := strings.TrimSpace(toComplete)
	lower := strings.ToLower(typed)
	digits := typed != "" && strings.TrimLeft(typed, "0123456789") == ""
	values := make([]string, len(ms))
	count := map[string]int{}
	for i, m := range ms {
		id := strconv.FormatInt(m.ID, 10)
		switch {
		case digits && strings.HasPrefix(id, typed):
			values[i] = id
		case typed == "" && m.SameName > 1, !completable(m.Name) && (typed == "" || digits):
			values[i] = id
		case strings.HasPrefix(m.Name, typed) && completable(m.Name):
			values[i] = m.Name
		case strings.HasPrefix(strings.ToLower(m.Name), lower) && completable(m.Name):
			values[i] = typed + m.Name[len(typed):] // Latin letters in another case: keep what was typed
		case strings.HasPrefix(m.Initials, lower):
			values[i] = typed + m.Initials[len(typed):]
		case strings.HasPrefix(m.Pinyin, lower):
			values[i] = typed + m.Pinyin[len(typed):]
		}
		count[values[i]]++
	}
	var order []string
	descs := map[string][]string{}
	for i, m := range ms {
		value := values[i]
		if value == "" {
			continue
		}
		if count[value] > 1 && value != m.Name && strings.HasPrefix(m.Pinyin, lower) {
			value = typed + m.Pinyin[len(typed):] // shared initials (wxm): the whole pinyin tells them apart
		}
		id := strconv.FormatInt(m.ID, 10)
		desc := render1(m.Name)
		if m.Company != "" {
			desc += " · " + render1(m.Company)
		} else if m.City != "" {
			desc += " · " + render1(m.City)
		}
		desc += " · #" + id
		if _, ok := descs[value]; !ok {
			order = append(order, value)
		}
		descs[value] = append(descs[value], desc)
	}
	out := make([]cobra.Completion, len(order))
	for i, v := range order {
		d := descs[v]
		if len(d) > 1 {
			out[i] = cobra.CompletionWithDesc(v, fmt.Sprintf("%d customers, use the id: %s", len(d), strings.Join(d, "; ")))
			continue
		}
		out[i] = cobra.CompletionWithDesc(v, d[0])
	}
	return out, noFiles | cobra.ShellCompDirectiveKeepOrder
}

// completable says a name can be offered as it is: no spaces at its ends
// and nothing a shell's completion protocol or terminal would trip on.
func completable(s string) bool {
	if s == "" || strings.TrimSpace(s) != s {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || unicode.Is(unicode.Cf, r) {
			return false
		}
	}
	return true
}

// render1 is s on one line for a description.
func render1(s string) string {
	return strings.Join(strings.Fields(clean(s)), " ")
}

// completeFollowUp offers the open follow-ups' ids, soonest first.
func (a *App) completeFollowUp(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	ctx := cmd.Context()
	st, err := a.Store(ctx)
	if err != nil {
		return nil, noFiles
	}
	today, err := a.Today()
	if err != nil {
		return nil, noFiles
	}
	fs, err := st.OpenFollowUpsDue(ctx, today.AddDate(5, 0, 0))
	if err != nil {
		return nil, noFiles
	}
	ids := make([]int64, len(fs))
	for i, f := range fs {
		ids[i] = f.CustomerID
	}
	names, err := st.CustomersByID(ctx, ids)
	if err != nil {
		return nil, noFiles
	}
	done := map[string]bool{}
	for _, a := range args {
		done[strings.TrimPrefix(a, "#")] = true
	}
	var out []cobra.Completion
	for _, f := range fs {
		id := strconv.FormatInt(f.ID, 10)
		if done[id] || !strings.HasPrefix(id, strings.TrimPrefix(toComplete, "#")) {
			continue
		}
		out = append(out, cobra.CompletionWithDesc(id, fmt.Sprintf("%s · due %s · %s", render1(names[f.CustomerID].Name), f.Due, render1(f.What))))
	}
	return out, noFiles | cobra.ShellCompDirectiveKeepOrder
}

// completeSettingValue offers a setting's current value, default and example.
func (a *App) completeSettingValue(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	d, ok := settings.Lookup(args[0])
	if !ok {
		return nil, noFiles
	}
	var out []cobra.Completion
	seen := map[string]bool{}
	offer := func(v, desc string) {
		if v != "" && !seen[v] {
			seen[v] = true
			out = append(out, cobra.CompletionWithDesc(v, desc))
		}
	}
	if st, err := a.Store(cmd.Context()); err == nil {
		if raw, err := st.RawSettings(cmd.Context()); err == nil {
			offer(raw[d.Key], "current value")
		}
	}
	offer(d.Default, "default")
	offer(d.Example, "example")
	return startingWith(out, toComplete), noFiles | cobra.ShellCompDirectiveKeepOrder
}

// Words with descriptions.
func contactKindWords() []cobra.Completion {
	var out []cobra.Completion
	zh := map[string][]string{}
	for _, k := range store.ChineseContactKinds {
		zh[k[1]] = append(zh[k[1]], k[0])
	}
	for _, k := range store.ContactKinds {
		out = append(out, cobra.CompletionWithDesc(k, strings.Join(zh[k], ", ")))
	}
	for _, k := range store.ChineseContactKinds {
		out = append(out, cobra.CompletionWithDesc(k[0], k[1]))
	}
	return out
}

func reasonWords() []cobra.Completion {
	var out []cobra.Completion
	zh := map[string][]string{}
	for _, k := range chineseReasons {
		zh[k[1]] = append(zh[k[1]], k[0])
	}
	for _, r := range agenda.Reasons {
		out = append(out, cobra.CompletionWithDesc(string(r), strings.Join(zh[string(r)], ", ")))
	}
	for _, zh := range chineseReasons {
		out = append(out, cobra.CompletionWithDesc(zh[0], zh[1]))
	}
	return out
}

func festivalWords(a *App) completeFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		var out []cobra.Completion
		fs := agenda.LunarFestivals
		if st, err := a.Store(cmd.Context()); err == nil {
			if set, err := st.Settings(cmd.Context()); err == nil {
				fs = set.Agenda(7).Festivals
			}
		}
		for _, f := range fs {
			if strings.ContainsAny(f.Key, " \t\n") {
				continue
			}
			out = append(out, cobra.CompletionWithDesc(f.Key, f.Name))
			for _, al := range f.Aliases {
				if !strings.ContainsAny(al, " ") && al != f.Key && al != strings.ReplaceAll(f.Key, "-", "") {
					out = append(out, cobra.CompletionWithDesc(al, f.Name))
				}
			}
		}
		return startingWith(out, toComplete), noFiles
	}
}

func settingWords() []cobra.Completion {
	var out []cobra.Completion
	for _, k := range settings.Keys() {
		d, _ := settings.Lookup(k)
		out = append(out, cobra.CompletionWithDesc(k, d.Help))
	}
	return out
}

func tierWords() []string {
	return []string{"key", "major", "ordinary", "small", "prospect"}
}

func methodWords() []cobra.Completion {
	return []cobra.Completion{
		cobra.CompletionWithDesc("pyramid", "by count: top 1% key, 19% major, 30% ordinary, the rest small"),
		cobra.CompletionWithDesc("pareto", "ABC by cumulative value share"),
		cobra.CompletionWithDesc("score", "weighted percentile ranks, then the pyramid"),
		cobra.CompletionWithDesc("scorecard", "current × potential value: core, harvest, develop, maintain"),
	}
}

func indicatorWords() []cobra.Completion {
	var out []cobra.Completion
	for _, i := range tiering.Indicators {
		out = append(out, cobra.Completion(i))
	}
	return out
}

func exportFormatWords() []cobra.Completion {
	return []cobra.Completion{
		cobra.CompletionWithDesc("csv", "spreadsheets and scripts (default)"),
		cobra.CompletionWithDesc("xlsx", "Excel, WPS, Numbers: typed cells"),
		cobra.CompletionWithDesc("json", "one JSON array"),
		cobra.CompletionWithDesc("ndjson", "one JSON object per line"),
		cobra.CompletionWithDesc("vcard", "customers as vCard 4.0"),
		cobra.CompletionWithDesc("vcard3", "customers as vCard 3.0"),
		cobra.CompletionWithDesc("ics", "the agenda as iCalendar"),
	}
}

// addCompletions registers what each command's arguments and flags complete to.
func addCompletions(a *App, root *cobra.Command) {
	customer := a.completeCustomer
	find := func(path ...string) *cobra.Command {
		c, rest, err := root.Find(path)
		if err != nil || len(rest) > 0 {
			panic(fmt.Sprintf("completion: no command %q", path))
		}
		return c
	}
	args := map[string]completeFunc{
		"show":      positional(customer),
		"edit":      positional(customer),
		"rm":        positional(customer),
		"buy":       positional(customer),
		"pay":       positional(customer),
		"log":       positional(customer, fixed(contactKindWords()...)),
		"complaint": positional(customer),
		"resolve":   positional(customer),
		"survey":    positional(customer),
		"follow":    positional(customer, fixed("tomorrow", "+3d", "+1w", "+2w", "+1m", "next monday", "下周一")),
		"event":     positional(customer),
		"snooze":    positional(customer, fixed(reasonWords()...)),
		"dismiss":   positional(customer, fixed(reasonWords()...)),
		"done":      a.completeFollowUp,
		"config": func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			switch len(args) {
			case 0:
				return startingWith(settingWords(), toComplete), noFiles
			case 1:
				return a.completeSettingValue(cmd, args, toComplete)
			}
			return nil, noFiles
		},
		"export": positional(fixed(exportKinds...)),
		"import": func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			if len(args) == 0 {
				return startingWith(append(append([]cobra.Completion{}, transfer.ImportKinds...), "all"), toComplete), noFiles
			}
			if len(args) == 1 {
				return nil, cobra.ShellCompDirectiveDefault // the FILE
			}
			return nil, noFiles
		},
		"backup": func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			if len(args) == 0 {
				return nil, cobra.ShellCompDirectiveDefault
			}
			return nil, noFiles
		},
		"man": func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			if len(args) == 0 {
				return nil, cobra.ShellCompDirectiveFilterDirs
			}
			return nil, noFiles
		},
	}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			walk(sub)
		}
		if c.ValidArgsFunction != nil || len(c.ValidArgs) > 0 || c.Name() == "__complete" || c.Name() == "__completeNoDesc" {
			return
		}
		path := strings.TrimPrefix(c.CommandPath(), root.Name()+" ")
		if fn, ok := args[path]; ok {
			c.ValidArgsFunction = fn
			return
		}
		// Everything else takes no file names: ids, words or nothing.
		c.ValidArgsFunction = fixed()
	}
	walk(root)
	for _, p := range [][]string{{"edit", "purchase"}, {"edit", "contact"}, {"edit", "followup"}} {
		mustFlag(find(p...), "customer", customer)
	}
	for _, name := range []string{"add", "edit"} {
		c := find(name)
		mustFlag(c, "referred-by", customer)
		mustFlag(c, "status", fixed(statusWords()...))
		mustFlag(c, "lost-reason", fixed(store.LostReasons...))
		mustFlag(c, "attitude", fixed("price_driven", "harmful"))
		mustFlag(c, "birthday", fixed())
	}
	mustFlag(find("list"), "status", fixed(statusWords()...))
	for _, name := range []string{"list", "due"} {
		mustFlag(find(name), "tier", commaList(tierWords()...))
	}
	for _, name := range []string{"pyramid", "movers"} {
		mustFlag(find(name), "method", fixed(methodWords()...))
		mustFlag(find(name), "by", fixed(indicatorWords()...))
	}
	mustFlag(find("edit", "contact"), "kind", fixed(contactKindWords()...))
	mustFlag(find("greet"), "festival", festivalWords(a))
	mustFlag(find("export"), "format", fixed(exportFormatWords()...))
	mustFlag(find("export"), "fields", func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) == 0 {
			return nil, noFiles
		}
		names := transfer.FieldNames(args[0])
		switch args[0] {
		case "tiers":
			names = tierExportNames()
		case "agenda":
			names = agendaExportNames()
		}
		return commaList(names...)(cmd, args, toComplete)
	})
	mustFlag(find("import"), "format", fixed("csv", "json", "ndjson", "xlsx", "vcard"))
	mustFlag(find("import"), "upsert-by", fixed("external_id", "phone", "email"))
	mustFlag(find("clv"), "horizon", fixed("6m", "12m", "24m"))
	past := fixed("today", "yesterday", "last friday", "3 days ago", "上周五")
	ahead := fixed("tomorrow", "+3d", "+1w", "+2w", "+1m", "next monday", "下周一")
	for _, f := range []struct {
		path []string
		flag string
		fn   completeFunc
	}{
		{[]string{"buy"}, "date", past}, {[]string{"buy"}, "next", fixed("+1m", "+3m", "+6m", "+1y")},
		{[]string{"pay"}, "date", past}, {[]string{"survey"}, "date", past},
		{[]string{"log"}, "at", past}, {[]string{"complaint"}, "at", past}, {[]string{"edit", "contact"}, "at", past},
		{[]string{"edit", "purchase"}, "date", past}, {[]string{"edit", "purchase"}, "next", fixed("+1m", "+3m", "+6m", "+1y")},
		{[]string{"edit", "followup"}, "due", ahead}, {[]string{"snooze"}, "until", ahead},
		{[]string{"churn"}, "from", past}, {[]string{"churn"}, "to", past}, {[]string{"clv"}, "holdout", past},
		{[]string{"movers"}, "since", fixed("30d", "90d", "6m", "1y")}, {[]string{"pyramid"}, "since", fixed("90d", "6m", "1y")},
		{[]string{"export"}, "since", fixed("30d", "90d", "1y")},
	} {
		mustFlag(find(f.path...), f.flag, f.fn)
	}
	mustFlag(root, "as-of", past)
}

func statusWords() []cobra.Completion {
	return []cobra.Completion{"prospect", "active", "lapsed", "lost", "won_back",
		cobra.CompletionWithDesc("dropped", "no longer served: outside the ranks and the agenda")}
}

// mustFlag registers a flag's completion; a flag that does not exist is a
// bug the tests catch at once.
func mustFlag(c *cobra.Command, flag string, fn completeFunc) {
	if err := c.RegisterFlagCompletionFunc(flag, fn); err != nil {
		panic(fmt.Sprintf("completion for %s --%s: %v", c.CommandPath(), flag, err))
	}
}
