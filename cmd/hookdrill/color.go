package main

import (
	"bytes"
	"io"
	"regexp"
)

// colorWriter colours the verdict words that start a text report's lines
// (PASS green, FAIL/FAILED/ERROR red, SKIP/INCONCLUSIVE/BLOCKED yellow).
// It is only ever put in front of a terminal (--color): never a file, JSON
// or JUnit.
type colorWriter struct {
	w       io.Writer
	midLine bool
}

var reVerdict = regexp.MustCompile(`(?m)^(\s*)(PASSED|PASS|FAILED|FAIL|ERROR|SKIP|INCONCLUSIVE|BLOCKED)\b`)

var verdictColor = map[string]string{
	"PASS": "32", "PASSED": "32",
	"FAIL": "31", "FAILED": "31", "ERROR": "31",
	"SKIP": "33", "INCONCLUSIVE": "33", "BLOCKED": "33",
}

func (c *colorWriter) Write(p []byte) (int, error) {
	s := p
	prefix := []byte(nil)
	if c.midLine {
		// The rest of a line begun by an earlier Write: no verdict here.
		i := bytes.IndexByte(s, '\n')
		if i < 0 {
			_, err := c.w.Write(s)
			return len(p), err
		}
		prefix, s = s[:i+1], s[i+1:]
	}
	out := reVerdict.ReplaceAllFunc(s, func(m []byte) []byte {
		sub := reVerdict.FindSubmatch(m)
		word := string(sub[2])
		return append(append([]byte{}, sub[1]...), "\x1b["+verdictColor[word]+"m"+word+"\x1b[0m"...)
	})
	buf := append(prefix, out...)
	if _, err := c.w.Write(buf); err != nil {
		return 0, err
	}
	c.midLine = len(p) > 0 && p[len(p)-1] != '\n'
	return len(p), nil
}

// reportWriter is w, coloured when the report is text going to the
// terminal and colour is on.
func reportWriter(w io.Writer, env *environ, format, outPath string) io.Writer {
	if env.color && format == "text" && outPath == "" {
		return &colorWriter{w: w}
	}
	return w
}
