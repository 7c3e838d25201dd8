// What the user handed over, sorted into reels before anything is unpacked. A whole bundle
// (.7z/.zip) or a folder is one reel; loose inner archives (<reel>_<batch>_E0E0_Certs.7z, ...,
// <reel>_<batch>_keys.7z) given one by one, in any order and mixed with bundles and folders,
// are grouped by reel ID and batch ID into one reel each, and so are whole bundles of the same
// reel when the front end read which reel they hold (bundle_reel): a .7z and a .zip of one reel
// are one reel, whose files go to one session together; its reader then reports them as two
// copies, verified once (duplicate_bundle, a warning), or as different archives under the same
// names (duplicate_bundle, an error).
// Both front ends sort what they are given with these rules: the CLI verifies every reel it is
// given, the page one per run (it refuses files of several reels). One reel's files end in the
// same session with the same findings either way, and so in the same report.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "reelcheck/bundle.hpp"
#include "reelcheck/finding.hpp"

namespace reelcheck {

// One item as handed over: a file, or the files of a folder.
struct HandedOverItem {
  std::string name; // as the user named it (a path, a folder, a file name)
  // A file: itself; a folder: its files. A whole bundle or folder may be left empty (to be read
  // later, one reel at a time): grouping needs the bytes of loose inner archives only.
  std::vector<InputFile> files;
  bool folder = false;
  // A whole bundle given as one file: the (reel ID, batch ID) it holds, when the front end read
  // it (bundle_reel); whole bundles with the same one are one reel. nullopt: grouped by name.
  std::optional<std::pair<std::string, std::string>> reel = std::nullopt;
};

// The (reel ID, batch ID) a whole bundle holds, read from its archive's listing alone (no entry
// is decompressed): the one reel its inner archives are named for. nullopt when it is no
// archive, its archives name no reel or several, or they sit deeper (a .zip around the .7z).
std::optional<std::pair<std::string, std::string>> bundle_reel(const InputFile& bundle);

struct ReelInputs {
  std::string name; // the bundle's or folder's name; "<reel>_<batch>" for loose archives
  std::vector<std::size_t> items; // indices of the handed-over items that make this reel
  std::vector<Finding> findings;  // duplicate_input, stray_archive: added to the reel's report
};

// Reels in the order they first appear. An item is a loose inner archive when it is a single
// file named like one (<reel>_<batch>_E0E0_Certs.7z, ..., _keys.7z). Loose archives and whole
// bundles with a known reel join the reel of the same reel ID and batch ID. Findings:
//  - duplicate_input (warning): the same file handed over twice (a loose archive with the same
//    name and bytes, or the same bundle or folder name); it is verified once;
//  - stray_archive (warning): a loose inner archive that is the only one given for its reel
//    (the reel's report also lists the missing archives).
std::vector<ReelInputs> group_inputs_by_reel(std::span<const HandedOverItem> items);

// Whether a file's name is that of an inner archive (…_E0E0_Certs.7z, …, …_keys.7z).
bool names_an_inner_archive(std::string_view file_name);

// The files of one reel, viewing the items' files.
std::vector<InputFile> reel_files(const ReelInputs& reel, std::span<const HandedOverItem> items);

} // namespace reelcheck
