// reelcheck export: only verified certificates go out, in the shapes the clouds document, and
// everything left out is listed with its reasons. The real clients' runs are tests/clients/.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "cli_runner.hpp"
#include "fixture_manifest.hpp"
#include "reelcheck/export.hpp"
#include "reelcheck/session.hpp"

using namespace reelcheck;
using namespace reelcheck::test;
using nlohmann::json;

namespace {

const fs::path kRealBundle = fs::path(REELCHECK_REAL_BUNDLE_DIR) / "78211223032C7EFA_bundle.7z";

// A reel verified the way the CLI does it, with the bundle kept for its certificates' bytes.
struct Verified {
  Bundle bundle;
  Report report;
};

Verified verify_with_bundle(const std::string& name) {
  const FixtureInput in = load_fixture(name);
  const auto inputs = in.inputs();
  auto bundle = BundleReader().open(inputs, view(in.key));
  EXPECT_TRUE(bundle.ok()) << (bundle.ok() ? "" : bundle.error().message);
  const TrustStore trust = fixture_trust();
  const ChainVerifier verifier(trust);
  std::vector<CertificateVerdict> verdicts;
  for (const auto& cert : bundle->certificates)
    verdicts.push_back(verifier.verify(cert, fixture_check_time()));
  Report report = build_report(*bundle, std::move(verdicts), trust, {fixture_check_time(), false});
  return {std::move(*bundle), std::move(report)};
}

Export export_of(const Verified& v, ExportFormat format, bool include_extra = false,
                 Slot slot = Slot::kE0E0) {
  auto out = export_registration(v.report, v.bundle.certificates, {format, slot, include_extra});
  EXPECT_TRUE(out.ok()) << (out.ok() ? "" : out.error().message);
  return out.ok() ? std::move(*out) : Export{};
}

const ExportedFile* file_named(const Export& e, const std::string& name) {
  for (const auto& f : e.files)
    if (f.name == name) return &f;
  return nullptr;
}

json manifest_of(const Export& e) {
  EXPECT_FALSE(e.files.empty());
  EXPECT_EQ(e.files.back().name, "manifest.json");
  return json::parse(e.files.back().bytes);
}

std::set<std::string> chips_with_status(const std::string& fixture,
                                        std::initializer_list<const char*> statuses) {
  std::set<std::string> out;
  for (const auto& [chip, v] : bundle_entry(fixture)["expected"]["chips"].items())
    for (const char* s : statuses)
      if (v["status"] == s) out.insert(chip);
  return out;
}

std::set<std::string> exported_chips(const json& manifest) {
  std::set<std::string> out;
  for (const auto& e : manifest["exported"])
    out.insert(e["chip_id"].get<std::string>());
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    lines.push_back(text.substr(start, end - start));
    start = end == std::string::npos ? text.size() : end + 1;
  }
  return lines;
}

} // namespace

TEST(Export, FormatNamesRoundTrip) {
  for (ExportFormat f : kAllExportFormats)
    EXPECT_EQ(parse_export_format(export_format_name(f)), f);
  EXPECT_FALSE(parse_export_format("aws"));
}

