// Command fieldbrief-portal runs the reference central portal that
// fieldbrief laptops sync with.
//
//	fieldbrief-portal serve --addr 127.0.0.1:8470 --data DIR [--tls-cert F --tls-key F]
//	fieldbrief-portal user add --data DIR NAME --role inspector|leader|admin   (password on stdin)
//	fieldbrief-portal demo --data DIR   (sample register, templates and demo users)
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"fieldbrief/portal"
	"fieldbrief/portal/server"
	"fieldbrief/sample"
	sv "fieldbrief/supervision"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

const usage = `用法 / usage:
  fieldbrief-portal serve --addr 127.0.0.1:8470 --data DIR [--tls-cert F --tls-key F] [--token-ttl 336h]
  fieldbrief-portal user add --data DIR NAME --role inspector|leader|admin [--display NAME] [--projects P1,P2]
        (密码从标准输入读取 / password read from stdin)
  fieldbrief-portal demo --data DIR
`

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch {
	case args[0] == "serve":
		err = serve(args[1:], stderr)
	case args[0] == "user" && len(args) > 1 && args[1] == "add":
		err = userAdd(args[2:], stdin, stdout)
	case args[0] == "demo":
		err = demo(args[1:], stdout)
	default:
		fmt.Fprint(stderr, usage)
		return 2
	}
	if err == nil {
		return 0
	}
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "%s\n%s", ue.msg, usage)
		return 2
	}
	fmt.Fprintln(stderr, sv.ErrorMessage(err, sv.Chinese))
	fmt.Fprintln(stderr, sv.ErrorMessage(err, sv.English))
	return 1
}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func parse(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	return nil
}

func serve(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8470", "listen address")
	data := fs.String("data", "", "data folder")
	limits := server.LimitFlags(fs)
	cert := fs.String("tls-cert", "", "TLS certificate file")
	key := fs.String("tls-key", "", "TLS key file")
	ttl := fs.Duration("token-ttl", 14*24*time.Hour, "how long a sign-in lasts")
	if err := parse(fs, args); err != nil {
		return err
	}
	if (*cert == "") != (*key == "") {
		return usageError{"--tls-cert 与 --tls-key 须同时给出 / give both --tls-cert and --tls-key"}
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	srv, err := server.New(server.Options{Dir: *data, Logger: log, TokenTTL: *ttl})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		srv.Close()
		return sv.Wrap(err, sv.EUnavailable, fmt.Sprintf("无法在 %s 上监听，端口可能已被占用。", *addr), fmt.Sprintf("Cannot listen on %s; the port may be in use.", *addr))
	}
	// Timeouts, the connection cap and the plain-HTTP warning: decision 23.
	server.ApplyMemoryLimit()
	var hs *http.Server
	if hs, ln, err = srv.HTTPServer(ln, *cert, *key, *limits); err != nil {
		srv.Close()
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	done := make(chan error, 1)
	go func() {
		if *cert != "" {
			done <- hs.ServeTLS(ln, *cert, *key)
		} else {
			done <- hs.Serve(ln)
		}
	}()
	// The address line tells scripts and tests where to connect (useful
	// with port 0).
	log.Info("listening", "addr", ln.Addr().String(), "tls", *cert != "")
	select {
	case err := <-done:
		srv.Close()
		return sv.Wrap(err, sv.EUnavailable, "平台服务意外停止。", "The portal stopped unexpectedly.")
	case <-ctx.Done():
	}
	log.Info("shutting down")
	// Finish requests in flight for up to 20 s; tus uploads keep the bytes
	// that arrived, so an upload cut here resumes later.
	sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		log.Warn("shutdown timed out; closing connections", "err", err)
		hs.Close()
	}
	err = srv.Close()
	log.Info("stopped")
	return err
}

func userAdd(args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	data := fs.String("data", "", "data folder")
	role := fs.String("role", "", "inspector|leader|admin")
	display := fs.String("display", "", "display name, as written on visits")
	projects := fs.String("projects", "", "comma-separated project ids an inspector may act on")
	// NAME may stand before, between or after the flags
	// (user add --data DIR NAME --role R): the flag package stops at the
	// first plain argument, so parse again after it.
	var name string
	for {
		if err := parse(fs, args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		if name != "" {
			return usageError{"只能给出一个用户名 / give one user name"}
		}
		name, args = fs.Arg(0), fs.Args()[1:]
	}
	if name == "" || *data == "" {
		return usageError{"须给出 --data 与用户名 / give --data and a user name"}
	}
	pw, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return sv.Wrap(err, sv.EInvalid, "无法读取密码。", "Cannot read the password.")
	}
	u := portal.NewUser{User: portal.User{Name: name, DisplayName: *display, Role: portal.Role(*role)}, Password: strings.TrimRight(pw, "\r\n")}
	if *projects != "" {
		u.Projects = strings.Split(*projects, ",")
	}
	db, err := server.OpenDB(*data)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.PutUser(u, 0); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已保存用户 %s（%s）。/ User %s (%s) saved.\n", name, u.Role, name, u.Role)
	return nil
}

// DemoPassword is the password of the demo users; a demo portal is for
// trying fieldbrief out, never for real data.
const DemoPassword = "fieldbrief-demo"

func demo(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	data := fs.String("data", "", "data folder")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *data == "" {
		return usageError{"须给出 --data / give --data"}
	}
	projects, templates, err := sample.Register()
	if err != nil {
		return err
	}
	db, err := server.OpenDB(*data)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.PutRegister(projects, templates); err != nil {
		return err
	}
	users := []portal.User{
		{Name: "admin", DisplayName: "管理员", Role: portal.RoleAdmin},
		{Name: "leader", DisplayName: "王主任", Role: portal.RoleLeader},
		{Name: "inspector1", DisplayName: "李督查", Role: portal.RoleInspector},
		{Name: "inspector2", DisplayName: "张督查", Role: portal.RoleInspector},
	}
	for _, u := range users {
		if err := db.PutUser(portal.NewUser{User: u, Password: DemoPassword}, 0); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "示例平台数据已写入：%d 个项目，%d 个清单版本，用户 admin、leader、inspector1、inspector2，密码 %s。\n", len(projects), len(templates), DemoPassword)
	fmt.Fprintf(stdout, "Demo portal data written: %d projects, %d checklist versions, users admin, leader, inspector1, inspector2, password %s.\n", len(projects), len(templates), DemoPassword)
	return nil
}
