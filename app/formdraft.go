package app

import (
	"maps"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// formField is one field of a form as the draft keeps it: read and put
// back as text.
type formField struct {
	get func() string
	set func(string)
}

func entryField(e *widget.Entry) formField {
	return formField{get: func() string { return e.Text }, set: e.SetText}
}

func selectField(s *widget.Select) formField {
	return formField{get: func() string { return s.Selected }, set: s.SetSelected}
}

func radioField(r *widget.RadioGroup) formField {
	return formField{get: func() string { return r.Selected }, set: r.SetSelected}
}

// listField keeps a list of words (photo hashes) as one field.
func listField(list *[]string, show func()) formField {
	return formField{
		get: func() string { return strings.Join(*list, " ") },
		set: func(s string) {
			*list = strings.Fields(s)
			show()
		},
	}
}

// Draft keys name a form and what it is for. Every key is made here, so
// the visit that offers its findings' drafts and the finding detail that
// names its own find them by the same prefixes.
func newFindingDraftKey(visitID, what string) string {
	return "finding:new:" + visitID + ":" + what
}
func editDraftKey(findingID string) string { return "finding:edit:" + findingID }
func noteDraftKey(findingID string) string { return "finding:note:" + findingID }

// moveDraftKey is the key of a move to status to; with to empty, the
// prefix of all the finding's moves.
func moveDraftKey(findingID string, to sv.Status) string {
	return "finding:move:" + findingID + ":" + string(to)
}

// formKeeper keeps what is typed into a form (a finding, a note, a status
// change) in the store as it is typed, so that a crash, a flat battery or
// quitting loses none of it, and puts it back when the same form is opened
// again. Saving the form, or cancelling it, forgets the draft.
type formKeeper struct {
	env    *screenEnv
	key    string
	fields map[string]formField
	saver  *saver
	// note says a draft was put back, or that keeping it failed.
	note *widget.Label
	// opened is what the form held when it opened: a form left as it was
	// prefilled needs no draft.
	opened map[string]string
	// ended is set once the form is saved or cancelled: a change after
	// that (a field cleared as the dialog closes) must not bring the draft
	// back.
	ended bool
}

// keepForm starts keeping the form's fields under key, and fills them
// from a draft of that key if there is one. Call it once the fields hold
// their prefilled values.
func keepForm(env *screenEnv, key string, fields map[string]formField) *formKeeper {
	k := &formKeeper{env: env, key: key, fields: fields, note: widget.NewLabel("")}
	k.note.Wrapping = fyne.TextWrapWord
	k.note.Importance = widget.WarningImportance
	k.note.Hide()
	k.saver = newSaver(env.bg, func(_ string, err error) {
		if err != nil {
			env.do(func() {
				k.note.SetText(t("form.draft_failed", env.message(err)))
				k.note.Importance = widget.DangerImportance
				k.note.Show()
			})
		}
	})
	k.opened = k.values()
	data := env.data
	fetchIn(env, func() (storage.FormDraft, error) { return data.FormDraft(key) }, func(d storage.FormDraft, err error) {
		if err != nil {
			if sv.ErrorCode(err) != sv.ENotFound {
				k.note.SetText(env.message(err))
				k.note.Show()
			}
			return
		}
		// Typed into meanwhile: what is on screen wins.
		if k.ended || !maps.Equal(k.values(), k.opened) {
			return
		}
		for name, f := range k.fields {
			if v, ok := d.Fields[name]; ok {
				f.set(v)
			}
		}
		k.note.SetText(t("form.draft_restored", d.At.In(env.now().Location()).Format("2006-01-02 15:04")))
		k.note.Show()
	})
	return k
}

func (k *formKeeper) values() map[string]string {
	out := make(map[string]string, len(k.fields))
	for name, f := range k.fields {
		out[name] = f.get()
	}
	return out
}

// changed keeps the form as it now is; the form calls it on every change.
func (k *formKeeper) changed() {
	if k.ended {
		return
	}
	data := k.env.data
	now := k.values()
	if maps.Equal(now, k.opened) {
		k.saver.put(k.key, func() error { return data.DeleteFormDraft(k.key) })
		return
	}
	d := storage.FormDraft{Key: k.key, Fields: now}
	k.saver.put(k.key, func() error { return data.SaveFormDraft(d) })
}

// cancel closes the form with hide, asking first if anything was typed:
// Cancel is one click away from Save, and the typing would be gone.
func (k *formKeeper) cancel(hide func()) {
	if maps.Equal(k.values(), k.opened) {
		k.end()
		hide()
		return
	}
	k.env.dialogs.confirmLoss(t0("form.discard_title"), t0("form.discard_question"), t0("form.discard"), func(ok bool) {
		if ok {
			k.end()
			hide()
		}
	})
}

// end forgets the draft: the form was saved, or cancelled on purpose.
func (k *formKeeper) end() {
	k.ended = true
	data := k.env.data
	k.saver.put(k.key, func() error { return data.DeleteFormDraft(k.key) })
}
