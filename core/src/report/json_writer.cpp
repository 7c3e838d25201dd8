#include "report/json_writer.hpp"

#include <nlohmann/json.hpp>

#include "reelcheck/hex.hpp"

namespace reelcheck::detail {

void JsonWriter::newline_and_indent(std::size_t depth) {
  if (indent_ < 0) return;
  out_ += '\n';
  out_.append(depth * static_cast<std::size_t>(indent_), ' ');
}

void JsonWriter::element() {
  if (after_key_) { // the value of a member: its separator came with the key
    after_key_ = false;
    return;
  }
  if (counts_.empty()) return; // the top-level value
  if (counts_.back()++ != 0) out_ += ',';
  newline_and_indent(counts_.size());
}

void JsonWriter::open(char bracket) {
  element();
  out_ += bracket;
  counts_.push_back(0);
}

void JsonWriter::close(char bracket) {
  const bool empty = counts_.back() == 0;
  counts_.pop_back();
  if (!empty) newline_and_indent(counts_.size());
  out_ += bracket;
}

void JsonWriter::key(std::string_view name) {
  element();
  string(name);
  out_ += indent_ < 0 ? ":" : ": ";
  after_key_ = true;
}

void JsonWriter::value(std::string_view s) {
  element();
  string(s);
}

void JsonWriter::value(bool b) {
  element();
  out_ += b ? "true" : "false";
}

void JsonWriter::hex_value(std::span<const std::uint8_t> bytes) {
  element();
  out_ += '"';
  append_hex(out_, bytes, /*upper=*/true);
  out_ += '"';
}

void JsonWriter::null() {
  element();
  out_ += "null";
}

void JsonWriter::string(std::string_view s) {
  bool plain = true;
  for (const char c : s)
    if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') {
      plain = false;
      break;
    }
  if (plain) {
    out_ += '"';
    out_ += s;
    out_ += '"';
    return;
  }
  // Escapes, multi-byte UTF-8 and invalid bytes (replaced by U+FFFD): exactly as dump() does.
  // Only names and messages take this path, never a secret (those are hex_value).
  out_ +=
      nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace reelcheck::detail
