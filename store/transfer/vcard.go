package transfer

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"mime/quotedprintable"
	"strings"
	"unicode/utf8"

	"github.com/rolo-crm/rolo/store"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// vCard properties of rolo's own. vCard 3.0 has no year-less BDAY, and
// neither version has a lunar birthday, so they go into X- properties
// (which every reader keeps or ignores), and a lunar birthday is also
// written into the note for people.
const (
	propYearless  = "X-ROLO-BDAY"       // vCard 3.0: a solar birthday without a year, --MMDD
	propLunar     = "X-ROLO-LUNAR-BDAY" // a lunar birthday, YYYYMMDD or --MMDD
	paramLeap     = "X-ROLO-LEAP-MONTH" // on propLunar: TRUE for a leap-month birthday
	propWeChat    = "X-WECHAT"
	lunarNoteHead = "农历生日 lunar birthday: "
)

// lunarNote is the line a lunar birthday adds to a card's note.
func lunarNote(birthday string, leap bool) string {
	s := lunarNoteHead + birthday
	if leap {
		s += " (闰月 leap month)"
	}
	return s
}

// ExportVCard writes every current customer as a vCard (version "3.0" or
// "4.0", the default) and returns how many.
func ExportVCard(ctx context.Context, st *store.Store, w io.Writer, version string) (int, error) {
	switch version {
	case "":
		version = "4.0"
	case "3.0", "4.0":
	default:
		return 0, store.Errorf(store.KindInvalid, "vCard version %q: use 3.0 or 4.0", version)
	}
	bw := bufio.NewWriterSize(w, 64*1024)
	n := 0
	err := st.EachCustomer(ctx, "", func(c store.Customer) error {
		if c.ArchivedAt != nil {
			return nil
		}
		n++
		writeCard(bw, &c, version)
		return nil
	})
	if err != nil {
		return n, err
	}
	return n, bw.Flush()
}

// writeCard writes one customer as a vCard. Every text goes through
// escapeText; structured values (N, ADR) escape each component, so a ;
// in a name or address never shifts the fields that follow.
func writeCard(bw *bufio.Writer, c *store.Customer, version string) {
	prop := func(name, value string) { writeFolded(bw, name+":"+value) }
	text := func(name, v string) {
		if v = escapeText(v); v != "" {
			prop(name, v)
		}
	}
	prop("BEGIN", "VCARD")
	prop("VERSION", version)
	prop("PRODID", "-//rolo//rolo//EN")
	uid := c.ExternalID
	if uid == "" {
		uid = fmt.Sprintf("rolo-%d", c.ID)
	}
	prop("UID", escapeText(uid))
	name := cleanText(c.Name)
	if strings.TrimSpace(name) == "" {
		name = fmt.Sprintf("customer %d", c.ID) // a name of control characters only
	}
	prop("FN", escapeText(name))
	n := splitName(name)
	prop("N", strings.Join([]string{escapeText(n.Family), escapeText(n.Given), escapeText(n.Additional),
		escapeText(n.Prefix), escapeText(n.Suffix)}, ";"))
	text("ORG", c.Company)
	text("TITLE", c.Title)
	text("TEL", c.Phone)
	text("EMAIL", c.Email)
	if addr, city := escapeText(c.Address), escapeText(c.City); addr != "" || city != "" {
		prop("ADR", ";;"+addr+";"+city+";;;")
	}
	note := c.Notes
	if c.Birthday != "" {
		b := vcardDateOut(c.Birthday)
		switch {
		case c.BirthdayLunar:
			name := propLunar
			if c.BirthdayLeap {
				name += ";" + paramLeap + "=TRUE"
			}
			prop(name, b)
			if note != "" {
				note += "\n"
			}
			note += lunarNote(c.Birthday, c.BirthdayLeap)
		case version == "3.0" && strings.HasPrefix(b, "--"):
			prop(propYearless, b) // RFC 2426 BDAY is a full date
		case version == "3.0":
			prop("BDAY", c.Birthday) // the extended form RFC 2426 shows
		default:
			prop("BDAY", b)
		}
	}
	if len(c.Tags) > 0 {
		tags := make([]string, 0, len(c.Tags))
		for _, t := range c.Tags {
			if t = escapeText(t); t != "" {
				tags = append(tags, t)
			}
		}
		if len(tags) > 0 {
			prop("CATEGORIES", strings.Join(tags, ","))
		}
	}
	text("NOTE", note)
	text(propWeChat, c.WeChat)
	prop("END", "VCARD")
}

