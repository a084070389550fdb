package transfer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/rolo-crm/rolo/store"
)

// notebookKind is one kind of row the notebook holds, as transfer moves
// it: how it is exported, imported on its own (rolo import KIND) and
// restored as part of a whole notebook (rolo import all). A new kind is
// one entry of notebookKinds, in an order where every kind comes after
// the kinds it refers to.
type notebookKind struct {
	name    string
	fields  []string // the exported columns
	export  func(ctx context.Context, st *store.Store, w io.Writer, o ExportOptions) (int, error)
	imp     func(ctx context.Context, st *store.Store, src *source, o ImportOptions, rep Report, pr *problems, fail func() (Report, error)) (Report, error)
	restore func(r *restoring) restoreSink
}

var notebookKinds = []notebookKind{
	{
		name:   "customers",
		fields: exportedNames(customerCols),
		export: func(ctx context.Context, st *store.Store, w io.Writer, o ExportOptions) (int, error) {
			return exportRows(w, customerCols, o, func(emit func(*store.Customer) error) error {
				return st.EachCustomer(ctx, o.Since, func(c store.Customer) error { return emit(&c) })
			})
		},
		imp: func(ctx context.Context, st *store.Store, src *source, o ImportOptions, rep Report, pr *problems, fail func() (Report, error)) (Report, error) {
			header, err := resolveHeader(customerCols, src.shown, o.Map)
			if err != nil {
				return rep, store.Errorf(store.KindInvalid, "%s: %v", o.Name, err)
			}
			return importCustomers(ctx, st, src, header, o, rep, pr, fail)
		},
		restore: restoreCustomers,
	},
	historyKind("purchases", purchaseCols, []string{"date", "amount"}, "日期, 金额",
		func(ctx context.Context, st *store.Store, since string, emit func(*purchaseRow) error) error {
			return st.EachPurchase(ctx, since, func(p store.Purchase, c store.CustomerRef) error {
				return emit(&purchaseRow{Purchase: p, Ref: c})
			})
		},
		func(p *purchaseRow) (*store.CustomerRef, string, *int64) { return &p.Ref, p.Phone, &p.CustomerID },
		func(p *purchaseRow) error { return p.Validate() },
		func(b *store.Bulk, p *purchaseRow) (int64, error) { return b.AddPurchase(&p.Purchase) }),
	historyKind("contacts", contactCols, []string{"at", "kind"}, "时间, 类型",
		func(ctx context.Context, st *store.Store, since string, emit func(*contactRow) error) error {
			return st.EachContact(ctx, since, func(k store.Contact, c store.CustomerRef) error {
				return emit(&contactRow{Contact: k, Ref: c})
			})
		},
		func(k *contactRow) (*store.CustomerRef, string, *int64) { return &k.Ref, k.Phone, &k.CustomerID },
		func(k *contactRow) error { return k.Validate() },
		func(b *store.Bulk, k *contactRow) (int64, error) { return b.AddContact(&k.Contact) }),
	historyKind("followups", followUpCols, []string{"due", "what"}, "到期, 事项",
		func(ctx context.Context, st *store.Store, since string, emit func(*followUpRow) error) error {
			return st.EachFollowUp(ctx, since, func(f store.FollowUp, c store.CustomerRef) error {
				return emit(&followUpRow{FollowUp: f, Ref: c})
			})
		},
		func(f *followUpRow) (*store.CustomerRef, string, *int64) { return &f.Ref, f.Phone, &f.CustomerID },
		func(f *followUpRow) error { return f.Validate() },
		func(b *store.Bulk, f *followUpRow) (int64, error) { return b.AddFollowUp(&f.FollowUp) }),
	historyKind("surveys", surveyCols, []string{"date", "satisfaction", "initiative", "repurchase", "recommend", "resistance"},
		"日期, 满意度, 主动性, 再购意向, 推荐意向, 转换抗拒",
		func(ctx context.Context, st *store.Store, since string, emit func(*surveyRow) error) error {
			return st.EachSurvey(ctx, since, func(v store.Survey, c store.CustomerRef) error {
				return emit(&surveyRow{Survey: v, Ref: c})
			})
		},
		func(v *surveyRow) (*store.CustomerRef, string, *int64) { return &v.Ref, v.Phone, &v.CustomerID },
		func(v *surveyRow) error { return v.Validate() },
		func(b *store.Bulk, v *surveyRow) (int64, error) { return b.AddSurvey(&v.Survey) }),
	paymentsKind,
	eventsKind,
	statusesKind,      // restored with the whole notebook only
	agendaActionsKind, // restored with the whole notebook only
}

