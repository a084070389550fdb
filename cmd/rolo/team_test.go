package main

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/rolo-crm/rolo/internal/pgtest"
)

// teamServer is a fresh PostgreSQL database for one test, and the
// addresses of its reps; it skips without a server.
type teamServer struct {
	dsn string // the admin's (who owns the tables)
	tag string // makes role names unique on a shared server
}

// team is a team's notebook from the command line: reps ben and anna and
// manager mia (their names made unique on the server), set up by the
// tables' owner ("" below).
type team struct {
	t              *testing.T
	srv            *teamServer
	e              *testEnv
	ben, anna, mia string
}

func newTeam(t *testing.T) *team {
	t.Helper()
	srv := newTeamServer(t)
	tm := &team{t: t, srv: srv, e: newEnv(t), ben: "ben_" + srv.tag, anna: "anna_" + srv.tag, mia: "mia_" + srv.tag}
	tm.ok("", "init")
	tm.ok("", "team", "init")
	tm.ok("", "team", "add", tm.ben)
	tm.ok("", "team", "add", tm.anna)
	tm.ok("", "team", "add", tm.mia, "--manager")
	return tm
}

// run is rolo run by rep ("" the owner) on the team's notebook.
func (tm *team) run(rep string, args ...string) (string, string, int) {
	tm.t.Helper()
	tm.e.db = tm.srv.as(rep)
	return tm.e.run(false, args...)
}

// ok is run that must succeed.
func (tm *team) ok(rep string, args ...string) string {
	tm.t.Helper()
	out, errs, code := tm.run(rep, args...)
	if code != 0 {
		tm.t.Fatalf("%s: rolo %s: exit %d: %s", rep, strings.Join(args, " "), code, errs)
	}
	return out
}

func newTeamServer(t *testing.T) *teamServer {
	t.Helper()
	dsn, tag := pgtest.Database(t)
	return &teamServer{dsn: dsn, tag: tag}
}

// as is the notebook's address for a rep ("" for the admin).
func (s *teamServer) as(rep string) string {
	if rep == "" {
		return s.dsn
	}
	u, _ := url.Parse(s.dsn)
	u.User = url.User(rep)
	return u.String()
}

