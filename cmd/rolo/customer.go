package main

import (
	"bufio"
	"fmt"
	"strconv"
	"strings"

	"github.com/rolo-crm/rolo/insight"
	"github.com/rolo-crm/rolo/tiering"

	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/store/transfer"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// customerFlags are the profile fields shared by add and edit.
type customerFlags struct {
	name                                                            string
	externalID, company, title, phone, email, wechat, address, city string
	birthday, gender, occupation, source, referredBy, status        string
	lostReason, attitude, preferences, needs, notes                 string
	lunar, leap                                                     bool
	keptLunar                                                       bool // apply kept a lunar birthday's calendar
	tags, untags, custom                                            []string
	cadence                                                         int
}

func (f *customerFlags) register(fs *pflag.FlagSet, editing bool) {
	fs.StringVar(&f.externalID, "external-id", "", "your own stable id for imports and scripts")
	fs.StringVar(&f.company, "company", "", "company")
	fs.StringVar(&f.title, "title", "", "job title")
	fs.StringVar(&f.phone, "phone", "", "phone number")
	fs.StringVar(&f.email, "email", "", "email address")
	fs.StringVar(&f.wechat, "wechat", "", "WeChat id")
	fs.StringVar(&f.address, "address", "", "address")
	fs.StringVar(&f.city, "city", "", "city or region")
	fs.StringVar(&f.birthday, "birthday", "", "birthday YYYY-MM-DD, or --MM-DD or 8月15日 without the year; 农历 before it for a lunar date")
	fs.BoolVar(&f.lunar, "lunar", false, "the birthday is a lunar (农历) date")
	fs.BoolVar(&f.leap, "leap", false, "the lunar birthday is in a leap month (闰月)")
	fs.StringVar(&f.gender, "gender", "", "gender")
	fs.StringVar(&f.occupation, "occupation", "", "occupation")
	fs.StringVar(&f.source, "source", "", "where the customer came from")
	fs.StringVar(&f.referredBy, "referred-by", "", "the customer who referred them (id or name; \"\" to clear)")
	fs.StringVar(&f.status, "status", "", "prospect, active, lapsed, lost, won_back or dropped (no longer served: outside the ranks and the agenda)")
	fs.StringVar(&f.lostReason, "lost-reason", "", "why the customer was lost: "+strings.Join(store.LostReasons, ", "))
	fs.StringVar(&f.attitude, "attitude", "", "price_driven or harmful (changes how they are served)")
	fs.StringVar(&f.preferences, "preferences", "", "what they like")
	fs.StringVar(&f.needs, "needs", "", "what they need")
	fs.StringVar(&f.notes, "notes", "", "free notes")
	fs.StringSliceVar(&f.tags, "tag", nil, "add a tag (repeat or comma-separate)")
	fs.StringArrayVar(&f.custom, "set", nil, "custom field key=value (key= removes it)")
	fs.IntVar(&f.cadence, "cadence", 0, "contact this customer every N days (overrides the tier cadence; 0 clears on edit)")
	if editing {
		fs.StringSliceVar(&f.untags, "untag", nil, "remove a tag")
		fs.StringVar(&f.name, "name", "", "rename the customer")
	}
}

// apply copies the flags the user set onto c.
func (f *customerFlags) apply(cmd *cobra.Command, a *App, c *store.Customer) error {
	fs := cmd.Flags()
	set := func(name string, dst *string, v string) {
		if fs.Changed(name) {
			*dst = v
		}
	}
	set("name", &c.Name, f.name)
	set("external-id", &c.ExternalID, f.externalID)
	set("company", &c.Company, f.company)
	set("title", &c.Title, f.title)
	set("phone", &c.Phone, f.phone)
	set("email", &c.Email, f.email)
	set("wechat", &c.WeChat, f.wechat)
	set("address", &c.Address, f.address)
	set("city", &c.City, f.city)
	set("gender", &c.Gender, f.gender)
	set("occupation", &c.Occupation, f.occupation)
	set("source", &c.Source, f.source)
	set("status", &c.Status, f.status)
	set("lost-reason", &c.LostReason, f.lostReason)
	set("attitude", &c.Attitude, f.attitude)
	set("preferences", &c.Preferences, f.preferences)
	set("needs", &c.Needs, f.needs)
	set("notes", &c.Notes, f.notes)
	if fs.Changed("lunar") {
		c.BirthdayLunar = f.lunar
	}
	if fs.Changed("leap") {
		c.BirthdayLeap = f.leap
		if f.leap {
			c.BirthdayLunar = true
		}
	}
	// A birthday changed without --lunar keeps its calendar: a lunar
	// birthday corrected by a day is still lunar (--lunar=false says it
	// is not). The edit command says so.
	f.keptLunar = fs.Changed("birthday") && !fs.Changed("lunar") && !fs.Changed("leap") && c.BirthdayLunar
	if fs.Changed("birthday") {
		// The parser rolo import reads a birthday column with: 8月15日, 农历1975-08-15...
		b, lunar, err := transfer.ParseBirthday(f.birthday, c.BirthdayLunar)
		if err != nil {
			return usageErrorf("--birthday: %v", err)
		}
		if lunar && fs.Changed("lunar") && !f.lunar {
			return usageErrorf("--birthday %q is a lunar (农历) date, and --lunar=false says it is not; leave out one of them", f.birthday)
		}
		c.Birthday, c.BirthdayLunar = b, c.BirthdayLunar || lunar
	}
	if fs.Changed("cadence") {
		if f.cadence < 0 {
			return usageErrorf("--cadence must be a number of days, got %d", f.cadence)
		}
		c.CadenceDays = nil
		if f.cadence > 0 {
			n := f.cadence
			c.CadenceDays = &n
		}
	}
	c.Tags = append(c.Tags, f.tags...)
	if len(f.untags) > 0 {
		drop := map[string]bool{}
		for _, t := range f.untags {
			drop[strings.TrimSpace(t)] = true
		}
		kept := c.Tags[:0]
		for _, t := range c.Tags {
			if !drop[t] {
				kept = append(kept, t)
			}
		}
		c.Tags = kept
	}
	for _, kv := range f.custom {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return usageErrorf("--set %q: write custom fields as key=value", kv)
		}
		if c.Custom == nil {
			c.Custom = map[string]string{}
		}
		if v == "" {
			delete(c.Custom, k)
		} else {
			c.Custom[k] = v
		}
	}
	if fs.Changed("referred-by") {
		c.ReferredBy = nil
		if f.referredBy != "" {
			_, ref, err := a.customer(cmd, f.referredBy)
			if err != nil {
				return fmt.Errorf("--referred-by: %w", err)
			}
			c.ReferredBy = &ref.ID
		}
	}
	return nil
}

