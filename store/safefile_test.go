//go:build unix

package store

import (
	"bufio"
	"context"
	"errors"
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

func writeString(s string) func(f *os.File) error {
	return func(f *os.File) error {
		_, err := io.WriteString(f, s)
		return err
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// names lists a folder, hidden files included.
func names(t *testing.T, dir string) []string {
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

// The rules for a destination: a new file appears whole with mode 0600;
// an existing one needs Force and keeps its mode; a folder, a disk, the
// open notebook and its -wal/-shm (however they are named) never are
// written over.
func TestWriteFileRules(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	if _, err := s.AddCustomer(ctx, Customer{Name: "王小明"}); err != nil {
		t.Fatal(err)
	}
	nbDir := filepath.Dir(s.Path())
	dir := t.TempDir()
	t.Chdir(nbDir)
	o := WriteOptions{Kind: "export", Notebook: s.Path()}
	force := o
	force.Force = true

	fresh := filepath.Join(dir, "new.csv")
	if err := WriteFile(ctx, fresh, o, writeString("a,b\n")); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(fresh); readFile(t, fresh) != "a,b\n" || fi.Mode().Perm() != 0o600 {
		t.Errorf("new file: %q mode %v", readFile(t, fresh), fi.Mode().Perm())
	}

	old := filepath.Join(dir, "old.csv")
	os.WriteFile(old, []byte("keep me"), 0o640)
	os.Chmod(old, 0o640)
	if err := WriteFile(ctx, old, o, writeString("x")); !errors.Is(err, ErrExists) || readFile(t, old) != "keep me" {
		t.Errorf("existing file without Force: err %v, content %q", err, readFile(t, old))
	}
	if err := WriteFile(ctx, old, force, writeString("new")); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(old); readFile(t, old) != "new" || fi.Mode().Perm() != 0o640 {
		t.Errorf("replaced file: %q mode %v, want the mode 0640 kept", readFile(t, old), fi.Mode().Perm())
	}

	// A link to a file: the file is replaced, the link stays a link.
	link := filepath.Join(dir, "link.csv")
	os.Symlink(old, link)
	if err := WriteFile(ctx, link, force, writeString("via link")); err != nil {
		t.Fatal(err)
	}
	if li, _ := os.Lstat(link); li.Mode()&os.ModeSymlink == 0 || readFile(t, old) != "via link" {
		t.Errorf("through a link: link mode %v, file %q", li.Mode(), readFile(t, old))
	}
	dangling := filepath.Join(dir, "dangling.csv")
	os.Symlink(filepath.Join(dir, "missing"), dangling)
	if err := WriteFile(ctx, dangling, force, writeString("x")); !errors.Is(err, ErrInvalid) {
		t.Errorf("dangling link: err = %v, want ErrInvalid", err)
	}

	sub := filepath.Join(dir, "folder")
	os.Mkdir(sub, 0o700)
	if err := WriteFile(ctx, sub, force, writeString("x")); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "is a folder") {
		t.Errorf("folder: err = %v", err)
	}
	if err := WriteFile(ctx, filepath.Join(dir, "nowhere", "x.csv"), o, writeString("x")); !errors.Is(err, ErrInvalid) {
		t.Errorf("missing folder: err = %v", err)
	}

	// The open notebook, by any path: relative, ./, a symbolic link, a
	// hard link, and its -wal and -shm (existing or not).
	before := readFile(t, s.Path())
	nbLink := filepath.Join(dir, "nb-link.db")
	os.Symlink(s.Path(), nbLink)
	hard := filepath.Join(nbDir, "hard.db")
	if err := os.Link(s.Path(), hard); err != nil {
		t.Fatal(err)
	}
	base := filepath.Base(s.Path())
	for _, p := range []string{s.Path(), base, "./" + base, "../nb/" + base, nbLink, hard,
		s.Path() + "-wal", base + "-shm", "./" + base + "-journal"} {
		if err := WriteFile(ctx, p, force, writeString("not a notebook")); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "never written over") {
			t.Errorf("%s: err = %v, want the notebook refused", p, err)
		}
	}
	if readFile(t, s.Path()) != before {
		t.Error("the notebook changed")
	}
	if _, err := os.Stat(s.Path() + "-journal"); err == nil {
		t.Error("a -journal file was made beside the notebook")
	}
	// Another rolo notebook is no export's to replace.
	other := filepath.Join(dir, "other.db")
	if err := s.Backup(ctx, other); err != nil {
		t.Fatal(err)
	}
	noNB := force
	noNB.NoNotebooks = true
	if err := WriteFile(ctx, other, noNB, writeString("csv")); !errors.Is(err, ErrInvalid) || !isRoloNotebook(other) {
		t.Errorf("another notebook: err = %v", err)
	}
	if got, want := names(t, dir), []string{"dangling.csv", "folder", "link.csv", "nb-link.db", "new.csv", "old.csv", "other.db"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("the folder holds %v, want %v (no temporary files)", got, want)
	}
}

// A pipe or character device is written in place, never renamed over.
func TestWriteFileToFIFO(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
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
	if err := WriteFile(context.Background(), fifo, WriteOptions{Kind: "export"}, writeString("through the pipe")); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != "through the pipe" {
		t.Errorf("reader got %q", s)
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced: %v %v", fi.Mode(), err)
	}
	if got := names(t, dir); len(got) != 1 {
		t.Errorf("the folder holds %v", got)
	}
}

// A failed or stopped write leaves nothing: no destination, no temporary file.
func TestWriteFileLeavesNothingOnFailure(t *testing.T) {
	dir := t.TempDir()
	dest := filepath.Join(dir, "out.csv")
	boom := errors.New("boom")
	var temps Temps
	o := WriteOptions{Kind: "export", Temps: &temps}
	err := WriteFile(context.Background(), dest, o, func(f *os.File) error {
		io.WriteString(f, "customer data")
		if temps.Len() != 1 {
			t.Errorf("%d temporary files recorded while writing, want 1", temps.Len())
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("err = %v", err)
	}
	// Stopped (a signal cancels the context) after everything was written:
	// the file must still not appear.
	ctx, cancel := context.WithCancel(context.Background())
	err = WriteFile(ctx, dest, o, func(f *os.File) error {
		io.WriteString(f, "customer data")
		cancel()
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "nothing was written") {
		t.Errorf("stopped write: err = %v", err)
	}
	if got := names(t, dir); len(got) != 0 || temps.Len() != 0 {
		t.Errorf("left behind: %v (%d recorded)", got, temps.Len())
	}
	// RemoveAll, as a signal handler calls it, removes a file mid-write.
	err = WriteFile(context.Background(), dest, o, func(f *os.File) error {
		io.WriteString(f, "customer data")
		os.WriteFile(f.Name()+"-journal", []byte("journal"), 0o600)
		temps.RemoveAll()
		if got := names(t, dir); len(got) != 0 {
			t.Errorf("after RemoveAll: %v", got)
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("err = %v", err)
	}
}

// Stale temporary files of rolo's naming go; locked, recent and other
// files stay.
func TestCleanTemps(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-time.Hour)
	mk := func(name string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte("customer data"), 0o600)
		os.Chtimes(p, old, old)
		return p
	}
	mk(".rolo-backup-00c0ffee00c0ffee")
	mk(".rolo-backup-00c0ffee00c0ffee-journal")
	mk(".rolo-export-123456789") // an older rolo's name (os.CreateTemp)
	mk(".rolo-new-0123456789abcdef-wal")
	mk(".rolo-new-0123456789abcdef-shm")
	mk(".rolo-notes")          // not ours
	mk(".rolo-backup-xyz")     // not ours
	mk("notebook.db")          // certainly not ours
	mk(".rolo-new-aa-journal") // its database is held below
	held, err := createTemp(dir, "new", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Discard()
	os.Rename(held.path, filepath.Join(dir, ".rolo-new-aa")) // an old name, still locked
	held.path = filepath.Join(dir, ".rolo-new-aa")
	os.Chtimes(held.path, old, old)
	recent := filepath.Join(dir, ".rolo-export-0000000000000001")
	os.WriteFile(recent, nil, 0o600)

	removed := CleanTemps(dir, time.Now().Add(-time.Minute))
	sort.Strings(removed)
	want := []string{".rolo-backup-00c0ffee00c0ffee", ".rolo-backup-00c0ffee00c0ffee-journal", ".rolo-export-123456789",
		".rolo-new-0123456789abcdef-shm", ".rolo-new-0123456789abcdef-wal"}
	if fmt.Sprint(removed) != fmt.Sprint(want) {
		t.Errorf("removed %v, want %v", removed, want)
	}
	if got, want := names(t, dir), []string{".rolo-backup-xyz", ".rolo-export-0000000000000001", ".rolo-new-aa",
		".rolo-new-aa-journal", ".rolo-notes", "notebook.db"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("left %v, want %v", got, want)
	}
}

// TestHoldTemp is not a test: run by TestCleanTempsAfterKill in a process of
// its own, it makes a temporary file and waits to be killed.
func TestHoldTemp(t *testing.T) {
	dir := os.Getenv("ROLO_TEST_HOLD_TEMP")
	if dir == "" {
		t.Skip("a helper process for TestCleanTempsAfterKill")
	}
	tf, err := createTemp(dir, "backup", nil)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(tf.f, "customer data")
	os.WriteFile(tf.path+"-journal", []byte("journal"), 0o600)
	fmt.Println(tf.path)
	select {} // until killed
}

// SIGKILL cannot be caught: what a killed rolo leaves is removed by the
// next one working in the folder, and only once the killed one is gone.
func TestCleanTempsAfterKill(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a process")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHoldTemp$")
	cmd.Env = append(os.Environ(), "ROLO_TEST_HOLD_TEMP="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	path := strings.TrimSpace(line)
	later := time.Now().Add(time.Hour) // as if the next rolo started long after
	if removed := CleanTemps(dir, later); len(removed) != 0 {
		t.Fatalf("removed %v while its process lives", removed)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	if got := names(t, dir); len(got) != 2 {
		t.Fatalf("after the kill the folder holds %v, want the file and its journal", got)
	}
	removed := CleanTemps(dir, later)
	sort.Strings(removed)
	if want := []string{filepath.Base(path), filepath.Base(path) + "-journal"}; fmt.Sprint(removed) != fmt.Sprint(want) {
		t.Errorf("removed %v, want %v", removed, want)
	}
	if got := names(t, dir); len(got) != 0 {
		t.Errorf("left %v", got)
	}
}
