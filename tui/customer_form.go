package tui

import (
	"context"
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/store/transfer"
)

var birthdayKinds = []choice{{"solar", "solar 公历"}, {"lunar", "lunar 农历"}, {"leap", "lunar, leap month 闰月"}}

func statusChoices() []choice {
	out := make([]choice, len(store.Statuses))
	for i, s := range store.Statuses {
		out[i] = choice{s, s}
	}
	return out
}

// customerForm adds a customer (was nil) or edits one's profile. Adding
// someone whose phone or email is already in the notebook asks first.
func customerForm(sh *shared, title string, was *store.Customer) *form {
	var c store.Customer
	if was != nil {
		c = *was
	}
	bkind := "solar"
	switch {
	case c.BirthdayLeap:
		bkind = "leap"
	case c.BirthdayLunar:
		bkind = "lunar"
	}
	status := c.Status
	if status == "" {
		status = "prospect"
	}
	return newForm(sh, title, []field{
		{label: "Name", value: c.Name, placeholder: "王小明"},
		{label: "Company", value: c.Company, placeholder: "(optional)"},
		{label: "Phone", value: c.Phone, placeholder: "13800138000"},
		{label: "Email", value: c.Email, placeholder: "(optional)"},
		{label: "WeChat", value: c.WeChat, placeholder: "(optional)"},
		{label: "City", value: c.City, placeholder: "杭州"},
		{label: "Birthday", value: c.Birthday, placeholder: "1980-08-15, 8月15日 or --08-15 without the year"},
		{label: "Calendar", value: bkind, choices: birthdayKinds},
		{label: "Status", value: status, choices: statusChoices()},
		{label: "Tags", value: strings.Join(c.Tags, ","), placeholder: "vip,茶友"},
		{label: "Preferences", value: c.Preferences, placeholder: "what they like"},
		{label: "Needs", value: c.Needs, placeholder: "what they need"},
		{label: "Notes", value: c.Notes, placeholder: "(optional)"},
	}, func(v []string) (tea.Cmd, error) {
		apply := func(c *store.Customer) error {
			c.Name, c.Company, c.Phone, c.Email, c.WeChat, c.City = strings.TrimSpace(v[0]), v[1], v[2], v[3], v[4], v[5]
			// As rolo add and import read it: 1980/8/15, 8月15日, 农历8月15日.
			b, prefixed, err := transfer.ParseBirthday(v[6], v[7] != "solar")
			if err != nil {
				return fmt.Errorf("birthday: %w", err)
			}
			c.Birthday = b
			c.BirthdayLunar, c.BirthdayLeap = (v[7] != "solar" || prefixed) && b != "", v[7] == "leap" && b != ""
			c.Status = v[8]
			c.Tags = nil
			if strings.TrimSpace(v[9]) != "" {
				c.Tags = strings.Split(v[9], ",")
			}
			c.Preferences, c.Needs, c.Notes = v[10], v[11], v[12]
			return nil
		}
		probe := c
		if err := apply(&probe); err != nil {
			return nil, err
		}
		// A phone or email kept as it was is not checked again: a customer
		// an older rolo stored unchecked stays editable (as rolo edit).
		if err := probe.ValidateEdit(was); err != nil {
			return nil, err
		}
		st := sh.st
		if was != nil {
			old := *was
			save := sh.write("profile saved", func(ctx context.Context) (func(context.Context) error, error) {
				_, err := st.UpdateCustomer(ctx, old.ID, apply)
				return func(ctx context.Context) error {
					_, err := st.UpdateCustomer(ctx, old.ID, func(x *store.Customer) error { *x = old; return nil })
					return err
				}, err
			})
			// A phone or email new to them and another customer's: asked,
			// as when adding (and as rolo edit does).
			ctx := sh.ctx
			return func() tea.Msg {
				d, err := st.DuplicateOf(ctx, probe, &old)
				if err != nil {
					return statusMsg{err: err}
				}
				if d != nil {
					return askMsg{question: fmt.Sprintf("%s is already the %s of %s (#%d). Give it to %s too?", clean(d.Value), d.Field,
						clean(d.Customer.Name), d.Customer.ID, clean(probe.Name)), yes: save}
				}
				return save()
			}, nil
		}
		ctx := sh.ctx
		add := func() tea.Msg {
			added, err := st.AddCustomer(ctx, probe)
			if err != nil {
				return savedMsg{err: err}
			}
			return savedMsg{what: clean(added.Name) + " added", open: added.ID,
				undo: func(ctx context.Context) error { return st.PurgeCustomer(ctx, added.ID) }}
		}
		return func() tea.Msg {
			d, err := st.DuplicateOf(ctx, probe, nil)
			if err != nil {
				return statusMsg{err: err}
			}
			if d != nil {
				return askMsg{question: fmt.Sprintf("%s is already the %s of %s (#%d). Add %s anyway?", clean(d.Value), d.Field,
					clean(d.Customer.Name), d.Customer.ID, clean(probe.Name)), yes: add}
			}
			return add()
		}, nil
	})
}