func newAddCmd(a *App) *cobra.Command {
	var f customerFlags
	var allowDuplicates bool
	cmd := &cobra.Command{
		Use:   "add NAME",
		Short: "Add a customer",
		Example: `  rolo add 王小明 --phone 13800138000 --company 明达贸易 --birthday 1980-08-15 --lunar --tag vip
  rolo add "Anna Li" --email anna@example.com --referred-by 王小明
  rolo add 李娜 --birthday --03-18 --city 杭州 --set 车=特斯拉`,
		Args: exactArgs(1, "the customer's NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := a.Service(cmd.Context())
			if err != nil {
				return err
			}
			c := store.Customer{Name: args[0]}
			if err := f.apply(cmd, a, &c); err != nil {
				return err
			}
			if !allowDuplicates {
				if err := a.checkDuplicates(cmd, c, nil); err != nil {
					return err
				}
			}
			c, err = svc.AddCustomer(cmd.Context(), c)
			if err != nil {
				return fmt.Errorf("add customer: %w", err)
			}
			if a.JSON {
				return writeJSON(a.Out, c)
			}
			if a.IsTTY {
				fmt.Fprintf(a.Out, "Added %s (id %d)\n", clean(c.Name), c.ID)
				return nil
			}
			fmt.Fprintln(a.Out, c.ID)
			return nil
		},
	}
	f.register(cmd.Flags(), false)
	cmd.Flags().BoolVar(&allowDuplicates, "allow-duplicates", false, "add the customer even when their phone or email is already in the notebook")
	return cmd
}

