package halopsa_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/halopsa-go/halopsa"
)

// A file of any size is read as it is sent: here a strings.Reader, more
// often an *os.File (an io.Seeker, so that the upload can be sent again
// when Halo asks for it).
func ExampleAttachmentAPI_Upload() {
	halo, done := newDemo()
	defer done()
	ctx := context.Background()

	content := strings.NewReader("quarterly report, page 1 of 400\n")
	att, err := halo.Attachment.Upload(ctx, halopsa.Attachment{
		TicketID: halopsa.Ptr(1), Filename: halopsa.Ptr("report.txt"), Note: halopsa.Ptr("Q3"),
	}, content)
	if err != nil {
		panic(err)
	}
	fmt.Println(att.GetFilename(), att.GetFilesize(), "bytes on ticket", att.GetTicketID())
	// Output: report.txt 32 bytes on ticket 1
}

// A download goes to any io.Writer as it arrives: a file, an HTTP
// response, a hash. The name Halo sends has no directory part, so it can
// be joined to a directory.
func ExampleAttachmentAPI_Download() {
	halo, done := newDemo()
	defer done()
	ctx := context.Background()
	att, err := halo.Attachment.Upload(ctx, halopsa.Attachment{TicketID: halopsa.Ptr(1), Filename: halopsa.Ptr("scan.pdf")},
		strings.NewReader("%PDF-1.7 scanned invoice"))
	if err != nil {
		panic(err)
	}

	dir, err := os.MkdirTemp("", "halo-download")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	f, err := os.CreateTemp(dir, "partial-*")
	if err != nil {
		panic(err)
	}
	n, name, err := halo.Attachment.Download(ctx, att.GetID(), f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name()) // incomplete
		panic(err)
	}
	if err := os.Rename(f.Name(), filepath.Join(dir, name)); err != nil {
		panic(err)
	}
	fmt.Println(name, n, "bytes")
	// Output: scan.pdf 24 bytes
}