func findKind(name string) *notebookKind {
	for i := range notebookKinds {
		if notebookKinds[i].name == name {
			return &notebookKinds[i]
		}
	}
	return nil
}

func exportedNames[T any](cols []col[T]) []string {
	var out []string
	for _, c := range cols {
		if c.get != nil {
			out = append(out, c.name)
		}
	}
	return out
}

func kindNames(importable bool) []string {
	var out []string
	for _, k := range notebookKinds {
		if !importable || k.imp != nil {
			out = append(out, k.name)
		}
	}
	return out
}

// historyKind is a kind whose rows belong to a customer: ref says which
// (the reference read from the file, a phone, and the id to set), check
// validates a row, add writes it.
func historyKind[T any](name string, cols []col[T], required []string, requiredCN string,
	each func(ctx context.Context, st *store.Store, since string, emit func(*T) error) error,
	ref func(*T) (*store.CustomerRef, string, *int64), check func(*T) error,
	add func(*store.Bulk, *T) (int64, error)) notebookKind {
	return notebookKind{
		name:   name,
		fields: exportedNames(cols),
		export: func(ctx context.Context, st *store.Store, w io.Writer, o ExportOptions) (int, error) {
			return exportRows(w, cols, o, func(emit func(*T) error) error { return each(ctx, st, o.Since, emit) })
		},
		imp: func(ctx context.Context, st *store.Store, src *source, o ImportOptions, rep Report, pr *problems, fail func() (Report, error)) (Report, error) {
			return importHistory(ctx, st, src, o, rep, pr, fail, cols, required, requiredCN,
				func(row *T, refs *refIndex) error {
					r, phone, id := ref(row)
					cid, err := refs.resolve(*r, phone)
					if err != nil {
						return err
					}
					*id = cid
					if err := check(row); err != nil {
						return errors.New(cleanErr(err))
					}
					return nil
				},
				func(b *store.Bulk, row *T) error {
					_, err := add(b, row)
					return err
				})
		},
		restore: func(r *restoring) restoreSink {
			return restoreRows(r, name, cols, func(row *T) error {
				ref, _, id := ref(row)
				if !r.customers[ref.ID] {
					return fmt.Errorf("customer_id %d is not a customer of the file", ref.ID)
				}
				*id = r.customerID(ref.ID)
				if x, ok := any(row).(renumbered); ok && r.newIDs {
					x.renumber(r)
				}
				return check(row)
			}, add)
		},
	}
}

// renumbered is a row whose text names another row by its id, rewritten
// when the notebook joins another with new ids.
type renumbered interface{ renumber(r *restoring) }

// renumber: a thank-you follow-up names its purchase or the referred
// customer, so that deleting the purchase takes the thank-you along.
func (f *followUpRow) renumber(r *restoring) {
	f.What = store.RenumberFollowUp(f.What, f.Source, func(id int64) (int64, bool) { return r.rowID("purchases", id) },
		func(id int64) (int64, bool) { to, ok := r.newCust[id]; return to, ok })
}

// followUpRow is a follow-up with the columns that name its customer.
type followUpRow struct {
	store.FollowUp
	Ref   store.CustomerRef
	Phone string
}

var followUpCols = []col[followUpRow]{
	{"id", nil, kInt, func(f *followUpRow) string { return strconv.FormatInt(f.ID, 10) }, nil},
	purchaseRefCol[followUpRow]("customer_id", func(f *followUpRow) *store.CustomerRef { return &f.Ref }),
	{"customer_external_id", []string{"客户编号"}, kText, func(f *followUpRow) string { return f.Ref.ExternalID }, func(f *followUpRow, v string) error { f.Ref.ExternalID = v; return nil }},
	{"customer_name", []string{"客户", "客户名称", "姓名", "customer", "name"}, kText, func(f *followUpRow) string { return f.Ref.Name }, func(f *followUpRow, v string) error { f.Ref.Name = v; return nil }},
	{"customer_phone", []string{"客户电话", "电话", "手机", "phone"}, kText, nil, func(f *followUpRow, v string) error { f.Phone = v; return nil }},
	{"due", []string{"到期", "日期", "跟进日期", "date"}, kDate, func(f *followUpRow) string { return f.Due }, func(f *followUpRow, v string) error { return setDate(&f.Due, v) }},
	{"what", []string{"事项", "内容", "跟进内容", "todo"}, kText, func(f *followUpRow) string { return f.What }, func(f *followUpRow, v string) error { f.What = v; return nil }},
	{"source", []string{"来源"}, kText, func(f *followUpRow) string { return f.Source }, func(f *followUpRow, v string) error { f.Source = v; return nil }},
	{"done_at", []string{"完成时间"}, kDate, func(f *followUpRow) string { return optStr(f.DoneAt) }, func(f *followUpRow, v string) error {
		if strings.TrimSpace(v) == "" {
			f.DoneAt = nil
			return nil
		}
		t, err := parseStamp(v)
		setOptStr(&f.DoneAt, t)
		return err
	}},
	{"created_at", nil, kDate, func(f *followUpRow) string { return f.CreatedAt }, func(f *followUpRow, v string) error { return setStamp(&f.CreatedAt, v) }},
}

