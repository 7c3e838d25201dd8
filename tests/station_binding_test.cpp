// Station binding (issue 16, part 3): a station hands over, with the chip's UID, the certificate
// it read from the chip; the core releases the chip's secrets only when that certificate is the
// bundle's, byte for byte. These tests drive the rule in the core (reelcheck/lookup.hpp), where
// the CLI and the page both get it.
#include <gtest/gtest.h>

#include <map>

#include <nlohmann/json.hpp>

#include "fixture_manifest.hpp"
#include "pki/pem_decoder.hpp"
#include "reelcheck/lookup.hpp"

using namespace reelcheck;
using namespace reelcheck::test;

namespace {

// A fixture reel verified with its secrets, and the bundle's own certificates as DER (the
// bytes a chip of this reel holds in its data objects).
struct StationReel {
  Report report;
  std::map<std::pair<std::string, Slot>, Bytes> der; // (chip ID, slot) -> certificate
};

const StationReel& station_reel() {
  static const StationReel reel = [] {
    const FixtureInput in = load_fixture("clean_7z");
    const auto inputs = in.inputs();
    auto bundle = BundleReader().open(inputs, view(in.key));
    if (!bundle) throw std::runtime_error(bundle.error().message);
    const TrustStore trust = fixture_trust();
    const ChainVerifier verifier(trust);
    StationReel r;
    std::vector<CertificateVerdict> verdicts;
    for (const auto& cert : bundle->certificates) {
      verdicts.push_back(verifier.verify(cert, fixture_check_time()));
      auto der = detail::decode_single_pem_certificate(cert.data);
      if (!der) throw std::runtime_error("fixture certificate is not one PEM block");
      r.der[{verdicts.back().chip_id, cert.slot}] = std::move(*der);
    }
    r.report = build_report(*bundle, std::move(verdicts), trust, {fixture_check_time(), true});
    return r;
  }();
  return reel;
}

std::string hex(const Bytes& b, bool upper = false) {
  static const char* digits[] = {"0123456789abcdef", "0123456789ABCDEF"};
  std::string out;
  for (auto x : b) {
    out += digits[upper][x >> 4];
    out += digits[upper][x & 15];
  }
  return out;
}

std::string base64(const Bytes& b) {
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < b.size(); i += 3) {
    const std::uint32_t v = b[i] << 16 | b[i + 1] << 8 | b[i + 2];
    for (int s : {18, 12, 6, 0})
      out += alphabet[(v >> s) & 63];
  }
  if (b.size() - i == 1) {
    const std::uint32_t v = b[i] << 16;
    out += std::string{alphabet[v >> 18], alphabet[(v >> 12) & 63]} + "==";
  } else if (b.size() - i == 2) {
    const std::uint32_t v = b[i] << 16 | b[i + 1] << 8;
    out += std::string{alphabet[v >> 18], alphabet[(v >> 12) & 63], alphabet[(v >> 6) & 63]} + "=";
  }
  return out;
}

// The data object as the chip stores it: 0xC0, 2-byte length, 3-byte list length, 3-byte
// certificate length, certificate.
Bytes tls_identity(const Bytes& der) {
  const std::size_t n = der.size();
  Bytes out = {0xC0,
               std::uint8_t((n + 6) >> 8),
               std::uint8_t(n + 6),
               std::uint8_t((n + 3) >> 16),
               std::uint8_t((n + 3) >> 8),
               std::uint8_t(n + 3),
               std::uint8_t(n >> 16),
               std::uint8_t(n >> 8),
               std::uint8_t(n)};
  out.insert(out.end(), der.begin(), der.end());
  return out;
}

const std::string kChip = "0A1B2C3D4E5F00120034";
const std::string kOtherChip = "0A1B2C3D4E5F00120035";
const std::string kUid = "CD1633820100120005000A0A1B2C3D4E5F001200348B1E53A0F10B";

const Bytes& der_of(const std::string& chip, Slot slot) {
  return station_reel().der.at({chip, slot});
}

nlohmann::json json_of(const LookupAnswer& a, bool include_secrets = true) {
  const SecureString line = lookup_answer_to_json_line(a, include_secrets);
  return nlohmann::json::parse(line.begin(), line.end());
}

