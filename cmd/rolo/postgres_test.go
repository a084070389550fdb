package main

import (
	"strings"
	"testing"
)

// A PostgreSQL server that cannot be reached: a plain message naming the
// server (never the password), exit code 3, as for a missing notebook.
func TestPostgresUnreachableExits3(t *testing.T) {
	for _, args := range [][]string{
		{"--db", "postgres://rep:s3cret@127.0.0.1:1/notebook?connect_timeout=2", "list"},
		{"--db", "postgresql://rep:s3cret@127.0.0.1:1/notebook?connect_timeout=2", "add", "王小明"},
	} {
		out, errOut, code := runApp(args...)
		if code != exitNotebook {
			t.Errorf("%v: exit %d, want %d (stderr %q)", args, code, exitNotebook, errOut)
		}
		if out != "" || !strings.Contains(errOut, "cannot reach PostgreSQL database \"notebook\" on 127.0.0.1:1") {
			t.Errorf("%v: stdout %q, stderr %q", args, out, errOut)
		}
		if strings.Contains(errOut, "s3cret") {
			t.Errorf("%v: the message shows the password: %q", args, errOut)
		}
	}
}