// surveyRow is a loyalty survey with the columns that name its customer.
type surveyRow struct {
	store.Survey
	Ref   store.CustomerRef
	Phone string
}

func scoreCol(name string, aliases []string, field func(*surveyRow) *int) col[surveyRow] {
	return col[surveyRow]{name, aliases, kInt, func(v *surveyRow) string { return strconv.Itoa(*field(v)) }, func(v *surveyRow, s string) error {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > 5 {
			return fmt.Errorf("expected a score from 1 to 5, got %q", s)
		}
		*field(v) = n
		return nil
	}}
}

var surveyCols = []col[surveyRow]{
	{"id", nil, kInt, func(v *surveyRow) string { return strconv.FormatInt(v.ID, 10) }, nil},
	purchaseRefCol[surveyRow]("customer_id", func(v *surveyRow) *store.CustomerRef { return &v.Ref }),
	{"customer_external_id", []string{"客户编号"}, kText, func(v *surveyRow) string { return v.Ref.ExternalID }, func(v *surveyRow, s string) error { v.Ref.ExternalID = s; return nil }},
	{"customer_name", []string{"客户", "客户名称", "姓名", "customer", "name"}, kText, func(v *surveyRow) string { return v.Ref.Name }, func(v *surveyRow, s string) error { v.Ref.Name = s; return nil }},
	{"customer_phone", []string{"客户电话", "电话", "手机", "phone"}, kText, nil, func(v *surveyRow, s string) error { v.Phone = s; return nil }},
	{"date", []string{"日期", "调查日期"}, kDate, func(v *surveyRow) string { return v.Date }, func(v *surveyRow, s string) error { return setDate(&v.Date, s) }},
	scoreCol("satisfaction", []string{"满意度"}, func(v *surveyRow) *int { return &v.Satisfaction }),
	scoreCol("initiative", []string{"主动性"}, func(v *surveyRow) *int { return &v.Initiative }),
	scoreCol("repurchase", []string{"再购意向", "复购意向"}, func(v *surveyRow) *int { return &v.Repurchase }),
	scoreCol("recommend", []string{"推荐意向"}, func(v *surveyRow) *int { return &v.Recommend }),
	scoreCol("resistance", []string{"转换抗拒", "抗拒转换"}, func(v *surveyRow) *int { return &v.Resistance }),
	{"note", []string{"备注", "notes"}, kText, func(v *surveyRow) string { return v.Note }, func(v *surveyRow, s string) error { v.Note = s; return nil }},
	{"created_at", nil, kDate, func(v *surveyRow) string { return v.CreatedAt }, func(v *surveyRow, s string) error { return setStamp(&v.CreatedAt, s) }},
}

// paymentRow is a payment after the sale with the columns that name its
// purchase's customer (export only: a payment belongs to its purchase).
type paymentRow struct {
	store.Payment
	Ref store.CustomerRef
}

