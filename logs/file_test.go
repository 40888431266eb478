package logs

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func fileSizes(t *testing.T, base string, n int) []int64 {
	t.Helper()
	var sizes []int64
	for i := range n {
		p := base
		if i > 0 {
			p = fmt.Sprintf("%s.%d", base, i)
		}
		st, err := os.Stat(p)
		if err != nil {
			sizes = append(sizes, -1)
			continue
		}
		sizes = append(sizes, st.Size())
	}
	return sizes
}

// TestRotation: a write that reaches maxbytes rotates name → name.1 …,
// keeping `backups` files; backups=0 truncates.
func TestRotation(t *testing.T) {
	line := strings.Repeat("x", 29) + "\n" // 30 bytes
	tests := []struct {
		backups int
		lines   int
		want    []int64 // sizes of name, name.1, name.2, name.3 (-1: absent)
	}{
		{2, 3, []int64{90, -1, -1, -1}},   // below 100
		{2, 4, []int64{0, 120, -1, -1}},   // 120 ≥ 100: rotated once
		{2, 9, []int64{30, 120, 120, -1}}, // the oldest backup is dropped
		{0, 9, []int64{30, -1, -1, -1}},   // truncated, no backups
	}
	for _, tt := range tests {
		base := filepath.Join(t.TempDir(), "app.log")
		c := mustOpen(t, ChannelOptions{Name: "app", Channel: "stdout", File: base, MaxBytes: 100, Backups: tt.backups})
		for range tt.lines {
			// One line per read, as a program writing slowly would.
			if err := c.Copy(strings.NewReader(line)); err != nil {
				t.Fatal(err)
			}
		}
		if got := fileSizes(t, base, 4); fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("backups=%d lines=%d: sizes %v, want %v", tt.backups, tt.lines, got, tt.want)
		}
	}
}

func TestRotationKeepsOrder(t *testing.T) {
	base := filepath.Join(t.TempDir(), "app.log")
	c := mustOpen(t, ChannelOptions{Name: "app", Channel: "stdout", File: base, MaxBytes: 10, Backups: 3})
	for i := range 5 {
		c.Copy(strings.NewReader(fmt.Sprintf("line %04d\n", i))) // 10 bytes: one rotation each
	}
	for i, want := range []string{"", "line 0004\n", "line 0003\n", "line 0002\n"} {
		p := base
		if i > 0 {
			p = fmt.Sprintf("%s.%d", base, i)
		}
		if got, _ := os.ReadFile(p); string(got) != want {
			t.Errorf("%s = %q, want %q", p, got, want)
		}
	}
}

// TestReopenAfterRename: logrotate renames the file away; Reopen starts a
// new one at the path.
func TestReopenAfterRename(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "app.log")
	c := mustOpen(t, ChannelOptions{Name: "app", Channel: "stdout", File: base})
	c.Copy(strings.NewReader("old\n"))
	if err := os.Rename(base, base+".rotated"); err != nil {
		t.Fatal(err)
	}
	if err := c.Reopen(); err != nil {
		t.Fatal(err)
	}
	c.Copy(strings.NewReader("new\n"))
	if got, _ := os.ReadFile(base); string(got) != "new\n" {
		t.Errorf("new file = %q", got)
	}
	if got, _ := os.ReadFile(base + ".rotated"); string(got) != "old\n" {
		t.Errorf("renamed file = %q", got)
	}
}

func TestAppendsToExistingFile(t *testing.T) {
	base := filepath.Join(t.TempDir(), "app.log")
	os.WriteFile(base, []byte("before\n"), 0o644)
	c := mustOpen(t, ChannelOptions{Name: "app", Channel: "stdout", File: base})
	c.Copy(strings.NewReader("after\n"))
	if got, _ := os.ReadFile(base); string(got) != "before\nafter\n" {
		t.Errorf("file = %q", got)
	}
}

