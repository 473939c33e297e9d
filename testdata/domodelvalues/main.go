// Command domodelvalues sends a model by value and in a slice through Do,
// in a program that never converts a pointer to that model to an
// interface itself; TestDoModelValuesInAProgramOfTheirOwn runs it. Do then
// relies on the linker keeping the pointer type's encTarget method.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/halopsa-go/halopsa"
)

func main() {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/auth/token" {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"access_token":"t","token_type":"Bearer","expires_in":3600}`)
			return
		}
		b, _ := io.ReadAll(r.Body)
		got = append(got, string(b))
		io.WriteString(w, `{}`)
	}))
	defer srv.Close()
	halo, err := halopsa.New(halopsa.Config{CompanyURL: srv.URL, ClientID: "id", ClientSecret: "secret"})
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	rec := halopsa.Actions{Extra: map[string]json.RawMessage{"x": json.RawMessage(`1`)}}
	for _, body := range []any{rec, []halopsa.Actions{rec}} {
		if err := halo.Do(context.Background(), "POST", "/Actions", nil, body, nil); err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
	}
	fmt.Println(got)
}
