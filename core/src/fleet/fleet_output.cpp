// Writing a fleet summary (FleetMerger::summary, fleet_report.cpp) as JSON and as CSV.
#include <set>

#include <nlohmann/json.hpp>

#include "reelcheck/fleet.hpp"
#include "util/csv.hpp"

namespace reelcheck {
namespace {

using OrderedJson = nlohmann::ordered_json;
using detail::csv_field;

// For each reel, in how many cross-reel duplicates it takes part (once per duplicate, however
// often the value repeats inside the reel).
std::vector<std::size_t> duplicates_per_reel(const FleetSummary& fleet) {
  std::vector<std::size_t> involved(fleet.reels.size(), 0);
  for (const auto& d : fleet.duplicates) {
    std::set<std::size_t> seen;
    for (const auto& o : d.occurrences)
      if (seen.insert(o.reel).second) ++involved[o.reel];
  }
  return involved;
}

} // namespace

std::string fleet_to_json(const FleetSummary& fleet) {
  OrderedJson reels = OrderedJson::array();
  const std::vector<std::size_t> involved = duplicates_per_reel(fleet);
  for (std::size_t i = 0; i < fleet.reels.size(); ++i) {
    const auto& r = fleet.reels[i];
    reels.push_back(
        OrderedJson{{"report", r.source},
                    {"reel_id", r.reel_id},
                    {"batch_id", r.batch_id},
                    {"check_time", r.check_time},
                    {"verdict", r.ok ? "ok" : "failed"},
                    {"counts", OrderedJson{{"chips", r.counts.chips},
                                           {"ok", r.counts.ok},
                                           {"failed", r.counts.failed},
                                           {"extra", r.counts.extra},
                                           {"certificates", r.counts.certificates},
                                           {"certificates_ok", r.counts.certificates_ok}}},
                    {"error_findings", r.error_findings},
                    {"cross_reel_duplicates", involved[i]}});
  }
  OrderedJson duplicates = OrderedJson::array();
  for (const auto& d : fleet.duplicates) {
    OrderedJson where = OrderedJson::array();
    for (const auto& o : d.occurrences)
      where.push_back(OrderedJson{{"report", fleet.reels[o.reel].source},
                                  {"reel_id", fleet.reels[o.reel].reel_id},
                                  {"batch_id", fleet.reels[o.reel].batch_id},
                                  {"chip_id", o.chip_id},
                                  {"where", o.where}});
    duplicates.push_back(OrderedJson{{"kind", duplicate_kind_name(d.kind)},
                                     {"value", d.value},
                                     {"occurrences", std::move(where)}});
  }
  const FleetTotals& t = fleet.totals;
  const OrderedJson out{{"schema", "reelcheck-fleet"},
                        {"schema_version", 1},
                        {"verdict", fleet.all_ok() ? "ok" : "failed"},
                        {"totals", OrderedJson{{"reels", t.reels},
                                               {"reels_ok", t.reels_ok},
                                               {"reels_failed", t.reels_failed},
                                               {"chips", t.chips},
                                               {"ok", t.ok},
                                               {"failed", t.failed},
                                               {"extra", t.extra},
                                               {"certificates", t.certificates},
                                               {"certificates_ok", t.certificates_ok},
                                               {"cross_reel_duplicates", fleet.duplicates.size()}}},
                        {"reels", std::move(reels)},
                        {"duplicates", std::move(duplicates)}};
  return out.dump(2, ' ', false, OrderedJson::error_handler_t::replace) + "\n";
}

std::string fleet_to_csv(const FleetSummary& fleet) {
  const std::vector<std::size_t> involved = duplicates_per_reel(fleet);
  std::string out = "report,reel_id,batch_id,check_time,verdict,chips,ok,failed,extra,"
                    "certificates,certificates_ok,error_findings,cross_reel_duplicates\n";
  for (std::size_t i = 0; i < fleet.reels.size(); ++i) {
    const auto& r = fleet.reels[i];
    out += csv_field(r.source) + "," + csv_field(r.reel_id) + "," + csv_field(r.batch_id) + "," +
           csv_field(r.check_time) + "," + (r.ok ? "ok" : "failed");
    for (std::size_t n :
         {r.counts.chips, r.counts.ok, r.counts.failed, r.counts.extra, r.counts.certificates,
          r.counts.certificates_ok, r.error_findings, involved[i]})
      out += "," + std::to_string(n);
    out += "\n";
  }
  return out;
}

} // namespace reelcheck