var paymentCols = []col[paymentRow]{
	{"id", nil, kInt, func(p *paymentRow) string { return strconv.FormatInt(p.ID, 10) }, nil},
	{"purchase_id", []string{"购买编号", "订单编号", "purchase"}, kInt, func(p *paymentRow) string { return strconv.FormatInt(p.PurchaseID, 10) },
		func(p *paymentRow, v string) error {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil || n <= 0 {
				return fmt.Errorf("expected a purchase id, got %q", v)
			}
			p.PurchaseID = n
			return nil
		}},
	// The purchase's customer: checked on import against the purchase the
	// purchase_id names (a payment belongs to its purchase).
	{"customer_id", nil, kInt, func(p *paymentRow) string { return strconv.FormatInt(p.CustomerID, 10) }, func(p *paymentRow, v string) error { return setRefID(&p.Ref, v) }},
	{"customer_external_id", nil, kText, func(p *paymentRow) string { return p.Ref.ExternalID }, func(p *paymentRow, v string) error { p.Ref.ExternalID = v; return nil }},
	{"customer_name", nil, kText, func(p *paymentRow) string { return p.Ref.Name }, func(p *paymentRow, v string) error { p.Ref.Name = v; return nil }},
	{"date", []string{"日期", "回款日期", "付款日期"}, kDate, func(p *paymentRow) string { return p.Date }, func(p *paymentRow, v string) error { return setDate(&p.Date, v) }},
	{"amount", []string{"金额", "回款金额", "付款金额"}, kMoney, func(p *paymentRow) string { return fmtMinor(p.Amount) }, func(p *paymentRow, v string) error {
		m, err := parseMinor(v)
		if err != nil {
			return err
		}
		if m == nil {
			return fmt.Errorf("expected an amount")
		}
		p.Amount = *m
		return nil
	}},
	{"note", []string{"备注", "notes"}, kText, func(p *paymentRow) string { return p.Note }, func(p *paymentRow, v string) error { p.Note = v; return nil }},
	{"created_at", nil, kDate, func(p *paymentRow) string { return p.CreatedAt }, func(p *paymentRow, v string) error { return setStamp(&p.CreatedAt, v) }},
}

// paymentsKind: payments refer to purchases (by id), not to customers.
var paymentsKind = notebookKind{
	name:   "payments",
	fields: exportedNames(paymentCols),
	export: func(ctx context.Context, st *store.Store, w io.Writer, o ExportOptions) (int, error) {
		return exportRows(w, paymentCols, o, func(emit func(*paymentRow) error) error {
			return st.EachPayment(ctx, o.Since, func(p store.Payment, c store.CustomerRef) error {
				return emit(&paymentRow{Payment: p, Ref: c})
			})
		})
	},
	imp: func(ctx context.Context, st *store.Store, src *source, o ImportOptions, rep Report, pr *problems, fail func() (Report, error)) (Report, error) {
		buyers, err := paymentBuyers(ctx, st, src, o)
		if err != nil {
			return rep, err
		}
		return importHistory(ctx, st, src, o, rep, pr, fail, paymentCols, []string{"purchase_id", "date", "amount"}, "购买编号, 日期, 金额",
			func(p *paymentRow, refs *refIndex) error {
				if p.Ref != (store.CustomerRef{}) {
					// A file from another notebook names purchases by its ids:
					// purchase 7 here may be someone else's.
					cust := buyers[p.PurchaseID]
					if cust == 0 {
						return fieldError{"purchase_id", fmt.Errorf("no purchase with id %d; import the purchases first", p.PurchaseID)}
					}
					if err := refs.agree(p.Ref, cust, func() string { return fmt.Sprintf("purchase_id %d was bought by", p.PurchaseID) },
						"correct one of the columns"); err != nil {
						return err
					}
				}
				if err := p.Validate(); err != nil {
					return errors.New(cleanErr(err))
				}
				return nil
			},
			func(b *store.Bulk, p *paymentRow) error {
				_, err := b.AddPayment(&p.Payment)
				return err
			})
	},
	restore: func(r *restoring) restoreSink {
		return restoreRows(r, "payments", paymentCols, func(p *paymentRow) error {
			id, ok := r.rowID("purchases", p.PurchaseID)
			if !ok {
				return fmt.Errorf("purchase_id %d is not a purchase of the file", p.PurchaseID)
			}
			p.PurchaseID = id
			return p.Validate()
		}, func(b *store.Bulk, p *paymentRow) (int64, error) { return b.AddPayment(&p.Payment) })
	},
}

