// Azure IoT Hub Device Provisioning Service: individual X.509 enrollments as bulk-operation
// bodies (POST /enrollments, {"mode":"create","enrollments":[...]}, at most 10 each), and an
// enrollment group that trusts the signing CA instead.
#include "export/export_plan.hpp"
#include "export/export_text.hpp"
#include "util/text.hpp"

namespace reelcheck::detail {
namespace {

// DPS takes at most 10 enrollments per bulk operation.
constexpr std::size_t kDpsBulkLimit = 10;

// "0001": file names that sort in order up to 9,999 bodies (a reel has about 4,100 chips).
std::string numbered(std::size_t n) {
  std::string digits = std::to_string(n);
  return std::string(digits.size() < 4 ? 4 - digits.size() : 0, '0') + digits;
}

} // namespace

Result<std::vector<ExportedFile>> azure_dps_files(const ExportPlan& plan) {
  std::vector<ExportedFile> files;
  const std::string slot(slot_name(plan.options.slot));
  for (std::size_t begin = 0; begin < plan.items.size(); begin += kDpsBulkLimit) {
    const std::size_t end = std::min(plan.items.size(), begin + kDpsBulkLimit);
    std::string body = export_json(2, [&](JsonWriter& w) {
      w.begin_object();
      w.member("mode", "create");
      w.key("enrollments");
      w.begin_array();
      for (std::size_t i = begin; i < end; ++i) {
        const ExportItem& item = plan.items[i];
        w.begin_object();
        w.member("registrationId", item.common_name);
        w.member("deviceId", item.chip->chip_id);
        w.key("attestation");
        w.begin_object();
        w.member("type", "x509");
        w.key("x509");
        w.begin_object();
        w.key("clientCertificates");
        w.begin_object();
        w.key("primary");
        w.begin_object();
        w.member("certificate", item.pem);
        w.end_object();
        w.end_object();
        w.end_object();
        w.end_object();
        w.key("initialTwin");
        w.begin_object();
        w.key("tags");
        w.begin_object();
        w.member("reel_id", plan.report->reel_id);
        w.member("batch", item.chip->batch);
        w.member("slot", slot);
        w.end_object();
        w.end_object();
        w.member("provisioningStatus", "enabled");
        w.end_object();
      }
      w.end_array();
      w.end_object();
    });
    files.push_back(
        {"enrollments/bulk-" + numbered(begin / kDpsBulkLimit + 1) + ".json", body + "\n", false});
  }

  // The group variant: every device whose certificate the signing CA issued may provision. That
  // is broader than the verified list above (the CA signs every reel's chips), so it is offered
  // beside the individual enrollments, not instead of them.
  const auto issuers = issuer_files(plan);
  std::size_t n = 0;
  for (const auto& issuer : issuers) {
    std::string group_id;
    for (char c : plan.report->reel_id + "-" + slot)
      group_id += ascii_lower(c);
    if (issuers.size() > 1) group_id += "-" + std::to_string(++n);
    if (!is_valid_dps_registration_id(group_id))
      return make_error(ErrorCode::kBadInput,
                        "cannot export: enrollment group ID '" + group_id + "' is not valid");
    files.push_back({issuer.file_name, issuer.pem, false});
    std::string body = export_json(2, [&](JsonWriter& w) {
      w.begin_object();
      w.member("enrollmentGroupId", group_id);
      w.key("attestation");
      w.begin_object();
      w.member("type", "x509");
      w.key("x509");
      w.begin_object();
      w.key("signingCertificates");
      w.begin_object();
      w.key("primary");
      w.begin_object();
      w.member("certificate", issuer.pem);
      w.end_object();
      w.end_object();
      w.end_object();
      w.end_object();
      w.key("initialTwin");
      w.begin_object();
      w.key("tags");
      w.begin_object();
      w.member("reel_id", plan.report->reel_id);
      w.member("batch_id", plan.report->batch_id);
      w.member("slot", slot);
      w.end_object();
      w.end_object();
      w.member("provisioningStatus", "enabled");
      w.end_object();
    });
    files.push_back({"enrollment-groups/" + group_id + ".json", body + "\n", false});
  }
  return files;
}

} // namespace reelcheck::detail
