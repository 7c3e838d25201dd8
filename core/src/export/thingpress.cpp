// Thingpress (aws-iot-builder-tools/thingpress): a manifest in the format of its Espressif
// provider, a CSV with the columns MAC, cn, cert. That provider names each Thing after the
// MAC column, which here is the chip ID; its Infineon provider would name them after the
// certificate's CN (a different opaque value per slot) and takes the unverified bundle itself.
#include "export/export_plan.hpp"
#include "util/csv.hpp"

namespace reelcheck::detail {

Result<std::vector<ExportedFile>> thingpress_files(const ExportPlan& plan) {
  std::string csv = "MAC,cn,cert\n";
  csv.reserve(plan.items.size() * 1000);
  for (const auto& item : plan.items)
    csv +=
        item.chip->chip_id + "," + csv_field(item.common_name) + "," + csv_field(item.pem) + "\n";
  std::vector<ExportedFile> files;
  files.push_back({"thingpress-manifest.csv", std::move(csv), false});
  return files;
}

} // namespace reelcheck::detail
