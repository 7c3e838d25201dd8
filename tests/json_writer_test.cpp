// JsonWriter must write exactly what nlohmann::json's dump() writes for the same document (the
// reports stayed byte-identical when it replaced the tree): indented and compact, empty and
// nested containers, and strings that need escaping, hold UTF-8 or are not valid UTF-8.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "report/json_writer.hpp"

namespace {

using namespace std::string_literals;
using Json = nlohmann::ordered_json;
using reelcheck::detail::JsonWriter;

const std::vector<std::string> kStrings = {
    "",
    "plain ASCII 0123456789abcdef",
    "quote \" and backslash \\ and slash /",
    "controls \x01\x1f\b\f\n\r\t end"s,
    "nul \0 inside"s,
    "UTF-8: caf\xC3\xA9, \xE2\x82\xAC, \xF0\x9F\x94\x91",
    "invalid: \xC3 \xFF\xFE \xE2\x82 \xED\xA0\x80 tail",
    "DEL \x7F",
};

// The same document both ways: an object with every kind of value.
void write_document(JsonWriter& w, Json& j) {
  w.begin_object();
  j = Json::object();
  w.member("int", 42);
  j["int"] = 42;
  w.member("size", std::size_t{18446744073709551615ULL});
  j["size"] = std::size_t{18446744073709551615ULL};
  w.member("small", std::uint16_t{7});
  j["small"] = std::uint16_t{7};
  w.member("yes", true);
  j["yes"] = true;
  w.member("no", false);
  j["no"] = false;
  w.key("nothing");
  w.null();
  j["nothing"] = nullptr;
  w.key("empty_array");
  w.begin_array();
  w.end_array();
  j["empty_array"] = Json::array();
  w.key("empty_object");
  w.begin_object();
  w.end_object();
  j["empty_object"] = Json::object();
  w.key("strings");
  w.begin_array();
  Json strings = Json::array();
  for (const auto& s : kStrings) {
    w.value(s);
    strings.push_back(s);
  }
  w.end_array();
  j["strings"] = strings;
  w.key("nested");
  w.begin_array();
  Json nested = Json::array();
  for (int i = 0; i < 3; ++i) {
    w.begin_object();
    w.member(kStrings[static_cast<std::size_t>(i) + 2], i);
    w.key("list");
    w.begin_array();
    w.begin_array();
    w.end_array();
    w.value("x");
    w.end_array();
    w.end_object();
    nested.push_back(Json{{kStrings[static_cast<std::size_t>(i) + 2], i},
                          {"list", Json::array({Json::array(), "x"})}});
  }
  w.end_array();
  j["nested"] = nested;
  w.end_object();
}

TEST(JsonWriter, WritesWhatNlohmannDumpWrites) {
  for (int indent : {2, -1, 4}) {
    reelcheck::SecureString out;
    JsonWriter w(out, indent);
    Json j;
    write_document(w, j);
    EXPECT_EQ(std::string_view(out), j.dump(indent, ' ', false, Json::error_handler_t::replace))
        << indent;
  }
}

TEST(JsonWriter, TopLevelArraysAndScalars) {
  reelcheck::SecureString out;
  JsonWriter w(out, 2);
  w.begin_array();
  w.value("a");
  w.begin_object();
  w.end_object();
  w.end_array();
  EXPECT_EQ(std::string_view(out), Json::array({"a", Json::object()}).dump(2));
  reelcheck::SecureString scalar;
  JsonWriter s(scalar, 2);
  s.value(kStrings[6]);
  EXPECT_EQ(std::string_view(scalar),
            Json(kStrings[6]).dump(2, ' ', false, Json::error_handler_t::replace));
}

} // namespace
