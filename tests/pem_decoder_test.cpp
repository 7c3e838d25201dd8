// The fast PEM decoder must give exactly the DER that mbedTLS's own PEM reader gives, and step
// aside (nullopt) for anything it does not handle, so that mbedTLS decides as before.
#include <gtest/gtest.h>

#include <mbedtls/pem.h>

#include "fixture_manifest.hpp"
#include "pki/pem_decoder.hpp"

using namespace reelcheck;
using namespace reelcheck::test;

namespace {

// mbedTLS's decoding of one CERTIFICATE block (the reference).
std::optional<Bytes> mbedtls_decode(const Bytes& pem) {
  Bytes text = pem;
  text.push_back('\0');
  mbedtls_pem_context ctx;
  mbedtls_pem_init(&ctx);
  std::size_t used = 0;
  std::optional<Bytes> out;
  if (mbedtls_pem_read_buffer(&ctx, "-----BEGIN CERTIFICATE-----", "-----END CERTIFICATE-----",
                              text.data(), nullptr, 0, &used) == 0)
    out = Bytes(ctx.buf, ctx.buf + ctx.buflen);
  mbedtls_pem_free(&ctx);
  return out;
}

Bytes text(std::string_view s) { return Bytes(s.begin(), s.end()); }

} // namespace

TEST(PemDecoder, MatchesMbedtlsOnEveryFixtureCertificate) {
  std::size_t checked = 0;
  for (const auto& entry : fs::recursive_directory_iterator(fixtures_dir() / "bundles/mixed_certs")) {
    if (entry.path().extension() != ".pem") continue;
    const Bytes pem = read_file(entry.path());
    const auto fast = detail::decode_single_pem_certificate(view(pem));
    const auto reference = mbedtls_decode(pem);
    ASSERT_TRUE(reference.has_value()) << entry.path();
    ASSERT_TRUE(fast.has_value()) << entry.path();
    EXPECT_EQ(*fast, *reference) << entry.path();
    ++checked;
  }
  EXPECT_GE(checked, 30u);
}

TEST(PemDecoder, CrlfAndSurroundingWhitespaceAreFine) {
  const Bytes pem = text("\r\n  -----BEGIN CERTIFICATE-----\r\nAAEC\r\nAw==\r\n-----END CERTIFICATE-----\n\n");
  const auto der = detail::decode_single_pem_certificate(view(pem));
  ASSERT_TRUE(der.has_value());
  EXPECT_EQ(*der, (Bytes{0x00, 0x01, 0x02, 0x03}));
}

TEST(PemDecoder, StepsAsideForAnythingUnusual) {
  for (std::string_view odd : {
           "-----BEGIN CERTIFICATE-----\nAAEC Aw==\n-----END CERTIFICATE-----",   // a space
           "-----BEGIN CERTIFICATE-----\nAAECAw=\n-----END CERTIFICATE-----",     // bad padding
           "-----BEGIN CERTIFICATE-----\nAAECAx==\n-----END CERTIFICATE-----",    // non-zero tail bits
           "-----BEGIN CERTIFICATE-----\nAA==AAEC\n-----END CERTIFICATE-----",    // data after '='
           "-----BEGIN CERTIFICATE-----\nAAE\n-----END CERTIFICATE-----",         // incomplete group
           "-----BEGIN CERTIFICATE-----\n\n-----END CERTIFICATE-----",            // empty
           "-----BEGIN CERTIFICATE-----\nAAEC\n-----END CERTIFICATE-----\n"
           "-----BEGIN CERTIFICATE-----\nAAEC\n-----END CERTIFICATE-----",        // two blocks
           "junk-----BEGIN CERTIFICATE-----\nAAEC\n-----END CERTIFICATE-----",    // text before
           "-----BEGIN PUBLIC KEY-----\nAAEC\n-----END PUBLIC KEY-----",          // another type
           "AAEC",                                                                // no armour
       }) {
    EXPECT_FALSE(detail::decode_single_pem_certificate(view(odd)).has_value()) << odd;
  }
}
