// Layout: "RCC1", u32 count, then per certificate: archive, name (length + bytes), slot (u8),
// data (length + bytes). See wire_io.hpp.
#include "certificate_wire.hpp"

#include "wire_io.hpp"

namespace reelcheck::wasm::wire {
namespace {

constexpr std::string_view kTag = "RCC1";
constexpr std::size_t kMinRecord = 4 + 4 + 1 + 4; // three empty strings and a slot

} // namespace

std::vector<std::uint8_t> encode_certificates(std::span<const CertificateFile> certificates) {
  std::size_t size = kTag.size() + 4;
  for (const auto& c : certificates)
    size += kMinRecord + c.archive.size() + c.name.size() + c.data.size();
  WireWriter w;
  w.reserve(size);
  w.bytes(std::span(reinterpret_cast<const std::uint8_t*>(kTag.data()), kTag.size()));
  w.u32(static_cast<std::uint32_t>(certificates.size()));
  for (const auto& c : certificates) {
    w.str(c.archive);
    w.str(c.name);
    w.u8(static_cast<std::uint8_t>(c.slot));
    w.bytes_with_length(c.data);
  }
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

} // namespace reelcheck::wasm::wire
