package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rolo-crm/rolo/internal/testdisk"
)

// A full disk is exit 3 with a message that names the file that could not
// be written, and leaves nothing half-written behind.
func TestFullDiskMessages(t *testing.T) {
	e := newEnv(t)
	var b strings.Builder
	b.WriteString("name,notes\n")
	for i := range 300 {
		fmt.Fprintf(&b, "客户%d,%s\n", i, strings.Repeat("备注", 200))
	}
	csv := filepath.Join(t.TempDir(), "c.csv")
	os.WriteFile(csv, []byte(b.String()), 0o600)
	e.ok("import", "customers", csv)

	disk := testdisk.Tiny(t, 128<<10)
	for _, args := range [][]string{
		{"export", "customers", "-o", filepath.Join(disk, "c.csv")},
		{"backup", filepath.Join(disk, "copy.db")},
	} {
		_, errs, code := e.run(false, args...)
		if code != 3 || !strings.Contains(errs, "no space left on the disk of "+args[len(args)-1]+"; nothing was written") {
			t.Errorf("%s onto a full disk: exit %d %q", args[0], code, errs)
		}
		if got := listDir(t, disk); len(got) != 0 {
			t.Errorf("%s left %v on the full disk", args[0], got)
		}
	}

	// The notebook's own disk full: SQLite cannot grow the -shm file
	// (SQLITE_IOERR_SHMSIZE, "disk I/O error (4874)").
	disk = testdisk.Tiny(t, 1<<20)
	nb := &testEnv{t: t, db: filepath.Join(disk, "nb.db"), env: map[string]string{}}
	nb.ok("init")
	testdisk.Fill(t, disk)
	for _, cmd := range [][]string{{"list"}, {"add", "王小明"}} {
		_, errs, code := nb.run(false, cmd...)
		if code != 3 || !strings.Contains(errs, "no space left for "+nb.db+"-shm") {
			t.Errorf("%s on a full disk: exit %d %q", cmd[0], code, errs)
		}
	}
}
