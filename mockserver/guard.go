package mockserver

import (
	"crypto/subtle"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// The control API's defences against a browser: a web page the tester
// visits can make the browser send requests to 127.0.0.1 (cross-site
// "simple" requests, DNS rebinding). Such a request cannot carry a JSON
// content type without a CORS preflight (which the mock never answers),
// comes with the page's Origin, and after DNS rebinding with the page's
// host name in Host.

// loopbackHost reports whether host (no port) names the local machine.
func loopbackHost(host string) bool {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(h, "[]"))
	return ip != nil && ip.IsLoopback()
}

// hostAllowed reports whether a Host header (host[:port]) names this
// server: a loopback name or address, or one of Config.ControlHosts ("*":
// any).
func (s *Server) hostAllowed(hostport string) bool {
	if hostport == "" {
		return false
	}
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	if loopbackHost(host) {
		return true
	}
	for _, a := range s.cfg.ControlHosts {
		if a == "*" || strings.EqualFold(strings.Trim(a, "[]"), strings.Trim(host, "[]")) {
			return true
		}
	}
	return false
}

// checkControl vets a control API request before it is read or routed.
func (s *Server) checkControl(r *http.Request) *Error {
	if !s.hostAllowed(r.Host) {
		return &Error{Status: http.StatusForbidden,
			Detail: "Host " + strconvQuote(r.Host) + " is not this server (DNS rebinding?); the control API answers only to its own address"}
	}
	if o := r.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		if err != nil || u.Host == "" || !strings.EqualFold(u.Host, r.Host) {
			return &Error{Status: http.StatusForbidden,
				Detail: "cross-origin request from " + strconvQuote(o) + " refused"}
		}
	}
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		return &Error{Status: http.StatusForbidden, Detail: "cross-site request refused"}
	}
	if t := s.cfg.ControlToken; t != "" {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(t)) != 1 {
			return &Error{Status: http.StatusUnauthorized, Kind: ErrUnauthorized,
				Detail: "the control API needs Authorization: Bearer <token> (the server's --token)"}
		}
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || mt != "application/json" {
			return &Error{Status: http.StatusUnsupportedMediaType,
				Detail: "control API requests must have Content-Type: application/json"}
		}
	}
	return nil
}

func strconvQuote(s string) string {
	if len(s) > 200 {
		s = s[:200]
	}
	return "\"" + strings.ToValidUTF8(strings.NewReplacer("\"", "\\\"", "\n", "\\n", "\r", "\\r").Replace(s), "?") + "\""
}
