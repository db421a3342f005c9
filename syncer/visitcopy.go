package syncer

import (
	"context"
	"encoding/json"
	"sort"
	"strings"

	"fieldbrief/portal"
	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// PortalVisit is the portal's copy of a visit as this laptop can know it.
type PortalVisit struct {
	Visit sv.Visit
	// Found is false when the portal holds no such visit.
	Found bool
	// Unsent lists the parts of the visit ("header" or an item key) this
	// laptop changed and has not sent yet, and that no other laptop has
	// changed on the portal since: the portal holds the version sent
	// before, which this laptop no longer has, so the copy is not known.
	Unsent []string
}

// FetchPortalVisit reads the portal's current copy of a visit with its
// answers, without storing anything (decision 0034). The portal answers
// a pull with every record except those whose latest version this
// laptop sent itself (it has them already), and has no request for one
// record: so the copy is the versions other laptops sent, found by
// paging through the portal's records from the start, and for the rest
// this laptop's own, as sent — which is its stored version unless a
// change to it still waits in the outbox (then the part is Unsent).
func (e *Engine) FetchPortalVisit(ctx context.Context, id string) (PortalVisit, error) {
	var out PortalVisit
	local, err := e.store.Visit(id)
	localFound := err == nil
	if err != nil && sv.ErrorCode(err) != sv.ENotFound {
		return out, err
	}
	pending, err := e.pendingParts(id)
	if err != nil {
		return out, err
	}
	// What the portal sent, by part: nil data is a deletion.
	var header *sv.Visit
	headerDeleted := false
	answers := map[string]*sv.Answer{}
	cursor := ""
	for {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		resp, err := e.client.Pull(ctx, cursor, e.opts.PullLimit)
		if err != nil {
			return out, err
		}
		for _, rec := range resp.Records {
			switch {
			case rec.Entity == portal.EntityVisit && rec.ID == id:
				header, headerDeleted = nil, rec.Deleted
				if !rec.Deleted {
					var got sv.Visit
					if err := json.Unmarshal(rec.Data, &got); err != nil {
						return out, translate.Wrap(err, sv.EInternal, "syncer.error.the_portal_sent_a_visit_record")
					}
					header = &got
				}
			case rec.Entity == portal.EntityAnswer && strings.HasPrefix(rec.ID, id+"/"):
				item := strings.TrimPrefix(rec.ID, id+"/")
				answers[item] = nil
				if !rec.Deleted {
					var a sv.Answer
					if err := json.Unmarshal(rec.Data, &a); err != nil {
						return out, translate.Wrap(err, sv.EInternal, "syncer.error.the_portal_sent_an_answer_that")
					}
					answers[item] = &a
				}
			}
		}
		cursor = resp.Cursor
		if !resp.More {
			break
		}
	}
	switch {
	case headerDeleted:
		return out, nil
	case header != nil:
		out.Visit, out.Found = *header, true
	case localFound && !pending["header"+"\x00"]:
		out.Visit, out.Found = local, true
	case localFound:
		// Sent before, or never: the outbox cannot tell which.
		out.Unsent = append(out.Unsent, "header")
		out.Visit, out.Found = local, true
	default:
		return out, nil
	}
	merged := map[string]sv.Answer{}
	for k, a := range local.Answers {
		if pending[k] {
			out.Unsent = append(out.Unsent, k)
		}
		merged[k] = a
	}
	for k, a := range answers {
		out.Unsent = removeString(out.Unsent, k)
		if a == nil {
			delete(merged, k)
		} else {
			merged[k] = *a
		}
	}
	out.Visit.Answers = merged
	sort.Strings(out.Unsent)
	return out, nil
}

// pendingParts names the parts of a visit with a change waiting in the
// outbox: its answers by item key, its header as "header\x00" (no item
// key holds a NUL).
func (e *Engine) pendingParts(id string) (map[string]bool, error) {
	parts := map[string]bool{}
	var after uint64
	for {
		batch, err := e.store.Outbox(after, 1000)
		if err != nil {
			return nil, err
		}
		for _, c := range batch {
			after = c.Seq
			switch {
			case c.Entity == portal.EntityVisit && c.ID == id:
				parts["header\x00"] = true
			case c.Entity == portal.EntityAnswer && strings.HasPrefix(c.ID, id+"/"):
				parts[strings.TrimPrefix(c.ID, id+"/")] = true
			}
		}
		if len(batch) < 1000 {
			return parts, nil
		}
	}
}

func removeString(list []string, s string) []string {
	out := list[:0]
	for _, x := range list {
		if x != s {
			out = append(out, x)
		}
	}
	return out
}

// FetchPortalSnapshot asks the portal to rebuild a printed brief's or tour
// pack's snapshot from its records (decision 0034), and names the
// projects of the request whose records here have a change waiting in the
// outbox: their part on the portal is the version before it, so it says
// nothing of what was printed until they are sent.
func (e *Engine) FetchPortalSnapshot(ctx context.Context, req portal.SnapshotRequest) (portal.SnapshotResponse, []string, error) {
	resp, err := e.client.Snapshot(ctx, req)
	if err != nil {
		return resp, nil, err
	}
	pending, err := e.pendingProjects()
	if err != nil {
		return resp, nil, err
	}
	var unsent []string
	seen := map[string]bool{}
	for _, id := range req.Projects {
		if pending[id] && !seen[id] {
			seen[id] = true
			unsent = append(unsent, id)
		}
	}
	for _, p := range resp.Projects {
		if pending[p.ID] && !seen[p.ID] {
			seen[p.ID] = true
			unsent = append(unsent, p.ID)
		}
	}
	return resp, unsent, nil
}

// pendingProjects names the projects with a change in the outbox: of a
// visit, one of its answers, a finding, or a photo of either.
func (e *Engine) pendingProjects() (map[string]bool, error) {
	out := map[string]bool{}
	visitProject := func(id string) {
		if in, err := e.store.Visit(id); err == nil {
			out[in.ProjectID] = true
		}
	}
	findingProject := func(id string) {
		if f, err := e.store.Finding(id); err == nil {
			out[f.ProjectID] = true
		}
	}
	var after uint64
	for {
		batch, err := e.store.Outbox(after, 1000)
		if err != nil {
			return nil, err
		}
		for _, c := range batch {
			after = c.Seq
			switch c.Entity {
			case portal.EntityVisit:
				visitProject(c.ID)
			case portal.EntityAnswer:
				visit, _, _ := strings.Cut(c.ID, "/")
				visitProject(visit)
			case portal.EntityFinding:
				findingProject(c.ID)
			case portal.EntityPhoto:
				// A caption is printed: the photo's visits and findings
				// name the projects.
				if ph, err := e.store.Photo(c.ID); err == nil {
					for _, l := range ph.Links {
						if l.VisitID != "" {
							visitProject(l.VisitID)
						}
						if l.FindingID != "" {
							findingProject(l.FindingID)
						}
					}
				}
			}
		}
		if len(batch) < 1000 {
			return out, nil
		}
	}
}
