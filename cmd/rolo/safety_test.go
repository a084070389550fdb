//go:build unix

package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
)

// listDir lists a folder, hidden files included.
func listDir(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out
}

// export -o never replaces a file without --force, never the notebook
// (however it is named) or a folder, keeps the mode of a file it replaces,
// and writes a pipe in place.
func TestExportOutputRules(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "王小明", "--phone", "13800138000")
	nbDir := filepath.Dir(e.db)
	t.Chdir(nbDir)
	out := t.TempDir()

	csv := filepath.Join(out, "c.csv")
	e.ok("export", "customers", "-o", csv)
	if fi, err := os.Stat(csv); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("new export: %v %v", fi, err)
	}
	os.WriteFile(csv, []byte("precious"), 0o644)
	os.Chmod(csv, 0o644)
	_, errs, code := e.run(false, "export", "customers", "-o", csv)
	if got, _ := os.ReadFile(csv); code != 2 || string(got) != "precious" || !strings.Contains(errs, "already exists; pass --force to replace it") {
		t.Errorf("existing file without --force: exit %d %q, file %q", code, errs, got)
	}
	e.ok("export", "customers", "-o", csv, "--force")
	if got, _ := os.ReadFile(csv); !strings.Contains(string(got), "王小明") {
		t.Errorf("--force did not replace the file: %q", got)
	}
	if fi, _ := os.Stat(csv); fi.Mode().Perm() != 0o644 {
		t.Errorf("replaced file mode %v, want its 0644 kept", fi.Mode().Perm())
	}

	link := filepath.Join(out, "nb-link.db")
	os.Symlink(e.db, link)
	base := filepath.Base(e.db)
	for _, target := range []string{e.db, base, "./" + base, "../" + filepath.Base(nbDir) + "/" + base, link, base + "-wal", base + "-shm"} {
		for _, force := range []bool{false, true} {
			args := []string{"export", "customers", "-o", target}
			if force {
				args = append(args, "--force")
			}
			_, errs, code := e.run(false, args...)
			if code != 2 || !strings.Contains(errs, "never written over") {
				t.Errorf("export -o %s (force %v): exit %d %q, want it refused", target, force, code, errs)
			}
		}
	}
	if n := countLines(e.ok("list")); n != 1 {
		t.Errorf("the notebook lists %d customers, want 1", n)
	}
	if out, errs, code := e.run(false, "check"); code != 0 {
		t.Errorf("check after the refused exports: %s %s", out, errs)
	}
	// Another rolo notebook is not an export's to replace either.
	backup := filepath.Join(out, "backup.db")
	e.ok("backup", backup)
	if _, errs, code := e.run(false, "export", "customers", "-o", backup, "--force"); code != 2 || !strings.Contains(errs, "is a rolo notebook") {
		t.Errorf("export over a backup: exit %d %q", code, errs)
	}

	if _, errs, code := e.run(false, "export", "customers", "-o", out); code != 2 || !strings.Contains(errs, "is a folder; give a file name") {
		t.Errorf("export -o DIR: exit %d %q", code, errs)
	}

	// A FIFO (as /dev/null or a terminal would be) is written in place.
	fifo := filepath.Join(out, "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 1)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(f)
		f.Close()
		got <- string(b)
	}()
	e.ok("export", "customers", "--fields", "name,phone", "-o", fifo)
	if s := <-got; s != "name,phone\r\n王小明,13800138000\r\n" {
		t.Errorf("through the FIFO: %q", s)
	}
	if fi, _ := os.Lstat(fifo); fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced by a %v", fi.Mode())
	}
	if stdout := e.ok("export", "customers", "--fields", "name", "-o", "/dev/stdout"); stdout != "name\r\n王小明\r\n" {
		t.Errorf("-o /dev/stdout wrote %q to standard output", stdout)
	}
	if got, want := listDir(t, out), []string{"backup.db", "c.csv", "nb-link.db", "pipe"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("the output folder holds %v, want %v", got, want)
	}
	if got := listDir(t, nbDir); fmt.Sprint(got) != "[notebook.db]" && fmt.Sprint(got) != "[notebook.db notebook.db-shm notebook.db-wal]" {
		t.Errorf("the notebook's folder holds %v", got)
	}
}

