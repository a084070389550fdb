package store

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// The conformance suite: tests that wrap their body in eachEngine run it
// once on a SQLite file and once on a PostgreSQL database, and
// newTestStore gives each subtest a fresh notebook of its engine. The
// PostgreSQL half needs a server where the test may create schemas and
// roles: ROLO_TEST_PG=postgres://USER@HOST/DB (.ci/run starts a throwaway
// cluster and sets it). Without it those subtests skip, saying so.

const pgSkip = "PostgreSQL tests skipped: set ROLO_TEST_PG=postgres://USER@HOST:PORT/DB of a server where tests may create schemas and roles (.ci/run starts one)"

// eachEngine runs body on every engine, as subtests named sqlite and postgres.
func eachEngine(t *testing.T, body func(t *testing.T)) {
	t.Helper()
	t.Run("sqlite", body)
	t.Run("postgres", body)
}

// onPG says whether the (sub)test runs on PostgreSQL.
func onPG(t testing.TB) bool {
	return strings.HasSuffix(t.Name(), "/postgres") || strings.Contains(t.Name(), "/postgres/")
}

// newPGTestStore is a fresh notebook in a schema of its own on the test
// server, dropped when the test ends.
func newPGTestStore(t testing.TB) *Store {
	t.Helper()
	dsn := newPGTestSchema(t)
	s, err := Open(context.Background(), dsn, Options{Create: true, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

var pgAdmin struct {
	once sync.Once
	db   *sql.DB
	err  error
}

// pgTestAdmin is a connection to the test server as the role of
// ROLO_TEST_PG, which creates schemas and roles.
func pgTestAdmin(t testing.TB) *sql.DB {
	t.Helper()
	dsn := os.Getenv("ROLO_TEST_PG")
	if dsn == "" {
		t.Skip(pgSkip)
	}
	pgAdmin.once.Do(func() {
		cfg, err := pgx.ParseConfig(dsn)
		if err != nil {
			pgAdmin.err = err
			return
		}
		pgAdmin.db = stdlib.OpenDB(*cfg)
		// The search index needs pg_trgm, created once where every test
		// schema finds it.
		_, pgAdmin.err = pgAdmin.db.Exec(`CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public`)
	})
	if pgAdmin.err != nil {
		t.Fatalf("ROLO_TEST_PG: %v", pgAdmin.err)
	}
	return pgAdmin.db
}

// newPGTestSchema makes an empty schema on the test server and returns
// the address of a notebook in it (search_path set), dropped at the end.
func newPGTestSchema(t testing.TB) string {
	t.Helper()
	admin := pgTestAdmin(t)
	schema := fmt.Sprintf("rolo_test_%d_%08x", os.Getpid(), rand.Uint32())
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			t.Errorf("drop test schema: %v", err)
		}
	})
	return pgDSNWith(t, os.Getenv("ROLO_TEST_PG"), map[string]string{"search_path": schema + ",public"})
}

// pgDSNWith is dsn with query parameters set (search_path, user, ...).
func pgDSNWith(t testing.TB, dsn string, set map[string]string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("ROLO_TEST_PG is not a URL: %v", err)
	}
	q := u.Query()
	for k, v := range set {
		if k == "user" {
			u.User = url.User(v)
			continue
		}
		q.Set(k, v)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// testAddr is what opens s again: its file, or its PostgreSQL address.
func testAddr(s *Store) string {
	if s.pg {
		return s.pgDSN
	}
	return s.Path()
}

// pgSchemaOf is the schema a test address puts first on the search path.
func pgSchemaOf(t testing.TB, dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	schema, _, _ := strings.Cut(u.Query().Get("search_path"), ",")
	return schema
}

// onConn is one connection as column reads it (a setting made on it holds).
type onConn struct {
	ctx  context.Context
	conn *sql.Conn
}

func (c onConn) Query(query string, args ...any) (*sql.Rows, error) {
	return c.conn.QueryContext(c.ctx, query, args...)
}

// column reads the one column of a query's rows.
func column[T any](t testing.TB, q interface {
	Query(string, ...any) (*sql.Rows, error)
}, query string, args ...any) []T {
	t.Helper()
	rows, err := q.Query(query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// foundIDs is the ids of the customers Search finds for q (with opts, if
// given), best first.
func foundIDs(t testing.TB, s *Store, q string, opts ...SearchOptions) []int64 {
	t.Helper()
	hits, err := s.Search(context.Background(), q, append(opts, SearchOptions{})[0])
	if err != nil {
		t.Fatalf("Search(%q): %v", q, err)
	}
	out := []int64{}
	for _, h := range hits {
		out = append(out, h.Customer.ID)
	}
	return out
}
