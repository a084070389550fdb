package tui

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/store"
)

// contactKinds are the kinds of contact with their Chinese names, for the
// picker.
var contactKinds = []choice{
	{"call", "call 电话"}, {"visit", "visit 拜访"}, {"message", "message 微信/短信"}, {"email", "email 邮件"},
	{"meeting", "meeting 会议"}, {"gift", "gift 礼物"}, {"greeting", "greeting 问候"}, {"feedback", "feedback 反馈"},
	{"complaint", "complaint 投诉"},
}

// contactLabel is how the card names a contact's kind: a complaint's
// status (open, resolved) first, where a narrow column cannot cut it off.
func contactLabel(kind, complaintStatus string) string {
	if complaintStatus != "" {
		return clean(complaintStatus) + " " + kindLabel(kind)
	}
	return kindLabel(kind)
}

// kindLabel is a contact kind with its Chinese name.
func kindLabel(kind string) string {
	for _, c := range contactKinds {
		if c.value == kind {
			return c.label
		}
	}
	return kind
}

func (s *accountScreen) amount(what, v string, empty money.Amount) (money.Amount, error) {
	if strings.TrimSpace(v) == "" {
		return empty, nil
	}
	a, err := s.sh.cur.Parse(v)
	if err != nil {
		return 0, fmt.Errorf("%s: %v", what, err)
	}
	if a < 0 {
		return 0, fmt.Errorf("%s must be zero or more", what)
	}
	return a, nil
}

func (s *accountScreen) optAmount(what, v string) (*money.Amount, error) {
	if strings.TrimSpace(v) == "" {
		return nil, nil
	}
	a, err := s.amount(what, v, 0)
	return &a, err
}

func (s *accountScreen) fmtOpt(a *money.Amount) string {
	if a == nil {
		return ""
	}
	return s.sh.cur.Format(*a)
}

// purchaseForm records a purchase, or corrects one (was not nil).
func (s *accountScreen) purchaseForm(was *store.Purchase) *form {
	today, cur := s.sh.today, s.sh.cur
	p := store.Purchase{CustomerID: s.id, Quantity: 1}
	title := "Add a purchase for " + clean(s.data.Customer.Name)
	qty := ""
	if was != nil {
		p = *was
		title = fmt.Sprintf("Correct purchase %d of %s", p.ID, clean(s.data.Customer.Name))
		qty = strconv.FormatFloat(p.Quantity, 'f', -1, 64)
	}
	val := func(v string) string { return map[bool]string{true: v}[was != nil] }
	return newForm(s.sh, title, []field{
		{label: "Amount", value: val(cur.Format(p.Amount)), placeholder: cur.Example()},
		{label: "Item", value: p.Item, placeholder: "普洱茶饼"},
		{label: "Quantity", value: qty, placeholder: "1"},
		{label: "Date", value: val(p.Date), placeholder: "today; or 2026-11-01, yesterday, -3d"},
		{label: "Cost", value: s.fmtOpt(p.Cost), placeholder: "your cost, for profit (optional)"},
		{label: "Paid", value: s.fmtOpt(p.Paid), placeholder: "in full; or what was collected"},
		{label: "Channel", value: p.Channel, placeholder: "shop, wechat, online (optional)"},
		{label: "Mood", value: p.Mood, placeholder: "how they were (optional)"},
		{label: "Requests", value: p.SpecialRequests, placeholder: "gift wrap (optional)"},
		{label: "Next purchase", value: p.NextDate, placeholder: "+3m, 2027-02-01 (optional)"},
		{label: "Note", value: p.Note, placeholder: "(optional)"},
	}, func(v []string) (tea.Cmd, error) {
		var err error
		if strings.TrimSpace(v[0]) == "" {
			return nil, fmt.Errorf("the amount is missing")
		}
		if p.Amount, err = s.amount("amount", v[0], 0); err != nil {
			return nil, err
		}
		p.Item = v[1]
		p.Quantity = 1
		if q := strings.TrimSpace(v[2]); q != "" {
			if p.Quantity, err = strconv.ParseFloat(q, 64); err != nil || p.Quantity <= 0 {
				return nil, fmt.Errorf("the quantity must be a number more than zero")
			}
		}
		d := today
		if strings.TrimSpace(v[3]) != "" {
			if d, err = store.ParseWhen(v[3], today); err != nil {
				return nil, err
			}
		}
		if d.After(today) {
			return nil, fmt.Errorf("%s is in the future; record a purchase when it is made", d.Format(store.DateLayout))
		}
		p.Date = d.Format(store.DateLayout)
		if p.Cost, err = s.optAmount("cost", v[4]); err != nil {
			return nil, err
		}
		if p.Paid, err = s.optAmount("paid", v[5]); err != nil {
			return nil, err
		}
		if p.Paid != nil && *p.Paid > p.Amount {
			return nil, fmt.Errorf("paid %s is more than the amount %s; later payments go in with p", cur.Format(*p.Paid), cur.Format(p.Amount))
		}
		p.Channel, p.Mood, p.SpecialRequests = v[6], v[7], v[8]
		p.NextDate = ""
		if strings.TrimSpace(v[9]) != "" {
			n, err := store.ParseWhen(v[9], d)
			if err != nil {
				return nil, err
			}
			p.NextDate = n.Format(store.DateLayout)
		}
		p.Note = v[10]
		if err := p.Validate(); err != nil {
			return nil, err
		}
		st := s.sh.st
		if was == nil {
			ctx := s.sh.ctx
			return func() tea.Msg {
				added, thanks, err := st.AddPurchase(ctx, p)
				if err != nil {
					return savedMsg{err: err}
				}
				what := "purchase recorded: " + cur.Grouped(p.Amount)
				if thanks != nil {
					what += "; thank-you follow-up " + thanks.Due
				}
				return savedMsg{what: what, undo: func(ctx context.Context) error {
					if thanks != nil {
						if _, err := st.DeleteFollowUp(ctx, thanks.ID); err != nil {
							return err
						}
					}
					_, _, err := st.DeletePurchase(ctx, added.ID)
					return err
				}}
			}, nil
		}
		old := *was
		return s.sh.write(fmt.Sprintf("purchase %d corrected", p.ID), func(ctx context.Context) (func(context.Context) error, error) {
			_, err := st.UpdatePurchase(ctx, p.ID, func(x *store.Purchase) error { *x = p; return nil })
			return func(ctx context.Context) error {
				_, err := st.UpdatePurchase(ctx, old.ID, func(x *store.Purchase) error { *x = old; return nil })
				return err
			}, err
		}), nil
	})
}

