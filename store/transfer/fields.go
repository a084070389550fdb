// Package transfer moves notebook data in and out: CSV (RFC 4180, with
// line:column errors and spreadsheet-safe cells), JSON, NDJSON, vCard and
// iCalendar. Imports are validated whole before one transaction writes them.
package transfer

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/store"
)

// cellKind says how a column is written and read.
type cellKind int

const (
	kText  cellKind = iota // free text: neutralised in safe CSV
	kInt                   // integer, empty = none
	kMoney                 // a decimal string in the notebook currency in files; minor units (integer text) to get and set; set's errors never quote the value (parseRow quotes the file's)
	kFloat                 // number
	kBool                  // true/false
	kDate                  // ISO date or timestamp (never starts with a formula character)
)

// col is one exported/imported column of rows of type T.
type col[T any] struct {
	name    string
	aliases []string // other header names accepted on import (English and Chinese)
	kind    cellKind
	get     func(*T) string        // nil: import only (not exported)
	set     func(*T, string) error // nil: export only (ignored on import)
}

func optStr(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func setOptStr(p **string, v string) {
	if v == "" {
		*p = nil
		return
	}
	*p = &v
}

func parseBool(v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "0", "false", "no", "n", "否", "公历", "阳历":
		return false, nil
	case "1", "true", "yes", "y", "是", "农历", "阴历":
		return true, nil
	}
	return false, fmt.Errorf("expected true or false (是/否), got %q", v)
}

