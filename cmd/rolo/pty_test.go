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
