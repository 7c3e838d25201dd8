// Where the time goes on a full reel, measured in one run and printed as ratios:
//   reelcheck_bench BUNDLE KEY_FILE TRUST_PEM [--phases-only]
// Phases: open (unpack + decrypt + parse), verify per slot (single thread), report + JSON;
// then (without --phases-only) a device certificate's verification by step, and the P-384
// engine against mbedTLS.
#include <mbedtls/sha256.h>
#include <mbedtls/x509_crt.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <functional>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <span>
#include <string_view>

#include "certificate_wire.hpp"
#include "crypto/ecdsa_p384.hpp"
#include "crypto/sha256.hpp"
#include "pki/parsed_certificate.hpp"
#include "pki/pem_decoder.hpp"
#include "util/hex.hpp"
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

// This thread's CPU time: the machine is shared, and time spent preempted is no one's step.
// WebAssembly has no thread CPU clock (Emscripten's clock_gettime refuses it): there, the wall
// clock, which is the step's time on an otherwise idle machine (kCpuClock says which one).
const bool kCpuClock = [] {
  timespec ts{};
  return clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0;
}();
double thread_seconds() {
  if (!kCpuClock) return seconds_since(Clock::time_point{});
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}
const char* clock_name() { return kCpuClock ? "CPU" : "wall time (no CPU clock here)"; }

