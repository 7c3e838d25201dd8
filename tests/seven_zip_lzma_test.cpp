// LZMA and LZMA2 decoding straight into the caller's buffer (archive/seven_zip_lzma.cpp), on raw
// streams made by the real xz (/usr/bin/xz), a few hundred KiB long: the stream must fill the
// output exactly and use up its input. One that ends early, runs on, is cut short (also deep
// inside) or has a byte after it is refused as damaged, with or without LZMA's end mark.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "archive/seven_zip_lzma.hpp"

namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;
using reelcheck::ByteView;
using reelcheck::ErrorCode;
using reelcheck::detail::sz::lzma2_decode;
using reelcheck::detail::sz::lzma_decode;

constexpr std::size_t kChunk = 64 * 1024; // sizes around multiples of the SDK's 64 KiB chunks

// Text-like and random parts mixed, so that the stream has matches, literals and, for LZMA2,
// both compressed and stored chunks.
Bytes sample(std::size_t size) {
  Bytes out(size);
  std::uint32_t x = 12345;
  for (std::size_t i = 0; i < size; ++i) {
    x = x * 1103515245u + 12345u;
    const bool random_part = (i / 20000) % 3 == 2;
    out[i] = random_part
                 ? static_cast<std::uint8_t>(x >> 16)
                 : static_cast<std::uint8_t>("certificate chip E0E0 "[(i * 7 + (x >> 28)) % 22]);
  }
  return out;
}

class LzmaDecoding : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("reelcheck-lzma-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // xz's raw encoder with `filter` (e.g. "--lzma1=preset=6,dict=1MiB"): no container around
  // the stream, as inside a 7z folder.
  Bytes xz_raw(const Bytes& data, const std::string& filter) {
    const fs::path in = dir_ / "in", out = dir_ / "out";
    std::ofstream(in, std::ios::binary)
        .write(reinterpret_cast<const char*>(data.data()),
               static_cast<std::streamsize>(data.size()));
    const std::string command =
        "xz --format=raw " + filter + " -c '" + in.string() + "' > '" + out.string() + "'";
    EXPECT_EQ(std::system(command.c_str()), 0) << command;
    std::ifstream f(out, std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(f), {});
  }

  fs::path dir_;
};

// lc=3, lp=0, pb=2 (xz's defaults) and a 1 MiB dictionary.
const Bytes kLzmaProps = {0x5D, 0x00, 0x00, 0x10, 0x00};
const Bytes kLzma2Props = {16}; // 1 MiB

template <class Decode>
void expect_exact_and_strict(Decode decode, const Bytes& props, const Bytes& data,
                             const Bytes& stream) {
  ASSERT_GT(data.size(), 4 * kChunk); // several LZMA2 chunks
  Bytes out(data.size());
  auto ok = decode(props, stream, out);
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_TRUE(out == data);

  // The stream ends before the output is full (it is one byte too big).
  Bytes bigger(data.size() + 1);
  auto early = decode(props, stream, bigger);
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().code, ErrorCode::kCorrupt);

  // The stream goes on after the output is full.
  Bytes smaller(data.size() - 1);
  auto longer = decode(props, stream, smaller);
  ASSERT_FALSE(longer.ok());
  EXPECT_EQ(longer.error().code, ErrorCode::kCorrupt);

  // Cut short halfway, and by one byte.
  for (std::size_t keep : {stream.size() / 2, stream.size() - 1}) {
    Bytes cut(data.size());
    auto truncated = decode(props, ByteView(stream).first(keep), cut);
    ASSERT_FALSE(truncated.ok()) << "kept " << keep << " of " << stream.size();
    EXPECT_EQ(truncated.error().code, ErrorCode::kCorrupt);
  }

  // A byte after the stream's end.
  Bytes trailing = stream;
  trailing.push_back(0);
  Bytes out2(data.size());
  auto extra = decode(props, trailing, out2);
  ASSERT_FALSE(extra.ok());
  EXPECT_EQ(extra.error().code, ErrorCode::kCorrupt);
}

TEST_F(LzmaDecoding, LzmaStreamsDecodeExactlyAndStrictly) {
  for (std::size_t size : {5 * kChunk, 5 * kChunk + 7, 5 * kChunk - 1}) {
    const Bytes data = sample(size);
    const Bytes stream = xz_raw(data, "--lzma1=preset=6,dict=1MiB");
    expect_exact_and_strict(lzma_decode, kLzmaProps, data, stream);
  }
}

TEST_F(LzmaDecoding, Lzma2StreamsDecodeExactlyAndStrictly) {
  for (std::size_t size : {5 * kChunk, 5 * kChunk + 7, 5 * kChunk - 1}) {
    const Bytes data = sample(size);
    const Bytes stream = xz_raw(data, "--lzma2=preset=6,dict=1MiB");
    expect_exact_and_strict(lzma2_decode, kLzma2Props, data, stream);
  }
}

} // namespace
