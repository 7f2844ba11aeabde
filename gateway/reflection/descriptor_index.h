// The lookups of server reflection, over a FileDescriptorSet.
//
// A DescriptorIndex holds the files of a serialized FileDescriptorSet exactly
// as they were given (source code info, and so comments, included) and a
// DescriptorPool built from them, and answers "which files describe this
// name, symbol or extension" with the file found first, then its transitive
// dependencies, each file once, as serialized FileDescriptorProtos ready to
// be sent.
//
// Example:
//   absl::StatusOr<std::unique_ptr<DescriptorIndex>> index =
//       DescriptorIndex::Create(serialized_set);
//   absl::StatusOr<DescriptorIndex::Files> files =
//       (*index)->FileContainingSymbol("pkg.Service.Method");
//
// Thread-safe: every method is const and the pool is fully built by Create.

#ifndef GATEWAY_REFLECTION_DESCRIPTOR_INDEX_H_
#define GATEWAY_REFLECTION_DESCRIPTOR_INDEX_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor_database.h"

namespace gateway::reflection {

class DescriptorIndex {
 public:
  // Serialized FileDescriptorProtos; they point into the index, which must
  // outlive them.
  using Files = std::vector<absl::string_view>;

  // Builds the index of `serialized_set`, a serialized
  // google.protobuf.FileDescriptorSet holding every file it refers to (as
  // protoc --include_imports writes it), in any order. INVALID_ARGUMENT if it
  // does not parse, names a file twice, or its files do not form a valid
  // pool (a missing import, an unknown type, ...).
  static absl::StatusOr<std::unique_ptr<DescriptorIndex>> Create(
      absl::string_view serialized_set);

  DescriptorIndex(const DescriptorIndex&) = delete;
  DescriptorIndex& operator=(const DescriptorIndex&) = delete;

  // The file named `filename` (e.g. "grpc/health/v1/health.proto") and its
  // dependencies. NOT_FOUND if there is no such file.
  absl::StatusOr<Files> FileByFilename(absl::string_view filename) const;

  // The file declaring `symbol`, a fully-qualified name without a leading
  // dot: a message, enum, enum value, service, method, field, oneof or
  // extension; and that file's dependencies. NOT_FOUND if nothing has that
  // name.
  absl::StatusOr<Files> FileContainingSymbol(absl::string_view symbol) const;

  // The file declaring the extension numbered `number` of the message type
  // `containing_type` (fully qualified), and its dependencies. NOT_FOUND if
  // there is no such type or no such extension.
  absl::StatusOr<Files> FileContainingExtension(
      absl::string_view containing_type, int number) const;

  // The numbers of every extension of the message type `containing_type`
  // known to the index, in ascending order. NOT_FOUND if there is no such
  // message type.
  absl::StatusOr<std::vector<int>> ExtensionNumbers(
      absl::string_view containing_type) const;

  // The pool built from the set, for callers that need the descriptors.
  const google::protobuf::DescriptorPool& pool() const { return pool_; }

 private:
  DescriptorIndex() = default;

  // `file` and its transitive dependencies, depth first, each once.
  Files WithDependencies(const google::protobuf::FileDescriptor& file) const;

  // Keeps the pool's complaints about the set, for Create's error.
  class ErrorCollector final
      : public google::protobuf::DescriptorPool::ErrorCollector {
   public:
    void AddError(const std::string& filename, const std::string& element_name,
                  const google::protobuf::Message* descriptor,
                  ErrorLocation location, const std::string& message) override;
    std::string errors;
  };

  // What the pool is built from, on demand; every file is loaded by Create.
  google::protobuf::SimpleDescriptorDatabase database_;
  ErrorCollector build_errors_;
  google::protobuf::DescriptorPool pool_{&database_, &build_errors_};
  // File name -> the file as it was given, serialized.
  absl::flat_hash_map<std::string, std::string> serialized_files_;
};

}  // namespace gateway::reflection

#endif  // GATEWAY_REFLECTION_DESCRIPTOR_INDEX_H_
