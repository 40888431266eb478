package logs

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
)

// BenchmarkMux measures aggregate throughput of 4 programs' lines (about
// 80 bytes each, read 4 KiB at a time as from a pipe) through Copy and one
// stream into /dev/null, with and without a prefix.
func BenchmarkMux(b *testing.B) {
	const programs = 4
	var data bytes.Buffer
	for i := range 10_000 {
		fmt.Fprintf(&data, "%06d %s\n", i, bytes.Repeat([]byte{'x'}, 40+i%80))
	}
	for _, prefix := range []bool{false, true} {
		b.Run(fmt.Sprintf("prefix=%v", prefix), func(b *testing.B) {
			null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
			if err != nil {
				b.Fatal(err)
			}
			defer null.Close()
			mux := NewMux(null, null, StreamOptions{Prefix: prefix})
			var chans []*Channel
			for p := range programs {
				c, err := OpenChannel(ChannelOptions{Name: fmt.Sprintf("prog%d", p), Channel: "stdout", File: "/dev/stdout", Mux: mux})
				if err != nil {
					b.Fatal(err)
				}
				chans = append(chans, c)
			}
			b.SetBytes(int64(programs * data.Len()))
			for b.Loop() {
				var wg sync.WaitGroup
				for _, c := range chans {
					wg.Go(func() { c.Copy(&chunkReader{data: data.Bytes(), sizes: []int{4096}}) })
				}
				wg.Wait()
			}
			if _, err := mux.Close(context.Background()); err != nil {
				b.Fatal(err)
			}
		})
	}
}
