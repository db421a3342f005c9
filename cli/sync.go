package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"time"

	"golang.org/x/term"

	"fieldbrief/portal"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
	"fieldbrief/syncer"
)

// portalHTTP is the HTTP client for the portal: bounded waits for a
// connection and for each answer, but no bound on a whole request, since a
// photo upload over a slow link may take minutes.
func portalHTTP() *http.Client {
	return &http.Client{Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 15 * time.Second}).DialContext,
		TLSHandshakeTimeout:   15 * time.Second,
		ResponseHeaderTimeout: 60 * time.Second,
		IdleConnTimeout:       60 * time.Second,
	}}
}

func runLogin(c *ctx, args []string) error {
	fs, data := c.flags("login", "[--data 文件夹] --portal 地址 --user 用户名（密码：终端上输入，不回显；否则读标准输入）",
		"[--data FOLDER] --portal URL --user NAME (password: typed unechoed at a terminal, else read from stdin)")
	addr := fs.String("portal", "", c.pick("平台地址，例如 https://平台:8470", "portal address, such as https://portal:8470"))
	user := fs.String("user", "", c.pick("平台用户名", "portal user name"))
	if err := c.parse(fs, args); err != nil {
		return err
	}
	if *addr == "" || *user == "" {
		return usageError{msg: c.pick("请用 --portal 和 --user 指定平台地址和用户名。", "Give the portal address with --portal and the user with --user.")}
	}
	if w := portal.PlainHTTPWarning(*addr); w != nil {
		fmt.Fprintln(c.Stderr, sv.ErrorMessage(w, c.lang))
	}
	pw, err := readPassword(c)
	if err != nil {
		return err
	}
	if pw == "" {
		return usageError{msg: c.pick("请在标准输入中提供密码。", "Give the password on standard input.")}
	}
	dir, err := dataDir(*data)
	if err != nil {
		return err
	}
	s, err := storage.Open(dir, storage.Options{Now: c.Now})
	if err != nil {
		return err
	}
	defer s.Close()
	client, err := portal.NewClient(*addr, portalHTTP(), "")
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cred, err := syncer.Login(ctx, s, client, *user, pw)
	if err != nil {
		return err
	}
	if err := syncer.SaveCredentials(dir, cred); err != nil {
		return err
	}
	c.say("已登录 %s，用户 %s（%s），有效期至 %s。", "Signed in to %s as %s (%s) until %s.",
		cred.Portal, cred.User.Name, cred.User.Role, cred.ExpiresAt.In(time.Local).Format("2006-01-02 15:04"))
	return nil
}

// readPassword reads the password without echo when stdin is a terminal,
// else the first line of stdin, so scripts can pipe it.
func readPassword(c *ctx) (string, error) {
	if f, ok := c.Stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(c.Stderr, c.pick("密码：", "Password: "))
		pw, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(c.Stderr)
		if err != nil {
			return "", sv.Wrap(err, sv.EInvalid, "无法读取密码。", "Cannot read the password.")
		}
		return string(pw), nil
	}
	pw, err := bufio.NewReader(c.Stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", sv.Wrap(err, sv.EInvalid, "无法读取密码。", "Cannot read the password.")
	}
	return strings.TrimRight(pw, "\r\n"), nil
}