func fmtBool(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// parseMinor reads a money cell, which the table layer has already turned
// into minor units (integer text); "" is no amount. Its errors leave the
// value out: parseRow quotes what the file says, not minor units.
func parseMinor(v string) (*money.Amount, error) {
	if strings.TrimSpace(v) == "" {
		return nil, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("expected an amount")
	}
	a := money.Amount(n)
	return &a, nil
}

func fmtMinor(a money.Amount) string { return strconv.FormatInt(int64(a), 10) }

func fmtOptMinor(p *money.Amount) string {
	if p == nil {
		return ""
	}
	return fmtMinor(*p)
}

func fmtOptInt(p *int64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatInt(*p, 10)
}

// Customer columns. ID is kept so that a full export imported into an empty
// notebook keeps its ids and every purchase finds its customer.
var customerCols = []col[store.Customer]{
	{"id", []string{"编号", "序号"}, kInt, func(c *store.Customer) string { return strconv.FormatInt(c.ID, 10) },
		func(c *store.Customer, v string) error {
			if v == "" {
				return nil
			}
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				return fmt.Errorf("expected a positive whole number, got %q", v)
			}
			c.ID = n
			return nil
		}},
	{"external_id", []string{"客户编号", "外部编号", "customer id", "customer_id_external"}, kText, func(c *store.Customer) string { return c.ExternalID }, func(c *store.Customer, v string) error { c.ExternalID = v; return nil }},
	{"name", []string{"姓名", "名字", "客户", "客户名称", "联系人", "full name", "fn"}, kText, func(c *store.Customer) string { return c.Name }, func(c *store.Customer, v string) error { c.Name = v; return nil }},
	{"company", []string{"公司", "单位", "公司名称", "organization", "org"}, kText, func(c *store.Customer) string { return c.Company }, func(c *store.Customer, v string) error { c.Company = v; return nil }},
	{"title", []string{"职位", "职务", "头衔", "job title"}, kText, func(c *store.Customer) string { return c.Title }, func(c *store.Customer, v string) error { c.Title = v; return nil }},
	{"phone", []string{"电话", "手机", "手机号", "手机号码", "联系电话", "电话号码", "mobile", "tel", "telephone"}, kText, func(c *store.Customer) string { return c.Phone }, func(c *store.Customer, v string) error { c.Phone = v; return nil }},
	{"email", []string{"邮箱", "电子邮件", "电子邮箱", "e-mail", "mail"}, kText, func(c *store.Customer) string { return c.Email }, func(c *store.Customer, v string) error { c.Email = v; return nil }},
	{"wechat", []string{"微信", "微信号"}, kText, func(c *store.Customer) string { return c.WeChat }, func(c *store.Customer, v string) error { c.WeChat = v; return nil }},
	{"address", []string{"地址", "住址"}, kText, func(c *store.Customer) string { return c.Address }, func(c *store.Customer, v string) error { c.Address = v; return nil }},
	{"city", []string{"城市", "地区", "region"}, kText, func(c *store.Customer) string { return c.City }, func(c *store.Customer, v string) error { c.City = v; return nil }},
	{"birthday", []string{"生日", "出生日期", "birth date", "bday"}, kDate, func(c *store.Customer) string { return c.Birthday }, setBirthday},
	{"birthday_lunar", []string{"农历", "农历生日", "lunar"}, kBool, func(c *store.Customer) string { return fmtBool(c.BirthdayLunar) }, func(c *store.Customer, v string) error {
		b, err := parseBool(v)
		c.BirthdayLunar = c.BirthdayLunar || b
		return err
	}},
	{"birthday_leap_month", []string{"闰月"}, kBool, func(c *store.Customer) string { return fmtBool(c.BirthdayLeap) }, func(c *store.Customer, v string) error {
		b, err := parseBool(v)
		c.BirthdayLeap = b
		return err
	}},
	{"gender", []string{"性别", "sex"}, kText, func(c *store.Customer) string { return c.Gender }, func(c *store.Customer, v string) error { c.Gender = v; return nil }},
	{"occupation", []string{"职业"}, kText, func(c *store.Customer) string { return c.Occupation }, func(c *store.Customer, v string) error { c.Occupation = v; return nil }},
	{"source", []string{"来源", "渠道来源"}, kText, func(c *store.Customer) string { return c.Source }, func(c *store.Customer, v string) error { c.Source = v; return nil }},
	{"referred_by", []string{"推荐人编号"}, kInt, func(c *store.Customer) string { return fmtOptInt(c.ReferredBy) }, nil}, // resolved by the importer
	{"status", []string{"状态"}, kText, func(c *store.Customer) string { return c.Status }, func(c *store.Customer, v string) error {
		c.Status = statusAlias(v)
		return nil
	}},
	{"lost_reason", []string{"流失原因"}, kText, func(c *store.Customer) string { return c.LostReason }, func(c *store.Customer, v string) error { c.LostReason = v; return nil }},
	{"attitude", []string{"态度"}, kText, func(c *store.Customer) string { return c.Attitude }, func(c *store.Customer, v string) error { c.Attitude = v; return nil }},
	{"preferences", []string{"偏好", "喜好", "爱好"}, kText, func(c *store.Customer) string { return c.Preferences }, func(c *store.Customer, v string) error { c.Preferences = v; return nil }},
	{"needs", []string{"需求"}, kText, func(c *store.Customer) string { return c.Needs }, func(c *store.Customer, v string) error { c.Needs = v; return nil }},
	{"notes", []string{"备注", "说明", "note", "comments"}, kText, func(c *store.Customer) string { return c.Notes }, func(c *store.Customer, v string) error { c.Notes = v; return nil }},
	{"tags", []string{"标签", "tag"}, kText, func(c *store.Customer) string { return strings.Join(c.Tags, ",") }, func(c *store.Customer, v string) error {
		c.Tags = nil
		if v != "" {
			c.Tags = strings.Split(v, ",")
		}
		return nil
	}},
	{"custom", []string{"自定义"}, kText, func(c *store.Customer) string {
		if len(c.Custom) == 0 {
			return ""
		}
		b, _ := json.Marshal(c.Custom)
		return string(b)
	}, func(c *store.Customer, v string) error {
		c.Custom = map[string]string{}
		if v == "" {
			return nil
		}
		if err := json.Unmarshal([]byte(v), &c.Custom); err != nil {
			return fmt.Errorf(`expected a JSON object of texts such as {"car":"Tesla"}`)
		}
		return nil
	}},
	{"cadence_days", []string{"联系周期"}, kInt, func(c *store.Customer) string {
		if c.CadenceDays == nil {
			return ""
		}
		return strconv.Itoa(*c.CadenceDays)
	}, func(c *store.Customer, v string) error {
		if v == "" {
			c.CadenceDays = nil
			return nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return fmt.Errorf("expected a number of days, got %q", v)
		}
		c.CadenceDays = &n
		return nil
	}},
	{"created_at", []string{"创建时间"}, kDate, func(c *store.Customer) string { return c.CreatedAt }, func(c *store.Customer, v string) error { return setStamp(&c.CreatedAt, v) }},
	{"updated_at", nil, kDate, func(c *store.Customer) string { return c.UpdatedAt }, func(c *store.Customer, v string) error { return setStamp(&c.UpdatedAt, v) }},
	{"archived_at", nil, kDate, func(c *store.Customer) string { return optStr(c.ArchivedAt) }, func(c *store.Customer, v string) error {
		if v == "" {
			c.ArchivedAt = nil
			return nil
		}
		t, err := parseStamp(v)
		setOptStr(&c.ArchivedAt, t)
		return err
	}},
}

