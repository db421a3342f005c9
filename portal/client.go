package portal

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// Client talks to one portal. It holds no state but the address, the HTTP
// client and the token, so a caller may make one per sync.
type Client struct {
	base  string
	http  *http.Client
	token string
	// version overrides ProtocolVersion; tests set it to play an old laptop.
	version int
}

func (c *Client) protocol() int {
	if c.version > 0 {
		return c.version
	}
	return ProtocolVersion
}

// SetProtocol makes the client announce protocol version v instead of its
// own; for tests that play an older laptop.
func (c *Client) SetProtocol(v int) { c.version = v }

// RegisterDevice binds the client's token to a new device id, owned by
// its user (decision 0024).
func (c *Client) RegisterDevice(ctx context.Context, device string) (Device, error) {
	var out Device
	err := c.do(ctx, http.MethodPost, PathDeviceRegister, DeviceRegisterRequest{Device: device}, &out)
	return out, err
}

// NewClient returns a client of the portal at base (such as
// "https://portal.example:8470"), using hc for requests and token (which
// may be empty before login) for authorization.
func NewClient(base string, hc *http.Client, token string) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, translate.Errorf(sv.EInvalid, "portal.error.the_portal_address_should_look_like", base)
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	return &Client{base: u.String(), http: hc, token: token}, nil
}

// Base returns the portal's address.
func (c *Client) Base() string { return c.base }

// SetToken sets the bearer token used from now on.
func (c *Client) SetToken(t string) { c.token = t }

// Health reports whether the portal answers.
func (c *Client) Health(ctx context.Context) error {
	return c.do(ctx, http.MethodGet, PathHealth, nil, nil)
}

// Login signs in and returns the token; the client uses it from then on.
func (c *Client) Login(ctx context.Context, req LoginRequest) (LoginResponse, error) {
	var out LoginResponse
	if err := c.do(ctx, http.MethodPost, PathLogin, req, &out); err != nil {
		return out, err
	}
	c.token = out.Token
	return out, nil
}

// Logout revokes the client's token on the portal.
func (c *Client) Logout(ctx context.Context) error {
	return c.do(ctx, http.MethodPost, PathLogout, nil, nil)
}

// Me returns the signed-in user.
func (c *Client) Me(ctx context.Context) (User, error) {
	var u User
	err := c.do(ctx, http.MethodGet, PathMe, nil, &u)
	return u, err
}

// Push sends changes in order.
func (c *Client) Push(ctx context.Context, req PushRequest) (PushResponse, error) {
	var out PushResponse
	err := c.do(ctx, http.MethodPost, PathPush, req, &out)
	return out, err
}

// Pull fetches up to limit records changed after cursor.
func (c *Client) Pull(ctx context.Context, cursor string, limit int) (PullResponse, error) {
	var out PullResponse
	q := url.Values{"cursor": {cursor}, "limit": {strconv.Itoa(limit)}}
	err := c.do(ctx, http.MethodGet, PathPull+"?"+q.Encode(), nil, &out)
	return out, err
}

// Missing returns those of hashes the portal does not hold.
func (c *Client) Missing(ctx context.Context, hashes []string) ([]string, error) {
	var out MissingResponse
	err := c.do(ctx, http.MethodPost, PathPhotosMissing, MissingRequest{Hashes: hashes}, &out)
	return out.Missing, err
}

// Snapshot asks the portal to rebuild a printed brief's or tour pack's
// snapshot from its own records.
func (c *Client) Snapshot(ctx context.Context, req SnapshotRequest) (SnapshotResponse, error) {
	var out SnapshotResponse
	err := c.do(ctx, http.MethodPost, PathSnapshot, req, &out)
	return out, err
}

// Photo downloads the original bytes of a photo.
func (c *Client) Photo(ctx context.Context, hash string) ([]byte, error) {
	return c.photo(ctx, PathPhotos+hash)
}