TEST(Export, EveryFormatHoldsOnlyTheVerifiedChipsAndListsTheRestWithReasons) {
  const Verified mixed = verify_with_bundle("mixed");
  const auto ok = chips_with_status("mixed", {"ok"});
  const auto failed = chips_with_status("mixed", {"failed"});
  for (ExportFormat format :
       {ExportFormat::kAwsBulk, ExportFormat::kAwsCli, ExportFormat::kThingpress}) {
    SCOPED_TRACE(std::string(export_format_name(format)));
    const Export e = export_of(mixed, format);
    EXPECT_EQ(e.exported, ok.size());
    EXPECT_EQ(e.withheld, 0u);
    const json m = manifest_of(e);
    EXPECT_EQ(m["schema"], "reelcheck-export");
    EXPECT_EQ(m["format"], export_format_name(format));
    EXPECT_EQ(m["reel_id"], "R2400019");
    EXPECT_EQ(m["slot"], "E0E0");
    EXPECT_EQ(m["check_time"], mixed.report.check_time);
    EXPECT_EQ(m["secrets_checked"], true);
    EXPECT_EQ(m["trust_anchors"].size(), 4u);
    EXPECT_EQ(exported_chips(m), ok);
    std::set<std::string> left;
    for (const auto& l : m["left_out"]) {
      left.insert(l["chip_id"].get<std::string>());
      EXPECT_EQ(l["status"], "failed");
      ASSERT_GE(l["reasons"].size(), 2u); // not_ok, then the chip's own reasons
      EXPECT_EQ(l["reasons"][0]["code"], "not_ok");
      const auto expected =
          bundle_entry("mixed")["expected"]["chips"][l["chip_id"].get<std::string>()];
      EXPECT_EQ(l["reasons"][1]["code"], expected["reasons"][0]);
    }
    EXPECT_EQ(left, failed);
    // No failed chip's ID, nor its certificate, appears in any file but the manifest.
    for (const auto& f : e.files) {
      if (f.name == "manifest.json") continue;
      for (const auto& chip : failed)
        EXPECT_EQ(f.bytes.find(chip), std::string::npos) << f.name;
    }
    // The manifest lists every other file with its size and SHA-256.
    EXPECT_EQ(m["files"].size(), e.files.size() - 1);
  }
}

TEST(Export, ExtraChipsOnlyWhenAskedFor) {
  const Verified extra = verify_with_bundle("extra");
  const auto ok = chips_with_status("extra", {"ok"});
  const auto scrapped = chips_with_status("extra", {"extra"});
  const json without = manifest_of(export_of(extra, ExportFormat::kAwsCli));
  EXPECT_EQ(exported_chips(without), ok);
  ASSERT_EQ(without["left_out"].size(), scrapped.size());
  for (const auto& l : without["left_out"]) {
    EXPECT_TRUE(scrapped.count(l["chip_id"].get<std::string>()));
    EXPECT_EQ(l["reasons"][0]["code"], "extra_not_included");
  }
  const json with = manifest_of(export_of(extra, ExportFormat::kAwsCli, /*include_extra=*/true));
  auto all = ok;
  all.insert(scrapped.begin(), scrapped.end());
  EXPECT_EQ(exported_chips(with), all);
  EXPECT_TRUE(with["left_out"].empty());
}

