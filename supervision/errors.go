package supervision

import (
	"errors"
	"fmt"
	"strings"
)

// Code classifies an error so callers can react to it (show a dialog, retry,
// refuse) without parsing text.
type Code string

// Error codes, after benbjohnson/wtf: few and coarse.
const (
	EInvalid     Code = "invalid"      // the input breaks a rule; the message says which
	ENotFound    Code = "not_found"    // the record does not exist
	EConflict    Code = "conflict"     // the record changed or is in a state that forbids this
	EForbidden   Code = "forbidden"    // the person's role or assignment does not allow this
	EAlreadyOpen Code = "already_open" // another copy of the app holds the data folder
	EUnavailable Code = "unavailable"  // the data or a service cannot be reached right now
	EInternal    Code = "internal"     // a fault in the program or the machine
)

// Lang is a user-interface language.
type Lang string

// The two languages fieldbrief speaks. Chinese is the default.
const (
	Chinese Lang = "zh"
	English Lang = "en"
)

// Error is an error fit to show a person: a code for the program and the
// same message in Chinese and English, saying what happened and what to do.
// Err keeps the underlying cause for logs; it is never shown as the message.
//
// Key names the message in the catalogues (assets/translations), which
// package translate renders, and Args are its arguments; Key is empty for a
// message written out in Zh and En where it is raised, as errors were before
// the catalogues (see docs/decisions/0042). A keyed error has its Zh and En
// filled as well, so Error, Message and whatever carries the text on (the
// portal's replies, stored rejections) read as before.
type Error struct {
	Code Code
	Key  string
	Args []any
	Zh   string
	En   string
	Err  error
}

// Coded returns an *Error whose message is the catalogue entry key,
// formatted with args. Its Zh and En come from messages.go, this package's
// copy of its catalogue entries: it depends on the standard library only, so
// it cannot read the catalogues, and a test keeps the copy current.
func Coded(code Code, key string, args ...any) *Error {
	zh, en := catalogued(key)
	return &Error{Code: code, Key: key, Args: args, Zh: fmt.Sprintf(zh, args...), En: fmt.Sprintf(en, args...)}
}

// WrapCoded is Coded for an error that carries cause for the logs.
func WrapCoded(cause error, code Code, key string, args ...any) *Error {
	e := Coded(code, key, args...)
	e.Err = cause
	return e
}

// Errorf returns an *Error with the given code and messages, written out.
// New messages go in the catalogues instead (Coded, or translate.Errorf
// outside this package).
func Errorf(code Code, zh, en string, args ...any) *Error {
	return &Error{Code: code, Zh: fmt.Sprintf(zh, args...), En: fmt.Sprintf(en, args...)}
}

// Wrap returns an *Error that carries cause for the logs.
func Wrap(cause error, code Code, zh, en string) *Error {
	return &Error{Code: code, Zh: zh, En: en, Err: cause}
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.En + ": " + e.Err.Error()
	}
	return e.En
}

func (e *Error) Unwrap() error { return e.Err }

// Message returns the message in the given language.
func (e *Error) Message(lang Lang) string {
	if lang == English {
		return e.En
	}
	return e.Zh
}

// ErrorCode returns the code of err, EInternal for an error of another kind
// and "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns a message fit for a person. An error that is not an
// *Error is a fault the user cannot act on, so it gets a generic message
// rather than Go's text.
func ErrorMessage(err error, lang Lang) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message(lang)
	}
	zh, en := catalogued("supervision.internal")
	if lang == English {
		return en
	}
	return zh
}

// ParseLang reads "zh" or "en" as given on the command line; locale-style
// values such as "zh-CN" or "en_US" are accepted too.
func ParseLang(s string) (Lang, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "" || strings.HasPrefix(s, "zh"):
		return Chinese, nil
	case strings.HasPrefix(s, "en"):
		return English, nil
	}
	return Chinese, fmt.Errorf("unknown language %q: use zh or en", s)
}
