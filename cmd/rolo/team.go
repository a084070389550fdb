package main

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rolo-crm/rolo/insight"
	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/tiering"
)

// A team works in one PostgreSQL notebook: every customer has an owner
// rep, reps are the server's roles, and its row-level security lets a rep
// see only their own customers and those shared with the team; a manager
// sees all (store/team.go).

func newTeamCmd(a *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "team",
		Short: "Set up a team on a PostgreSQL notebook and add its reps",
		Long: `A team shares one PostgreSQL notebook. Every customer has an owner rep;
reps are PostgreSQL roles (the server authenticates them: rolo stores no
passwords), and the server's row-level security lets a rep see and change
only their own customers and their records, and those shared with the team
(rolo share). A manager sees and changes all, and gives customers to reps
(rolo assign).

  rolo team init        sets up the notebook for a team (group roles
                        rolo_rep and rolo_manager, grants, policies);
                        run it once as the role that owns the notebook
  rolo team add REP     makes REP a rep (creating the login role if needed;
                        --manager for a manager)
  rolo team list        the reps, and how many customers each owns
  rolo team remove REP  takes REP out of this notebook's team (their
                        role and their customers stay; rolo assign
                        gives the customers to another rep)

list, due and pyramid take --rep NAME (one rep's customers: a manager's
view of a rep, or a rep's own without the shared ones) and --team (every
customer you see, with their rep; pyramid adds a line per rep).`,
		Example: `  rolo --db postgres://admin@teamdb/sales team init
  rolo --db postgres://admin@teamdb/sales team add ben
  rolo --db postgres://admin@teamdb/sales team add mia --manager
  rolo team list`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(&cobra.Command{
		Use:     "init",
		Short:   "Set up the notebook for a team: group roles, grants and policies",
		Example: "  rolo --db postgres://admin@teamdb/sales team init",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := a.Store(cmd.Context())
			if err != nil {
				return err
			}
			if err := st.TeamInit(cmd.Context()); err != nil {
				return err
			}
			if a.JSON {
				return writeJSON(a.Out, map[string]any{"notebook": shownName(st.Path()), "team": true})
			}
			fmt.Fprintf(a.Err, "%s is ready for a team. Add reps with rolo team add NAME (--manager for a manager); each logs in as their own PostgreSQL role.\n",
				clean(shownName(st.Path())))
			return nil
		},
	})
	var manager bool
	add := &cobra.Command{
		Use:     "add REP",
		Short:   "Make REP a rep of the team (a PostgreSQL login role)",
		Example: "  rolo team add ben\n  rolo team add mia --manager",
		Args:    exactArgs(1, "the rep's name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := a.Store(cmd.Context())
			if err != nil {
				return err
			}
			if err := st.TeamAdd(cmd.Context(), args[0], manager); err != nil {
				return err
			}
			role := "rep"
			if manager {
				role = "manager"
			}
			if a.JSON {
				return writeJSON(a.Out, store.Rep{Name: args[0], Manager: manager})
			}
			fmt.Fprintf(a.Err, "%s is a %s of the team. Give them a password on the server (ALTER ROLE %s PASSWORD ...) or a line in pg_hba.conf; rolo keeps none.\n",
				clean(args[0]), role, clean(args[0]))
			return nil
		},
	}
	add.Flags().BoolVar(&manager, "manager", false, "a manager: sees and changes every customer, assigns them")
	cmd.AddCommand(add)
	cmd.AddCommand(&cobra.Command{
		Use:     "remove REP",
		Short:   "Take REP out of this notebook's team",
		Example: "  rolo team remove ben",
		Args:    exactArgs(1, "the rep's name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := a.Store(cmd.Context())
			if err != nil {
				return err
			}
			owned, err := st.TeamRemove(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if a.JSON {
				return writeJSON(a.Out, map[string]any{"removed": args[0], "customers": owned})
			}
			fmt.Fprintf(a.Err, "%s is no longer in the team of this notebook; their PostgreSQL role stays.\n", clean(args[0]))
			if owned > 0 {
				fmt.Fprintf(a.Err, "They still own %s: give them to another rep with rolo assign CUSTOMER REP (rolo list --team shows each customer's rep).\n",
					plural(owned, "customer"))
			}
			return nil
		},
	})
	cmd.AddCommand(&cobra.Command{
		Use:     "list",
		Short:   "The team's reps, and how many customers each owns",
		Example: "  rolo team list\n  rolo team list --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			st, err := a.Store(ctx)
			if err != nil {
				return err
			}
			reps, err := st.Reps(ctx)
			if err != nil {
				return err
			}
			owners, err := st.Owners(ctx)
			if err != nil {
				return err
			}
			count := map[string]int{}
			for _, o := range owners {
				count[o]++
			}
			type row struct {
				store.Rep
				Customers int `json:"customers"` // of those this connection sees
			}
			rows := make([]row, len(reps))
			for i, r := range reps {
				rows[i] = row{r, count[r.Name]}
			}
			if a.JSON {
				return writeJSONRows(a.Out, rows)
			}
			if len(rows) == 0 && a.IsTTY {
				fmt.Fprintln(a.Err, "No reps yet: rolo team add NAME makes one.")
				return nil
			}
			t := a.newTable(column{Name: "rep"}, column{Name: "role"}, column{Name: "customers", Right: true})
			for _, r := range rows {
				role := "rep"
				if r.Manager {
					role = "manager"
				}
				t.add(r.Name, role, strconv.Itoa(r.Customers))
			}
			return t.print()
		},
	})
	return cmd
}

