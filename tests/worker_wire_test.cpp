// The page's worker wire formats (wasm/wire): certificate slices out to the verifiers, verdicts
// back, the keys archive's key a verifier derived ahead. What goes in comes out field for field,
// and anything damaged on the way is refused: cut short anywhere, a byte left over, a value out of
// range, or a summary that contradicts the details.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "certificate_wire.hpp"
#include "key_wire.hpp"
#include "reelcheck/codes.hpp"
#include "verdict_wire.hpp"

namespace reelcheck::wasm::wire {
namespace {

std::vector<CertificateVerdict> sample_verdicts() {
  std::vector<CertificateVerdict> out;
  for (Slot slot : kAllSlots) {
    CertificateVerdict v;
    v.archive = "REEL_E0E0_Certs.7z";
    v.file = "00010203040506070809_" + std::string(slot_name(slot)) + ".pem";
    v.slot = slot;
    v.chip_id = "00010203040506070809";
    v.parsed = true;
    v.subject = "CN=Device \xC3\xA9";
    v.issuer = "CN=Test CA";
    v.serial = "01:02";
    v.not_before = "2024-01-01T00:00:00Z";
    v.not_after = "2044-01-01T00:00:00Z";
    v.key_type = slot == Slot::kE0E2 ? "RSA 2048" : "EC P-256";
    v.fingerprint_sha256 = std::string(64, 'a');
    v.public_key_sha256 = std::string(64, 'b');
    v.chain = {"Test CA", "Test Root"};
    out.push_back(v);
  }
  out[1].problems.push_back(
      Problem{ProblemCode::kExpired, "certificate expired on 2021-01-01T00:00:00Z"});
  out[1].problems.push_back(Problem{ProblemCode::kIssuerUntrusted, "no trust anchor"});
  out[2].parsed = false; // unparsable: failed without problems of its own
  out[2].problems.push_back(Problem{ProblemCode::kUnparsable, "not a certificate"});
  return out;
}

void expect_same(const CertificateVerdict& a, const CertificateVerdict& b) {
  EXPECT_EQ(a.archive, b.archive);
  EXPECT_EQ(a.file, b.file);
  EXPECT_EQ(a.slot, b.slot);
  EXPECT_EQ(a.chip_id, b.chip_id);
  EXPECT_EQ(a.parsed, b.parsed);
  EXPECT_EQ(a.subject, b.subject);
  EXPECT_EQ(a.issuer, b.issuer);
  EXPECT_EQ(a.serial, b.serial);
  EXPECT_EQ(a.not_before, b.not_before);
  EXPECT_EQ(a.not_after, b.not_after);
  EXPECT_EQ(a.key_type, b.key_type);
  EXPECT_EQ(a.fingerprint_sha256, b.fingerprint_sha256);
  EXPECT_EQ(a.public_key_sha256, b.public_key_sha256);
  EXPECT_EQ(a.chain, b.chain);
  ASSERT_EQ(a.problems.size(), b.problems.size());
  for (std::size_t i = 0; i < a.problems.size(); ++i) {
    EXPECT_EQ(a.problems[i].code, b.problems[i].code);
    EXPECT_EQ(a.problems[i].message, b.problems[i].message);
  }
}

TEST(VerdictWire, RoundTripsEveryField) {
  const auto verdicts = sample_verdicts();
  const auto bytes = encode_verdicts(verdicts);
  const auto back = decode_verdicts(bytes);
  ASSERT_TRUE(back.ok()) << back.error().message;
  ASSERT_EQ(back->size(), verdicts.size());
  for (std::size_t i = 0; i < verdicts.size(); ++i)
    expect_same((*back)[i], verdicts[i]);
  EXPECT_EQ(encode_verdicts(*back), bytes);

  const auto none = decode_verdicts(encode_verdicts({}));
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

// A verifier whose answer was cut short anywhere (a lost tail would otherwise drop the last
// verdict's problems) or grew a byte is refused as a whole.
TEST(VerdictWire, RefusesEveryTruncationAndTrailingBytes) {
  const auto bytes = encode_verdicts(sample_verdicts());
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    const auto read = decode_verdicts(std::span(bytes).first(n));
    ASSERT_FALSE(read.ok()) << "accepted the first " << n << " of " << bytes.size() << " bytes";
    EXPECT_EQ(read.error().code, ErrorCode::kBadInput);
    EXPECT_NE(read.error().message.find("verdict batch from a verifier"), std::string::npos);
  }
  auto longer = bytes;
  longer.push_back(0);
  EXPECT_FALSE(decode_verdicts(longer).ok());
}

// Offsets into the first record of a one-verdict batch: tag (4) + count (4), then archive and
// file (length + bytes) and the slot byte.
std::size_t slot_offset(const CertificateVerdict& v) {
  return 8 + 4 + v.archive.size() + 4 + v.file.size();
}
std::size_t verdict_byte_offset(const CertificateVerdict& v) {
  return slot_offset(v) + 1 + 4 + v.chip_id.size();
}

TEST(VerdictWire, RefusesValuesOutOfRangeAndContradictions) {
  const auto all = sample_verdicts();
  const std::vector<CertificateVerdict> good{all[0]}, bad{all[1]};
  auto good_bytes = encode_verdicts(good);
  auto bad_bytes = encode_verdicts(bad);
  ASSERT_TRUE(decode_verdicts(good_bytes).ok());
  ASSERT_TRUE(decode_verdicts(bad_bytes).ok());

  auto damaged = [](std::vector<std::uint8_t> b, std::size_t at, std::uint8_t value) {
    b.at(at) = value;
    return decode_verdicts(b);
  };
  EXPECT_FALSE(damaged(good_bytes, 0, 'X').ok());                          // not a verdict batch
  EXPECT_FALSE(damaged(good_bytes, 3, '2').ok());                          // another version
  EXPECT_FALSE(damaged(good_bytes, slot_offset(good[0]), 3).ok());         // no such slot
  EXPECT_FALSE(damaged(good_bytes, verdict_byte_offset(good[0]), 2).ok()); // neither ok nor failed
  EXPECT_FALSE(damaged(good_bytes, verdict_byte_offset(good[0]) + 1, 2).ok()); // parsed = 2
  // "failed" for a certificate without problems, "ok" for one with problems, "ok" unparsed.
  const auto says_failed = damaged(good_bytes, verdict_byte_offset(good[0]), 0);
  ASSERT_FALSE(says_failed.ok());
  EXPECT_NE(says_failed.error().message.find("verdict 1 whose summary contradicts"),
            std::string::npos)
      << says_failed.error().message;
  EXPECT_FALSE(damaged(bad_bytes, verdict_byte_offset(bad[0]), 1).ok());
  EXPECT_FALSE(damaged(good_bytes, verdict_byte_offset(good[0]) + 1, 0).ok());

  // A problem code no one knows is refused, not passed on as some problem: "expired" (the
  // first problem's name) becomes "expirex".
  const std::string name = "expired";
  const auto at = std::search(bad_bytes.begin(), bad_bytes.end(), name.begin(), name.end());
  ASSERT_NE(at, bad_bytes.end());
  auto renamed = bad_bytes;
  renamed[static_cast<std::size_t>(at - bad_bytes.begin()) + name.size() - 1] = 'x';
  EXPECT_FALSE(decode_verdicts(renamed).ok());
}

// Fail closed: a verdict marked failed must name at least one problem. Unparsed with no
// problems is consistent with itself ("failed" = not parsed), so only this rule refuses it.
TEST(VerdictWire, RefusesAFailedVerdictWithoutProblems) {
  auto verdicts = sample_verdicts();
  verdicts[2].problems.clear(); // parsed = 0, verdict failed, no problems
  ASSERT_FALSE(verdicts[2].ok());
  const auto read = decode_verdicts(encode_verdicts(verdicts));
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, ErrorCode::kBadInput);
  EXPECT_NE(read.error().message.find("verdict 3 that failed without naming a problem"),
            std::string::npos)
      << read.error().message;

