package main

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rolo-crm/rolo/store"
)

// These tests run the real binary in subprocesses: kills, concurrency,
// damaged files. scripts/reliability.sh runs the same checks longer.

var roloBin string

func buildRolo(t *testing.T) string {
	t.Helper()
	if roloBin != "" {
		return roloBin
	}
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	dir, err := os.MkdirTemp("", "rolo-bin-")
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "rolo")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	roloBin = bin
	return bin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if roloBin != "" {
		os.RemoveAll(filepath.Dir(roloBin))
	}
	os.Exit(code)
}

type proc struct {
	t   *testing.T
	bin string
	db  string
}

func (p proc) cmd(args ...string) *exec.Cmd {
	c := exec.Command(p.bin, append([]string{"--db", p.db}, args...)...)
	c.Env = append(os.Environ(), "NO_COLOR=1", "TERM=dumb")
	return c
}

func (p proc) run(args ...string) (string, string, int) {
	c := p.cmd(args...)
	var out, errb bytes.Buffer
	c.Stdout, c.Stderr = &out, &errb
	err := c.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		p.t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

func (p proc) ok(args ...string) string {
	p.t.Helper()
	out, errs, code := p.run(args...)
	if code != 0 {
		p.t.Fatalf("rolo %v: exit %d: %s", args, code, errs)
	}
	return out
}

func newProc(t *testing.T) proc {
	p := proc{t: t, bin: buildRolo(t), db: filepath.Join(t.TempDir(), "nb.db")}
	p.ok("init")
	return p
}

func countLines(s string) int { return strings.Count(s, "\n") }

// addCustomers imports n customers named 客户0, 客户1, ... with notes, in
// one process (a process per customer made the tests slow).
func (p proc) addCustomers(n int, notes string) {
	p.t.Helper()
	var b strings.Builder
	b.WriteString("name,notes\n")
	for i := range n {
		fmt.Fprintf(&b, "客户%d,%s\n", i, notes)
	}
	file := filepath.Join(p.t.TempDir(), "customers.csv")
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		p.t.Fatal(err)
	}
	p.ok("import", "customers", file)
}

// An import killed at any moment leaves either none or all of its rows,
// and the notebook passes its check.
func TestKillDuringImport(t *testing.T) {
	p := newProc(t)
	p.ok("add", "王小明", "--external-id", "W")
	const rows = 30000
	var b strings.Builder
	b.WriteString("customer_external_id,date,item,amount,note\n")
	for i := 0; i < rows; i++ {
		fmt.Fprintf(&b, "W,2026-01-%02d,普洱茶饼 %d,%d.50,第%d行\n", 1+i%28, i, i%1000, i)
	}
	file := filepath.Join(t.TempDir(), "big.csv")
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	kills, completed := 0, 0
	for i := 0; i < 8; i++ {
		c := p.cmd("import", "purchases", file)
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(20+rng.IntN(600)) * time.Millisecond)
		if err := c.Process.Signal(syscall.SIGKILL); err == nil {
			kills++
		}
		if err := c.Wait(); err == nil {
			completed++
		}
		out := p.ok("export", "purchases", "--fields", "id")
		if n := countLines(out) - 1; n%rows != 0 {
			t.Fatalf("after kill %d the notebook holds %d purchases: part of an import", i, n)
		}
		if out, errs, code := p.run("check"); code != 0 {
			t.Fatalf("check after kill %d: %s %s", i, out, errs)
		}
	}
	t.Logf("%d imports killed, %d finished before the kill, 0 partial, 0 corrupt", kills-completed, completed)
}

// Several writers, each with a notebook of its own open (as separate rolo
// processes have), write at once while another reads: every write lands
// and no one sees "database is locked". In-process, so it is quick; the
// same run across real processes, longer, is scripts/reliability.sh.
func TestConcurrentWriters(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "王小明")
	const writers, each = 4, 25
	var wg sync.WaitGroup
	errs := make(chan string, writers*each*3+1)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				for _, args := range [][]string{
					{"buy", "1", strconv.Itoa(w*1000 + i), "--item", fmt.Sprintf("w%d-%d", w, i)},
					{"log", "1", "call", fmt.Sprintf("w%d-%d", w, i)},
					{"follow", "1", "+3d", fmt.Sprintf("w%d-%d", w, i)},
				} {
					if _, stderr, code := e.run(false, args...); code != 0 {
						errs <- fmt.Sprintf("%v: exit %d: %s", args, code, stderr)
					}
				}
			}
		}(w)
	}
	stop := make(chan struct{})
	reads := 0
	var rwg sync.WaitGroup
	rwg.Add(1)
	go func() {
		defer rwg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, stderr, code := e.run(false, "due", "--json"); code > 1 {
				errs <- "reader: " + stderr
			}
			reads++
		}
	}()
	wg.Wait()
	close(stop)
	rwg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	want := writers * each
	for _, kind := range []string{"purchases", "contacts"} {
		if n := countLines(e.ok("export", kind, "--fields", "id")) - 1; n != want {
			t.Errorf("%s: %d rows, want %d (lost writes)", kind, n, want)
		}
	}
	// Each purchase of this key customer also scheduled a thank-you.
	if n := strings.Count(e.ok("export", "followups", "--fields", "source"), "manual"); n != want {
		t.Errorf("followups: %d written by hand, want %d (lost writes)", n, want)
	}
	if out, stderr, code := e.run(false, "check"); code != 0 {
		t.Errorf("check after concurrent writes: %s %s", out, stderr)
	}
	t.Logf("%d writes by %d writers with %d concurrent reads: 0 lost, 0 locked", 3*want, writers, reads)
}

