package transfer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/emersion/go-vcard"
	"github.com/rolo-crm/rolo/store"
)

// readVCard turns a .vcf file into customer records (one per card).
func readVCard(r io.Reader) (*source, error) {
	src := &source{unit: "card", shown: []string{"external_id", "name", "company", "title", "phone", "email", "address", "birthday", "notes", "wechat"}}
	dec := vcard.NewDecoder(r)
	for n := 1; ; n++ {
		card, err := dec.Decode()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("card %d: not a valid vCard: %v", n, err)
		}
		name := card.PreferredValue(vcard.FieldFormattedName)
		if name == "" {
			if nm := card.Name(); nm != nil {
				name = strings.TrimSpace(nm.FamilyName + nm.GivenName)
				if isLatin(nm.FamilyName + nm.GivenName) {
					name = strings.TrimSpace(nm.GivenName + " " + nm.FamilyName)
				}
			}
		}
		phones := card.Values(vcard.FieldTelephone)
		emails := card.Values(vcard.FieldEmail)
		notes := card.Values(vcard.FieldNote)
		if len(phones) > 1 {
			notes = append(notes, "other phones: "+strings.Join(phones[1:], ", "))
		}
		if len(emails) > 1 {
			notes = append(notes, "other emails: "+strings.Join(emails[1:], ", "))
		}
		addr := ""
		if a := card.Address(); a != nil {
			parts := []string{a.StreetAddress, a.Locality, a.Region, a.PostalCode, a.Country}
			var keep []string
			for _, p := range parts {
				if strings.TrimSpace(p) != "" {
					keep = append(keep, strings.TrimSpace(p))
				}
			}
			addr = strings.Join(keep, ", ")
		}
		first := func(vs []string) string {
			if len(vs) == 0 {
				return ""
			}
			return vs[0]
		}
		bday := card.PreferredValue(vcard.FieldBirthday)
		bday = vcardDate(bday)
		org := card.PreferredValue(vcard.FieldOrganization)
		org = strings.TrimRight(strings.ReplaceAll(org, ";", " "), " ")
		src.recs = append(src.recs, rawRecord{line: n, values: []string{
			card.PreferredValue(vcard.FieldUID), name, org, card.PreferredValue(vcard.FieldTitle),
			first(phones), first(emails), addr, bday, strings.Join(notes, "\n"), card.PreferredValue("X-WECHAT"),
		}, cols: make([]int, 10)})
	}
	return src, nil
}

func isLatin(s string) bool {
	for _, r := range s {
		if r > 0x24F {
			return false
		}
	}
	return true
}

// vcardDate turns 19800815, 1980-08-15, --0815 and --08-15 into rolo's form.
func vcardDate(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, 'T'); i > 0 {
		s = s[:i]
	}
	switch {
	case len(s) == 8 && !strings.Contains(s, "-"):
		return s[:4] + "-" + s[4:6] + "-" + s[6:]
	case len(s) == 6 && strings.HasPrefix(s, "--"):
		return "--" + s[2:4] + "-" + s[4:]
	}
	return s
}

// ExportVCard writes every current customer as a vCard (version "3.0" or "4.0").
func ExportVCard(ctx context.Context, st *store.Store, w io.Writer, version string) (int, error) {
	if version == "" {
		version = "4.0"
	}
	enc := vcard.NewEncoder(w)
	n := 0
	err := st.EachCustomer(ctx, "", func(c store.Customer) error {
		if c.ArchivedAt != nil {
			return nil
		}
		card := vcard.Card{}
		card.SetValue(vcard.FieldVersion, version)
		card.SetValue(vcard.FieldFormattedName, c.Name)
		card.SetName(&vcard.Name{FamilyName: c.Name})
		uid := c.ExternalID
		if uid == "" {
			uid = fmt.Sprintf("rolo-%d", c.ID)
		}
		card.SetValue(vcard.FieldUID, uid)
		if c.Phone != "" {
			card.AddValue(vcard.FieldTelephone, c.Phone)
		}
		if c.Email != "" {
			card.AddValue(vcard.FieldEmail, c.Email)
		}
		if c.Company != "" {
			card.SetValue(vcard.FieldOrganization, c.Company)
		}
		if c.Title != "" {
			card.SetValue(vcard.FieldTitle, c.Title)
		}
		if c.Address != "" || c.City != "" {
			card.SetAddress(&vcard.Address{StreetAddress: c.Address, Locality: c.City})
		}
		if c.Birthday != "" && !c.BirthdayLunar {
			b := c.Birthday
			if strings.HasPrefix(b, "--") {
				b = "--" + strings.ReplaceAll(b[2:], "-", "")
			} else {
				b = strings.ReplaceAll(b, "-", "")
			}
			card.SetValue(vcard.FieldBirthday, b)
		}
		note := c.Notes
		if c.BirthdayLunar {
			note = strings.TrimSpace(note + "\n农历生日 lunar birthday: " + c.Birthday)
		}
		if note != "" {
			card.SetValue(vcard.FieldNote, note)
		}
		if c.WeChat != "" {
			card.SetValue("X-WECHAT", c.WeChat)
		}
		n++
		return enc.Encode(card)
	})
	return n, err
}
