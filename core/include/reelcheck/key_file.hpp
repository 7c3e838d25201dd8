// Key files of the keys archive (PBS_keys.txt, auto_keys.txt): one {chipID, key} record a
// line, in hex. Lenient in form (separators , ; tab space, CRLF/LF, BOM, header line, any hex
// case), strict in content (10-byte chip ID, 64-byte key, valid hex, no duplicates).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "reelcheck/finding.hpp"
#include "reelcheck/secure_bytes.hpp"

namespace reelcheck {

inline constexpr std::size_t kSecretSize = 64; // PBS (0xE140) and authorization reference (0xF1D0)

struct KeyRecord {
  std::string chip_id; // 20 uppercase hex characters
  SecureBytes key;     // decoded secret, wiped on release
  std::uint32_t line = 0;
};

struct KeyFile {
  std::string name;
  std::vector<KeyRecord> records; // well-formed records only; duplicates excluded
  std::vector<Finding> findings;  // every malformed line, with file and line
};

class KeyFileParser {
public:
  explicit KeyFileParser(std::size_t expected_key_size = kSecretSize)
      : expected_key_size_(expected_key_size) {}
  KeyFile parse(ByteView text, std::string_view file_name) const;

private:
  std::size_t expected_key_size_;
};

} // namespace reelcheck
