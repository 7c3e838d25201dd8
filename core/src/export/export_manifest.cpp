// manifest.json of every export (schema: docs/report.md, "Export manifest"): what went into
// which file, what was left out and why, and what it was verified against.
#include "export/export_plan.hpp"
#include "export/export_text.hpp"
#include "report/trust_anchors_json.hpp"
#include "util/hex.hpp"
#include "crypto/sha256.hpp"

namespace reelcheck::detail {

std::string export_manifest_json(const ExportPlan& plan, std::span<const ExportedFile> files) {
  const Report& r = *plan.report;
  return export_json(2,
                     [&](JsonWriter& w) {
                       w.begin_object();
                       w.member("schema", "reelcheck-export");
                       w.member("schema_version", kExportManifestSchemaVersion);
                       w.member("generator", export_generator());
                       w.member("format", export_format_name(plan.options.format));
                       w.member("slot", slot_name(plan.options.slot));
                       w.member("include_extra", plan.options.include_extra);
                       w.member("reel_id", r.reel_id);
                       w.member("batch_id", r.batch_id);
                       w.key("inputs");
                       w.begin_array();
                       for (const auto& input : r.inputs)
                         w.value(input);
                       w.end_array();
                       w.member("check_time", r.check_time);
                       w.member("report_verdict", r.all_ok() ? "ok" : "failed");
                       // false after --certs-only: a chip was judged by its certificates, its
                       // secrets unseen.
                       w.member("secrets_checked", r.secrets_checked);
                       w.key("trust_anchors");
                       write_trust_anchors(w, r.trust_anchors);
                       w.key("counts");
                       w.begin_object();
                       w.member("chips", r.chips.size());
                       w.member("exported", plan.items.size());
                       w.member("left_out", plan.left_out.size());
                       w.end_object();
                       w.key("files");
                       w.begin_array();
                       for (const auto& f : files) {
                         Sha256 sha;
                         sha.update({reinterpret_cast<const std::uint8_t*>(f.bytes.data()),
                                     f.bytes.size()});
                         w.begin_object();
                         w.member("name", f.name);
                         w.member("size", f.bytes.size());
                         w.member("sha256", to_hex(sha.finish()));
                         w.end_object();
                       }
                       w.end_array();
                       w.key("exported");
                       w.begin_array();
                       for (const auto& item : plan.items) {
                         w.begin_object();
                         w.member("chip_id", item.chip->chip_id);
                         w.member("status", chip_status_name(item.chip->status));
                         w.member("certificate", item.verdict->archive + "/" + item.verdict->file);
                         w.member("certificate_id", item.certificate_id);
                         w.member("subject", item.verdict->subject);
                         w.member("issuer", item.verdict->issuer);
                         if (plan.options.format == ExportFormat::kAzureDps)
                           w.member("registration_id", item.common_name);
                         w.end_object();
                       }
                       w.end_array();
                       w.key("left_out");
                       w.begin_array();
                       for (const auto& out : plan.left_out) {
                         w.begin_object();
                         w.member("chip_id", out.chip_id);
                         w.member("status", out.status);
                         w.member("certificate", out.file);
                         w.key("reasons");
                         w.begin_array();
                         for (const auto& reason : out.reasons) {
                           w.begin_object();
                           w.member("code", reason.code);
                           w.member("message", reason.message);
                           w.end_object();
                         }
                         w.end_array();
                         w.end_object();
                       }
                       w.end_array();
                       w.end_object();
                     }) +
         "\n";
}

} // namespace reelcheck::detail
