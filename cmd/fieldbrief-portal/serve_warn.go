package main

import (
	"log/slog"
	"net"
)

// warnPlainHTTP logs a warning when the portal serves plain HTTP on an
// address other computers can reach: passwords, tokens and records would
// cross the network unencrypted. Loopback is fine (a reverse proxy in
// front doing TLS, or a trial on one machine).
func warnPlainHTTP(log *slog.Logger, addr string, tls bool) bool {
	if tls || loopbackListen(addr) {
		return false
	}
	log.Warn("serving plain HTTP on a network address: passwords and records cross the network unencrypted; use --tls-cert and --tls-key, or listen on 127.0.0.1 behind a TLS proxy",
		"zh", "平台正以不加密的 HTTP 在网络地址上提供服务，密码和记录将明文传输；请使用 --tls-cert 与 --tls-key，或只监听 127.0.0.1 并由 TLS 代理转发。",
		"addr", addr)
	return true
}

// loopbackListen reports whether a listen address (host:port, as given to
// net.Listen) accepts connections from this computer only. An empty host
// listens on every interface.
func loopbackListen(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil || host == "" {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
