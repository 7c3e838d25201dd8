// Small text helpers the export writers share: JSON through the report's writer, and the shell
// preamble of the AWS scripts. Private to the core.
#pragma once

#include <string>
#include <string_view>

#include "report/json_writer.hpp"

namespace reelcheck::detail {

// The JSON text a writer callback produces (indent < 0: one line), ending without a newline.
template <class Fn> std::string export_json(int indent, Fn&& write) {
  SecureString out = secure_text(1024);
  JsonWriter w(out, indent);
  write(w);
  return std::string(out.data(), out.size());
}

// The start of every AWS script: strict bash, run from its own folder, and `iot` = the AWS CLI
// (AWS_CLI, default `aws`) with the script's arguments and AWS_ENDPOINT_URL passed to every
// call, plus `lookup`, which tells "not found" from any other failure.
std::string aws_script_preamble(std::string_view purpose);

} // namespace reelcheck::detail
