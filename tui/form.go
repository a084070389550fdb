package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/rolo-crm/rolo/render"
)

// form is a small stack of labelled text inputs with a submit function.
type form struct {
	title  string
	labels []string
	inputs []textinput.Model
	focus  int
	err    string
	submit func(values []string) (tea.Cmd, error)
}

type field struct {
	label, value, placeholder string
}

func newForm(sh *shared, title string, fields []field, submit func([]string) (tea.Cmd, error)) *form {
	f := &form{title: title, submit: submit}
	for _, fl := range fields {
		ti := sh.input()
		ti.Prompt = ""
		ti.Placeholder = fl.placeholder
		ti.SetValue(fl.value)
		ti.CharLimit = 2000
		f.labels = append(f.labels, fl.label)
		f.inputs = append(f.inputs, ti)
	}
	f.inputs[0].Focus()
	return f
}

func (f *form) setWidth(w int) {
	for i := range f.inputs {
		f.inputs[i].Width = max(10, w-20)
	}
}

// update returns done=true when the form closed (saved or cancelled).
func (f *form) update(msg tea.Msg, k KeyMap) (tea.Cmd, bool) {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil, false
	}
	switch {
	case key.Matches(km, k.Cancel):
		return nil, true
	case km.String() == "ctrl+s" || (km.String() == "enter" && f.focus == len(f.inputs)-1):
		vals := make([]string, len(f.inputs))
		for i, in := range f.inputs {
			vals[i] = in.Value()
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
	var cmd tea.Cmd
	f.inputs[f.focus], cmd = f.inputs[f.focus].Update(km)
	f.err = ""
	return cmd, false
}

func (f *form) move(d int) {
	f.inputs[f.focus].Blur()
	f.focus = (f.focus + d + len(f.inputs)) % len(f.inputs)
	f.inputs[f.focus].Focus()
}

func (f *form) view(st Styles, w int) string {
	var b strings.Builder
	b.WriteString(st.Title.Render(f.title) + "\n\n")
	lw := 0
	for _, l := range f.labels {
		lw = max(lw, render.Width(l))
	}
	for i, in := range f.inputs {
		label := render.PadRight(f.labels[i], lw)
		if i == f.focus {
			label = st.Bold.Render(label)
		} else {
			label = st.Dim.Render(label)
		}
		b.WriteString(label + "  " + in.View() + "\n")
	}
	if f.err != "" {
		b.WriteString("\n" + st.StatusErr.Render(render.Clean(f.err)))
	}
	b.WriteString("\n" + st.Dim.Render("tab/↓ next field · enter on the last field or ctrl+s saves · esc cancels"))
	return st.Box.Width(max(20, min(w-2, 90))).Render(b.String())
}
