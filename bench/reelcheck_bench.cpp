// Where the time goes on a full reel, measured in one run and printed as ratios:
//   reelcheck_bench BUNDLE KEY_FILE TRUST_PEM [--phases-only]
// Phases: open (unpack + decrypt + parse), verify per slot (single thread), report + JSON.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <string_view>

#include "certificate_wire.hpp"
#include "crypto/ecdsa_p384.hpp"
#include "pki/parsed_certificate.hpp"
#include "reelcheck/report.hpp"
#include "verdict_wire.hpp"

using namespace reelcheck;
using Clock = std::chrono::steady_clock;

namespace {

std::vector<std::uint8_t> slurp(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

} // namespace

int main(int argc, char** argv) {
  // --phases-only: without the mbedTLS comparison (for profiles of what the verifier runs).
  const bool phases_only = argc == 5 && std::string_view(argv[4]) == "--phases-only";
  if (argc != 4 && !phases_only) {
    std::fprintf(stderr, "usage: reelcheck_bench BUNDLE KEY_FILE TRUST_PEM [--phases-only]\n");
    return 64;
  }
  const auto bundle_bytes = slurp(argv[1]);
  auto key = slurp(argv[2]);
  TrustStore trust = TrustStore::empty();
  if (!trust.add(slurp(argv[3]), "trust").ok()) return 2;
  const CheckTime at = *parse_check_time("2026-06-01T00:00:00Z");

  auto t = Clock::now();
  const InputFile input{"bundle", bundle_bytes};
  auto bundle = BundleReader().open(std::span(&input, 1), key);
  const double open_s = seconds_since(t);
  secure_wipe(key.data(), key.size());
  if (!bundle) {
    std::fprintf(stderr, "%s\n", bundle.error().message.c_str());
    return 2;
  }

  const ChainVerifier verifier(trust);
  std::map<Slot, std::pair<double, std::size_t>> per_slot;
  std::vector<CertificateVerdict> verdicts;
  t = Clock::now();
  for (const auto& cert : bundle->certificates) {
    const auto start = Clock::now();
    verdicts.push_back(verifier.verify(cert, at));
    per_slot[cert.slot].first += seconds_since(start);
    per_slot[cert.slot].second += 1;
  }
  const double verify_s = seconds_since(t);

  // What the page adds: every certificate goes out to a verifier worker and its verdict comes
  // back, each in its wire format (wasm/wire).
  t = Clock::now();
  const auto slices_out =
      wasm::wire::decode_certificates(wasm::wire::encode_certificates(bundle->certificates));
  const auto handed_over = wasm::wire::decode_verdicts(wasm::wire::encode_verdicts(verdicts));
  const double handoff_s = seconds_since(t);
  if (!slices_out || !handed_over || handed_over->size() != verdicts.size()) {
    std::fprintf(stderr, "verdict hand-off failed\n");
    return 2;
  }

  t = Clock::now();
  const Report report = build_report(*bundle, std::move(verdicts), trust, {at, false});
  const double build_s = seconds_since(t);
  const auto json = report_to_json(report);
  const double report_s = seconds_since(t);

  const double total = open_s + verify_s + report_s;
  std::printf("reel: %zu chips, %zu certificates, JSON %zu bytes\n", report.counts.chips,
              report.counts.certificates, json.size());
  std::printf("%-28s %9s %8s\n", "phase (1 thread)", "seconds", "share");
  std::printf("%-28s %9.3f %7.1f%%\n", "open: unpack+decrypt+parse", open_s, 100 * open_s / total);
  std::printf("%-28s %9.3f %7.1f%%\n", "verify certificates", verify_s, 100 * verify_s / total);
  std::printf("%-28s %9.3f %7.1f%%\n", "report + JSON", report_s, 100 * report_s / total);
  std::printf("  build_report %.3f s, report_to_json %.3f s; worker hand-off (slices out, verdicts "
              "back, page only) %.3f s\n",
              build_s, report_s - build_s, handoff_s);
  double ec = 0, rsa = 0;
  for (const auto& [slot, v] : per_slot) {
    const double us = 1e6 * v.first / static_cast<double>(v.second);
    std::printf("  %s: %zu certificates, %.0f us each\n", std::string(slot_name(slot)).c_str(),
                v.second, us);
    (slot == Slot::kE0E2 ? rsa : ec) = us;
  }
  if (rsa > 0)
    std::printf("ratio EC (P-256 leaf, P-384 CA) / RSA-2048 verification: %.1fx\n", ec / rsa);

  if (phases_only) return 0;
  // The P-384 engine against mbedTLS's own verification, on the same certificates (both
  // include hashing the signed part).
  std::vector<detail::CrtPtr> certs;
  for (const auto& cert : bundle->certificates) {
    if (cert.slot != Slot::kE0E0 || certs.size() == 500) continue;
    if (auto parsed = detail::parse_certificates(cert.data, cert.name))
      certs.push_back(std::move(*parsed));
  }
  const mbedtls_x509_crt* issuer = nullptr;
  detail::CrtPtr ca_chain;
  if (auto parsed = detail::parse_certificates(slurp(argv[3]), "trust"); parsed && !certs.empty()) {
    ca_chain = std::move(*parsed);
    for (const mbedtls_x509_crt* c = ca_chain.get(); c != nullptr; c = c->next)
      if (detail::same_name(c->subject_raw, certs.front()->issuer_raw)) issuer = c;
  }
  if (issuer != nullptr) {
    const auto engine = detail::fast_issuer_key(*issuer);
    const detail::FastIssuerKey* fast = &engine;
    auto time_all = [&](const detail::FastIssuerKey* f) {
      const auto start = Clock::now();
      std::size_t valid = 0;
      for (const auto& c : certs)
        valid += detail::check_signature(*c, *issuer, f) == detail::SignatureCheck::kValid;
      return std::pair(seconds_since(start), valid);
    };
    const auto [plain_s, plain_valid] = time_all(nullptr);
    time_all(fast); // builds the CA key's table once, as every real run does
    const auto [fast_s, fast_valid] = time_all(fast);
    std::printf("ECDSA P-384 certificate signature checks on %zu E0E0 certificates: mbedTLS %.0f "
                "us, engine %.0f us each "
                "(%.2fx faster; %zu/%zu valid both ways)\n",
                certs.size(), 1e6 * plain_s / static_cast<double>(certs.size()),
                1e6 * fast_s / static_cast<double>(certs.size()), plain_s / fast_s, plain_valid,
                fast_valid);
  }
  return 0;
}
