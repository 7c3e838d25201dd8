// Access to the bundles made by tests/fixtures/make_fixtures.sh (CTest runs it first) and to
// their expected outcomes in manifest.json.
#pragma once

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "reelcheck/report.hpp"
#include "reelcheck/session.hpp"
#include "test_util.hpp"

namespace reelcheck::test {

// True in the sanitizer build (REELCHECK_SANITIZED_BUILD, cmake/TargetFlags.cmake). There the
// 4,160-chip "big" reel takes minutes per verification; tests that go through every fixture
// leave it to the release suite, which runs the same code on it.
#if defined(REELCHECK_SANITIZED_BUILD)
inline constexpr bool kSanitizedBuild = true;
#else
inline constexpr bool kSanitizedBuild = false;
#endif

// Whether a test that goes through every fixture takes this one in this build.
inline bool every_fixture_takes(const std::string& name) {
  return !(kSanitizedBuild && name == "big");
}

inline const fs::path& fixtures_dir() {
  static const fs::path dir = REELCHECK_FIXTURES_DIR;
  return dir;
}

inline const nlohmann::json& manifest() {
  static const nlohmann::json m = [] {
    std::ifstream in(fixtures_dir() / "manifest.json");
    if (!in) throw std::runtime_error("no fixtures: run tests/fixtures/make_fixtures.sh");
    return nlohmann::json::parse(in);
  }();
  return m;
}

inline const nlohmann::json& bundle_entry(const std::string& name) {
  return manifest().at("bundles").at(name);
}

// A big input of the archive reader tests (manifest "archives": the 2 GiB bombs, the
// 12,000-file archive), made once by the generator for every build instead of by each test
// run. Only --quick fixtures lack them, and the suite never uses those.
inline const nlohmann::json& archive_input(const std::string& name) {
  const nlohmann::json& m = manifest();
  if (!m.contains("archives") || !m.at("archives").contains(name))
    throw std::runtime_error("fixture archive '" + name + "' missing: the tests need the full " +
                             "fixtures (tests/fixtures/make_fixtures.sh without --quick)");
  return m.at("archives").at(name);
}

inline fs::path archive_input_path(const std::string& name) {
  return fixtures_dir() / archive_input(name).at("file").get<std::string>();
}

inline CheckTime fixture_check_time() {
  return *parse_check_time(manifest().at("check_time").get<std::string>());
}

inline TrustStore fixture_trust() {
  TrustStore store = TrustStore::empty();
  const Bytes pem = read_file(fixtures_dir() / manifest().at("trust").get<std::string>());
  if (!store.add(view(pem), "trust.pem").ok()) throw std::runtime_error("bad fixture trust.pem");
  return store;
}

// The files of a bundle as the user would hand them over, kept alive with the views on them.
struct FixtureInput {
  std::vector<std::string> names;
  std::vector<Bytes> contents;
  Bytes key;

