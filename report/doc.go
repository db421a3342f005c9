// Package report prints fieldbrief's briefing documents as PDF: the visit
// report (督查报告), the dispatch-meeting brief (调度会简报) and the
// quarterly tour pack (季度拉练).
//
// It does its own typesetting on top of fpdf's drawing primitives. fpdf's
// MultiCell and SplitText drop one Chinese character at every automatic line
// break and fpdf fails a whole document on a character outside the Basic
// Multilingual Plane, so this package measures text itself, breaks lines by
// the Chinese line-breaking rules (禁则: no line starts with ，。、 and the
// like, no line ends with （《「), and replaces every character the bundled
// font cannot draw with a visible placeholder that it reports back instead of
// failing.
//
// The package takes everything as plain data — font bytes, domain values,
// JPEG bytes — and writes to an io.Writer; it knows nothing of the UI or of
// storage, so the CLI, the GUI and the tests call it the same way.
//
// Photos are embedded at no more than 200 dpi at the size they are placed.
// A JPEG that is already upright and no larger than that — package photo's
// print copy, made at import to fit PhotoBox(A4) — goes into the PDF byte
// for byte, its header read but nothing decoded; larger or turned pictures
// are decoded, reduced and re-encoded, which for camera-sized photos is
// nearly all of a report's time (see BENCHMARKS.md).
package report
