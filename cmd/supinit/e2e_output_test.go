package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/supinit/supinit/internal/pid1test"
)

// End-to-end tests of the output path (issue 4): supinit as PID 1, its
// fd 1 and 2 on pipes or sockets, programs writing through it. Also in
// e2e_output_files_test.go (log files), e2e_output_backpressure_test.go,
// e2e_output_mainlog_test.go; harness: e2e_helpers_test.go and
// e2e_capture_test.go; checks: e2e_output_check_test.go; the program
// they run: testdata/output/writer.

// e2eQuiet is a [supervisord] section that keeps supinit's own log off
// the container streams, so they carry the programs' output only.
func e2eQuiet(dir string) string {
	return fmt.Sprintf("[supervisord]\nlogfile=%s/supinit.log\nsilent=true\n", dir)
}

// e2eLogOnStderr puts supinit's own log on stderr only: the tests wait
// for its "exited:" lines while stdout carries the programs' output.
const e2eLogOnStderr = "[supervisord]\nlogfile=/dev/stderr\nlogfile_maxbytes=0\nsilent=true\n"

// waitExited waits until supinit's log on stderr says each program exited.
func waitExited(t *testing.T, s *supinitPID1, timeout time.Duration, names ...string) {
	t.Helper()
	for _, n := range names {
		s.Stderr.waitContains(t, "supinit's log", "exited: "+n+" (", timeout)
	}
}

// TestE2EContainerStreamPaths: every spelling of "supinit's fd 1 or 2"
// reaches that fd, also when it is a socket (which cannot be opened by
// path), and is never rotated although maxbytes is small.
func TestE2EContainerStreamPaths(t *testing.T) {
	type prog struct{ name, stdout, stderr string }
	progs := []prog{
		{"dev", "/dev/stdout", "/dev/stderr"},
		{"fd", "/dev/fd/1", "/dev/fd/2"},
		{"self", "/proc/self/fd/1", "/proc/self/fd/2"},
		{"pid1", "/proc/1/fd/1", "/proc/1/fd/2"},
		{"swapped", "/dev/stderr", "/dev/fd/1"}, // stdout → fd 2, stderr → fd 1
		{"link", "access.log", "error.log"},     // symlinks, as in the nginx image
	}
	for _, transport := range []string{"pipe", "socket"} {
		t.Run(transport, func(t *testing.T) {
			dir := t.TempDir()
			for _, l := range [][2]string{{"access.log", "/dev/stdout"}, {"error.log", "/dev/stderr"}} {
				if err := os.Symlink(l[1], filepath.Join(dir, l[0])); err != nil {
					t.Fatal(err)
				}
			}
			conf := e2eQuiet(dir)
			for _, p := range progs {
				conf += fmt.Sprintf(`
[program:%[1]s]
command=/bin/sh -c 'i=0; while [ $i -lt 40 ]; do echo "%[1]s out $i"; echo "%[1]s err $i" >&2; i=$((i+1)); done'
autorestart=false
startsecs=0
stdout_logfile=%[2]s
stdout_logfile_maxbytes=100
stdout_logfile_backups=2
stderr_logfile=%[3]s
stderr_logfile_maxbytes=100
stderr_logfile_backups=2
`, p.name, inDir(dir, p.stdout), inDir(dir, p.stderr))
			}
			writeFile(t, dir, "supervisord.conf", conf)
			var streams e2eStreams
			var out, errs *capture
			if transport == "socket" {
				streams.stdout, out = socketStream(t)
				streams.stderr, errs = socketStream(t)
			}
			s := startSupinit(t, dir, streams, "-c", "supervisord.conf")
			streams.stdout.Close() // supinit has its own copy (nil-safe)
			streams.stderr.Close()
			if out == nil {
				out, errs = s.Stdout, s.Stderr
			}
			fd := map[string]*capture{"1": out, "2": errs}
			want := map[*capture][]string{}
			for _, p := range progs {
				outFD, errFD := "1", "2"
				if p.name == "swapped" {
					outFD, errFD = "2", "1"
				}
				for i := range 40 {
					want[fd[outFD]] = append(want[fd[outFD]], fmt.Sprintf("%s out %d", p.name, i))
					want[fd[errFD]] = append(want[fd[errFD]], fmt.Sprintf("%s err %d", p.name, i))
				}
			}
			for c, lines := range want {
				c.waitFor(10*time.Second, func(b []byte, _ bool) bool { return hasAll(b, lines) })
			}
			s.stop(10 * time.Second)
			for c, lines := range want {
				checkLinesInOrder(t, withoutWarnings(c.Bytes()), lines)
			}
			for _, p := range []string{"/dev/stdout.1", "/dev/stderr.1", "/dev/fd/1.1", "/proc/self/fd/1.1",
				filepath.Join(dir, "access.log.1"), filepath.Join(dir, "error.log.1")} {
				if _, err := os.Lstat(p); err == nil {
					t.Errorf("%s exists: a container stream was rotated", p)
				}
			}
			if fi, err := os.Lstat(filepath.Join(dir, "access.log")); err != nil || fi.Mode()&os.ModeSymlink == 0 {
				t.Errorf("access.log is no longer a symlink to /dev/stdout (%v)", err)
			}
		})
	}
}

