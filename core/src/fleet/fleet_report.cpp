// Combining per-reel reports into a fleet summary, and the cross-reel duplicate checks. The
// summary is written out by fleet_output.cpp.
#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "reelcheck/chip_id.hpp"
#include "reelcheck/fleet.hpp"
#include "util/hex.hpp"

namespace reelcheck {
namespace {

using Json = nlohmann::json;

constexpr std::uint8_t kWhereChip = 5;

std::string_view where_name(std::uint8_t where) {
  switch (where) {
  case 0: return "E0E0 certificate";
  case 1: return "E0E1 certificate";
  case 2: return "E0E2 certificate";
  case 3: return "PBS";
  case 4: return "authorization reference";
  default: return "";
  }
}

// Reads what the fleet and the reconciliation need from one report, strictly: a report that lacks
// it is unreadable, never silently counted as empty.
struct ReportReader {
  std::optional<Error> error;

  bool fail(const std::string& what) {
    if (!error) error = make_error(ErrorCode::kBadInput, what);
    return false;
  }
  bool text(const Json& j, const char* field, std::string& out) {
    if (!j.is_object() || !j.contains(field) || !j[field].is_string())
      return fail(std::string("the field \"") + field + "\" is missing or not a string");
    out = j[field].get<std::string>();
    return true;
  }
  bool count(const Json& j, const char* field, std::size_t& out) {
    if (!j.is_object() || !j.contains(field) || !j[field].is_number_unsigned())
      return fail(std::string("the count \"") + field + "\" is missing or not a number");
    out = j[field].get<std::size_t>();
    return true;
  }
};

bool is_lower_hex_digest(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// The counts and the verdict must be what the writer (report_builder.cpp) makes of the chips
// listed: the merge sums the counts and takes the verdict, the reconciliation goes by the chips,
// and the two must not tell different stories of one reel. What disagrees, or nullopt.
std::optional<std::string> counts_problem(const ReportDigest& digest) {
  const ReportCounts& c = digest.counts;
  std::size_t ok = 0, failed = 0, extra = 0, certificates = 0;
  for (const ReportDigestChip& chip : digest.chips) {
    ok += chip.status == ChipStatus::kOk;
    failed += chip.status == ChipStatus::kFailed;
    extra += chip.status == ChipStatus::kExtra;
    certificates += static_cast<std::size_t>(
        std::count(chip.has_certificate.begin(), chip.has_certificate.end(), true));
  }
  const auto says = [](const char* name, std::size_t count, std::size_t listed) {
    return std::string("counts.") + name + " says " + std::to_string(count) +
           " but the report lists " + std::to_string(listed);
  };
  if (c.ok != ok) return says("ok", c.ok, ok) + " chips with status \"ok\"";
  if (c.failed != failed) return says("failed", c.failed, failed) + " chips with status \"failed\"";
  if (c.extra != extra) return says("extra", c.extra, extra) + " chips with status \"extra\"";
  // Certificates of no chip (unassigned) are counted too: more, never fewer, than the chips hold.
  if (c.certificates < certificates)
    return says("certificates", c.certificates, certificates) + " certificates of its chips";
  if (c.certificates_ok > c.certificates)
    return "counts.certificates_ok (" + std::to_string(c.certificates_ok) +
           ") is more than counts.certificates (" + std::to_string(c.certificates) + ")";
  if (digest.ok &&
      (c.failed != 0 || c.certificates_ok != c.certificates || digest.error_findings != 0))
    return std::string(
        "the verdict is \"ok\" but the report has failed chips, certificates that are "
        "not ok, or error findings");
  return std::nullopt;
}

Result<ReportDigest> read_report_digest_checked(std::string_view json_text) {
  ReportReader read;
  const Json j = Json::parse(json_text.begin(), json_text.end(), nullptr, false);
  if (j.is_discarded()) return make_error(ErrorCode::kBadInput, "not valid JSON");
  if (!j.is_object() || j.value("schema", "") != "reelcheck-report")
    return make_error(ErrorCode::kBadInput,
                      "not a Reelcheck report (no \"schema\": \"reelcheck-report\")");
  if (!j.contains("schema_version") || j["schema_version"] != kReportSchemaVersion)
    return make_error(
        ErrorCode::kBadInput,
        "report schema version " +
            (j.contains("schema_version") ? j["schema_version"].dump() : std::string("(none)")) +
            " is not the supported " + std::to_string(kReportSchemaVersion));
  ReportDigest digest;
  std::string verdict;
  const Json& counts = j.contains("counts") ? j["counts"] : Json();
  if (!read.text(j, "reel_id", digest.reel_id) || !read.text(j, "batch_id", digest.batch_id) ||
      !read.text(j, "check_time", digest.check_time) || !read.text(j, "verdict", verdict) ||
      !read.count(counts, "chips", digest.counts.chips) ||
      !read.count(counts, "ok", digest.counts.ok) ||
      !read.count(counts, "failed", digest.counts.failed) ||
      !read.count(counts, "extra", digest.counts.extra) ||
      !read.count(counts, "certificates", digest.counts.certificates) ||
      !read.count(counts, "certificates_ok", digest.counts.certificates_ok))
    return *read.error;
  if (verdict != "ok" && verdict != "failed")
    return make_error(ErrorCode::kBadInput, "unknown verdict \"" + verdict + "\"");
  digest.ok = verdict == "ok";
  if (!j.contains("chips") || !j["chips"].is_array() || !j.contains("findings") ||
      !j["findings"].is_array())
    return make_error(ErrorCode::kBadInput, "no \"chips\" or \"findings\" list");
  for (const auto& f : j["findings"])
    if (f.is_object() && f.value("severity", "") == "error") ++digest.error_findings;
  if (j["chips"].size() != digest.counts.chips)
    return make_error(ErrorCode::kBadInput,
                      "counts.chips says " + std::to_string(digest.counts.chips) +
                          " but the report lists " + std::to_string(j["chips"].size()) + " chips");

  digest.chips.reserve(j["chips"].size());
  for (const auto& c : j["chips"]) {
    ReportDigestChip chip;
    if (!read.text(c, "chip_id", chip.chip_id)) return *read.error;
    const auto id = parse_chip_id(chip.chip_id);
    if (!id) return make_error(ErrorCode::kBadInput, "\"" + chip.chip_id + "\" is not a chip ID");
    chip.chip_id = id->hex(); // the bundle's spelling, as chips seen on the line are compared
    // The writer lists each chip once, sorted by chip ID; the reconciliation counts on it (a chip
    // listed twice would be unused twice, its certificates deactivated twice).
    if (!digest.chips.empty() && !(digest.chips.back().chip_id < chip.chip_id))
      return make_error(ErrorCode::kBadInput, digest.chips.back().chip_id == chip.chip_id
                                                  ? "chip " + chip.chip_id + " is listed twice"
                                                  : "the chips are not sorted by chip ID (" +
                                                        chip.chip_id + " after " +
                                                        digest.chips.back().chip_id + ")");
    std::string status;
    if (!read.text(c, "status", status)) return *read.error;
    const auto parsed_status = parse_chip_status(status);
    if (!parsed_status)
      return make_error(ErrorCode::kBadInput,
                        "chip " + chip.chip_id + " has an unknown status \"" + status + "\"");
    chip.status = *parsed_status;
    if (!c.contains("certificates") || !c["certificates"].is_object())
      return make_error(ErrorCode::kBadInput,
                        "chip " + chip.chip_id + " has no \"certificates\" object");
    for (Slot slot : kAllSlots) {
      const std::string name(slot_name(slot));
      const auto index = static_cast<std::size_t>(slot);
      const Json& certs = c["certificates"];
      if (!certs.contains(name))
        return make_error(ErrorCode::kBadInput,
                          "chip " + chip.chip_id + " has no \"" + name + "\" certificate entry");
      if (certs[name].is_null()) continue;
      chip.has_certificate[index] = true;
      if (!read.text(certs[name], "public_key_sha256", chip.public_key_sha256[index]) ||
          !read.text(certs[name], "fingerprint_sha256", chip.certificate_sha256[index]))
        return *read.error;
      // "" is a certificate that did not parse; anything else must be a SHA-256 in hex.
      if (!chip.certificate_sha256[index].empty() &&
          !is_lower_hex_digest(chip.certificate_sha256[index]))
        return make_error(ErrorCode::kBadInput, "chip " + chip.chip_id + ": the " + name +
                                                    " fingerprint_sha256 \"" +
                                                    chip.certificate_sha256[index] +
                                                    "\" is not a SHA-256 in lower-case hex");
    }
    for (const char* which : {"pbs", "auth"}) {
      if (!c.contains(which) || !c[which].is_object() || !c[which].contains("present") ||
          !c[which]["present"].is_boolean())
        return make_error(ErrorCode::kBadInput,
                          "chip " + chip.chip_id + " has no \"" + which + "\" object");
      std::string fingerprint;
      if (c[which]["present"].get<bool>() && !read.text(c[which], "fingerprint", fingerprint))
        return *read.error;
      (std::strcmp(which, "pbs") == 0 ? chip.pbs_fingerprint : chip.auth_fingerprint) =
          std::move(fingerprint);
    }
    digest.chips.push_back(std::move(chip));
  }
  if (auto problem = counts_problem(digest)) return make_error(ErrorCode::kBadInput, *problem);
  return digest;
}

} // namespace

Result<ReportDigest> read_report_digest(std::string_view json_text) {
  // A report is input like any other: whatever its shape, the answer is an error value.
  try {
    return read_report_digest_checked(json_text);
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kBadInput, std::string("not a readable report: ") + e.what());
  }
}

struct FleetMerger::State {
  struct Seen {
    std::uint32_t reel;
    std::uint32_t chip; // index into that reel's chip_ids
    std::uint8_t where; // slot 0..2, 3 = PBS, 4 = authorization reference, 5 = chip itself
  };
  using Key = std::array<std::uint8_t, 17>; // kind byte + up to 16 bytes of the value
  struct KeyHash {
    std::size_t operator()(const Key& k) const noexcept {
      // The values are SHA-256 digests or chip IDs: their bytes are already well spread.
      std::uint64_t h = 1469598103934665603ull;
      for (std::uint8_t b : k)
        h = (h ^ b) * 1099511628211ull;
      return static_cast<std::size_t>(h);
    }
  };