func TestClear(t *testing.T) {
	base := filepath.Join(t.TempDir(), "app.log")
	c := mustOpen(t, ChannelOptions{Name: "app", Channel: "stdout", File: base})
	c.Copy(strings.NewReader("one\n"))
	if err := c.Clear(); err != nil {
		t.Fatal(err)
	}
	c.Copy(strings.NewReader("two\n"))
	if got, _ := c.ReadFile(0, 0); string(got) != "two\n" {
		t.Errorf("after Clear the file holds %q", got)
	}

	mem := mustOpen(t, ChannelOptions{Name: "app", Channel: "stdout"})
	mem.Copy(strings.NewReader("one\n"))
	mem.Clear()
	if got, size, _, _ := mem.TailFile(0, 100); len(got) != 0 || size != 0 {
		t.Errorf("after Clear the tail holds %q, size %d", got, size)
	}
	none := mustOpen(t, ChannelOptions{Name: "app", Channel: "stdout", File: "NONE", TailBytes: -1})
	if err := none.Clear(); err != ErrNoFile {
		t.Errorf("Clear without a log = %v, want ErrNoFile", err)
	}
}

func TestAutoPathAndCleanup(t *testing.T) {
	dir := t.TempDir()
	p, err := AutoPath(dir, "web", "stdout", "supervisor")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^web-stdout---supervisor-[a-z0-9_]{8}\.log$`).MatchString(filepath.Base(p)) {
		t.Errorf("AUTO name %q", filepath.Base(p))
	}
	st, err := os.Stat(p)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("AUTO file mode %v, %v; want 0600", st.Mode(), err)
	}
	p2, _ := AutoPath(dir, "web", "stdout", "supervisor")
	if p2 == p {
		t.Error("two AUTO files got one name")
	}

	// An AUTO channel writes to its file and reports it as its path.
	c := mustOpen(t, ChannelOptions{Name: "db", Channel: "stderr", File: "auto", ChildLogDir: dir, Identifier: "supervisor"})
	c.Copy(strings.NewReader("hi\n"))
	if got, _ := os.ReadFile(c.Path()); string(got) != "hi\n" || !strings.HasPrefix(filepath.Base(c.Path()), "db-stderr---supervisor-") {
		t.Errorf("AUTO channel path %q holds %q", c.Path(), got)
	}

	keep := []string{"web-stdout---other-abcdefgh.log", "notes.txt", "web-stdout-supervisor-abcdefgh.log", "---supervisor-x.log"}
	remove := []string{"x-stderr---supervisor-abcdefgh.log.1", "x-stderr---supervisor-abcdefgh.log.10", "a---supervisor-b.log"}
	for _, n := range append(keep, remove...) {
		os.WriteFile(filepath.Join(dir, n), nil, 0o600)
	}
	if err := CleanAuto(dir, "supervisor"); err != nil {
		t.Fatal(err)
	}
	for _, n := range keep {
		if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
			t.Errorf("%s was removed", n)
		}
	}
	for _, n := range append(remove, filepath.Base(p), filepath.Base(p2), filepath.Base(c.Path())) {
		if _, err := os.Stat(filepath.Join(dir, n)); err == nil {
			t.Errorf("%s was kept", n)
		}
	}
}

func TestAutoPatternQuotesIdentifier(t *testing.T) {
	re := autoPattern("a.b")
	if re.MatchString("x---aXb-abc.log") || !re.MatchString("x---a.b-abc.log") {
		t.Error("the identifier is not matched literally")
	}
}

func TestStripANSI(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain\n", "plain\n"},
		{"\x1b[31mred\x1b[0m\n", "red\n"},
		{"\x1b[1;32;40mbold\x1b[m", "bold"},
		{"a\x1b[2Kb\x1b[10;20Hc", "abc"},
		{"\x1b]0;title\x07text", "text"},
		{"\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "link"},
		{"\x1b(Bx\x1b=y", "xy"},
		{"cut \x1b[3", "cut "},
		{"lone \x1b", "lone "},
		{"bad \x1b[\x01x", "bad \x01x"},
	}
	for _, tt := range tests {
		if got := string(StripANSI([]byte(tt.in))); got != tt.want {
			t.Errorf("StripANSI(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestStripANSIChannel(t *testing.T) {
	mux, out, _ := testMux(StreamOptions{}, false)
	c := mustOpen(t, ChannelOptions{Name: "a", Channel: "stdout", File: "/dev/stdout", Mux: mux, StripANSI: true})
	c.Copy(strings.NewReader("\x1b[32mok\x1b[0m\n"))
	closeMux(t, mux)
	if got := out.bytes(); !bytes.Equal(got, []byte("ok\n")) {
		t.Errorf("stream got %q", got)
	}
	if got, _ := c.ReadFile(0, 0); string(got) != "ok\n" {
		t.Errorf("tail got %q", got)
	}
}
