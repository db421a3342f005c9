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
	"time"

	"fieldbrief/assets"
	"fieldbrief/docinput"
	"fieldbrief/report"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// Source is where the records come from; *storage.Store implements it.
// A brief's and a tour pack's records are read through docinput.Source,
// which the portal implements too; a visit report and the photos' bytes
// need the rest.
type Source interface {
	docinput.Source
	Visit(id string) (sv.Visit, error)
	PhotoBlob(hash string, kind storage.BlobKind) ([]byte, error)
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
// together its input. A brief and a tour pack are assembled by package
// docinput, which Snapshot and the portal's rebuild use too, so that
// verify rebuilds exactly what a document printed. briefAt is the moment a
// brief counts to.
func assemble(src Source, req Request, now, briefAt time.Time, lookup report.PhotoLookup) (inputs, error) {
	var in inputs
	switch req.Kind {
	case Visit:
		// A clear "not found" before loading everything.
		v, err := src.Visit(req.VisitID)
		if err != nil {
			return in, err
		}
		r, err := docinput.Load(src)
		if err != nil {
			return in, err
		}
		// A visit report is as of the day of its visit.
		projects, err := docinput.ProjectsAsOf(src, r, sv.DateOf(v.StartedAt.In(now.Location())), now.Location())
		if err != nil {
			return in, err
		}
		in.visit, err = report.NewVisitInput(req.VisitID, projects, r.Templates, r.Visits, r.Findings, lookup)
		return in, Failure(err)
	case Brief:
		asOf, data, err := docinput.Brief(src, req.PeriodEnd, briefAt, now.Location(), lookup)
		in.brief = report.BriefInput{PeriodEnd: req.PeriodEnd, AsOf: asOf, Projects: data, Form: req.Form}
		return in, Failure(err)
	case Tour:
		stops, err := docinput.Tour(src, req.Year, req.Quarter, now, req.Order, lookup)
		in.tour = report.TourInput{Year: req.Year, Quarter: req.Quarter, Stops: stops}
		return in, Failure(err)
	}
	return in, translate.Errorf(sv.EInvalid, "briefing.error.unknown_document", req.Kind)
}

// Snapshot rebuilds, from the records in src as they are now, the snapshot
// a stamped brief or tour pack was printed from (docinput.Rebuild): the
// same period or quarter, as of the same moment, the same stops in the
// same order, in the serialisation the stamp names.
func Snapshot(src Source, st report.Stamp) (report.Snapshot, error) {
	stops := make([]string, len(st.Projects))
	for i, p := range st.Projects {
		stops[i] = p.ID
	}
	return docinput.Rebuild(src, st.Version(), st.Kind, st.ID, st.Time, st.AsOf, stops)
}

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
