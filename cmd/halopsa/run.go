package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"os"
	"path/filepath"
	"strings"

	"github.com/halopsa-go/halopsa"
)

// runError is an error of the call itself (API, network, auth, output):
// exit code 1. Every other error is a usage error: exit code 2.
type runError struct{ err error }

func (e *runError) Error() string { return e.err.Error() }
func (e *runError) Unwrap() error { return e.err }

// asRunError marks err as an error of the call, unless it is about the
// user's input: the library refuses a parameter before sending anything
// (an empty path parameter), which is a usage error too.
func asRunError(err error) error {
	var in *inputError
	var param *halopsa.ParamError
	switch {
	case err == nil || errors.As(err, &in):
		return err
	case errors.As(err, &param):
		return &inputError{describeErr(err)}
	}
	return &runError{err}
}

// runOp calls an operation once and prints its result.
func (a *app) runOp(ctx context.Context, vals *args) error {
	if p := vals.missing(); p != nil {
		return inputErrorf("required flag --%s is not set", p.flag)
	}
	format, err := a.format(outJSON)
	if err != nil {
		return err
	}
	c, err := a.client(ctx)
	if err != nil {
		return err
	}
	res, err := vals.op.call(ctx, c, vals)
	if err != nil {
		return asRunError(err)
	}
	p := a.newPrinter(format)
	if err := p.result(res); err != nil {
		return asRunError(err)
	}
	return asRunError(p.close())
}

// runList walks every page of a list and prints the records as they come.
func (a *app) runList(ctx context.Context, vals *args) error {
	if p := vals.missing(); p != nil {
		return inputErrorf("required flag --%s is not set", p.flag)
	}
	format, err := a.format(outJSONL)
	if err != nil {
		return err
	}
	c, err := a.client(ctx)
	if err != nil {
		return err
	}
	p := a.newPrinter(format)
	p.stream = true
	if err := vals.op.all(ctx, c, vals, p.record); err != nil {
		p.abort()
		return asRunError(err)
	}
	return asRunError(p.close())
}

// format is the output format asked for, def when none was.
func (a *app) format(def string) (string, error) {
	f := a.output
	if f == "" {
		f = def
	}
	if len(a.fields) > 0 && f == outJSON {
		return "", inputErrorf("--fields applies to -o table and -o jsonl, not -o json")
	}
	return f, nil
}

// readBody reads --body: inline JSON, - for stdin, or a file.
func (a *app) readBody(v string) ([]byte, error) {
	var data []byte
	switch t := strings.TrimSpace(v); {
	case v == "-":
		b, err := io.ReadAll(a.stdin)
		if err != nil {
			return nil, inputErrorf("--body -: reading stdin: %v", err)
		}
		data = b
	case strings.HasPrefix(t, "{") || strings.HasPrefix(t, "["):
		data = []byte(v)
	default:
		b, err := os.ReadFile(v)
		switch {
		case err == nil:
			data = b
		case json.Valid([]byte(v)): // a string, number or boolean body
			data = []byte(v)
		case errors.Is(err, os.ErrNotExist):
			return nil, inputErrorf("--body %s: no such file, and not JSON", v)
		default:
			return nil, inputErrorf("--body: %v", err)
		}
	}
	if !json.Valid(data) {
		var x any
		err := json.Unmarshal(data, &x)
		return nil, inputErrorf("--body: not valid JSON: %v", err)
	}
	return data, nil
}

// readFile reads a file to upload ("-" is stdin).
func readFile(path string, stdin io.Reader) (halopsa.File, error) {
	var data []byte
	var err error
	name := filepath.Base(path)
	if path == "-" {
		data, err = io.ReadAll(stdin)
		name = "stdin"
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return halopsa.File{}, err
	}
	ctype := mime.TypeByExtension(filepath.Ext(name))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	return halopsa.File{Name: name, ContentType: ctype, Data: data}, nil
}

// describeErr renders an error for an agent or a log, without secrets (the
// library's errors hold none).
func describeErr(err error) string {
	if errors.Is(err, context.Canceled) {
		return "interrupted"
	}
	msg := err.Error()
	return strings.TrimPrefix(msg, "halopsa: ")
}

// compactJSON returns js without insignificant space, or js itself when
// it is not JSON.
func compactJSON(js []byte) []byte {
	var b bytes.Buffer
	if json.Compact(&b, js) != nil {
		return js
	}
	return b.Bytes()
}
