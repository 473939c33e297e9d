package gen

import (
	"bytes"
	"fmt"
	"go/format"
	"go/scanner"
	"go/token"
	"path"
	"strconv"
	"strings"
)

// formatFile drops the imports a generated file does not use (the emitter
// asks for every import a file might need) and gofmts it.
//
// It tokenizes rather than parses: building and printing an AST per file
// took two thirds of the generator's time (the drift test runs it under
// the race detector). A package counts as used when its name is followed
// by a dot outside comments and strings, which is what the emitter writes;
// a file that still imports something unused fails to compile, which
// TestEmittedCodeCompiles and the build catch.
func formatFile(src []byte) ([]byte, error) {
	fset := token.NewFileSet()
	file := fset.AddFile("", fset.Base(), len(src))
	var s scanner.Scanner
	var scanErr error
	s.Init(file, src, func(pos token.Position, msg string) {
		if scanErr == nil {
			scanErr = fmt.Errorf("%s: %s", pos, msg)
		}
	}, 0)
	type spec struct {
		name       string
		start, end int // the line holding it, newline included
	}
	var (
		specs                []spec
		blockStart, blockEnd = -1, -1
		used                 = map[string]bool{}
		prev                 token.Token
		prevLit              string
		inImport             bool
	)
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		off := file.Offset(pos)
		switch {
		case tok == token.IMPORT:
			if blockStart >= 0 {
				return nil, fmt.Errorf("%s: a second import declaration: the emitter writes one", file.Position(pos))
			}
			if _, next, _ := s.Scan(); next != token.LPAREN {
				return nil, fmt.Errorf("%s: an import without parentheses: the emitter writes a block", file.Position(pos))
			}
			blockStart, inImport = off, true
		case inImport && tok == token.STRING:
			p, err := strconv.Unquote(lit)
			if err != nil {
				return nil, err
			}
			name := importName(p)
			switch {
			case prev == token.IDENT && prevLit == "_", prev == token.PERIOD:
				name = "" // a blank or dot import: always kept
			case prev == token.IDENT:
				name = prevLit // an alias
			}
			start := bytes.LastIndexByte(src[:off], '\n') + 1
			end := off + len(lit)
			if nl := bytes.IndexByte(src[end:], '\n'); nl >= 0 {
				end += nl + 1
			}
			specs = append(specs, spec{name, start, end})
		case inImport && tok == token.RPAREN:
			blockEnd, inImport = off+1, false
		case tok == token.PERIOD && prev == token.IDENT:
			used[prevLit] = true
		}
		prev, prevLit = tok, lit
	}
	if scanErr != nil {
		return nil, scanErr
	}
	if inImport {
		return nil, fmt.Errorf("an import block without its closing parenthesis")
	}
	out := src
	if blockStart >= 0 { // and blockEnd is set: an open block is an error above
		var kept []spec
		for _, sp := range specs {
			if sp.name == "" || used[sp.name] {
				kept = append(kept, sp)
			}
		}
		out = make([]byte, 0, len(src))
		if len(kept) == 0 {
			out = append(out, src[:blockStart]...)
			out = append(out, src[blockEnd:]...)
		} else {
			out = append(out, src[:specs[0].start]...)
			for i, sp := range kept {
				if i > 0 && bytes.Contains(src[kept[i-1].end-1:sp.start], []byte("\n\n")) {
					out = append(out, '\n') // the groups stay apart
				}
				out = append(out, src[sp.start:sp.end]...)
			}
			out = append(out, src[specs[len(specs)-1].end:]...)
		}
	}
	return format.Source(out)
}

// importName is the name a package is imported under without an alias:
// its path's last element, or the one before a major version suffix
// (".../halopsa/v2", "math/rand/v2" is "rand").
func importName(p string) string {
	base := path.Base(p)
	if len(base) > 1 && base[0] == 'v' && strings.Trim(base[1:], "0123456789") == "" {
		if dir := path.Dir(p); dir != "." {
			return path.Base(dir)
		}
	}
	return base
}
