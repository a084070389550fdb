// Package demo generates a realistic sample notebook: Chinese and Latin
// names, companies, cities, solar and lunar birthdays, a skewed purchase
// history over several years with a few key accounts, referrals, contacts,
// complaints, lapsed customers and follow-ups. The same seed and date give
// the same notebook.
package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/progress"
	"github.com/rolo-crm/rolo/store"
)

// Options size the sample.
type Options struct {
	Seed      uint64
	Customers int
	Purchases int
	Today     time.Time // purchases end here; defaults to today
	Years     int       // history length, default 4
}

// Stats says what was generated.
type Stats struct {
	Customers, Purchases, Payments, Contacts, FollowUps, Surveys, Events int
}

var (
	surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔向汤")
	given    = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国红梅志文辉鹏飞雪琳晨宇浩然欣怡子涵思远嘉俊晓东海燕春秋丹")
	first    = []string{"Anna", "Ben", "Chloe", "David", "Emma", "Frank", "Grace", "Henry", "Iris", "Jack", "Kate", "Leo", "Mia", "Noah", "Olivia", "Peter", "Ruby", "Sam", "Tina", "Victor", "Wendy", "Zoe"}
	last     = []string{"Smith", "Brown", "Wilson", "Taylor", "Lee", "Martin", "Garcia", "Müller", "Tan", "Ng", "Wong", "Chan", "Kim", "Nguyen", "Rossi", "Dubois"}
	cities   = []string{"上海", "北京", "广州", "深圳", "杭州", "成都", "南京", "武汉", "苏州", "西安", "重庆", "天津", "厦门", "Singapore", "Vancouver"}
	coWords  = []string{"明达", "华信", "鑫源", "恒通", "金茂", "长青", "宏图", "瑞丰", "嘉禾", "天成", "博雅", "万隆"}
	coKinds  = []string{"贸易有限公司", "科技有限公司", "餐饮管理有限公司", "茶业有限公司", "酒店", "文化传媒有限公司", "建材有限公司"}
	coLatin  = []string{"Harbour Trading Ltd", "Bluewave Foods", "Summit Hotels", "Oak & Leaf Tea Co", "Pacific Gifts", "Northwind Traders"}
	titles   = []string{"总经理", "采购经理", "老板", "行政主管", "店长", "Purchasing Manager", "Owner", "Office Manager"}
	items    = []struct {
		name  string
		price int64 // fen
	}{
		{"普洱茶饼", 38000}, {"西湖龙井礼盒", 68000}, {"安溪铁观音", 26000}, {"宜兴紫砂壶", 128000}, {"白瓷茶具套装", 45000},
		{"福鼎白茶", 32000}, {"正山小种红茶", 22000}, {"大红袍", 58000}, {"茉莉花茶", 12000}, {"Gift card", 50000},
		{"企业定制茶礼", 260000}, {"Oolong sampler", 18000},
	}
	channels = []string{"门店", "微信", "电话", "online", "展会"}
	moods    = []string{"满意", "很开心", "犹豫", "着急", "挑剔", "", "", ""}
	requests = []string{"", "", "", "", "礼品包装", "开发票", "送货上门", "gift wrap", "刻字"}
	tags     = []string{"vip", "礼品", "企业客户", "老客户", "茶友", "wholesale", "微信群"}
	prefs    = []string{"喜欢普洱", "只喝绿茶", "偏好礼盒装", "prefers WeChat", "不喝浓茶", "喜欢紫砂", ""}
	needs    = []string{"春节员工福利", "中秋客户礼品", "办公室日常用茶", "开新店需要茶具", "", ""}
	reasons  = []string{"moved", "price", "service", "quality", "competitor", "closed"}
	contacts = []struct{ kind, text string }{
		{"call", "电话问候，询问新茶"}, {"visit", "上门拜访，带了样品"}, {"message", "微信发了新品介绍"},
		{"greeting", "节日问候"}, {"meeting", "商谈年度采购"}, {"gift", "送了茶点小礼"}, {"email", "sent the autumn catalogue"},
		{"feedback", "说上次的茶很好喝"}, {"call", "asked about delivery times"},
	}
	complaints = []string{"茶饼有破损", "送货晚了三天", "发票开错了", "wrong item delivered", "包装有异味"}
)