func newAssignCmd(a *App) *cobra.Command {
	return &cobra.Command{
		Use:   "assign CUSTOMER REP",
		Short: "Give a customer to a rep of the team (managers)",
		Long: `Give a customer, with everything recorded about them, to a rep of the
team: from then on the customer is theirs to see and serve. Only a manager
may move customers between reps (the server refuses it to a rep).`,
		Example: "  rolo assign 王小明 ben        # a manager gives a customer to a rep\n  rolo assign 42 mia",
		Args:    exactArgs(2, "the customer and the rep"),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, c, err := a.customer(cmd, args[0])
			if err != nil {
				return err
			}
			st := svc.Store()
			// Asked before the write, so a rep hears the team's rule, not
			// the server's "permission denied for table customers", and a
			// misspelt rep the reps there are.
			if me, err := st.Me(cmd.Context()); err == nil && !me.Manager {
				return store.Errorf(store.KindInvalid, "only a manager moves customers between reps; you are %s, a rep (a manager runs rolo assign %s %s)",
					me.Name, args[0], args[1])
			}
			if err := st.Assign(cmd.Context(), c.ID, args[1]); err != nil {
				if store.KindOf(err) == store.KindNotFound {
					if reps, rerr := st.Reps(cmd.Context()); rerr == nil && len(reps) > 0 {
						names := make([]string, len(reps))
						for i, r := range reps {
							names[i] = r.Name
						}
						return store.Errorf(store.KindNotFound, "no rep named %q in the team; the reps are %s", args[1], strings.Join(names, ", "))
					}
				}
				return err
			}
			if a.JSON {
				return writeJSON(a.Out, map[string]any{"customer_id": c.ID, "owner": args[1]})
			}
			fmt.Fprintf(a.Err, "%s (#%d) is %s's now.\n", clean(c.Name), c.ID, clean(args[1]))
			return nil
		},
	}
}

