package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/rolo-crm/rolo/render"
)

// form is a small stack of labelled fields with a submit function. A new
// record's fields start empty, with what an empty field means shown in
// grey; an edited record's fields hold their values, and the first key
// typed into a field replaces its value (as in a selected text box) unless
// the rep moves the cursor first.
type form struct {
	title  string
	fields []*formField
	focus  int
	err    string
	hint   string // a second save goes through (after a warning)
	submit func(values []string) (tea.Cmd, error)
}

type fieldKind int

const (
	textField   fieldKind = iota
	choiceField           // one of a few options, ←/→ to change
)

// field describes a form field.
type field struct {
	label, value, placeholder string
	choices                   []choice // for a choice field
}

// choice is one option of a choice field: the value saved and its label.
type choice struct{ value, label string }

type formField struct {
	label   string
	kind    fieldKind
	input   textinput.Model
	choices []choice
	picked  int
	fresh   bool // holds an old value that the first keystroke replaces
}

func (f *formField) value() string {
	if f.kind == choiceField {
		return f.choices[f.picked].value
	}
	return f.input.Value()
}

func newForm(sh *shared, title string, fields []field, submit func([]string) (tea.Cmd, error)) *form {
	f := &form{title: title, submit: submit}
	for _, fl := range fields {
		ff := &formField{label: fl.label}
		if len(fl.choices) > 0 {
			ff.kind, ff.choices = choiceField, fl.choices
			for i, c := range fl.choices {
				if c.value == fl.value {
					ff.picked = i
				}
			}
		} else {
			ti := sh.input()
			ti.Prompt = ""
			ti.Placeholder = fl.placeholder
			ti.SetValue(fl.value)
			ti.CharLimit = 2000
			ff.input, ff.fresh = ti, fl.value != ""
		}
		f.fields = append(f.fields, ff)
	}
	f.fields[0].focus()
	return f
}

func (f *formField) focus() tea.Cmd {
	if f.kind == textField {
		return f.input.Focus()
	}
	return nil
}

func (f *formField) blur() {
	if f.kind == textField {
		f.input.Blur()
	}
}

func (f *form) setWidth(w int) {
	for _, fl := range f.fields {
		fl.input.Width = max(10, min(w, 92)-24)
	}
}

// update returns done=true when the form closed (saved or cancelled).
func (f *form) update(msg tea.Msg, k KeyMap) (tea.Cmd, bool) {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil, false
	}
	cur := f.fields[f.focus]
	switch {
	case key.Matches(km, k.Cancel):
		return nil, true
	case km.String() == "ctrl+s" || (km.String() == "enter" && f.focus == len(f.fields)-1):
		vals := make([]string, len(f.fields))
		for i, fl := range f.fields {
			vals[i] = fl.value()
		}
		cmd, err := f.submit(vals)
		if err != nil {
			f.err = err.Error()
			return nil, false
		}
		return cmd, true
	case key.Matches(km, k.NextField) || km.String() == "enter":
		f.move(1)
		return nil, false
	case key.Matches(km, k.PrevField):
		f.move(-1)
		return nil, false
	}
	f.err, f.hint = "", ""
	if cur.kind == choiceField {
		switch km.String() {
		case "left", "h":
			cur.picked = (cur.picked + len(cur.choices) - 1) % len(cur.choices)
		case "right", "l", " ":
			cur.picked = (cur.picked + 1) % len(cur.choices)
		default:
			// A letter picks the next option that starts with it.
			if r := km.Runes; len(r) == 1 {
				for i := 1; i <= len(cur.choices); i++ {
					j := (cur.picked + i) % len(cur.choices)
					if strings.HasPrefix(cur.choices[j].value, string(r)) || strings.HasPrefix(cur.choices[j].label, string(r)) {
						cur.picked = j
						break
					}
				}
			}
		}
		return nil, false
	}
	if cur.fresh {
		cur.fresh = false
		if km.Type == tea.KeyRunes || km.Type == tea.KeySpace {
			cur.input.SetValue("") // typing replaces the old value
		}
	}
	var cmd tea.Cmd
	cur.input, cmd = cur.input.Update(km)
	return cmd, false
}

func (f *form) move(d int) {
	f.fields[f.focus].blur()
	f.focus = (f.focus + d + len(f.fields)) % len(f.fields)
	f.fields[f.focus].focus()
}

func (f *form) view(st Styles, w int) string {
	var b strings.Builder
	b.WriteString(st.Title.Render(f.title) + "\n\n")
	lw := 0
	for _, fl := range f.fields {
		lw = max(lw, render.Width(fl.label))
	}
	for i, fl := range f.fields {
		label := render.PadRight(fl.label, lw)
		if i == f.focus {
			label = st.Bold.Render(label)
		} else {
			label = st.Dim.Render(label)
		}
		var val string
		if fl.kind == choiceField {
			c := fl.choices[fl.picked]
			val = "‹ " + c.label + " ›"
			if i == f.focus {
				val = st.Selected.Render(val) + st.Dim.Render("  ←/→")
			}
		} else {
			val = fl.input.View()
		}
		b.WriteString(label + "  " + val + "\n")
	}
	if f.err != "" {
		b.WriteString("\n" + st.StatusErr.Render(render.Clean(f.err)))
	}
	b.WriteString("\n" + st.Dim.Render("tab/↓ next · enter on the last field or ctrl+s saves · esc cancels"))
	return st.Box.Width(max(20, min(w-2, 92))).Render(b.String())
}