// vcardDateOut writes rolo's 1980-08-15 and --08-15 in the basic forms of
// RFC 6350: 19800815 and --0815.
func vcardDateOut(b string) string {
	if strings.HasPrefix(b, "--") {
		return "--" + strings.ReplaceAll(b[2:], "-", "")
	}
	return strings.ReplaceAll(b, "-", "")
}

// vcardDate turns 19800815, 1980-08-15, --0815, --08-15 and a date-time
// into rolo's forms; anything else is returned as it is, for the birthday
// column to explain. omitYear is Apple's X-APPLE-OMIT-YEAR: that year
// means "no year".
func vcardDate(s, omitYear string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, 'T'); i > 0 {
		s = s[:i]
	}
	switch {
	case len(s) == 8 && strings.Trim(s, "0123456789") == "":
		s = s[:4] + "-" + s[4:6] + "-" + s[6:]
	case len(s) == 6 && strings.HasPrefix(s, "--"):
		return "--" + s[2:4] + "-" + s[4:]
	}
	if omitYear != "" && len(s) == 10 && s[:4] == omitYear {
		return "--" + s[5:]
	}
	return s
}

// vcardColumns are the customer fields a card fills, in record order.
var vcardColumns = []string{"external_id", "name", "company", "title", "phone", "email", "address", "city",
	"birthday", "birthday_lunar", "birthday_leap_month", "tags", "notes", "wechat"}

// readVCard turns a .vcf file (vCard 2.1, 3.0 or 4.0) into customer
// records, one per card.
func readVCard(r io.Reader) (*source, error) {
	lines, err := readContentLines(r)
	if err != nil {
		return nil, err
	}
	src := &source{unit: "card", shown: vcardColumns}
	var card []contentLine
	depth, n := 0, 0
	for _, l := range lines {
		switch {
		case l.name == "BEGIN" && strings.EqualFold(l.value, "VCARD"):
			depth++
			if depth == 1 {
				card = card[:0]
				continue
			}
		case l.name == "END" && strings.EqualFold(l.value, "VCARD"):
			depth--
			if depth < 0 {
				return nil, &lineError{l.line, 0, "END:VCARD without BEGIN:VCARD"}
			}
			if depth == 0 {
				n++
				rec, err := cardRecord(card, n)
				if err != nil {
					return nil, err
				}
				src.recs = append(src.recs, rec)
				continue
			}
		case depth == 0:
			return nil, &lineError{l.line, 0, fmt.Sprintf("expected BEGIN:VCARD, got %q", clip(l.name))}
		}
		if depth == 1 {
			card = append(card, l)
		}
	}
	if depth > 0 {
		return nil, fmt.Errorf("the last card has no END:VCARD")
	}
	return src, nil
}

