#include "coordinator_warm_up.hpp"

#include <algorithm>
#include <iterator>
#include <span>
#include <string>
#include <vector>

#include "archive/seven_zip_lzma.hpp"
#include "reelcheck/bundle.hpp"
#include "reelcheck/key_file.hpp"
#include "reelcheck/trust.hpp"
#include "report_view.hpp"
#include "wire/certificate_wire.hpp"
#include "wire/verdict_wire.hpp"

namespace reelcheck::wasm {
namespace {

// i as `width` uppercase hex digits (chip IDs, serials, fingerprints of the made-up reel).
std::string hex_of(std::size_t i, std::size_t width) {
  std::string s(width, '0');
  for (std::size_t k = width; k-- > 0 && i != 0; i >>= 4)
    s[k] = "0123456789ABCDEF"[i & 15];
  return s;
}

ByteView bytes_of(const std::string& text) {
  return ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}

// The steps below run once per made-up certificate, chip or slice, each a function of its own
// (never inlined): otherwise V8 would optimise warm_up_reel() itself, 7 KB of code that runs three
// times, beside the code the warm-up is for (docs/performance.md).
[[gnu::noinline]] CertificateVerdict good_verdict(const CertificateFile& file,
                                                  const std::string& chip_id, std::size_t n) {
  CertificateVerdict v;
  v.archive = file.archive;
  v.file = file.name;
  v.slot = file.slot;
  v.chip_id = chip_id;
  v.parsed = true;
  v.subject = "CN=" + chip_id;
  v.issuer = "CN=Made-up CA";
  v.serial = hex_of(n, 16);
  v.not_before = "2026-01-01T00:00:00Z";
  v.not_after = "2046-01-01T00:00:00Z";
  v.key_type = "EC P-256";
  v.fingerprint_sha256 = hex_of(n, 64);
  v.public_key_sha256 = hex_of(n + 1, 64); // one key per certificate: none shared
  v.chain = {"Made-up CA"};
  return v;
}

// Chip i's certificate in `slot`, and its good verdict.
[[gnu::noinline]] void add_certificate(Bundle& bundle, std::vector<CertificateVerdict>& verdicts,
                                       Slot slot, std::size_t i) {
  const std::string kind(slot_name(slot));
  const std::string id = hex_of(i + 1, 20);
  bundle.certificates.push_back(
      CertificateFile{"WARMUP_" + kind + "_Certs.7z", id + "_" + kind + ".pem", slot, {}});
  verdicts.push_back(good_verdict(bundle.certificates.back(), id, verdicts.size()));
}

// One slice's verdicts through the wire format, checked as the coordinator checks them.
[[gnu::noinline]] bool hand_over(std::span<const CertificateFile> sent,
                                 std::span<const CertificateVerdict> verdicts) {
  const auto back = wire::decode_verdicts(wire::encode_verdicts(verdicts));
  return back && !check_verdicts_answer(sent, *back);
}

// One archive's certificates through the outcome's wire format, as a verifier hands them back
// and the coordinator takes them (addUnpacked): once per archive, so each call of a run would
// otherwise run on the baseline tier from its first certificate to its last.
[[gnu::noinline]] bool hand_back(std::span<const CertificateFile> certificates,
                                 std::size_t archive) {
  UnpackOutcome outcome{archive, UnpackedCertificates{archive,
                                                      certificates.size(),
                                                      {certificates.begin(), certificates.end()}}};
  const auto back = wire::decode_unpack_outcome(wire::encode_unpack_outcome(outcome));
  return back && back->result && back->result->certificates.size() == certificates.size();
}

// A key file's line for chip i (a made-up secret).
[[gnu::noinline]] void add_key_line(std::string& text, std::size_t i) {
  text += hex_of(i + 1, 20);
  text += ';';
  text.append(2 * kSecretSize, 'A');
  text += '\n';
}

} // namespace

ReportCounts warm_up_reel(std::size_t chips) {
  Bundle bundle;
  bundle.reel_id = "R0000000";
  bundle.batch_id = "WARMUP";
  std::vector<CertificateVerdict> verdicts;
  verdicts.reserve(3 * chips);
  // In the bundle's order: by archive, then name.
  for (Slot slot : kAllSlots)
    for (std::size_t i = 0; i < chips; ++i)
      add_certificate(bundle, verdicts, slot, i);

  const std::span<const CertificateFile> sent(bundle.certificates);
  for (std::size_t archive = 0; archive < std::size(kAllSlots); ++archive)
    if (!hand_back(sent.subspan(archive * chips, chips), archive)) return {};
  // The verifiers' answers as the coordinator takes them, a slice at a time.
  constexpr std::size_t kSlice = 128;
  for (std::size_t at = 0; at < verdicts.size(); at += kSlice) {
    const std::size_t n = std::min(kSlice, verdicts.size() - at);
    if (!hand_over(sent.subspan(at, n), std::span(verdicts).subspan(at, n))) return {};
  }

  // The secrets (made-up values, wiped with the key files like real ones).
  std::string pbs;
  for (std::size_t i = 0; i < chips; ++i)
    add_key_line(pbs, i);
  const KeyFileParser parser;
  bundle.pbs = parser.parse(bytes_of(pbs), "PBS_keys.txt");
  bundle.auth = parser.parse(bytes_of(pbs), "auto_keys.txt");

  const Report report =
      build_report(bundle, std::move(verdicts), TrustStore::empty(), ReportOptions{});
  if (report_view_json(report).empty()) return {};
  return report.counts;
}

bool warm_up_lzma() {
  const std::vector<std::uint8_t> zeros(kWarmUpLzmaInput, 0);
  std::vector<std::uint8_t> out(kWarmUpLzmaOutput);
  return detail::sz::lzma_decode(ByteView(kWarmUpLzmaProps, sizeof kWarmUpLzmaProps),
                                 ByteView(zeros.data(), zeros.size()), out)
      .ok();
}

void warm_up_coordinator() {
  (void)warm_up_lzma();
  // Three reels of 400 chips: on the 2-core machine the first run's report request then took
  // 58-79 ms (35-60 ms on later runs) against 69-191 ms without the warm-up (7 rounds
  // alternating, with 36 MiB of the heap touched at load; docs/performance.md).
  for (int round = 0; round < 3; ++round)
    warm_up_reel(400);
}

} // namespace reelcheck::wasm
