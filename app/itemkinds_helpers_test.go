package app

import "fyne.io/fyne/v2/widget"

// The widgets of an item's kind, for tests; nil when the item is of
// another kind.

func (f *itemField) verdict() *widget.RadioGroup {
	if v, ok := f.value.(*verdictValue); ok {
		return v.radio
	}
	return nil
}

// entry is the text box of a number, text or date item.
func (f *itemField) entry() *widget.Entry {
	switch v := f.value.(type) {
	case *numberValue:
		return v.entry
	case *textValue:
		return v.entry
	case *dateValue:
		return v.entry
	}
	return nil
}

func (f *itemField) choice() *widget.Select {
	if v, ok := f.value.(*choiceValue); ok {
		return v.choice
	}
	return nil
}

func (f *itemField) pair() *widget.RadioGroup {
	if v, ok := f.value.(*pairValue); ok {
		return v.pair
	}
	return nil
}

func (f *itemField) checks() *widget.CheckGroup {
	if v, ok := f.value.(*ticksValue); ok {
		return v.checks
	}
	return nil
}