// checkDuplicates stops a second customer with the same phone or email
// (c's, compared as the store compares them): on a terminal it asks,
// elsewhere it is an error. editing is the customer whose phone or email
// changes (nil when adding one): their own is no duplicate.
func (a *App) checkDuplicates(cmd *cobra.Command, c store.Customer, editing *store.Customer) error {
	svc, err := a.Service(cmd.Context())
	if err != nil {
		return err
	}
	dup, err := svc.DuplicateOf(cmd.Context(), c, editing)
	if err != nil || dup == nil {
		return err
	}
	d, what, val := dup.Customer, dup.Field, dup.Value
	who := fmt.Sprintf("%s (#%d)", d.Name, d.ID)
	if d.ArchivedAt != nil {
		who += ", archived"
	}
	question, refused, escape := "Add "+clean(c.Name)+" anyway?", "not added", "add another customer"
	if editing != nil {
		question, refused, escape = "Give it to "+clean(editing.Name)+" too?", "not changed", "give it to both"
	}
	if a.IsTTY && a.InTTY {
		fmt.Fprintf(a.Err, "%s is already the %s of %s. %s [y/N] ", clean(val), what, clean(who), question)
		answer, _ := bufio.NewReader(a.In).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(answer)); a == "y" || a == "yes" || a == "是" {
			return nil
		}
		return usageErrorf("%s", refused)
	}
	return store.Errorf(store.KindConflict, "%s is already the %s of %s; rolo edit %d changes them, or add --allow-duplicates to %s",
		val, what, who, d.ID, escape)
}

func newEditCmd(a *App) *cobra.Command {
	var f customerFlags
	var allowDuplicates bool
	cmd := &cobra.Command{
		Use:     "edit CUSTOMER",
		Short:   "Change a customer's profile",
		Example: "  rolo edit 王小明 --phone 13900139000 --tag vip\n  rolo edit 42 --status lost --lost-reason moved",
		Args:    exactArgs(1, "a CUSTOMER (id or name)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			changed := 0
			cmd.Flags().Visit(func(fl *pflag.Flag) {
				if cmd.InheritedFlags().Lookup(fl.Name) == nil && fl.Name != "allow-duplicates" {
					changed++
				}
			})
			if changed == 0 {
				return usageErrorf("nothing to change; pass the fields to edit, e.g. --phone or --tag (see rolo edit --help)")
			}
			svc, c, err := a.customer(cmd, args[0])
			if err != nil {
				return err
			}
			if fs := cmd.Flags(); !allowDuplicates {
				// Only a new number or address counts (DuplicateOf): one the
				// customer already shares (added with --allow-duplicates)
				// stays theirs.
				probe := c
				if fs.Changed("phone") {
					probe.Phone = f.phone
				}
				if fs.Changed("email") {
					probe.Email = f.email
				}
				if err := a.checkDuplicates(cmd, probe, &c); err != nil {
					return err
				}
			}
			c, err = svc.UpdateCustomer(cmd.Context(), c.ID, func(c *store.Customer) error {
				return f.apply(cmd, a, c)
			})
			if err != nil {
				return fmt.Errorf("edit customer: %w", err)
			}
			if f.keptLunar && c.BirthdayLunar {
				fmt.Fprintf(a.Err, "rolo: %s's birthday stays a lunar (农历) date, %s; --lunar=false makes it a solar one\n",
					clean(c.Name), c.Birthday)
			}
			if a.JSON {
				return writeJSON(a.Out, c)
			}
			if a.IsTTY {
				fmt.Fprintf(a.Out, "Updated %s (id %d)\n", clean(c.Name), c.ID)
			}
			return nil
		},
	}
	f.register(cmd.Flags(), true)
	cmd.Flags().BoolVar(&allowDuplicates, "allow-duplicates", false, "save a phone or email that another customer already has")
	return cmd
}