// paymentBuyers reads, when a payments file names customers, the file
// whole and the buyer of every purchase its rows name (0: no such
// purchase), before the import's transaction: on PostgreSQL that
// transaction may lock the purchases until it ends.
func paymentBuyers(ctx context.Context, st *store.Store, src *source, o ImportOptions) (map[int64]int64, error) {
	header, err := resolveHeader(paymentCols, src.shown, o.Map)
	if err != nil || !has(header, "customer_id") && !has(header, "customer_external_id") && !has(header, "customer_name") {
		return nil, nil // importHistory reports a bad header
	}
	if err := src.load(); err != nil {
		return nil, readError(o.Name, err)
	}
	plan := planColumns(paymentCols, header)
	buyers := map[int64]int64{}
	for _, rr := range src.recs {
		// Rows that do not read are reported when importHistory reads them.
		p, _ := parseRow(src, plan, &problems{max: 1}, nil, rr)
		if _, seen := buyers[p.PurchaseID]; seen || p.PurchaseID == 0 || p.Ref == (store.CustomerRef{}) {
			continue
		}
		bought, err := st.Purchase(ctx, p.PurchaseID)
		switch {
		case errors.Is(err, store.ErrNotFound):
		case err != nil:
			return nil, err
		}
		buyers[p.PurchaseID] = bought.CustomerID
	}
	return buyers, nil
}

// eventRow is a dated event with the columns that name its customer.
type eventRow struct {
	store.Event
	Ref   store.CustomerRef
	Phone string
}

var eventCols = []col[eventRow]{
	{"id", nil, kInt, func(e *eventRow) string { return strconv.FormatInt(e.ID, 10) }, nil},
	purchaseRefCol[eventRow]("customer_id", func(e *eventRow) *store.CustomerRef { return &e.Ref }),
	{"customer_external_id", []string{"客户编号"}, kText, func(e *eventRow) string { return e.Ref.ExternalID }, func(e *eventRow, v string) error { e.Ref.ExternalID = v; return nil }},
	{"customer_name", []string{"客户", "客户名称", "姓名", "customer", "name"}, kText, func(e *eventRow) string { return e.Ref.Name }, func(e *eventRow, v string) error { e.Ref.Name = v; return nil }},
	{"customer_phone", []string{"客户电话", "电话", "手机", "phone"}, kText, nil, func(e *eventRow, v string) error { e.Phone = v; return nil }},
	{"what", []string{"事件", "事项", "event"}, kText, func(e *eventRow) string { return e.What }, func(e *eventRow, v string) error { e.What = v; return nil }},
	{"date", []string{"日期"}, kText, func(e *eventRow) string { return e.Date }, func(e *eventRow, v string) error { e.Date = strings.TrimSpace(v); return nil }},
	{"lunar", []string{"农历"}, kBool, func(e *eventRow) string { return fmtBool(e.Lunar) }, func(e *eventRow, v string) (err error) { e.Lunar, err = parseBool(v); return err }},
	{"leap_month", []string{"闰月"}, kBool, func(e *eventRow) string { return fmtBool(e.Leap) }, func(e *eventRow, v string) (err error) { e.Leap, err = parseBool(v); return err }},
	{"once", []string{"一次"}, kBool, func(e *eventRow) string { return fmtBool(e.Once) }, func(e *eventRow, v string) (err error) { e.Once, err = parseBool(v); return err }},
	{"created_at", nil, kDate, func(e *eventRow) string { return e.CreatedAt }, func(e *eventRow, v string) error { return setStamp(&e.CreatedAt, v) }},
}

var eventsKind = historyKind("events", eventCols, []string{"what", "date"}, "事件, 日期",
	func(ctx context.Context, st *store.Store, _ string, emit func(*eventRow) error) error {
		return st.EachEvent(ctx, func(e store.Event, c store.CustomerRef) error { return emit(&eventRow{Event: e, Ref: c}) })
	},
	func(e *eventRow) (*store.CustomerRef, string, *int64) { return &e.Ref, e.Phone, &e.CustomerID },
	func(e *eventRow) error { return e.Validate() },
	func(b *store.Bulk, e *eventRow) (int64, error) { return b.AddEvent(&e.Event) })

// statusRow is a row of the status history (restored with the whole
// notebook; not imported on its own).
type statusRow struct{ store.StatusChange }

var statusCols = []col[statusRow]{
	{"id", nil, kInt, func(h *statusRow) string { return strconv.FormatInt(h.ID, 10) }, nil},
	{"customer_id", nil, kInt, func(h *statusRow) string { return strconv.FormatInt(h.CustomerID, 10) }, func(h *statusRow, v string) (err error) {
		h.CustomerID, err = strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		return err
	}},
	{"status", nil, kText, func(h *statusRow) string { return h.Status }, func(h *statusRow, v string) error { h.Status = v; return nil }},
	{"reason", nil, kText, func(h *statusRow) string { return h.Reason }, func(h *statusRow, v string) error { h.Reason = v; return nil }},
	{"date", nil, kDate, func(h *statusRow) string { return h.Date }, func(h *statusRow, v string) error { return setDate(&h.Date, v) }},
	{"auto", nil, kBool, func(h *statusRow) string { return fmtBool(h.Auto) }, func(h *statusRow, v string) (err error) { h.Auto, err = parseBool(v); return err }},
}

