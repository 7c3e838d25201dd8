#include "archive/seven_zip_decoder.hpp"

#include <algorithm>
#include <string>

#include "archive/seven_zip_cursor.hpp"
#include "archive/seven_zip_lzma.hpp"
#include "archive/seven_zip_methods.hpp"
#include "util/format.hpp"

namespace reelcheck::detail::sz {
namespace {

// Follows the bind pairs from the folder's final coder back to the one that reads the packed
// stream. Bounded by the coder count, so a cyclic or dangling chain is caught, not followed.
Result<FolderPlan> resolve_chain(const Folder& f) {
  FolderPlan plan;
  std::array<bool, kMaxCoders> seen{};
  std::uint32_t current = f.main_coder;
  for (;;) {
    if (seen[current]) return corrupt("a folder whose coders form a cycle");
    seen[current] = true;
    plan.order[plan.length++] = current;
    // With single-input coders, coder i reads input stream i.
    const auto* feed = std::find_if(f.bind_pairs.begin(), f.bind_pairs.begin() + f.num_bind_pairs,
                                    [&](const BindPair& bp) { return bp.in_index == current; });
    if (feed == f.bind_pairs.begin() + f.num_bind_pairs) break;
    current = feed->out_index;
  }
  if (plan.length != f.num_coders || f.packed_streams[0] != current) {
    return corrupt("a folder whose coders do not form one chain");
  }
  std::reverse(plan.order.begin(), plan.order.begin() + plan.length);
  return plan;
}

Status check_dictionary(Result<std::uint64_t> dictionary, const char* method,
                        const Limits& limits) {
  if (!dictionary) return dictionary.error();
  if (*dictionary > limits.max_dictionary) {
    return make_error(ErrorCode::kLimitExceeded, std::string("the ") + method + " dictionary of " +
                                                     format_size(*dictionary) + " exceeds the " +
                                                     format_size(limits.max_dictionary) + " limit");
  }
  return success();
}

// Checks one coder's properties and how its output size relates to its input size.
Status check_coder(const Coder& c, const Method& m, std::uint64_t in_size, std::uint64_t out_size,
                   const Limits& limits) {
  switch (m.kind) {
  case MethodKind::kCopy:
    if (out_size > in_size) return corrupt("a stored stream is shorter than its declared size");
    return success();
  case MethodKind::kAes: {
    if (in_size % 16 != 0)
      return corrupt("an encrypted stream is not a whole number of AES blocks");
    if (out_size > in_size) return corrupt("an encrypted stream is shorter than its declared size");
    auto params = parse_aes_props(c.props);
    if (!params) return params.error();
    return success();
  }
  case MethodKind::kLzma: return check_dictionary(lzma_dictionary_size(c.props), "LZMA", limits);
  case MethodKind::kLzma2: return check_dictionary(lzma2_dictionary_size(c.props), "LZMA2", limits);
  case MethodKind::kDelta:
  case MethodKind::kBranch:
    if (out_size != in_size) return corrupt("a filter changes the size of its stream");
    return check_filter_props(c.method, c.props, m.name);
  case MethodKind::kUnsupported: break;
  }
  return make_error(ErrorCode::kUnsupported, "compression method " + m.name + " is not supported");
}

// A buffer the chain can filter in place: the previous step's own buffer when the data lives
// there, otherwise a private copy (the packed input belongs to the caller and is read-only).
SecureBytes take_mutable(SecureBytes& owned, ByteView current) {
  if (!owned.empty() && current.data() == owned.data()) {
    owned.resize(current.size());
    return std::move(owned);
  }
  return SecureBytes(current.begin(), current.end());
}

} // namespace

Result<FolderPlan> plan_folder(const Folder& f, std::uint64_t packed_size, const Limits& limits) {
  // Name an unsupported method before complaining about the folder's shape (BCJ2 folders
  // have multi-input coders, but "BCJ2 is not supported" is what helps the user).
  for (std::uint32_t i = 0; i < f.num_coders; ++i) {
    const Method m = describe_method(f.coders[i].method);
    if (m.kind == MethodKind::kUnsupported) {
      return make_error(ErrorCode::kUnsupported,
                        "compression method " + m.name + " is not supported");
    }
  }
  for (std::uint32_t i = 0; i < f.num_coders; ++i) {
    if (f.coders[i].num_in != 1)
      return make_error(ErrorCode::kUnsupported, "7z coders with several inputs are not supported");
  }
  auto plan = resolve_chain(f);
  if (!plan) return plan;

  std::uint64_t in_size = packed_size;
  for (std::uint32_t step = 0; step < plan->length; ++step) {
    const std::uint32_t index = plan->order[step];
    const Coder& c = f.coders[index];
    const Method m = describe_method(c.method);
    const std::uint64_t out_size = f.unpack_sizes[index];
    if (out_size > limits.max_total_size) {
      return make_error(ErrorCode::kLimitExceeded,
                        "a stream of " + std::to_string(out_size) + " bytes exceeds the " +
                            format_size(limits.max_total_size) + " limit");
    }
    if (auto ok = check_coder(c, m, in_size, out_size, limits); !ok) return ok.error();
    if (m.kind == MethodKind::kAes) {
      plan->encrypted = true;
      plan->aes[plan->num_aes++] = *parse_aes_props(c.props); // check_coder parsed them
    }
    in_size = out_size;
  }
  return plan;
}

Result<SecureBytes> decode_folder(const Folder& f, const FolderPlan& plan, ByteView packed,
                                  AesKeyCache& keys) {
  SecureBytes owned; // the latest intermediate buffer; replaced (and wiped) step by step
  ByteView current = packed;
  for (std::uint32_t step = 0; step < plan.length; ++step) {
    const Coder& c = f.coders[plan.order[step]];
    const auto out_size = static_cast<std::size_t>(f.unpack_sizes[plan.order[step]]);
    switch (describe_method(c.method).kind) {
    case MethodKind::kCopy: current = current.first(out_size); break;
    case MethodKind::kAes: {
      auto params = parse_aes_props(c.props);
      if (!params) return params.error();
      SecureBytes out(current.size());
      if (auto ok = aes_decrypt(*params, keys, current, out); !ok) return ok.error();
      out.resize(out_size); // drops the CBC padding
      owned = std::move(out);
      current = as_bytes(owned);
      break;
    }
    case MethodKind::kLzma:
    case MethodKind::kLzma2: {
      SecureBytes out(out_size);
      const bool lzma2 = describe_method(c.method).kind == MethodKind::kLzma2;
      auto ok = lzma2 ? lzma2_decode(c.props, current, out) : lzma_decode(c.props, current, out);
      if (!ok) return ok.error();
      owned = std::move(out);
      current = as_bytes(owned);
      break;
    }
    case MethodKind::kDelta:
    case MethodKind::kBranch: {
      SecureBytes data = take_mutable(owned, current);
      apply_filter(c.method, c.props, data);
      owned = std::move(data);
      current = as_bytes(owned);
      break;
    }
    case MethodKind::kUnsupported:
      return corrupt("an unplanned coder"); // plan_folder rejects these
    }
  }
  return take_mutable(owned, current);
}

} // namespace reelcheck::detail::sz
