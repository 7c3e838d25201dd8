// Seed maker for fuzz_verdict_wire and fuzz_certificate_wire (not a fuzz target): verifies the
// fixture certificates given on the command line against a trust file, as the verifier workers
// do, and writes their certificate slices and verdict batches in the workers' wire formats
// (wasm/wire), one file per batch size, into VERDICT_DIR and SLICE_DIR.
//   make_verdict_seeds TRUST.pem VERDICT_DIR SLICE_DIR CERT.pem...
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "certificate_wire.hpp"
#include "reelcheck/report.hpp"
#include "reelcheck/trust.hpp"
#include "verdict_wire.hpp"

namespace {
std::vector<std::uint8_t> read_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
} // namespace

int main(int argc, char** argv) {
  using namespace reelcheck;
  if (argc < 5) {
    std::fprintf(stderr, "usage: make_verdict_seeds TRUST.pem VERDICT_DIR SLICE_DIR CERT.pem...\n");
    return 64;
  }
  TrustStore store = TrustStore::empty();
  const auto trust = read_file(argv[1]);
  if (!store.add(ByteView(trust.data(), trust.size()), argv[1])) return 1;
  const ChainVerifier verifier(store);
  std::vector<CertificateVerdict> verdicts;
  std::vector<CertificateFile> files;
  for (int i = 4; i < argc; ++i) {
    const std::string path = argv[i];
    const std::string name = path.substr(path.find_last_of('/') + 1);
    const Slot slot = name.find("E0E2") != std::string::npos   ? Slot::kE0E2
                      : name.find("E0E1") != std::string::npos ? Slot::kE0E1
                                                               : Slot::kE0E0;
    files.push_back(CertificateFile{"R2400017_B7F3C1_" + std::string(slot_name(slot)) + "_Certs.7z",
                                    name, slot, read_file(argv[i])});
    verdicts.push_back(verifier.verify(files.back(), 1780272000));
  }
  // Batches of 1, 3 and all, plus an empty one: the shapes the workers send.
  for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{3}, verdicts.size()}) {
    n = std::min(n, verdicts.size());
    const auto batch = wasm::wire::encode_verdicts(std::span(verdicts.data(), n));
    const auto slice = wasm::wire::encode_certificates(std::span(files.data(), n));
    std::ofstream(std::string(argv[2]) + "/verdicts_" + std::to_string(n) + ".bin", std::ios::binary)
        .write(reinterpret_cast<const char*>(batch.data()), static_cast<std::streamsize>(batch.size()));
    std::ofstream(std::string(argv[3]) + "/slice_" + std::to_string(n) + ".bin", std::ios::binary)
        .write(reinterpret_cast<const char*>(slice.data()), static_cast<std::streamsize>(slice.size()));
    // The framed messages the workers exchange: a slice naming its certificates and terms, its
    // verdicts echoing them, and an archive's unpack outcome.
    const VerificationTerms terms{1780272000, store.fingerprint()};
    const std::span<const CertificateFile> some(files.data(), n);
    const auto framed_slice = wasm::wire::encode_slice_ref(CertificateSlice{1, 128, some, terms});
    const auto framed_verdicts = wasm::wire::encode_verdict_slice(
        VerdictSlice{1, 128, terms, {verdicts.begin(), verdicts.begin() + static_cast<long>(n)}});
    const auto outcome = wasm::wire::encode_unpack_outcome(
        UnpackOutcome{1, UnpackedCertificates{1, n, {some.begin(), some.end()}}});
    std::ofstream(std::string(argv[3]) + "/framed_slice_" + std::to_string(n) + ".bin", std::ios::binary)
        .write(reinterpret_cast<const char*>(framed_slice.data()), static_cast<std::streamsize>(framed_slice.size()));
    std::ofstream(std::string(argv[3]) + "/outcome_" + std::to_string(n) + ".bin", std::ios::binary)
        .write(reinterpret_cast<const char*>(outcome.data()), static_cast<std::streamsize>(outcome.size()));
    std::ofstream(std::string(argv[2]) + "/framed_verdicts_" + std::to_string(n) + ".bin", std::ios::binary)
        .write(reinterpret_cast<const char*>(framed_verdicts.data()), static_cast<std::streamsize>(framed_verdicts.size()));
  }
  return 0;
}
