package server

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldbrief/portal"
	sv "fieldbrief/supervision"
)

// me asks who a token belongs to and returns the status.
func (f *fixture) me(t *testing.T, token string) int {
	t.Helper()
	code, _ := f.do(t, "GET", portal.PathMe, token, nil, nil)
	return code
}

func (f *fixture) loginCode(t *testing.T, name, password string) int {
	t.Helper()
	body, _ := json.Marshal(portal.LoginRequest{User: name, Password: password, Device: "dev-" + name})
	code, _ := f.do(t, "POST", portal.PathLogin, "", body, nil)
	return code
}

func TestPasswordChangeEndsEverySignInOfThatUserOnly(t *testing.T) {
	f := newFixture(t)
	second := f.login(t, "insp")
	code, out := f.do(t, "POST", portal.UserPath("insp", portal.UserPassword), f.tokens["admin"], []byte(`{"password":"a new long password"}`), nil)
	if code != http.StatusOK {
		t.Fatalf("password change: %d %s", code, out)
	}
	var resp portal.UserActionResponse
	if err := json.Unmarshal(out, &resp); err != nil || resp.Revoked != 2 {
		t.Fatalf("revoked: %s", out)
	}
	for _, tok := range []string{f.tokens["insp"], second} {
		if code := f.me(t, tok); code != http.StatusUnauthorized {
			t.Fatalf("a token from before the password change still works: %d", code)
		}
	}
	if code := f.me(t, f.tokens["leader"]); code != http.StatusOK {
		t.Fatalf("another user's token was revoked: %d", code)
	}
	if code := f.loginCode(t, "insp", pw); code != http.StatusUnauthorized {
		t.Fatalf("the old password still signs in: %d", code)
	}
	if code := f.loginCode(t, "insp", "a new long password"); code != http.StatusOK {
		t.Fatalf("the new password does not sign in: %d", code)
	}
	// A short password is refused and nothing changes.
	if code, body := f.do(t, "POST", portal.UserPath("insp", portal.UserPassword), f.tokens["admin"], []byte(`{"password":"short"}`), nil); code != http.StatusBadRequest {
		t.Fatalf("short password: %d", code)
	} else {
		reason(t, "short password", body)
	}
	if code := f.loginCode(t, "insp", "a new long password"); code != http.StatusOK {
		t.Fatalf("a refused password change changed the password: %d", code)
	}
}

func TestDisabledUserIsRefusedAtOnceUntilEnabled(t *testing.T) {
	f := newFixture(t)
	if code, out := f.do(t, "POST", portal.UserPath("insp", portal.UserDisable), f.tokens["admin"], nil, nil); code != http.StatusOK {
		t.Fatalf("disable: %d %s", code, out)
	}
	code, body := f.do(t, "GET", portal.PathMe, f.tokens["insp"], nil, nil)
	if code != http.StatusUnauthorized {
		t.Fatalf("a disabled user's token still works: %d", code)
	}
	// The laptop is told to sign in again, and the sign-in says why not.
	var e portal.ErrorBody
	_ = json.Unmarshal(body, &e)
	if e.Code != portal.ErrUnauthorized {
		t.Fatalf("the refusal does not ask to sign in again: %s", body)
	}
	code, body = f.do(t, "POST", portal.PathLogin, "", []byte(`{"user":"insp","password":"`+pw+`"}`), nil)
	if code != http.StatusForbidden || !json.Valid(body) || json.Unmarshal(body, &e) != nil || e.Code != portal.ErrForbidden || e.En != errLoginDisabled.En {
		t.Fatalf("a disabled user signed in, or was not told why not: %d %s", code, body)
	}
	reason(t, "disabled sign-in", body)
	if code := f.loginCode(t, "insp", "wrong password"); code != http.StatusUnauthorized {
		t.Fatalf("a wrong password of a disabled user must not tell it is disabled: %d", code)
	}
	users, _ := f.srv.DB().Users()
	for _, u := range users {
		if u.Name == "insp" && !u.Disabled {
			t.Fatal("the list does not show the user disabled")
		}
	}
	if code, _ := f.do(t, "POST", portal.UserPath("insp", portal.UserEnable), f.tokens["admin"], nil, nil); code != http.StatusOK {
		t.Fatalf("enable: %d", code)
	}
	if code := f.me(t, f.tokens["insp"]); code != http.StatusUnauthorized {
		t.Fatalf("enabling brought back a token ended by disabling: %d", code)
	}
	if code := f.loginCode(t, "insp", pw); code != http.StatusOK {
		t.Fatalf("an enabled user cannot sign in: %d", code)
	}
}

