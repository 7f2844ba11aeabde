// Microbenchmarks of the ownership index's share of a CreateUploadToken
// (governance/ownership_index.h): the max_live_tokens check before the call
// goes upstream, and the record of the new token after it, each at a
// creator holding `live` tokens.
//
// Run: build-bench/bin/bench_ownership_index [--benchmark_filter=...]

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "gateway/governance/ownership_index.h"

namespace {

using ::gateway::governance::Ownership;
using ::gateway::governance::OwnershipIndex;

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

// A token name as long as api.video's ("to" and 22 characters).
std::string TokenName(int i) {
  return absl::StrCat("to1tcmSFHeYY5Kzy", 100000 + i);
}

Ownership LiveFor(absl::Duration lifetime) {
  Ownership ownership;
  ownership.creator = "web";
  ownership.created_at = kNow;
  ownership.ttl_seconds = static_cast<int>(absl::ToInt64Seconds(lifetime));
  ownership.expires_at = kNow + lifetime;
  return ownership;
}

void Fill(OwnershipIndex& index, int live) {
  for (int i = 0; i < live; ++i) {
    index.Record(TokenName(i), LiveFor(absl::Hours(1)), kNow);
  }
}

// The check a create under max_live_tokens makes before it goes upstream,
// with the caller well under its limit.
void BM_ReserveUnderLimit(benchmark::State& state) {
  const int live = static_cast<int>(state.range(0));
  OwnershipIndex index;
  Fill(index, live);
  for (auto _ : state) {
    const bool reserved = index.TryReserveCreate("web", 2 * live + 1, kNow);
    benchmark::DoNotOptimize(reserved);
    index.EndCreate("web");
  }
}
BENCHMARK(BM_ReserveUnderLimit)->Arg(10)->Arg(1000)->Arg(100000);

// Recording a new token and forgetting it again (as a delete would), so
// that the index keeps `live` tokens.
void BM_RecordAndForget(benchmark::State& state) {
  const int live = static_cast<int>(state.range(0));
  OwnershipIndex index;
  Fill(index, live);
  const std::string token = TokenName(live);
  for (auto _ : state) {
    index.Record(token, LiveFor(absl::Hours(1)), kNow);
    index.Forget(token);
  }
}
BENCHMARK(BM_RecordAndForget)->Arg(10)->Arg(1000)->Arg(100000);

}  // namespace

BENCHMARK_MAIN();