// contactForm logs a contact, or corrects one (was not nil).
func (s *accountScreen) contactForm(was *store.Contact, kind string) *form {
	k := store.Contact{CustomerID: s.id, Kind: kind}
	title := "Log a contact with " + clean(s.data.Customer.Name)
	when := ""
	if was != nil {
		k = *was
		when = localDay(k.At, s.sh.loc)
		title = fmt.Sprintf("Correct the %s of %s", k.Kind, when)
	}
	return newForm(s.sh, title, []field{
		{label: "Kind", value: k.Kind, choices: contactKinds},
		{label: "Summary", value: k.Summary, placeholder: "what happened"},
		{label: "When", value: when, placeholder: "now; or 09:30, 下午3点, yesterday 15:30, 2026-11-20, -2d"},
	}, func(v []string) (tea.Cmd, error) {
		k.Kind, k.Summary = v[0], v[1]
		switch w := strings.TrimSpace(v[2]); {
		case w == "" && was == nil:
			at, err := s.sh.contactTime("")
			if err != nil {
				return nil, err
			}
			k.At = at
		case w != "" && w != when:
			at, err := s.sh.contactTime(w)
			if err != nil {
				return nil, err
			}
			k.At = at
		}
		if k.Kind == "complaint" && k.ComplaintStatus == "" {
			k.ComplaintStatus = "open"
		}
		if k.Kind != "complaint" {
			k.ComplaintStatus, k.ResolvedAt = "", nil
		}
		if err := k.Validate(); err != nil {
			return nil, err
		}
		st := s.sh.st
		if was == nil {
			return s.sh.write(k.Kind+" logged", func(ctx context.Context) (func(context.Context) error, error) {
				added, err := st.AddContact(ctx, k)
				return func(ctx context.Context) error { _, err := st.DeleteContact(ctx, added.ID); return err }, err
			}), nil
		}
		old := *was
		return s.sh.write(k.Kind+" corrected", func(ctx context.Context) (func(context.Context) error, error) {
			_, err := st.UpdateContact(ctx, k.ID, func(x *store.Contact) error { *x = k; return nil })
			return func(ctx context.Context) error {
				_, err := st.UpdateContact(ctx, old.ID, func(x *store.Contact) error { *x = old; return nil })
				return err
			}, err
		}), nil
	})
}

// contactTime is when a contact typed as w happened, as the notebook
// keeps it (store.ContactMoment, as rolo log --at): "" is now.
func (sh *shared) contactTime(w string) (string, error) {
	return store.ContactMoment(w, sh.today, sh.now(), sh.loc)
}

