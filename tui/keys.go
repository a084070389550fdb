package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// KeyMap is every key binding of the program.
type KeyMap struct {
	Quit, Help, NextTab, PrevTab         key.Binding
	Accounts, Account, Due, Pyramid      key.Binding
	Up, Down, PageUp, PageDown           key.Binding
	Top, Bottom, Open, Back              key.Binding
	Filter, Sort, Reverse, Refresh       key.Binding
	Buy, Log, Follow, Edit, Done         key.Binding
	Resolve, Snooze, Method, Indicator   key.Binding
	Pay, Delete, Undo, Add, Archive      key.Binding
	ShowArchived, More, Dismiss, Event   key.Binding
	Submit, Cancel, NextField, PrevField key.Binding
}

// moveCursor applies a list-movement key (up, down, page, top, bottom) to
// cursor in a list of n rows with page rows visible; ok is false for other keys.
func moveCursor(k KeyMap, msg tea.KeyMsg, cursor, n, page int) (int, bool) {
	switch {
	case key.Matches(msg, k.Up):
		return cursor - 1, true
	case key.Matches(msg, k.Down):
		return cursor + 1, true
	case key.Matches(msg, k.PageUp):
		return cursor - page, true
	case key.Matches(msg, k.PageDown):
		return cursor + page, true
	case key.Matches(msg, k.Top):
		return 0, true
	case key.Matches(msg, k.Bottom):
		return n - 1, true
	}
	return cursor, false
}

// DefaultKeyMap is the standard set of keys: arrows and vim keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Quit:         key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		Help:         key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		NextTab:      key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next screen")),
		PrevTab:      key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous screen")),
		Accounts:     key.NewBinding(key.WithKeys("1"), key.WithHelp("1", "accounts")),
		Account:      key.NewBinding(key.WithKeys("2"), key.WithHelp("2", "account")),
		Due:          key.NewBinding(key.WithKeys("3"), key.WithHelp("3", "due")),
		Pyramid:      key.NewBinding(key.WithKeys("4"), key.WithHelp("4", "pyramid")),
		Up:           key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:         key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:       key.NewBinding(key.WithKeys("pgup", "ctrl+b"), key.WithHelp("pgup", "page up")),
		PageDown:     key.NewBinding(key.WithKeys("pgdown", "ctrl+f", " "), key.WithHelp("pgdn", "page down")),
		Top:          key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g", "top")),
		Bottom:       key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G", "bottom")),
		Open:         key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		Back:         key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Filter:       key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		Sort:         key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort")),
		Reverse:      key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "reverse")),
		Refresh:      key.NewBinding(key.WithKeys("r", "ctrl+r"), key.WithHelp("r", "refresh")),
		Buy:          key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "add purchase")),
		Log:          key.NewBinding(key.WithKeys("l"), key.WithHelp("l", "log contact")),
		Follow:       key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "follow-up")),
		Edit:         key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit")),
		Done:         key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "done")),
		Resolve:      key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "resolve complaint")),
		Snooze:       key.NewBinding(key.WithKeys("z"), key.WithHelp("z", "snooze 3 days")),
		Pay:          key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "payment")),
		Delete:       key.NewBinding(key.WithKeys("D", "delete"), key.WithHelp("D", "delete")),
		Undo:         key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "undo")),
		Add:          key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "add customer")),
		Archive:      key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "archive/restore")),
		ShowArchived: key.NewBinding(key.WithKeys("A"), key.WithHelp("A", "archived")),
		More:         key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "all purchases")),
		Dismiss:      key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "dismiss")),
		Event:        key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "add event")),
		Method:       key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "method")),
		Indicator:    key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "indicator")),
		Submit:       key.NewBinding(key.WithKeys("ctrl+s", "enter"), key.WithHelp("enter", "save")),
		Cancel:       key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		NextField:    key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab", "next field")),
		PrevField:    key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab", "previous field")),
	}
}

// wheelRows is how far a mouse wheel event moves a list's cursor: three
// rows up or down, and ok false for any other mouse event.
func wheelRows(msg tea.MouseMsg) (rows int, ok bool) {
	switch msg.Button {
	case tea.MouseButtonWheelUp:
		return -3, true
	case tea.MouseButtonWheelDown:
		return 3, true
	}
	return 0, false
}
