// Command writer is the program the end-to-end output tests supervise: it
// writes output whose every byte the test can check.
//
//	writer lines ID N   N numbered lines of varying length, then "ID END N"
//	writer long N       one line of N pattern bytes
//	writer tick D [err] "tick K" every D (on stderr with err) until killed
//
// The tests build it at test time; it is not part of supinit.
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

// pattern is the alphabet repeated: a payload of length L for line seq
// is pattern[seq%26 : seq%26+L]. The test checks lines against it.
var pattern = func() []byte {
	b := make([]byte, 8192)
	for i := range b {
		b[i] = 'a' + byte(i%26)
	}
	return b
}()

// lineLen varies the line length: mostly 0..120 bytes, and every 997th
// line several KiB, more than a pipe writes atomically (PIPE_BUF).
func lineLen(seq int) int {
	if seq%997 == 996 {
		return 4000 + seq%4000
	}
	return (seq * 7919) % 121
}

func main() {
	if len(os.Args) < 3 {
		fail("usage: writer lines ID N | long N | tick DURATION [err]")
	}
	var err error
	switch os.Args[1] {
	case "lines":
		err = lines(os.Args[2], atoi(os.Args[3]))
	case "long":
		err = long(atoi(os.Args[2]))
	case "tick":
		err = tick(os.Args[2], len(os.Args) > 3 && os.Args[3] == "err")
	default:
		fail("unknown mode " + os.Args[1])
	}
	if err != nil {
		fail(err.Error())
	}
}

// lines writes whole lines only, batched up to 8 KiB per write(2), as a
// line-buffered program does: no write ends inside a line, but a write
// longer than PIPE_BUF may still reach supinit in several reads.
func lines(id string, n int) error {
	buf := make([]byte, 0, 16<<10)
	for seq := range n {
		if len(buf) > 8<<10 {
			if _, err := os.Stdout.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
		buf = fmt.Appendf(buf, "%s %d ", id, seq)
		buf = append(buf, pattern[seq%26:seq%26+lineLen(seq)]...)
		buf = append(buf, '\n')
	}
	buf = fmt.Appendf(buf, "%s END %d\n", id, n)
	_, err := os.Stdout.Write(buf)
	return err
}

// long writes one line of n bytes, byte i being 'a'+i%26, in one write.
func long(n int) error {
	b := make([]byte, n+1)
	for i := range n {
		b[i] = 'a' + byte(i%26)
	}
	b[n] = '\n'
	_, err := os.Stdout.Write(b)
	return err
}

func tick(interval string, toStderr bool) error {
	d, err := time.ParseDuration(interval)
	if err != nil {
		return err
	}
	out := os.Stdout
	if toStderr {
		out = os.Stderr
	}
	for k := 0; ; k++ {
		if _, err := fmt.Fprintf(out, "tick %d\n", k); err != nil {
			return err
		}
		time.Sleep(d)
	}
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		fail(err.Error())
	}
	return n
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "writer:", msg)
	os.Exit(2)
}
