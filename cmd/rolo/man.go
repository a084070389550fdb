package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Manual pages, one per command, written from the commands themselves
// (their help, flags and examples) in man(7) roff. rolo writes them itself
// rather than through cobra/doc, which would add go-md2man and blackfriday
// for a markdown step the help text does not use.

func newManCmd(a *App) *cobra.Command {
	return &cobra.Command{
		Use:   "man DIR",
		Short: "Write the manual pages (man rolo, man rolo-due ...) into a folder",
		Long: `Write one manual page per command — rolo.1, rolo-due.1, rolo-edit-purchase.1 ... —
into DIR (created if missing), from the same text as --help.

Install them where man looks, for example your own folder:

  rolo man ~/.local/share/man/man1

(man finds ~/.local/share/man when ~/.local/bin is on your PATH; otherwise
add  export MANPATH="$HOME/.local/share/man:"  to your shell's profile), or
for everyone:

  sudo rolo man /usr/local/share/man/man1 && sudo mandb

Then: man rolo, man rolo-due. Without installing: man -l DIR/rolo-due.1.`,
		Example: `  rolo man ~/.local/share/man/man1
  sudo rolo man /usr/local/share/man/man1 && sudo mandb
  rolo man /tmp/rolo-man && man -l /tmp/rolo-man/rolo-due.1`,
		Args: exactArgs(1, "the DIR to write the pages into"),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := args[0]
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return usageErrorf("cannot create %s: %v", dir, err)
			}
			pages := manPages(cmd.Root())
			type row struct {
				Command string `json:"command"`
				Path    string `json:"path"`
			}
			rows := make([]row, 0, len(pages))
			names := make([]string, 0, len(pages))
			for _, p := range pages {
				path := filepath.Join(dir, p.file)
				if err := os.WriteFile(path, p.text, 0o644); err != nil {
					return fmt.Errorf("write %s: %w", path, err)
				}
				names = append(names, path)
				rows = append(rows, row{p.command, path})
			}
			switch {
			case a.JSON:
				return writeJSONRows(a.Out, rows)
			case a.IsTTY:
				fmt.Fprintf(a.Out, "Wrote %s to %s. Read one with man -l %s, or see rolo man --help to install them.\n",
					plural(len(names), "manual page"), clean(dir), clean(filepath.Join(dir, "rolo.1")))
			default:
				for _, n := range names {
					fmt.Fprintln(a.Out, n)
				}
			}
			return nil
		},
	}
}

type manPage struct {
	command, file string
	text          []byte
}

// manPages are the pages of root and every command under it that help
// lists, parents first.
func manPages(root *cobra.Command) []manPage {
	var out []manPage
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c != root && !c.IsAvailableCommand() {
			return
		}
		out = append(out, manPage{command: c.CommandPath(), file: manName(c) + ".1", text: manPage1(c)})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	return out
}

// manName is the page's name: rolo, rolo-due, rolo-edit-purchase.
func manName(c *cobra.Command) string { return strings.ReplaceAll(c.CommandPath(), " ", "-") }