// Generate fills st with sample data in one transaction.
func Generate(ctx context.Context, st *store.Store, o Options) (Stats, error) {
	if o.Customers <= 0 {
		o.Customers = 60
	}
	if o.Purchases < 0 {
		return Stats{}, fmt.Errorf("purchases must be zero or more")
	}
	if o.Purchases == 0 {
		o.Purchases = o.Customers * 6
	}
	if o.Years <= 0 {
		o.Years = 4
	}
	if o.Today.IsZero() {
		o.Today = store.Today(time.Now())
	}
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))
	var stats Stats
	err := st.Bulk(ctx, func(b *store.Bulk) error {
		g := &gen{rng: rng, o: o, b: b, st: &stats, meter: progress.From(ctx)}
		return g.run()
	})
	return stats, err
}

type gen struct {
	rng   *rand.Rand
	o     Options
	b     *store.Bulk
	st    *Stats
	meter *progress.Meter // how far it is, for the command line; nil when nobody looks
}

func (g *gen) pick(list []string) string { return list[g.rng.IntN(len(list))] }

// surnameCum is the running total of the surnames' weights: the list runs
// from the commonest, and a rank's weight falls as rank^-0.7, which gives
// 王 about 9% and the first ten about 40% of the names, as in China.
var surnameCum = func() []float64 {
	cum := make([]float64, len(surnames))
	total := 0.0
	for i := range surnames {
		total += math.Pow(float64(i+1), -0.7)
		cum[i] = total
	}
	for i := range cum {
		cum[i] /= total
	}
	return cum
}()

func (g *gen) chineseName() string {
	i, _ := slices.BinarySearch(surnameCum, g.rng.Float64())
	n := string(surnames[min(i, len(surnames)-1)])
	for i := 0; i < 1+g.rng.IntN(2); i++ {
		n += string(given[g.rng.IntN(len(given))])
	}
	return n
}

func (g *gen) day(offsetDays int) string {
	return g.o.Today.AddDate(0, 0, offsetDays).Format(store.DateLayout)
}

func (g *gen) stamp(offsetDays int, hour int) string {
	return g.o.Today.AddDate(0, 0, offsetDays).Add(time.Duration(hour) * time.Hour).Format(time.RFC3339)
}

type cust struct {
	id      int64
	weight  float64
	start   int // first day offset (negative)
	end     int // last possible purchase day offset
	chinese bool
	name    string
}

func (g *gen) run() error {
	span := 365 * g.o.Years
	cs := make([]cust, g.o.Customers)
	g.meter.Stage("adding customers", int64(g.o.Customers), "customers")
	for i := range cs {
		c := store.Customer{}
		chinese := g.rng.Float64() < 0.75
		if chinese {
			c.Name = g.chineseName()
			c.Phone = fmt.Sprintf("1%d%09d", 3+g.rng.IntN(7), g.rng.IntN(1e9))
			c.WeChat = fmt.Sprintf("wx_%d", 1000+g.rng.IntN(900000))
		} else {
			c.Name = g.pick(first) + " " + g.pick(last)
			c.Phone = fmt.Sprintf("+65 %04d %04d", g.rng.IntN(10000), g.rng.IntN(10000))
			c.Email = strings.ToLower(strings.ReplaceAll(c.Name, " ", ".")) + fmt.Sprintf("%d@example.com", i)
		}
		c.ExternalID = fmt.Sprintf("D%06d", i+1)
		c.City = g.pick(cities)
		if g.rng.Float64() < 0.6 {
			if chinese {
				c.Company = c.City + g.pick(coWords) + g.pick(coKinds)
			} else {
				c.Company = g.pick(coLatin)
			}
			c.Title = g.pick(titles)
		}
		if g.rng.Float64() < 0.7 {
			y := 1955 + g.rng.IntN(50)
			if chinese && g.rng.Float64() < 0.5 {
				c.Birthday = fmt.Sprintf("%04d-%02d-%02d", y, 1+g.rng.IntN(12), 1+g.rng.IntN(29))
				c.BirthdayLunar = true
			} else {
				d := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, g.rng.IntN(365))
				c.Birthday = d.Format(store.DateLayout)
			}
		}
		c.Gender = []string{"男", "女", "", "M", "F"}[g.rng.IntN(5)]
		c.Source = []string{"朋友介绍", "门店", "展会", "微信", "website", "referral"}[g.rng.IntN(6)]
		c.Preferences = g.pick(prefs)
		c.Needs = g.pick(needs)
		if g.rng.Float64() < 0.3 {
			c.Tags = []string{g.pick(tags)}
		}
		if i > 10 && g.rng.Float64() < 0.1 {
			ref := cs[g.rng.IntN(i)].id
			c.ReferredBy = &ref
		}
		start := -span + g.rng.IntN(span)
		c.CreatedAt = g.stamp(start-g.rng.IntN(30), 9)
		c.UpdatedAt = c.CreatedAt
		id, err := g.b.AddCustomer(&c)
		if err != nil {
			return err
		}
		// A lognormal weight gives a few very large accounts and a long tail.
		w := math.Exp(g.rng.NormFloat64() * 1.3)
		end := 0
		if g.rng.Float64() < 0.15 { // lapsed: stopped buying a while ago
			end = -(120 + g.rng.IntN(500))
			if end < start {
				end = start
			}
		}
		cs[i] = cust{id: id, weight: w, start: start, end: end, chinese: chinese, name: c.Name}
		g.st.Customers++
		g.meter.Add(1)
	}
	if err := g.purchases(cs); err != nil {
		return err
	}
	return g.history(cs)
}

