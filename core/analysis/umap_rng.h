// The one source of randomness in UMAP (umap.h): a SplitMix64 stream seeded from the
// params' seed, shared by the initial layout's jitter, the spectral solver's start vector
// and the SGD's negative sampling. Internal to umap*.cpp, not a public API; a header of
// its own because three stage files use it.
#pragma once

#include <cmath>
#include <cstdint>

namespace acc::umap_detail {

// SplitMix64 (Steele, Lea & Flood 2014): one word of state and the same stream on every
// platform, unlike std:: distributions whose algorithms are implementation-defined.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)
  double normal() {  // Box-Muller
    const double radius = std::sqrt(-2.0 * std::log(1.0 - uniform()));
    return radius * std::cos(6.283185307179586 * uniform());
  }

 private:
  uint64_t state_;
};

}  // namespace acc::umap_detail
