package report

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"fieldbrief/docinput"
	"fieldbrief/supervision"
)

// TourInput is everything a quarterly tour pack (季度拉练) prints.
type TourInput struct {
	Year, Quarter int
	// Stops are the projects in visiting order: as the user chose it, or
	// from OrderByLocation.
	Stops []ProjectData
	// SnapshotVersion is the serialisation TourSnapshot computes in, as
	// for BriefInput.
	SnapshotVersion string
}

// Tour writes the pack for the quarterly tour of all sites: the route, then
// one page per site with its facts, the points to look at (active
// findings), its latest photos and ruled space for notes taken on site.
func Tour(w io.Writer, fonts *Fonts, in TourInput, opt Options) (Result, error) {
	if in.Quarter < 1 || in.Quarter > 4 {
		return Result{}, fmt.Errorf("report: quarter %d does not exist: use 1 to 4", in.Quarter)
	}
	if opt.Time.IsZero() {
		opt.Time = time.Now()
	}
	asOf := opt.Time
	l := printLangOf(opt.Lang)
	quarter := fmt.Sprintf(l.t("report.title.quarter"), in.Year, l.quarterName(in.Quarter))
	title := quarter + l.t("report.title.key_project_site_tour")
	opt.Title = title
	opt.Header = l.t("report.title.running_tour")
	opt.HeaderRight = quarter
	opt.Names = append(personNames(stopProjects(in.Stops)), opt.Names...)
	stamp := TourStamp(in, opt)
	opt.Keywords = stamp.String()
	opt.FooterNote = fmt.Sprintf(l.t("report.title.data_hash_generated"), stamp.Record[len(SnapshotVersion)+1:][:16], l.clock(opt.Time))
	opt.Subject = l.count("report.title.route_and_site_notes_stops", len(in.Stops))
	opt.Author = l.t("report.brief.issuer")
	sealed := &sealWriter{}
	res, err := typeset(sealed, fonts, in, opt, func(d *Doc) {
		l := d.printLang()
		// The outline lists the route and the stations, not what each
		// station has under it.
		d.outlineDepth = 1

		d.Title(title)
		d.Subtitle(l.count("report.title.route_and_site_notes_stops", len(in.Stops)))

		d.Heading(1, l.t("report.heading.1_route"))
		var rows []Row
		total := 0.0
		for i, s := range in.Stops {
			p := s.Project
			dist := l.t("report.text.first_stop")
			if i > 0 {
				dist = l.t("report.text.no_location")
				if km, ok := distanceKM(in.Stops[i-1].Project, p); ok {
					dist = strconv.FormatFloat(km, 'f', 1, 64)
					total += km
				}
			}
			rows = append(rows, Row{Cells: []Cell{
				{Text: strconv.Itoa(i + 1)},
				{Text: p.DisplayName()},
				{Text: l.orMissing(p.Address)},
				{Text: l.orMissing(p.Leader)},
				{Text: dist},
				{Text: l.orMissing(p.Phase.Label(l.Lang()))},
				{Text: l.orMissing(p.Light.Label(l.Lang())), Tone: lightTone(p.Light)},
			}})
		}
		d.Table(Table{Size: smallSize, Columns: []Column{
			{Header: l.t("report.col.stop"), Weight: 1, Align: AlignCenter, NoWrap: true},
			{Header: l.t("report.col.project"), Weight: 1},
			{Header: l.t("report.col.address"), Weight: 1},
			{Header: l.t("report.fact.project_leader"), Weight: 1},
			{Header: l.t("report.col.from_previous_km"), Weight: 1, Align: AlignRight, NoWrap: true},
			{Header: l.t("report.col.phase"), Weight: 1, Align: AlignCenter},
			{Header: l.t("report.fact.status"), Weight: 1, Align: AlignCenter},
		}, Rows: rows})
		d.Note(fmt.Sprintf(l.t("report.text.about_km_in_all_as"), strconv.FormatFloat(total, 'f', 1, 64)))

		for i, s := range in.Stops {
			d.PageBreak()
			head := fmt.Sprintf(l.t("report.heading.stop"), i+1, s.Project.Name)
			d.projectPage(0, head, s, asOf, l.t("report.heading.what_to_look_at_open"), 0, 0)
			// One row of photos and the notes box go together; when they do
			// not fit below the station's facts, they continue on a page
			// of their own under the station's name.
			photos := s.Photos[:min(len(s.Photos), tourPhotos)]
			need := 3 + 6 + 3*notesLineGap
			if len(photos) > 0 {
				need += subheadSize*ptToMM*1.6 + 3 + d.photoRowHeight(photos, tourPhotos)
			}
			if d.y+need > d.bottom {
				d.newPage()
				d.heading(1, head+l.t("report.brief.continued"), false)
			}
			if len(photos) > 0 {
				d.Heading(2, l.t("report.heading.latest_photos"))
				d.PhotoGrid(photos, tourPhotos)
			}
			d.notesBox(l.t("report.heading.notes_on_site"))
		}
	})
	if err != nil {
		return res, err
	}
	return res, sealed.writeTo(w)
}

// tourPhotos is how many photos a tour station prints, in one row.
const tourPhotos = 3

// notesLineGap is the distance between the ruled lines of a notes box.
const notesLineGap = 7.0

func (l printLang) quarterName(q int) string {
	if l.Lang() == supervision.English {
		return strconv.Itoa(q)
	}
	return [...]string{"", "一", "二", "三", "四"}[q]
}

// notesBox rules the rest of the page (at most 70 mm) for handwritten
// notes: at least three lines, on the next page if this one has no room.
func (d *Doc) notesBox(label string) {
	const lineGap = notesLineGap
	d.Space(3)
	d.ensure(6 + 3*lineGap)
	d.setFont(serifBold, bodySize)
	d.setColor(colText)
	d.text(d.left, d.y+4, d.clean(label))
	d.y += 6
	end := min(d.bottom, d.y+70)
	d.drawColor(colHeader)
	d.pdf.SetLineWidth(0.15)
	for y := d.y + lineGap; y <= end; y += lineGap {
		d.pdf.Line(d.left, y, d.right, y)
	}
	d.y = end
}

// distanceKM is the great-circle distance between two projects; ok is
// false when either has no coordinates.
func distanceKM(a, b supervision.Project) (float64, bool) { return docinput.DistanceKM(a, b) }

// OrderByLocation returns the projects in a visiting order that keeps the
// drive short (docinput.OrderByLocation).
func OrderByLocation(ps []ProjectData) []ProjectData { return docinput.OrderByLocation(ps) }