var statusesKind = notebookKind{
	name:   "statuses",
	fields: exportedNames(statusCols),
	export: func(ctx context.Context, st *store.Store, w io.Writer, o ExportOptions) (int, error) {
		return exportRows(w, statusCols, o, func(emit func(*statusRow) error) error {
			return st.EachStatusChange(ctx, o.Since, func(h store.StatusChange, _ store.CustomerRef) error { return emit(&statusRow{h}) })
		})
	},
	restore: func(r *restoring) restoreSink {
		cleared := false
		return restoreRows(r, "status_history", statusCols, func(h *statusRow) error {
			if !r.customers[h.CustomerID] {
				return fmt.Errorf("customer_id %d is not a customer of the file", h.CustomerID)
			}
			h.CustomerID = r.customerID(h.CustomerID)
			return nil
		}, func(b *store.Bulk, h *statusRow) (int64, error) {
			if !cleared {
				// Adding the customers wrote history rows of their own: the file's replace them.
				if err := b.ClearStatusHistory(r.restored); err != nil {
					return 0, err
				}
				cleared = true
			}
			return b.AddStatusChange(&h.StatusChange)
		})
	},
}

// actionRow is a snoozed or dismissed agenda item (restored with the
// whole notebook; not imported on its own).
type actionRow struct{ store.AgendaAction }

var actionCols = []col[actionRow]{
	{"id", nil, kInt, func(a *actionRow) string { return strconv.FormatInt(a.ID, 10) }, nil},
	{"customer_id", nil, kInt, func(a *actionRow) string { return strconv.FormatInt(a.CustomerID, 10) }, func(a *actionRow, v string) (err error) {
		a.CustomerID, err = strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		return err
	}},
	{"reason", nil, kText, func(a *actionRow) string { return a.Reason }, func(a *actionRow, v string) error { a.Reason = v; return nil }},
	{"ref", nil, kInt, func(a *actionRow) string { return strconv.FormatInt(a.Ref, 10) }, func(a *actionRow, v string) (err error) {
		a.Ref, err = strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		return err
	}},
	{"due", nil, kDate, func(a *actionRow) string { return a.Due }, func(a *actionRow, v string) error { return setDate(&a.Due, v) }},
	{"until", nil, kDate, func(a *actionRow) string { return a.Until }, func(a *actionRow, v string) error { return setDate(&a.Until, v) }},
	{"note", nil, kText, func(a *actionRow) string { return a.Note }, func(a *actionRow, v string) error { a.Note = v; return nil }},
	{"created_at", nil, kDate, func(a *actionRow) string { return a.CreatedAt }, func(a *actionRow, v string) error { return setStamp(&a.CreatedAt, v) }},
}

// actionRefTable is the table whose row an agenda action's ref names, by
// the action's reason (agenda.Item.Ref).
var actionRefTable = map[string]string{"follow-up": "followups", "complaint": "contacts", "payment": "purchases", "event": "events"}

var agendaActionsKind = notebookKind{
	name:   "agenda_actions",
	fields: exportedNames(actionCols),
	export: func(ctx context.Context, st *store.Store, w io.Writer, o ExportOptions) (int, error) {
		return exportRows(w, actionCols, o, func(emit func(*actionRow) error) error {
			return st.EachAgendaAction(ctx, func(a store.AgendaAction, _ store.CustomerRef) error { return emit(&actionRow{a}) })
		})
	},
	restore: func(r *restoring) restoreSink {
		return restoreRows(r, "agenda_actions", actionCols, func(a *actionRow) error {
			if !r.customers[a.CustomerID] {
				return fmt.Errorf("customer_id %d is not a customer of the file", a.CustomerID)
			}
			a.CustomerID = r.customerID(a.CustomerID)
			if t := actionRefTable[a.Reason]; t != "" && a.Ref != 0 {
				// A snooze names the follow-up, complaint, debt or event it
				// put off; one whose row is gone (deleted since) names none.
				a.Ref, _ = r.rowID(t, a.Ref)
			}
			return nil
		}, func(b *store.Bulk, a *actionRow) (int64, error) { return b.AddAgendaAction(&a.AgendaAction) })
	},
}
