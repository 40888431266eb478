// Command writer is the producer of the bench harness's log-throughput case:
// it writes -mb million bytes of text lines of varying length to stdout as
// fast as the pipe takes them, so the init relaying them is the bottleneck.
// By default it writes 1 MB at a time; with -per-line it makes one write(2)
// per line, as a program with line-buffered output does.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
)

// blockSize is one repetition unit: the output is -mb copies of one block of
// exactly 10^6 bytes that ends on a line boundary, so the byte and line
// totals are known in advance.
const blockSize = 1_000_000

func main() {
	mb := flag.Int("mb", 16, "million bytes to write")
	count := flag.Bool("count", false, "print the number of lines -mb would write, and write nothing")
	perLine := flag.Bool("per-line", false, "one write(2) per line instead of per 1 MB")
	flag.Parse()

	block, lines := makeBlock()
	if *count {
		fmt.Println(lines * *mb)
		return
	}
	for range *mb {
		if err := writeBlock(block, *perLine); err != nil {
			fmt.Fprintf(os.Stderr, "writer: cannot write: %v\n", err)
			os.Exit(1)
		}
	}
}

func writeBlock(block []byte, perLine bool) error {
	if !perLine {
		_, err := os.Stdout.Write(block)
		return err
	}
	for len(block) > 0 {
		n := bytes.IndexByte(block, '\n') + 1
		if _, err := os.Stdout.Write(block[:n]); err != nil {
			return err
		}
		block = block[n:]
	}
	return nil
}

// makeBlock returns blockSize bytes of lines 20..219 bytes long (newline
// included) and how many lines that is. A small linear congruential
// generator varies the lengths deterministically.
func makeBlock() ([]byte, int) {
	block := make([]byte, 0, blockSize)
	lines := 0
	seed := uint32(1)
	for len(block) < blockSize {
		seed = seed*1664525 + 1013904223
		n := 20 + int(seed>>24)%200
		if rest := blockSize - len(block); n > rest || rest-n < 20 {
			n = rest // the last line takes what is left, so the block is exact
		}
		for i := range n - 1 {
			block = append(block, byte('a'+(lines+i)%26))
		}
		block = append(block, '\n')
		lines++
	}
	return block, lines
}