func TestRevokeEndsSignInsButKeepsThePassword(t *testing.T) {
	f := newFixture(t)
	if code, _ := f.do(t, "POST", portal.UserPath("leader", portal.UserRevoke), f.tokens["admin"], nil, nil); code != http.StatusOK {
		t.Fatalf("revoke: %d", code)
	}
	if code := f.me(t, f.tokens["leader"]); code != http.StatusUnauthorized {
		t.Fatalf("a revoked token works: %d", code)
	}
	if code := f.loginCode(t, "leader", pw); code != http.StatusOK {
		t.Fatalf("sign-in after revoke: %d", code)
	}
}

func TestDeletedUserKeepsTheirRecordsAndTheLastAdminStays(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	insp, _ := portal.NewClient(f.url, nil, f.tokens["insp"])
	at := f.clock.now()
	fd := sv.Finding{ID: "f-by-insp", ProjectID: "p01", Kind: sv.KindProblem, Category: sv.CategorySafety, Severity: sv.SeverityMajor,
		Description: "脚手架连墙件缺失", ResponsibleUnit: "中建三局", Deadline: "2026-06-30", Status: sv.StatusOpen, CreatedBy: "李督查", CreatedAt: at, UpdatedAt: at}
	if resp, err := insp.Push(ctx, portal.PushRequest{Device: "dev-insp", Changes: []portal.Change{findingChange("dev-insp", 1, fd, portal.FindingFields()...)}}); err != nil || len(resp.Rejections) != 0 {
		t.Fatalf("push: %+v %v", resp, err)
	}
	record := func() portal.Record {
		var r portal.Record
		_ = f.srv.db.bolt.View(func(tx *bolt.Tx) error {
			r, _, _ = getRecord(tx, portal.EntityFinding, fd.ID)
			return nil
		})
		return r
	}
	before := record()
	if code, out := f.do(t, "DELETE", portal.UserPath("insp", ""), f.tokens["admin"], nil, nil); code != http.StatusOK {
		t.Fatalf("delete: %d %s", code, out)
	}
	if code := f.me(t, f.tokens["insp"]); code != http.StatusUnauthorized {
		t.Fatalf("a deleted user's token works: %d", code)
	}
	if code := f.loginCode(t, "insp", pw); code != http.StatusUnauthorized {
		t.Fatalf("a deleted user signs in: %d", code)
	}
	if after := record(); string(after.Data) != string(before.Data) || len(after.Data) == 0 {
		t.Fatalf("deleting the user changed their finding:\n%s\n%s", before.Data, after.Data)
	}

	// The only admin can be neither deleted, disabled nor demoted, and
	// trying changes nothing.
	for _, try := range []struct {
		method, path string
		body         []byte
	}{
		{"DELETE", portal.UserPath("admin", ""), nil},
		{"POST", portal.UserPath("admin", portal.UserDisable), nil},
		{"POST", portal.PathUsers, []byte(`{"name":"admin","role":"leader","password":"` + pw + `"}`)},
	} {
		code, body := f.do(t, try.method, try.path, f.tokens["admin"], try.body, nil)
		if code != http.StatusConflict {
			t.Fatalf("%s %s on the last admin: %d %s", try.method, try.path, code, body)
		}
		reason(t, "last admin", body)
		if code := f.me(t, f.tokens["admin"]); code != http.StatusOK {
			t.Fatalf("a refused change to the last admin ended its sign-in: %d", code)
		}
	}
	if code, _ := f.do(t, "POST", portal.PathUsers, f.tokens["admin"], []byte(`{"name":"admin2","role":"admin","password":"`+pw+`"}`), nil); code != http.StatusOK {
		t.Fatal("second admin")
	}
	if code, _ := f.do(t, "DELETE", portal.UserPath("admin", ""), f.tokens["admin"], nil, nil); code != http.StatusOK {
		t.Fatalf("an admin who is not the last one cannot be deleted: %d", code)
	}
}