std::string error_of(std::string_view text) {
  const auto parsed = parse_station_certificate(text);
  return parsed ? std::string("(accepted)") : parsed.error().message;
}

} // namespace

TEST(StationCertificate, BareDerOrTlsIdentityInHexOrBase64AllGiveTheDer) {
  const Bytes& der = der_of(kChip, Slot::kE0E0);
  ASSERT_EQ(der[0], 0x30);
  const Bytes object = tls_identity(der);
  for (const std::string& text :
       {hex(der), hex(der, true), "0x" + hex(der), base64(der), hex(object), "0X" + hex(object),
        base64(object), "  " + base64(object) + "\r\n"}) {
    const auto parsed = parse_station_certificate(text);
    ASSERT_TRUE(parsed.ok()) << text.substr(0, 40) << ": " << parsed.error().message;
    EXPECT_EQ(*parsed, der) << text.substr(0, 40);
  }
}

TEST(StationCertificate, EveryTlsIdentityLengthMustAgreeWithTheData) {
  const Bytes object = tls_identity(der_of(kChip, Slot::kE0E0));
  // Each length field one too many and one too few: refused, naming the field.
  const struct {
    std::size_t offset, width;
    const char* name;
  } fields[] = {{1, 2, "whose length says"},
                {3, 3, "whose certificate list length says"},
                {6, 3, "whose certificate length says"}};
  for (const auto& f : fields) {
    for (int delta : {+1, -1}) {
      Bytes bad = object;
      std::size_t v = 0;
      for (std::size_t i = 0; i < f.width; ++i)
        v = v << 8 | bad[f.offset + i];
      v = static_cast<std::size_t>(static_cast<long>(v) + delta);
      for (std::size_t i = f.width; i-- > 0; v >>= 8)
        bad[f.offset + i] = std::uint8_t(v);
      const std::string message = error_of(hex(bad));
      EXPECT_NE(message.find(f.name), std::string::npos)
          << f.name << " " << delta << ": " << message;
    }
  }
  // A read cut short, or with a byte too many: every length disagrees with the data.
  EXPECT_NE(error_of(hex(Bytes(object.begin(), object.end() - 1))).find("whose length says"),
            std::string::npos);
  Bytes padded = object;
  padded.push_back(0xFF);
  EXPECT_NE(error_of(hex(padded)).find("whose length says"), std::string::npos);
  // The header itself cut short, and a header with nothing behind it.
  for (std::size_t n = 1; n < 9; ++n)
    EXPECT_NE(error_of(hex(Bytes(object.begin(), object.begin() + n))).find("header alone is 9"),
              std::string::npos)
        << n;
  EXPECT_NE(error_of("C00006000003000000").find("without a certificate"), std::string::npos)
      << error_of("C00006000003000000");
  // Consistent header lengths around a certificate whose own DER length is wrong.
  Bytes inner = der_of(kChip, Slot::kE0E0);
  inner.pop_back();
  EXPECT_NE(error_of(hex(tls_identity(inner))).find("DER length"), std::string::npos);
}

TEST(StationCertificate, MalformedFieldsSayWhatIsWrong) {
  const Bytes& der = der_of(kChip, Slot::kE0E0);
  Bytes trailing = der;
  trailing.push_back(0x00);
  const std::pair<std::string, const char*> cases[] = {
      {"", "is empty"},
      {hex(der).substr(1), "odd number of hex digits"},
      {"0x30zz", "not all hex digits"},
      {base64(der).substr(1), "neither hex nor base64"},
      {"MIIB AAAA", "neither hex nor base64"},
      {hex(Bytes(der.begin(), der.end() - 1)), "DER length"}, // cut off
      {hex(trailing), "DER length"},                          // a byte after the certificate
      {"3180", "0x31"},                                       // not a SEQUENCE
      {"3080", "indefinite length"},
      {"30810100", "shortest form"},
      {"3084000000010000", "far too long"},
      {"30", "too short"},
      {"04020000", "neither a DER certificate (0x30) nor a TLS identity header (0xC0)"},
      {std::string(10000, 'A'), "more than any data object holds"},
  };
  for (const auto& [text, expected] : cases) {
    const std::string message = error_of(text);
    EXPECT_NE(message.find(expected), std::string::npos) << text.substr(0, 30) << " -> " << message;
    EXPECT_EQ(message.rfind("the certificate read from the chip", 0), 0u) << message;
  }
}

