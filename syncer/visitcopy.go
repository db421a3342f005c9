package syncer

import (
	"context"
	"encoding/json"
	"strings"

	"fieldbrief/portal"
	sv "fieldbrief/supervision"
)

// PortalInspection reads the portal's current copy of a visit with its
// answers, without storing anything. The portal has no request for one
// record, so it pages through what the portal holds from the start and
// keeps the last version of the visit and of each of its answers; report
// verify uses it to tell which copy of a visit differs from a printed
// report (decision 0034). found is false when the portal has no such
// visit.
func (e *Engine) PortalInspection(ctx context.Context, id string) (in sv.Inspection, found bool, err error) {
	answers := map[string]sv.Answer{}
	cursor := ""
	for {
		if err := ctx.Err(); err != nil {
			return in, false, err
		}
		resp, err := e.client.Pull(ctx, cursor, e.opts.PullLimit)
		if err != nil {
			return in, false, err
		}
		for _, rec := range resp.Records {
			switch {
			case rec.Entity == portal.EntityInspection && rec.ID == id:
				if rec.Deleted {
					in, found = sv.Inspection{}, false
					continue
				}
				var got sv.Inspection
				if err := json.Unmarshal(rec.Data, &got); err != nil {
					return in, false, sv.Wrap(err, sv.EInternal, "平台发来的督查记录无法读取。", "The portal sent a visit record that cannot be read.")
				}
				in, found = got, true
			case rec.Entity == portal.EntityAnswer && strings.HasPrefix(rec.ID, id+"/"):
				item := strings.TrimPrefix(rec.ID, id+"/")
				if rec.Deleted {
					delete(answers, item)
					continue
				}
				var a struct {
					sv.Answer
				}
				if err := json.Unmarshal(rec.Data, &a); err != nil {
					return in, false, sv.Wrap(err, sv.EInternal, "平台发来的检查项答案无法读取。", "The portal sent an answer that cannot be read.")
				}
				answers[item] = a.Answer
			}
		}
		cursor = resp.Cursor
		if !resp.More {
			break
		}
	}
	if found {
		in.Answers = answers
	}
	return in, found, nil
}
