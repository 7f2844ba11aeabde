#include "gateway/reflection/descriptor_index.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.pb.h"

namespace gateway::reflection {

using ::google::protobuf::Descriptor;
using ::google::protobuf::FieldDescriptor;
using ::google::protobuf::FileDescriptor;
using ::google::protobuf::FileDescriptorProto;
using ::google::protobuf::FileDescriptorSet;

void DescriptorIndex::ErrorCollector::AddError(
    const std::string& filename, const std::string& element_name,
    const google::protobuf::Message* descriptor, ErrorLocation location,
    const std::string& message) {
  absl::StrAppend(&errors, errors.empty() ? "" : "; ", filename, ": ",
                  element_name, ": ", message);
}

absl::StatusOr<std::unique_ptr<DescriptorIndex>> DescriptorIndex::Create(
    absl::string_view serialized_set) {
  FileDescriptorSet set;
  if (!set.ParseFromArray(serialized_set.data(),
                          static_cast<int>(serialized_set.size()))) {
    return absl::InvalidArgumentError(
        "the descriptor set is not a serialized FileDescriptorSet");
  }
  std::unique_ptr<DescriptorIndex> index(new DescriptorIndex());
  for (const FileDescriptorProto& file : set.file()) {
    if (!index->serialized_files_.emplace(file.name(), file.SerializeAsString())
             .second ||
        !index->database_.Add(file)) {
      return absl::InvalidArgumentError(
          absl::StrCat("the descriptor set holds \"", file.name(),
                       "\" twice or names a ", "symbol twice"));
    }
  }
  // Load every file now: a broken set fails here, not on some client's
  // request, and afterwards lookups never build anything.
  for (const FileDescriptorProto& file : set.file()) {
    if (index->pool_.FindFileByName(file.name()) == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("the descriptor set does not build at \"", file.name(),
                       "\": ", index->build_errors_.errors));
    }
  }
  return index;
}

absl::StatusOr<DescriptorIndex::Files> DescriptorIndex::FileByFilename(
    absl::string_view filename) const {
  const FileDescriptor* file = pool_.FindFileByName(std::string(filename));
  if (file == nullptr) {
    return absl::NotFoundError(absl::StrCat("file not found: ", filename));
  }
  return WithDependencies(*file);
}

absl::StatusOr<DescriptorIndex::Files> DescriptorIndex::FileContainingSymbol(
    absl::string_view symbol) const {
  const FileDescriptor* file =
      pool_.FindFileContainingSymbol(std::string(symbol));
  if (file == nullptr) {
    return absl::NotFoundError(absl::StrCat("symbol not found: ", symbol));
  }
  return WithDependencies(*file);
}

absl::StatusOr<DescriptorIndex::Files> DescriptorIndex::FileContainingExtension(
    absl::string_view containing_type, int number) const {
  const Descriptor* type =
      pool_.FindMessageTypeByName(std::string(containing_type));
  if (type == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("message type not found: ", containing_type));
  }
  const FieldDescriptor* extension = pool_.FindExtensionByNumber(type, number);
  if (extension == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("extension not found: ", containing_type, " ", number));
  }
  return WithDependencies(*extension->file());
}

absl::StatusOr<std::vector<int>> DescriptorIndex::ExtensionNumbers(
    absl::string_view containing_type) const {
  const Descriptor* type =
      pool_.FindMessageTypeByName(std::string(containing_type));
  if (type == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("message type not found: ", containing_type));
  }
  std::vector<const FieldDescriptor*> extensions;
  pool_.FindAllExtensions(type, &extensions);
  std::vector<int> numbers;
  numbers.reserve(extensions.size());
  for (const FieldDescriptor* extension : extensions) {
    numbers.push_back(extension->number());
  }
  std::sort(numbers.begin(), numbers.end());
  return numbers;
}

DescriptorIndex::Files DescriptorIndex::WithDependencies(
    const FileDescriptor& file) const {
  Files files;
  absl::flat_hash_set<absl::string_view> seen;
  // Depth first, the file before its dependencies, as gRPC's own reflection
  // service orders them; clients take the first file as the answer.
  std::vector<const FileDescriptor*> pending = {&file};
  while (!pending.empty()) {
    const FileDescriptor* next = pending.back();
    pending.pop_back();
    if (!seen.insert(next->name()).second) continue;
    // Every file of the pool came from the set, so it is in the map.
    files.push_back(serialized_files_.at(next->name()));
    for (int i = next->dependency_count() - 1; i >= 0; --i) {
      pending.push_back(next->dependency(i));
    }
  }
  return files;
}

}  // namespace gateway::reflection
