#include <algorithm>
#include <map>

#include "archive/entry_name.hpp"
#include "bundle/inner_archive_name.hpp"
#include "reelcheck/reel_inputs.hpp"

namespace reelcheck {
namespace {

bool same_bytes(ByteView a, ByteView b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

Finding duplicate_input(const std::string& file, const std::string& first) {
  return Finding{Severity::kWarning,
                 "duplicate_input",
                 file,
                 0,
                 "",
                 "handed over twice (the same bytes as " + first + "); verified once"};
}

} // namespace

std::vector<ReelInputs> group_inputs_by_reel(std::span<const HandedOverItem> items) {
  std::vector<ReelInputs> reels;
  std::map<std::pair<std::string, std::string>, std::size_t> loose_reels; // (reel, batch) -> index
  std::vector<std::pair<std::string, ByteView>> whole_files;              // bundles seen so far

  for (const HandedOverItem& item : items) {
    if (item.folder || item.files.size() != 1) {
      reels.push_back(ReelInputs{item.name, item.files, {}});
      continue;
    }
    const InputFile& file = item.files.front();
    const auto inner = detail::parse_inner_archive_name(file.name);
    if (!inner) {
      // A whole bundle; the same bundle twice is verified once.
      auto same = std::find_if(whole_files.begin(), whole_files.end(), [&](const auto& seen) {
        return same_bytes(seen.second, file.bytes);
      });
      if (same != whole_files.end()) {
        for (auto& reel : reels)
          if (reel.name == same->first)
            reel.findings.push_back(duplicate_input(item.name, same->first));
        continue;
      }
      whole_files.emplace_back(item.name, file.bytes);
      reels.push_back(ReelInputs{item.name, item.files, {}});
      continue;
    }
    const auto key = std::make_pair(inner->reel_id, inner->batch_id);
    auto [it, inserted] = loose_reels.try_emplace(key, reels.size());
    if (inserted)
      reels.push_back(ReelInputs{inner->batch_id.empty() ? inner->reel_id
                                                         : inner->reel_id + "_" + inner->batch_id,
                                 {},
                                 {}});
    ReelInputs& reel = reels[it->second];
    const std::string_view base = detail::base_name(file.name);
    auto same = std::find_if(reel.files.begin(), reel.files.end(), [&](const InputFile& f) {
      return detail::base_name(f.name) == base && same_bytes(f.bytes, file.bytes);
    });
    if (same != reel.files.end()) {
      reel.findings.push_back(duplicate_input(item.name, same->name));
      continue;
    }
    reel.files.push_back(file);
  }

  // A loose archive alone for its reel: most likely the others were left out of the command.
  for (const auto& [key, index] : loose_reels) {
    ReelInputs& reel = reels[index];
    if (reel.files.size() != 1) continue;
    reel.findings.push_back(Finding{Severity::kWarning, "stray_archive",
                                    std::string(detail::base_name(reel.files[0].name)), 0, "",
                                    "the only archive given for reel " + key.first + " (batch " +
                                        key.second +
                                        "); the bundle's other archives were not handed over"});
  }
  return reels;
}

} // namespace reelcheck
