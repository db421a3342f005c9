package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	sv "fieldbrief/supervision"
	"fieldbrief/syncer"
)

// rejectionsDialog lists the changes the portal refused, each with the
// portal's reason in the user's language, what it was about, and a button
// to dismiss it once read. A refusal stays listed (and counted in the
// status bar) until dismissed: a change is never dropped silently.
type rejectionsDialog struct {
	s     *syncUI
	list  *fyne.Container
	dlg   dialog.Dialog
	shown []syncer.Rejection
}

func (s *syncUI) showRejections() {
	if s == nil {
		return
	}
	if s.rejectDlg != nil {
		s.rejectDlg.dlg.Show()
		return
	}
	d := &rejectionsDialog{s: s, list: container.NewVBox()}
	scroll := container.NewVScroll(d.list)
	scroll.SetMinSize(fyne.NewSize(640, 320))
	d.dlg = dialog.NewCustom(t0("sync.rejections_title"), t0("common.close"), scroll, s.ui.window)
	d.dlg.SetOnClosed(func() { s.rejectDlg = nil })
	s.rejectDlg = d
	d.show(s.rejections)
	s.ui.showKeyed(d.dlg, d.dlg.Hide)
	s.refreshStatus()
}

// show fills the list; the subjects (a finding's description) are read
// off the UI goroutine and filled in when they arrive.
func (d *rejectionsDialog) show(rs []syncer.Rejection) {
	d.shown = rs
	d.list.RemoveAll()
	if len(rs) == 0 {
		d.list.Add(widget.NewLabel(t0("sync.rejections_none")))
		return
	}
	for _, r := range rs {
		subject := widget.NewLabelWithStyle(entityName(r.Entity), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		subject.Truncation = fyne.TextTruncateEllipsis
		reason := widget.NewLabel(r.Message(d.s.ui.lang))
		reason.Wrapping = fyne.TextWrapWord
		at := widget.NewLabel(d.s.when(r.At))
		dismiss := widget.NewButton(t0("sync.dismiss"), func() { d.dismiss(r) })
		d.list.Add(container.NewVBox(
			container.NewBorder(nil, nil, nil, container.NewHBox(at, dismiss), subject),
			reason, widget.NewSeparator()))
		d.describe(r, subject)
	}
}

// describe names what was refused in the inspector's terms.
func (d *rejectionsDialog) describe(r syncer.Rejection, into *widget.Label) {
	data := d.s.ui.cfg.Data
	switch r.Entity {
	case syncer.EntityFinding:
		fetch(d.s.ui, func() (sv.Finding, error) { return data.Finding(r.ID) }, func(f sv.Finding, err error) {
			if err == nil && f.Description != "" {
				into.SetText(t("sync.subject", entityName(r.Entity), f.Description))
			}
		})
	case syncer.EntityVisit:
		fetch(d.s.ui, func() (string, error) {
			in, err := data.Visit(r.ID)
			if err != nil {
				return "", err
			}
			p, err := data.Project(in.ProjectID)
			return p.Name + " " + d.s.ui.date(in.StartedAt), err
		}, func(what string, err error) {
			if err == nil {
				into.SetText(t("sync.subject", entityName(r.Entity), what))
			}
		})
	}
}

func (d *rejectionsDialog) dismiss(r syncer.Rejection) {
	store := d.s.cfg.Store
	d.s.background(func() {
		err := store.DismissRejection(r.Device, r.Seq)
		d.s.ui.do(func() {
			if err != nil {
				d.s.ui.showError(err)
			}
			d.s.refreshStatus()
		})
	})
}

func entityName(entity string) string {
	switch entity {
	case syncer.EntityFinding:
		return t0("sync.entity_finding")
	case syncer.EntityVisit:
		return t0("sync.entity_inspection")
	case syncer.EntityAnswer:
		return t0("sync.entity_answer")
	case syncer.EntityPhoto:
		return t0("sync.entity_photo")
	}
	return t0("sync.entity_other")
}
