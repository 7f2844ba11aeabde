package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

var listeningLine = regexp.MustCompile(`^apivideo_emulator: listening on (https?)://(127\.0\.0\.1:[0-9]+)$`)

// started is an emulator run through run(), as main does.
type started struct {
	baseURL string
	cancel  context.CancelFunc
	done    chan int
}

// startRun runs the emulator with args and waits for its listening line.
func startRun(t *testing.T, args ...string) *started {
	t.Helper()
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	st := &started{cancel: cancel, done: make(chan int, 1)}
	go func() {
		st.done <- run(ctx, args, pw)
		pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	if !lines.Scan() {
		cancel()
		t.Fatalf("no output; exit code %d", <-st.done)
	}
	m := listeningLine.FindStringSubmatch(lines.Text())
	if m == nil || strings.HasSuffix(m[2], ":0") {
		cancel()
		t.Fatalf("first line %q is not the listening line", lines.Text())
	}
	st.baseURL = m[1] + "://" + m[2]
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	t.Cleanup(func() { st.stop(t) })
	return st
}

// stop ends the run as SIGTERM would and returns the exit code.
func (st *started) stop(t *testing.T) int {
	st.cancel()
	select {
	case code := <-st.done:
		st.done <- code
		return code
	case <-time.After(10 * time.Second):
		t.Fatal("emulator did not shut down")
		return -1
	}
}

func TestRunPrintsListeningLineWithRealPortAndServes(t *testing.T) {
	st := startRun(t, "--listen=127.0.0.1:0", "--api_key=k1")
	req, _ := http.NewRequest("POST", st.baseURL+"/upload-tokens", strings.NewReader("{}"))
	req.SetBasicAuth("k1", "")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("status = %d", res.StatusCode)
	}
}

func TestRunExitsZeroOnShutdown(t *testing.T) {
	st := startRun(t, "--listen=127.0.0.1:0", "--api_key=k1")
	if code := st.stop(t); code != 0 {
		t.Errorf("exit code = %d, want 0", code)
	}
}

func TestRunWithoutAPIKeyExits2WithAMessage(t *testing.T) {
	var out strings.Builder
	code := run(context.Background(), []string{"--listen=127.0.0.1:0"}, &out)
	if code != 2 || !strings.Contains(out.String(), "--api_key") {
		t.Errorf("exit %d, output %q", code, out.String())
	}
}

func TestRunRejectsBadFlagsWithExit2(t *testing.T) {
	for _, args := range [][]string{
		{"--api_key=k", "--nope"},
		{"--api_key=k", "--tls_cert=x.pem"},
		{"--api_key=k", "--latency=-1s"},
		{"--api_key="},
		{"--api_key=k", "extra"},
	} {
		if code := run(context.Background(), args, io.Discard); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

func TestRunAcceptsEveryRepeatedAPIKey(t *testing.T) {
	st := startRun(t, "--listen=127.0.0.1:0", "--api_key=k1", "--api_key=k2")
	for _, k := range []string{"k1", "k2"} {
		req, _ := http.NewRequest("GET", st.baseURL+"/upload-tokens", nil)
		req.SetBasicAuth(k, "")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Errorf("key %s: status %d", k, res.StatusCode)
		}
	}
}

func TestLatencyDelaysAPIAnswersButNotControl(t *testing.T) {
	h := newHarness(t, func(c *config) { c.latency = time.Second })
	start := time.Now()
	h.api("GET", "/upload-tokens", "")
	if d := time.Since(start); d < time.Second {
		t.Errorf("API answer after %v, want at least 1s", d)
	}
	start = time.Now()
	h.request("POST", "/auth/api-key", `{"apiKey":"`+testKey+`"}`, "")
	if d := time.Since(start); d < time.Second {
		t.Errorf("auth answer after %v, want at least 1s", d)
	}
	start = time.Now()
	h.control("GET", "/_emulator/stats", "")
	// Without the latency: well under the second the others wait, with room
	// for a loaded machine.
	if d := time.Since(start); d >= 900*time.Millisecond {
		t.Errorf("control answer took %v, as if it had the latency", d)
	}
}

func writeSelfSignedCert(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

func TestTLSServesHTTP2AndHTTP1(t *testing.T) {
	certFile, keyFile, pool := writeSelfSignedCert(t)
	st := startRun(t, "--listen=127.0.0.1:0", "--api_key=k1", "--tls_cert="+certFile, "--tls_key="+keyFile)
	if !strings.HasPrefix(st.baseURL, "https://") {
		t.Fatalf("listening line shows %s, want https", st.baseURL)
	}
	for _, h2 := range []bool{true, false} {
		tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: h2}
		if !h2 {
			tr.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
		}
		req, _ := http.NewRequest("GET", st.baseURL+"/upload-tokens", nil)
		req.SetBasicAuth("k1", "")
		res, err := (&http.Client{Transport: tr}).Do(req)
		if err != nil {
			t.Fatalf("h2=%v: %v", h2, err)
		}
		res.Body.Close()
		wantMajor := 1
		if h2 {
			wantMajor = 2
		}
		if res.StatusCode != 200 || res.ProtoMajor != wantMajor || res.Header.Get("Content-Type") != "application/json" {
			t.Errorf("h2=%v: status %d proto %s content type %q", h2, res.StatusCode, res.Proto, res.Header.Get("Content-Type"))
		}
	}
}

func TestResetFaultsResetHTTP2Streams(t *testing.T) {
	certFile, keyFile, pool := writeSelfSignedCert(t)
	st := startRun(t, "--listen=127.0.0.1:0", "--api_key=k1", "--tls_cert="+certFile, "--tls_key="+keyFile)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}}
	res, err := client.Post(st.baseURL+"/_emulator/faults", "application/json",
		strings.NewReader(`{"path":"/upload-tokens","action":"reset_before"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	req, _ := http.NewRequest("DELETE", st.baseURL+"/upload-tokens", nil)
	if res, err := client.Do(req); err == nil {
		res.Body.Close()
		t.Fatalf("got %d over %s, want a stream reset", res.StatusCode, res.Proto)
	}
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestLogRequestsPrintsOneLinePerRequest(t *testing.T) {
	var out syncBuffer
	h := newHarness(t, func(c *config) { c.logRequests, c.logOutput = true, &out })
	h.request("GET", "/upload-tokens?pageSize=3", "", "")
	h.api("POST", "/upload-tokens", "{}")
	deadline := time.Now().Add(2 * time.Second)
	for strings.Count(out.String(), "\n") < 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "GET /upload-tokens?pageSize=3 401") ||
		!strings.Contains(lines[1], "POST /upload-tokens 200") {
		t.Errorf("log = %q", out.String())
	}
}