// A team from the command line: reps see their own customers, a manager
// everyone's (with --team, with their rep; with --rep, one rep's), only a
// manager moves customers between reps, and a shared customer is everyone's.
func TestTeamCommands(t *testing.T) {
	tm := newTeam(t)
	srv, ben, anna, mia, run, ok := tm.srv, tm.ben, tm.anna, tm.mia, tm.run, tm.ok

	ok(ben, "add", "王小明")
	ok(ben, "buy", "王小明", "1280", "--item", "普洱茶饼")
	ok(anna, "add", "王大力")
	ok(anna, "buy", "王大力", "5000", "--item", "大红袍")
	ok(anna, "add", "李娜")
	ok(anna, "buy", "李娜", "300", "--paid", "100")
	ok(ben, "buy", "王小明", "80", "--paid", "0")

	names := func(out string) []string {
		var ns []string
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			if f := strings.Split(l, "\t"); len(f) > 1 {
				ns = append(ns, f[1])
			}
		}
		return ns
	}
	if got := names(ok(ben, "list")); len(got) != 1 || got[0] != "王小明" {
		t.Errorf("ben lists %v", got)
	}
	if got := names(ok(ben, "find", "王")); len(got) != 1 || got[0] != "王小明" {
		t.Errorf("ben finds %v for 王", got)
	}
	if _, errs, code := run(ben, "list", "--rep", anna); code != 2 || !strings.Contains(errs, "only a manager") {
		t.Errorf("ben list --rep anna: exit %d: %s", code, errs)
	}
	if got := names(ok(mia, "list", "--rep", anna)); len(got) != 2 {
		t.Errorf("mia list --rep anna: %v", got)
	}
	// --team: everyone, with their rep; the pyramid ranks the team.
	team := ok(mia, "list", "--team")
	for _, want := range []string{"王小明\tordinary\tactive\t\t\t\t\t" + ben, "王大力\tkey\tactive\t\t\t\t\t" + anna} {
		if !strings.Contains(team, want) {
			t.Errorf("mia list --team lacks %q:\n%s", want, team)
		}
	}
	var rows []struct {
		Name, Tier, Rep string
	}
	if err := json.Unmarshal([]byte(ok(mia, "--json", "pyramid", "--team")), &rows); err != nil || len(rows) != 3 {
		t.Fatalf("pyramid --team --json: %v %v", rows, err)
	}
	for _, r := range rows {
		if want := map[string]string{"王小明": ben, "王大力": anna, "李娜": anna}[r.Name]; r.Rep != want {
			t.Errorf("pyramid --team: %s's rep is %q, want %q", r.Name, r.Rep, want)
		}
	}
	// find, owed and today take --team and --rep too.
	if got := ok(mia, "find", "王", "--team"); !strings.Contains(got, "王小明\t\t\t\tname\t"+ben) || !strings.Contains(got, "王大力\t\t\t\tname\t"+anna) {
		t.Errorf("mia find 王 --team:\n%s", got)
	}
	if got := names(ok(mia, "find", "王", "--rep", anna)); len(got) != 1 || got[0] != "王大力" {
		t.Errorf("mia find 王 --rep anna: %v", got)
	}
	var owed []struct {
		Name, Rep string
	}
	if err := json.Unmarshal([]byte(ok(mia, "--json", "owed", "--team")), &owed); err != nil || len(owed) != 2 {
		t.Fatalf("owed --team --json: %v %v", owed, err)
	}
	for _, o := range owed {
		if want := map[string]string{"王小明": ben, "李娜": anna}[o.Name]; o.Rep != want {
			t.Errorf("owed --team: %s's rep is %q, want %q", o.Name, o.Rep, want)
		}
	}
	if got := ok(mia, "owed", "--rep", ben); !strings.Contains(got, "王小明") || strings.Contains(got, "李娜") {
		t.Errorf("mia owed --rep ben:\n%s", got)
	}
	ok(ben, "follow", "王小明", "today", "send the invoice")
	ok(anna, "follow", "王大力", "today", "call about 大红袍")
	var plan []struct {
		Name, Rep string
	}
	if err := json.Unmarshal([]byte(ok(mia, "--json", "today", "--team")), &plan); err != nil || len(plan) < 2 {
		t.Fatalf("today --team --json: %v %v", plan, err)
	}
	for _, p := range plan {
		if want := map[string]string{"王小明": ben, "王大力": anna, "李娜": anna}[p.Name]; p.Rep != want {
			t.Errorf("today --team: %s's rep is %q, want %q", p.Name, p.Rep, want)
		}
	}
	if _, errs, code := run(ben, "today", "--rep", anna); code != 2 || !strings.Contains(errs, "only a manager") {
		t.Errorf("ben today --rep anna: exit %d: %s", code, errs)
	}
	// Only a manager moves customers; then they are the new rep's.
	// A rep hears the team's rule (exit 2), not the server's denial.
	if _, errs, code := run(ben, "assign", "王小明", anna); code != 2 || !strings.Contains(errs, "only a manager moves customers between reps; you are "+ben) ||
		strings.Contains(errs, "permission denied") {
		t.Errorf("ben gives away a customer: exit %d: %s", code, errs)
	}
	// A rep misspelt: the reps there are.
	if _, errs, code := run(mia, "assign", "李娜", "bne"); code != 2 || !strings.Contains(errs, `no rep named "bne" in the team; the reps are `) || !strings.Contains(errs, ben) {
		t.Errorf("assign to a rep misspelt: exit %d: %s", code, errs)
	}
	ok(mia, "assign", "李娜", ben)
	if got := names(ok(ben, "list")); len(got) != 2 {
		t.Errorf("after assign, ben lists %v", got)
	}
	// Shared with the team: ben sees anna's customer too, and only hers.
	ok(anna, "share", "王大力")
	if got := names(ok(ben, "list")); len(got) != 3 {
		t.Errorf("after share, ben lists %v", got)
	}
	reps := ok(mia, "team", "list")
	// Other tests' reps may share the server; its superuser (who made the
	// notebook here) is not a rep, though PostgreSQL counts it a member.
	admin, _ := url.Parse(srv.dsn)
	if !strings.Contains(reps, ben+"\trep\t2") || !strings.Contains(reps, mia+"\tmanager\t0") ||
		strings.Contains("\n"+reps, "\n"+admin.User.Username()+"\t") {
		t.Errorf("team list (ben, anna and mia, not the server's superuser %s):\n%s", admin.User.Username(), reps)
	}
}

// On a notebook file there is no team: the team commands and flags say so.
func TestTeamNeedsPostgreSQL(t *testing.T) {
	e := newEnv(t)
	e.ok("add", "王小明")
	for _, args := range [][]string{{"team", "init"}, {"list", "--team"}, {"pyramid", "--rep", "ben"}, {"assign", "王小明", "ben"},
		{"find", "王", "--team"}, {"owed", "--rep", "ben"}, {"today", "--team"}} {
		_, errs, code := e.run(false, args...)
		if code != 2 || !strings.Contains(errs, "teams need a PostgreSQL notebook") {
			t.Errorf("rolo %s on a file: exit %d: %s", strings.Join(args, " "), code, errs)
		}
	}
}