// StartThingRegistrationTask (API reference): templateBody at most 10,240 characters; the input
// file is newline-delimited JSON, one object of parameter values per Thing. Thing names match
// [a-zA-Z0-9:_-]{1,128}; attribute values [a-zA-Z0-9_.,@/:#=\[\]-]* up to 800; a Thing with a
// thing type may have 50 attributes (3 without one).
TEST(Export, AwsBulkFitsTheDocumentedRequestShapeAndLimits) {
  const Verified mixed = verify_with_bundle("mixed");
  for (Slot slot : kAllSlots) {
    SCOPED_TRACE(std::string(slot_name(slot)));
    const Export e = export_of(mixed, ExportFormat::kAwsBulk, false, slot);
    const ExportedFile* tmpl = file_named(e, "bulk-template.json");
    ASSERT_NE(tmpl, nullptr);
    EXPECT_LE(tmpl->bytes.size(), 10240u);
    const json t = json::parse(tmpl->bytes);
    std::set<std::string> parameters;
    for (const auto& [name, p] : t["Parameters"].items()) {
      EXPECT_EQ(p["Type"], "String");
      parameters.insert(name);
    }
    // Every Ref names a declared parameter.
    const std::string body = tmpl->bytes;
    const std::regex ref(R"re("Ref": "([A-Za-z]+)")re");
    std::size_t refs = 0;
    for (std::sregex_iterator it(body.begin(), body.end(), ref), end; it != end; ++it, ++refs)
      EXPECT_TRUE(parameters.count((*it)[1])) << (*it)[1];
    EXPECT_EQ(refs, parameters.size());
    const auto& thing = t["Resources"]["thing"];
    EXPECT_EQ(thing["Type"], "AWS::IoT::Thing");
    EXPECT_FALSE(thing["Properties"]["ThingTypeName"].get<std::string>().empty());
    EXPECT_LE(thing["Properties"]["AttributePayload"].size(), 50u);
    EXPECT_GT(thing["Properties"]["AttributePayload"].size(), 3u); // hence the thing type
    EXPECT_EQ(t["Resources"]["certificate"]["Type"], "AWS::IoT::Certificate");
    EXPECT_EQ(t["Resources"]["certificate"]["Properties"]["Status"], "ACTIVE");

    const ExportedFile* params = file_named(e, "bulk-parameters.jsonl");
    ASSERT_NE(params, nullptr);
    const auto lines = lines_of(params->bytes);
    ASSERT_EQ(lines.size(), chips_with_status("mixed", {"ok"}).size());
    const std::regex thing_name("[a-zA-Z0-9:_-]{1,128}");
    const std::regex attribute(R"re([a-zA-Z0-9_.,@/:#=\[\]-]{0,800})re");
    std::map<std::string, std::string> ids;
    for (const auto& row : lines_of(file_named(e, "certificate-ids.csv")->bytes))
      ids[row.substr(0, row.find(','))] = row.substr(row.rfind(',') + 1);
    for (const auto& line : lines) {
      const json p = json::parse(line);
      std::set<std::string> keys;
      for (const auto& [k, v] : p.items()) {
        keys.insert(k);
        EXPECT_TRUE(v.is_string()) << k;
      }
      EXPECT_EQ(keys, parameters);
      const std::string chip = p["ThingName"];
      EXPECT_TRUE(std::regex_match(chip, thing_name));
      for (const char* a : {"ReelId", "Batch", "Slot", "WaferX", "WaferY"})
        EXPECT_TRUE(std::regex_match(p[a].get<std::string>(), attribute)) << a;
      EXPECT_EQ(p["Slot"], slot_name(slot));
      const ChipRecord* record = mixed.report.find_chip(chip);
      ASSERT_NE(record, nullptr);
      EXPECT_EQ(record->status, ChipStatus::kOk);
      EXPECT_EQ(p["Batch"], record->batch);
      EXPECT_EQ(p["WaferX"], std::to_string(record->wafer_x));
      const auto& cert = record->certificates[static_cast<std::size_t>(slot)];
      EXPECT_EQ(ids[chip], cert->fingerprint_sha256); // AWS's certificate ID: SHA-256 of the DER
      EXPECT_TRUE(
          p["CertificatePem"].get<std::string>().starts_with("-----BEGIN CERTIFICATE-----\n"));
    }
    // The CA script registers the slot's issuing CA (CA 306 for E0E0/E0E1, CA 309 for E0E2).
    const std::string ca = slot == Slot::kE0E2 ? "ca/Test_OPTIGA_TM_Trust_M_CA_309.pem"
                                               : "ca/Test_OPTIGA_TM_Trust_M_CA_306.pem";
    EXPECT_NE(file_named(e, ca), nullptr);
    const ExportedFile* script = file_named(e, "register-ca.sh");
    ASSERT_NE(script, nullptr);
    EXPECT_TRUE(script->executable);
    EXPECT_NE(script->bytes.find("--certificate-mode SNI_ONLY"), std::string::npos);
    EXPECT_NE(script->bytes.find("register_ca " + ca + " "), std::string::npos);
  }
}

TEST(Export, AwsCliScriptIsValidBashAndNamesOnlyVerifiedCertificates) {
  const Verified mixed = verify_with_bundle("mixed");
  const Export e = export_of(mixed, ExportFormat::kAwsCli);
  const ExportedFile* script = file_named(e, "register-certificates.sh");
  ASSERT_NE(script, nullptr);
  EXPECT_TRUE(script->executable);
  TempDir tmp("reelcheck-export");
  write_file(tmp / "s.sh", script->bytes);
  EXPECT_EQ(run_shell("bash -n " + shell_quote((tmp / "s.sh").string())), 0);
  std::size_t calls = 0;
  for (const auto& line : lines_of(script->bytes))
    if (line.starts_with("register_chip ")) {
      ++calls;
      const std::string chip = line.substr(14, 20);
      EXPECT_EQ(mixed.report.find_chip(chip)->status, ChipStatus::kOk);
      // Its certificate follows in a here-document.
      EXPECT_NE(script->bytes.find(line + "\n-----BEGIN CERTIFICATE-----\n"), std::string::npos);
    }
  EXPECT_EQ(calls, e.exported);
}

