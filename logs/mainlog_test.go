package logs

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

func fixedClock() time.Time {
	return time.Date(2024, 1, 2, 3, 4, 5, 678_000_000, time.UTC)
}

func TestParseLevel(t *testing.T) {
	tests := []struct {
		name string
		want zerolog.Level
		ok   bool
	}{
		{"critical", zerolog.FatalLevel, true},
		{"error", zerolog.ErrorLevel, true},
		{"warn", zerolog.WarnLevel, true},
		{"INFO", zerolog.InfoLevel, true},
		{"", zerolog.InfoLevel, true},
		{"debug", zerolog.DebugLevel, true},
		{"trace", zerolog.TraceLevel, true},
		{"blather", zerolog.TraceLevel, true},
		{"warning", zerolog.NoLevel, false},
		{"verbose", zerolog.NoLevel, false},
	}
	for _, tt := range tests {
		got, err := ParseLevel(tt.name)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("ParseLevel(%q) = %v, %v", tt.name, got, err)
		}
	}
}

func TestMainLogText(t *testing.T) {
	mux, out, _ := testMux(StreamOptions{}, false)
	log, main, err := NewLogger(LoggerOptions{File: "/dev/stdout", Level: "debug", Mux: mux, Now: fixedClock})
	if err != nil {
		t.Fatal(err)
	}
	log.Info().Msg("supervisord started with pid 1")
	log.Info().Str("program", "web").Int("pid", 42).Msg("spawned: 'web' with pid 42")
	log.Warn().Str("reason", "exit status 1").Bool("expected", false).Msg("exited: web")
	log.Error().Err(os.ErrNotExist).Msg("cannot open")
	Crit(&log).Msg("critical")
	log.Debug().Msg("debug")
	log.Trace().Msg("not shown at debug")
	want := "2024-01-02 03:04:05,678 INFO supervisord started with pid 1\n" +
		"2024-01-02 03:04:05,678 INFO spawned: 'web' with pid 42 program=web pid=42\n" +
		"2024-01-02 03:04:05,678 WARN exited: web reason=\"exit status 1\" expected=false\n" +
		"2024-01-02 03:04:05,678 ERRO cannot open error=\"file does not exist\"\n" +
		"2024-01-02 03:04:05,678 CRIT critical\n" +
		"2024-01-02 03:04:05,678 DEBG debug\n"
	out.waitFor(t, "the log", func(b []byte) bool { return len(b) >= len(want) })
	if got := string(out.bytes()); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// The tail answers readLog.
	if got, _ := main.ReadFile(0, 0); string(got) != want {
		t.Errorf("readLog = %q", got)
	}
}

func TestMainLogLevels(t *testing.T) {
	for _, tt := range []struct {
		level string
		shown []string
	}{
		{"critical", []string{"CRIT"}},
		{"error", []string{"CRIT", "ERRO"}},
		{"warn", []string{"CRIT", "ERRO", "WARN"}},
		{"info", []string{"CRIT", "ERRO", "WARN", "INFO"}},
		{"trace", []string{"CRIT", "ERRO", "WARN", "INFO", "DEBG", "TRAC"}},
		{"blather", []string{"CRIT", "ERRO", "WARN", "INFO", "DEBG", "TRAC"}},
	} {
		log, main, err := NewLogger(LoggerOptions{Level: tt.level, Now: fixedClock})
		if err != nil {
			t.Fatal(err)
		}
		Crit(&log).Msg("m")
		log.Error().Msg("m")
		log.Warn().Msg("m")
		log.Info().Msg("m")
		log.Debug().Msg("m")
		log.Trace().Msg("m")
		got, _ := main.ReadFile(0, 0)
		var tags []string
		for _, l := range strings.Split(strings.TrimSpace(string(got)), "\n") {
			tags = append(tags, strings.Fields(l)[2])
		}
		if strings.Join(tags, " ") != strings.Join(tt.shown, " ") {
			t.Errorf("loglevel=%s shows %v, want %v", tt.level, tags, tt.shown)
		}
	}
}