func (g *gen) purchases(cs []cust) error {
	g.meter.Stage("adding purchases", int64(g.o.Purchases), "purchases")
	// Some customers never buy: prospects.
	cum := make([]float64, len(cs))
	total := 0.0
	for i, c := range cs {
		if i%17 == 5 {
			cs[i].weight = 0
		}
		total += cs[i].weight
		cum[i] = total
		_ = c
	}
	// Every buyer gets a first purchase, the rest follow the weights.
	n := g.o.Purchases
	bought := make([]int, len(cs))
	idx := make([]int, 0, n)
	for i := range cs {
		if cs[i].weight > 0 && len(idx) < n {
			idx = append(idx, i)
		}
	}
	for len(idx) < n {
		x := g.rng.Float64() * total
		idx = append(idx, sort.SearchFloat64s(cum, x))
	}
	for _, i := range idx {
		if i >= len(cs) {
			i = len(cs) - 1
		}
		c := cs[i]
		it := items[g.rng.IntN(len(items))]
		qty := 1 + g.rng.IntN(3)
		if c.weight > 4 {
			qty += g.rng.IntN(10)
		}
		amount := money.Amount(it.price * int64(qty))
		cost := amount * money.Amount(55+g.rng.IntN(20)) / 100 // a share of the price, in fen
		lo, hi := c.start, c.end
		if hi < lo {
			hi = lo
		}
		d := lo + g.rng.IntN(hi-lo+1)
		p := store.Purchase{CustomerID: c.id, Date: g.day(d), Item: it.name, Quantity: float64(qty), Amount: amount,
			Cost: &cost, Channel: g.pick(channels), SpecialRequests: g.pick(requests), Mood: g.pick(moods),
			CreatedAt: g.stamp(d, 15)}
		if g.rng.Float64() < 0.12 { // the cost was not written down
			p.Cost = nil
		}
		partly := g.rng.Float64() < 0.08
		if partly {
			paid := amount / 2
			p.Paid = &paid
		}
		if g.rng.Float64() < 0.2 {
			p.NextDate = g.day(d + 30 + g.rng.IntN(150))
		}
		pid, err := g.b.AddPurchase(&p)
		if err != nil {
			return err
		}
		// Most of what was owed was paid a few weeks later; a few still owe.
		if partly && d < -45 && g.rng.Float64() < 0.85 {
			if _, err := g.b.AddPayment(&store.Payment{PurchaseID: pid, Date: g.day(d + 15 + g.rng.IntN(30)),
				Amount: amount - *p.Paid, Note: g.pick([]string{"转账", "现金", "bank transfer", "微信支付"}), CreatedAt: g.stamp(d+45, 10)}); err != nil {
				return err
			}
			g.st.Payments++
		}
		bought[i]++
		g.st.Purchases++
		g.meter.Add(1)
	}
	for i, c := range cs {
		status := "active"
		reason := ""
		switch {
		case bought[i] == 0:
			status = "prospect"
		case c.end < -365:
			status, reason = "lost", g.pick(reasons)
		case c.end < 0:
			status = "lapsed"
		case i%41 == 7:
			// Stopped serving: harmful or only ever after the lowest price.
			status = "dropped"
			if err := g.b.SetAttitude(c.id, g.pick([]string{"harmful", "price_driven"})); err != nil {
				return err
			}
		case i%23 == 3 && c.start < -500:
			status = "won_back" // came back after a long silence
		}
		// Lost or lapsed some months after the last purchase.
		if err := g.b.SetStatus(c.id, status, reason, g.o.Today.AddDate(0, 0, min(0, c.end+120))); err != nil {
			return err
		}
	}
	return nil
}

