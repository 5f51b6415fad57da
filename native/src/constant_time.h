// Branch-free comparisons for secret-dependent data (padding checks). Each returns an
// all-ones mask (0xFFFFFFFF) for true and 0 for false, so results combine with & and |.
#pragma once

#include <cstdint>

namespace atagent::ct {

// Spreads the top bit of `x` over the whole word.
inline uint32_t Msb(uint32_t x) { return 0u - (x >> 31); }
inline uint32_t IsZero(uint32_t x) { return Msb(~x & (x - 1)); }
inline uint32_t IsNonZero(uint32_t x) { return ~IsZero(x); }
inline uint32_t Equal(uint32_t a, uint32_t b) { return IsZero(a ^ b); }
// a < b for values below 2^31 (all lengths and bytes here).
inline uint32_t Less(uint32_t a, uint32_t b) { return Msb(a - b); }
inline uint32_t LessOrEqual(uint32_t a, uint32_t b) { return ~Less(b, a); }
inline uint32_t GreaterOrEqual(uint32_t a, uint32_t b) { return ~Less(a, b); }
inline uint32_t Select(uint32_t mask, uint32_t a, uint32_t b) { return (mask & a) | (~mask & b); }
inline uint8_t Select8(uint32_t mask, uint8_t a, uint8_t b) {
  return static_cast<uint8_t>((mask & a) | (~mask & b));
}

}  // namespace atagent::ct