func newShareCmd(a *App) *cobra.Command {
	var off bool
	cmd := &cobra.Command{
		Use:   "share CUSTOMER",
		Short: "Show a customer to the whole team (--off: to their rep only)",
		Long: `Show a customer, and everything recorded about them, to every rep of the
team — a company several reps serve, say; --off makes them their owner's
alone again.`,
		Example: "  rolo share 明达贸易           # show a customer to the whole team\n  rolo share 42 --off",
		Args:    exactArgs(1, "the customer"),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, c, err := a.customer(cmd, args[0])
			if err != nil {
				return err
			}
			if err := svc.Store().Share(cmd.Context(), c.ID, !off); err != nil {
				return err
			}
			if a.JSON {
				return writeJSON(a.Out, map[string]any{"customer_id": c.ID, "shared": !off})
			}
			if off {
				fmt.Fprintf(a.Err, "%s (#%d) is seen by their rep (and managers) only.\n", clean(c.Name), c.ID)
			} else {
				fmt.Fprintf(a.Err, "%s (#%d) is shared with the team.\n", clean(c.Name), c.ID)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&off, "off", false, "stop sharing: the owner's (and managers') alone")
	return cmd
}

// registerTeamFlags adds --rep and --team to a command that lists customers
// (list, find, due, today, owed, pyramid).
func registerTeamFlags(a *App, cmd *cobra.Command) {
	cmd.Flags().StringVar(&a.Rep, "rep", "", "a team's notebook: only this rep's customers")
	cmd.Flags().BoolVar(&a.Team, "team", false, "a team's notebook: everyone you see, with their rep")
}

// teamOwners checks --rep and --team against the notebook and returns, for
// --team, each customer's rep (nil otherwise).
func (a *App) teamOwners(ctx context.Context, svc *insight.Service) (map[int64]string, error) {
	if a.Rep == "" && !a.Team {
		return nil, nil
	}
	if a.Rep != "" && a.Team {
		return nil, usageErrorf("--rep and --team cannot go together: --rep shows one rep's customers, --team everyone's with their rep")
	}
	st := svc.Store()
	me, err := st.Me(ctx)
	if err != nil {
		return nil, err
	}
	if a.Rep != "" {
		reps, err := st.Reps(ctx)
		if err != nil {
			return nil, err
		}
		if !slices.ContainsFunc(reps, func(r store.Rep) bool { return r.Name == a.Rep }) {
			return nil, store.Errorf(store.KindNotFound, "no rep named %q in the team (rolo team list shows them)", a.Rep)
		}
		if !me.Manager && a.Rep != me.Name {
			// What the rep asked for, not the notebook, is wrong: exit 2.
			return nil, store.Errorf(store.KindInvalid, "only a manager sees another rep's customers; you are %s: leave --rep out to see your own", me.Name)
		}
		return nil, nil
	}
	return st.Owners(ctx)
}

// printRepTiers counts the pyramid's tiers per rep (pyramid --team), the
// reps who sell most first.
func (a *App) printRepTiers(t *insight.Tiers, owners map[int64]string) error {
	type repRow struct {
		customers int
		tiers     map[tiering.Tier]int
		revenue   money.Amount
	}
	by := map[string]*repRow{}
	for _, r := range t.Rows() {
		if r.Tier == tiering.Prospect {
			continue
		}
		o := owners[r.ID]
		rr := by[o]
		if rr == nil {
			rr = &repRow{tiers: map[tiering.Tier]int{}}
			by[o] = rr
		}
		rr.customers++
		rr.tiers[r.Tier]++
		rr.revenue += r.Revenue
	}
	names := make([]string, 0, len(by))
	for n := range by {
		names = append(names, n)
	}
	slices.SortFunc(names, func(x, y string) int {
		if c := cmp.Compare(by[y].revenue, by[x].revenue); c != 0 {
			return c
		}
		return strings.Compare(x, y)
	})
	tiers := t.Summary()
	cols := []column{{Name: "rep"}, {Name: "customers", Right: true}}
	for _, s := range tiers {
		cols = append(cols, column{Name: string(s.Tier), Right: true})
	}
	cols = append(cols, column{Name: "revenue", Right: true})
	fmt.Fprintln(a.Out)
	tb := a.newTable(cols...)
	for _, n := range names {
		rr := by[n]
		cells := []string{n, strconv.Itoa(rr.customers)}
		for _, s := range tiers {
			cells = append(cells, strconv.Itoa(rr.tiers[s.Tier]))
		}
		cells = append(cells, a.money(rr.revenue))
		tb.add(cells...)
	}
	return tb.print()
}