func statusAlias(v string) string {
	switch strings.TrimSpace(v) {
	case "潜在", "潜在客户":
		return "prospect"
	case "活跃", "正常", "在用":
		return "active"
	case "沉睡", "流失中":
		return "lapsed"
	case "流失", "已流失":
		return "lost"
	case "挽回", "已挽回":
		return "won_back"
	case "放弃":
		return "dropped"
	}
	return strings.ToLower(strings.TrimSpace(v))
}

func setStamp(dst *string, v string) error {
	if v == "" {
		*dst = ""
		return nil
	}
	t, err := parseStamp(v)
	*dst = t
	return err
}

// setBirthday reads a birthday column (see ParseBirthday); a 农历 prefix
// makes it lunar.
func setBirthday(c *store.Customer, v string) error {
	b, lunar, err := ParseBirthday(v, c.BirthdayLunar)
	if err != nil {
		return err
	}
	c.Birthday, c.BirthdayLunar = b, c.BirthdayLunar || lunar
	return nil
}

// ParseBirthday reads a birthday as people and spreadsheets write it —
// YYYY-MM-DD, --MM-DD, MM-DD, 1980/5/3, 1980年5月3日, 5月3日, with a
// 农历 or lunar: prefix for a lunar one — for rolo import and for
// rolo add and edit alike. It returns the birthday as rolo stores it
// (YYYY-MM-DD, or --MM-DD without a year; "" for none) and whether the
// prefix made it lunar; lunar says it is known to be lunar already. A day
// only a lunar month has (--02-30) is taken either way, for the lunar flag
// may come later (a later column): Customer.Validate checks the two
// together.
func ParseBirthday(v string, lunar bool) (string, bool, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", false, nil
	}
	prefixed := false
	for _, p := range []string{"农历", "lunar:", "lunar "} {
		if strings.HasPrefix(strings.ToLower(v), p) {
			v = strings.TrimSpace(v[len(p):])
			prefixed = true
		}
	}
	if !strings.HasPrefix(v, "--") {
		if d, err := parseDay(v); err == nil {
			v = d // 1980/8/15, 1980年8月15日, a spreadsheet's 1980/08/15 00:00:00
		}
	}
	v = strings.NewReplacer("年", "-", "月", "-", "日", "").Replace(v)
	b, err := store.ParseBirthday(v, lunar || prefixed)
	if err != nil {
		// The lunar flag may come later: accept day 30 now, validate later.
		if lb, lerr := store.ParseBirthday(v, true); lerr == nil {
			return lb.String(), prefixed, nil
		}
		return "", false, fmt.Errorf("expected a birthday such as 1980-08-15, --08-15 or 8月15日 (no year), got %q", v)
	}
	return b.String(), prefixed, nil
}

// purchaseRow is a purchase with the columns that name its customer.
type purchaseRow struct {
	store.Purchase
	Ref   store.CustomerRef
	Phone string
}

