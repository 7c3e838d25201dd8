#include <algorithm>
#include <map>

#include "archive/entry_name.hpp"
#include "bundle/inner_archive_name.hpp"
#include "reelcheck/archive.hpp"
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

// The reel a bundle's listing names, or nullopt.
std::optional<std::pair<std::string, std::string>>
reel_of_names(const std::vector<std::string>& names) {
  std::optional<std::pair<std::string, std::string>> reel;
  for (const auto& name : names) {
    const auto inner = detail::parse_inner_archive_name(detail::base_name(name));
    if (!inner) continue;
    std::pair<std::string, std::string> key{inner->reel_id, inner->batch_id};
    if (reel && *reel != key) return std::nullopt; // two reels in one file: left to the reader
    reel = std::move(key);
  }
  return reel;
}

} // namespace

std::optional<std::pair<std::string, std::string>> bundle_reel(const InputFile& bundle) {
  Result<std::vector<std::string>> names = make_error(ErrorCode::kNotAnArchive, "");
  switch (detect_archive_format(bundle.bytes)) {
  case ArchiveFormat::kSevenZip: names = SevenZipReader().list(bundle.bytes, bundle.name); break;
  case ArchiveFormat::kZip: names = ZipReader().list(bundle.bytes, bundle.name); break;
  case ArchiveFormat::kUnknown: break;
  }
  // An archive that cannot be listed is grouped by its name; reading it says what is wrong.
  if (!names) return std::nullopt;
  return reel_of_names(*names);
}

std::vector<ReelInputs> group_inputs_by_reel(std::span<const HandedOverItem> items) {
  std::vector<ReelInputs> reels;
  std::map<std::pair<std::string, std::string>, std::size_t> by_reel; // (reel, batch) -> reel
  std::map<std::pair<std::string, std::string>, std::size_t> loose_reels; // started by a loose one
  std::map<std::string, std::size_t> whole_reels;                       // name -> reel

  for (std::size_t index = 0; index < items.size(); ++index) {
    const HandedOverItem& item = items[index];
    if (!is_loose_archive(item)) {
      auto [it, inserted] = whole_reels.try_emplace(item.name, reels.size());
      if (!inserted) {
        reels[it->second].findings.push_back(duplicate_input(item.name, item.name));
        continue;
      }
      if (item.reel && !item.folder) {
        // Another copy of a reel already handed over: the same session reads both.
        auto [known, first] = by_reel.try_emplace(*item.reel, reels.size());
        it->second = known->second;
        if (!first) {
          reels[known->second].items.push_back(index);
          continue;
        }
      }
      reels.push_back(ReelInputs{item.name, {index}, {}});
      continue;
    }
    const auto inner = *detail::parse_inner_archive_name(item.name);
    const auto key = std::make_pair(inner.reel_id, inner.batch_id);
    auto [it, inserted] = by_reel.try_emplace(key, reels.size());
    if (inserted) {
      loose_reels.emplace(key, it->second);
      reels.push_back(ReelInputs{
          inner.batch_id.empty() ? inner.reel_id : inner.reel_id + "_" + inner.batch_id, {}, {}});
    }
    ReelInputs& reel = reels[it->second];
    const std::string_view base = detail::base_name(item.name);
    auto same = std::find_if(reel.items.begin(), reel.items.end(), [&](std::size_t other) {
      const HandedOverItem& o = items[other];
      if (!is_loose_archive(o) || detail::base_name(o.name) != base) return false;
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
