package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal pair: the master the test reads, and
// the slave a command runs on as its terminal.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	fd := int(m.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		m.Close()
		t.Skipf("unlock pty: %v", err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		m.Close()
		t.Skipf("pty number: %v", err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		m.Close()
		t.Skipf("open pty slave: %v", err)
	}
	ws := &unix.Winsize{Row: 24, Col: 80}
	unix.IoctlSetWinsize(int(s.Fd()), unix.TIOCSWINSZ, ws)
	t.Cleanup(func() { m.Close(); s.Close() })
	return m, s
}

// onTerminal runs the rolo binary with args on a pseudo-terminal (stdin,
// stdout and stderr all the terminal) and returns everything it wrote to it.
func onTerminal(t *testing.T, bin string, env []string, args ...string) string {
	t.Helper()
	m, s := openPTY(t)
	cmd := exec.Command(bin, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = s, s, s
	cmd.Env = append(os.Environ(), "TERM=xterm-256color")
	cmd.Env = append(cmd.Env, env...)
	cmd.SysProcAttr = &unix.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s.Close()
	var out bytes.Buffer
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 4096)
		for {
			n, err := m.Read(buf)
			out.Write(buf[:n])
			if err != nil {
				return
			}
		}
	}()
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case <-waited:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("rolo %s did not finish on a terminal in 60 s (waiting for an answer?)\n%q", strings.Join(args, " "), out.String())
	}
	select {
	case <-done:
	case <-time.After(2 * time.Second):
	}
	return out.String()
}

// Plain commands on a terminal never ask it anything (no background-colour
// query, no cursor-position request): a terminal that does not answer must
// not stall them, and the bytes must not end up in logs.
func TestNoTerminalQueries(t *testing.T) {
	bin := buildRolo(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "nb.db")
	csv := filepath.Join(dir, "c.csv")
	os.WriteFile(csv, []byte("name,phone\n王小明,13800000000\n"), 0o600)
	for _, args := range [][]string{
		{"--db", db, "init"},
		{"--help"},
		{"--db", db, "import", "customers", csv},
		{"--db", db, "list"},
		{"--db", db, "show", "1"},
		{"--db", db, "due"},
		{"--db", db, "pyramid"},
	} {
		start := time.Now()
		out := onTerminal(t, bin, nil, args...)
		if strings.Contains(out, "\x1b]11;?") || strings.Contains(out, "\x1b[6n") {
			t.Errorf("rolo %s queried the terminal:\n%q", strings.Join(args, " "), out)
		}
		if d := time.Since(start); d > 4*time.Second {
			t.Logf("rolo %s took %v on a terminal that answers nothing", strings.Join(args, " "), d)
		}
	}
}

// purchasesCSV writes n purchases of one customer (external id c1).
func purchasesCSV(t testing.TB, dir string, n int) (customers, purchases string) {
	customers, purchases = filepath.Join(dir, "c.csv"), filepath.Join(dir, "p.csv")
	os.WriteFile(customers, []byte("external_id,name\nc1,王小明\n"), 0o600)
	var b strings.Builder
	b.WriteString("customer_external_id,date,amount,item\n")
	for i := range n {
		fmt.Fprintf(&b, "c1,2025-%02d-%02d,%d.50,普洱茶饼 %d\n", 1+i%12, 1+i%28, 10+i%90, i)
	}
	os.WriteFile(purchases, []byte(b.String()), 0o600)
	return customers, purchases
}

// Long work shows its progress on a terminal's stderr, cleared at the end
// and followed by the summary; piped, or with --quiet, only the summary.
func TestProgressOnATerminalOnly(t *testing.T) {
	bin := buildRolo(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "nb.db")
	customers, purchases := purchasesCSV(t, dir, 60000)
	if out, err := exec.Command(bin, "--db", db, "init").CombinedOutput(); err != nil {
		t.Fatalf("init: %v %s", err, out)
	}
	if out, err := exec.Command(bin, "--db", db, "import", "customers", customers).CombinedOutput(); err != nil {
		t.Fatalf("import customers: %v %s", err, out)
	}
	out := onTerminal(t, bin, []string{"ROLO_PROGRESS_AFTER_MS=0"}, "--db", db, "import", "purchases", purchases)
	if !strings.Contains(out, "importing purchases ▕") || !strings.Contains(out, "%") || !strings.Contains(out, "\r\x1b[K") {
		t.Errorf("no progress bar on the terminal:\n%q", out)
	}
	// The last redraw is cleared and the summary follows on a line of its own.
	tail := out[strings.LastIndex(out, "\r\x1b[K")+len("\r\x1b[K"):]
	if strings.TrimSpace(tail) != "Imported 60000 purchases from "+purchases+"." {
		t.Errorf("after the progress: %q", tail)
	}

	// Piped: only the summary.
	cmd := exec.Command(bin, "--db", db, "export", "purchases", "-o", filepath.Join(dir, "out.csv"))
	cmd.Env = append(os.Environ(), "ROLO_PROGRESS_AFTER_MS=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stderr.String(), "\r") || strings.Contains(stderr.String(), "exporting") {
		t.Errorf("progress on a pipe: %q", stderr.String())
	}
	// --quiet on a terminal: no progress either.
	if out := onTerminal(t, bin, []string{"ROLO_PROGRESS_AFTER_MS=0"}, "--db", db, "--quiet", "export", "purchases", "-o", filepath.Join(dir, "out2.csv")); strings.Contains(out, "exporting") {
		t.Errorf("--quiet drew progress: %q", out)
	}
}