TEST(Export, ThingpressManifestIsTheEspressifProvidersCsv) {
  const Verified extra = verify_with_bundle("extra");
  const Export e = export_of(extra, ExportFormat::kThingpress);
  const ExportedFile* csv = file_named(e, "thingpress-manifest.csv");
  ASSERT_NE(csv, nullptr);
  EXPECT_TRUE(csv->bytes.starts_with("MAC,cn,cert\n"));
  // One quoted PEM per verified chip, the chip ID in the column Thingpress names Things after.
  for (const auto& chip : chips_with_status("extra", {"ok"}))
    EXPECT_NE(csv->bytes.find(chip + ",InfineonIoTNode,\"-----BEGIN CERTIFICATE-----\n"),
              std::string::npos);
  for (const auto& chip : chips_with_status("extra", {"extra"}))
    EXPECT_EQ(csv->bytes.find(chip), std::string::npos);
}

TEST(Export, AzureDpsOnTheRealBundle) {
  if (!fs::exists(kRealBundle)) GTEST_SKIP() << "the real bundle is not at " << kRealBundle;
  const Bytes bytes = read_file(kRealBundle);
  const std::vector<InputFile> inputs{{kRealBundle.filename().string(), view(bytes)}};
  const CheckTime at = *parse_check_time("2026-06-01T00:00:00Z");
  VerificationSession session(TrustStore::infineon_default(), at);
  ASSERT_FALSE(session.begin_certificates_only(inputs));
  ASSERT_FALSE(run_session_backwards(session));
  const auto report = session.report({at, false});
  ASSERT_TRUE(report.ok());
  auto exported = export_registration(*report, session.bundle().certificates,
                                      {ExportFormat::kAzureDps, Slot::kE0E0, false});
  ASSERT_TRUE(exported.ok()) << exported.error().message;
  EXPECT_EQ(exported->exported, 200u);
  std::set<std::string> registration_ids, devices;
  std::size_t bodies = 0;
  for (const auto& f : exported->files) {
    if (!f.name.starts_with("enrollments/")) continue;
    ++bodies;
    const json body = json::parse(f.bytes);
    EXPECT_EQ(body["mode"], "create");
    EXPECT_LE(body["enrollments"].size(), 10u);
    for (const auto& e : body["enrollments"]) {
      const std::string id = e["registrationId"];
      EXPECT_TRUE(std::regex_match(id, std::regex("[0-9a-f]{64}"))) << id;
      registration_ids.insert(id);
      devices.insert(e["deviceId"].get<std::string>());
      EXPECT_EQ(e["initialTwin"]["tags"]["reel_id"], "78211223032C7EFA");
    }
  }
  EXPECT_EQ(bodies, 20u);
  EXPECT_EQ(registration_ids.size(), 200u);
  EXPECT_EQ(devices.size(), 200u);
  const ExportedFile* group = file_named(*exported, "enrollment-groups/78211223032c7efa-e0e0.json");
  ASSERT_NE(group, nullptr);
  EXPECT_NE(file_named(*exported, "ca/Infineon_OPTIGA_TM_Trust_M_CA_306.pem"), nullptr);
  // E0E2 is signed by CA 309.
  auto rsa = export_registration(*report, session.bundle().certificates,
                                 {ExportFormat::kAzureDps, Slot::kE0E2, false});
  ASSERT_TRUE(rsa.ok());
  EXPECT_NE(file_named(*rsa, "ca/Infineon_OPTIGA_TM_Trust_M_CA_309.pem"), nullptr);
  EXPECT_EQ(manifest_of(*exported)["secrets_checked"], false);
}

