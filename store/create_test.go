//go:build unix

package store

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A new notebook is built aside and appears whole: while it is being
// filled nothing is at its path, a failure leaves nothing, and a file
// that appeared meanwhile is left alone.
func TestCreateIsAtomic(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "nb.db")
	err := Create(ctx, path, Options{Now: fixedNow}, func(s *Store) error {
		if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s exists while it is being built: %v", path, err)
		}
		if _, err := s.AddCustomer(ctx, Customer{Name: "王小明"}); err != nil {
			return err
		}
		es, _ := os.ReadDir(dir)
		for _, e := range es {
			if fi, _ := e.Info(); fi.Mode().Perm() != 0o600 || !strings.HasPrefix(e.Name(), ".rolo-new-") {
				t.Errorf("while building: %s mode %v", e.Name(), fi.Mode().Perm())
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(t, dir); fmt.Sprint(got) != "[nb.db]" {
		t.Errorf("after Create the folder holds %v", got)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode().Perm())
	}
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if cs, _, _ := s.ListCustomers(ctx, CustomerFilter{}); len(cs) != 1 {
		t.Errorf("%d customers in the new notebook, want 1", len(cs))
	}
	s.Close()

	if err := Create(ctx, path, Options{}, nil); !errors.Is(err, ErrExists) {
		t.Errorf("Create over an existing notebook: %v", err)
	}
	other := filepath.Join(dir, "other.db")
	boom := errors.New("boom")
	if err := Create(ctx, other, Options{}, func(*Store) error { return boom }); !errors.Is(err, boom) {
		t.Errorf("failing fill: %v", err)
	}
	err = Create(ctx, other, Options{}, func(*Store) error {
		return os.WriteFile(other, []byte("someone else's"), 0o600)
	})
	if !errors.Is(err, ErrExists) || readFile(t, other) != "someone else's" {
		t.Errorf("a file that appeared meanwhile: %v, %q", err, readFile(t, other))
	}
	if got := names(t, dir); fmt.Sprint(got) != "[nb.db other.db]" {
		t.Errorf("the folder holds %v", got)
	}
}

// TestHoldCreate is not a test: run by TestKilledCreate in a process of its
// own, it starts building a notebook and waits to be killed half-way.
func TestHoldCreate(t *testing.T) {
	path := os.Getenv("ROLO_TEST_HOLD_CREATE")
	if path == "" {
		t.Skip("a helper process for TestKilledCreate")
	}
	Create(context.Background(), path, Options{}, func(s *Store) error {
		s.AddCustomer(context.Background(), Customer{Name: "王小明"})
		fmt.Println("filling")
		select {} // until killed
	})
}

// A killed Create leaves nothing at the path, and what it left aside is
// removed by the next rolo in the folder.
func TestKilledCreate(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a process")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "nb.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHoldCreate$")
	cmd.Env = append(os.Environ(), "ROLO_TEST_HOLD_CREATE="+path)
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || line != "filling\n" {
		t.Fatalf("helper said %q, %v", line, err)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a killed Create left %s: %v", path, err)
	}
	left := names(t, dir)
	if len(left) == 0 {
		t.Fatal("the helper left nothing aside; the test tests nothing")
	}
	removed := CleanTemps(dir, time.Now().Add(time.Hour))
	sort.Strings(removed)
	if fmt.Sprint(removed) != fmt.Sprint(left) || len(names(t, dir)) != 0 {
		t.Errorf("left %v, removed %v", left, removed)
	}
}

// Only a regular, non-empty file is a notebook: a folder, a pipe or an
// empty file passed as the notebook is an error and stays as it is.
func TestOpenRefusesWhatIsNotANotebook(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.db")
	os.WriteFile(empty, nil, 0o600)
	fifo := filepath.Join(dir, "pipe.db")
	syscall.Mkfifo(fifo, 0o600)
	for _, tt := range []struct{ path, want string }{
		{empty, "is an empty file, not a notebook"},
		{dir, "is a folder, not a notebook file"},
		{fifo, "is a named pipe (FIFO), not a notebook file"},
		{filepath.Join(empty, "x.db"), "no notebook at"},
		{filepath.Join(dir, "missing.db"), "no notebook at"},
	} {
		s, err := Open(ctx, tt.path, Options{})
		if err == nil {
			s.Close()
		}
		if k := KindOf(err); (k != KindNotNotebook && k != KindNoNotebook) || !strings.Contains(fmt.Sprint(err), tt.want) {
			t.Errorf("Open(%s) = %v (%v), want %q", filepath.Base(tt.path), err, KindOf(err), tt.want)
		}
	}
	if fi, _ := os.Stat(empty); fi.Size() != 0 {
		t.Error("the empty file was made a notebook")
	}
	if fi, _ := os.Lstat(fifo); fi.Mode()&os.ModeNamedPipe == 0 {
		t.Error("the pipe was replaced")
	}
	if got := names(t, dir); fmt.Sprint(got) != "[empty.db pipe.db]" {
		t.Errorf("the folder holds %v", got)
	}
}
