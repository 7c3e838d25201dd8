// Where the transport key comes from. Never argv: a key file, an environment variable, or a
// prompt without echo (or standard input when it is not a terminal).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reelcheck/result.hpp"
#include "reelcheck/secure_bytes.hpp"

namespace reelcheck::cli {

class KeySource {
public:
  // A key file holds either one key, or one "<reel ID or bundle name> <key>" pair per line.
  static Result<KeySource> from_file(const std::string& path);
  static Result<KeySource> from_env(const std::string& variable);
  static KeySource interactive(); // asks on the terminal when a key is first needed

  // The key for a reel (by reel ID or by the bundle's file name); empty if none.
  SecureBytes key_for(std::string_view reel_id, std::string_view bundle_name);

private:
  struct Entry {
    std::string name; // "" = applies to every reel
    SecureBytes key;
  };
  std::vector<Entry> entries_;
  bool interactive_ = false;
};

} // namespace reelcheck::cli
