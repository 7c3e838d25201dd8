// What the user handed over, sorted into reels before anything is unpacked. A whole bundle
// (.7z/.zip) or a folder is one reel; loose inner archives (<reel>_<batch>_E0E0_Certs.7z, ...,
// <reel>_<batch>_keys.7z) given one by one, in any order and mixed with bundles and folders,
// are grouped by reel ID and batch ID into one reel each. The CLI's arguments and the page's
// dropped files go through the same rules.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "reelcheck/bundle.hpp"
#include "reelcheck/finding.hpp"

namespace reelcheck {

// One item as handed over: a file, or the files of a folder.
struct HandedOverItem {
  std::string name;             // as the user named it (a path, a folder, a file name)
  std::vector<InputFile> files; // a file: itself; a folder: its files
  bool folder = false;
};

struct ReelInputs {
  std::string name; // the bundle's or folder's name; "<reel>_<batch>" for loose archives
  std::vector<InputFile> files;  // what BundleReader::open gets for this reel
  std::vector<Finding> findings; // duplicate_input, stray_archive: added to the reel's report
};

// Reels in the order they first appear. Findings:
//  - duplicate_input (warning): the same file (same name and bytes) handed over twice; it is
//    verified once;
//  - stray_archive (warning): a loose inner archive that is the only one given for its reel
//    (the reel's report also lists the missing archives).
std::vector<ReelInputs> group_inputs_by_reel(std::span<const HandedOverItem> items);

} // namespace reelcheck
