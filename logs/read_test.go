package logs

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

const forty = "0123456789abcdefghijklmnopqrstuvwxyzABCD" // 40 bytes

// Each semantic is checked on a file and on a tail buffer holding the
// same 40 bytes.
func readSources(t *testing.T) map[string]*Channel {
	file := mustOpen(t, ChannelOptions{Name: "f", Channel: "stdout", File: filepath.Join(t.TempDir(), "f.log")})
	mem := mustOpen(t, ChannelOptions{Name: "m", Channel: "stdout", TailBytes: 64})
	for _, c := range []*Channel{file, mem} {
		c.Copy(strings.NewReader(forty))
	}
	return map[string]*Channel{"file": file, "tail": mem}
}

func TestReadFileSemantics(t *testing.T) {
	tests := []struct {
		offset, length int64
		want           string
		err            error
	}{
		{-15, 0, forty[25:], nil},
		{-100, 0, forty, nil},
		{-5, 3, "", ErrBadArguments},
		{0, -1, "", ErrBadArguments},
		{0, 0, forty, nil},
		{10, 0, forty[10:], nil},
		{10, 5, forty[10:15], nil},
		{38, 10, forty[38:], nil},
		{100, 0, "", nil},
		{100, 5, "", nil},
	}
	for name, c := range readSources(t) {
		for _, tt := range tests {
			got, err := c.ReadFile(tt.offset, tt.length)
			if string(got) != tt.want || !errors.Is(err, tt.err) {
				t.Errorf("%s: ReadFile(%d, %d) = %q, %v; want %q, %v", name, tt.offset, tt.length, got, err, tt.want, tt.err)
			}
		}
	}
}

func TestTailFileSemantics(t *testing.T) {
	tests := []struct {
		offset, length int64
		want           string
		size           int64
		overflow       bool
	}{
		{0, 15, forty[25:], 40, true}, // verified against supervisord
		{100, 15, "", 40, false},      // verified against supervisord
		{30, 15, forty[25:], 40, false},
		{40, 15, "", 40, false},
		{25, 15, forty[25:], 40, false},
		{0, 40, forty, 40, false},
		{0, 100, forty, 40, false},
		{10, 5, forty[35:], 40, true},
		{0, 0, "", 40, true},
	}
	for name, c := range readSources(t) {
		for _, tt := range tests {
			got, size, overflow, err := c.TailFile(tt.offset, tt.length)
			if err != nil || string(got) != tt.want || size != tt.size || overflow != tt.overflow {
				t.Errorf("%s: TailFile(%d, %d) = %q, %d, %v, %v; want %q, %d, %v", name, tt.offset, tt.length,
					got, size, overflow, err, tt.want, tt.size, tt.overflow)
			}
		}
	}
}

func TestNoLog(t *testing.T) {
	none := mustOpen(t, ChannelOptions{Name: "n", Channel: "stdout", File: "none", TailBytes: -1})
	if _, err := none.ReadFile(0, 0); !errors.Is(err, ErrNoFile) {
		t.Errorf("ReadFile without a log: %v", err)
	}
	if _, _, _, err := none.TailFile(0, 10); !errors.Is(err, ErrNoFile) {
		t.Errorf("TailFile without a log: %v", err)
	}
	path := filepath.Join(t.TempDir(), "gone.log")
	gone := mustOpen(t, ChannelOptions{Name: "g", Channel: "stdout", File: path})
	os.Remove(path)
	if _, err := gone.ReadFile(0, 0); !errors.Is(err, ErrNoFile) {
		t.Errorf("ReadFile of a removed file: %v", err)
	}
}

// TestTailBufferBounds: the buffer keeps the last TailBytes bytes, and
// offsets count every byte written.
func TestTailBufferBounds(t *testing.T) {
	c := mustOpen(t, ChannelOptions{Name: "m", Channel: "stdout", TailBytes: 10})
	c.Copy(strings.NewReader("0123456789abcdefghijklmno")) // 25 bytes, one write
	c.Copy(strings.NewReader("pq"))
	c.Copy(strings.NewReader("rst"))
	all := "0123456789abcdefghijklmnopqrst" // 30
	checks := []struct {
		offset, length int64
		want           string
	}{
		{0, 0, all[20:]},
		{-4, 0, all[26:]},
		{-50, 0, all[20:]},
		{22, 3, all[22:25]},
		{5, 20, all[20:25]},
	}
	for _, ck := range checks {
		if got, err := c.ReadFile(ck.offset, ck.length); err != nil || string(got) != ck.want {
			t.Errorf("ReadFile(%d, %d) = %q, %v; want %q", ck.offset, ck.length, got, err, ck.want)
		}
	}
	if got, size, overflow, _ := c.TailFile(0, 1600); string(got) != all[20:] || size != 30 || overflow {
		t.Errorf("TailFile(0, 1600) = %q, %d, %v", got, size, overflow)
	}
}

