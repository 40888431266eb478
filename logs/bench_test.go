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
			if err := mux.Close(context.Background()); err != nil {
				b.Fatal(err)
			}
		})
	}
}

// BenchmarkMuxPipes is the shape of `make bench`: 4 programs write 1 MB
// at a time into their pipes, Copy reads them, and one stream writes to a
// pipe that a reader drains, with and without a prefix.
func BenchmarkMuxPipes(b *testing.B) {
	const programs, perProgram = 4, 4 << 20
	var block bytes.Buffer
	for i := 0; block.Len() < 1<<20; i++ {
		fmt.Fprintf(&block, "%06d %s\n", i, bytes.Repeat([]byte{'x'}, 20+i*7919%200))
	}
	for _, prefix := range []bool{false, true} {
		b.Run(fmt.Sprintf("prefix=%v", prefix), func(b *testing.B) {
			r, w, err := os.Pipe()
			if err != nil {
				b.Fatal(err)
			}
			drained := make(chan struct{})
			go func() {
				defer close(drained)
				buf := make([]byte, 128<<10)
				for {
					if _, err := r.Read(buf); err != nil {
						return
					}
				}
			}()
			mux := NewMux(w, w, StreamOptions{Prefix: prefix})
			var chans []*Channel
			for p := range programs {
				c, err := OpenChannel(ChannelOptions{Name: fmt.Sprintf("prog%d", p), Channel: "stdout", File: "/dev/stdout", Mux: mux, TailBytes: -1})
				if err != nil {
					b.Fatal(err)
				}
				chans = append(chans, c)
			}
			b.SetBytes(programs * perProgram)
			for b.Loop() {
				var wg sync.WaitGroup
				for _, c := range chans {
					pr, pw, err := os.Pipe()
					if err != nil {
						b.Fatal(err)
					}
					wg.Go(func() {
						defer pr.Close()
						c.Copy(pr)
					})
					wg.Go(func() {
						defer pw.Close()
						for sent := 0; sent < perProgram; sent += block.Len() {
							pw.Write(block.Bytes())
						}
					})
				}
				wg.Wait()
			}
			if err := mux.Close(context.Background()); err != nil {
				b.Fatal(err)
			}
			w.Close()
			<-drained
		})
	}
}