// Found by fuzz_station_certificate: the limit was on the text alone, so base64 (4 symbols for
// 3 bytes) carried up to 6,144 bytes where hex stopped at 4,096, and the same bytes were
// accepted in one spelling and refused in the other.
TEST(StationCertificate, TheSizeLimitIsOnTheBytesWhateverTheSpelling) {
  const auto sequence = [](std::size_t total) {
    Bytes der{0x30, 0x82, std::uint8_t((total - 4) >> 8), std::uint8_t(total - 4)};
    der.resize(total, 0x05);
    return der;
  };
  const Bytes largest = sequence(4096), too_large = sequence(4097), base64_sized = sequence(5000);
  for (const std::string& text : {hex(largest), "0x" + hex(largest), base64(largest)}) {
    const auto parsed = parse_station_certificate(text);
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_EQ(*parsed, largest);
  }
  for (const Bytes& der : {too_large, base64_sized})
    for (const std::string& text : {hex(der), base64(der), base64(tls_identity(der))})
      EXPECT_NE(error_of(text).find("more than any data object holds"), std::string::npos)
          << der.size() << ": " << error_of(text);
}

TEST(StationBinding, TheBundlesCertificateReleasesTheSecrets) {
  const Report& report = station_reel().report;
  const Bytes& der = der_of(kChip, Slot::kE0E0);
  for (const std::string& line :
       {kUid + " " + hex(der), kUid + "," + base64(tls_identity(der)),
        kChip + "\t" + hex(tls_identity(der), true), "  " + kUid + " , 0x" + hex(der) + "  "}) {
    const LookupAnswer a = look_up_chip(report, line);
    EXPECT_EQ(a.outcome, LookupOutcome::kFound) << a.message;
    EXPECT_TRUE(a.certificate_checked);
    EXPECT_EQ(a.chip_id, kChip);
    const auto j = json_of(a);
    EXPECT_EQ(j["answer"], "found");
    EXPECT_EQ(j["certificate_checked"], true);
    EXPECT_TRUE(j["chip"]["pbs"].contains("value")) << "a checked chip's secrets are released";
    EXPECT_LE(j["query"].get<std::string>().size(), kUid.size()) << "the chip part is echoed";
  }
  // Another slot: the station says which data object it read.
  const LookupAnswer e0e2 =
      look_up_chip(report, kUid + " " + hex(der_of(kChip, Slot::kE0E2)), Slot::kE0E2);
  EXPECT_EQ(e0e2.outcome, LookupOutcome::kFound) << e0e2.message;
  EXPECT_EQ(e0e2.certificate_slot, Slot::kE0E2);
}

