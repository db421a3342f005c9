// Package briefing makes fieldbrief's PDF briefs from the records in the
// store: it loads what a document needs, chooses each photo's best stored
// copy, and hands everything to package report. The command line and the
// window both make their documents here, so they print the same thing.
package briefing

import (
	"bytes"
	"errors"
	"image/jpeg"
	"io"
	"regexp"
	"strconv"
	"time"

	"fieldbrief/assets"
	"fieldbrief/report"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// Source is where the records come from; *storage.Store implements it.
type Source interface {
	Projects() ([]sv.Project, error)
	Templates() ([]sv.Template, error)
	Visit(id string) (sv.Visit, error)
	VisitsWithAnswers() ([]sv.Visit, error)
	// FindingRecords are the findings whole: the reports replay their
	// histories.
	FindingRecords() ([]sv.Finding, error)
	Photo(hash string) (sv.Photo, error)
	PhotoBlob(hash string, kind storage.BlobKind) ([]byte, error)
	// RegisterObservations is the register's history of a project's
	// figures; with the visits' answers it is the one source of the figures
	// (sv.FiguresAsOf, decision 0033).
	RegisterObservations(projectID string) ([]sv.Observation, error)
}

// Kind is one of the three documents.
type Kind string

// The documents.
const (
	Visit Kind = "visit" // 督查报告: one visit
	Brief Kind = "brief" // 调度会简报: all projects over a two-month period
	Tour  Kind = "tour"  // 季度拉练: one page per site, in visiting order
)

// Request says which document to make and how.
type Request struct {
	Kind Kind
	// VisitID names the visit (Visit).
	VisitID string
	// PeriodEnd is any time in the last month of the period (Brief).
	PeriodEnd time.Time
	// Year and Quarter (1–4) name the tour (Tour); Order is the visiting
	// order by project id, nil for the order by location.
	Year, Quarter int
	Order         []string
	Size          report.PageSize
	Lang          sv.Lang
	// Form is what the person printing sets on a brief (Brief): 期号,
	// 编发单位, items of 下步工作, the 版记's lines.
	Form report.BriefForm
	// Time is the generation time printed on the document; zero means now.
	Time time.Time
	// AsOf, for a brief, is the date its figures and overdue days are
	// counted to; zero means the end of its period (or now, while the
	// period runs). Time stays the generation time.
	AsOf time.Time
	// Deterministic makes the same records and Time give the same bytes.
	Deterministic bool
}

// Maker makes documents. The fonts are parsed once, and the copies cut down
// to the characters of the last document are kept, so a Maker that lives
// as long as the window makes every document after the first without
// parsing or cutting fonts again. It is safe for concurrent use.
type Maker struct {
	fonts *report.Fonts
}

// NewMaker unpacks and parses the bundled fonts: Noto Sans SC and Noto
// Serif SC, regular and bold.
func NewMaker() (*Maker, error) {
	serif, serifBold, err := assets.SerifFonts()
	if err != nil {
		return nil, Failure(err)
	}
	fonts, err := report.NewFonts(report.FontFaces{Sans: assets.FontRegular(), SansBold: assets.FontBold(), Serif: serif, SerifBold: serifBold})
	if err != nil {
		return nil, Failure(err)
	}
	return &Maker{fonts: fonts}, nil
}

// Make writes the requested document to w.
func (m *Maker) Make(src Source, req Request, w io.Writer) (report.Result, error) {
	opt := report.Options{Size: req.Size, Lang: sv.Chinese, Time: req.Time, Deterministic: req.Deterministic, Store: storeTag(src)}
	if req.Lang == sv.English {
		opt.Lang = sv.English
	}
	now := req.Time
	if now.IsZero() {
		now = time.Now()
	}
	// The document's stamp says when it was made; the records are
	// assembled as of that same moment, so verify can rebuild them.
	opt.Time = now
	in, err := assemble(src, req, now, briefNow(req, now), photoLookup(src, req.Size))
	if err != nil {
		return report.Result{}, err
	}
	var res report.Result
	switch req.Kind {
	case Visit:
		res, err = report.Visit(w, m.fonts, in.visit, opt)
	case Brief:
		res, err = report.Brief(w, m.fonts, in.brief, opt)
	case Tour:
		res, err = report.Tour(w, m.fonts, in.tour, opt)
	}
	return res, Failure(err)
}

// inputs is what one document prints, assembled from the store.
type inputs struct {
	visit report.VisitInput
	brief report.BriefInput
	tour  report.TourInput
}

// assemble loads the records the requested document prints and puts
// together its input. Make and Snapshot both come here, so that verify
// rebuilds exactly what a document printed. briefAt is the moment a brief
// counts to.
func assemble(src Source, req Request, now, briefAt time.Time, lookup report.PhotoLookup) (inputs, error) {
	var in inputs
	switch req.Kind {
	case Visit:
		// A clear "not found" before loading everything.
		if _, err := src.Visit(req.VisitID); err != nil {
			return in, err
		}
	case Brief:
	case Tour:
		if req.Quarter < 1 || req.Quarter > 4 {
			return in, translate.Errorf(sv.EInvalid, "briefing.error.the_quarter_must_be_1_to")
		}
	default:
		return in, translate.Errorf(sv.EInvalid, "briefing.error.unknown_document", req.Kind)
	}
	projects, err := src.Projects()
	if err != nil {
		return in, err
	}
	if req.Kind == Tour {
		known := map[string]bool{}
		for _, p := range projects {
			known[p.ID] = true
		}
		for _, id := range req.Order {
			if !known[id] {
				return in, translate.Errorf(sv.ENotFound, "briefing.error.project_in_the_order_does_not", id)
			}
		}
	}
	templates, err := src.Templates()
	if err != nil {
		return in, err
	}
	visits, err := src.VisitsWithAnswers()
	if err != nil {
		return in, err
	}
	findings, err := src.FindingRecords()
	if err != nil {
		return in, err
	}
	asOf, err := documentDate(src, req, now, briefAt)
	if err != nil {
		return in, err
	}
	if projects, err = projectsAsOf(src, projects, templates, visits, asOf, now.Location()); err != nil {
		return in, err
	}
	switch req.Kind {
	case Visit:
		in.visit, err = report.NewVisitInput(req.VisitID, projects, templates, visits, findings, lookup)
	case Brief:
		in.brief = report.NewBriefInput(req.PeriodEnd, briefAt, projects, visits, findings, lookup)
		in.brief.Form = req.Form
	case Tour:
		in.tour, err = report.NewTourInput(req.Year, req.Quarter, now, req.Order, projects, visits, findings, lookup)
	}
	return in, Failure(err)
}

// Snapshot rebuilds, from the records in src as they are now, the snapshot
// a stamped brief or tour pack was printed from: the same period or
// quarter, as of the same moment, the same stops in the same order. A stop
// no longer in the register is left out (and so the snapshot differs).
func Snapshot(src Source, st report.Stamp) (report.Snapshot, error) {
	loc := st.Time.Location()
	lookup := func(hash string) (report.Photo, bool) {
		meta, err := src.Photo(hash)
		if err != nil {
			return report.Photo{}, false
		}
		return report.Photo{Caption: meta.Caption, Taken: meta.SortTime()}, true
	}
	switch st.Kind {
	case "brief":
		end, err := time.ParseInLocation("2006-01", st.ID, loc)
		if err != nil {
			return report.Snapshot{}, translate.Errorf(sv.EInvalid, "briefing.error.the_brief_s_period_cannot_be", st.ID)
		}
		in, err := assemble(src, Request{Kind: Brief, PeriodEnd: end}, st.Time, st.AsOf.In(loc), lookup)
		if err != nil {
			return report.Snapshot{}, err
		}
		// In the serialisation the document was printed with: one printed
		// before a field was added is checked without it.
		in.brief.SnapshotVersion = st.Version()
		return report.BriefSnapshot(in.brief), nil
	case "tour":
		m := tourIDRE.FindStringSubmatch(st.ID)
		if m == nil {
			return report.Snapshot{}, translate.Errorf(sv.EInvalid, "briefing.error.the_tour_pack_s_quarter_cannot", st.ID)
		}
		year, _ := strconv.Atoi(m[1])
		q, _ := strconv.Atoi(m[2])
		projects, err := src.Projects()
		if err != nil {
			return report.Snapshot{}, err
		}
		known := map[string]bool{}
		for _, p := range projects {
			known[p.ID] = true
		}
		var order []string
		for _, p := range st.Projects {
			if known[p.ID] {
				order = append(order, p.ID)
			}
		}
		if len(order) == 0 {
			return report.Snapshot{Digest: st.Version() + ":"}, nil
		}
		at := st.AsOf.In(loc)
		in, err := assemble(src, Request{Kind: Tour, Year: year, Quarter: q, Order: order}, at, at, lookup)
		if err != nil {
			return report.Snapshot{}, err
		}
		in.tour.SnapshotVersion = st.Version()
		return report.TourSnapshot(in.tour, at), nil
	}
	return report.Snapshot{}, translate.Errorf(sv.EInvalid, "briefing.error.unknown_document", st.Kind)
}

var tourIDRE = regexp.MustCompile(`^(\d{4})Q([1-4])$`)

// storeTag is the report.StoreTag of the data folder src reads.
func storeTag(src Source) string {
	if d, ok := src.(*Downloading); ok {
		src = d.Source
	}
	if s, ok := src.(interface{ DeviceID() string }); ok {
		return report.StoreTag(s.DeviceID())
	}
	return ""
}

// photoLookup gives the reports each photo's upright print copy, which
// they embed without decoding, when it is large enough for the paper: it is
// made for A4, so A3 and photos imported before print copies existed get
// the display copy, which the report reduces itself.
func photoLookup(s Source, size report.PageSize) report.PhotoLookup {
	bw, bh := report.PhotoBox(size)
	return func(hash string) (report.Photo, bool) {
		meta, err := s.Photo(hash)
		if err != nil {
			return report.Photo{}, false
		}
		orient := report.RotationOrientation(meta.Rotation)
		p := report.Photo{Caption: meta.Caption, Taken: meta.CapturedAt, Imported: meta.ImportedAt, Orientation: orient}
		if b, err := s.PhotoBlob(hash, storage.BlobPrint); err == nil && coversBox(b, orient, bw, bh) {
			p.JPEG = b
		} else if b, err := s.PhotoBlob(hash, storage.BlobDisplay); err == nil {
			p.JPEG = b
		}
		return p, true
	}
}

// coversBox reports whether the JPEG, turned by orient, is within 5 % of
// filling a bw×bh box — the report's own slack — reading its header only.
func coversBox(b []byte, orient, bw, bh int) bool {
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return false
	}
	w, h := cfg.Width, cfg.Height
	if orient >= 5 {
		w, h = h, w
	}
	// The scale that fits the picture to the box must not enlarge it by
	// more than 5 %.
	return float64(w)*1.05 >= float64(bw) || float64(h)*1.05 >= float64(bh)
}

// Failure turns a failure inside the report package into a message for a
// person; the cause stays attached for the logs. nil stays nil.
func Failure(err error) error {
	if err == nil {
		return nil
	}
	var e *sv.Error
	if errors.As(err, &e) {
		return err
	}
	return translate.Wrap(err, sv.EInternal, "briefing.error.the_report_could_not_be_made")
}

// LocationOrder is the visiting order the tour pack uses when none is
// given: the project ids in an order that keeps the drive short.
func LocationOrder(projects []sv.Project) []string {
	data := make([]report.ProjectData, len(projects))
	for i, p := range projects {
		data[i].Project = p
	}
	var ids []string
	for _, pd := range report.OrderByLocation(data) {
		ids = append(ids, pd.Project.ID)
	}
	return ids
}
