// Command fieldbrief-portal runs the reference central portal that
// fieldbrief laptops sync with.
//
//	fieldbrief-portal serve --addr 127.0.0.1:8470 --data DIR [--tls-cert F --tls-key F]
//	fieldbrief-portal user add --data DIR NAME --role inspector|leader|admin   (password prompted, or on stdin)
//	fieldbrief-portal user passwd|disable|enable|revoke|delete|list --data DIR [NAME]
//	fieldbrief-portal audit --data DIR [--since DATE]
//	fieldbrief-portal check --data DIR
//	fieldbrief-portal demo --data DIR   (sample register, templates and demo users)
//	fieldbrief-portal register|template import|export, findings export   (the office's Excel workbooks)
//	fieldbrief-portal backup --data DIR --out FILE / restore --from FILE --data NEWDIR
package main

import (
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
	"syscall"
	"time"

	"fieldbrief/portal"
	"fieldbrief/portal/server"
	"fieldbrief/sample"
	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

const usage = `用法 / usage:
  fieldbrief-portal serve --addr 127.0.0.1:8470 --data DIR [--tls-cert F --tls-key F] [--token-ttl 336h] [--min-protocol N]
  fieldbrief-portal user add --data DIR NAME --role inspector|leader|admin [--display NAME] [--projects P1,P2]
        (密码：终端上输入两次，不回显；否则读标准输入第一行 / password: typed twice unechoed at a terminal, else stdin's first line)
  fieldbrief-portal user passwd|disable|enable|revoke|delete --data DIR NAME
  fieldbrief-portal user list --data DIR
  fieldbrief-portal audit --data DIR [--since 2026-05-01] [--limit N] [--json]
  fieldbrief-portal check --data DIR   (退出码 0 完好，1 有问题 / exit 0 sound, 1 problems)
  fieldbrief-portal demo --data DIR
  fieldbrief-portal register import --data DIR [--dry-run] FILE.xlsx
  fieldbrief-portal register export --data DIR --out FILE.xlsx
  fieldbrief-portal template import --data DIR [--dry-run] FILE.xlsx
  fieldbrief-portal template export --data DIR [--id monthly] [--version N] --out FILE.xlsx
  fieldbrief-portal findings export --data DIR --out FILE.xlsx [--status open|overdue|all] [--project ID] [--unit NAME]
  fieldbrief-portal backup --data DIR --out FILE.tar
  fieldbrief-portal restore --from FILE.tar --data NEWDIR
  fieldbrief-portal device list --data DIR
  fieldbrief-portal device reset --data DIR ID
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
		err = userAdd(args[2:], stdin, stdout, stderr)
	case args[0] == "user" && len(args) > 1 && userVerbs[args[1]]:
		err = userCommand(args[1], args[2:], stdin, stdout, stderr)
	case args[0] == "audit":
		err = audit(args[1:], stdout)
	case args[0] == "check":
		err = check(args[1:], stdout)
	case args[0] == "device":
		err = deviceCmd(args[1:], stdout)
	case args[0] == "demo":
		err = demo(args[1:], stdout)
	case args[0] == "register" && len(args) > 1 && args[1] == "import":
		err = registerImport(args[2:], stdout)
	case args[0] == "register" && len(args) > 1 && args[1] == "export":
		err = registerExport(args[2:], stdout)
	case args[0] == "template" && len(args) > 1 && args[1] == "import":
		err = templateImport(args[2:], stdout)
	case args[0] == "template" && len(args) > 1 && args[1] == "export":
		err = templateExport(args[2:], stdout)
	case args[0] == "findings" && len(args) > 1 && args[1] == "export":
		err = findingsExport(args[2:], stdout)
	case args[0] == "backup":
		err = backup(args[1:], stdout)
	case args[0] == "restore":
		err = restore(args[1:], stdout)
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
	minProtocol := fs.Int("min-protocol", 1, "oldest laptop protocol version accepted (decision 0025)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if (*cert == "") != (*key == "") {
		return usageError{"--tls-cert 与 --tls-key 须同时给出 / give both --tls-cert and --tls-key"}
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	srv, err := server.New(server.Options{Dir: *data, Logger: log, TokenTTL: *ttl, MinProtocol: *minProtocol})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		srv.Close()
		return translate.Wrap(err, sv.EUnavailable, "portal_command.error.cannot_listen", *addr)
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
	sockCtx, stopSock := context.WithCancel(context.Background())
	sockDone := make(chan struct{})
	go func() {
		defer close(sockDone)
		if err := srv.ServeAdminSocket(sockCtx); err != nil {
			log.Warn("admin socket", "err", sv.ErrorMessage(err, sv.English))
		}
	}()
	// The socket closes before the data does: no admin request may find
	// the store closed under it.
	closeAll := func() error { stopSock(); <-sockDone; return srv.Close() }
	// The address line tells scripts and tests where to connect (useful
	// with port 0).
	log.Info("listening", "addr", ln.Addr().String(), "tls", *cert != "")
	select {
	case err := <-done:
		closeAll()
		return translate.Wrap(err, sv.EUnavailable, "portal_command.error.the_portal_stopped_unexpectedly")
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
	err = closeAll()
	log.Info("stopped")
	return err
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
