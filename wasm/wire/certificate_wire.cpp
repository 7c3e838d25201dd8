// Layout: "RCC1", u32 count, then per certificate: archive, name (length + bytes), slot (u8),
// data (length + bytes). Around it, an unpacked archive: "RCU1", u32 archive, u32 entries, then
// the RCC1 message. A slice names certificates of an archive instead of carrying them: "RCR1",
// u32 archive, u32 begin, i64 check time, anchors (string), u32 count. See wire_io.hpp.
#include "certificate_wire.hpp"

#include "slice_header.hpp"
#include "wire_io.hpp"

namespace reelcheck::wasm::wire {
namespace {

constexpr std::string_view kTag = "RCC1";
constexpr std::string_view kSliceTag = "RCR1";
constexpr std::string_view kUnpackedTag = "RCU1";

void put_tag(WireWriter& w, std::string_view tag) {
  w.bytes(std::span(reinterpret_cast<const std::uint8_t*>(tag.data()), tag.size()));
}
constexpr std::size_t kMinRecord = 4 + 4 + 1 + 4; // three empty strings and a slot

std::size_t certificates_size(std::span<const CertificateFile> certificates) {
  std::size_t size = kTag.size() + 4;
  for (const auto& c : certificates)
    size += kMinRecord + c.archive.size() + c.name.size() + c.data.size();
  return size;
}

void put_certificates(WireWriter& w, std::span<const CertificateFile> certificates) {
  put_tag(w, kTag);
  w.u32(static_cast<std::uint32_t>(certificates.size()));
  for (const auto& c : certificates) {
    w.str(c.archive);
    w.str(c.name);
    w.u8(static_cast<std::uint8_t>(c.slot));
    w.bytes_with_length(c.data);
  }
}

} // namespace

std::vector<std::uint8_t> encode_certificates(std::span<const CertificateFile> certificates) {
  WireWriter w;
  w.reserve(certificates_size(certificates));
  put_certificates(w, certificates);
  return std::move(w).take();
}

Result<std::vector<CertificateFile>> decode_certificates(std::span<const std::uint8_t> bytes) {
  WireReader r(bytes);
  std::vector<CertificateFile> out;
  if (r.tag(kTag)) {
    const std::uint32_t n = r.count(kMinRecord);
    out.reserve(n);
    for (std::uint32_t i = 0; i < n && r.good(); ++i) {
      CertificateFile& c = out.emplace_back();
      c.archive = r.str();
      c.name = r.str();
      const std::uint8_t slot = r.u8();
      if (slot > static_cast<std::uint8_t>(Slot::kE0E2)) r.fail();
      c.slot = static_cast<Slot>(slot);
      const auto data = r.bytes();
      c.data.assign(data.begin(), data.end());
    }
  }
  if (!r.at_end())
    return make_error(ErrorCode::kBadInput,
                      "a certificate slice handed to a verifier is malformed");
  return out;
}

std::vector<std::uint8_t> encode_slice_ref(const SliceRef& slice) {
  WireWriter w;
  put_slice_header(w, kSliceTag, {slice.archive, slice.begin, slice.terms});
  w.u32(static_cast<std::uint32_t>(slice.count));
  return std::move(w).take();
}

std::vector<std::uint8_t> encode_slice_ref(const CertificateSlice& slice) {
  return encode_slice_ref(
      SliceRef{slice.archive, slice.begin, slice.certificates.size(), slice.terms});
}

Result<SliceRef> decode_slice_ref(std::span<const std::uint8_t> bytes) {
  WireReader r(bytes);
  const SliceHeader h = get_slice_header(r, kSliceTag);
  const std::size_t count = r.u32();
  if (!r.at_end() || count == 0)
    return make_error(ErrorCode::kBadInput,
                      "a certificate slice handed to a verifier is malformed");
  return SliceRef{h.archive, h.begin, count, h.terms};
}

std::vector<std::uint8_t> encode_unpack_outcome(const UnpackOutcome& outcome) {
  WireWriter w;
  // An archive's certificates are megabytes: written once, into a buffer of their size.
  if (outcome.result.ok()) w.reserve(4 + 4 + 1 + 4 + certificates_size(outcome.result->certificates));
  put_tag(w, kUnpackedTag);
  w.u32(static_cast<std::uint32_t>(outcome.archive));
  w.u8(outcome.result.ok() ? 1 : 0);
  if (outcome.result.ok()) {
    w.u32(static_cast<std::uint32_t>(outcome.result->entries));
    put_certificates(w, outcome.result->certificates);
  } else {
    w.str(error_code_name(outcome.result.error().code));
    w.str(outcome.result.error().message);
  }
  return std::move(w).take();
}

Result<UnpackOutcome> decode_unpack_outcome(std::span<const std::uint8_t> bytes) {
  const Error malformed =
      make_error(ErrorCode::kBadInput, "the certificates a worker unpacked came back malformed");
  WireReader r(bytes);
  if (!r.tag(kUnpackedTag)) return malformed;
  const std::size_t archive = r.u32();
  const std::uint8_t ok = r.u8();
  if (!r.good() || ok > 1) return malformed;
  if (ok == 0) {
    const std::string code = r.str();
    std::string message = r.str();
    if (!r.at_end() || message.empty()) return malformed;
    // The code table's names only (reelcheck/codes.hpp): anything else is malformed.
    if (const auto parsed = parse_error_code(code))
      return UnpackOutcome{archive, make_error(*parsed, std::move(message))};
    return malformed;
  }
  UnpackedCertificates unpacked;
  unpacked.archive = archive;
  unpacked.entries = r.u32();
  if (!r.good()) return malformed;
  auto certificates = decode_certificates(r.rest());
  if (!certificates || certificates->size() != unpacked.entries) return malformed;
  unpacked.certificates = std::move(certificates).value();
  return UnpackOutcome{archive, std::move(unpacked)};
}

} // namespace reelcheck::wasm::wire
