// The verdict batches that cross from verifier threads/workers to the coordinator as JSON.
// Whatever the reader accepts must survive a round trip through the writer unchanged: the
// coordinator must see exactly what the worker meant.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "reelcheck/report.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace reelcheck;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto verdicts = verdicts_from_json(text);
  if (!verdicts) {
    if (verdicts.error().message.empty()) std::abort();
    return 0;
  }
  const std::string again = verdicts_to_json(*verdicts);
  auto reread = verdicts_from_json(again);
  if (!reread || reread->size() != verdicts->size()) std::abort();
  if (verdicts_to_json(*reread) != again) std::abort();
  return 0;
}