  // The same record with its problem back is accepted.
  EXPECT_TRUE(decode_verdicts(encode_verdicts(sample_verdicts())).ok());
}

// A count that the rest of the batch cannot hold is refused before anything is reserved for it.
TEST(VerdictWire, RefusesCountsTheBytesCannotHold) {
  auto bytes = encode_verdicts(sample_verdicts());
  for (std::size_t i = 4; i < 8; ++i)
    bytes[i] = 0xFF;
  EXPECT_FALSE(decode_verdicts(bytes).ok());
  bytes = encode_verdicts(sample_verdicts());
  bytes[4] = 2; // three verdicts announced as two: the third is left over
  EXPECT_FALSE(decode_verdicts(bytes).ok());
  bytes[4] = 4; // or four, one of them missing
  EXPECT_FALSE(decode_verdicts(bytes).ok());
}

std::vector<CertificateFile> sample_certificates() {
  std::vector<CertificateFile> out;
  for (Slot slot : kAllSlots) {
    CertificateFile c{
        "REEL_E0E1_Certs.7z", "chip_" + std::string(slot_name(slot)) + ".der", slot, {}};
    for (int i = 0; i < 300; ++i)
      c.data.push_back(static_cast<std::uint8_t>(i * 7 + static_cast<int>(slot)));
    out.push_back(std::move(c));
  }
  out.push_back(CertificateFile{"", "", Slot::kE0E0, {}});
  return out;
}

TEST(CertificateWire, RoundTripsEveryField) {
  const auto certs = sample_certificates();
  const auto back = decode_certificates(encode_certificates(certs));
  ASSERT_TRUE(back.ok()) << back.error().message;
  ASSERT_EQ(back->size(), certs.size());
  for (std::size_t i = 0; i < certs.size(); ++i) {
    EXPECT_EQ((*back)[i].archive, certs[i].archive);
    EXPECT_EQ((*back)[i].name, certs[i].name);
    EXPECT_EQ((*back)[i].slot, certs[i].slot);
    EXPECT_EQ((*back)[i].data, certs[i].data);
  }
}

TEST(CertificateWire, RefusesTruncationTrailingBytesAndUnknownSlots) {
  const auto bytes = encode_certificates(sample_certificates());
  for (std::size_t n = 0; n < bytes.size(); ++n)
    ASSERT_FALSE(decode_certificates(std::span(bytes).first(n)).ok()) << n;
  auto longer = bytes;
  longer.push_back(1);
  EXPECT_FALSE(decode_certificates(longer).ok());
  auto slot = bytes;
  const CertificateFile first = sample_certificates()[0];
  slot.at(8 + 4 + first.archive.size() + 4 + first.name.size()) = 7;
  const auto read = decode_certificates(slot);
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.error().message.find("certificate slice"), std::string::npos);
}