func runSync(c *ctx, args []string) error {
	fs, data := c.flags("sync", "[--data 文件夹] [--reregister]", "[--data FOLDER] [--reregister]")
	// After the portal says the laptop's data went back in time (restored
	// from an old backup): a new device id, the unsent changes kept and
	// sent under it. The user's choice, decision 0024.
	reregister := fs.Bool("reregister", false, "register a new device id and send the unsent changes under it")
	if err := c.parse(fs, args); err != nil {
		return err
	}
	dir, err := dataDir(*data)
	if err != nil {
		return err
	}
	cred, err := syncer.LoadCredentials(dir)
	if err != nil {
		return err
	}
	if !c.Now().Before(cred.ExpiresAt) {
		return sv.Errorf(portal.ErrUnauthorized, "登录已过期，请重新运行 fieldbrief login。", "Your sign-in has expired; run fieldbrief login again.")
	}
	s, err := storage.Open(dir, storage.Options{Now: c.Now})
	if err != nil {
		return err
	}
	defer s.Close()
	client, err := portal.NewClient(cred.Portal, portalHTTP(), cred.Token)
	if err != nil {
		return err
	}
	if w := portal.PlainHTTPWarning(cred.Portal); w != nil {
		fmt.Fprintln(c.Stderr, sv.ErrorMessage(w, c.lang))
	}
	// Ctrl-C stops the sync between steps; what was done stays done.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	eng := syncer.New(s, client, syncer.Options{Now: c.Now, Progress: func(p syncer.Progress) {
		switch p.Phase {
		case syncer.PhasePhotos:
			fmt.Fprintf(c.Stderr, "%s %d/%d (%.1f/%.1f MB)\n", c.pick("照片", "photos"), p.Done, p.Total, float64(p.Bytes)/1e6, float64(p.TotalBytes)/1e6)
		case syncer.PhaseThumbnails:
			fmt.Fprintf(c.Stderr, "%s %d/%d\n", c.pick("缩略图", "thumbnails"), p.Done, p.Total)
		}
	}})
	if *reregister {
		if err := eng.Reregister(ctx); err != nil {
			return err
		}
		c.say("本机已以新的设备编号 %s 登记；未发送的修改将在这次同步中发送。", "This laptop registered the new device id %s; its unsent changes go up with this sync.", s.DeviceID())
	}
	r, err := eng.Sync(ctx)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			c.say("同步已取消；已完成的部分已保存。", "Sync cancelled; what was done is saved.")
			return exitCode(1)
		}
		return err
	}
	c.say("同步完成：上传 %d 条修改、%d 张照片（%.1f MB），下载 %d 条记录。", "Synced. Sent: changes %d, photos %d (%.1f MB). Received: records %d.",
		r.Pushed, r.PhotosSent, float64(r.PhotoBytes)/1e6, r.Pulled)
	if r.NewDevice != nil {
		c.say("%s", "%s", sv.ErrorMessage(r.NewDevice, c.lang))
	}
	if r.ClockSkew != nil {
		c.say("%s", "%s", sv.ErrorMessage(r.ClockSkew, c.lang))
	}
	if r.ThumbnailsFetched > 0 || r.ThumbnailsLeft > 0 {
		c.say("其他电脑拍摄的照片：已下载缩略图 %d 张，%d 张下次同步时再下载。", "Photos taken on other laptops: thumbnails downloaded %d, left for the next sync %d.",
			r.ThumbnailsFetched, r.ThumbnailsLeft)
	}
	for _, rj := range r.Rejections {
		c.say("平台未接受 %s %s：%s", "The portal refused %s %s: %s", rj.Entity, rj.ID, rj.Message(c.lang))
	}
	if len(r.Rejections) > 0 {
		return exitCode(1)
	}
	return nil
}

// statusJSON is the output of `status --json`; the field names are a
// contract with scripts.
type statusJSON struct {
	Portal            string             `json:"portal"`
	User              string             `json:"user"`
	SignedIn          bool               `json:"signed_in"`
	PendingChanges    int                `json:"pending_changes"`
	PendingPhotos     int                `json:"pending_photos"`
	PendingPhotoBytes int64              `json:"pending_photo_bytes"`
	LastSync          *time.Time         `json:"last_sync"`
	Rejections        []portal.Rejection `json:"rejections"`
}

func runStatus(c *ctx, args []string) error {
	fs, data := c.flags("status", "[--data 文件夹] [--json]", "[--data FOLDER] [--json]")
	asJSON := fs.Bool("json", false, c.pick("输出 JSON", "print JSON"))
	if err := c.parse(fs, args); err != nil {
		return err
	}
	dir, err := dataDir(*data)
	if err != nil {
		return err
	}
	s, err := storage.Open(dir, storage.Options{ReadOnly: true, Now: c.Now})
	if err != nil {
		return err
	}
	defer s.Close()
	st, err := syncer.ReadStatus(s)
	if err != nil {
		return err
	}
	out := statusJSON{PendingChanges: st.PendingChanges, PendingPhotos: st.PendingPhotos, PendingPhotoBytes: st.PendingPhotoBytes,
		LastSync: st.LastSync, Rejections: st.Rejections}
	if cred, err := syncer.LoadCredentials(dir); err == nil {
		out.Portal, out.User, out.SignedIn = cred.Portal, cred.User.Name, c.Now().Before(cred.ExpiresAt)
	}
	if *asJSON {
		return writeJSON(c, out)
	}
	if out.Portal == "" {
		c.say("平台：未登录", "Portal: not signed in")
	} else {
		c.say("平台：%s（用户 %s）", "Portal: %s (user %s)", out.Portal, out.User)
	}
	c.say("待上传修改：%d；待上传照片：%d 张（%.1f MB）", "Changes waiting: %d; photos waiting: %d (%.1f MB)",
		out.PendingChanges, out.PendingPhotos, float64(out.PendingPhotoBytes)/1e6)
	if out.LastSync == nil {
		c.say("上次同步：从未", "Last sync: never")
	} else {
		c.say("上次同步：%s", "Last sync: %s", out.LastSync.In(time.Local).Format("2006-01-02 15:04"))
	}
	for _, rj := range out.Rejections {
		c.say("平台未接受 %s %s：%s", "The portal refused %s %s: %s", rj.Entity, rj.ID, rj.Message(c.lang))
	}
	return nil
}