// TestE2EManyWritersOneStream: 8 programs write 100 000 lines each of
// varying length to supinit's stdout at once; every line arrives whole,
// each program's in its order, with and without --prefix.
func TestE2EManyWritersOneStream(t *testing.T) {
	const programs, lines = 8, 100_000
	for _, prefix := range []bool{false, true} {
		t.Run(fmt.Sprintf("prefix=%v", prefix), func(t *testing.T) {
			dir := t.TempDir()
			conf := e2eLogOnStderr
			var names []string
			for i := range programs {
				name := fmt.Sprintf("w%d", i)
				names = append(names, name)
				conf += fmt.Sprintf("\n[program:%s]\ncommand=%s lines %s %d\nautorestart=false\nstartsecs=0\n"+
					"stdout_logfile=/dev/stdout\nstdout_logfile_maxbytes=0\n", name, writer(t), name, lines)
			}
			writeFile(t, dir, "supervisord.conf", conf)
			args := []string{"-c", "supervisord.conf"}
			if prefix {
				args = append(args, "--prefix")
			}
			s := startSupinit(t, dir, e2eStreams{}, args...)
			waitExited(t, s, 30*time.Second, names...)
			s.stop(10 * time.Second)
			checkNumbered(t, s.Stdout.Bytes(), names, lines, prefix)
		})
	}
}

// TestE2EBinaryPassesUnchanged: without --prefix the bytes a program
// writes reach stdout unchanged: any byte value, a run of 100 KiB with no
// newline (cut into pieces and joined again), no newline at the end (the
// partial last line is flushed when the program exits).
func TestE2EBinaryPassesUnchanged(t *testing.T) {
	dir := t.TempDir()
	r := rand.New(rand.NewPCG(1, 2))
	data := make([]byte, 300<<10)
	for i := range data {
		data[i] = byte(r.IntN(256))
	}
	noNewline := data[100<<10 : 200<<10]
	for i := range noNewline {
		if noNewline[i] == '\n' {
			noNewline[i] = 'x'
		}
	}
	data[len(data)-1] = 'z'
	if err := os.WriteFile(filepath.Join(dir, "data.bin"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "supervisord.conf", e2eLogOnStderr+`
[program:bin]
command=/bin/cat data.bin
directory=`+dir+`
autorestart=false
startsecs=0
stdout_logfile=/dev/stdout
stdout_logfile_maxbytes=0
`)
	s := startSupinit(t, dir, e2eStreams{}, "-c", "supervisord.conf")
	waitExited(t, s, 10*time.Second, "bin")
	s.stop(10 * time.Second)
	if got := s.Stdout.Bytes(); !bytes.Equal(got, data) {
		i := 0
		for i < len(got) && i < len(data) && got[i] == data[i] {
			i++
		}
		t.Errorf("stdout differs from what the program wrote: %d bytes, want %d; first difference at byte %d", len(got), len(data), i)
	}
}

// TestE2EPartialLines, with --prefix: a partial last line is flushed
// when its program exits; a prompt without a newline shows after the
// idle time while the program waits; a 1 MiB line arrives cut into whole
// pieces of at most 64 KiB, each on its own prefixed line.
func TestE2EPartialLines(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "supervisord.conf", e2eLogOnStderr+`
[program:partial]
command=/usr/bin/printf 'last words, no newline'
autorestart=false
startsecs=0
stdout_logfile=/dev/stdout
stdout_logfile_maxbytes=0

[program:prompt]
command=/bin/sh -c 'printf "password: "; exec sleep 600'
stdout_logfile=/dev/stdout
stdout_logfile_maxbytes=0

[program:long]
command=`+writer(t)+` long 1048576
autorestart=false
startsecs=0
stdout_logfile=/dev/stdout
stdout_logfile_maxbytes=0
`)
	s := startSupinit(t, dir, e2eStreams{}, "-c", "supervisord.conf", "--prefix")
	s.Stdout.waitContains(t, "stdout", " | password: \n", 5*time.Second)
	waitExited(t, s, 10*time.Second, "partial", "long")
	s.stop(10 * time.Second)

	var long [][]byte
	sawPartial := false
	for _, line := range bytes.SplitAfter(s.Stdout.Bytes(), []byte("\n")) {
		label, text, _ := bytes.Cut(line, []byte(" | "))
		switch string(bytes.TrimRight(label, " ")) {
		case "partial":
			sawPartial = sawPartial || string(text) == "last words, no newline\n"
		case "long":
			long = append(long, bytes.TrimSuffix(text, []byte("\n")))
		}
	}
	if !sawPartial {
		t.Errorf("the partial last line did not arrive; stdout:\n%s", tail(s.Stdout.Bytes()))
	}
	var joined []byte
	for i, piece := range long {
		if len(piece) > 64<<10 {
			t.Errorf("piece %d of the long line is %d bytes, more than 64 KiB", i, len(piece))
		}
		joined = append(joined, piece...)
	}
	want := make([]byte, 1<<20)
	for i := range want {
		want[i] = 'a' + byte(i%26)
	}
	if !bytes.Equal(joined, want) {
		t.Errorf("the 1 MiB line's %d pieces do not join into it (%d bytes, want %d)", len(long), len(joined), len(want))
	}
}

