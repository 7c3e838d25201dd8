// The trust anchors a verification used, as the report and the export manifest both list them.
#pragma once

#include <vector>

#include "reelcheck/trust.hpp"
#include "report/json_writer.hpp"

namespace reelcheck::detail {

inline void write_trust_anchors(JsonWriter& w, const std::vector<TrustAnchor>& anchors) {
  w.begin_array();
  for (const auto& a : anchors) {
    w.begin_object();
    w.member("subject", a.subject);
    w.member("source", a.source);
    w.member("fingerprint_sha256", a.fingerprint_sha256);
    w.end_object();
  }
  w.end_array();
}

} // namespace reelcheck::detail