const std::string kAnchors(64, 'a');

// The messages around them: a slice names its place and terms, a verdict slice echoes them, an
// unpacked archive carries its certificates or its error. Each round-trips exactly and refuses
// any truncation, trailing byte or malformed fingerprint.
TEST(WorkWire, SlicesVerdictSlicesAndUnpackOutcomesRoundTripAndRefuseDamage) {
  const auto certs = sample_certificates();
  const CertificateSlice slice{2, 640, certs, {1780272000, kAnchors}};
  const auto slice_bytes = encode_slice_ref(slice);
  const auto back = decode_slice_ref(slice_bytes);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->archive, 2u);
  EXPECT_EQ(back->begin, 640u);
  EXPECT_EQ(back->count, certs.size());
  EXPECT_EQ(back->terms, slice.terms);
  // A slice names its certificates, never carries them: its size does not grow with theirs.
  EXPECT_EQ(slice_bytes.size(), 4u + 4 + 4 + 8 + 4 + 64 + 4);
  // A slice of no certificate is no slice.
  EXPECT_FALSE(decode_slice_ref(encode_slice_ref(CertificateSlice{2, 640, {}, slice.terms})).ok());

  VerdictSlice verdicts{1, 128, {-5, kAnchors}, sample_verdicts()};
  const auto verdict_bytes = encode_verdict_slice(verdicts);
  const auto verdicts_back = decode_verdict_slice(verdict_bytes);
  ASSERT_TRUE(verdicts_back.ok()) << verdicts_back.error().message;
  EXPECT_EQ(verdicts_back->terms.at, -5);
  EXPECT_EQ(encode_verdict_slice(*verdicts_back), verdict_bytes);

  const auto unpacked_bytes =
      encode_unpack_outcome(UnpackOutcome{1, UnpackedCertificates{1, certs.size(), certs}});
  const auto unpacked = decode_unpack_outcome(unpacked_bytes);
  ASSERT_TRUE(unpacked.ok() && unpacked->result.ok());
  EXPECT_EQ(unpacked->result->certificates.size(), certs.size());
  const auto failed_bytes = encode_unpack_outcome(
      UnpackOutcome{2, make_error(ErrorCode::kCrcMismatch, "CRC mismatch in x.7z")});
  const auto failed = decode_unpack_outcome(failed_bytes);
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(failed->archive, 2u);
  ASSERT_FALSE(failed->result.ok());
  EXPECT_EQ(failed->result.error().code, ErrorCode::kCrcMismatch);
  EXPECT_EQ(failed->result.error().message, "CRC mismatch in x.7z");

  for (const auto* bytes : {&slice_bytes, &verdict_bytes, &unpacked_bytes, &failed_bytes}) {
    const auto decodes = [&](std::span<const std::uint8_t> b) {
      return bytes == &slice_bytes     ? decode_slice_ref(b).ok()
             : bytes == &verdict_bytes ? decode_verdict_slice(b).ok()
                                       : decode_unpack_outcome(b).ok();
    };
    for (std::size_t n = 0; n < bytes->size(); ++n)
      ASSERT_FALSE(decodes(std::span(*bytes).first(n))) << n;
    auto longer = *bytes;
    longer.push_back(0);
    EXPECT_FALSE(decodes(longer));
  }
  // The fingerprint is 64 lower-case hex digits, nothing else.
  auto upper = slice_bytes;
  upper.at(4 + 4 + 4 + 8 + 4) = 'A';
  EXPECT_FALSE(decode_slice_ref(upper).ok());
  // An error code the reader does not know is no outcome.
  auto renamed = failed_bytes;
  renamed.at(4 + 4 + 1 + 4) = 'X';
  EXPECT_FALSE(decode_unpack_outcome(renamed).ok());
  // An unpacked archive whose entry count disagrees with its certificates is refused.
  auto count = unpacked_bytes;
  count.at(4 + 4 + 1) ^= 1;
  EXPECT_FALSE(decode_unpack_outcome(count).ok());
}