// TestE2EStripANSI: with strip_ansi, escape sequences are gone from the
// container stream and from log files alike.
func TestE2EStripANSI(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "supervisord.conf", e2eQuiet(dir)+`strip_ansi=true

[program:colour]
command=/usr/bin/printf '\033[1;31mred\033[0m and \033]0;title\007plain\n'
autorestart=false
startsecs=0
stdout_logfile=/dev/stdout
stdout_logfile_maxbytes=0
stderr_logfile=NONE

[program:tofile]
command=/usr/bin/printf '\033[32mgreen\033[0m\n'
autorestart=false
startsecs=0
stdout_logfile=`+dir+`/tofile.log
`)
	s := startSupinit(t, dir, e2eStreams{}, "-c", "supervisord.conf")
	s.Stdout.waitContains(t, "stdout", "plain\n", 5*time.Second)
	if !pid1test.Eventually(5*time.Second, func() bool { return fileHas(dir+"/tofile.log", "green") }) {
		t.Errorf("tofile.log never held the line")
	}
	s.stop(10 * time.Second)
	if got := s.Stdout.String(); got != "red and plain\n" {
		t.Errorf("stdout = %q, want %q", got, "red and plain\n")
	}
	if b, _ := os.ReadFile(dir + "/tofile.log"); string(b) != "green\n" {
		t.Errorf("tofile.log = %q, want %q", b, "green\n")
	}
}

// TestE2EStdoutIsStderr: supinit's stdout and stderr are one pipe, as
// with `2>&1` or a terminal (`docker run -t`). Lines of 20 000 bytes, far
// more than a pipe writes atomically, written by one program to stdout
// and by another to stderr and read slowly, arrive whole.
func TestE2EStdoutIsStderr(t *testing.T) {
	const lines, lineLen = 200, 20_000
	dir := t.TempDir()
	// A line of lineLen letters $1, lines times.
	writeFile(t, dir, "long.sh", fmt.Sprintf("yes \"$(head -c %d /dev/zero | tr '\\0' \"$1\")\" | head -n %d\n", lineLen, lines))
	writeFile(t, dir, "supervisord.conf", e2eQuiet(dir)+`
[program:a]
command=/bin/sh long.sh a
directory=`+dir+`
autorestart=false
startsecs=0
stdout_logfile=/dev/stdout
stdout_logfile_maxbytes=0

[program:b]
command=/bin/sh long.sh b
directory=`+dir+`
autorestart=false
startsecs=0
stdout_logfile=/dev/stderr
stdout_logfile_maxbytes=0
`)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	out := newCapture()
	go out.readFrom(r, 4<<10, func() { time.Sleep(200 * time.Microsecond) })
	s := startSupinit(t, dir, e2eStreams{stdout: w, stderr: w}, "-c", "supervisord.conf")
	w.Close()
	const total = 2 * lines * (lineLen + 1)
	out.waitFor(30*time.Second, func(b []byte, _ bool) bool { return len(b) >= total })
	s.stop(10 * time.Second)
	out.waitEOF(t, "the pipe", 5*time.Second)

	got := map[byte]int{}
	for i, line := range bytes.SplitAfter(out.Bytes(), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		if len(line) != lineLen+1 || bytes.Count(line, line[:1]) != lineLen {
			t.Fatalf("line %d is torn: %d bytes, %.20q...%.20q", i, len(line), line, line[max(0, len(line)-20):])
		}
		got[line[0]]++
	}
	if got['a'] != lines || got['b'] != lines {
		t.Errorf("whole lines: %d of a, %d of b; want %d of each", got['a'], got['b'], lines)
	}
}
