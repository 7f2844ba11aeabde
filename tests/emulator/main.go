// Command apivideo_emulator emulates api.video's upload-token and auth
// endpoints for tests and benchmarks. See README.md.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stderr)
	stop()
	os.Exit(code)
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }

func (l *stringList) Set(v string) error {
	if v == "" {
		return errors.New("must not be empty")
	}
	*l = append(*l, v)
	return nil
}

// run parses args, serves until ctx ends, and returns the exit code: 0 after
// a clean shutdown, 2 for bad flags, 1 when serving fails.
func run(ctx context.Context, args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("apivideo_emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: apivideo_emulator --api_key=KEY [flags]\n\n"+
			"Emulates api.video's /upload-tokens and /auth endpoints; test controls live under /_emulator/.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	var apiKeys stringList
	listen := fs.String("listen", "127.0.0.1:8080", "`HOST:PORT` to listen on; port 0 picks a free port (the listening line shows it)")
	fs.Var(&apiKeys, "api_key", "an accepted API `KEY` (repeat the flag for several; at least one is required)")
	tlsCert := fs.String("tls_cert", "", "PEM certificate `FILE`; with --tls_key, serve HTTPS (HTTP/2 via ALPN and HTTP/1.1)")
	tlsKey := fs.String("tls_key", "", "PEM private key `FILE` for --tls_cert")
	latency := fs.Duration("latency", 0, "how long every /upload-tokens and /auth answer waits first (e.g. 100ms)")
	reads := fs.Int64("rate_limit_reads", 1000000, "read requests (GET) allowed per rate-limit window")
	writes := fs.Int64("rate_limit_writes", 1000000, "write requests (POST, DELETE) allowed per rate-limit window")
	window := fs.Duration("rate_limit_window", 60*time.Second, "length of the fixed rate-limit windows")
	accessTTL := fs.Duration("access_token_ttl", 3600*time.Second, "lifetime of bearer access tokens issued by /auth (expires_in shows it in seconds)")
	clockOffset := fs.Duration("clock_offset", 0, "start the emulator's clock this far from the real one; negative: in the past (e.g. -10m, so that tokens created at once are already ten minutes old)")
	logRequests := fs.Bool("log_requests", false, "print one line per request on stderr")

	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	usageErr := func(msg string) int {
		fmt.Fprintf(stderr, "apivideo_emulator: %s (see -h)\n", msg)
		return 2
	}
	switch {
	case fs.NArg() > 0:
		return usageErr("unexpected arguments: " + strings.Join(fs.Args(), " "))
	case len(apiKeys) == 0:
		return usageErr("at least one --api_key is required")
	case (*tlsCert == "") != (*tlsKey == ""):
		return usageErr("--tls_cert and --tls_key go together")
	case *latency < 0:
		return usageErr("--latency must not be negative")
	case *reads < 0 || *writes < 0:
		return usageErr("--rate_limit_reads and --rate_limit_writes must not be negative")
	case *window < time.Millisecond:
		return usageErr("--rate_limit_window must be at least 1ms")
	case *accessTTL < time.Second:
		return usageErr("--access_token_ttl must be at least 1s")
	case *clockOffset < -maxClockOffset || *clockOffset > maxClockOffset:
		return usageErr("--clock_offset must be within 100 years")
	}

	var tlsConfig *tls.Config
	if *tlsCert != "" {
		cert, err := tls.LoadX509KeyPair(*tlsCert, *tlsKey)
		if err != nil {
			return usageErr("cannot load the TLS key pair: " + err.Error())
		}
		tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"h2", "http/1.1"}}
	}

	s := newServer(config{
		apiKeys:         apiKeys,
		latency:         *latency,
		rateLimitReads:  *reads,
		rateLimitWrites: *writes,
		rateLimitWindow: *window,
		accessTokenTTL:  *accessTTL,
		clockOffset:     *clockOffset,
		logRequests:     *logRequests,
		logOutput:       stderr,
	})

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintf(stderr, "apivideo_emulator: %v\n", err)
		return 1
	}
	srv := &http.Server{
		Handler:           s,
		TLSConfig:         tlsConfig,
		ReadHeaderTimeout: 30 * time.Second,
		IdleTimeout:       5 * time.Minute,
		ErrorLog:          log.New(stderr, "apivideo_emulator: ", log.LstdFlags),
	}
	scheme := "http"
	if tlsConfig != nil {
		scheme = "https"
	}
	fmt.Fprintf(stderr, "apivideo_emulator: listening on %s://%s\n", scheme, ln.Addr())

	janitorCtx, stopJanitor := context.WithCancel(ctx)
	defer stopJanitor()
	go s.runJanitor(janitorCtx)

	served := make(chan error, 1)
	go func() {
		if tlsConfig != nil {
			served <- srv.ServeTLS(ln, "", "")
		} else {
			served <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-served:
		fmt.Fprintf(stderr, "apivideo_emulator: %v\n", err)
		return 1
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		_ = srv.Close()
	}
	return 0
}
