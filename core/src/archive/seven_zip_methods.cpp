#include "archive/seven_zip_methods.hpp"

#include <array>
#include <cstdio>

#include <Bra.h>
#include <Delta.h>

#include "util/bytes.hpp"

namespace reelcheck::detail::sz {
namespace {

// Method IDs (DOC/Methods.txt). The short single-byte branch IDs are the newer spelling.
constexpr std::uint64_t kCopyId = 0x00;
constexpr std::uint64_t kDeltaId = 0x03;
constexpr std::uint64_t kX86Id = 0x04;
constexpr std::uint64_t kPpcId = 0x05;
constexpr std::uint64_t kIa64Id = 0x06;
constexpr std::uint64_t kArmId = 0x07;
constexpr std::uint64_t kArmtId = 0x08;
constexpr std::uint64_t kSparcId = 0x09;
constexpr std::uint64_t kArm64Id = 0x0A;
constexpr std::uint64_t kRiscvId = 0x0B;
constexpr std::uint64_t kLzma2Id = 0x21;
constexpr std::uint64_t kLzmaId = 0x030101;
constexpr std::uint64_t kBcjId = 0x03030103;
constexpr std::uint64_t kPpc7zId = 0x03030205;
constexpr std::uint64_t kIa647zId = 0x03030401;
constexpr std::uint64_t kArm7zId = 0x03030501;
constexpr std::uint64_t kArmt7zId = 0x03030701;
constexpr std::uint64_t kSparc7zId = 0x03030805;
constexpr std::uint64_t kAesId = 0x06F10701;

struct Known {
  std::uint64_t id;
  MethodKind kind;
  const char* name;
};

constexpr std::array kKnown{
    Known{kCopyId, MethodKind::kCopy, "Copy"},
    Known{kDeltaId, MethodKind::kDelta, "Delta"},
    Known{kX86Id, MethodKind::kBranch, "BCJ"},
    Known{kPpcId, MethodKind::kBranch, "PPC"},
    Known{kIa64Id, MethodKind::kBranch, "IA64"},
    Known{kArmId, MethodKind::kBranch, "ARM"},
    Known{kArmtId, MethodKind::kBranch, "ARMT"},
    Known{kSparcId, MethodKind::kBranch, "SPARC"},
    Known{kArm64Id, MethodKind::kBranch, "ARM64"},
    Known{kRiscvId, MethodKind::kBranch, "RISCV"},
    Known{kLzma2Id, MethodKind::kLzma2, "LZMA2"},
    Known{kLzmaId, MethodKind::kLzma, "LZMA"},
    Known{kBcjId, MethodKind::kBranch, "BCJ"},
    Known{kPpc7zId, MethodKind::kBranch, "PPC"},
    Known{kIa647zId, MethodKind::kBranch, "IA64"},
    Known{kArm7zId, MethodKind::kBranch, "ARM"},
    Known{kArmt7zId, MethodKind::kBranch, "ARMT"},
    Known{kSparc7zId, MethodKind::kBranch, "SPARC"},
    Known{kAesId, MethodKind::kAes, "7zAES"},
    // Valid 7z methods we deliberately do not carry decoders for.
    Known{0x020302, MethodKind::kUnsupported, "Swap2"},
    Known{0x020304, MethodKind::kUnsupported, "Swap4"},
    Known{0x0303011B, MethodKind::kUnsupported, "BCJ2"},
    Known{0x030401, MethodKind::kUnsupported, "PPMd"},
    Known{0x040108, MethodKind::kUnsupported, "Deflate"},
    Known{0x040109, MethodKind::kUnsupported, "Deflate64"},
    Known{0x040202, MethodKind::kUnsupported, "BZip2"},
    Known{0x04015D, MethodKind::kUnsupported, "ZSTD"},
    Known{0x04F71101, MethodKind::kUnsupported, "ZSTD"},
    Known{0x04F71102, MethodKind::kUnsupported, "Brotli"},
    Known{0x04F71104, MethodKind::kUnsupported, "LZ4"},
    Known{0x04F71105, MethodKind::kUnsupported, "LZ5"},
    Known{0x04F71106, MethodKind::kUnsupported, "Lizard"},
    Known{0x06F10101, MethodKind::kUnsupported, "ZipCrypto"},
    Known{0x06F10303, MethodKind::kUnsupported, "Rar29AES"},
};

// ARM64 and RISCV may carry a 4-byte start address; the others take no properties.
bool takes_start_address(std::uint64_t id) {
  return id == kArm64Id || id == kRiscvId;
}

} // namespace

Method describe_method(std::uint64_t id) {
  for (const Known& k : kKnown) {
    if (k.id == id) return {k.kind, k.name};
  }
  char hex[24];
  std::snprintf(hex, sizeof hex, "0x%llX", static_cast<unsigned long long>(id));
  return {MethodKind::kUnsupported, hex};
}

Status check_filter_props(std::uint64_t id, ByteView props, std::string_view name) {
  auto unsupported = [&] {
    return make_error(ErrorCode::kUnsupported,
                      "unsupported properties for the " + std::string(name) + " filter");
  };
  if (id == kDeltaId) return props.size() == 1 ? success() : unsupported();
  if (props.empty()) return success();
  if (!takes_start_address(id) || props.size() != 4) return unsupported();
  const std::uint32_t pc = load_le32(props.data());
  if ((id == kArm64Id && (pc & 3) != 0) || (id == kRiscvId && (pc & 1) != 0)) return unsupported();
  return success();
}

void apply_filter(std::uint64_t id, ByteView props, std::span<std::uint8_t> data) {
  Byte* p = data.data();
  const SizeT n = data.size();
  const UInt32 pc = props.size() == 4 ? load_le32(props.data()) : 0;
  switch (id) {
  case kDeltaId: {
    Byte state[DELTA_STATE_SIZE];
    Delta_Init(state);
    Delta_Decode(state, props[0] + 1u, p, n);
    return;
  }
  case kX86Id:
  case kBcjId: {
    UInt32 state = Z7_BRANCH_CONV_ST_X86_STATE_INIT_VAL;
    z7_BranchConvSt_X86_Dec(p, n, pc, &state);
    return;
  }
  case kPpcId:
  case kPpc7zId: z7_BranchConv_PPC_Dec(p, n, pc); return;
  case kIa64Id:
  case kIa647zId: z7_BranchConv_IA64_Dec(p, n, pc); return;
  case kArmId:
  case kArm7zId: z7_BranchConv_ARM_Dec(p, n, pc); return;
  case kArmtId:
  case kArmt7zId: z7_BranchConv_ARMT_Dec(p, n, pc); return;
  case kSparcId:
  case kSparc7zId: z7_BranchConv_SPARC_Dec(p, n, pc); return;
  case kArm64Id: z7_BranchConv_ARM64_Dec(p, n, pc); return;
  case kRiscvId: z7_BranchConv_RISCV_Dec(p, n, pc); return;
  default: return; // plan_folder admits only the IDs above
  }
}

} // namespace reelcheck::detail::sz
