// reelcheck inspect: loose certificate files, judged like the bundle's when named like them.
#include <filesystem>
#include <iostream>

#include "commands.hpp"
#include "file_io.hpp"
#include "output.hpp"
#include "summary.hpp"

namespace reelcheck::cli {

int run_inspect(const Options& o, const TrustStore& trust) {
  const ChainVerifier verifier(trust);
  int exit_code = kExitOk;
  for (const auto& arg : o.inputs) {
    auto data = read_file(arg, 16u << 20);
    if (!data) {
      exit_code = std::max(exit_code, print_unusable(arg, data.error()));
      continue;
    }
    // A file named like a bundle entry (<chipID>_<slot>.pem) is judged by the device rules.
    const std::string name = std::filesystem::path(arg).filename().string();
    const auto us = name.find('_');
    const auto slot = us == std::string::npos ? std::nullopt : parse_slot(name.substr(us + 1, 4));
    CertificateVerdict v = slot ? verifier.verify(CertificateFile{"", name, *slot, *data}, o.at)
                                : verifier.verify_loose(*data, name, o.at);
    std::cout << arg << ":\n" << render_verdict(v);
    if (!v.ok()) exit_code = std::max(exit_code, kExitFindings);
  }
  return exit_code;
}

} // namespace reelcheck::cli
