// µs per P-384 signature verification inside WebAssembly, for bench/run.sh (never the page).
// The device certificates of a reel are all signed by one P-384 CA key; this times verifying
// their signatures with the engine the page uses (EcdsaP384Verifier: fixed-base tables for G and
// the CA key), in one batch (verify_batch, as a slice is verified) and with mbedTLS's general
// path (mbedtls_pk_verify), in the same module and run.
// Hashing and certificate parsing are done once up front: only the verifications are timed.
//
// From JavaScript: Module.benchP384(caPem: Uint8Array, devicePems: Uint8Array[], rounds)
//   -> {ok, count, engine_us, batch_us, mbedtls_us, table_ms, agree} or {ok:false, message}
#include <emscripten/bind.h>
#include <emscripten/emscripten.h>
#include <emscripten/val.h>

#include <mbedtls/md.h>
#include <mbedtls/pk.h>
#include <mbedtls/x509_crt.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "crypto/ecdsa_p384.hpp"

using emscripten::val;

namespace {

std::vector<std::uint8_t> bytes_from_js(const val& array) {
  std::vector<std::uint8_t> out = emscripten::convertJSArrayToNumberVector<std::uint8_t>(array);
  out.push_back(0); // PEM parsing wants the terminating NUL inside the length
  return out;
}

// One parsed certificate, freed with it.
struct Certificate {
  mbedtls_x509_crt crt;
  Certificate() { mbedtls_x509_crt_init(&crt); }
  ~Certificate() { mbedtls_x509_crt_free(&crt); }
  Certificate(const Certificate&) = delete;
  Certificate& operator=(const Certificate&) = delete;
  bool parse(const std::vector<std::uint8_t>& pem) {
    return mbedtls_x509_crt_parse(&crt, pem.data(), pem.size()) == 0;
  }
};

struct SignedHash {
  mbedtls_md_type_t md;
  std::vector<std::uint8_t> hash;
  std::vector<std::uint8_t> signature;
};

val failure(const std::string& message) {
  val out = val::object();
  out.set("ok", false);
  out.set("message", message);
  return out;
}

val benchP384(const val& ca_pem, const val& device_pems, int rounds) {
  Certificate ca;
  if (!ca.parse(bytes_from_js(ca_pem))) return failure("CA certificate does not parse");
  if (!mbedtls_pk_can_do(&ca.crt.pk, MBEDTLS_PK_ECDSA)) return failure("CA key is not ECDSA");
  const mbedtls_ecp_keypair& key = *mbedtls_pk_ec(ca.crt.pk);
  if (key.grp.id != MBEDTLS_ECP_DP_SECP384R1) return failure("CA key is not P-384");
  unsigned char point[MBEDTLS_ECP_MAX_PT_LEN];
  std::size_t point_len = 0;
  if (mbedtls_ecp_point_write_binary(&key.grp, &key.Q, MBEDTLS_ECP_PF_UNCOMPRESSED, &point_len,
                                     point, sizeof point) != 0)
    return failure("CA point does not serialise");

  std::vector<SignedHash> items;
  const auto n = device_pems["length"].as<std::size_t>();
  for (std::size_t i = 0; i < n; ++i) {
    Certificate device;
    if (!device.parse(bytes_from_js(device_pems[i]))) return failure("device certificate does not parse");
    const mbedtls_md_info_t* md = mbedtls_md_info_from_type(device.crt.sig_md);
    if (md == nullptr) return failure("unknown digest");
    SignedHash item{device.crt.sig_md, std::vector<std::uint8_t>(mbedtls_md_get_size(md)), {}};
    mbedtls_md(md, device.crt.tbs.p, device.crt.tbs.len, item.hash.data());
    item.signature.assign(device.crt.sig.p, device.crt.sig.p + device.crt.sig.len);
    items.push_back(std::move(item));
  }
  if (items.empty()) return failure("no device certificates");

  double t = emscripten_get_now();
  const auto engine = reelcheck::detail::EcdsaP384Verifier::create(std::span(point, point_len));
  if (!engine) return failure("the engine refused the CA key");
  engine->verify(items[0].hash, items[0].signature); // builds the CA key's table
  const double table_ms = emscripten_get_now() - t;

  std::size_t engine_valid = 0;
  t = emscripten_get_now();
  for (int r = 0; r < rounds; ++r)
    for (const auto& item : items) engine_valid += engine->verify(item.hash, item.signature) ? 1 : 0;
  const double engine_us = (emscripten_get_now() - t) * 1000.0 / double(rounds * items.size());

  // The batch, as a slice is verified (ChainVerifier::verify_all): every signature at once.
  std::vector<reelcheck::detail::EcdsaP384Verifier::Signed> batch;
  for (const auto& item : items) batch.push_back({engine.get(), item.hash, item.signature});
  std::size_t batch_valid = 0;
  t = emscripten_get_now();
  for (int r = 0; r < rounds; ++r)
    for (const bool v : reelcheck::detail::EcdsaP384Verifier::verify_batch(batch)) batch_valid += v;
  const double batch_us = (emscripten_get_now() - t) * 1000.0 / double(rounds * items.size());

  // mbedTLS: one round (it is several times slower).
  std::size_t mbedtls_valid = 0;
  t = emscripten_get_now();
  for (const auto& item : items)
    mbedtls_valid += mbedtls_pk_verify(&ca.crt.pk, item.md, item.hash.data(), item.hash.size(),
                                       item.signature.data(), item.signature.size()) == 0
                         ? 1
                         : 0;
  const double mbedtls_us = (emscripten_get_now() - t) * 1000.0 / double(items.size());

  val out = val::object();
  out.set("ok", true);
  out.set("count", double(items.size()));
  out.set("valid", double(mbedtls_valid));
  out.set("engine_us", engine_us);
  out.set("batch_us", batch_us);
  out.set("mbedtls_us", mbedtls_us);
  out.set("table_ms", table_ms);
  out.set("agree", engine_valid == mbedtls_valid * std::size_t(rounds) &&
                       batch_valid == engine_valid);
  return out;
}

} // namespace

EMSCRIPTEN_BINDINGS(p384_wasm_bench) {
  emscripten::function("benchP384", &benchP384);
}