// cardRecord maps one card's properties onto the customer fields.
func cardRecord(card []contentLine, n int) (rawRecord, error) {
	var (
		vals                   = map[string]string{}
		phones, emails, notes  []string
		fn, bday, yearless     string
		name                   *personName
		lunar, lunarLeap, have bool
	)
	for _, l := range card {
		v, err := decodedValue(l)
		if err != nil {
			return rawRecord{}, err
		}
		switch l.name {
		case "FN":
			if fn == "" {
				fn = unescapeText(v)
			}
		case "N":
			if name == nil {
				p := splitComponents(v)
				for len(p) < 5 {
					p = append(p, "")
				}
				name = &personName{Family: p[0], Given: p[1], Additional: p[2], Prefix: p[3], Suffix: p[4]}
			}
		case "UID":
			if vals["external_id"] == "" {
				vals["external_id"] = unescapeText(v)
			}
		case "ORG":
			if vals["company"] == "" {
				var keep []string
				for _, p := range splitComponents(v) {
					if p != "" {
						keep = append(keep, p)
					}
				}
				vals["company"] = strings.Join(keep, " ")
			}
		case "TITLE":
			if vals["title"] == "" {
				vals["title"] = unescapeText(v)
			}
		case "TEL":
			if t := unescapeText(v); t != "" {
				phones = append(phones, strings.TrimPrefix(t, "tel:"))
			}
		case "EMAIL":
			if e := unescapeText(v); e != "" {
				emails = append(emails, e)
			}
		case "ADR":
			if have {
				continue
			}
			have = true
			p := splitComponents(v)
			for len(p) < 7 {
				p = append(p, "")
			}
			// PO box, extended, street; locality is the city; region,
			// postal code and country follow the street.
			var keep []string
			for _, s := range []string{p[0], p[1], p[2], p[4], p[5], p[6]} {
				if s != "" {
					keep = append(keep, s)
				}
			}
			vals["address"] = strings.Join(keep, ", ")
			vals["city"] = p[3]
		case "BDAY":
			if bday == "" {
				bday = vcardDate(unescapeText(v), l.param("X-APPLE-OMIT-YEAR"))
			}
		case propYearless:
			yearless = vcardDate(unescapeText(v), "")
		case propLunar:
			bday, lunar = vcardDate(unescapeText(v), ""), true
			lunarLeap = l.hasParam(paramLeap, "TRUE")
		case "NOTE":
			notes = append(notes, unescapeText(v))
		case "CATEGORIES":
			var tags []string
			for _, t := range splitList(v) {
				if t = strings.TrimSpace(t); t != "" {
					tags = append(tags, t)
				}
			}
			if vals["tags"] != "" && len(tags) > 0 {
				vals["tags"] += ","
			}
			vals["tags"] += strings.Join(tags, ",")
		case propWeChat:
			if vals["wechat"] == "" {
				vals["wechat"] = unescapeText(v)
			}
		}
	}
	if bday == "" {
		bday = yearless
	}
	vals["name"] = fn
	if strings.TrimSpace(fn) == "" && name != nil {
		vals["name"] = joinName(*name)
	}
	note := strings.Join(notes, "\n")
	if lunar {
		// The note line rolo wrote beside the X- property is not a note.
		line := lunarNote(bday, lunarLeap)
		if note == line {
			note = ""
		} else {
			note = strings.TrimSuffix(note, "\n"+line)
		}
	}
	if len(phones) > 0 {
		vals["phone"] = phones[0]
		if len(phones) > 1 {
			note = joinNote(note, "other phones: "+strings.Join(phones[1:], ", "))
		}
	}
	if len(emails) > 0 {
		vals["email"] = emails[0]
		if len(emails) > 1 {
			note = joinNote(note, "other emails: "+strings.Join(emails[1:], ", "))
		}
	}
	vals["notes"] = note
	vals["birthday"] = bday
	vals["birthday_lunar"] = fmtBool(lunar)
	vals["birthday_leap_month"] = fmtBool(lunarLeap)
	rec := rawRecord{line: n, values: make([]string, len(vcardColumns)), cols: make([]int, len(vcardColumns))}
	for i, c := range vcardColumns {
		rec.values[i] = vals[c]
	}
	return rec, nil
}

func joinNote(note, more string) string {
	if note == "" {
		return more
	}
	return note + "\n" + more
}

// decodedValue undoes vCard 2.1's quoted-printable encoding and a CHARSET
// other than UTF-8 (GB18030, GBK, GB2312, Big5: older phones' exports).
func decodedValue(l contentLine) (string, error) {
	v := l.value
	if l.hasParam("ENCODING", "QUOTED-PRINTABLE") || l.hasParam("TYPE", "QUOTED-PRINTABLE") {
		b, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(v)))
		if err != nil {
			return "", &lineError{l.line, 0, fmt.Sprintf("%s: bad quoted-printable text: %v", l.name, err)}
		}
		v = string(b)
	}
	var dec *encoding.Decoder
	switch cs := strings.ToUpper(l.param("CHARSET")); cs {
	case "", "UTF-8", "UTF8", "US-ASCII", "ASCII":
	case "GB18030", "GBK", "GB2312", "CP936":
		dec = simplifiedchinese.GB18030.NewDecoder()
	case "BIG5", "BIG-5":
		dec = traditionalchinese.Big5.NewDecoder()
	default:
		return "", &lineError{l.line, 0, fmt.Sprintf("%s: character set %q is not supported; save the file as UTF-8", l.name, cs)}
	}
	if dec != nil {
		s, err := dec.String(v)
		if err != nil {
			return "", &lineError{l.line, 0, fmt.Sprintf("%s: not valid %s text", l.name, l.param("CHARSET"))}
		}
		v = s
	}
	if !utf8.ValidString(v) {
		return "", &lineError{l.line, 0, fmt.Sprintf("%s: invalid UTF-8; save the file as UTF-8", l.name)}
	}
	return v, nil
}