func tokenCount(t *testing.T, s *Server) (all, expired int) {
	t.Helper()
	now := s.opts.Now()
	_ = s.db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bTokens).ForEach(func(k, v []byte) error {
			var tr tokenRecord
			_ = json.Unmarshal(v, &tr)
			all++
			if !now.Before(tr.ExpiresAt) {
				expired++
			}
			return nil
		})
	})
	return all, expired
}

func TestExpiredTokensArePurged(t *testing.T) {
	f := newFixture(t)
	f.clock.add(2 * time.Hour) // the fixture's tokens last an hour
	if all, expired := tokenCount(t, f.srv); all != 3 || expired != 3 {
		t.Fatalf("before: %d tokens, %d expired", all, expired)
	}
	f.login(t, "leader")
	if all, expired := tokenCount(t, f.srv); all != 1 || expired != 0 {
		t.Fatalf("after a sign-in: %d tokens, %d expired", all, expired)
	}
	// The leader's new token expires in its turn and goes at the next
	// sign-in after it.
	f.clock.add(90 * time.Minute)
	f.login(t, "insp")
	if all, expired := tokenCount(t, f.srv); all != 1 || expired != 0 {
		t.Fatalf("the next sign-in: %d tokens, %d expired", all, expired)
	}
}

// The throttle counts a guess when it admits it: of 100 at once for one
// account from one address, only the free ones reach the password hash.
func TestThrottleAdmitsOnlyTheFreeGuessesOfABurst(t *testing.T) {
	th := newThrottle()
	now := time.Date(2026, 5, 20, 9, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	admitted := 0
	var wg sync.WaitGroup
	for range 100 {
		wg.Go(func() {
			if g, wait := th.admit("insp", "10.0.0.1", now); g != nil {
				mu.Lock()
				admitted++
				mu.Unlock()
			} else if wait <= 0 {
				t.Error("refused without a wait")
			}
		})
	}
	wg.Wait()
	if admitted != freeFailures {
		t.Fatalf("%d of 100 simultaneous guesses admitted, want %d", admitted, freeFailures)
	}
}

// Guessing one account from many addresses meets the account's counter:
// 20 addresses × 5 tries are refused past accountFree, the wait is a delay
// bounded by accountMaxWait, and the real user's known address is not held up.
func TestThrottleSlowsGuessesFromManyAddressesWithoutLockingOutTheUser(t *testing.T) {
	th := newThrottle()
	now := time.Date(2026, 5, 20, 9, 0, 0, 0, time.UTC)
	g, _ := th.admit("leader", "10.0.0.200", now)
	g.succeeded("leader", "10.0.0.200", now)
	admitted := 0
	for a := range 20 {
		for range 5 {
			g, wait := th.admit("leader", "192.0.2."+string(rune('a'+a)), now)
			if g != nil {
				admitted++
			} else if wait > accountMaxWait {
				t.Fatalf("an account-wide wait of %v", wait)
			}
		}
	}
	if admitted != accountFree {
		t.Fatalf("%d of 100 guesses from 20 addresses admitted, want %d", admitted, accountFree)
	}
	if g, wait := th.admit("leader", "10.0.0.200", now); g == nil {
		t.Fatalf("the user's own address waits %v", wait)
	}
	// A new address of the real user waits at most accountMaxWait.
	if g, _ := th.admit("leader", "198.51.100.7", now.Add(accountMaxWait)); g == nil {
		t.Fatal("the account stayed locked past its longest wait")
	}
	// Another account is not touched.
	if g, _ := th.admit("insp", "192.0.2.a", now); g == nil {
		t.Fatal("another account was held up")
	}
	// After a password change no address is known any more: one that
	// signed in with the old password (perhaps a thief's) meets the
	// account's counter like any other.
	th.forget("Leader")
	if g, _ := th.admit("leader", "10.0.0.200", now.Add(accountMaxWait+time.Second)); g != nil {
		t.Fatal("a known address kept its pass after the password changed")
	}
}