func newRmCmd(a *App) *cobra.Command {
	var purge, restore bool
	cmd := &cobra.Command{
		Use:   "rm CUSTOMER",
		Short: "Archive a customer (--purge deletes them and their history)",
		Long: `Archive a customer: they leave the lists, the pyramid and the agenda, and their
history stays (rolo list --archived shows them; rm --restore brings them back).
--purge deletes them and all their purchases, contacts and follow-ups for good.
rm purchase|contact|followup|payment|event ID deletes one record instead.`,
		Example: `  rolo rm 王小明
  rolo rm --restore 42
  rolo rm 42 --purge
  rolo rm contact 17`,
		Args: exactArgs(1, "a CUSTOMER (id or name)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := a.Service(cmd.Context())
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			var c store.Customer
			if purge && restore {
				return usageErrorf("--purge and --restore cannot go together: --purge deletes for good, --restore brings an archived customer back")
			}
			if restore {
				id, perr := strconv.ParseInt(strings.TrimPrefix(args[0], "#"), 10, 64)
				if perr != nil {
					return usageErrorf("--restore needs the customer's id (see rolo list --archived)")
				}
				if err := svc.RestoreCustomer(ctx, id); err != nil {
					return err
				}
				c, err = svc.Customer(ctx, id)
				if err != nil {
					return err
				}
				if a.IsTTY {
					fmt.Fprintf(a.Out, "Restored %s (id %d)\n", clean(c.Name), c.ID)
				}
				return nil
			}
			_, c, err = a.customer(cmd, args[0])
			if err != nil {
				return err
			}
			if purge && a.IsTTY && a.InTTY {
				// For good, with every record: asked once on a terminal
				// (a script asked for it with --purge).
				fmt.Fprintf(a.Err, "Delete %s (#%d) and all their purchases, payments, contacts and follow-ups for good? [y/N] ", clean(c.Name), c.ID)
				answer, _ := bufio.NewReader(a.In).ReadString('\n')
				if s := strings.ToLower(strings.TrimSpace(answer)); s != "y" && s != "yes" && s != "是" {
					return usageErrorf("not deleted; rolo rm %d without --purge archives them instead (rolo rm --restore brings them back)", c.ID)
				}
			}
			if purge {
				err = svc.PurgeCustomer(ctx, c.ID)
			} else {
				err = svc.ArchiveCustomer(ctx, c.ID)
			}
			if err != nil {
				return err
			}
			if a.IsTTY {
				if purge {
					fmt.Fprintf(a.Out, "Deleted %s (id %d) and their history\n", clean(c.Name), c.ID)
				} else {
					fmt.Fprintf(a.Out, "Archived %s (id %d); rolo rm --restore %d brings them back\n", clean(c.Name), c.ID, c.ID)
					// A debt leaves owed and the agenda with them: say so.
					if owes, err := svc.Owes(ctx, c.ID); err == nil && owes > 0 {
						fmt.Fprintf(a.Out, "They still owe %s; owed and due leave them out while they are archived.\n", a.money(owes))
					}
				}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&purge, "purge", false, "delete the customer and all their purchases, contacts and follow-ups for good")
	cmd.Flags().BoolVar(&restore, "restore", false, "bring an archived customer back (by id)")
	return cmd
}

func newFindCmd(a *App) *cobra.Command {
	var limit int
	var archived bool
	cmd := &cobra.Command{
		Use:   "find QUERY",
		Short: "Find customers by name, pinyin, initials, company, phone, notes or items",
		Example: `  rolo find 王          # every 王
  rolo find wxm         # pinyin initials: 王小明
  rolo find wangxiaoming
  rolo find 普洱        # customers who bought Pu'er tea`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			svc, err := a.Service(ctx)
			if err != nil {
				return err
			}
			if limit <= 0 {
				return usageErrorf("--limit must be at least 1, got %d", limit)
			}
			owners, err := a.teamOwners(ctx, svc)
			if err != nil {
				return err
			}
			// One more than shown: a terminal is told when more match.
			hits, err := svc.Search(ctx, strings.Join(args, " "), store.SearchOptions{Limit: limit + 1, IncludeArchived: archived})
			if err != nil {
				return err
			}
			more := len(hits) > limit
			hits = hits[:min(len(hits), limit)]
			if a.JSON {
				type row struct {
					store.Customer
					Matched string `json:"matched"`       // where the query matched: name, pinyin, profile or history
					Rep     string `json:"rep,omitempty"` // --team
				}
				rows := make([]row, len(hits))
				for i, h := range hits {
					rows[i] = row{h.Customer, h.Matched, owners[h.Customer.ID]}
				}
				return writeJSONRows(a.Out, rows)
			}
			if len(hits) == 0 {
				if a.IsTTY {
					fmt.Fprintln(a.Err, "No customer matches; try fewer characters, pinyin initials, or rolo list.")
				}
				return nil
			}
			cols := []column{{Name: "id", Right: true}, {Name: "name", Min: 8}, {Name: "company"},
				{Name: "phone", Whole: true}, {Name: "city"}, {Name: "matched", Wrap: true}}
			if owners != nil {
				cols = append(cols, column{Name: "rep"})
			}
			t := a.newTable(cols...)
			for _, h := range hits {
				c := h.Customer
				cells := []string{strconv.FormatInt(c.ID, 10), c.Name, c.Company, c.Phone, c.City, h.Matched}
				if owners != nil {
					cells = append(cells, owners[c.ID])
				}
				t.add(cells...)
			}
			if err := t.print(); err != nil {
				return err
			}
			if more && a.IsTTY {
				fmt.Fprintf(a.Err, "The best %d shown; more customers match (-n %d shows more, a longer query fewer).\n", limit, max(100, 2*limit))
			}
			return nil
		},
	}
	cmd.Flags().IntVarP(&limit, "limit", "n", 20, "show at most N matches")
	cmd.Flags().BoolVar(&archived, "archived", false, "include archived customers")
	registerTeamFlags(a, cmd)
	return cmd
}

type listOptions struct {
	filter store.CustomerFilter
	tiers  string
}

// emptyListHint is what an empty list says on a terminal.
func emptyListHint(o listOptions) string {
	f := o.filter
	switch {
	case f.Offset > 0:
		return fmt.Sprintf("No customers past the first %d.", f.Offset)
	case f.Tag != "" || f.Status != "" || f.City != "" || o.tiers != "":
		if f.Archived {
			return "No archived customer matches; try without --tag, --tier, --status or --city."
		}
		return "No customer matches; try without --tag, --tier, --status or --city, or rolo find."
	case f.Archived:
		return "No archived customers (rolo rm CUSTOMER archives one)."
	}
	return "No customers yet. Add one with rolo add NAME, import them with rolo import customers FILE, or try rolo demo."
}

func newListCmd(a *App) *cobra.Command {
	var o listOptions
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List customers (filter by tag, tier, status, city)",
		Example: `  rolo list --tag vip
  rolo list --tier key,major --city 杭州
  rolo list --json | jq -r '.[].phone'
  rolo list --status dropped
  rolo list --archived`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runList(cmd, a, o) },
	}
	fs := cmd.Flags()
	fs.StringVar(&o.filter.Tag, "tag", "", "only customers with this tag")
	fs.StringVar(&o.tiers, "tier", "", "only these tiers, e.g. key,major")
	fs.StringVar(&o.filter.Status, "status", "", "only this status")
	fs.StringVar(&o.filter.City, "city", "", "only this city")
	fs.BoolVar(&o.filter.Archived, "archived", false, "list archived customers instead")
	fs.IntVarP(&o.filter.Limit, "limit", "n", 0, "show at most N customers")
	fs.IntVar(&o.filter.Offset, "offset", 0, "skip the first N customers")
	registerTeamFlags(a, cmd)
	return cmd
}