// A second team's notebook on the same server is its own: the group
// roles are the server's, but neither the first team's reps nor its
// manager are in the second team, and rolo tells them so.
func TestSecondTeamOnTheServer(t *testing.T) {
	tm := newTeam(t)
	other := newTeamServer(t)
	tm.e.db = other.dsn
	tm.e.ok("init")
	tm.e.ok("team", "init")
	tm.e.ok("add", "王秘密")
	if out := tm.e.ok("team", "list"); strings.Contains(out, tm.ben) || strings.Contains(out, tm.mia) {
		t.Errorf("the second team's list holds the first team's reps:\n%s", out)
	}
	for _, rep := range []string{tm.ben, tm.mia} {
		tm.e.db = other.as(rep)
		out, errs, code := tm.e.run(false, "find", "王秘密")
		if code != 3 || strings.Contains(out, "王秘密") || !strings.Contains(errs, "not in this notebook's team") ||
			!strings.Contains(errs, "rolo team add "+rep) {
			t.Errorf("%s of the first team reads the second's notebook: exit %d\n%s%s", rep, code, out, errs)
		}
	}
}

// A rep taken out of the team no longer opens its notebook; their
// customers stay, and a manager gives them to another rep.
func TestTeamRemove(t *testing.T) {
	tm := newTeam(t)
	tm.ok(tm.ben, "add", "王小明")
	_, errs, code := tm.run("", "team", "remove", tm.ben)
	if code != 0 || !strings.Contains(errs, tm.ben+" is no longer in the team") || !strings.Contains(errs, "They still own 1 customer:") {
		t.Errorf("team remove: exit %d: %s", code, errs)
	}
	if out := tm.ok("", "team", "list"); strings.Contains(out, tm.ben) || !strings.Contains(out, tm.anna) {
		t.Errorf("team list after removing ben:\n%s", out)
	}
	if _, errs, code := tm.run(tm.ben, "list"); code != 3 || !strings.Contains(errs, "not in this notebook's team") {
		t.Errorf("a removed rep's list: exit %d: %s", code, errs)
	}
	tm.ok(tm.mia, "assign", "王小明", tm.anna)
	if out := tm.ok(tm.anna, "find", "王小明"); !strings.Contains(out, "王小明") {
		t.Errorf("anna does not find the customer given to her:\n%s", out)
	}
	if _, errs, code := tm.run("", "team", "remove", tm.ben); code != 2 || !strings.Contains(errs, "no rep named") {
		t.Errorf("removing ben twice: exit %d: %s", code, errs)
	}
}

// The settings are the team's: a rep hears the rule (exit 2), not the
// server's permission denied (exit 3); a manager changes them.
func TestRepDoesNotChangeSettings(t *testing.T) {
	tm := newTeam(t)
	if _, errs, code := tm.run(tm.ben, "config", "plan.capacity", "9"); code != 2 ||
		!strings.Contains(errs, "only a manager changes the settings of the team's notebook; you are "+tm.ben+", a rep") {
		t.Errorf("a rep changes a setting: exit %d: %s", code, errs)
	}
	if out := strings.TrimSpace(tm.ok(tm.ben, "config", "plan.capacity")); out == "9" {
		t.Errorf("a rep's refused setting was written")
	}
	tm.ok(tm.mia, "config", "plan.capacity", "9")
	if out := strings.TrimSpace(tm.ok(tm.ben, "config", "plan.capacity")); out != "9" {
		t.Errorf("the manager's setting, as the rep reads it: %q", out)
	}
}

// What rolo keeps for itself is per rep. A superuser, to whom no policy
// applies, saw every rep's kept values, and a report that reads one of them
// failed ("more than one row returned by a subquery") once a rep had kept
// theirs: the tables' owner is often the server's superuser on a small
// team's server.
func TestOwnerReadsOwnKeptState(t *testing.T) {
	tm := newTeam(t)
	conn, err := pgx.Connect(context.Background(), tm.srv.dsn)
	if err != nil {
		t.Fatal(err)
	}
	var super bool
	err = conn.QueryRow(context.Background(), `SELECT rolsuper FROM pg_roles WHERE rolname = current_user`).Scan(&super)
	conn.Close(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !super {
		t.Skip("the test server's admin is not a superuser: the policies bind it")
	}
	tm.ok(tm.ben, "add", "王小明")
	tm.ok(tm.ben, "buy", "王小明", "1280", "--item", "普洱茶饼")
	for _, who := range []string{tm.ben, tm.mia, ""} {
		for _, cmd := range [][]string{{"due"}, {"pyramid", "--json"}, {"today"}, {"show", "王小明"}} {
			if _, errs, code := tm.run(who, cmd...); code != 0 && code != 1 {
				t.Errorf("%q: rolo %s: exit %d: %s", who, strings.Join(cmd, " "), code, errs)
			}
		}
	}
}