// Thumbnail downloads a small JPEG of a photo (the original, when the
// portal cannot scale it), to show before the original arrives.
func (c *Client) Thumbnail(ctx context.Context, hash string) ([]byte, error) {
	return c.photo(ctx, PathPhotos+hash+"?size=thumb")
}

func (c *Client) photo(ctx context.Context, path string) ([]byte, error) {
	req, err := c.request(ctx, http.MethodGet, path, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, unreachable(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, refusal(resp)
	}
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, unreachable(err)
	}
	return data, nil
}

// AddUser creates or replaces an account (admin only).
func (c *Client) AddUser(ctx context.Context, u NewUser) error {
	return c.do(ctx, http.MethodPost, PathUsers, u, nil)
}

// PutRegister replaces projects and templates (admin only).
func (c *Client) PutRegister(ctx context.Context, r RegisterRequest) error {
	return c.do(ctx, http.MethodPut, PathRegister, r, nil)
}

// CreateUpload starts a tus upload of size bytes for the photo with the
// given SHA-256 and returns the upload's path on the portal and its offset. first, when
// not empty, is sent with the creation (tus creation-with-upload), which
// saves a round trip per photo — for a photo of one chunk, the only one.
func (c *Client) CreateUpload(ctx context.Context, size int64, hash, name string, first []byte) (string, int64, error) {
	var body io.Reader
	if len(first) > 0 {
		body = bytes.NewReader(first)
	}
	req, err := c.request(ctx, http.MethodPost, PathUploads, body)
	if err != nil {
		return "", 0, err
	}
	if len(first) > 0 {
		req.ContentLength = int64(len(first))
		req.Header.Set("Content-Type", "application/offset+octet-stream")
	}
	req.Header.Set("Tus-Resumable", "1.0.0")
	req.Header.Set("Upload-Length", strconv.FormatInt(size, 10))
	meta := MetaSHA256 + " " + base64.StdEncoding.EncodeToString([]byte(hash))
	if name != "" {
		meta += ",filename " + base64.StdEncoding.EncodeToString([]byte(name))
	}
	req.Header.Set("Upload-Metadata", meta)
	resp, err := c.http.Do(req)
	if err != nil {
		return "", 0, unreachable(err)
	}
	defer drain(resp)
	if resp.StatusCode != http.StatusCreated {
		return "", 0, refusal(resp)
	}
	loc, err := resp.Location()
	if err != nil {
		return "", 0, translate.Wrap(err, sv.EUnavailable, "portal.error.the_portal_s_upload_response_was")
	}
	var off int64
	if len(first) > 0 {
		if off, err = uploadOffset(resp); err != nil {
			return "", 0, err
		}
	}
	return loc.RequestURI(), off, nil
}

// UploadOffset asks how many bytes of an upload the portal holds. A
// ENotFound error means the upload is gone (expired, or finished and
// cleaned up) and a new one must be started.
func (c *Client) UploadOffset(ctx context.Context, uploadURL string) (int64, error) {
	req, err := c.absRequest(ctx, http.MethodHead, uploadURL, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Tus-Resumable", "1.0.0")
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, unreachable(err)
	}
	defer drain(resp)
	if resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone {
		return 0, translate.Errorf(sv.ENotFound, "portal.error.the_upload_is_no_longer_on")
	}
	if resp.StatusCode != http.StatusOK {
		return 0, refusal(resp)
	}
	return uploadOffset(resp)
}

// PatchUpload sends body, which starts at offset, and returns the new offset.
func (c *Client) PatchUpload(ctx context.Context, uploadURL string, offset int64, body io.Reader, n int64) (int64, error) {
	req, err := c.absRequest(ctx, http.MethodPatch, uploadURL, body)
	if err != nil {
		return 0, err
	}
	req.ContentLength = n
	req.Header.Set("Tus-Resumable", "1.0.0")
	req.Header.Set("Content-Type", "application/offset+octet-stream")
	req.Header.Set("Upload-Offset", strconv.FormatInt(offset, 10))
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, unreachable(err)
	}
	defer drain(resp)
	if resp.StatusCode != http.StatusNoContent {
		return 0, refusal(resp)
	}
	return uploadOffset(resp)
}

