package briefing

import "time"

// briefNow is the moment a brief counts to: the --as-of date's end when
// given (never after the generation time), or the generation time.
func briefNow(req Request, now time.Time) time.Time {
	if req.AsOf.IsZero() {
		return now
	}
	end := time.Date(req.AsOf.Year(), req.AsOf.Month(), req.AsOf.Day(), 23, 59, 59, 0, now.Location())
	if end.After(now) {
		return now
	}
	return end
}