func TestRingWrap(t *testing.T) {
	r := newRing(4)
	var all string
	for _, p := range []string{"a", "bc", "def", "", "ghijk", "l"} {
		r.write([]byte(p))
		all += p
		held := all[max(0, len(all)-4):]
		if got := string(r.readAt(0, 100)); got != held {
			t.Fatalf("after %q: ring holds %q, want %q", p, got, held)
		}
	}
}

func readFollow(t *testing.T, ch <-chan []byte) string {
	t.Helper()
	select {
	case b := <-ch:
		return string(b)
	case <-time.After(5 * time.Second):
		t.Fatal("no delivery")
	}
	return ""
}

// TestFollow: the backlog first, then every new write, no gap; a slow
// reader loses bytes and is told; cancel and Close end the subscription.
func TestFollow(t *testing.T) {
	for name, c := range readSources(t) {
		ch, cancel := c.Follow()
		if got := readFollow(t, ch); got != forty {
			t.Errorf("%s: backlog %q", name, got)
		}
		c.Copy(strings.NewReader("new\n"))
		if got := readFollow(t, ch); got != "new\n" {
			t.Errorf("%s: delivered %q", name, got)
		}
		cancel()
		if _, ok := <-ch; ok {
			t.Errorf("%s: channel open after cancel", name)
		}
		cancel() // twice is fine
	}

	big := mustOpen(t, ChannelOptions{Name: "b", Channel: "stdout"})
	big.Copy(strings.NewReader(strings.Repeat("x", 5000)))
	ch, _ := big.Follow()
	if got := readFollow(t, ch); len(got) != FollowBacklog {
		t.Errorf("backlog of %d bytes, want %d", len(got), FollowBacklog)
	}

	c := mustOpen(t, ChannelOptions{Name: "m", Channel: "stdout"})
	ch, _ = c.Follow()
	if got := readFollow(t, ch); got != "" {
		t.Errorf("backlog of an empty log: %q", got)
	}
	for range followBuffer + 5 { // nobody reads: the last five are dropped
		c.Copy(strings.NewReader("x\n"))
	}
	for range followBuffer {
		<-ch
	}
	c.Copy(strings.NewReader("y\n"))
	if got := readFollow(t, ch); got != "\n==> supinit: 10 bytes dropped, reader too slow <==\ny\n" {
		t.Errorf("after drops: %q", got)
	}
	c.Close()
	if _, ok := <-ch; ok {
		t.Error("channel open after Close")
	}
}

// TestHugeLengthAllocatesLittle: a client asking for gigabytes of a small
// log gets what there is, and PID 1 does not allocate what it asked for.
func TestHugeLengthAllocatesLittle(t *testing.T) {
	const huge = 1 << 30
	tests := []struct {
		name string
		read func(c *Channel) ([]byte, error)
		want string
	}{
		{"readLog from 0", func(c *Channel) ([]byte, error) { return c.ReadFile(0, huge) }, forty},
		{"readLog from 30", func(c *Channel) ([]byte, error) { return c.ReadFile(30, huge) }, forty[30:]},
		{"readLog the last bytes", func(c *Channel) ([]byte, error) { return c.ReadFile(-huge, 0) }, forty},
		{"tailFile", func(c *Channel) ([]byte, error) {
			b, _, _, err := c.TailFile(0, huge)
			return b, err
		}, forty},
	}
	for name, c := range readSources(t) {
		for _, tt := range tests {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			got, err := tt.read(c)
			runtime.ReadMemStats(&after)
			if err != nil || string(got) != tt.want {
				t.Errorf("%s: %s = %q, %v; want %q", name, tt.name, got, err, tt.want)
			}
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
				t.Errorf("%s: %s allocated %d MiB", name, tt.name, grew>>20)
			}
		}
	}
}