var purchaseCols = []col[purchaseRow]{
	{"id", nil, kInt, func(p *purchaseRow) string { return strconv.FormatInt(p.ID, 10) }, nil},
	purchaseRefCol[purchaseRow]("customer_id", func(p *purchaseRow) *store.CustomerRef { return &p.Ref }),
	{"customer_external_id", []string{"客户编号"}, kText, func(p *purchaseRow) string { return p.Ref.ExternalID }, func(p *purchaseRow, v string) error { p.Ref.ExternalID = v; return nil }},
	{"customer_name", []string{"客户", "客户名称", "姓名", "customer", "name"}, kText, func(p *purchaseRow) string { return p.Ref.Name }, func(p *purchaseRow, v string) error { p.Ref.Name = v; return nil }},
	{"customer_phone", []string{"客户电话", "电话", "手机", "phone"}, kText, nil, func(p *purchaseRow, v string) error { p.Phone = v; return nil }},
	{"date", []string{"日期", "购买日期", "销售日期", "下单日期"}, kDate, func(p *purchaseRow) string { return p.Date }, func(p *purchaseRow, v string) error { return setDate(&p.Date, v) }},
	{"item", []string{"商品", "产品", "品名", "商品名称", "product"}, kText, func(p *purchaseRow) string { return p.Item }, func(p *purchaseRow, v string) error { p.Item = v; return nil }},
	{"quantity", []string{"数量", "qty"}, kFloat, func(p *purchaseRow) string { return strconv.FormatFloat(p.Quantity, 'f', -1, 64) }, func(p *purchaseRow, v string) error {
		if v == "" {
			p.Quantity = 1
			return nil
		}
		q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || q < 0 {
			return fmt.Errorf("expected a quantity of zero or more, got %q", v)
		}
		p.Quantity = q
		return nil
	}},
	{"amount", []string{"金额", "销售额", "总价", "价格", "total"}, kMoney, func(p *purchaseRow) string { return fmtMinor(p.Amount) }, func(p *purchaseRow, v string) error {
		m, err := parseMinor(v)
		if err != nil {
			return err
		}
		if m == nil {
			return fmt.Errorf("expected an amount, got nothing")
		}
		if *m < 0 {
			return fmt.Errorf("expected an amount of zero or more")
		}
		p.Amount = *m
		return nil
	}},
	{"cost", []string{"成本"}, kMoney, func(p *purchaseRow) string { return fmtOptMinor(p.Cost) }, func(p *purchaseRow, v string) error {
		m, err := parseMinor(v)
		p.Cost = m
		return err
	}},
	{"paid", []string{"已付", "回款", "已收款", "实收"}, kMoney, func(p *purchaseRow) string { return fmtOptMinor(p.Paid) }, func(p *purchaseRow, v string) error {
		m, err := parseMinor(v)
		p.Paid = m
		return err
	}},
	{"channel", []string{"渠道", "购买渠道"}, kText, func(p *purchaseRow) string { return p.Channel }, func(p *purchaseRow, v string) error { p.Channel = v; return nil }},
	{"special_requests", []string{"特殊要求", "要求"}, kText, func(p *purchaseRow) string { return p.SpecialRequests }, func(p *purchaseRow, v string) error { p.SpecialRequests = v; return nil }},
	{"mood", []string{"心情", "表情", "情绪"}, kText, func(p *purchaseRow) string { return p.Mood }, func(p *purchaseRow, v string) error { p.Mood = v; return nil }},
	{"next_date", []string{"下次购买", "预计下次购买", "下次购买日期"}, kDate, func(p *purchaseRow) string { return p.NextDate }, func(p *purchaseRow, v string) error { return setDate(&p.NextDate, v) }},
	{"note", []string{"备注", "notes"}, kText, func(p *purchaseRow) string { return p.Note }, func(p *purchaseRow, v string) error { p.Note = v; return nil }},
	{"created_at", nil, kDate, func(p *purchaseRow) string { return p.CreatedAt }, func(p *purchaseRow, v string) error { return setStamp(&p.CreatedAt, v) }},
}

