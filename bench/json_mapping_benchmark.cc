// Microbenchmarks of the gateway's per-call CPU outside gRPC and libcurl:
// api.video JSON -> proto (json_mapping.h), the request bodies and URLs
// (routes.h), and the proto answer's binary serialization.
//
// Run: build-bench/bin/bench_json_mapping [--benchmark_filter=...]

#include <string>

#include "absl/strings/str_cat.h"
#include "apivideo/uploadtokens/v1/upload_tokens.pb.h"
#include "benchmark/benchmark.h"
#include "gateway/apivideo/json_mapping.h"
#include "gateway/apivideo/routes.h"

namespace {

using ::gateway::apivideo::ListQuery;

// A token as api.video (and the emulator) sends it.
std::string TokenJson(int i) {
  return absl::StrCat(R"({"token":"to1tcmSFHeYY5KzyhOq)", 10000 + i,
                      R"(","ttl":3600,"createdAt":"2026-11-28T10:13:19+00:00",)"
                      R"("expiresAt":"2026-11-28T11:13:19+00:00"})");
}

std::string ListJson(int n) {
  std::string out = R"({"data":[)";
  for (int i = 0; i < n; ++i) {
    if (i > 0) out += ",";
    out += TokenJson(i);
  }
  absl::StrAppend(
      &out, R"(],"pagination":{"currentPage":1,"currentPageItems":)", n,
      R"(,"pageSize":100,"pagesTotal":10,"itemsTotal":1000,)"
      R"("links":[{"rel":"self","uri":"/upload-tokens?currentPage=1&pageSize=100"},)"
      R"({"rel":"first","uri":"/upload-tokens?currentPage=1&pageSize=100"},)"
      R"({"rel":"next","uri":"/upload-tokens?currentPage=2&pageSize=100"},)"
      R"({"rel":"last","uri":"/upload-tokens?currentPage=10&pageSize=100"}]}})");
  return out;
}

void BM_ParseUploadToken(benchmark::State& state) {
  const std::string json = TokenJson(0);
  for (auto _ : state) {
    auto token = gateway::apivideo::ParseUploadToken(json);
    if (!token.ok()) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(token);
  }
  state.SetBytesProcessed(state.iterations() * json.size());
}
BENCHMARK(BM_ParseUploadToken);

void BM_ParseTokenList(benchmark::State& state) {
  const std::string json = ListJson(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto list = gateway::apivideo::ParseTokenList(json);
    if (!list.ok()) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(list);
  }
  state.SetBytesProcessed(state.iterations() * json.size());
}
BENCHMARK(BM_ParseTokenList)->Arg(25)->Arg(100);

void BM_ParseProblem(benchmark::State& state) {
  const std::string json =
      R"({"type":"https://docs.api.video/reference/resource-not-found",)"
      R"("title":"The requested resource was not found.","name":"token",)"
      R"("status":404})";
  for (auto _ : state) {
    auto problem = gateway::apivideo::ParseProblem(json);
    benchmark::DoNotOptimize(problem);
  }
}
BENCHMARK(BM_ParseProblem);

void BM_CreateTokenRequestBody(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(gateway::apivideo::CreateTokenRequestBody(3600));
  }
}
BENCHMARK(BM_CreateTokenRequestBody);

void BM_TokenUrl(benchmark::State& state) {
  const std::string base = "http://127.0.0.1:8080";
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        gateway::apivideo::TokenUrl(base, "to1tcmSFHeYY5KzyhOqVKMKb"));
  }
}
BENCHMARK(BM_TokenUrl);

void BM_ListTokensUrl(benchmark::State& state) {
  const std::string base = "http://127.0.0.1:8080";
  ListQuery query;
  query.sort_field = gateway::apivideo::SortField::kCreatedAt;
  query.sort_order = gateway::apivideo::SortOrder::kDescending;
  query.page_size = 100;
  query.current_page = 3;
  for (auto _ : state) {
    benchmark::DoNotOptimize(gateway::apivideo::ListTokensUrl(base, query));
  }
}
BENCHMARK(BM_ListTokensUrl);

// What gRPC does with the answer: serialize the proto.
void BM_SerializeUploadToken(benchmark::State& state) {
  auto token = gateway::apivideo::ParseUploadToken(TokenJson(0));
  for (auto _ : state) {
    std::string out;
    token->SerializeToString(&out);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_SerializeUploadToken);

}  // namespace

BENCHMARK_MAIN();
