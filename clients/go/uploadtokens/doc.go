// Package uploadtokens is the client of the Upload Token Gateway
// (apivideo.uploadtokens.v1.UploadTokenService), with what every caller would
// otherwise write again: a channel that uses every replica (round_robin), TLS
// or mTLS and the caller's bearer token; a deadline on every call; the
// caller's metadata in and the gateway's (rate limit, cache) out; a
// request_id on every Create so that it can be retried; every page of a
// listing; and the typed details of an error.
//
//	tlsOptions, err := uploadtokens.LoadTLSFiles("ca.pem", "client.pem", "client.key")
//	conn, err := uploadtokens.Dial(uploadtokens.ChannelOptions{
//		Target:      "dns:///upload-token-gateway.upload-tokens:50051",
//		TLS:         tlsOptions,
//		BearerToken: callerToken,
//	})
//	defer conn.Close()
//	client := uploadtokens.NewClient(conn, uploadtokens.ClientOptions{})
//	token, err := client.Create(ctx, &uploadtokenspb.CreateUploadTokenRequest{Ttl: proto.Int32(3600)})
//	if details := uploadtokens.DecodeErrorDetails(err); details != nil { ... }
//
// The generated messages and stub are in package uploadtokenspb.
package uploadtokens
