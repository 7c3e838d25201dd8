#include "crypto/p384_batch_sum.hpp"

namespace reelcheck::detail::p384 {

void BatchSum::run(std::span<const std::span<const Term>> lanes, std::span<AffinePoint> sums,
                   std::span<LaneSum> status) {
  const auto& f = field();
  const std::size_t n = lanes.size();
  active_.clear();
  next_.assign(n, 0);
  denominators_.resize(n);
  inverting_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    status[i] = LaneSum::kInfinity;
    if (lanes[i].empty()) continue;
    // The first term is the sum so far: nothing to add it to.
    const Term& first = lanes[i][0];
    sums[i] = *first.point;
    if (first.negative) f.neg(sums[i].y, first.point->y);
    status[i] = LaneSum::kFinite;
    next_[i] = 1;
    if (lanes[i].size() > 1) active_.push_back(std::uint32_t(i));
  }

  while (!active_.empty()) {
    // x2 - x1 for every lane, and their inverses with one inversion.
    std::size_t m = 0;
    for (const std::uint32_t i : active_) {
      FieldElement d{};
      f.sub(d, lanes[i][next_[i]].point->x, sums[i].x);
      if (f.is_zero(d)) { // the same x: a doubling or a sum of inverse points
        status[i] = LaneSum::kExceptional;
        continue;
      }
      denominators_[m] = d;
      inverting_[m++] = i;
    }
    const std::span<FieldElement> inverses = std::span(denominators_).first(m);
    f.inverse_each(inverses, inverses, prefix_);
    for (std::size_t k = 0; k < m; ++k) {
      const std::uint32_t i = inverting_[k];
      const Term& t = lanes[i][next_[i]];
      AffinePoint& s = sums[i];
      FieldElement y2 = t.point->y;
      if (t.negative) f.neg(y2, y2);
      // lambda = (y2 - y1) / (x2 - x1); x3 = lambda^2 - x1 - x2; y3 = lambda (x1 - x3) - y1
      FieldElement lambda{}, x3{}, t1{};
      f.sub(t1, y2, s.y);
      f.mul(lambda, t1, inverses[k]);
      f.sqr(x3, lambda);
      f.sub(x3, x3, s.x);
      f.sub(x3, x3, t.point->x);
      f.sub(t1, s.x, x3);
      f.mul(t1, lambda, t1);
      f.sub(s.y, t1, s.y);
      s.x = x3;
    }
    // Keep the lanes with terms left that did not stop.
    std::size_t kept = 0;
    for (const std::uint32_t i : active_) {
      if (status[i] == LaneSum::kExceptional) continue;
      if (++next_[i] < lanes[i].size()) active_[kept++] = i;
    }
    active_.resize(kept);
  }
}

} // namespace reelcheck::detail::p384
