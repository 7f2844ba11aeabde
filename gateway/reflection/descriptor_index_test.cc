#include "gateway/reflection/descriptor_index.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gateway/reflection/embedded_descriptor_set.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace gateway::reflection {
namespace {

using ::google::protobuf::FileDescriptorProto;
using ::google::protobuf::FileDescriptorSet;
using ::testing::ElementsAre;

// b.proto imports a.proto.
constexpr char kSet[] = R"pb(
  file {
    name: "a.proto"
    package: "a"
    message_type { name: "A" }
  }
  file {
    name: "b.proto"
    package: "b"
    dependency: "a.proto"
    message_type {
      name: "B"
      field {
        name: "a"
        number: 1
        label: LABEL_OPTIONAL
        type: TYPE_MESSAGE
        type_name: ".a.A"
      }
    }
  }
)pb";

FileDescriptorSet ParseSet() {
  FileDescriptorSet set;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(kSet, &set));
  return set;
}

std::vector<std::string> Names(const DescriptorIndex::Files& files) {
  std::vector<std::string> names;
  for (absl::string_view bytes : files) {
    FileDescriptorProto file;
    EXPECT_TRUE(file.ParseFromArray(bytes.data(), bytes.size()));
    names.push_back(file.name());
  }
  return names;
}

TEST(DescriptorIndexTest, AcceptsFilesInAnyOrder) {
  FileDescriptorSet set = ParseSet();
  set.mutable_file()->SwapElements(0, 1);
  auto index = DescriptorIndex::Create(set.SerializeAsString());
  ASSERT_TRUE(index.ok()) << index.status();
  auto files = (*index)->FileContainingSymbol("b.B.a");
  ASSERT_TRUE(files.ok()) << files.status();
  EXPECT_THAT(Names(*files), ElementsAre("b.proto", "a.proto"));
}

TEST(DescriptorIndexTest, ServesTheFilesAsGiven) {
  FileDescriptorSet set = ParseSet();
  set.mutable_file(0)
      ->mutable_source_code_info()
      ->add_location()
      ->set_leading_comments(" kept ");
  auto index = DescriptorIndex::Create(set.SerializeAsString());
  ASSERT_TRUE(index.ok()) << index.status();
  auto files = (*index)->FileByFilename("a.proto");
  ASSERT_TRUE(files.ok()) << files.status();
  ASSERT_EQ(files->size(), 1u);
  EXPECT_EQ((*files)[0], set.file(0).SerializeAsString());
}

TEST(DescriptorIndexTest, RejectsGarbage) {
  auto index = DescriptorIndex::Create("not a descriptor set \xff");
  ASSERT_FALSE(index.ok());
  EXPECT_EQ(index.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(DescriptorIndexTest, RejectsAMissingImport) {
  FileDescriptorSet set = ParseSet();
  set.mutable_file()->DeleteSubrange(0, 1);
  auto index = DescriptorIndex::Create(set.SerializeAsString());
  ASSERT_FALSE(index.ok());
  EXPECT_EQ(index.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(index.status().message(), ::testing::HasSubstr("b.proto"));
}

TEST(DescriptorIndexTest, RejectsAFileGivenTwice) {
  FileDescriptorSet set = ParseSet();
  *set.add_file() = set.file(0);
  EXPECT_FALSE(DescriptorIndex::Create(set.SerializeAsString()).ok());
}

TEST(DescriptorIndexTest, EmbeddedSetBuilds) {
  auto index = DescriptorIndex::Create(EmbeddedDescriptorSet());
  ASSERT_TRUE(index.ok()) << index.status();
  EXPECT_NE((*index)->pool().FindServiceByName(
                "apivideo.uploadtokens.v1.UploadTokenService"),
            nullptr);
}

}  // namespace
}  // namespace gateway::reflection
