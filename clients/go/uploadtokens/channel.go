package uploadtokens

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
)

// ServiceName is the gRPC name of the gateway's service.
const ServiceName = "apivideo.uploadtokens.v1.UploadTokenService"

// TLSOptions are PEM contents, not file names (LoadTLSFiles reads files).
type TLSOptions struct {
	// The CAs that may sign the gateway's certificate; empty: the system's.
	RootCAsPEM []byte
	// For mTLS (the gateway's --client_ca_file): both or neither.
	ClientCertificatePEM []byte
	ClientKeyPEM         []byte
}

// ChannelOptions say where the gateway is and how to authenticate to it.
type ChannelOptions struct {
	// Where the gateway is: "dns:///upload-token-gateway.ns.svc:50051"
	// (every replica behind a headless Service), "dns://DNS-SERVER/name:port",
	// "host:port" (one address), "unix:///path".
	Target string
	// Plaintext when nil: only for a gateway on the same host.
	TLS *TLSOptions
	// The caller's token (the gateway's --caller_tokens_file), sent as
	// `authorization: Bearer <token>` on every call. Needs TLS: a credential
	// is never sent in clear.
	BearerToken string
	// More options for grpc.Dial, e.g. interceptors; they come after the
	// ones Dial sets, so they may replace them.
	DialOptions []grpc.DialOption
}

// DefaultServiceConfigJSON is the service config every channel of Dial gets:
// round_robin over every address the target resolves to, and up to 3
// attempts of GetUploadToken and ListUploadTokens on UNAVAILABLE (a replica
// gone or restarting). Create, Delete and Purge are not retried by gRPC:
// Client.Create retries with its request_id, which makes a retry safe.
//
// grpc-go before 1.40 (Debian 12 has 1.33) applies the retry policy only
// when the process runs with GRPC_GO_RETRY=on.
func DefaultServiceConfigJSON() string {
	// gRPC's retry policy (gRFC A6). The backoff spans ~0.1 s to 1 s: long
	// enough for a Service's endpoints to drop a replica that went away.
	return `{
  "loadBalancingConfig": [{"round_robin": {}}],
  "methodConfig": [{
    "name": [
      {"service": "` + ServiceName + `", "method": "GetUploadToken"},
      {"service": "` + ServiceName + `", "method": "ListUploadTokens"}
    ],
    "retryPolicy": {
      "maxAttempts": 3,
      "initialBackoff": "0.1s",
      "maxBackoff": "1s",
      "backoffMultiplier": 2,
      "retryableStatusCodes": ["UNAVAILABLE"]
    }
  }]
}`
}

// Dial makes a channel to options.Target with grpc.Dial: it does not wait
// for a connection, so an unreachable gateway fails the first call
// (UNAVAILABLE), not Dial. It fails on options that cannot make a channel
// (no target, half a client certificate, a token without TLS, bad PEM).
// Close the connection when done.
func Dial(options ChannelOptions) (*grpc.ClientConn, error) {
	dialOptions, err := options.grpcDialOptions()
	if err != nil {
		return nil, err
	}
	// grpc.Dial is in every grpc-go 1.x; grpc.NewClient (1.63+), which
	// deprecates it, is not in Debian 12's 1.33. Both parse "dns:///" alike.
	return grpc.Dial(options.Target, dialOptions...)
}

func (options ChannelOptions) grpcDialOptions() ([]grpc.DialOption, error) {
	if options.Target == "" {
		return nil, errors.New("uploadtokens: the channel needs a target")
	}
	var dialOptions []grpc.DialOption
	if options.TLS != nil {
		config, err := options.TLS.config()
		if err != nil {
			return nil, err
		}
		dialOptions = append(dialOptions,
			grpc.WithTransportCredentials(credentials.NewTLS(config)))
		if options.BearerToken != "" {
			dialOptions = append(dialOptions,
				grpc.WithPerRPCCredentials(bearerToken(options.BearerToken)))
		}
	} else {
		if options.BearerToken != "" {
			return nil, errors.New(
				"uploadtokens: a bearer token is sent only over TLS: set ChannelOptions.TLS")
		}
		// Deprecated since grpc-go 1.43 for insecure.NewCredentials(), which
		// 1.33 lacks; "supported throughout 1.x".
		dialOptions = append(dialOptions, grpc.WithInsecure())
	}
	dialOptions = append(dialOptions,
		grpc.WithDefaultServiceConfig(DefaultServiceConfigJSON()),
		// A service config published in DNS TXT records must not replace ours.
		grpc.WithDisableServiceConfig())
	return append(dialOptions, options.DialOptions...), nil
}

func (t *TLSOptions) config() (*tls.Config, error) {
	config := &tls.Config{MinVersion: tls.VersionTLS12}
	if len(t.RootCAsPEM) > 0 {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(t.RootCAsPEM) {
			return nil, errors.New("uploadtokens: no certificate in TLSOptions.RootCAsPEM")
		}
		config.RootCAs = pool
	}
	if (len(t.ClientCertificatePEM) == 0) != (len(t.ClientKeyPEM) == 0) {
		return nil, errors.New(
			"uploadtokens: mTLS needs both the client certificate and its private key")
	}
	if len(t.ClientCertificatePEM) > 0 {
		pair, err := tls.X509KeyPair(t.ClientCertificatePEM, t.ClientKeyPEM)
		if err != nil {
			return nil, fmt.Errorf("uploadtokens: client certificate: %w", err)
		}
		config.Certificates = []tls.Certificate{pair}
	}
	return config, nil
}

// LoadTLSFiles reads TLSOptions from PEM files: the CA file (empty name: the
// system's CAs) and, for mTLS, the client certificate and key (both or
// neither empty).
func LoadTLSFiles(caFile, certificateFile, keyFile string) (*TLSOptions, error) {
	options := &TLSOptions{}
	for _, file := range []struct {
		name string
		to   *[]byte
	}{{caFile, &options.RootCAsPEM}, {certificateFile, &options.ClientCertificatePEM},
		{keyFile, &options.ClientKeyPEM}} {
		if file.name == "" {
			continue
		}
		contents, err := os.ReadFile(file.name)
		if err != nil {
			return nil, fmt.Errorf("uploadtokens: %w", err)
		}
		*file.to = contents
	}
	return options, nil
}

// bearerToken sends `authorization: Bearer <token>` on every call, and only
// over a secure transport.
type bearerToken string

func (t bearerToken) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{"authorization": "Bearer " + string(t)}, nil
}

func (bearerToken) RequireTransportSecurity() bool { return true }
