package supervision

import "time"

// The committee's rhythm: 一月一督查 (a visit to every project every calendar
// month), 双月一调度 (a dispatch meeting every two months, in even months),
// 一季一拉练 (a tour of all sites in the last month of each quarter).

// Calendar fixes the days of the recurring meetings. The zero value is not
// useful; use DefaultCalendar.
type Calendar struct {
	// DispatchDay is the day of the even month on which the dispatch meeting is held.
	DispatchDay int
	// TourDay is the day of the quarter's last month on which the tour starts.
	TourDay int
}

// DefaultCalendar is the committee's usual practice: the dispatch meeting on
// the 25th of February, April, …; the tour on the 15th of March, June, ….
func DefaultCalendar() Calendar { return Calendar{DispatchDay: 25, TourDay: 15} }

// VisitDue says when a project's next monthly visit is due.
type VisitDue struct {
	// Due is the last day of the month in which the next visit must happen.
	Due Date
	// VisitedThisMonth is true when this month's visit already took place.
	VisitedThisMonth bool
	// Overdue is true when a whole month passed without a visit: the
	// previous month had none (and neither has this one).
	Overdue bool
	// DaysLate counts from the end of the first missed month.
	DaysLate int
	// Missed is the last day of the first month without a visit: the date
	// the dashboard names for an overdue project (11月未督查), since Due is
	// still ahead.
	Missed Date
}

// NextVisit computes the monthly visit due for a project whose latest
// submitted visit was at last (zero when never visited). since is when the
// project entered the programme; a project is not late for months before it.
func NextVisit(last, since, now time.Time) VisitDue {
	loc := now.Location()
	thisMonth := monthStart(now)
	if !last.IsZero() && !last.In(loc).Before(thisMonth) {
		return VisitDue{Due: DateOf(monthEnd(thisMonth.AddDate(0, 1, 0))), VisitedThisMonth: true}
	}
	due := VisitDue{Due: DateOf(monthEnd(thisMonth))}
	prevMonth := thisMonth.AddDate(0, -1, 0)
	var firstMissed time.Time
	switch {
	case !last.IsZero():
		firstMissed = monthStart(last.In(loc)).AddDate(0, 1, 0)
	case !since.IsZero():
		firstMissed = monthStart(since.In(loc))
	default:
		return due
	}
	if !firstMissed.After(prevMonth) {
		due.Overdue = true
		due.DaysLate = daysBetween(monthEnd(firstMissed), midnight(now))
		due.Missed = DateOf(monthEnd(firstMissed))
	}
	return due
}

// NextDispatch returns the date of the next dispatch meeting on or after now's day.
func (c Calendar) NextDispatch(now time.Time) Date {
	today := midnight(now)
	for m := monthStart(now); ; m = m.AddDate(0, 1, 0) {
		if m.Month()%2 != 0 {
			continue
		}
		d := dayIn(m, c.DispatchDay)
		if !d.Before(today) {
			return DateOf(d)
		}
	}
}

// NextTour returns the date of the next quarterly tour on or after now's day.
func (c Calendar) NextTour(now time.Time) Date {
	today := midnight(now)
	for m := monthStart(now); ; m = m.AddDate(0, 1, 0) {
		if m.Month()%3 != 0 {
			continue
		}
		d := dayIn(m, c.TourDay)
		if !d.Before(today) {
			return DateOf(d)
		}
	}
}

// DispatchPeriod returns the two calendar months a dispatch brief covers:
// the period ending with the month of end. It starts on the first day of the
// month before and ends on the last day of end's month.
func DispatchPeriod(end time.Time) (from, to time.Time) {
	m := monthStart(end)
	return m.AddDate(0, -1, 0), m.AddDate(0, 1, 0).Add(-time.Nanosecond)
}

// Quarter returns the first instant of quarter q (1–4) of year and the last.
func Quarter(year, q int, loc *time.Location) (from, to time.Time) {
	from = time.Date(year, time.Month(3*(q-1)+1), 1, 0, 0, 0, 0, loc)
	return from, from.AddDate(0, 3, 0).Add(-time.Nanosecond)
}

func monthStart(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, t.Location())
}

func monthEnd(monthStart time.Time) time.Time { return monthStart.AddDate(0, 1, -1) }

func midnight(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
}

// dayIn returns day d of month m, or the month's last day when it is shorter.
func dayIn(m time.Time, d int) time.Time {
	last := monthEnd(m).Day()
	if d > last {
		d = last
	}
	if d < 1 {
		d = 1
	}
	return time.Date(m.Year(), m.Month(), d, 0, 0, 0, 0, m.Location())
}

// daysBetween counts calendar days from a to b (both midnights), robust to
// daylight-saving shifts.
func daysBetween(a, b time.Time) int {
	ua := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
	ub := time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
	return int(ub.Sub(ua).Hours() / 24)
}
