package logs

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
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

// TestMainLogRotation: supinit's own log file rotates at logfile_maxbytes
// keeping logfile_backups files, the newest lines in the file itself.
func TestMainLogRotation(t *testing.T) {
	const lineLen = 37 // "2024-01-02 03:04:05,678 INFO line NN\n"
	tests := []struct {
		backups, lines int
		want           []int // lines in name, name.1, name.2, name.3 (-1: absent)
	}{
		{2, 2, []int{2, -1, -1, -1}},  // 74 bytes, below 100
		{2, 3, []int{0, 3, -1, -1}},   // 111 ≥ 100: rotated once
		{2, 10, []int{1, 3, 3, -1}},   // the oldest backup is dropped
		{0, 10, []int{1, -1, -1, -1}}, // truncated, no backups
	}
	for _, tt := range tests {
		base := filepath.Join(t.TempDir(), "supervisord.log")
		log, main, err := NewLogger(LoggerOptions{File: base, MaxBytes: 100, Backups: tt.backups, Now: fixedClock})
		if err != nil {
			t.Fatal(err)
		}
		for i := range tt.lines {
			log.Info().Msgf("line %02d", i)
		}
		main.Close()
		next := tt.lines // the line after the newest in the file being read
		for i, n := range tt.want {
			p := base
			if i > 0 {
				p = fmt.Sprintf("%s.%d", base, i)
			}
			got, err := os.ReadFile(p)
			if n < 0 {
				if err == nil {
					t.Errorf("backups=%d lines=%d: %s exists", tt.backups, tt.lines, p)
				}
				continue
			}
			var want strings.Builder
			for k := next - n; k < next; k++ {
				fmt.Fprintf(&want, "2024-01-02 03:04:05,678 INFO line %02d\n", k)
			}
			if want.Len() != n*lineLen || string(got) != want.String() {
				t.Errorf("backups=%d lines=%d: %s = %q, want %q", tt.backups, tt.lines, p, got, want.String())
			}
			next -= n
		}
	}
}

// TestMainLogBackpressure: supinit's log shares stdout with a program
// that keeps the stream's queue full. A reader that is merely slow gets
// every line of the log, in order; a stalled one holds up the logger for
// at most one short wait, and the lines it did not take are counted and
// reported: by a line on stdout once it reads again, else at exit on
// stderr.
func TestMainLogBackpressure(t *testing.T) {
	const lines = 100
	tests := []struct {
		name string
		// read is how the test reads stdout: before and during the
		// logging, and after it (when the logger has returned).
		during, after  func(r *os.File, got *bytes.Buffer)
		wantAll        bool   // every log line arrives
		wantNotice     bool   // stdout says how many lines were dropped
		wantStderrLine string // what Close says on stderr
	}{
		{"slow reader", readSlowly, readSlowly, true, false, ""},
		{"stalled, then read", nil, readSlowly, false, true, ""},
		{"stalled to the end", nil, nil, false, false, "lines of supinit's log were dropped (stdout did not take them)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			outR, outW, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer outR.Close()
			errR, errW, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer errR.Close()
			mux := NewMux(outW, errW, StreamOptions{QueueLen: 4})
			log, _, err := NewLogger(LoggerOptions{File: "/dev/stdout", Mux: mux})
			if err != nil {
				t.Fatal(err)
			}
			flood := mustOpen(t, ChannelOptions{Name: "flood", Channel: "stdout", File: "/dev/stdout", Mux: mux, TailBytes: -1})
			stopFlood := startFlood(t, flood)

			var got bytes.Buffer
			reading := make(chan struct{})
			startReading := func(read func(*os.File, *bytes.Buffer)) {
				go func() {
					defer close(reading)
					read(outR, &got)
				}()
			}
			if tt.during != nil {
				startReading(tt.during)
			} else {
				// Stalled: let the flood fill the pipe and the queue.
				time.Sleep(100 * time.Millisecond)
			}
			start := time.Now()
			for i := range lines {
				log.Info().Msgf("log line %d", i)
				time.Sleep(time.Millisecond)
			}
			if took := time.Since(start); took > lines*time.Millisecond+time.Second {
				t.Errorf("logging %d lines took %v: the logger waited for stdout", lines, took)
			}
			read := tt.during != nil || tt.after != nil
			if tt.during == nil && read {
				startReading(tt.after)
				// The notice comes with the first line once the stream
				// takes lines again: after the writer is unstuck.
				time.Sleep(200 * time.Millisecond)
				log.Info().Msg("reading again")
			}
			// The flood ends first when it can, so that Close has all
			// of it to flush; a stalled stream ends it by closing.
			flooded := stopFlood()
			if read {
				waitFlood(t, flooded)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			mux.Close(ctx)
			waitFlood(t, flooded)
			outW.Close()
			errW.Close()
			if read {
				<-reading
			}
			stderr, _ := io.ReadAll(errR)

			var logged []string
			notice := regexp.MustCompile(`WARN (\d+) lines of supinit's log were dropped \(stdout did not take them\)$`)
			var noticed []string
			for _, l := range strings.Split(got.String(), "\n") {
				if _, text, ok := strings.Cut(l, " INFO "); ok {
					logged = append(logged, text)
				}
				if m := notice.FindStringSubmatch(l); m != nil {
					noticed = append(noticed, m[1])
				}
			}
			if tt.wantAll {
				for i := range lines {
					if i >= len(logged) || logged[i] != fmt.Sprintf("log line %d", i) {
						t.Fatalf("line %d of the log is missing or out of order; got %d lines: %q", i, len(logged), logged)
					}
				}
			}
			if tt.wantNotice {
				if len(noticed) != 1 {
					t.Fatalf("stdout has %d notices of dropped lines, want 1", len(noticed))
				}
				n, _ := strconv.Atoi(noticed[0])
				if arrived := len(logged) - 1; n+arrived != lines { // - "reading again"
					t.Errorf("the notice says %d lines were dropped, %d arrived: want %d in all", n, arrived, lines)
				}
				if last := logged[len(logged)-1]; last != "reading again" {
					t.Errorf("the last line is %q, want the one logged after reading again", last)
				}
			} else if len(noticed) > 0 {
				t.Errorf("stdout has a notice of dropped lines: %q", noticed)
			}
			if !strings.Contains(string(stderr), tt.wantStderrLine) || (tt.wantStderrLine == "" && len(stderr) > 0) {
				t.Errorf("stderr = %q, want %q", stderr, tt.wantStderrLine)
			}
		})
	}
}

// readSlowly reads r 4 KiB at a time with pauses, until EOF.
func readSlowly(r *os.File, got *bytes.Buffer) {
	b := make([]byte, 4<<10)
	for {
		n, err := r.Read(b)
		got.Write(b[:n])
		if err != nil {
			return
		}
		time.Sleep(500 * time.Microsecond)
	}
}

// startFlood has c copy lines as fast as its stream takes them, until
// stop is called; the channel stop returns is closed when Copy returned.
func startFlood(t *testing.T, c *Channel) (stop func() <-chan struct{}) {
	pr, pw := io.Pipe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.Copy(pr)
	}()
	go func() {
		line := []byte(strings.Repeat("f", 99) + "\n")
		block := bytes.Repeat(line, 80)
		for {
			if _, err := pw.Write(block); err != nil {
				return
			}
		}
	}()
	return func() <-chan struct{} {
		pw.Close()
		return done
	}
}

func waitFlood(t *testing.T, done <-chan struct{}) {
	t.Helper()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the flood's copier did not end")
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
