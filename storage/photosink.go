package storage

import (
	"context"
	"path/filepath"

	"fieldbrief/photo"
	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// PhotoSink stores the photos of an import batch in the store, each linked
// to one target (a visit, an item's answer or a finding). It implements
// photo.Sink: every call is one transaction with the links and the outbox
// entry, so a batch killed at any moment leaves each photo whole or absent.
type PhotoSink struct {
	store *Store
	link  sv.PhotoLink
}

// NewPhotoSink returns a sink that links every photo to link. It checks the
// target exists and can take photos before the batch starts.
func (s *Store) NewPhotoSink(link sv.PhotoLink) (*PhotoSink, error) {
	if link.FindingID != "" {
		f, err := s.Finding(link.FindingID)
		if err != nil {
			return nil, err
		}
		if err := f.CheckPhotoAdd(); err != nil {
			return nil, err
		}
	}
	if link.VisitID != "" {
		in, err := s.Visit(link.VisitID)
		if err != nil {
			return nil, err
		}
		if link.FindingID == "" {
			if err := in.CheckPhotoAdd(); err != nil {
				return nil, err
			}
		}
		if link.ItemKey != "" {
			t, err := s.Template(in.TemplateID, in.TemplateVersion)
			if err != nil {
				return nil, err
			}
			if _, ok := t.Item(link.ItemKey); !ok {
				return nil, translate.Errorf(sv.ENotFound, "storage.error.the_checklist_has_no_item", link.ItemKey)
			}
		}
	}
	if link.VisitID == "" && link.FindingID == "" {
		return nil, translate.Errorf(sv.EInvalid, "storage.error.say_which_visit_or_finding_the")
	}
	return &PhotoSink{store: s, link: link}, nil
}

// LinkExisting links an already stored photo to the target and reports
// whether there was one, so the importer can skip decoding it.
func (ps *PhotoSink) LinkExisting(ctx context.Context, sha string) (bool, error) {
	p, err := ps.store.Photo(sha)
	if sv.ErrorCode(err) == sv.ENotFound {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	p.Links = []sv.PhotoLink{ps.link}
	_, err = ps.store.PutPhoto(p, PhotoBlobs{})
	return true, err
}

// PutPhoto stores a processed photo with its renditions, the print copy
// included, in one transaction.
func (ps *PhotoSink) PutPhoto(ctx context.Context, p *photo.Processed) (bool, error) {
	meta := sv.Photo{
		Hash:       p.SHA256,
		FileName:   filepath.Base(p.Name),
		Size:       int64(len(p.Original)),
		Width:      p.Width,
		Height:     p.Height,
		CapturedAt: p.Taken,
		Links:      []sv.PhotoLink{ps.link},
	}
	if p.GPS != nil {
		lat, lon := p.GPS.Lat, p.GPS.Lon
		meta.Lat, meta.Lon = &lat, &lon
	}
	return ps.store.PutPhoto(meta, PhotoBlobs{Original: p.Original, Display: p.Display, Thumbnail: p.Thumb, Print: p.Print})
}
