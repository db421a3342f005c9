package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"golang.org/x/term"

	"fieldbrief/portal"
	"fieldbrief/portal/server"
	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// parseNamed parses flags with one plain argument, a user name, which may
// stand before, between or after them (user add --data DIR NAME --role R):
// the flag package stops at the first plain argument, so parse again after it.
func parseNamed(fs *flag.FlagSet, args []string) (string, error) {
	var name string
	for {
		if err := parse(fs, args); err != nil {
			return "", err
		}
		if fs.NArg() == 0 {
			return name, nil
		}
		if name != "" {
			return "", usageError{"只能给出一个用户名 / give one user name"}
		}
		name, args = fs.Arg(0), fs.Args()[1:]
	}
}

// readPassword reads a new password: typed twice without echo when stdin
// is a terminal, else the first line of stdin, so scripts can pipe it.
func readPassword(stdin io.Reader, prompt io.Writer, who string) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprintf(prompt, "%s 的新密码 / new password for %s: ", who, who)
		first, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(prompt)
		if err != nil {
			return "", translate.Wrap(err, sv.EInvalid, "portal_command.error.cannot_read_the_password")
		}
		fmt.Fprint(prompt, "再输入一次 / type it again: ")
		second, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(prompt)
		if err != nil {
			return "", translate.Wrap(err, sv.EInvalid, "portal_command.error.cannot_read_the_password")
		}
		if string(first) != string(second) {
			return "", translate.Errorf(sv.EInvalid, "portal_command.error.the_two_passwords_differ_nothing_was")
		}
		return string(first), nil
	}
	pw, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", translate.Wrap(err, sv.EInvalid, "portal_command.error.cannot_read_the_password")
	}
	return strings.TrimRight(pw, "\r\n"), nil
}

func userAdd(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	data := fs.String("data", "", "data folder")
	role := fs.String("role", "", "inspector|leader|admin")
	display := fs.String("display", "", "display name, as written on visits")
	projects := fs.String("projects", "", "comma-separated project ids an inspector may act on")
	name, err := parseNamed(fs, args)
	if err != nil {
		return err
	}
	if name == "" || *data == "" {
		return usageError{"须给出 --data 与用户名 / give --data and a user name"}
	}
	u := portal.NewUser{User: portal.User{Name: name, DisplayName: *display, Role: portal.Role(*role)}}
	if *projects != "" {
		u.Projects = strings.Split(*projects, ",")
	}
	// The name and role are checked before the password is asked for.
	if err := server.ValidateUser(portal.NewUser{User: u.User, Password: "12345678"}); err != nil {
		return err
	}
	if u.Password, err = readPassword(stdin, stderr, name); err != nil {
		return err
	}
	if err := server.ValidateUser(u); err != nil {
		return err
	}
	admin, err := openAdmin(*data, true)
	if err != nil {
		return err
	}
	defer admin.Close()
	if err := admin.call(context.Background(), http.MethodPost, portal.PathUsers, u, nil); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已保存用户 %s（%s）。/ User %s (%s) saved.\n", name, u.Role, name, u.Role)
	return nil
}

// userCommand runs user passwd|disable|enable|delete|revoke|list.
func userCommand(verb string, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("user "+verb, flag.ContinueOnError)
	data := fs.String("data", "", "data folder")
	name, err := parseNamed(fs, args)
	if err != nil {
		return err
	}
	if *data == "" || (name == "") != (verb == "list") {
		if verb == "list" {
			return usageError{"须给出 --data / give --data"}
		}
		return usageError{"须给出 --data 与用户名 / give --data and a user name"}
	}
	var pw portal.PasswordRequest
	if verb == "passwd" {
		if pw.Password, err = readPassword(stdin, stderr, name); err != nil {
			return err
		}
		if err := server.ValidateUser(portal.NewUser{User: portal.User{Name: name, Role: portal.RoleInspector}, Password: pw.Password}); err != nil {
			return err
		}
	}
	admin, err := openAdmin(*data, false)
	if err != nil {
		return err
	}
	defer admin.Close()
	ctx := context.Background()
	if verb == "list" {
		var users []portal.User
		if err := admin.call(ctx, http.MethodGet, portal.PathUsers, nil, &users); err != nil {
			return err
		}
		for _, u := range users {
			state := "enabled"
			if u.Disabled {
				state = "disabled"
			}
			fmt.Fprintf(stdout, "%-20s %-10s %-9s %s %s\n", u.Name, u.Role, state, u.DisplayName, strings.Join(u.Projects, ","))
		}
		return nil
	}
	var out portal.UserActionResponse
	switch verb {
	case "passwd":
		err = admin.call(ctx, http.MethodPost, portal.UserPath(name, portal.UserPassword), pw, &out)
	case "disable":
		err = admin.call(ctx, http.MethodPost, portal.UserPath(name, portal.UserDisable), nil, &out)
	case "enable":
		err = admin.call(ctx, http.MethodPost, portal.UserPath(name, portal.UserEnable), nil, &out)
	case "revoke":
		err = admin.call(ctx, http.MethodPost, portal.UserPath(name, portal.UserRevoke), nil, &out)
	case "delete":
		err = admin.call(ctx, http.MethodDelete, portal.UserPath(name, ""), nil, &out)
	}
	if err != nil {
		return err
	}
	done := map[string][2]string{
		"passwd":  {"已修改 %s 的密码", "Password of %s changed"},
		"disable": {"已停用 %s", "%s disabled"},
		"enable":  {"已启用 %s（须重新登录）", "%s enabled (signs in again)"},
		"revoke":  {"已注销 %s 的登录", "Sign-ins of %s ended"},
		"delete":  {"已删除 %s（其记录保留原署名）", "%s deleted (their records keep their name)"},
	}[verb]
	fmt.Fprintf(stdout, done[0]+"，结束登录 %d 个。/ "+done[1]+"; %d sign-ins ended.\n", name, out.Revoked, name, out.Revoked)
	return nil
}

// userVerbs are the user subcommands besides add.
var userVerbs = map[string]bool{"passwd": true, "disable": true, "enable": true, "delete": true, "revoke": true, "list": true}
