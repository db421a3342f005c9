package app

import (
	"time"

	"fieldbrief/briefing"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// Data is what the window reads and writes. *storage.Store implements it;
// tests pass the same store on a temporary folder. Every call may touch the
// disk, so screens call it only inside Config.Background, never on the UI
// goroutine.
type Data interface {
	// Source is what the PDF briefs read.
	briefing.Source

	Dashboard(now time.Time) ([]sv.ProjectStatus, error)
	KeepOriginals() (bool, error)
	SetKeepOriginals(keep bool) error
	IsEmpty() (bool, error)
	IsSample() (bool, error)
	Path() string

	Projects() ([]sv.Project, error)
	Project(id string) (sv.Project, error)
	// FiguresAsOf is a project's figures on a date (decision 0033).
	FiguresAsOf(projectID string, date sv.Date) (sv.Figures, error)
	ProjectVisits(projectID string) ([]sv.Visit, error)
	Template(id string, version int) (sv.Template, error)

	StartVisit(projectID string, inspectors []string) (sv.Visit, error)
	Visit(id string) (sv.Visit, error)
	SaveAnswer(visitID string, a sv.Answer) error
	UpdateVisit(in sv.Visit) error
	SubmitVisit(id string) (sv.Visit, error)
	AmendVisit(id string) (sv.Visit, error)
	DeleteDraft(id string) error

	CreateFinding(f sv.Finding) error
	Finding(id string) (sv.Finding, error)
	MoveFinding(id string, m sv.Move) (sv.Finding, error)
	EditFinding(id string, e storage.FindingEdit) (sv.Finding, error)
	AddFindingNote(id string, n sv.Note) (sv.Finding, error)
	// Findings lists findings without notes and history, from the index;
	// Finding reads one whole.
	Findings(filter storage.FindingFilter) ([]sv.Finding, error)
	ActiveFindings(projectID string) ([]sv.Finding, error)
	ResponsibleUnits() ([]string, error)

	// NewPhotoSink receives imported photos for one visit, item or finding.
	NewPhotoSink(link sv.PhotoLink) (*storage.PhotoSink, error)
	// LinkPhoto links a stored photo to one more target.
	LinkPhoto(hash string, link sv.PhotoLink) (bool, error)
	ProjectPhotos(projectID string, limit int) ([]sv.Photo, error)
	PhotoBlob(hash string, kind storage.BlobKind) ([]byte, error)
	// Photo, UpdatePhoto and UnlinkPhoto serve the photo viewer.
	Photo(hash string) (sv.Photo, error)
	UpdatePhoto(hash, caption string, rotation int) error
	UnlinkPhoto(hash string, link sv.PhotoLink) (deleted bool, err error)
	// SaveFormDraft, FormDraft, DeleteFormDraft and FormDrafts keep what
	// is typed into a form until it is saved (see formKeeper).
	SaveFormDraft(d storage.FormDraft) error
	FormDraft(key string) (storage.FormDraft, error)
	DeleteFormDraft(key string) error
	FormDrafts(prefix string) ([]storage.FormDraft, error)
	// VisitPhotoStates says, per visit, how many of its photos wait to be
	// uploaded and how many are still only on the portal.
	VisitPhotoStates(ids ...string) (map[string]storage.PhotoState, error)
}

// Compile-time check that the store is what the window needs.
var _ Data = (*storage.Store)(nil)
