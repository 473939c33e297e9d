// Command plain fetches a token and one ticket with net/http and
// encoding/json only: the size baseline for onemethod.
package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
)

func main() {
	base := os.Getenv("HALO_COMPANY_URL")
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {os.Getenv("HALO_API_CLIENT_ID")}, "client_secret": {os.Getenv("HALO_API_CLIENT_SECRET")}, "scope": {"all"}}
	resp, err := http.Post(base+"/auth/token", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	req, _ := http.NewRequest("GET", base+"/api/Tickets/1", nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer resp.Body.Close()
	var t struct {
		Summary string `json:"summary"`
	}
	json.NewDecoder(resp.Body).Decode(&t)
	fmt.Println(t.Summary)
}