func setDate(dst *string, v string) error {
	v = strings.TrimSpace(v)
	if v == "" {
		*dst = ""
		return nil
	}
	t, err := parseDay(v)
	if err != nil {
		return err
	}
	*dst = t
	return nil
}

// contactRow is a contact with the columns that name its customer.
type contactRow struct {
	store.Contact
	Ref   store.CustomerRef
	Phone string
}

var kindAliases = map[string]string{
	"拜访": "visit", "上门": "visit", "电话": "call", "通话": "call", "消息": "message", "微信": "message", "短信": "message",
	"邮件": "email", "会议": "meeting", "礼物": "gift", "送礼": "gift", "问候": "greeting", "祝福": "greeting",
	"反馈": "feedback", "投诉": "complaint",
}

var contactCols = []col[contactRow]{
	{"id", nil, kInt, func(k *contactRow) string { return strconv.FormatInt(k.ID, 10) }, nil},
	purchaseRefCol[contactRow]("customer_id", func(k *contactRow) *store.CustomerRef { return &k.Ref }),
	{"customer_external_id", []string{"客户编号"}, kText, func(k *contactRow) string { return k.Ref.ExternalID }, func(k *contactRow, v string) error { k.Ref.ExternalID = v; return nil }},
	{"customer_name", []string{"客户", "客户名称", "姓名", "customer", "name"}, kText, func(k *contactRow) string { return k.Ref.Name }, func(k *contactRow, v string) error { k.Ref.Name = v; return nil }},
	{"customer_phone", []string{"客户电话", "电话号码", "phone"}, kText, nil, func(k *contactRow, v string) error { k.Phone = v; return nil }},
	{"at", []string{"时间", "日期", "联系时间", "date", "when"}, kDate, func(k *contactRow) string { return k.At }, func(k *contactRow, v string) error {
		t, err := parseStamp(v)
		k.At = t
		return err
	}},
	{"kind", []string{"类型", "方式", "联系方式"}, kText, func(k *contactRow) string { return k.Kind }, func(k *contactRow, v string) error {
		v = strings.TrimSpace(v)
		if a, ok := kindAliases[v]; ok {
			v = a
		}
		k.Kind = strings.ToLower(v)
		return nil
	}},
	{"summary", []string{"内容", "摘要", "记录", "text"}, kText, func(k *contactRow) string { return k.Summary }, func(k *contactRow, v string) error { k.Summary = v; return nil }},
	{"complaint_status", []string{"投诉状态"}, kText, func(k *contactRow) string { return k.ComplaintStatus }, func(k *contactRow, v string) error {
		switch strings.TrimSpace(v) {
		case "未解决", "处理中":
			v = "open"
		case "已解决":
			v = "resolved"
		}
		k.ComplaintStatus = v
		return nil
	}},
	{"resolved_at", []string{"解决时间"}, kDate, func(k *contactRow) string { return optStr(k.ResolvedAt) }, func(k *contactRow, v string) error {
		if v == "" {
			k.ResolvedAt = nil
			return nil
		}
		t, err := parseStamp(v)
		setOptStr(&k.ResolvedAt, t)
		return err
	}},
	{"created_at", nil, kDate, func(k *contactRow) string { return k.CreatedAt }, func(k *contactRow, v string) error { return setStamp(&k.CreatedAt, v) }},
}

func purchaseRefCol[T any](name string, ref func(*T) *store.CustomerRef) col[T] {
	return col[T]{name, []string{"客户id"}, kInt, func(r *T) string { return strconv.FormatInt(ref(r).ID, 10) },
		func(r *T, v string) error { return setRefID(ref(r), v) }}
}

// setRefID reads a customer_id cell ("" for none) into a row's reference.
func setRefID(ref *store.CustomerRef, v string) error {
	if v == "" {
		return nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return fmt.Errorf("expected a customer id, got %q", v)
	}
	ref.ID = n
	return nil
}

// validText rejects invalid UTF-8 so exports stay byte-exact.
func validText(v string) error {
	if !utf8.ValidString(v) {
		return fmt.Errorf("not valid UTF-8 text; save the file as UTF-8")
	}
	return nil
}
