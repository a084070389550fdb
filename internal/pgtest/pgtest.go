// Package pgtest gives tests a fresh PostgreSQL database of their own on
// the server ROLO_TEST_PG names (.ci/run starts a throwaway one), and skips
// them without it.
package pgtest

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// SkipMessage says how to run the PostgreSQL tests.
const SkipMessage = "PostgreSQL tests skipped: set ROLO_TEST_PG=postgres://USER@HOST/postgres (a role that may create databases and roles; .ci/run starts a throwaway server)"

// Database creates a database for the test and returns its address and a
// tag that makes names unique on the server: roles the test makes are
// named NAME_TAG. When the test ends the database is dropped, then those
// roles (roles are the server's, not a database's). It skips the test when
// ROLO_TEST_PG is not set.
func Database(t testing.TB) (dsn, tag string) {
	t.Helper()
	return DatabaseWith(t, "")
}

// DatabaseWith is Database made with options of CREATE DATABASE, such as
// "TEMPLATE template0 LC_CTYPE 'C' LC_COLLATE 'C'".
func DatabaseWith(t testing.TB, options string) (dsn, tag string) {
	t.Helper()
	base := os.Getenv("ROLO_TEST_PG")
	if base == "" {
		t.Skip(SkipMessage)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	tag = fmt.Sprintf("%08x", rand.Uint32())
	db := "rolo_t_" + tag
	if _, err := admin.Exec(`CREATE DATABASE ` + db + ` ` + options); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.Exec(`DROP DATABASE IF EXISTS ` + db + ` WITH (FORCE)`)
		rows, err := admin.Query(`SELECT rolname FROM pg_catalog.pg_roles WHERE rolname LIKE '%\_' || $1`, tag)
		if err != nil {
			return
		}
		var roles []string
		for rows.Next() {
			var r string
			rows.Scan(&r)
			roles = append(roles, r)
		}
		rows.Close()
		for _, r := range roles {
			admin.Exec(`DROP ROLE IF EXISTS "` + r + `"`)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + db
	return u.String(), tag
}
