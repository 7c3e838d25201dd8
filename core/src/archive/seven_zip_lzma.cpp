#include "archive/seven_zip_lzma.hpp"

#include <cstdlib>
#include <new>

#include <Lzma2Dec.h>
#include <LzmaDec.h>

#include "util/bytes.hpp"

namespace reelcheck::detail::sz {
namespace {

// The probability tables model the plaintext, so they are wiped like the data. ISzAlloc's
// Free gets no size, hence the size prefix (16 bytes keeps the tables 16-byte aligned).
constexpr std::size_t kPrefix = 16;

void* wiping_alloc(ISzAllocPtr, size_t size) {
  auto* block = static_cast<unsigned char*>(std::malloc(size + kPrefix));
  if (block == nullptr) return nullptr;
  *reinterpret_cast<std::size_t*>(block) = size;
  return block + kPrefix;
}

void wiping_free(ISzAllocPtr, void* address) {
  if (address == nullptr) return;
  auto* block = static_cast<unsigned char*>(address) - kPrefix;
  secure_wipe(address, *reinterpret_cast<std::size_t*>(block));
  std::free(block);
}

const ISzAlloc kAlloc{wiping_alloc, wiping_free};

Error data_error(const char* method) {
  return make_error(ErrorCode::kCorrupt, std::string(method) + " data is damaged");
}

// Frees the tables and wipes the decoder state (it buffers a few input bytes) on every path.
struct LzmaState {
  CLzmaDec dec;
  LzmaState() { LzmaDec_CONSTRUCT(&dec); }
  ~LzmaState() {
    LzmaDec_FreeProbs(&dec, &kAlloc);
    secure_wipe(&dec, sizeof dec);
  }
  LzmaState(const LzmaState&) = delete;
  LzmaState& operator=(const LzmaState&) = delete;
};

struct Lzma2State {
  CLzma2Dec dec;
  Lzma2State() { Lzma2Dec_CONSTRUCT(&dec); }
  ~Lzma2State() {
    Lzma2Dec_FreeProbs(&dec, &kAlloc);
    secure_wipe(&dec, sizeof dec);
  }
  Lzma2State(const Lzma2State&) = delete;
  Lzma2State& operator=(const Lzma2State&) = delete;
};

} // namespace

Result<std::uint64_t> lzma_dictionary_size(ByteView props) {
  CLzmaProps decoded;
  if (props.size() != LZMA_PROPS_SIZE ||
      LzmaProps_Decode(&decoded, props.data(), LZMA_PROPS_SIZE) != SZ_OK) {
    return make_error(ErrorCode::kCorrupt, "malformed LZMA properties");
  }
  return std::uint64_t{load_le32(props.data() + 1)}; // after the lc/lp/pb byte
}

Result<std::uint64_t> lzma2_dictionary_size(ByteView props) {
  if (props.size() != 1 || props[0] > 40)
    return make_error(ErrorCode::kCorrupt, "malformed LZMA2 properties");
  const unsigned p = props[0];
  if (p == 40) return std::uint64_t{0xFFFFFFFF};
  return std::uint64_t{2u | (p & 1u)} << (p / 2 + 11);
}

Status lzma_decode(ByteView props, ByteView in, std::span<std::uint8_t> out) {
  if (out.empty()) return success();
  LzmaState state;
  if (LzmaDec_AllocateProbs(&state.dec, props.data(), static_cast<unsigned>(props.size()),
                            &kAlloc) != SZ_OK) {
    return make_error(ErrorCode::kCorrupt, "malformed LZMA properties");
  }
  state.dec.dic = out.data();
  state.dec.dicBufSize = out.size();
  LzmaDec_Init(&state.dec);
  SizeT in_len = in.size();
  ELzmaStatus status = LZMA_STATUS_NOT_SPECIFIED;
  const SRes res =
      LzmaDec_DecodeToDic(&state.dec, out.size(), in.data(), &in_len, LZMA_FINISH_END, &status);
  // A 7z LZMA stream fills the output exactly and uses up its input, with or without an end mark.
  const bool finished =
      status == LZMA_STATUS_FINISHED_WITH_MARK || status == LZMA_STATUS_MAYBE_FINISHED_WITHOUT_MARK;
  if (res != SZ_OK || !finished || state.dec.dicPos != out.size() || in_len != in.size())
    return data_error("LZMA");
  return success();
}

Status lzma2_decode(ByteView props, ByteView in, std::span<std::uint8_t> out) {
  if (props.size() != 1) return make_error(ErrorCode::kCorrupt, "malformed LZMA2 properties");
  Lzma2State state;
  if (Lzma2Dec_AllocateProbs(&state.dec, props[0], &kAlloc) != SZ_OK) {
    return make_error(ErrorCode::kCorrupt, "malformed LZMA2 properties");
  }
  // An empty buffer still needs a valid pointer: LZMA2 reads its end marker into it.
  std::uint8_t dummy = 0;
  state.dec.decoder.dic = out.empty() ? &dummy : out.data();
  state.dec.decoder.dicBufSize = out.size();
  Lzma2Dec_Init(&state.dec);
  SizeT in_len = in.size();
  ELzmaStatus status = LZMA_STATUS_NOT_SPECIFIED;
  const SRes res =
      Lzma2Dec_DecodeToDic(&state.dec, out.size(), in.data(), &in_len, LZMA_FINISH_END, &status);
  if (res != SZ_OK || status != LZMA_STATUS_FINISHED_WITH_MARK ||
      state.dec.decoder.dicPos != out.size() || in_len != in.size()) {
    return data_error("LZMA2");
  }
  return success();
}

} // namespace reelcheck::detail::sz
