// AWS IoT Core: bulk registration (StartThingRegistrationTask) and one-at-a-time registration
// (a script of `aws iot register-certificate-without-ca` calls).
//
// Things are named by chip ID and carry five attributes (reel, batch, slot, wafer X and Y).
// AWS allows three attributes on a Thing without a thing type, so both formats put the Things
// under one thing type, created if it is missing.
#include <string>

#include "export/export_plan.hpp"
#include "export/export_text.hpp"
#include "util/csv.hpp"

namespace reelcheck::detail {
namespace {

constexpr std::string_view kThingType = "OPTIGA_Trust_M";
constexpr std::string_view kThingTypeDescription =
    "Infineon OPTIGA Trust M chips, certificates verified by reelcheck";

std::string slot_text(const ExportPlan& plan) {
  return std::string(slot_name(plan.options.slot));
}

// Creating the thing type if it is missing; searchable: reel, batch, slot (AWS allows three).
std::string ensure_thing_type() {
  std::string s;
  s += "thing_type=" + std::string(kThingType) + "\n";
  s += "status=0\n";
  s += "lookup describe-thing-type --thing-type-name \"$thing_type\" >/dev/null || status=$?\n";
  s += "case $status in\n";
  s += "0) ;;\n";
  s += "1) iot create-thing-type --thing-type-name \"$thing_type\" --thing-type-properties \\\n";
  s += "     '{\"thingTypeDescription\":\"" + std::string(kThingTypeDescription) +
       "\",\"searchableAttributes\":[\"reel_id\",\"batch\",\"slot\"]}' >/dev/null\n";
  s += "   echo \"created thing type $thing_type\" ;;\n";
  s += "*) exit 1 ;;\n";
  s += "esac\n";
  return s;
}

std::string bulk_template() {
  // The template body of StartThingRegistrationTask (at most 10,240 characters; tested). Every
  // parameter is a string, as in the JSON-lines file.
  return export_json(2,
                     [](JsonWriter& w) {
                       w.begin_object();
                       w.key("Parameters");
                       w.begin_object();
                       for (const char* name : {"ThingName", "CertificatePem", "ReelId", "Batch",
                                                "Slot", "WaferX", "WaferY"}) {
                         w.key(name);
                         w.begin_object();
                         w.member("Type", "String");
                         w.end_object();
                       }
                       w.end_object();
                       w.key("Resources");
                       w.begin_object();
                       w.key("thing");
                       w.begin_object();
                       w.member("Type", "AWS::IoT::Thing");
                       w.key("Properties");
                       w.begin_object();
                       auto ref = [&w](std::string_view key, const char* parameter) {
                         w.key(key);
                         w.begin_object();
                         w.member("Ref", parameter);
                         w.end_object();
                       };
                       ref("ThingName", "ThingName");
                       w.member("ThingTypeName", kThingType);
                       w.key("AttributePayload");
                       w.begin_object();
                       ref("reel_id", "ReelId");
                       ref("batch", "Batch");
                       ref("slot", "Slot");
                       ref("wafer_x", "WaferX");
                       ref("wafer_y", "WaferY");
                       w.end_object();
                       w.end_object();
                       w.end_object();
                       w.key("certificate");
                       w.begin_object();
                       w.member("Type", "AWS::IoT::Certificate");
                       w.key("Properties");
                       w.begin_object();
                       ref("CertificatePem", "CertificatePem");
                       w.member("Status", "ACTIVE");
                       w.end_object();
                       w.end_object();
                       w.end_object();
                       w.end_object();
                     }) +
         "\n";
}

std::string register_ca_script(const ExportPlan& plan, const std::vector<IssuerFile>& issuers) {
  std::string s = aws_script_preamble(
      "Registers the CA that issued the exported " + slot_text(plan) + " certificates of reel " +
      plan.report->reel_id +
      " in AWS IoT's multi-account mode\n# (SNI_ONLY: no verification certificate, since the "
      "CA's private key is Infineon's). Bulk registration\n# (start-registration-task.sh) "
      "needs the issuing CA registered in the account. Re-running registers nothing twice.");
  s += "register_ca() { # PEM file, certificate ID (SHA-256 of its DER)\n";
  s += "  local status=0\n";
  s += "  lookup describe-ca-certificate --certificate-id \"$2\" >/dev/null || status=$?\n";
  s += "  case $status in\n";
  s += "  0) echo \"$1: already registered ($2)\" ;;\n";
  s +=
      "  1) iot register-ca-certificate --ca-certificate \"file://$1\" --certificate-mode SNI_ONLY "
      "\\\n       --set-as-active >/dev/null\n";
  s += "     echo \"$1: registered ($2)\" ;;\n";
  s += "  *) exit 1 ;;\n";
  s += "  esac\n";
  s += "}\n";
  for (const auto& issuer : issuers)
    s += "register_ca " + issuer.file_name + " " + issuer.anchor->fingerprint_sha256 + "\n";
  return s;
}

std::string start_task_script(const ExportPlan& plan) {
  std::string s = aws_script_preamble(
      "Starts AWS IoT bulk registration of the " + std::to_string(plan.items.size()) +
      " verified " + slot_text(plan) + " certificates of reel " + plan.report->reel_id +
      ".\n# Usage: start-registration-task.sh BUCKET KEY ROLE_ARN [aws options]\n"
      "#   BUCKET/KEY: where bulk-parameters.jsonl was uploaded (aws s3 cp bulk-parameters.jsonl "
      "s3://BUCKET/KEY)\n#   ROLE_ARN: a role AWS IoT may assume to read it and register Things "
      "(AWSIoTThingsRegistration)\n# The issuing CA must be registered first "
      "(register-ca.sh). Thing type " +
      std::string(kThingType) + " is created if missing.");
  // The preamble took every argument as an AWS option; this script's first three are its own.
  s += "if [ ${#extra[@]} -lt 3 ]; then\n";
  s += "  echo \"usage: $0 BUCKET KEY ROLE_ARN [aws options]\" >&2\n";
  s += "  exit 64\n";
  s += "fi\n";
  s += "bucket=${extra[0]} key=${extra[1]} role_arn=${extra[2]}\n";
  s += "extra=(\"${extra[@]:3}\")\n";
  s += ensure_thing_type();
  s += "iot start-thing-registration-task --template-body file://bulk-template.json \\\n";
  s += "  --input-file-bucket \"$bucket\" --input-file-key \"$key\" --role-arn \"$role_arn\"\n";
  return s;
}

} // namespace

std::string aws_script_preamble(std::string_view purpose) {
  std::string s = "#!/usr/bin/env bash\n";
  s += "# Written by " + std::string(export_generator()) + " export.\n# " + std::string(purpose) +
       "\n";
  s += "#\n# Every aws call gets this script's arguments (e.g. --region eu-central-1 --profile "
       "prod)\n# and, when AWS_ENDPOINT_URL is set, --endpoint-url. AWS_CLI names the aws "
       "command.\n";
  s += "set -euo pipefail\n";
  s += "cd \"$(dirname \"$0\")\"\n";
  s += "extra=(\"$@\")\n";
  s += "if [ -n \"${AWS_ENDPOINT_URL:-}\" ]; then extra+=(--endpoint-url \"$AWS_ENDPOINT_URL\"); "
       "fi\n";
  s += "iot() { \"${AWS_CLI:-aws}\" iot \"$@\" \"${extra[@]}\"; }\n";
  s +=
      "# lookup ARGS...: an aws iot call that looks something up. Prints its answer and returns 0\n"
      "# when found, 1 when AWS answers ResourceNotFoundException, 2 on any other failure "
      "(shown).\n";
  s += "lookup() {\n";
  s += "  local answer errors\n";
  s += "  errors=$(mktemp)\n";
  s += "  if answer=$(iot \"$@\" 2>\"$errors\"); then\n";
  s += "    rm -f \"$errors\"\n";
  s += "    printf '%s\\n' \"$answer\"\n";
  s += "    return 0\n";
  s += "  fi\n";
  s += "  if grep -q ResourceNotFoundException \"$errors\"; then\n";
  s += "    rm -f \"$errors\"\n";
  s += "    return 1\n";
  s += "  fi\n";
  s += "  cat \"$errors\" >&2\n";
  s += "  rm -f \"$errors\"\n";
  s += "  return 2\n";
  s += "}\n";
  return s;
}

Result<std::vector<ExportedFile>> aws_bulk_files(const ExportPlan& plan) {
  std::vector<ExportedFile> files;
  files.push_back({"bulk-template.json", bulk_template(), false});

  std::string lines;
  lines.reserve(plan.items.size() * 1200);
  std::string ids = "chip_id,slot,certificate_id\n";
  for (const auto& item : plan.items) {
    lines += export_json(-1, [&](JsonWriter& w) {
      w.begin_object();
      w.member("ThingName", item.chip->chip_id);
      w.member("CertificatePem", item.pem);
      w.member("ReelId", plan.report->reel_id);
      w.member("Batch", item.chip->batch);
      w.member("Slot", slot_text(plan));
      w.member("WaferX", std::to_string(item.chip->wafer_x));
      w.member("WaferY", std::to_string(item.chip->wafer_y));
      w.end_object();
    });
    lines += '\n';
    ids += item.chip->chip_id + "," + slot_text(plan) + "," + item.certificate_id + "\n";
  }
  files.push_back({"bulk-parameters.jsonl", std::move(lines), false});
  files.push_back({"certificate-ids.csv", std::move(ids), false});

  const auto issuers = issuer_files(plan);
  for (const auto& issuer : issuers)
    files.push_back({issuer.file_name, issuer.pem, false});
  files.push_back({"register-ca.sh", register_ca_script(plan, issuers), true});
  files.push_back({"start-registration-task.sh", start_task_script(plan), true});
  return files;
}

Result<std::vector<ExportedFile>> aws_cli_files(const ExportPlan& plan) {
  std::vector<ExportedFile> files;
  std::string s = aws_script_preamble(
      "Registers the " + std::to_string(plan.items.size()) + " verified " + slot_text(plan) +
      " certificates of reel " + plan.report->reel_id +
      " one at a time, without a CA\n# (register-certificate-without-ca), each with a Thing "
      "named by its chip ID. Re-running registers\n# nothing twice: every certificate, Thing "
      "and attachment is looked up first.");
  s += "reel=" + plan.report->reel_id + "\n";
  s += "slot=" + slot_text(plan) + "\n";
  s += ensure_thing_type();
  // Per chip: the certificate (looked up by its ID first), the Thing (looked up by name), the
  // attachment (a Thing found with this certificate attached is left alone). A Thing made just
  // now has no principals yet, so its certificate is attached without asking.
  s += R"SH(registered=0 present=0 things=0
register_chip() { # chip ID, certificate ID (SHA-256 of the DER), batch, wafer X, wafer Y
  local chip=$1 id=$2 pem arn answer got principals status=0
  pem=$(cat) # the certificate, from the here-document after the call
  arn=$(lookup describe-certificate --certificate-id "$id" \
    --query certificateDescription.certificateArn --output text) || status=$?
  case $status in
  0) present=$((present + 1)) ;;
  1) answer=$(iot register-certificate-without-ca --certificate-pem "$pem" --status ACTIVE \
       --query '[certificateId,certificateArn]' --output text)
     read -r got arn <<<"$answer"
     if [ "$got" != "$id" ]; then
       echo "$chip: AWS gave certificate ID $got, expected $id (SHA-256 of the DER)" >&2
       exit 1
     fi
     registered=$((registered + 1)) ;;
  *) exit 1 ;;
  esac
  status=0
  lookup describe-thing --thing-name "$chip" >/dev/null || status=$?
  case $status in
  0) principals=$(iot list-thing-principals --thing-name "$chip" --query 'principals[]' \
       --output text)
     principals=${principals//$'\n'/$'\t'}
     case $'\t'"$principals"$'\t' in
     *$'\t'"$arn"$'\t'*) return 0 ;;
     esac ;;
  1) iot create-thing --thing-name "$chip" --thing-type-name "$thing_type" --attribute-payload \
       "{\"attributes\":{\"reel_id\":\"$reel\",\"batch\":\"$3\",\"slot\":\"$slot\",\"wafer_x\":\"$4\",\"wafer_y\":\"$5\"}}" \
       >/dev/null
     things=$((things + 1)) ;;
  *) exit 1 ;;
  esac
  iot attach-thing-principal --thing-name "$chip" --principal "$arn" >/dev/null
}
)SH";
  // Each certificate travels inside the script (a here-document per chip): one file to hand on,
  // and 4,100 fewer files to write for a reel (creating them cost more than the export itself).
  for (const auto& item : plan.items)
    s += "register_chip " + item.chip->chip_id + " " + item.certificate_id + " " +
         item.chip->batch + " " + std::to_string(item.chip->wafer_x) + " " +
         std::to_string(item.chip->wafer_y) + " <<'END_OF_CERTIFICATE'\n" + item.pem +
         "END_OF_CERTIFICATE\n";
  s += "echo \"reel $reel, slot $slot: $registered certificate(s) registered, $present already "
       "registered, $things Thing(s) created\"\n";
  files.push_back({"register-certificates.sh", std::move(s), true});
  return files;
}

} // namespace reelcheck::detail
