// A streaming JSON writer for the reports: the text nlohmann::json's dump() would give for the
// same document (indent 2, or compact), written straight into one string instead of through a
// tree of nodes, which took most of the report's time on a 4,100-chip reel. Keys come in the
// order they are written; numbers are integers only. Strings that are plain printable ASCII
// (hex, dates, file names: nearly all) are copied; any other string is escaped by nlohmann
// itself, so invalid UTF-8 is replaced exactly as before.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "reelcheck/secure_bytes.hpp"

namespace reelcheck::detail {

class JsonWriter {
public:
  // indent < 0: compact (no spaces, no line breaks), as dump(-1).
  // `out` wipes every buffer it outgrows: a report may hold secrets.
  JsonWriter(SecureString& out, int indent) : out_(out), indent_(indent) {}

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }

  // Inside an object: the next member's name; its value follows.
  void key(std::string_view name);

  void value(std::string_view s);
  void value(const char* s) { value(std::string_view(s)); }
  void value(bool b);
  template <class T>
  requires(std::is_integral_v<T> && !std::is_same_v<T, bool>) void value(T n) {
    element();
    out_ += std::to_string(n);
  }
  void null();
  // A string of the bytes' uppercase hex digits, written straight into the output: secrets
  // never pass through a temporary string.
  void hex_value(std::span<const std::uint8_t> bytes);

  template <class T> void member(std::string_view name, const T& v) {
    key(name);
    value(v);
  }

private:
  void open(char bracket);
  void close(char bracket);
  void element(); // before a value in an array, or a key in an object
  void newline_and_indent(std::size_t depth);
  void string(std::string_view s);

  SecureString& out_;
  int indent_;
  std::vector<std::size_t> counts_; // elements written so far, per open container
  bool after_key_ = false;
};

} // namespace reelcheck::detail
