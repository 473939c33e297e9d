package halopsatest_test

import (
	"fmt"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/halopsa-go/halopsa/halopsatest"
)

// One client that never reads its answer holds up only itself: the
// server writes answers outside its lock.
func TestStuckReaderStallsNoOne(t *testing.T) {
	srv := halopsatest.NewServer(t, halopsatest.WithoutSeedData())
	api := newRawAPI(t, srv)
	// An answer far larger than the socket buffers: writing it blocks
	// until the client reads.
	big := strings.Repeat("x", 32<<20)
	id, err := srv.Put("Tickets", map[string]any{"summary": "big", "details": big})
	if err != nil {
		t.Fatal(err)
	}
	d := net.Dialer{Control: func(network, address string, c syscall.RawConn) error {
		return c.Control(func(fd uintptr) { syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
	}}
	conn, err := d.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() }) // before the server closes: it waits for the stuck handler
	fmt.Fprintf(conn, "GET /api/Tickets/%v HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n", id, api.token)

	// Until the stuck request shows in the log (it is logged before its
	// answer is written), and for a while after, other requests are
	// answered promptly.
	client := &http.Client{Timeout: 20 * time.Second}
	deadline := time.Now().Add(60 * time.Second)
	logged := time.Time{}
	for n := 0; ; n++ {
		req, _ := http.NewRequest("GET", srv.URL+"/api/Status", nil)
		req.Header.Set("Authorization", "Bearer "+api.token)
		res, err := client.Do(req)
		if err != nil {
			t.Fatalf("request %d while a reader is stuck: %v", n, err)
		}
		res.Body.Close()
		if logged.IsZero() {
			for _, r := range srv.Requests() {
				if r.Path == fmt.Sprintf("/api/Tickets/%v", id) && r.Status == 200 {
					logged = time.Now()
				}
			}
		}
		if !logged.IsZero() && time.Since(logged) > 500*time.Millisecond {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the stuck request never reached the log")
		}
	}
}