TEST(Export, LeavesOutWhatSharesAKeyOrAChipIdEvenWhenTheReportCallsItOk) {
  Verified mixed = verify_with_bundle("mixed");
  // 3B and 3C share a public key: the report fails them. A report that (wrongly) called 3B ok
  // still does not get it exported.
  for (auto& chip : mixed.report.chips)
    if (chip.chip_id == "1122334455AA0012003B") {
      chip.status = ChipStatus::kOk;
      chip.reasons.clear();
      chip.certificates[0]->problems.clear();
    }
  // A second record for an ok chip: the chip ID is no longer one chip's.
  const ChipRecord* twin = mixed.report.find_chip("1122334455AA0012003E");
  mixed.report.chips.push_back(*twin);
  const Export e = export_of(mixed, ExportFormat::kAwsCli);
  const json m = manifest_of(e);
  std::map<std::string, std::string> reasons;
  for (const auto& l : m["left_out"])
    reasons[l["chip_id"]] = l["reasons"][0]["code"];
  EXPECT_EQ(reasons["1122334455AA0012003B"], "shared_public_key");
  EXPECT_EQ(reasons["1122334455AA0012003E"], "shared_chip_id");
  EXPECT_FALSE(exported_chips(m).count("1122334455AA0012003B"));
  EXPECT_FALSE(exported_chips(m).count("1122334455AA0012003E"));
  EXPECT_EQ(e.withheld, 3u); // 3B, and both records of 3E
}

TEST(Export, FailsClosed) {
  const Verified clean = verify_with_bundle("extra");
  const ExportOptions options{ExportFormat::kAwsBulk, Slot::kE0E0, false};
  // Without the certificates' bytes.
  EXPECT_FALSE(export_registration(clean.report, {}, options).ok());
  // Bytes that are not the verified certificate (another chip's file under this name).
  std::vector<CertificateFile> swapped = clean.bundle.certificates;
  std::swap(swapped[0].data, swapped[1].data);
  auto e = export_registration(clean.report, swapped, options);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().message.find("not the certificate that was verified"), std::string::npos);
  // An incomplete verification.
  Report missing = clean.report;
  missing.findings.push_back(
      Finding{Severity::kError, FindingCode::kVerdictMissing, "x", 0, "", "m"});
  EXPECT_FALSE(export_registration(missing, clean.bundle.certificates, options).ok());
  // An ok chip without its certificate for the slot.
  Report hollow = clean.report;
  hollow.chips[0].certificates[0].reset();
  EXPECT_FALSE(export_registration(hollow, clean.bundle.certificates, options).ok());
  // A reel ID that would have to be quoted in a script.
  Report odd = clean.report;
  odd.reel_id = "R1; rm -rf ~";
  EXPECT_FALSE(export_registration(odd, clean.bundle.certificates, options).ok());
}

TEST(Export, IsDeterministic) {
  const Verified a = verify_with_bundle("mixed");
  const Verified b = verify_with_bundle("mixed");
  for (ExportFormat format : kAllExportFormats) {
    const Export x = export_of(a, format), y = export_of(b, format);
    ASSERT_EQ(x.files.size(), y.files.size());
    for (std::size_t i = 0; i < x.files.size(); ++i)
      EXPECT_EQ(x.files[i].bytes, y.files[i].bytes);
  }
}

// The ZIP the page will offer: opened by tools we did not write.
TEST(Export, ZipOpensWith7zipUnzipAndPython) {
  const Verified mixed = verify_with_bundle("mixed");
  auto zip = export_to_zip(mixed.report, mixed.bundle.certificates,
                           {ExportFormat::kAwsCli, Slot::kE0E0, false});
  ASSERT_TRUE(zip.ok()) << zip.error().message;
  const Export e = export_of(mixed, ExportFormat::kAwsCli);
  TempDir tmp("reelcheck-zip");
  write_file(tmp / "export.zip", std::span<const std::uint8_t>(zip->data(), zip->size()));
  const std::string z = shell_quote((tmp / "export.zip").string());
  EXPECT_EQ(run_shell("7zz t " + z + " > /dev/null"), 0);
  EXPECT_EQ(run_shell("unzip -tq " + z + " > /dev/null"), 0);
  ASSERT_EQ(run_shell("cd " + shell_quote(tmp.path().string()) + " && unzip -q export.zip -d u"),
            0);
  for (const auto& f : e.files) {
    const Bytes got = read_file(tmp / "u" / f.name);
    EXPECT_EQ(std::string(got.begin(), got.end()), f.bytes) << f.name;
    const auto perms = fs::status(tmp / "u" / f.name).permissions();
    EXPECT_EQ((perms & fs::perms::owner_exec) != fs::perms::none, f.executable) << f.name;
  }
  const std::string py =
      "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; "
      "i = z.infolist(); assert all(x.compress_type == zipfile.ZIP_STORED for x in i); "
      "assert i[-1].filename == 'manifest.json'; assert i[0].date_time == (2026, 6, 1, 0, 0, 0); "
      "print(len(i))";
  EXPECT_EQ(run_shell("python3 -c " + shell_quote(py) + " " + z + " > /dev/null"), 0);
  // Names that would leave the folder are refused.
  EXPECT_FALSE(write_zip(std::vector<ExportedFile>{{"../x", "", false}}, 0).ok());
  EXPECT_FALSE(write_zip(std::vector<ExportedFile>{{"/etc/x", "", false}}, 0).ok());
}

