package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"

	"fieldbrief/portal"
	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// check asks the portal to examine its data and prints what it found; it
// fails (exit 1) when there is any problem.
func check(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	data := fs.String("data", "", "data folder")
	if err := parse(fs, args); err != nil {
		return err
	}
	admin, err := openAdmin(*data, false)
	if err != nil {
		return err
	}
	defer admin.Close()
	var rep portal.CheckReport
	if err := admin.call(context.Background(), http.MethodGet, portal.PathCheck, nil, &rep); err != nil {
		return err
	}
	if len(rep.Problems) == 0 {
		fmt.Fprintf(stdout, "平台数据完好：%d 条记录，%d 张照片。/ The portal's data is sound: %d records, %d photos.\n", rep.Records, rep.Photos, rep.Records, rep.Photos)
		return nil
	}
	fmt.Fprintf(stdout, "发现 %d 个问题：/ Problems found: %d\n", len(rep.Problems), len(rep.Problems))
	for _, p := range rep.Problems {
		fmt.Fprintln(stdout, "  -", p)
	}
	return translate.Errorf(sv.EConflict, "portal_command.error.the_portals_data_has_problems_back", len(rep.Problems))
}
