package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"text/tabwriter"
	"time"

	"fieldbrief/portal"
)

// deviceCmd runs `device list` and `device reset ID` through the admin
// API (decision 0024).
func deviceCmd(args []string, stdout io.Writer) error {
	if len(args) == 0 || (args[0] != "list" && args[0] != "reset") {
		return usageError{"用法 / usage: device list|reset --data DIR [ID]"}
	}
	sub := args[0]
	fs := flag.NewFlagSet("device "+sub, flag.ContinueOnError)
	data := fs.String("data", "", "data folder")
	// The id may stand before or after the flags.
	var id string
	args = args[1:]
	for {
		if err := parse(fs, args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		if id != "" {
			return usageError{"只能给出一个设备编号 / give one device id"}
		}
		id, args = fs.Arg(0), fs.Args()[1:]
	}
	if sub == "reset" && id == "" {
		return usageError{"须给出设备编号 / give the device id"}
	}
	if sub == "list" && id != "" {
		return usageError{"device list 不带参数 / device list takes no argument"}
	}
	admin, err := openAdmin(*data, false)
	if err != nil {
		return err
	}
	defer admin.Close()
	ctx := context.Background()
	if sub == "reset" {
		if err := admin.call(ctx, http.MethodPost, portal.DeviceResetPath(id), nil, nil); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "已重置设备 %s：该笔记本下次同步时会以新的设备编号重新登记，并重新发送未发送的修改。\n", id)
		fmt.Fprintf(stdout, "Device %s reset: that laptop registers a new device id at its next sync and sends its unsent changes again.\n", id)
		return nil
	}
	var devices []portal.Device
	if err := admin.call(ctx, http.MethodGet, portal.PathAdminDevices, nil, &devices); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "设备 DEVICE\t用户 USER\t状态 STATE\t已收到 ACKED\t首次 FIRST SEEN\t最近推送 LAST PUSH")
	for _, d := range devices {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", d.ID, orDash(d.User), d.State, d.Acked, when(d.FirstSeen), when(d.LastPush))
	}
	return tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func when(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04Z")
}