// The keys archive's key a verifier derived, on its way to the coordinator: whole or refused.
TEST(KeyWire, RoundTripsAndRefusesAnythingElse) {
  auto derived = derive_seven_zip_key(
      std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>("transport-key"), 13));
  ASSERT_TRUE(derived.ok());
  const SecureBytes bytes = encode_derived_key(*derived);
  ASSERT_EQ(bytes.size(), kDerivedKeyWireSize);
  auto back = decode_derived_key(as_bytes(bytes));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->cycles_power, 19u);
  EXPECT_EQ(back->key, derived->key);
  EXPECT_EQ(back->password_check, derived->password_check);

  for (std::size_t n = 0; n < bytes.size(); ++n)
    EXPECT_FALSE(decode_derived_key(as_bytes(bytes).first(n)).ok()) << n;
  SecureBytes longer = bytes;
  longer.push_back(0);
  EXPECT_FALSE(decode_derived_key(as_bytes(longer)).ok());
  SecureBytes tag = bytes;
  tag[3] = '2';
  EXPECT_FALSE(decode_derived_key(as_bytes(tag)).ok());
  SecureBytes rounds = bytes;
  rounds[4] = 25; // more than 7-Zip's 2^24
  const auto refused = decode_derived_key(as_bytes(rounds));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message, "a key derived by a worker is malformed");
  rounds[4] = 24;
  EXPECT_TRUE(decode_derived_key(as_bytes(rounds)).ok());
  // A key without its parts is never written.
  EXPECT_TRUE(encode_derived_key(SevenZipKey{}).empty());
}

} // namespace
} // namespace reelcheck::wasm::wire
