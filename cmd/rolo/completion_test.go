package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// completionEnv is a small notebook for completion: two customers named
// 王小明, a 吴晓梅 who shares their initials wxm, 张军 (zj) beside
// 郑静秀 (zjx), a Latin name and one whose name holds an escape sequence.
func completionEnv(t *testing.T) *testEnv {
	t.Helper()
	e := newEnv(t)
	e.ok("add", "王小明", "--company", "明达贸易")
	e.ok("add", "王小明", "--company", "华信", "--allow-duplicates")
	e.ok("add", "吴晓梅", "--city", "杭州")
	e.ok("add", "张军")
	e.ok("add", "郑静秀")
	e.ok("add", "Anna Li")
	e.ok("add", "Bob\x1b[31mRed")
	e.ok("add", "李娜")
	e.ok("follow", "4", "+3d", "send the\tcatalogue")
	e.ok("follow", "8", "tomorrow", "回访")
	e.ok("config", "festivals.solar", "12-25 Christmas")
	return e
}

// Shell completion as cobra's __complete command answers it: what every
// shell's script asks rolo for.
func TestCompletionGolden(t *testing.T) {
	e := completionEnv(t)
	cases := [][]string{
		{"show", "wx"},
		{"show", "王"},
		{"show", "zj"},
		{"show", "zh"},
		{"show", "l"},
		{"show", "an"},
		{"show", "An"},
		{"show", "1"},
		{"show", ""},
		{"buy", "李", ""},
		{"log", "1", ""},
		{"log", "李娜", "电"},
		{"snooze", "1", ""},
		{"edit", "purchase", "3", "--customer", "wx"},
		{"add", "x", "--referred-by", "zj"},
		{"add", "x", "--status", ""},
		{"edit", "1", "--lost-reason", ""},
		{"list", "--tier", ""},
		{"list", "--tier", "key,"},
		{"due", "--tier", "key,major,"},
		{"pyramid", "--method", ""},
		{"pyramid", "--by", ""},
		{"movers", "--since", ""},
		{"greet", "--festival", ""},
		{"config", ""},
		{"config", "cadence", ""},
		{"config", "festivals.solar", ""},
		{"export", ""},
		{"export", "customers", "--format", ""},
		{"export", "purchases", "--fields", "amount,"},
		{"import", ""},
		{"import", "customers", ""},
		{"import", "customers", "c.csv", "--upsert-by", ""},
		{"done", ""},
		{"follow", "1", ""},
		{"buy", "1", "10", "--date", ""},
		{"due", "--as-of", ""},
		{"due", ""},
		{"man", ""},
		{"completion", ""},
		{"help", "ed"},
		{"edit", ""},
	}
	var b strings.Builder
	for _, c := range cases {
		args := append([]string{"__complete"}, c...)
		out, errs, code := e.run(false, args...)
		if code != 0 || !strings.Contains(errs, "Completion ended with directive") {
			t.Errorf("rolo %s: exit %d %q", strings.Join(args, " "), code, errs)
		}
		fmt.Fprintf(&b, "=== rolo __complete %q\n%s\n", c, out)
	}
	golden(t, "completion.golden", b.String())

	// What completion offers, rolo takes as that customer.
	for ref, want := range map[string]string{"wuxiaomei": "吴晓梅", "zj": "张军", "zjx": "郑静秀", "ln": "李娜", "anna Li": "Anna Li", "7": "Bob"} {
		if out := e.ok("show", ref); !strings.Contains(out, "name\t"+want) {
			t.Errorf("rolo show %s:\n%s", ref, out)
		}
	}
	// Without a notebook, completion of customers offers nothing and no error.
	missing := &testEnv{t: t, db: filepath.Join(t.TempDir(), "none.db"), env: map[string]string{}}
	if out, _, code := missing.run(false, "__complete", "show", "wx"); code != 0 || out != ":4\n" {
		t.Errorf("completion without a notebook: exit %d %q", code, out)
	}
}

func TestCompletionScripts(t *testing.T) {
	for shell, want := range map[string][]string{
		"bash":       {"# bash completion V2 for rolo", "__start_rolo", "complete -o default -F __start_rolo rolo"},
		"zsh":        {"#compdef rolo", "_rolo()"},
		"fish":       {"complete -c rolo", "__rolo_perform_completion"},
		"powershell": {"Register-ArgumentCompleter", "rolo"},
	} {
		out, _, code := runApp("completion", shell)
		for _, w := range want {
			if code != 0 || !strings.Contains(out, w) {
				t.Errorf("rolo completion %s lacks %q (exit %d)", shell, w, code)
			}
		}
	}
	if _, errs, code := runApp("completion", "tcsh"); code != 2 || errs != "rolo: cannot write completion for \"tcsh\"; use bash, zsh, fish or powershell\n" {
		t.Errorf("rolo completion tcsh: %d %q", code, errs)
	}
}

// bashCompletion is the bash-completion package's script, which cobra's
// bash script needs (as the README says).
const bashCompletion = "/usr/share/bash-completion/bash_completion"

