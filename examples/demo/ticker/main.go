// ticker is the demo's tiny Go program: it prints a numbered line every
// interval (and every fifth one on stderr), and says goodbye on SIGTERM so
// the demo shows a graceful stop.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	every := flag.Duration("every", time.Second, "time between lines")
	flag.Parse()

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	tick := time.NewTicker(*every)
	defer tick.Stop()

	fmt.Printf("ticker: started as pid %d\n", os.Getpid())
	for n := 1; ; n++ {
		select {
		case sig := <-stop:
			fmt.Printf("ticker: got %v after %d ticks, exiting cleanly\n", sig, n-1)
			return
		case <-tick.C:
			if n%5 == 0 {
				fmt.Fprintf(os.Stderr, "ticker: tick %d (on stderr)\n", n)
			} else {
				fmt.Printf("ticker: tick %d\n", n)
			}
		}
	}
}