// Where one EC device certificate's verification goes (a prepared verifier, one thread), step
// by step over the same certificates, each step on its own: the PEM decoding, mbedTLS's parse,
// what the verdict takes from the parse (names, serial, dates, key type, two SHA-256
// fingerprints), the signature (the signed part's hash + the issuer's P-384 or RSA key), the
// whole verify(), and the signed part's SHA-256 on mbedTLS and on the core's stream.
// The steps alternate within each of 9 rounds (every step over every certificate, so that
// caches see what a run sees); each figure is the median over the rounds, in this thread's CPU
// time, and "rest" is verify() less the steps, round by round.
void bench_certificate_steps(const std::vector<CertificateFile>& files, const TrustStore& trust,
                             CheckTime at, Slot slot) {
  std::vector<const CertificateFile*> certs;
  for (const auto& f : files)
    if (f.slot == slot) certs.push_back(&f);
  if (certs.empty()) return;
  const std::size_t n = certs.size();
  const ChainVerifier verifier(trust);
  verifier.prepare();

  std::vector<std::vector<std::uint8_t>> ders;
  for (const auto* c : certs)
    if (auto der = detail::decode_single_pem_certificate(c->data)) ders.push_back(std::move(*der));
  std::vector<detail::CrtPtr> parsed;
  for (const auto* c : certs)
    if (auto p = detail::parse_certificates(c->data, c->name)) parsed.push_back(std::move(*p));
  if (ders.size() != n || parsed.size() != n) return;
  const mbedtls_x509_crt* issuer = nullptr;
  std::vector<detail::CrtPtr> anchors;
  for (const auto& a : trust.anchors())
    if (auto p = detail::parse_certificates(a.der, a.source)) {
      if (detail::same_name((*p)->subject_raw, parsed.front()->issuer_raw)) issuer = p->get();
      anchors.push_back(std::move(*p));
    }
  if (issuer == nullptr) return;
  const auto fast = detail::fast_issuer_key(*issuer);
  if (fast.p384) fast.p384->prepare();

  std::size_t sink = 0;
  auto parse_der = [&](bool copy) {
    for (const auto& der : ders) {
      mbedtls_x509_crt crt;
      mbedtls_x509_crt_init(&crt);
      sink += static_cast<std::size_t>(
          copy ? mbedtls_x509_crt_parse_der(&crt, der.data(), der.size())
               : mbedtls_x509_crt_parse_der_nocopy(&crt, der.data(), der.size()));
      mbedtls_x509_crt_free(&crt);
    }
  };
  const std::vector<std::pair<const char*, std::function<void()>>> steps = {
      {"PEM to DER",
       [&] {
         for (const auto* c : certs)
           sink += detail::decode_single_pem_certificate(c->data)->size();
       }},
      {"mbedTLS parse_der", [&] { parse_der(true); }},
      {"mbedTLS parse_der_nocopy", [&] { parse_der(false); }},
      {"parse_certificates (PEM + parse)",
       [&] {
         for (const auto* c : certs)
           sink += detail::parse_certificates(c->data, c->name)->get()->raw.len;
       }},
      {"verdict fields",
       [&] {
         for (const auto& p : parsed) {
           const mbedtls_x509_crt& crt = *p;
           sink += detail::subject_dn(crt).size() + detail::issuer_dn(crt).size();
           sink += detail::to_hex(ByteView(crt.serial.p, crt.serial.len), true).size();
           sink += detail::format_x509_time(crt.valid_from).size() +
                   detail::format_x509_time(crt.valid_to).size();
           sink += detail::key_type(crt).size();
           sink += detail::sha256_hex(ByteView(crt.raw.p, crt.raw.len)).size();
           sink += detail::sha256_hex(ByteView(crt.pk_raw.p, crt.pk_raw.len)).size();
         }
       }},
      {"signature (hash + P-384 or RSA)",
       [&] {
         for (const auto& p : parsed)
           sink += detail::check_signature(*p, *issuer, &fast) == detail::SignatureCheck::kValid;
       }},
      {"verify()",
       [&] {
         for (const auto* c : certs)
           sink += verifier.verify(*c, at).problems.size();
       }},
      // Infineon's RSA CA signs E0E2 with SHA-256 (the fixtures' with SHA-384): the signed
      // part's digest on mbedTLS's portable code and on the core's stream.
      {"SHA-256 of the signed part, mbedTLS",
       [&] {
         unsigned char h[32];
         for (const auto& p : parsed)
           sink += static_cast<std::size_t>(mbedtls_sha256_ret(p->tbs.p, p->tbs.len, h, 0)) + h[0];
       }},
      {"SHA-256 of the signed part, core",
       [&] {
         for (const auto& p : parsed) {
           detail::Sha256 sha;
           sha.update(ByteView(p->tbs.p, p->tbs.len));
           sink += sha.finish()[0];
         }
       }},
  };
  std::vector<std::vector<double>> us(steps.size() + 1);
  for (int round = 0; round < 9; ++round) {
    std::vector<double> t;
    for (const auto& [name, run] : steps) {
      const double start = thread_seconds();
      run();
      t.push_back(1e6 * (thread_seconds() - start) / static_cast<double>(n));
    }
    for (std::size_t i = 0; i < t.size(); ++i)
      us[i].push_back(t[i]);
    us.back().push_back(t[6] - t[3] - t[4] - t[5]);
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  std::printf("%s by step, us of %s per certificate (%zu certificates, median of 9 rounds; SHA "
              "instructions %s):\n",
              std::string(slot_name(slot)).c_str(), clock_name(), n,
              detail::Sha256::hardware_accelerated() ? "used" : "absent");
  for (std::size_t i = 0; i < steps.size(); ++i) {
    std::printf("  %-36s %7.1f\n", steps[i].first, median(us[i]));
    if (i == 6)
      std::printf("  %-36s %7.1f   (verify() less parse, fields, signature)%s\n", "  rest",
                  median(us.back()), sink == 42 ? " " : "");
  }
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
  // The CA keys' tables are built once per process (crypto/ecdsa_p384.hpp): timed apart, so
  // that they are not charged to the first slot's certificates.
  t = Clock::now();
  verifier.prepare();
  const double prepare_s = seconds_since(t);
  struct SlotTime {
    double wall = 0, cpu = 0;
    std::size_t count = 0;
  };
  std::map<Slot, SlotTime> per_slot;
  std::vector<CertificateVerdict> verdicts;
  verdicts.reserve(bundle->certificates.size());
  // In slices of one slot's certificates, as the CLI and the page verify them (verify_all:
  // the P-384 signatures of a slice in one batch).
  constexpr std::size_t kSlice = 512;
  const std::span<const CertificateFile> all(bundle->certificates);
  t = Clock::now();
  for (std::size_t begin = 0; begin < all.size();) {
    std::size_t end = begin + 1;
    while (end < all.size() && end - begin < kSlice && all[end].slot == all[begin].slot)
      ++end;
    const auto start = Clock::now();
    const double cpu_start = thread_seconds();
    for (auto& v : verifier.verify_all(all.subspan(begin, end - begin), at))
      verdicts.push_back(std::move(v));
    SlotTime& slot = per_slot[all[begin].slot];
    slot.cpu += thread_seconds() - cpu_start;
    slot.wall += seconds_since(start);
    slot.count += end - begin;
    begin = end;
  }
  const double verify_s = prepare_s + seconds_since(t);

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
  std::printf("  ChainVerifier::prepare (anchors linked, engines self-tested, CA key tables; once "
              "per process) %.1f ms\n",
              1e3 * prepare_s);
  double ec = 0, rsa = 0;
  for (const auto& [slot, v] : per_slot) {
    const double us = 1e6 * v.wall / static_cast<double>(v.count);
    std::printf("  %s: %zu certificates, %.0f us each (%.0f us of %s)\n",
                std::string(slot_name(slot)).c_str(), v.count, us,
                1e6 * v.cpu / static_cast<double>(v.count), clock_name());
    (slot == Slot::kE0E2 ? rsa : ec) = us;
  }
  if (rsa > 0)
    std::printf("ratio EC (P-256 leaf, P-384 CA) / RSA-2048 verification: %.1fx\n", ec / rsa);

  if (phases_only) return 0;
  bench_certificate_steps(bundle->certificates, trust, at, Slot::kE0E0);
  bench_certificate_steps(bundle->certificates, trust, at, Slot::kE0E1);
  bench_certificate_steps(bundle->certificates, trust, at, Slot::kE0E2);
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
