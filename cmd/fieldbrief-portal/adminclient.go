package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"

	"fieldbrief/portal"
	"fieldbrief/portal/server"
	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// adminClient reaches the admin API of the portal that owns a data folder:
// the running portal through its admin socket, or, when none serves the
// folder, the same handlers in this process on the folder itself. Every
// admin command is an admin API request either way, so a command behaves
// the same whether the portal is up or down (bbolt lets one process open
// the data, so a command cannot simply open it beside a serving portal).
type adminClient struct {
	http  *http.Client
	close func() error
}

// openAdmin connects to the portal of data. Only create may start the
// portal's data in a folder that has none (the first user of a new
// portal); other commands say the folder holds no portal instead of
// making an empty one. Close the client when done.
func openAdmin(data string, create bool) (*adminClient, error) {
	if data == "" {
		return nil, usageError{"须给出 --data / give --data"}
	}
	sock := filepath.Join(data, server.AdminSocket)
	if conn, err := net.Dial("unix", sock); err == nil {
		conn.Close()
		tr := &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", sock)
		}}
		return &adminClient{http: &http.Client{Transport: tr}, close: func() error { tr.CloseIdleConnections(); return nil }}, nil
	}
	if _, err := os.Stat(filepath.Join(data, server.DBFile)); err != nil && !create {
		return nil, translate.Errorf(sv.ENotFound, "portal_command.error.there_is_no_portal_data_in", data)
	}
	srv, err := server.New(server.Options{Dir: data, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		var e *sv.Error
		if errors.As(err, &e) && e.Code == sv.EAlreadyOpen {
			return nil, translate.Errorf(sv.EAlreadyOpen,
				"portal_command.error.the_portal_is_running_but_its", sock)
		}
		return nil, err
	}
	return &adminClient{http: &http.Client{Transport: inProcess{srv.LocalAdmin()}}, close: srv.Close}, nil
}

// Close releases the connection or the folder.
func (c *adminClient) Close() error { return c.close() }

// call sends in as JSON (when not nil) and decodes the answer into out
// (when not nil). A refusal comes back as the portal's coded error.
func (c *adminClient) call(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		raw, err := json.Marshal(in)
		if err != nil {
			return translate.Wrap(err, sv.EInternal, "portal_command.error.cannot_encode_the_request")
		}
		body = bytes.NewReader(raw)
	}
	resp, err := c.stream(ctx, method, path, "application/json", body)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out == nil {
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return translate.Wrap(err, sv.EInternal, "portal_command.error.the_portals_answer_cannot_be_read")
	}
	return nil
}

// stream sends body as it is and returns the answer unread, for files
// (backups, spreadsheets). A refusal is returned as an error, its body read.
func (c *adminClient) stream(ctx context.Context, method, path, contentType string, body io.Reader) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, "http://portal"+path, body)
	if err != nil {
		return nil, translate.Wrap(err, sv.EInternal, "portal_command.error.cannot_build_the_request")
	}
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, translate.Wrap(err, sv.EUnavailable, "portal_command.error.cannot_reach_the_portals_admin_socket")
	}
	if resp.StatusCode >= 300 {
		defer resp.Body.Close()
		var eb portal.ErrorBody
		if json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&eb) != nil || eb.Zh == "" {
			return nil, translate.Errorf(sv.EInternal, "portal_command.error.the_portal_answered", resp.Status)
		}
		return nil, &sv.Error{Code: eb.Code, Zh: eb.Zh, En: eb.En}
	}
	return resp, nil
}

// inProcess is a RoundTripper that serves requests with a handler in this
// process, streaming the answer as the handler writes it.
type inProcess struct{ h http.Handler }

func (t inProcess) RoundTrip(req *http.Request) (*http.Response, error) {
	pr, pw := io.Pipe()
	w := &pipeWriter{header: http.Header{}, body: pw, ready: make(chan struct{})}
	w.resp = &http.Response{Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: w.header, Body: pr, Request: req}
	if req.Body == nil {
		req.Body = http.NoBody
	}
	go func() {
		defer func() {
			w.WriteHeader(http.StatusOK)
			pw.Close()
		}()
		t.h.ServeHTTP(w, req)
	}()
	select {
	case <-w.ready:
		return w.resp, nil
	case <-req.Context().Done():
		pr.Close()
		return nil, req.Context().Err()
	}
}

// pipeWriter is the in-process ResponseWriter: the status and headers are
// handed over at the first write, the body flows through a pipe.
type pipeWriter struct {
	header http.Header
	body   *io.PipeWriter
	resp   *http.Response
	ready  chan struct{}
	sent   bool
}

func (w *pipeWriter) Header() http.Header { return w.header }

func (w *pipeWriter) WriteHeader(code int) {
	if w.sent {
		return
	}
	w.sent = true
	w.resp.StatusCode = code
	w.resp.Status = strconv.Itoa(code) + " " + http.StatusText(code)
	w.resp.ContentLength = -1
	close(w.ready)
}

func (w *pipeWriter) Write(b []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.body.Write(b)
}
