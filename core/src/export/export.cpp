// The export's public entry points: plan once, let the format spell the plan out, add the
// manifest (export/export_plan.hpp).
#include "reelcheck/export.hpp"

#include <new>

#include "export/export_plan.hpp"

namespace reelcheck {

std::optional<ExportFormat> parse_export_format(std::string_view name) {
  for (ExportFormat f : kAllExportFormats)
    if (export_format_name(f) == name) return f;
  return std::nullopt;
}

Result<Export> export_registration(const Report& report,
                                   std::span<const CertificateFile> certificates,
                                   const ExportOptions& options) {
  // Nothing may throw across the core's interface: a reel's files are megabytes at most, but an
  // allocation failure becomes an error like any other.
  try {
    auto plan = detail::plan_export(report, certificates, options);
    if (!plan) return plan.error();
    Result<std::vector<ExportedFile>> files = std::vector<ExportedFile>{};
    switch (options.format) {
    case ExportFormat::kAwsBulk: files = detail::aws_bulk_files(*plan); break;
    case ExportFormat::kAwsCli: files = detail::aws_cli_files(*plan); break;
    case ExportFormat::kAzureDps: files = detail::azure_dps_files(*plan); break;
    case ExportFormat::kThingpress: files = detail::thingpress_files(*plan); break;
    }
    if (!files) return files.error();
    Export out;
    out.files = std::move(*files);
    std::string manifest = detail::export_manifest_json(*plan, out.files);
    out.files.push_back({"manifest.json", std::move(manifest), false});
    out.exported = plan->items.size();
    out.left_out = plan->left_out.size();
    for (const auto& left : plan->left_out) {
      const bool verified = left.status == chip_status_name(ChipStatus::kOk) ||
                            left.status == chip_status_name(ChipStatus::kExtra);
      const std::string first = left.reasons.empty() ? std::string() : left.reasons.front().code;
      if (verified && first != export_exclusion_name(ExportExclusion::kExtraNotIncluded) &&
          first != export_exclusion_name(ExportExclusion::kNoCertificateForSlot))
        ++out.withheld;
    }
    return out;
  } catch (const std::bad_alloc&) {
    return make_error(ErrorCode::kLimitExceeded, "out of memory while writing the export");
  }
}

Result<std::vector<std::uint8_t>> export_to_zip(const Report& report,
                                                std::span<const CertificateFile> certificates,
                                                const ExportOptions& options) {
  auto exported = export_registration(report, certificates, options);
  if (!exported) return exported.error();
  const auto at = parse_check_time(report.check_time);
  if (!at) return make_error(ErrorCode::kBadInput, "cannot export: the report has no check time");
  try {
    return write_zip(exported->files, *at);
  } catch (const std::bad_alloc&) {
    return make_error(ErrorCode::kLimitExceeded, "out of memory while writing the ZIP archive");
  }
}

} // namespace reelcheck