namespace {

std::string read_text(const fs::path& p) {
  const Bytes b = read_file(p);
  return {b.begin(), b.end()};
}

std::string export_args(const std::string& fixture, const fs::path& out) {
  const auto& entry = bundle_entry(fixture);
  return "export -q --format aws-cli --out " + shell_quote(out.string()) + " " +
         shell_quote((fixtures_dir() / entry["files"][0].get<std::string>()).string()) +
         " --key-file " +
         shell_quote((fixtures_dir() / entry["key_file"].get<std::string>()).string()) +
         " --trust " + shell_quote((fixtures_dir() / "pki/trust.pem").string()) +
         " --no-default-trust --at 2026-06-01T00:00:00Z";
}

} // namespace

TEST(ExportCli, RefusesANonEmptyFolderAndForceReplacesOnlyAnEarlierExport) {
  TempDir tmp("reelcheck-export-cli");
  const fs::path out = tmp / "out";
  auto first = run_cli(export_args("extra", out) + " --include-extra");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(read_text(out / "register-certificates.sh").find("2233445566BB00120040"),
            std::string::npos); // an extra chip
  write_file(out / "stale.pem", "an earlier export's file");
  {
    json m = read_json(out / "manifest.json");
    m["files"].push_back({{"name", "stale.pem"}, {"size", 24}, {"sha256", ""}});
    write_file(out / "manifest.json", m.dump(2));
  }
  EXPECT_TRUE(fs::status(out / "register-certificates.sh").permissions() >= fs::perms::owner_exec);
  write_file(out / "notes.txt", "mine");

  auto refused = run_cli(export_args("extra", out));
  EXPECT_EQ(refused.exit_code, 64);
  EXPECT_NE(refused.err.find("--force"), std::string::npos);

  auto forced = run_cli(export_args("extra", out) + " --force");
  ASSERT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_FALSE(fs::exists(out / "stale.pem")); // listed by the earlier export, not written again
  EXPECT_EQ(read_text(out / "register-certificates.sh").find("2233445566BB00120040"),
            std::string::npos);
  EXPECT_TRUE(fs::exists(out / "notes.txt")); // not the export's: kept
  EXPECT_EQ(read_json(out / "manifest.json")["counts"]["exported"], 10);
}

TEST(ExportCli, ExitCodesFollowVerifyAndCertsOnlyNeedsNoKey) {
  TempDir tmp("reelcheck-export-cli");
  EXPECT_EQ(run_cli(export_args("mixed", tmp / "mixed")).exit_code, 1); // failed chips
  const auto& entry = bundle_entry("extra");
  auto certs_only = run_cli(
      "export -q --certs-only --format aws-bulk --out " + shell_quote((tmp / "c").string()) + " " +
      shell_quote((fixtures_dir() / entry["files"][0].get<std::string>()).string()) + " --trust " +
      shell_quote((fixtures_dir() / "pki/trust.pem").string()) +
      " --no-default-trust --at 2026-06-01T00:00:00Z");
  EXPECT_EQ(certs_only.exit_code, 0) << certs_only.err;
  const json m = read_json(tmp / "c/manifest.json");
  EXPECT_EQ(m["secrets_checked"], false);
  EXPECT_EQ(m["counts"]["exported"], 13); // without the key files no chip is extra
  auto usage = run_cli("export --format gcp --out " + shell_quote((tmp / "x").string()) + " a.7z");
  EXPECT_EQ(usage.exit_code, 64);
}