// backup follows the same rules: an existing file needs --force, the
// notebook never is overwritten, a pipe gets the checked copy.
func TestBackupRules(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "王小明")
	dir := t.TempDir()
	dest := filepath.Join(dir, "copy.db")
	e.ok("backup", dest)
	if _, errs, code := e.run(false, "backup", dest); code != 2 || !strings.Contains(errs, "already exists; pass --force to replace it") {
		t.Errorf("backup over a backup: exit %d %q", code, errs)
	}
	os.Chmod(dest, 0o640)
	e.ok("add", "Anna Li")
	e.ok("backup", dest, "--force")
	if fi, _ := os.Stat(dest); fi.Mode().Perm() != 0o640 {
		t.Errorf("replaced backup mode %v, want 0640 kept", fi.Mode().Perm())
	}
	copyEnv := &testEnv{t: t, db: dest, env: map[string]string{}}
	if n := countLines(copyEnv.ok("list")); n != 2 {
		t.Errorf("the replaced backup holds %d customers, want 2", n)
	}
	for _, target := range []string{e.db, e.db + "-wal", e.db + "-shm"} {
		if _, errs, code := e.run(false, "backup", target, "--force"); code != 2 || !strings.Contains(errs, "never written over") {
			t.Errorf("backup onto %s: exit %d %q", filepath.Base(target), code, errs)
		}
	}
	fifo := filepath.Join(dir, "pipe")
	syscall.Mkfifo(fifo, 0o600)
	got := make(chan []byte, 1)
	go func() {
		f, _ := os.Open(fifo)
		b, _ := io.ReadAll(f)
		f.Close()
		got <- b
	}()
	e.ok("backup", fifo)
	if b := <-got; !bytes.HasPrefix(b, []byte("SQLite format 3\x00")) || len(b)%4096 != 0 {
		t.Errorf("the pipe got %d bytes that are not a notebook", len(b))
	}
	if got := listDir(t, dir); fmt.Sprint(got) != "[copy.db pipe]" {
		t.Errorf("the folder holds %v", got)
	}
}

// Only init creates a notebook: an empty file, a folder or a pipe given as
// --db is an error (exit 3) and stays as it is; init never replaces them.
func TestWhatIsNotANotebook(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "typo.db")
	os.WriteFile(empty, nil, 0o600)
	fifo := filepath.Join(dir, "pipe.db")
	syscall.Mkfifo(fifo, 0o600)
	for _, tt := range []struct{ db, want string }{
		{empty, "is an empty file, not a notebook; pass --db with the path of a rolo notebook"},
		{dir, "is a folder, not a notebook file"},
		{fifo, "is a named pipe (FIFO), not a notebook file"},
	} {
		e := &testEnv{t: t, db: tt.db, env: map[string]string{}}
		for _, cmd := range []string{"list", "add", "show"} {
			args := []string{cmd}
			if cmd != "list" {
				args = append(args, "王小明")
			}
			if _, errs, code := e.run(false, args...); code != 3 || !strings.Contains(errs, tt.want) {
				t.Errorf("%s with --db %s: exit %d %q, want %q", cmd, filepath.Base(tt.db), code, errs, tt.want)
			}
		}
	}
	e := &testEnv{t: t, db: empty, env: map[string]string{}}
	if _, errs, code := e.run(false, "init"); code != 2 || !strings.Contains(errs, "exists and is empty; rolo init never replaces a file") {
		t.Errorf("init on an empty file: exit %d %q", code, errs)
	}
	if fi, _ := os.Stat(empty); fi.Size() != 0 {
		t.Error("the empty file became a notebook")
	}
	if got := listDir(t, dir); fmt.Sprint(got) != "[pipe.db typo.db]" {
		t.Errorf("the folder holds %v", got)
	}
}

// A notebook other users can read gets one warning line per command.
func TestSharedNotebookWarning(t *testing.T) {
	e := newEnv(t)
	if _, errs, _ := e.run(false, "list"); errs != "" {
		t.Errorf("a private notebook got %q", errs)
	}
	os.Chmod(e.db, 0o644)
	_, errs, code := e.run(false, "due")
	want := fmt.Sprintf("rolo: warning: other users can read %s (mode 0644); chmod 600 %s makes it private\n", e.db, e.db)
	if code > 1 || errs != want {
		t.Errorf("exit %d, stderr %q, want %q", code, errs, want)
	}
}

