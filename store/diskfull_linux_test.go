package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// tinyDisk mounts a tmpfs of size bytes for the test, when the test runs
// as root; otherwise the test is skipped.
func tinyDisk(t *testing.T, size int) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a small tmpfs needs root")
	}
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, fmt.Sprintf("size=%d,mode=0700", size)); err != nil {
		t.Skip("cannot mount a tmpfs here:", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	return dir
}

// fill takes every free byte of the file system at dir.
func fill(t *testing.T, dir string) {
	t.Helper()
	f, err := os.Create(filepath.Join(dir, "filler"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 4096)
	for {
		if _, err := f.Write(buf); err != nil {
			break
		}
	}
}

// A backup onto a full disk says so about the destination (not the
// notebook) and leaves nothing there.
func TestBackupToFullDisk(t *testing.T) {
	disk := tinyDisk(t, 256<<10)
	s := newTestStore(t)
	ctx := context.Background()
	for i := range 300 {
		if _, err := s.AddCustomer(ctx, Customer{Name: fmt.Sprintf("客户%d", i), Notes: strings.Repeat("备注", 200)}); err != nil {
			t.Fatal(err)
		}
	}
	dest := filepath.Join(disk, "copy.db")
	err := s.Backup(ctx, dest)
	if !errors.Is(err, ErrDiskFull) || !strings.Contains(err.Error(), dest) || strings.Contains(err.Error(), s.Path()) {
		t.Errorf("err = %v, want a full disk at %s", err, dest)
	}
	t.Log(err)
	if got := names(t, disk); len(got) != 0 {
		t.Errorf("the full disk holds %v", got)
	}
}

// When the notebook's -shm file cannot grow because the disk is full,
// opening it says the disk is full.
func TestSharedMemoryOnFullDisk(t *testing.T) {
	disk := tinyDisk(t, 1<<20)
	path := filepath.Join(disk, "nb.db")
	s, err := Open(context.Background(), path, Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := os.Stat(path + "-shm"); err == nil {
		t.Fatal("the -shm file outlived the notebook's last connection; the test needs it gone")
	}
	fill(t, disk)
	s, err = Open(context.Background(), path, Options{})
	if err == nil {
		_, err = s.AddCustomer(context.Background(), Customer{Name: "x"})
		s.Close()
	}
	if !errors.Is(err, ErrDiskFull) || !strings.Contains(err.Error(), "-shm") {
		t.Errorf("err = %v (%v), want a full disk for the -shm file", err, sqliteCode(err))
	}
	t.Log(err)
}
