package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rolo-crm/rolo/internal/testdisk"
)

// A backup onto a full disk says so about the destination (not the
// notebook) and leaves nothing there.
func TestBackupToFullDisk(t *testing.T) {
	disk := testdisk.Tiny(t, 256<<10)
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
	disk := testdisk.Tiny(t, 1<<20)
	path := filepath.Join(disk, "nb.db")
	s, err := Open(context.Background(), path, Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := os.Stat(path + "-shm"); err == nil {
		t.Fatal("the -shm file outlived the notebook's last connection; the test needs it gone")
	}
	testdisk.Fill(t, disk)
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
