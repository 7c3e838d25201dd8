// The verify-only P-384 engine against mbedTLS and OpenSSL (library), in one run:
//   p384_bench                      µs per verification for each, and the ratios
//   p384_bench --differential N     N random valid and damaged signatures, the engine's verdict
//                                   checked against OpenSSL on every one and against mbedTLS on
//                                   every tenth (mbedTLS is 20x slower), spread over the cores
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include "crypto/ecdsa_p384.hpp"
#include "crypto/p384_fixed_base_table.hpp"
#include "support/p384_reference.hpp"

using namespace reelcheck;
using namespace reelcheck::test;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

int speed() {
  constexpr std::size_t kSignatures = 1000;
  auto key = OpenSslP384Key::generate();
  std::vector<Bytes> digests, signatures;
  for (std::size_t i = 0; i < kSignatures; ++i) {
    Bytes digest(48);
    for (std::size_t j = 0; j < digest.size(); ++j) digest[j] = std::uint8_t(i * 131 + j * 7);
    signatures.push_back(key.sign(digest));
    digests.push_back(std::move(digest));
  }
  auto t = Clock::now();
  using Table = detail::p384::FixedBaseTable<detail::p384::kProductionWindowBits>;
  const Table table(detail::p384::generator());
  const double table_s = seconds_since(t);

  const auto engine = detail::EcdsaP384Verifier::create(key.point());
  engine->verify(digests[0], signatures[0]); // builds the key's table
  const MbedtlsP384Verifier mbedtls(key.point());

  const auto run = [&](auto&& verify) {
    std::size_t valid = 0;
    const auto start = Clock::now();
    for (std::size_t i = 0; i < kSignatures; ++i) valid += verify(digests[i], signatures[i]);
    const double us = 1e6 * seconds_since(start) / kSignatures;
    if (valid != kSignatures) {
      std::fprintf(stderr, "only %zu of %zu signatures verified\n", valid, kSignatures);
      std::exit(1);
    }
    return us;
  };
  // The batch as ChainVerifier::verify_all uses it: a slice's signatures at once.
  std::vector<detail::EcdsaP384Verifier::Signed> batch;
  for (std::size_t i = 0; i < kSignatures; ++i)
    batch.push_back({engine.get(), digests[i], signatures[i]});
  const auto run_batch = [&] {
    const auto start = Clock::now();
    const std::vector<bool> v = detail::EcdsaP384Verifier::verify_batch(batch);
    const double us = 1e6 * seconds_since(start) / kSignatures;
    if (std::count(v.begin(), v.end(), true) != std::ptrdiff_t(kSignatures)) {
      std::fprintf(stderr, "the batch did not verify every signature\n");
      std::exit(1);
    }
    return us;
  };
  // Alternate, best of three rounds each, so a busy neighbour hurts all of them alike.
  double e = 1e9, b = 1e9, m = 1e9, o = 1e9;
  for (int round = 0; round < 3; ++round) {
    e = std::min(e, run([&](const Bytes& d, const Bytes& s) { return engine->verify(d, s); }));
    b = std::min(b, run_batch());
    m = std::min(m, run([&](const Bytes& d, const Bytes& s) { return mbedtls.verify(d, s); }));
    o = std::min(o, run([&](const Bytes& d, const Bytes& s) { return key.verify(d, s); }));
  }
  std::printf("P-384 ECDSA verification, one key, %zu signatures, best of 3 alternating rounds:\n",
              kSignatures);
  std::printf("  engine  %8.1f us   (w = %u; table for one point: %.1f ms, %zu KiB)\n", e,
              Table::kWindowBits, 1e3 * table_s,
              sizeof(detail::p384::AffinePoint) * Table::kWindows * Table::kPointsPerWindow / 1024);
  std::printf("  batch   %8.1f us   (verify_batch, %zu at once) %.2fx the engine's time\n", b,
              kSignatures, b / e);
  std::printf("  mbedTLS %8.1f us   engine is %.1fx faster\n", m, m / e);
  std::printf("  OpenSSL %8.1f us   engine is %.1fx faster\n", o, o / e);
  return 0;
}

int differential(std::size_t wanted) {
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::atomic<std::size_t> total{0}, valid{0}, with_mbedtls{0}, mismatches{0};
  const auto start = Clock::now();
  auto worker = [&](unsigned id) {
    SignatureCaseGenerator gen(8, 1000 + id);
    std::vector<std::shared_ptr<const detail::EcdsaP384Verifier>> engines;
    std::vector<MbedtlsP384Verifier> mbedtls;
    for (const auto& key : gen.keys()) {
      engines.push_back(detail::EcdsaP384Verifier::create(key.point()));
      mbedtls.emplace_back(key.point());
    }
    std::size_t n = 0;
    while (total.load() < wanted) {
      for (const auto& c : gen.next()) {
        const bool engine = engines[c.key]->verify(c.digest, c.signature);
        bool agree = engine == gen.keys()[c.key].verify(c.digest, c.signature);
        if (c.canonical_der && n % 10 == 0) {
          agree &= engine == mbedtls[c.key].verify(c.digest, c.signature);
          ++with_mbedtls;
        }
        if (!agree) {
          ++mismatches;
          std::fprintf(stderr, "MISMATCH: %s\n", c.damage.c_str());
        }
        valid += engine;
        ++total;
        ++n;
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned i = 0; i < threads; ++i) pool.emplace_back(worker, i);
  for (auto& th : pool) th.join();
  std::printf("differential: %zu signatures (%zu valid, %zu damaged) in %.0f s on %u threads: "
              "engine == OpenSSL on all, == mbedTLS on %zu; mismatches: %zu\n",
              total.load(), valid.load(), total.load() - valid.load(), seconds_since(start),
              threads, with_mbedtls.load(), mismatches.load());
  return mismatches.load() == 0 ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], "--differential") == 0)
    return differential(std::strtoull(argv[2], nullptr, 10));
  if (argc == 1) return speed();
  std::fprintf(stderr, "usage: p384_bench [--differential N]\n");
  return 64;
}
