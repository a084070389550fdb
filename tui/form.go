package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/rolo-crm/rolo/render"
	"github.com/rolo-crm/rolo/store"
)

// form is a small stack of labelled fields with a submit function. A new
// record's fields start empty, with what an empty field means shown in
// grey; an edited record's fields hold their values, and the first key
// typed into a field replaces its value (as in a selected text box) unless
// the rep moves the cursor first. A submitted form stays open until the
// notebook has taken the values, so that values it refuses can be fixed.
type form struct {
	title  string
	fields []*formField
	focus  int
	err    string
	hint   string // a second save goes through (after a warning)
	submit func(values []string) (tea.Cmd, error)
	w, h   int  // the space the screen gives it
	saving bool // submitted: open until the notebook has taken the values
	// question is what the save asks before it goes on (a phone already in
	// the notebook), shown in the form until the rep answers y or n.
	question string
}

// formSavedMsg is what a form's save came back with. The form judges it
// before anything else sees it: when the notebook refused the values typed
// (a store error of KindInvalid, found only by the notebook: more paid
// than owed, a purchase corrected below what was paid), the form stays
// open with them and says why; anything else closes it and goes on as the
// save's own message.
type formSavedMsg struct {
	form *form
	msg  tea.Msg // nil: the rep answered no to a question the save asked
}

// await runs a form's save (nil: nothing to run) and brings back to the
// form what it returned.
func (f *form) await(save tea.Cmd) tea.Cmd {
	return func() tea.Msg {
		var msg tea.Msg
		if save != nil {
			msg = save()
		}
		return formSavedMsg{form: f, msg: msg}
	}
}

// settle takes what the form's save came back with; done when the form
// is finished with.
func (f *form) settle(msg tea.Msg) (tea.Cmd, bool) {
	f.saving, f.question = false, ""
	switch m := msg.(type) {
	case nil: // a question answered no: back to the values to change them
		return nil, false
	case askMsg:
		// The save asks first (a phone already in the notebook): the form
		// shows the question and waits for the answer, which the root
		// takes (y goes on saving, any other key back to the values).
		f.question = m.question
		m.yes, m.no, m.form = f.await(m.yes), f.await(nil), f
		return relay(m), false
	}
	if err := refusal(msg); err != nil {
		f.err = err.Error()
		return nil, false
	}
	return relay(msg), true
}

// refusal is the error of a save the notebook refused for the values
// given; nil for a save that went through or failed for another reason
// (busy, I/O), which the status line reports as any failed write.
func refusal(msg tea.Msg) error {
	var err error
	switch m := msg.(type) {
	case savedMsg:
		err = m.err
	case statusMsg:
		err = m.err
	}
	if err != nil && store.KindOf(err) == store.KindInvalid {
		return err
	}
	return nil
}

// relay is a command that delivers msg as it is.
func relay(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }

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

func (f *form) setSize(w, h int) {
	f.w, f.h = w, h
	for _, fl := range f.fields {
		fl.input.Width = max(10, min(w, 92)-24)
	}
}

// takes says msg is the form's: a key while it is open, or what its save
// came back with. A nil form takes nothing.
func (f *form) takes(msg tea.Msg) bool {
	if f == nil {
		return false
	}
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return true
	case formSavedMsg:
		return msg.form == f
	}
	return false
}

// update returns done=true when the form closed (saved or cancelled).
func (f *form) update(msg tea.Msg, k KeyMap) (tea.Cmd, bool) {
	if saved, ok := msg.(formSavedMsg); ok {
		return f.settle(saved.msg)
	}
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil, false
	}
	cur := f.fields[f.focus]
	switch {
	case key.Matches(km, k.Cancel):
		// While saving, the save goes on; what it comes back with goes to
		// the status line (the root takes it from a form that is gone).
		return nil, true
	case f.saving:
		return nil, false
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
		if cmd == nil {
			return nil, true
		}
		f.err, f.saving = "", true
		return f.await(cmd), false
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

// view draws the form in the space the screen gives it. A form taller than
// that drops, in turn, the keys hint (the help line has the keys too), the
// blank lines, then the fields furthest from the one being typed in: the
// title, that field and the whole message always show.
func (f *form) view(st Styles) string {
	box := st.Box.Width(max(20, min(f.w-2, 92)))
	n := len(f.fields)
	type layout struct {
		hint, gaps bool
		fields     int
	}
	ladder := []layout{{true, true, n}, {false, true, n}}
	for k := n; k >= 1; k-- {
		ladder = append(ladder, layout{false, false, k})
	}
	var v string
	for _, l := range ladder {
		v = box.Render(f.body(st, l.hint, l.gaps, l.fields))
		if f.h <= 0 || lipgloss.Height(v) <= f.h {
			break
		}
	}
	return v
}

// body is the inside of the form's box with k of its fields, those around
// the focused one.
func (f *form) body(st Styles, hint, gaps bool, k int) string {
	var b strings.Builder
	b.WriteString(st.Title.Render(f.title) + "\n")
	if gaps {
		b.WriteString("\n")
	}
	lw := 0
	for _, fl := range f.fields {
		lw = max(lw, render.Width(fl.label))
	}
	from := max(0, min(f.focus-k/2, len(f.fields)-k))
	for i, fl := range f.fields[from : from+k] {
		i += from
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
	foot := ""
	switch {
	case f.question != "":
		foot = st.Dim.Render("y saves anyway · n or esc goes back to the form")
	case f.saving:
		foot = st.Dim.Render("saving…")
	case hint:
		foot = st.Dim.Render("tab/↓ next · enter on the last field or ctrl+s saves · esc cancels")
	}
	switch {
	case f.question != "":
		if gaps {
			b.WriteString("\n")
		}
		b.WriteString(st.Bold.Render(render.Clean(f.question)+"  y/n") + "\n")
	case f.err != "":
		if gaps {
			b.WriteString("\n")
		}
		b.WriteString(st.StatusErr.Render(render.Clean(f.err)) + "\n")
	case gaps && foot != "":
		b.WriteString("\n")
	}
	b.WriteString(foot)
	return strings.TrimSuffix(b.String(), "\n")
}