// roff escapes text for man(7): backslashes, hyphens (so --days stays
// ASCII when copied from the page) and a leading dot or quote.
func roff(s string) string {
	s = strings.NewReplacer(`\`, `\e`, "-", `\-`).Replace(s)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s
}

// roffBlock writes help text: paragraphs of plain lines are filled,
// paragraphs with indented lines (lists, commands) keep their layout.
func roffBlock(b *bytes.Buffer, text string) {
	for i, para := range strings.Split(strings.TrimSpace(text), "\n\n") {
		if i > 0 {
			b.WriteString(".PP\n")
		}
		lines := strings.Split(strings.Trim(para, "\n"), "\n")
		indented := false
		for _, l := range lines {
			indented = indented || strings.HasPrefix(l, " ")
		}
		if indented {
			b.WriteString(".nf\n")
		}
		for _, l := range lines {
			if indented {
				l = strings.TrimRight(l, " ")
			} else {
				l = strings.TrimSpace(l)
			}
			b.WriteString(roff(l) + "\n")
		}
		if indented {
			b.WriteString(".fi\n")
		}
	}
}

func manFlags(b *bytes.Buffer, fs *pflag.FlagSet) {
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden || f.Name == "help" {
			return
		}
		b.WriteString(".TP\n")
		name := "--" + f.Name
		if f.Shorthand != "" {
			name = "-" + f.Shorthand + ", " + name
		}
		b.WriteString(`\fB` + roff(name) + `\fR`)
		if v, _ := pflag.UnquoteUsage(f); v != "" {
			b.WriteString(" " + `\fI` + roff(v) + `\fR`)
		}
		b.WriteString("\n")
		usage := f.Usage
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "[]" && f.DefValue != "0" {
			usage += " (default " + f.DefValue + ")"
		}
		b.WriteString(roff(usage) + "\n")
	})
}

// manPage1 is one command's page.
func manPage1(c *cobra.Command) []byte {
	var b bytes.Buffer
	name := manName(c)
	fmt.Fprintf(&b, ".TH %q 1 \"\" \"rolo\" \"rolo manual\"\n", strings.ToUpper(name))
	b.WriteString(".SH NAME\n" + roff(name) + ` \- ` + roff(c.Short) + "\n")
	b.WriteString(".SH SYNOPSIS\n")
	use := c.UseLine()
	if c.HasAvailableSubCommands() && !c.Runnable() {
		use = c.CommandPath() + " COMMAND"
	}
	b.WriteString(`\fB` + roff(c.CommandPath()) + `\fR` + roff(strings.TrimPrefix(use, c.CommandPath())) + "\n")
	if c.HasAvailableSubCommands() && c.Runnable() && c.HasParent() {
		b.WriteString(".br\n" + `\fB` + roff(c.CommandPath()) + `\fR` + roff(" COMMAND ...") + "\n")
	}
	b.WriteString(".SH DESCRIPTION\n")
	desc := c.Long
	if desc == "" {
		desc = c.Short + "."
	}
	roffBlock(&b, desc)
	if subs := c.Commands(); c.HasAvailableSubCommands() {
		b.WriteString(".SH COMMANDS\n")
		for _, s := range subs {
			if s.IsAvailableCommand() {
				b.WriteString(".TP\n" + `\fB` + roff(s.Name()) + `\fR` + "\n" + roff(s.Short) + "\n")
			}
		}
	}
	if c.HasAvailableLocalFlags() {
		b.WriteString(".SH OPTIONS\n")
		manFlags(&b, c.LocalFlags())
	}
	if c.HasAvailableInheritedFlags() {
		b.WriteString(".SH OPTIONS FOR EVERY COMMAND\n")
		manFlags(&b, c.InheritedFlags())
	}
	if c.Example != "" {
		b.WriteString(".SH EXAMPLES\n.nf\n")
		for _, l := range strings.Split(strings.Trim(c.Example, "\n"), "\n") {
			b.WriteString(roff(l) + "\n")
		}
		b.WriteString(".fi\n")
	}
	if !c.HasParent() {
		b.WriteString(manRootSections)
	}
	var see []string
	if c.HasParent() {
		see = append(see, manName(c.Parent()))
	}
	for _, s := range c.Commands() {
		if s.IsAvailableCommand() {
			see = append(see, manName(s))
		}
	}
	if len(see) > 0 {
		b.WriteString(".SH SEE ALSO\n")
		for i, s := range see {
			sep := ","
			if i == len(see)-1 {
				sep = ""
			}
			b.WriteString(".BR " + roff(s) + " (1)" + sep + "\n")
		}
	}
	return b.Bytes()
}

// manRootSections are what rolo(1) says beyond the help.
var manRootSections = `.SH EXIT STATUS
.TP
.B 0
success
.TP
.B 1
attention: rolo due found something overdue
.TP
.B 2
bad input: an unknown command, flag or value, an unknown or ambiguous customer
.TP
.B 3
a notebook problem: missing, damaged, busy, read\-only, from a newer rolo, disk full
.TP
.B 4
anything else
.SH ENVIRONMENT
.TP
.B ROLO_DB
the notebook file when \-\-db is not given
.TP
.B XDG_DATA_HOME
the notebook is $XDG_DATA_HOME/rolo/notebook.db (default ~/.local/share/rolo/notebook.db)
.TP
.B NO_COLOR
set to anything: no colour
.TP
.B CLICOLOR_FORCE
set to anything but 0: tables and colour even into a pipe or pager (NO_COLOR wins)
.TP
.B COLUMNS
the width of the table in a pager, with CLICOLOR_FORCE
.SH FILES
.TP
.I ~/.local/share/rolo/notebook.db
the notebook: one SQLite file, mode 0600
`
