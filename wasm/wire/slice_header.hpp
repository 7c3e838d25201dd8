// What opens a certificate slice (RCS1) and the verdicts that answer it (RCW1): where the
// certificates are and the terms they are verified under. u32 archive, u32 begin, i64 check
// time, the anchors' fingerprint as a string of 64 lower-case hex digits.
#pragma once

#include <algorithm>
#include <string_view>

#include "reelcheck/session.hpp"
#include "wire_io.hpp"

namespace reelcheck::wasm::wire {

struct SliceHeader {
  std::size_t archive = 0;
  std::size_t begin = 0;
  VerificationTerms terms;
};

inline void put_slice_header(WireWriter& w, std::string_view tag, const SliceHeader& h) {
  w.bytes(std::span(reinterpret_cast<const std::uint8_t*>(tag.data()), tag.size()));
  w.u32(static_cast<std::uint32_t>(h.archive));
  w.u32(static_cast<std::uint32_t>(h.begin));
  w.i64(h.terms.at);
  w.str(h.terms.anchors);
}

// A wrong tag or a malformed fingerprint fails the reader.
inline SliceHeader get_slice_header(WireReader& r, std::string_view tag) {
  SliceHeader h;
  if (!r.tag(tag)) return h;
  h.archive = r.u32();
  h.begin = r.u32();
  h.terms.at = r.i64();
  h.terms.anchors = r.str();
  const std::string_view a = h.terms.anchors;
  if (a.size() != 64 || !std::all_of(a.begin(), a.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
      }))
    r.fail();
  return h;
}

} // namespace reelcheck::wasm::wire
