// The descriptors the gateway describes over server reflection, built into
// the binary.
//
// At build time protoc writes a FileDescriptorSet (--include_imports
// --include_source_info) of upload_tokens.proto, grpc.health.v1,
// grpc.reflection.v1 and v1alpha, and google.rpc's status and error details;
// cmake/EmbedFile.cmake turns its bytes into the generated definition of
// EmbeddedDescriptorSet(). See gateway/reflection/CMakeLists.txt.

#ifndef GATEWAY_REFLECTION_EMBEDDED_DESCRIPTOR_SET_H_
#define GATEWAY_REFLECTION_EMBEDDED_DESCRIPTOR_SET_H_

#include "absl/strings/string_view.h"

namespace gateway::reflection {

// The serialized google.protobuf.FileDescriptorSet, every file preceded by
// its imports, with source code info (so comments are kept). The bytes are
// static: valid for the whole life of the process.
absl::string_view EmbeddedDescriptorSet();

}  // namespace gateway::reflection

#endif  // GATEWAY_REFLECTION_EMBEDDED_DESCRIPTOR_SET_H_
