package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"fieldbrief/portal"
)

// audit prints the audit log, oldest first.
func audit(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("audit", flag.ContinueOnError)
	data := fs.String("data", "", "data folder")
	since := fs.String("since", "", "first day (2026-05-01) or RFC 3339 time")
	limit := fs.Int("limit", 1000, "at most this many entries, the latest")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	q := url.Values{"limit": {fmt.Sprint(*limit)}}
	if *since != "" {
		q.Set("since", *since)
	}
	admin, err := openAdmin(*data, false)
	if err != nil {
		return err
	}
	defer admin.Close()
	var entries []portal.AuditEntry
	if err := admin.call(context.Background(), http.MethodGet, portal.PathAudit+"?"+q.Encode(), nil, &entries); err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(entries)
	}
	for _, e := range entries {
		if e.Target == "" {
			e.Target = "-"
		}
		fmt.Fprintf(stdout, "%s  %-16s %-14s %-20s %s %s\n", e.At.In(time.Local).Format("2006-01-02 15:04:05"), e.Who, e.From, e.Action, e.Target, e.Detail)
	}
	return nil
}
