package uploadtokens

import (
	"crypto/rand"
	"fmt"
)

// NewRequestID returns a random (version 4) UUID in its 36-character text
// form, e.g. "1b4e28ba-2fa1-41d2-883f-0016d3cca427", for
// CreateUploadTokenRequest.RequestId (AIP-155): the gateway answers a
// repeated request_id with the first call's token instead of creating a
// second one.
func NewRequestID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		// crypto/rand does not fail on the systems Go supports.
		panic("uploadtokens: no randomness for a request_id: " + err.Error())
	}
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // variant 10 (RFC 4122)
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