  void note(DuplicateKind kind, std::string_view hex_value, Seen seen);

  std::vector<FleetReel> reels_;
  std::unordered_map<Key, Seen, KeyHash> first_seen_;
  std::unordered_map<Key, std::vector<Seen>, KeyHash> repeated_; // key -> every occurrence
  std::unordered_map<Key, std::string, KeyHash> repeated_value_; // key -> full value for output
};

FleetMerger::FleetMerger() : state_(std::make_unique<State>()) {}
FleetMerger::~FleetMerger() = default;
FleetMerger::FleetMerger(FleetMerger&&) noexcept = default;
FleetMerger& FleetMerger::operator=(FleetMerger&&) noexcept = default;

void FleetMerger::State::note(DuplicateKind kind, std::string_view hex_value, Seen seen) {
  const auto bytes = detail::decode_hex(hex_value.substr(0, 32));
  if (!bytes || bytes->empty()) return; // absent (a certificate that did not parse, no secret)
  Key key{};
  key[0] = static_cast<std::uint8_t>(kind);
  std::memcpy(key.data() + 1, bytes->data(), std::min<std::size_t>(bytes->size(), 16));
  auto [it, inserted] = first_seen_.try_emplace(key, seen);
  if (inserted) return;
  auto& all = repeated_[key];
  if (all.empty()) {
    all.push_back(it->second);
    repeated_value_[key] = std::string(hex_value);
  }
  all.push_back(seen);
}

std::optional<Error> FleetMerger::add_report(std::string_view source, std::string_view json_text) {
  auto digest = read_report_digest(json_text);
  if (!digest) return digest.error();
  FleetReel reel;
  reel.source = std::string(source);
  reel.reel_id = std::move(digest->reel_id);
  reel.batch_id = std::move(digest->batch_id);
  reel.check_time = std::move(digest->check_time);
  reel.ok = digest->ok;
  reel.counts = digest->counts;
  reel.error_findings = digest->error_findings;
  const auto reel_index = static_cast<std::uint32_t>(state_->reels_.size());
  for (std::uint32_t i = 0; i < digest->chips.size(); ++i) {
    ReportDigestChip& c = digest->chips[i];
    state_->note(DuplicateKind::kChipId, c.chip_id, State::Seen{reel_index, i, kWhereChip});
    for (std::uint8_t s = 0; s < 3; ++s)
      state_->note(DuplicateKind::kPublicKey, c.public_key_sha256[s],
                   State::Seen{reel_index, i, s});
    state_->note(DuplicateKind::kSecret, c.pbs_fingerprint, State::Seen{reel_index, i, 3});
    state_->note(DuplicateKind::kSecret, c.auth_fingerprint, State::Seen{reel_index, i, 4});
    reel.chip_ids.push_back(std::move(c.chip_id));
  }
  state_->reels_.push_back(std::move(reel));
  return std::nullopt;
}

FleetSummary FleetMerger::summary() const {
  const State& st = *state_;
  FleetSummary fleet;
  fleet.reels = st.reels_;
  for (const auto& r : st.reels_) {
    FleetTotals& t = fleet.totals;
    ++t.reels;
    ++(r.ok ? t.reels_ok : t.reels_failed);
    t.chips += r.counts.chips;
    t.ok += r.counts.ok;
    t.failed += r.counts.failed;
    t.extra += r.counts.extra;
    t.certificates += r.counts.certificates;
    t.certificates_ok += r.counts.certificates_ok;
  }
  // The same reel twice (one report copied, or one reel verified on two machines).
  std::map<std::pair<std::string, std::string>, std::vector<std::size_t>> by_reel;
  for (std::size_t i = 0; i < st.reels_.size(); ++i)
    by_reel[{st.reels_[i].reel_id, st.reels_[i].batch_id}].push_back(i);
  for (const auto& [id, indices] : by_reel) {
    if (indices.size() < 2) continue;
    CrossReelDuplicate d{DuplicateKind::kReel, id.first + " / " + id.second, {}};
    for (std::size_t i : indices)
      d.occurrences.push_back(DuplicateOccurrence{i, "", ""});
    fleet.duplicates.push_back(std::move(d));
  }
  // Items repeated across reels; repeats inside one reel are that reel's own findings.
  for (const auto& [key, seen] : st.repeated_) {
    std::set<std::uint32_t> reels;
    for (const auto& s : seen)
      reels.insert(s.reel);
    if (reels.size() < 2) continue;
    CrossReelDuplicate d;
    d.kind = static_cast<DuplicateKind>(key[0]);
    d.value = st.repeated_value_.at(key);
    for (const auto& s : seen)
      d.occurrences.push_back(DuplicateOccurrence{s.reel, st.reels_[s.reel].chip_ids[s.chip],
                                                  std::string(where_name(s.where))});
    fleet.duplicates.push_back(std::move(d));
  }
  std::sort(fleet.duplicates.begin(), fleet.duplicates.end(), [](const auto& a, const auto& b) {
    return std::tie(a.kind, a.value) < std::tie(b.kind, b.value);
  });
  return fleet;
}

} // namespace reelcheck
