// Seed maker for fuzz_verdicts_json (not a fuzz target): verifies the fixture certificates
// given on the command line against a trust file, as the verifier threads do, and writes
// their verdict batches (verdicts_to_json) one file per batch size.
//   make_verdict_seeds TRUST.pem OUT_DIR CERT.pem...
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "reelcheck/report.hpp"
#include "reelcheck/trust.hpp"

namespace {
std::vector<std::uint8_t> read_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
} // namespace

int main(int argc, char** argv) {
  using namespace reelcheck;
  if (argc < 4) {
    std::fprintf(stderr, "usage: make_verdict_seeds TRUST.pem OUT_DIR CERT.pem...\n");
    return 64;
  }
  TrustStore store = TrustStore::empty();
  const auto trust = read_file(argv[1]);
  if (!store.add(ByteView(trust.data(), trust.size()), argv[1])) return 1;
  const ChainVerifier verifier(store);
  std::vector<CertificateVerdict> verdicts;
  for (int i = 3; i < argc; ++i) {
    const std::string path = argv[i];
    const std::string name = path.substr(path.find_last_of('/') + 1);
    const Slot slot = name.find("E0E2") != std::string::npos   ? Slot::kE0E2
                      : name.find("E0E1") != std::string::npos ? Slot::kE0E1
                                                               : Slot::kE0E0;
    verdicts.push_back(verifier.verify(
        CertificateFile{"R2400017_B7F3C1_" + std::string(slot_name(slot)) + "_Certs.7z", name, slot,
                        read_file(argv[i])},
        1780272000));
  }
  // Batches of 1, 3 and all, plus an empty one: the shapes the workers send.
  for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{3}, verdicts.size()}) {
    n = std::min(n, verdicts.size());
    const std::string json = verdicts_to_json(std::span(verdicts.data(), n));
    std::ofstream(std::string(argv[2]) + "/verdicts_" + std::to_string(n) + ".json") << json;
  }
  return 0;
}
