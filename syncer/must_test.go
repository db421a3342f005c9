package syncer

import "testing"

// must returns what a call returned, failing the test if the call failed:
// a check must not read an error as a zero value (`if n, _ := s.OutboxLen();
// n != 0` would pass on a broken store). Use: `if n := must(s.OutboxLen())(t); n != 0`.
func must[T any](v T, err error) func(testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
