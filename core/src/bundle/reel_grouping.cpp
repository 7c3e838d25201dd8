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
                 FindingCode::kDuplicateInput,
                 file,
                 0,
                 "",
                 "handed over twice (the same as " + first + "); verified once"};
}

bool is_loose_archive(const HandedOverItem& item) {
  return !item.folder && item.files.size() <= 1 &&
         detail::parse_inner_archive_name(item.name).has_value();
}

} // namespace

std::vector<ReelInputs> group_inputs_by_reel(std::span<const HandedOverItem> items) {
  std::vector<ReelInputs> reels;
  std::map<std::pair<std::string, std::string>, std::size_t> loose_reels; // (reel, batch) -> reel
  std::map<std::string, std::size_t> whole_reels;                         // name -> reel

  for (std::size_t index = 0; index < items.size(); ++index) {
    const HandedOverItem& item = items[index];
    if (!is_loose_archive(item)) {
      auto [it, inserted] = whole_reels.try_emplace(item.name, reels.size());
      if (!inserted) {
        reels[it->second].findings.push_back(duplicate_input(item.name, item.name));
        continue;
      }
      reels.push_back(ReelInputs{item.name, {index}, {}});
      continue;
    }
    const auto inner = *detail::parse_inner_archive_name(item.name);
    auto [it, inserted] =
        loose_reels.try_emplace(std::make_pair(inner.reel_id, inner.batch_id), reels.size());
    if (inserted)
      reels.push_back(ReelInputs{
          inner.batch_id.empty() ? inner.reel_id : inner.reel_id + "_" + inner.batch_id, {}, {}});
    ReelInputs& reel = reels[it->second];
    const std::string_view base = detail::base_name(item.name);
    auto same = std::find_if(reel.items.begin(), reel.items.end(), [&](std::size_t other) {
      const HandedOverItem& o = items[other];
      if (detail::base_name(o.name) != base) return false;
      return o.files.empty() || item.files.empty() ||
             same_bytes(o.files.front().bytes, item.files.front().bytes);
    });
    if (same != reel.items.end()) {
      reel.findings.push_back(duplicate_input(item.name, items[*same].name));
      continue;
    }
    reel.items.push_back(index);
  }

  // A loose archive alone for its reel: most likely the others were left out of the command.
  for (const auto& [key, index] : loose_reels) {
    ReelInputs& reel = reels[index];
    if (reel.items.size() != 1) continue;
    reel.findings.push_back(
        Finding{Severity::kWarning, FindingCode::kStrayArchive,
                std::string(detail::base_name(items[reel.items.front()].name)), 0, "",
                "the only archive given for reel " + key.first + " (batch " + key.second +
                    "); the bundle's other archives were not handed over"});
  }
  return reels;
}

bool names_an_inner_archive(std::string_view file_name) {
  return detail::parse_inner_archive_name(file_name).has_value();
}

std::vector<InputFile> reel_files(const ReelInputs& reel, std::span<const HandedOverItem> items) {
  std::vector<InputFile> files;
  for (std::size_t index : reel.items)
    for (const InputFile& f : items[index].files)
      files.push_back(f);
  return files;
}

} // namespace reelcheck