func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	gzipped := false
	if in != nil {
		raw, err := json.Marshal(in)
		if err != nil {
			return translate.Wrap(err, sv.EInternal, "portal.error.cannot_encode_the_data_for_the")
		}
		// Records compress several times over; over a weak link that is
		// most of a push's time. Small bodies are not worth the header.
		if len(raw) >= 1024 {
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
			_, _ = zw.Write(raw)
			_ = zw.Close()
			raw, gzipped = buf.Bytes(), true
		}
		body = bytes.NewReader(raw)
	}
	req, err := c.request(ctx, method, path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if gzipped {
		req.Header.Set("Content-Encoding", "gzip")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return unreachable(err)
	}
	defer drain(resp)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return refusal(resp)
	}
	if out == nil {
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		// A cut in the middle of a response body is a network fault.
		return unreachable(err)
	}
	return nil
}

func (c *Client) request(ctx context.Context, method, path string, body io.Reader) (*http.Request, error) {
	return c.absRequest(ctx, method, c.base+path, body)
}

// absRequest makes a request to u, which is an absolute address or a path
// on this portal: upload addresses are kept as paths, so an upload resumes
// when the portal is reached by another address (office LAN or VPN) or has
// moved to another port.
func (c *Client) absRequest(ctx context.Context, method, u string, body io.Reader) (*http.Request, error) {
	if strings.HasPrefix(u, "/") {
		u = c.base + u
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, translate.Wrap(err, sv.EInvalid, "portal.error.the_portal_address_is_not_valid_plain")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	req.Header.Set(ProtocolHeader, strconv.Itoa(c.protocol()))
	return req, nil
}

// uploadOffset reads tus's Upload-Offset header.
func uploadOffset(resp *http.Response) (int64, error) {
	off, err := strconv.ParseInt(resp.Header.Get("Upload-Offset"), 10, 64)
	if err != nil || off < 0 {
		return 0, translate.Errorf(sv.EUnavailable, "portal.error.the_portal_s_upload_response_was")
	}
	return off, nil
}

func drain(resp *http.Response) {
	// Reading the rest lets the connection be reused.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}

// unreachable wraps a transport error. Cancellation is passed through so
// callers can tell "the user stopped it" from "the network failed".
func unreachable(err error) error {
	if errors.Is(err, context.Canceled) {
		return err
	}
	if cert := certificateProblem(err); cert != nil {
		return cert
	}
	return translate.Wrap(err, sv.EUnavailable, "portal.error.cannot_reach_the_portal_check_the")
}

// certificateProblem names what is wrong with the portal's certificate, or
// returns nil when err is not about one. The link works in that case:
// saying "cannot reach the portal" would send people to check cables.
func certificateProblem(err error) *sv.Error {
	var unknown x509.UnknownAuthorityError
	var host x509.HostnameError
	var invalid x509.CertificateInvalidError
	switch {
	case errors.As(err, &unknown):
		return translate.Wrap(err, ErrCertificate, "portal.error.the_certificate_is_not_trusted")
	case errors.As(err, &host):
		return translate.Wrap(err, ErrCertificate, "portal.error.the_certificate_is_for_another_address", host.Host)
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		return translate.Wrap(err, ErrCertificate, "portal.error.the_portal_s_certificate_has_expired")
	case errors.As(err, &invalid):
		return translate.Wrap(err, ErrCertificate, "portal.error.the_certificate_is_not_valid")
	case errors.Is(err, http.ErrSchemeMismatch):
		return translate.Wrap(err, ErrCertificate, "portal.error.the_portal_address_starts_with_https")
	}
	return nil
}

// ErrCertificate is the code of a connection stopped because of the
// portal's certificate: the network works, retrying will not help.
const ErrCertificate sv.Code = "certificate"

// ErrUnauthorized is the code of a refusal for a missing or expired token.
const ErrUnauthorized sv.Code = "unauthorized"

// ErrGap is the code of a push refused for a gap in sequence numbers.
const ErrGap sv.Code = "gap"

// ErrForbidden is the code of a refusal for lacking rights.
const ErrForbidden sv.Code = "forbidden"

// ErrTooLarge is the code of a refusal for a record, or photos waiting for
// their records, over the portal's limits.
const ErrTooLarge sv.Code = "too_large"

// ErrTooMany is the code of a refusal after too many failed logins.
const ErrTooMany sv.Code = "too_many"

// Codes of device refusals (decision 0024) and of an outdated laptop
// (decision 0025).
const (
	// ErrDeviceReset: an administrator reset the device; register a new id.
	ErrDeviceReset sv.Code = "device_reset"
	// ErrDeviceOwned: the device id belongs to another user.
	ErrDeviceOwned sv.Code = "device_owned"
	// ErrDeviceMismatch: a push names another device than the token's.
	ErrDeviceMismatch sv.Code = "device_mismatch"
	// ErrRewound: a change number was reused for a different change; the
	// laptop's data went back in time (restored from an old backup).
	ErrRewound sv.Code = "rewound"
	// ErrUpdateRequired: the laptop speaks a protocol the portal no longer
	// accepts.
	ErrUpdateRequired sv.Code = "update_required"
)

// RefusalError is a refusal from the portal, with its body.
type RefusalError struct {
	Err    *sv.Error
	Status int
	Body   ErrorBody
	// RetryAfter is the portal's Retry-After (a sign-in lockout, a busy
	// portal), zero when it sent none: the wait to tell the user, read
	// from the header rather than from the message's words.
	RetryAfter time.Duration
}

func (e *RefusalError) Error() string { return e.Err.Error() }

// Unwrap lets errors.As find the *supervision.Error with the message.
func (e *RefusalError) Unwrap() error { return e.Err }

func refusal(resp *http.Response) error {
	var b ErrorBody
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if json.Unmarshal(raw, &b) != nil || (b.Zh == "" && b.En == "") {
		e := translate.Errorf(sv.EUnavailable, "portal.error.the_portal_answered_with_an_error", resp.StatusCode)
		switch resp.StatusCode {
		case 460:
			// tus's checksum mismatch: retrying the same bytes cannot help.
			e = translate.Errorf(sv.EInvalid, "portal.error.the_photo_does_not_match_its_checksum")
		case http.StatusRequestEntityTooLarge:
			e = translate.Errorf(sv.EInvalid, "portal.error.larger_than_the_portal_accepts")
		case http.StatusUpgradeRequired:
			e = translate.Errorf(ErrUpdateRequired, "portal.error.the_portal_requires_a_newer_fieldbrief")
		case http.StatusUnauthorized:
			e = translate.Errorf(ErrUnauthorized, "portal.error.your_sign_in_has_expired")
		}
		b = ErrorBody{Code: e.Code, Zh: e.Zh, En: e.En}
	}
	var wait time.Duration
	if secs, err := strconv.Atoi(strings.TrimSpace(resp.Header.Get("Retry-After"))); err == nil && secs > 0 {
		wait = time.Duration(secs) * time.Second
	}
	return &RefusalError{Err: &sv.Error{Code: b.Code, Zh: b.Zh, En: b.En}, Status: resp.StatusCode, Body: b, RetryAfter: wait}
}

// PlainHTTPWarning returns a warning when base is a plain http:// address
// of another computer: passwords, tokens and records would cross the
// network unencrypted. It returns nil for https and for this computer.
func PlainHTTPWarning(base string) *sv.Error {
	u, err := url.Parse(strings.TrimSpace(base))
	if err != nil || u.Scheme != "http" || u.Hostname() == "" || loopback(u.Hostname()) {
		return nil
	}
	return translate.Errorf(sv.EInvalid, "portal.error.warning_the_portal_address_uses_http", u.Host)
}

func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
