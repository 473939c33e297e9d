package main

import (
	"fmt"

	"github.com/halopsa-go/halopsa/halopsatest"
	"github.com/spf13/cobra"
)

// fakeCommand runs the fake tenant of package halopsatest. It stays thin,
// as cmd/halopsa-fake is the fake's own program: options map one to one
// onto halopsatest's.
func (a *app) fakeCommand() *cobra.Command {
	var addr, shell string
	var quirks bool
	var seed uint64
	cmd := &cobra.Command{
		Use:   "fake",
		Short: "Run a fake Halo tenant and print the HALO_* settings to use it",
		Long: `Run the fake Halo tenant of package halopsatest (seeded records, paging, search,
Halo's upsert) until interrupted, and print the HALO_* settings to use it, as
shell lines (--shell powershell or cmd for Windows):

  halopsa fake > halo.env &      # or run it in another terminal and copy the lines
  sleep 1; . ./halo.env
  halopsa tickets list -o table --fields id,summary`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch shell {
			case "sh", "powershell", "cmd":
			default:
				return inputErrorf("--shell %s: want sh, powershell or cmd", shell)
			}
			opts := []halopsatest.Option{halopsatest.WithAddr(addr), halopsatest.WithSeed(seed)}
			if quirks {
				opts = append(opts, halopsatest.WithQuirks())
			}
			srv, err := startFake(opts)
			if err != nil {
				return asRunError(err)
			}
			defer srv.Close()
			vars := [][2]string{{"HALO_COMPANY_URL", srv.URL}, {"HALO_API_CLIENT_ID", srv.ClientID}, {"HALO_API_CLIENT_SECRET", srv.ClientSecret}}
			for _, v := range vars {
				switch shell {
				case "powershell":
					fmt.Fprintf(a.stdout, "$env:%s = '%s'\n", v[0], v[1])
				case "cmd":
					fmt.Fprintf(a.stdout, "set %s=%s\n", v[0], v[1])
				default:
					fmt.Fprintf(a.stdout, "export %s='%s'\n", v[0], v[1])
				}
			}
			if f, ok := a.stdout.(interface{ Sync() error }); ok {
				_ = f.Sync()
			}
			fmt.Fprintf(a.stderr, "fake Halo tenant serving on %s; Ctrl-C to stop\n", srv.URL)
			<-cmd.Context().Done()
			return nil
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on (port 0 picks a free one)")
	cmd.Flags().BoolVar(&quirks, "quirks", false, "answer as real tenants do (ids as 21.0 or \"21\", zone-less times, undeclared fields, bare arrays)")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "seed of the generated records")
	cmd.Flags().StringVar(&shell, "shell", "sh", "syntax of the printed settings: sh, powershell or cmd")
	_ = cmd.RegisterFlagCompletionFunc("shell", fixedCompletion("sh", "powershell", "cmd"))
	return cmd
}

// startFake starts the fake tenant; halopsatest panics when it cannot
// listen, which is an error here.
func startFake(opts []halopsatest.Option) (srv *halopsatest.Server, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return halopsatest.NewServer(nil, opts...), nil
}