func runList(cmd *cobra.Command, a *App, o listOptions) error {
	var want map[tiering.Tier]bool
	if o.tiers != "" {
		var err error
		if want, err = parseTierList(o.tiers); err != nil {
			return err
		}
	}
	ctx, today, svc, err := a.open(cmd)
	if err != nil {
		return err
	}
	owners, err := a.teamOwners(ctx, svc)
	if err != nil {
		return err
	}
	// Rows are printed as they are read: the first appear before the last
	// are read, and a long list never sits in memory whole.
	q := insight.ListQuery{Filter: o.filter, Tiers: want, AsOf: today}
	if a.JSON {
		type row struct {
			*store.Customer
			Tier tiering.Tier `json:"tier"`
			Rep  string       `json:"rep,omitempty"` // --team
		}
		jw := newJSONRows(a.Out)
		if err := svc.ListCustomers(ctx, q, func(c *store.Customer, tier tiering.Tier) error {
			return jw.add(row{c, tier, owners[c.ID]})
		}); err != nil {
			return err
		}
		return jw.close()
	}
	cols := []column{{Name: "id", Right: true}, {Name: "name", Min: 8}, {Name: "tier"},
		{Name: "status"}, {Name: "company"}, {Name: "phone", Whole: true}, {Name: "city"}, {Name: "tags"}}
	if owners != nil {
		cols = append(cols, column{Name: "rep"})
	}
	t := a.newTable(cols...)
	t.streamAfter = 1000
	shown := 0
	if err := svc.ListCustomers(ctx, q, func(c *store.Customer, tier tiering.Tier) error {
		cells := []string{strconv.FormatInt(c.ID, 10), c.Name, string(tier), c.Status, c.Company, c.Phone, c.City, strings.Join(c.Tags, ",")}
		if owners != nil {
			cells = append(cells, owners[c.ID])
		}
		t.add(cells...)
		shown++
		return nil
	}); err != nil {
		return err
	}
	if shown == 0 && a.IsTTY {
		// An empty table says nothing: say why, and what to do.
		fmt.Fprint(a.Err, wrapLines(emptyListHint(o)+"\n", a.Width))
		return nil
	}
	if err := t.print(); err != nil {
		return err
	}
	if a.IsTTY && (o.filter.Offset > 0 || o.filter.Limit > 0 && shown == o.filter.Limit) {
		total, err := svc.CountCustomers(ctx, q)
		if err != nil {
			return err
		}
		if total > shown {
			fmt.Fprintf(a.Err, "%d of %d shown; use --limit and --offset to page\n", shown, total)
		}
	}
	return nil
}