func TestMainLogJSON(t *testing.T) {
	log, main, err := NewLogger(LoggerOptions{JSON: true, Now: fixedClock})
	if err != nil {
		t.Fatal(err)
	}
	Crit(&log).Str("program", "db").Msg("gave up")
	log.Info().Msg("hi")
	log.Log().Send()
	got, _ := main.ReadFile(0, 0)
	want := `{"time":"2024-01-02T03:04:05.678Z","level":"critical","program":"db","message":"gave up"}` + "\n" +
		`{"time":"2024-01-02T03:04:05.678Z","level":"info","message":"hi"}` + "\n" +
		`{"time":"2024-01-02T03:04:05.678Z"}` + "\n"
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestMainLogDestinations: a file plus the echo to stdout; /dev/stdout
// with the echo is written once; no echo when silent.
func TestMainLogDestinations(t *testing.T) {
	path := filepath.Join(t.TempDir(), "supervisord.log")
	tests := []struct {
		file       string
		echo       bool
		stdoutHits int
		fileHits   int
	}{
		{path, true, 1, 1},
		{path, false, 0, 1},
		{"/dev/stdout", true, 1, 0},
		{"/dev/stderr", true, 1, 0},
		{"", true, 1, 0},
	}
	for _, tt := range tests {
		os.Remove(path)
		mux, out, errOut := testMux(StreamOptions{}, false)
		log, main, err := NewLogger(LoggerOptions{File: tt.file, Echo: tt.echo, Mux: mux, Now: fixedClock})
		if err != nil {
			t.Fatal(err)
		}
		log.Info().Msg("hello")
		closeMux(t, mux)
		main.Close()
		fileData, _ := os.ReadFile(path)
		if n := bytes.Count(out.bytes(), []byte("hello")); n != tt.stdoutHits {
			t.Errorf("%s echo=%v: stdout has %d lines, want %d", tt.file, tt.echo, n, tt.stdoutHits)
		}
		if n := bytes.Count(fileData, []byte("hello")); n != tt.fileHits {
			t.Errorf("%s echo=%v: file has %d lines, want %d", tt.file, tt.echo, n, tt.fileHits)
		}
		if tt.file == "/dev/stderr" && !bytes.Contains(errOut.bytes(), []byte("hello")) {
			t.Errorf("/dev/stderr: not on stderr")
		}
	}
}

// TestMainLogNeverWaits: with stdout stuck and its queue full, logging
// returns at once and the line is counted as dropped.
func TestMainLogNeverWaits(t *testing.T) {
	outR, outW, _ := os.Pipe()
	defer outR.Close()
	mux := NewMux(outW, os.Stderr, StreamOptions{QueueLen: 1})
	log, main, err := NewLogger(LoggerOptions{File: "/dev/stdout", Mux: mux})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		big := strings.Repeat("x", 4096)
		for range 200 { // 800 KiB: far beyond the pipe and the queue
			log.Info().Msg(big)
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the logger waited for a stuck stdout")
	}
	if mux.Stdout.Dropped() == 0 {
		t.Error("nothing counted as dropped")
	}
	if got, _ := main.ReadFile(-10, 0); len(got) != 10 {
		t.Errorf("the tail has %q", got)
	}
}

func TestSyslog(t *testing.T) {
	addr := filepath.Join(t.TempDir(), "log")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: addr, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	c := mustOpen(t, ChannelOptions{Name: "web", Channel: "stdout", File: "syslog", syslogAddr: addr})
	c.Copy(strings.NewReader("one\n\ntwo\n"))
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 1024)
	for _, want := range []string{"one", "two"} {
		n, err := conn.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		msg := string(buf[:n])
		if !strings.HasPrefix(msg, "<14>") || !strings.HasSuffix(msg, " web: "+want) {
			t.Errorf("datagram %q, want <14>TIMESTAMP web: %s", msg, want)
		}
	}
	// SYSLOG keeps a tail, as there is no file.
	if got, _ := c.ReadFile(0, 0); string(got) != "one\n\ntwo\n" {
		t.Errorf("tail %q", got)
	}
}

func TestSyslogMissingWarnsOnce(t *testing.T) {
	var warnings bytes.Buffer
	c := mustOpen(t, ChannelOptions{Name: "web", Channel: "stdout", Syslog: true,
		syslogAddr: filepath.Join(t.TempDir(), "nothing"), Log: zerolog.New(&warnings)})
	for range 3 {
		c.Copy(strings.NewReader("line\n"))
	}
	if n := strings.Count(warnings.String(), "\n"); n != 1 {
		t.Errorf("%d warnings, want 1: %s", n, warnings.String())
	}
}

func TestMainLogSyslogAndBadLevel(t *testing.T) {
	if _, _, err := NewLogger(LoggerOptions{Level: "loud"}); err == nil {
		t.Error("a bad level was accepted")
	}
	addr := filepath.Join(t.TempDir(), "log")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: addr, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	log, _, err := NewLogger(LoggerOptions{File: "SYSLOG", syslogAddr: addr, Now: fixedClock})
	if err != nil {
		t.Fatal(err)
	}
	log.Info().Msg("up")
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 1024)
	n, err := conn.Read(buf)
	if err != nil || !strings.HasSuffix(string(buf[:n]), " supinit: 2024-01-02 03:04:05,678 INFO up") {
		t.Errorf("datagram %q, %v", buf[:n], err)
	}
}