TEST(StationBinding, AnyOtherCertificateIsAMismatchAndReleasesNoSecret) {
  const Report& report = station_reel().report;
  const ChipRecord& chip = *report.find_chip(kChip);
  ASSERT_TRUE(chip.pbs.present);
  const std::string pbs = [&] {
    std::string h;
    for (auto b : chip.pbs.value)
      h += "0123456789ABCDEF"[b >> 4], h += "0123456789ABCDEF"[b & 15];
    return h;
  }();
  // Another chip's certificate, this chip's certificate of another slot (given as E0E0), and
  // this chip's certificate with one byte changed inside (its lengths still consistent).
  Bytes changed = der_of(kChip, Slot::kE0E0);
  changed[changed.size() / 2] ^= 0x01;
  for (const Bytes& presented :
       {der_of(kOtherChip, Slot::kE0E0), der_of(kChip, Slot::kE0E1), changed}) {
    for (const std::string& field : {hex(presented), base64(tls_identity(presented))}) {
      const LookupAnswer a = look_up_chip(report, kUid + " " + field);
      EXPECT_EQ(a.outcome, LookupOutcome::kCertificateMismatch) << a.message;
      EXPECT_FALSE(a.may_release_secrets());
      EXPECT_TRUE(a.certificate_checked);
      const SecureString line = lookup_answer_to_json_line(a, /*include_secrets=*/true);
      const auto j = nlohmann::json::parse(line.begin(), line.end());
      EXPECT_EQ(j["answer"], "certificate_mismatch");
      EXPECT_EQ(j["certificate_checked"], true);
      EXPECT_EQ(j["chip"]["chip_id"], kChip) << "the chip object, without secret values";
      EXPECT_FALSE(j["chip"]["pbs"].contains("value"));
      EXPECT_FALSE(j["chip"]["auth"].contains("value"));
      EXPECT_EQ(std::string_view(line).find(pbs), std::string_view::npos);
      EXPECT_NE(a.message.find("no secret is released"), std::string::npos) << a.message;
    }
  }
  // The bundle has no certificate in that slot: nothing to match, so nothing is released.
  Report without = report;
  for (auto& c : without.chips)
    if (c.chip_id == kChip) c.certificates[0].reset();
  const LookupAnswer none = look_up_chip(without, kUid + " " + hex(der_of(kChip, Slot::kE0E0)));
  EXPECT_EQ(none.outcome, LookupOutcome::kCertificateMismatch) << none.message;
  EXPECT_NE(none.message.find("holds no E0E0 certificate"), std::string::npos) << none.message;
}

TEST(StationBinding, AMalformedCertificateIsMalformedAndReleasesNothing) {
  const Report& report = station_reel().report;
  Bytes cut = tls_identity(der_of(kChip, Slot::kE0E0));
  cut.resize(cut.size() - 10);
  for (const std::string& field : {hex(cut), std::string("zz!"), std::string("C0")}) {
    const LookupAnswer a = look_up_chip(report, kUid + " " + field);
    EXPECT_EQ(a.outcome, LookupOutcome::kMalformed) << a.message;
    EXPECT_FALSE(a.certificate_checked);
    EXPECT_EQ(a.chip, nullptr);
    EXPECT_EQ(a.chip_id, kChip) << "the chip part was readable";
    EXPECT_NE(a.message.find("the certificate read from the chip"), std::string::npos) << a.message;
    EXPECT_FALSE(json_of(a).contains("chip"));
  }
  // A certificate with spaces in it is one field too many: the message is about the certificate.
  const LookupAnswer spaced = look_up_chip(report, kUid + " 30 82 01 0A");
  EXPECT_EQ(spaced.outcome, LookupOutcome::kMalformed);
  EXPECT_NE(spaced.message.find("certificate"), std::string::npos) << spaced.message;
}

TEST(StationBinding, ALineWithoutACertificateIsAnsweredAsBefore) {
  const Report& report = station_reel().report;
  std::string spaced_uid;
  for (std::size_t i = 0; i < kUid.size(); i += 2)
    spaced_uid += (i ? ":" : "") + kUid.substr(i, 2);
  for (const std::string& line : {kChip, kUid, spaced_uid, "0x" + kChip}) {
    const LookupAnswer a = look_up_chip(report, line);
    EXPECT_EQ(a.outcome, LookupOutcome::kFound) << line;
    EXPECT_FALSE(a.certificate_checked);
    const auto j = json_of(a);
    EXPECT_EQ(j["certificate_checked"], false);
    EXPECT_TRUE(j["chip"]["pbs"].contains("value"));
  }
  EXPECT_EQ(look_up_chip(report, "not a chip").outcome, LookupOutcome::kMalformed);
  // Not in the reel: nothing to compare the certificate with.
  const LookupAnswer absent =
      look_up_chip(report, "FFFFFFFFFFFF00000000 " + hex(der_of(kChip, Slot::kE0E0)));
  EXPECT_EQ(absent.outcome, LookupOutcome::kNotInReel);
  EXPECT_FALSE(absent.certificate_checked);
  // The chip and the certificate apart (the CLI's --chip and --chip-cert).
  const LookupAnswer apart =
      look_up_chip(report, kChip, base64(der_of(kChip, Slot::kE0E1)), Slot::kE0E1);
  EXPECT_EQ(apart.outcome, LookupOutcome::kFound) << apart.message;
  EXPECT_TRUE(apart.certificate_checked);
}
