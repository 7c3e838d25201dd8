// Layout: "RCV1", u32 count, then per verdict, in this order: archive, file, slot (u8),
// chip_id, verdict (u8: 1 ok, 0 failed), parsed (u8: 0 or 1), subject, issuer, serial,
// not_before, not_after, key_type, fingerprint_sha256, public_key_sha256, chain (u32 count +
// names), problems (u32 count + code by its stable name, message). Strings are length + bytes
// (wire_io.hpp). Codes travel by name so that no renumbering of ProblemCode can change their
// meaning on the way; a name the reader does not know is refused.
// The "verdict" byte is redundant on purpose: a record whose summary disagrees with its
// details was damaged on the way and is refused. So is a failed verdict without a problem
// (parsed = 0 and no problems): a failure must say why.
#include "verdict_wire.hpp"

#include <string>

#include "reelcheck/codes.hpp"
#include "slice_header.hpp"
#include "wire_io.hpp"

namespace reelcheck::wasm::wire {
namespace {

constexpr std::string_view kTag = "RCV1";
// Eleven empty strings, three bytes and two empty lists.
constexpr std::size_t kMinRecord = 11 * 4 + 3 + 2 * 4;
constexpr std::size_t kMinProblem = 2 * 4;

void put_problem(WireWriter& w, const Problem& p) {
  w.str(problem_code_name(p.code));
  w.str(p.message);
}

// An unknown problem code is refused like a damaged record: a verdict this build cannot judge
// is never passed on. Returns what is wrong, or "" when the problem was read.
std::string get_problem(WireReader& r, Problem& p) {
  const std::string name = r.str();
  p.message = r.str();
  if (!r.good()) return "a record cut short";
  const auto code = parse_problem_code(name);
  if (!code) return "an unknown problem code \"" + name + "\"";
  p.code = *code;
  return {};
}

} // namespace

std::vector<std::uint8_t> encode_verdicts(std::span<const CertificateVerdict> verdicts) {
  WireWriter w;
  w.reserve(8 + verdicts.size() * 640);
  w.bytes(std::span(reinterpret_cast<const std::uint8_t*>(kTag.data()), kTag.size()));
  w.u32(static_cast<std::uint32_t>(verdicts.size()));
  for (const auto& v : verdicts) {
    w.str(v.archive);
    w.str(v.file);
    w.u8(static_cast<std::uint8_t>(v.slot));
    w.str(v.chip_id);
    w.u8(v.ok() ? 1 : 0);
    w.u8(v.parsed ? 1 : 0);
    for (const std::string* s : {&v.subject, &v.issuer, &v.serial, &v.not_before, &v.not_after,
                                 &v.key_type, &v.fingerprint_sha256, &v.public_key_sha256})
      w.str(*s);
    w.u32(static_cast<std::uint32_t>(v.chain.size()));
    for (const auto& name : v.chain)
      w.str(name);
    w.u32(static_cast<std::uint32_t>(v.problems.size()));
    for (const auto& p : v.problems)
      put_problem(w, p);
  }
  return std::move(w).take();
}

Result<std::vector<CertificateVerdict>> decode_verdicts(std::span<const std::uint8_t> bytes) {
  WireReader r(bytes);
  std::vector<CertificateVerdict> out;
  std::string what = "is malformed";
  if (r.tag(kTag)) {
    const std::uint32_t n = r.count(kMinRecord);
    out.reserve(n);
    for (std::uint32_t i = 0; i < n && r.good(); ++i) {
      CertificateVerdict& v = out.emplace_back();
      v.archive = r.str();
      v.file = r.str();
      const std::uint8_t slot = r.u8();
      if (slot > static_cast<std::uint8_t>(Slot::kE0E2)) r.fail();
      v.slot = static_cast<Slot>(slot);
      v.chip_id = r.str();
      const std::uint8_t verdict = r.u8();
      const std::uint8_t parsed = r.u8();
      if (verdict > 1 || parsed > 1) r.fail();
      v.parsed = parsed == 1;
      for (std::string* s : {&v.subject, &v.issuer, &v.serial, &v.not_before, &v.not_after,
                             &v.key_type, &v.fingerprint_sha256, &v.public_key_sha256})
        *s = r.str();
      const std::uint32_t chain = r.count(4);
      for (std::uint32_t k = 0; k < chain && r.good(); ++k)
        v.chain.push_back(r.str());
      const std::uint32_t problems = r.count(kMinProblem);
      for (std::uint32_t k = 0; k < problems && r.good(); ++k)
        if (auto wrong = get_problem(r, v.problems.emplace_back()); !wrong.empty()) {
          what = "has a verdict " + std::to_string(i + 1) + " with " + wrong;
          r.fail();
        }
      if (r.good() && (verdict == 1) != v.ok()) {
        what = "has a verdict " + std::to_string(i + 1) +
               " whose summary contradicts its problems and parse state";
        r.fail();
      }
      // Fail closed: a failed verdict names at least one problem (the verifier reports an
      // unparsable certificate as one). A failure without a reason is a damaged record.
      if (r.good() && verdict == 0 && v.problems.empty()) {
        what = "has a verdict " + std::to_string(i + 1) + " that failed without naming a problem";
        r.fail();
      }
    }
  }
  if (!r.at_end())
    return make_error(ErrorCode::kBadInput, "a verdict batch from a verifier " + what);
  return out;
}

std::vector<std::uint8_t> encode_verdict_slice(const VerdictSlice& slice) {
  WireWriter w;
  put_slice_header(w, "RCW1", {slice.archive, slice.begin, slice.terms});
  w.bytes(encode_verdicts(slice.verdicts));
  return std::move(w).take();
}

Result<VerdictSlice> decode_verdict_slice(std::span<const std::uint8_t> bytes) {
  WireReader r(bytes);
  const SliceHeader h = get_slice_header(r, "RCW1");
  if (!r.good())
    return make_error(ErrorCode::kBadInput, "a verdict batch from a verifier is malformed");
  auto verdicts = decode_verdicts(r.rest());
  if (!verdicts) return verdicts.error();
  return VerdictSlice{h.archive, h.begin, h.terms, std::move(verdicts).value()};
}

} // namespace reelcheck::wasm::wire