  std::vector<InputFile> inputs() const {
    std::vector<InputFile> out;
    for (std::size_t i = 0; i < names.size(); ++i)
      out.push_back(InputFile{names[i], view(contents[i])});
    return out;
  }
};

inline FixtureInput load_fixture(const std::string& name) {
  const auto& entry = bundle_entry(name);
  FixtureInput in;
  for (const auto& f : entry.at("files")) {
    const fs::path path = fixtures_dir() / f.get<std::string>();
    in.names.push_back(path.filename().string());
    in.contents.push_back(read_file(path));
  }
  in.key = read_file(fixtures_dir() / entry.at("key_file").get<std::string>());
  return in;
}

inline std::vector<std::string> sorted_codes(const std::vector<Problem>& problems) {
  std::set<std::string> codes;
  for (const auto& p : problems)
    codes.insert(std::string(problem_code_name(p.code)));
  return {codes.begin(), codes.end()};
}

// Full pipeline as the CLI runs it, single-threaded, on inputs handed over together (the page
// passes every chosen file to one session).
inline Result<Report> verify_inputs(std::span<const InputFile> inputs, const Bytes& key,
                                    bool include_secrets = false) {
  auto bundle = BundleReader().open(inputs, view(key));
  if (!bundle) return bundle.error();
  const TrustStore trust = fixture_trust();
  const ChainVerifier verifier(trust);
  std::vector<CertificateVerdict> verdicts;
  for (const auto& cert : bundle->certificates)
    verdicts.push_back(verifier.verify(cert, fixture_check_time()));
  return build_report(*bundle, std::move(verdicts), trust, {fixture_check_time(), include_secrets});
}

// Runs a begun session on this thread, as a front end with many idle cores would: every item
// available at a time is taken first, then they are run and completed in reverse order (last
// handed out, first back). `run` may tamper with an item's result. keys_last: as the page does
// it, the keys archive only once nothing else is left to hand out.
using WorkRunner = std::function<WorkResult(const WorkItem&, const ChainVerifier&, ByteView)>;
inline std::optional<Error> run_session_backwards(VerificationSession& session,
                                                  const WorkRunner& run = {},
                                                  bool keys_last = false) {
  const ChainVerifier verifier(session.trust());
  while (!session.settled()) {
    std::vector<WorkItem> taken;
    while (auto item = session.next_work(/*with_keys=*/!keys_last))
      taken.push_back(std::move(*item));
    if (taken.empty() && keys_last)
      if (auto keys = session.keys_job()) taken.push_back(std::move(*keys));
    if (taken.empty()) return make_error(ErrorCode::kBadInput, "the session handed out nothing");
    for (auto it = taken.rbegin(); it != taken.rend(); ++it) {
      SecureBytes key;
      if (const auto* keys = std::get_if<KeysArchiveJob>(&*it)) key = session.key_for(*keys);
      session.complete(run ? run(*it, verifier, as_bytes(key))
                           : run_work(*it, verifier, as_bytes(key)));
    }
  }
  return session.error();
}

// The fixture through a VerificationSession, run backwards (run_session_backwards).
inline Result<Report> verify_fixture_in_session(const std::string& name,
                                                const WorkRunner& run = {},
                                                bool certificates_only = false,
                                                bool keys_last = false) {
  const FixtureInput in = load_fixture(name);
  const auto inputs = in.inputs();
  VerificationSession session(fixture_trust(), fixture_check_time(), Limits{}, 2);
  const Bytes key = in.key;
  const auto begun = certificates_only
                         ? session.begin_certificates_only(inputs)
                         : session.begin(inputs, [&](std::string_view) {
                             return SecureBytes(key.begin(), key.end());
                           });
  if (begun) return *begun;
  if (auto e = run_session_backwards(session, run, keys_last)) return *e;
  return session.report({fixture_check_time(), false});
}

inline Result<Report> verify_fixture(const std::string& name, bool include_secrets = false) {
  const FixtureInput in = load_fixture(name);
  return verify_inputs(in.inputs(), in.key, include_secrets);
}

// Every chip's status and reason codes equal the manifest's expectation, and so do the counts
// and the listed findings (file and line).
inline void expect_matches_manifest(const Report& report, const nlohmann::json& expected) {
  const auto& counts = expected.at("counts");
  EXPECT_EQ(report.counts.ok, counts.at("ok").get<std::size_t>());
  EXPECT_EQ(report.counts.failed, counts.at("failed").get<std::size_t>());
  EXPECT_EQ(report.counts.extra, counts.at("extra").get<std::size_t>());
  const auto& chips = expected.at("chips");
  EXPECT_EQ(report.chips.size(), chips.size());
  for (const auto& [id, want] : chips.items()) {
    const ChipRecord* chip = report.find_chip(id);
    ASSERT_NE(chip, nullptr) << "chip " << id << " missing from the report";
    EXPECT_EQ(chip_status_name(chip->status), want.at("status").get<std::string>()) << id;
    std::vector<std::string> want_codes = want.at("reasons").get<std::vector<std::string>>();
    std::sort(want_codes.begin(), want_codes.end());
    EXPECT_EQ(sorted_codes(chip->reasons), want_codes) << id;
  }
  for (const auto& f : expected.at("findings")) {
    const bool found =
        std::any_of(report.findings.begin(), report.findings.end(), [&](const Finding& g) {
          return finding_code_name(g.code) == f.at("code").get<std::string>() &&
                 g.file == f.at("file").get<std::string>() &&
                 g.line == f.at("line").get<std::uint32_t>();
        });
    EXPECT_TRUE(found) << "finding " << f.dump() << " not reported";
  }
}

} // namespace reelcheck::test
