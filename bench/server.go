package bench

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
)

// Server serves fixed bytes in Halo's format (see fixtures.go) the way
// Halo would: a token endpoint, one ticket for GET /api/Tickets/{id}, a
// 500-ticket list for GET /api/Tickets, and for paged requests
// (pageinate=true) pages of page_size tickets (PageSize when not given)
// out of Total, generated once and cached.
type Server struct {
	Ticket   []byte
	List     []byte
	Total    int
	PageSize int

	mu    sync.Mutex
	pages map[[2]int][]byte // by page size and number
}

// NewServer builds the fixtures.
func NewServer() *Server {
	return &Server{Ticket: Ticket(1), List: TicketList(1, 500, 500), Total: 10_000, PageSize: 100, pages: map[[2]int][]byte{}}
}

// Page returns page no (from 1) of the paged list, in pages of size.
func (s *Server) Page(size, no int) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	if b, ok := s.pages[[2]int{size, no}]; ok {
		return b
	}
	first := (no-1)*size + 1
	n := max(0, min(size, s.Total-first+1))
	b := TicketList(first, n, s.Total)
	s.pages[[2]int{size, no}] = b
	return b
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/auth/token":
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"access_token": "bench-token", "token_type": "Bearer", "expires_in": 3600})
	case r.URL.Path == "/api/Tickets" && r.URL.Query().Get("pageinate") == "true":
		no, _ := strconv.Atoi(r.URL.Query().Get("page_no"))
		size, _ := strconv.Atoi(r.URL.Query().Get("page_size"))
		if size <= 0 {
			size = s.PageSize
		}
		write(w, s.Page(size, max(no, 1)))
	case r.URL.Path == "/api/Tickets":
		write(w, s.List)
	case strings.HasPrefix(r.URL.Path, "/api/Tickets/"):
		write(w, s.Ticket)
	default:
		http.NotFound(w, r)
	}
}

func write(w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.Write(b)
}

// Start serves s on a loopback port.
func (s *Server) Start() *httptest.Server { return httptest.NewServer(s) }