// followForm schedules a follow-up, or corrects one (was not nil).
func (s *accountScreen) followForm(was *store.FollowUp) *form {
	today := s.sh.today
	f := store.FollowUp{CustomerID: s.id}
	title := "Schedule a follow-up with " + clean(s.data.Customer.Name)
	if was != nil {
		f = *was
		title = "Correct the follow-up"
	}
	return newForm(s.sh, title, []field{
		{label: "When", value: f.Due, placeholder: "in a week; or 2026-12-01, +3d, next monday, 下周一"},
		{label: "What", value: f.What, placeholder: "send the new catalogue"},
	}, func(v []string) (tea.Cmd, error) {
		d := today.AddDate(0, 0, 7)
		if strings.TrimSpace(v[0]) != "" {
			var err error
			if d, err = store.ParseWhen(v[0], today); err != nil {
				return nil, err
			}
		}
		f.Due, f.What = d.Format(store.DateLayout), v[1]
		if err := f.Validate(); err != nil {
			return nil, err
		}
		st := s.sh.st
		if was == nil {
			return s.sh.write("follow-up scheduled for "+f.Due, func(ctx context.Context) (func(context.Context) error, error) {
				added, err := st.AddFollowUp(ctx, f)
				return func(ctx context.Context) error { _, err := st.DeleteFollowUp(ctx, added.ID); return err }, err
			}), nil
		}
		old := *was
		return s.sh.write("follow-up corrected", func(ctx context.Context) (func(context.Context) error, error) {
			_, err := st.UpdateFollowUp(ctx, f.ID, func(x *store.FollowUp) error { *x = f; return nil })
			return func(ctx context.Context) error {
				_, err := st.UpdateFollowUp(ctx, old.ID, func(x *store.FollowUp) error { *x = old; return nil })
				return err
			}, err
		}), nil
	})
}

// payForm records a payment after the sale: for the selected purchase, or
// the oldest unpaid ones first.
func (s *accountScreen) payForm(on *store.Purchase) *form {
	today, cur := s.sh.today, s.sh.cur
	var owed money.Amount
	var purchase int64
	title := "Record a payment from " + clean(s.data.Customer.Name)
	if on != nil {
		for _, d := range s.data.Debts {
			if d.PurchaseID == on.ID {
				owed, purchase = d.Outstanding, on.ID
				title += fmt.Sprintf(" for purchase %d", on.ID)
			}
		}
	}
	if purchase == 0 { // the oldest unpaid purchases first
		for _, d := range s.data.Debts {
			owed += d.Outstanding
		}
	}
	return newForm(s.sh, title, []field{
		{label: "Amount", placeholder: cur.Format(owed) + " (all that is owed)"},
		{label: "Date", placeholder: "today"},
		{label: "Note", placeholder: "bank transfer, cash (optional)"},
	}, func(v []string) (tea.Cmd, error) {
		amount, err := s.amount("amount", v[0], owed)
		if err != nil {
			return nil, err
		}
		d := today
		if strings.TrimSpace(v[1]) != "" {
			if d, err = store.ParseWhen(v[1], today); err != nil {
				return nil, err
			}
		}
		st, id := s.sh.st, s.id
		return s.sh.write("payment recorded: "+cur.Grouped(amount), func(ctx context.Context) (func(context.Context) error, error) {
			pays, err := st.Pay(ctx, id, amount, d, purchase, v[2])
			return func(ctx context.Context) error {
				for _, p := range pays {
					if err := st.DeletePayment(ctx, p.ID); err != nil {
						return err
					}
				}
				return nil
			}, err
		}), nil
	})
}

// profileForm edits the customer's profile.
func (s *accountScreen) profileForm() *form {
	c := s.data.Customer
	return customerForm(s.sh, "Edit "+clean(c.Name), &c)
}

// eventKinds are how an event repeats and which calendar its date is in.
var eventKinds = []choice{{"yearly", "every year 每年"}, {"lunar", "every year, lunar date 农历"}, {"once", "once 一次"},
	{"lunar-once", "once, lunar date 农历一次"}}

// eventForm records a dated personal event: an anniversary, a child's
// exam, 婚庆喜事.
func (s *accountScreen) eventForm() *form {
	return newForm(s.sh, "Add an event for "+clean(s.data.Customer.Name), []field{
		{label: "What", placeholder: "wedding anniversary, 女儿高考, 公司周年"},
		{label: "Date", placeholder: "2015-10-01, or 10-01 when the year does not matter"},
		{label: "Repeats", value: "yearly", choices: eventKinds},
	}, func(v []string) (tea.Cmd, error) {
		e := store.Event{CustomerID: s.id, What: v[0], Date: v[1], Lunar: strings.HasPrefix(v[2], "lunar"),
			Once: strings.HasSuffix(v[2], "once")}
		if err := e.Validate(); err != nil {
			return nil, err
		}
		st := s.sh.st
		return s.sh.write("event added: "+e.What, func(ctx context.Context) (func(context.Context) error, error) {
			added, err := st.AddEvent(ctx, e)
			return func(ctx context.Context) error { _, err := st.DeleteEvent(ctx, added.ID); return err }, err
		}), nil
	})
}
