// Parsing of a 7z FilesInfo: names and the empty-stream/empty-file/anti flags of every file.
#pragma once

#include <vector>

#include "archive/seven_zip_cursor.hpp"
#include "archive/seven_zip_model.hpp"
#include "reelcheck/archive.hpp"

namespace reelcheck::detail::sz {

// Reads from the file count (the kFilesInfo ID already consumed) up to its kEnd.
Status read_files_info(Cursor& in, const Limits& limits, std::vector<FileItem>& files);

} // namespace reelcheck::detail::sz