// event is a dated personal event: a yearly anniversary (solar or lunar)
// or a one-off occasion in the coming months.
func (g *gen) event() store.Event {
	switch g.rng.IntN(4) {
	case 0:
		return store.Event{What: "结婚纪念日", Date: fmt.Sprintf("--%02d-%02d", 1+g.rng.IntN(12), 1+g.rng.IntN(28))}
	case 1:
		return store.Event{What: "婚庆喜事", Date: fmt.Sprintf("--%02d-%02d", 1+g.rng.IntN(12), 1+g.rng.IntN(29)), Lunar: true}
	case 2:
		return store.Event{What: "公司周年庆", Date: fmt.Sprintf("%04d-%02d-%02d", 2005+g.rng.IntN(18), 1+g.rng.IntN(12), 1+g.rng.IntN(28))}
	}
	return store.Event{What: "孩子高考", Date: g.day(g.rng.IntN(200)), Once: true}
}

func (g *gen) history(cs []cust) error {
	g.meter.Stage("adding contacts and follow-ups", int64(len(cs)), "customers")
	for i, c := range cs {
		g.meter.Add(1)
		// Bigger customers get more contacts; cap the work for huge notebooks.
		k := min(1+int(c.weight*2), 12)
		if len(cs) > 5000 {
			k = min(k, 2)
		}
		for j := 0; j < k; j++ {
			ct := contacts[g.rng.IntN(len(contacts))]
			d := c.start + g.rng.IntN(-c.start+1)
			if _, err := g.b.AddContact(&store.Contact{CustomerID: c.id, At: g.stamp(d, 10+g.rng.IntN(8)), Kind: ct.kind,
				Summary: ct.text, CreatedAt: g.stamp(d, 18)}); err != nil {
				return err
			}
			g.st.Contacts++
		}
		if g.rng.Float64() < 0.04 {
			d := -g.rng.IntN(40)
			k := store.Contact{CustomerID: c.id, At: g.stamp(d, 11), Kind: "complaint", Summary: g.pick(complaints), CreatedAt: g.stamp(d, 11)}
			if d < -7 { // most complaints were dealt with; the last week's are open
				k.ComplaintStatus = "resolved"
				r := g.stamp(d+3, 16)
				k.ResolvedAt = &r
			}
			if _, err := g.b.AddContact(&k); err != nil {
				return err
			}
			g.st.Contacts++
		}
		if i%9 == 0 {
			due := -10 + g.rng.IntN(25)
			f := store.FollowUp{CustomerID: c.id, Due: g.day(due), What: []string{"送新茶样品", "确认春节订单", "call about the reorder", "回访满意度", "寄送产品目录"}[g.rng.IntN(5)],
				CreatedAt: g.stamp(due-14, 9)}
			if _, err := g.b.AddFollowUp(&f); err != nil {
				return err
			}
			g.st.FollowUps++
		}
		if g.rng.Float64() < 0.08 {
			e := g.event()
			e.CustomerID, e.CreatedAt = c.id, g.stamp(c.start+10, 12)
			if _, err := g.b.AddEvent(&e); err != nil {
				return err
			}
			g.st.Events++
		}
		if i%13 == 0 {
			v := store.Survey{CustomerID: c.id, Date: g.day(-g.rng.IntN(300)), Satisfaction: 2 + g.rng.IntN(4), Initiative: 1 + g.rng.IntN(5),
				Repurchase: 2 + g.rng.IntN(4), Recommend: 1 + g.rng.IntN(5), Resistance: 1 + g.rng.IntN(5)}
			if _, err := g.b.AddSurvey(&v); err != nil {
				return err
			}
			g.st.Surveys++
		}
	}
	return nil
}