// The bash script the README installs completes rolo show wx<TAB> to the
// customer, run by bash itself (with the bash-completion package, as an
// interactive shell loads it) against the real binary. CI installs Debian's
// bash-completion and sets ROLO_THIRD_PARTY=require, which turns the skip
// into a failure.
func TestCompletionInBash(t *testing.T) {
	bash, err := exec.LookPath("bash")
	_, err2 := os.Stat(bashCompletion)
	if err != nil || err2 != nil {
		msg := "bash and Debian's bash-completion package are needed to run rolo's bash completion"
		if os.Getenv("ROLO_THIRD_PARTY") == "require" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	bin := buildRolo(t)
	p := proc{t: t, bin: bin, db: filepath.Join(t.TempDir(), "notebook.db")}
	for _, args := range [][]string{{"init"}, {"add", "王小明"}, {"add", "李娜"}, {"add", "Anna Li"}} {
		if _, errs, code := p.run(args...); code != 0 {
			t.Fatalf("rolo %s: %s", args, errs)
		}
	}
	script := filepath.Join(t.TempDir(), "rolo.bash")
	out, _, code := p.run("completion", "bash")
	if code != 0 || os.WriteFile(script, []byte(out), 0o644) != nil {
		t.Fatal("rolo completion bash")
	}
	complete := func(words ...string) []string {
		t.Helper()
		line := "rolo --db " + p.db + " " + strings.Join(words, " ")
		sh := fmt.Sprintf(`source `+bashCompletion+`
source %q
COMP_WORDS=(rolo --db %q %s)
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
COMP_LINE=%q
COMP_POINT=${#COMP_LINE}
__start_rolo
printf '%%s\n' "${COMPREPLY[@]}"`, script, p.db, strings.Join(words, " "), line)
		if strings.HasSuffix(line, " ") {
			sh = strings.Replace(sh, "COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))", "COMP_WORDS+=(''); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))", 1)
		}
		c := exec.Command(bash, "--norc", "--noprofile", "-c", sh)
		c.Env = append(os.Environ(), "PATH="+filepath.Dir(bin)+string(os.PathListSeparator)+os.Getenv("PATH"))
		got, err := c.Output()
		if err != nil {
			t.Fatalf("bash: %v", err)
		}
		return strings.Fields(strings.TrimSpace(string(got)))
	}
	for _, tt := range []struct {
		words []string
		want  string
	}{
		{[]string{"show", "wx"}, "wxm"},
		{[]string{"show", "王"}, "王小明"},
		{[]string{"show", "ln"}, "ln"},
		{[]string{"log", "王小明", "电"}, "电话"},
		{[]string{"greet", "--festival", "mid"}, "mid-autumn"},
		{[]string{"pyr"}, "pyramid"},
	} {
		if got := complete(tt.words...); len(got) != 1 || got[0] != tt.want {
			t.Errorf("bash completes rolo %s<TAB> to %q, want %q", strings.Join(tt.words, " "), got, tt.want)
		}
	}
}

func TestManPages(t *testing.T) {
	e := newEnv(t)
	dir := filepath.Join(t.TempDir(), "man1")
	out := e.ok("man", dir)
	files, _ := filepath.Glob(filepath.Join(dir, "*.1"))
	var names []string
	for _, c := range commands() {
		if c.Name() != "help" {
			names = append(names, filepath.Join(dir, strings.ReplaceAll(c.CommandPath(), " ", "-")+".1"))
		}
	}
	if out != strings.Join(names, "\n")+"\n" || len(files) != len(names) {
		t.Errorf("rolo man wrote %d files, said:\n%s\nwant a page per command:\n%s", len(files), out, strings.Join(names, "\n"))
	}
	for _, name := range []string{"rolo.1", "rolo-follow.1", "rolo-edit-purchase.1"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		golden(t, filepath.Join("man", name), string(b))
	}
	// groff reads every page without a warning, and the flags in them stay
	// ASCII hyphens (copied from the page, they work).
	groff, err := exec.LookPath("groff")
	if err != nil {
		t.Log("groff not found: the pages are checked against the golden files only")
		return
	}
	for _, f := range files {
		var stderr strings.Builder
		c := exec.Command(groff, "-k", "-man", "-Tutf8", "-ww", f) // -k: preconv, as man runs it for UTF-8 pages
		c.Stderr = &stderr
		page, err := c.Output()
		if err != nil || stderr.Len() > 0 {
			t.Errorf("groff %s: %v %s", filepath.Base(f), err, stderr.String())
		}
		if filepath.Base(f) == "rolo-due.1" && !strings.Contains(string(page), "--days") {
			t.Errorf("rolo-due.1 as groff renders it lacks --days:\n%s", page)
		}
	}
	if _, errs, code := e.run(false, "man", filepath.Join(dir, "rolo.1", "x")); code != 2 || !strings.Contains(errs, "cannot create") {
		t.Errorf("man into a file's path: %d %q", code, errs)
	}
}