func sum(t *testing.T, path string) [32]byte {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// Damaged and foreign files get a clear message, exit 3, and are not touched.
func TestBadNotebookFiles(t *testing.T) {
	p := newProc(t)
	p.addCustomers(300, strings.Repeat("备注", 200))
	p.ok("backup", filepath.Join(t.TempDir(), "copy.db")) // checkpoints nothing, but exercises the path
	src, _ := os.ReadFile(p.db)
	dir := t.TempDir()
	cases := map[string][]byte{
		"truncated.db": src[:len(src)/2],
		"garbage.db":   bytes.Repeat([]byte("not a notebook at all "), 500),
		"empty.db":     {},
	}
	for name, data := range cases {
		path := filepath.Join(dir, name)
		os.WriteFile(path, data, 0o600)
		before := sum(t, path)
		q := proc{t: t, bin: p.bin, db: path}
		_, errs, code := q.run("check")
		if code != 3 || !strings.Contains(errs, "damaged") && !strings.Contains(errs, "not a database") && !strings.Contains(errs, "is an empty file") {
			t.Errorf("%s: check exit %d: %q", name, code, errs)
		}
		if sum(t, path) != before {
			t.Errorf("%s was modified", name)
		}
	}
	// Another program's SQLite file.
	other := filepath.Join(dir, "other.db")
	if out, err := exec.Command("sh", "-c", "command -v sqlite3").Output(); err == nil && len(out) > 0 {
		exec.Command("sqlite3", other, "CREATE TABLE t(x); INSERT INTO t VALUES (1);").Run()
		before := sum(t, other)
		_, errs, code := proc{t: t, bin: p.bin, db: other}.run("list")
		if code != 3 || !strings.Contains(errs, "is a SQLite file of another program") {
			t.Errorf("foreign file: exit %d %q", code, errs)
		}
		if sum(t, other) != before {
			t.Error("the foreign file was modified")
		}
	}
	// A notebook from a newer rolo.
	newer := filepath.Join(dir, "newer.db")
	os.WriteFile(newer, src, 0o600)
	if out, err := exec.Command("sh", "-c", "command -v sqlite3").Output(); err == nil && len(out) > 0 {
		exec.Command("sqlite3", newer, "PRAGMA user_version = 99;").Run()
		before := sum(t, newer)
		_, errs, code := proc{t: t, bin: p.bin, db: newer}.run("list")
		if code != 3 || !strings.Contains(errs, fmt.Sprintf("schema version 99 but this rolo knows only up to %d; upgrade rolo", store.SchemaVersion())) {
			t.Errorf("newer notebook: exit %d %q", code, errs)
		}
		if sum(t, newer) != before {
			t.Error("the newer notebook was modified")
		}
	}
}

// Exports to a full disk fail clearly and leave nothing at the destination.
func TestExportToFullDisk(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full here")
	}
	p := newProc(t)
	p.addCustomers(50, "")
	c := p.cmd("export", "customers")
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip(err)
	}
	defer full.Close()
	var errb bytes.Buffer
	c.Stdout, c.Stderr = full, &errb
	err = c.Run()
	if err == nil || !strings.Contains(errb.String(), "no space left") {
		t.Errorf("export to a full disk: %v %q", err, errb.String())
	}
}

// Names with escape sequences print inert on a terminal and in errors.
func TestHostileTextInCommands(t *testing.T) {
	e := newEnv(t)
	e.env["NO_COLOR"] = "1" // only the notebook's text is under test here, not rolo's own styling
	evil := "Evil\x1b]52;c;aGk=\x07\x1b[2J\u202e"
	e.ok("add", evil, "--notes", "\x1b]8;;http://x\x1b\\link")
	for _, args := range [][]string{{"list"}, {"show", "1"}, {"find", "Evil"}, {"due"}, {"pyramid"}} {
		out, errs, _ := e.run(true, args...)
		if strings.ContainsAny(out+errs, "\x1b\x07\u202e") {
			t.Errorf("rolo %v printed raw control characters: %q", args, out+errs)
		}
	}
	_, errs, code := e.run(false, "show", "\x1b[31mnobody")
	if code != 2 || strings.Contains(errs, "\x1b") || !strings.Contains(errs, `\x1b[31mnobody`) {
		t.Errorf("error message with an escape: %d %q", code, errs)
	}
	// Piped output stays byte-exact (it is data, not a terminal).
	if out := e.ok("export", "customers", "--fields", "name", "--raw", "--format", "ndjson"); !strings.Contains(out, `"Evil\u001b]52;c;aGk=\u0007\u001b[2J`+"\u202e\"") {
		t.Errorf("raw export changed the name: %q", out)
	}
}

// rolo talks to the network only to reach a PostgreSQL notebook that --db
// names (pgx, whose connections may use TLS): no package of the binary
// imports an HTTP or RPC client.
func TestNoNetwork(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Skip("go list unavailable:", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if dep == "net/http" || strings.HasPrefix(dep, "net/rpc") {
			t.Errorf("the binary links %s", dep)
		}
	}
}