// SIGINT, SIGTERM and SIGHUP stop a command cleanly: its context is
// cancelled, it removes what it was writing, and the exit code is the
// signal's. Here a demo notebook being built aside is stopped half-way.
func TestSignalStopsCommand(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			var out, errb bytes.Buffer
			a := &App{In: strings.NewReader(""), Out: &out, Err: &errb, Getenv: func(string) string { return "" }, Now: time.Now}
			sigs := make(chan os.Signal, 2)
			exited := make(chan int, 1)
			code := make(chan int, 1)
			go func() {
				code <- runSignals([]string{"demo", "--customers", "20000", "--out", filepath.Join(dir, "d.db"), "--no-tui"}, a, sigs,
					func(c int) { exited <- c }, time.Hour)
			}()
			// The signal comes once the notebook is being built aside.
			for len(listDir(t, dir)) == 0 {
				time.Sleep(time.Millisecond)
			}
			sigs <- sig
			if c := <-code; c != 128+int(sig) {
				t.Errorf("exit %d, want %d (stderr %q)", c, 128+int(sig), errb.String())
			}
			if !strings.Contains(errb.String(), "before it finished; nothing half-written was left behind") {
				t.Errorf("stderr %q", errb.String())
			}
			if len(exited) != 0 {
				t.Error("the process was ended although the command stopped")
			}
			if got := listDir(t, dir); len(got) != 0 {
				t.Errorf("left behind: %v", got)
			}
		})
	}
}

// A command that does not stop (here: waiting for standard input) is
// ended by a second signal, after its temporary files are removed.
func TestSecondSignalEndsProcess(t *testing.T) {
	e := newEnv(t)
	pr, pw := io.Pipe()
	var errb bytes.Buffer
	a := &App{In: pr, Out: io.Discard, Err: &errb, Getenv: func(string) string { return "" }, Now: time.Now}
	sigs := make(chan os.Signal, 2)
	exited := make(chan int, 1)
	done := make(chan int, 1)
	go func() {
		done <- runSignals([]string{"--db", e.db, "import", "customers", "-"}, a, sigs, func(c int) { exited <- c }, time.Hour)
	}()
	sigs <- syscall.SIGTERM
	sigs <- syscall.SIGTERM
	if c := <-exited; c != 143 || !strings.Contains(errb.String(), "did not stop in time and was ended") {
		t.Errorf("exit %d, stderr %q", c, errb.String())
	}
	pw.Close() // let the command go, as the real exit would have
	<-done
}

// SIGKILL cannot be caught: a killed rolo leaves its temporary file, and
// the next rolo in that folder removes it. SIGTERM and SIGINT leave nothing.
func TestKilledRoloLeavesNothingForLong(t *testing.T) {
	bin := buildRolo(t)
	dir := t.TempDir()
	start := func(args ...string) (*exec.Cmd, *bytes.Buffer) {
		var errb bytes.Buffer
		c := proc{t: t, bin: bin, db: filepath.Join(dir, "nb.db")}.cmd(args...)
		c.Stderr = &errb
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		for len(listDir(t, dir)) == 0 {
			time.Sleep(time.Millisecond)
		}
		return c, &errb
	}
	demo := []string{"demo", "--customers", "20000", "--out", filepath.Join(dir, "d.db"), "--no-tui"}
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		c, errb := start(demo...)
		c.Process.Signal(sig)
		c.Wait() // (the command's, not the process's: it waits for stderr to be read through, too)
		if code := c.ProcessState.ExitCode(); code != 128+int(sig) || !strings.Contains(errb.String(), "stopped by") {
			t.Errorf("%v: exit %d, stderr %q", sig, code, errb.String())
		}
		if got := listDir(t, dir); len(got) != 0 {
			t.Errorf("%v left %v", sig, got)
		}
	}
	c, _ := start(demo...)
	c.Process.Signal(syscall.SIGKILL)
	c.Wait()
	left := listDir(t, dir)
	if len(left) == 0 || !strings.HasPrefix(left[0], ".rolo-new-") {
		t.Fatalf("after SIGKILL the folder holds %v, want the notebook being built", left)
	}
	// The next rolo working in the folder (here: init) removes it.
	proc{t: t, bin: bin, db: filepath.Join(dir, "nb.db")}.ok("init")
	if got := listDir(t, dir); fmt.Sprint(got) != "[nb.db]" {
		t.Errorf("after the next run the folder holds %v", got)
	}
}
