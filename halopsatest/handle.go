package halopsatest

import (
	"net/http"
	"strings"
)

// Handle answers requests for an endpoint the spec lacks (one your tenant
// has, that you call with the client's Do) with h. The pattern is a path
// below /api ("/CustomEndpoint/{id}"; "/api/CustomEndpoint/{id}" is the
// same), with wildcards as in net/http patterns, read with r.PathValue;
// method "" matches every method. Custom routes are tried before the
// spec's, behind the same bearer auth and faults, and their requests are
// logged like any other. They are matched as net/http matches patterns:
// with case (Halo's own routes are matched without). h runs without the
// server's lock, so it may call the Server's methods. Handle panics, as
// http.ServeMux.Handle does, on an invalid pattern or one that conflicts
// with a pattern already added.
func (s *Server) Handle(method, pattern string, h http.HandlerFunc) {
	if !strings.HasPrefix(pattern, "/") {
		panic("halopsatest: Handle: pattern " + pattern + " does not start with /")
	}
	if lower := strings.ToLower(pattern); lower == "/api" || strings.HasPrefix(lower, "/api/") {
		pattern = pattern[len("/api"):]
	}
	pattern = "/api" + pattern
	if method != "" {
		pattern = strings.ToUpper(method) + " " + pattern
	}
	s.custom.Handle(pattern, h)
}
