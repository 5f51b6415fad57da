#include "base2e15.h"

#include <cstring>

namespace atagent {
namespace {

// Alphabet (base2e15.md §2).
constexpr uint32_t kRangeA = 0x3480;    // values 0x0000..0x1935 → U+3480..U+4DB5
constexpr uint32_t kRangeB = 0x4E00;    // values 0x1936..0x545B → U+4E00..U+8925
constexpr uint32_t kRangeC = 0xAC00;    // values 0x545C..0x7FFF → U+AC00..U+D7A3
constexpr uint32_t kTail = 0x3400;      // 7-bit values → U+3400..U+347F
constexpr uint32_t kSplitB = 0x1936;
constexpr uint32_t kSplitC = 0x545C;
constexpr uint32_t kInvalid = 0xFFFFFFFFu;
constexpr uint32_t kTailMarker = 0x80000000u;

inline uint64_t LoadBigEndian64(const uint8_t* p) {
  uint64_t x;
  std::memcpy(&x, p, sizeof(x));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  return x;
#elif defined(_MSC_VER)
  return _byteswap_uint64(x);
#else
  return __builtin_bswap64(x);
#endif
}

inline void StoreBigEndian64(uint8_t* p, uint64_t x) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#elif defined(_MSC_VER)
  x = _byteswap_uint64(x);
#else
  x = __builtin_bswap64(x);
#endif
  std::memcpy(p, &x, sizeof(x));
}

// Branch-free so the compiler can use conditional moves (or vector compares).
inline char16_t CharFor15(uint32_t v) {
  return static_cast<char16_t>(v + kRangeA + (v >= kSplitB ? kRangeB - kRangeA - kSplitB : 0) +
                               (v >= kSplitC ? (kRangeC - kSplitC) - (kRangeB - kSplitB) : 0));
}

// The 15-bit value of `c`, kTailMarker | value for a 7-bit character, kInvalid otherwise.
inline uint32_t ValueOf(uint32_t c) {
  if (c - kRangeC <= 0xD7A3 - kRangeC) return c - kRangeC + kSplitC;
  if (c - kRangeB <= 0x8925 - kRangeB) return c - kRangeB + kSplitB;
  if (c - kRangeA <= 0x4DB5 - kRangeA) return c - kRangeA;
  if (c - kTail <= 0x7F) return kTailMarker | (c - kTail);
  return kInvalid;
}

// Random data makes every range test a coin flip, so the bulk loops below are branch-free
// lane-wise arithmetic (SWAR, or plain loops GCC and Clang vectorise for SSE2 / NEON); a
// branchy version runs at a third of the speed.

// Maps four 15-bit values held in the 16-bit lanes of `v` to their characters, lane-wise in
// one 64-bit register (SWAR). Adding 0x8000 - split sets a lane's top bit exactly when the
// value is >= split; no lane carries into the next, since every sum stays below 0x10000.
inline uint64_t CharsFor15x4(uint64_t v) {
  constexpr uint64_t kTopBits = 0x8000800080008000ull;
  constexpr uint64_t kLanes = 0x0001000100010001ull;
  const uint64_t atLeastB = ((v + (0x8000 - kSplitB) * kLanes) & kTopBits) >> 15;
  const uint64_t atLeastC = ((v + (0x8000 - kSplitC) * kLanes) & kTopBits) >> 15;
  return v + kRangeA * kLanes + atLeastB * (kRangeB - kRangeA - kSplitB) +
         atLeastC * ((kRangeC - kSplitC) - (kRangeB - kSplitB));
}

inline void StoreChars4(char16_t* out, uint64_t lanes) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  lanes = (lanes >> 48) | ((lanes >> 16) & 0xFFFF0000ull) | ((lanes << 16) & 0xFFFF00000000ull) | (lanes << 48);
#endif
  std::memcpy(out, &lanes, sizeof(lanes));
}

// Writes each character's 15-bit value to `values`; returns non-zero if any character is
// not a 15-bit alphabet character (then `values` is meaningless).
uint16_t MapCharsToValues(const char16_t* chars, size_t count, uint16_t* values) {
  uint16_t bad = 0;
  for (size_t i = 0; i < count; ++i) {
    const uint16_t c = chars[i];
    const uint16_t a = static_cast<uint16_t>(c - kRangeA);
    const uint16_t b = static_cast<uint16_t>(c - kRangeB);
    const uint16_t d = static_cast<uint16_t>(c - kRangeC);
    const uint16_t inA = a <= uint16_t(0x4DB5 - kRangeA) ? 0xFFFF : 0;
    const uint16_t inB = b <= uint16_t(0x8925 - kRangeB) ? 0xFFFF : 0;
    const uint16_t inC = d <= uint16_t(0xD7A3 - kRangeC) ? 0xFFFF : 0;
    values[i] = static_cast<uint16_t>((a & inA) | (uint16_t(b + kSplitB) & inB) |
                                      (uint16_t(d + kSplitC) & inC));
    bad |= static_cast<uint16_t>(~(inA | inB | inC));
  }
  return bad;
}

// 8 values (120 bits) → 15 bytes.
inline void PackGroup(const uint16_t* v, uint8_t* out) {
  const uint64_t v0 = v[0], v1 = v[1], v2 = v[2], v3 = v[3];
  const uint64_t v4 = v[4], v5 = v[5], v6 = v[6], v7 = v[7];
  StoreBigEndian64(out, (v0 << 49) | (v1 << 34) | (v2 << 19) | (v3 << 4) | (v4 >> 11));
  StoreBigEndian64(out + 7, ((v3 & 0xF) << 60) | (v4 << 45) | (v5 << 30) | (v6 << 15) | v7);
}

// Groups per bulk decoding step: large enough to amortise the loop, small enough that a
// stray character costs little re-scanning.
constexpr size_t kDecodeGroups = 8;

}  // namespace

void Base2e15Encode(const uint8_t* bytes, size_t length, char16_t* out) {
  // 15 bytes = 120 bits = 8 characters: two overlapping big-endian loads cover one group;
  // lane 0 of each 64-bit word is the first character (little-endian store).
  while (length >= 15) {
    const uint64_t hi = LoadBigEndian64(bytes);      // bits 0..63
    const uint64_t lo = LoadBigEndian64(bytes + 7);  // bits 56..119
    const uint64_t first = ((hi >> 49) & 0x7FFF) | (((hi >> 34) & 0x7FFF) << 16) |
                           (((hi >> 19) & 0x7FFF) << 32) | (((hi >> 4) & 0x7FFF) << 48);
    const uint64_t second = ((lo >> 45) & 0x7FFF) | (((lo >> 30) & 0x7FFF) << 16) |
                            (((lo >> 15) & 0x7FFF) << 32) | ((lo & 0x7FFF) << 48);
    StoreChars4(out, CharsFor15x4(first));
    StoreChars4(out + 4, CharsFor15x4(second));
    bytes += 15;
    length -= 15;
    out += 8;
  }
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < length; ++i) {
    acc = (acc << 8) | bytes[i];
    bits += 8;
    if (bits >= 15) {
      bits -= 15;
      *out++ = CharFor15((acc >> bits) & 0x7FFF);
      acc &= (1u << bits) - 1;
    }
  }
  if (bits == 0) return;
  if (bits <= 7) {
    *out = static_cast<char16_t>(kTail + (acc << (7 - bits)));
  } else {
    *out = CharFor15(acc << (15 - bits));
  }
}

Base2e15DecodeResult Base2e15Decode(const char16_t* text, size_t length, bool strict,
                                    uint8_t* out) {
  uint8_t* const start = out;
  uint32_t acc = 0;  // pending bits, at most 14 between characters
  int bits = 0;
  size_t i = 0;
  while (i < length) {
    // Fast path: whole groups of 15-bit characters on a byte boundary, 8 chars → 15 bytes.
    if (bits == 0) {
      uint16_t values[kDecodeGroups * 8];
      while (length - i >= 8) {
        size_t groups = (length - i) / 8;
        if (groups > kDecodeGroups) groups = kDecodeGroups;
        if (MapCharsToValues(text + i, groups * 8, values) != 0) {
          // Something else in this stretch: take single groups up to it, then go char by char.
          groups = 0;
          while (length - i >= 8 && MapCharsToValues(text + i, 8, values) == 0) {
            PackGroup(values, out);
            out += 15;
            i += 8;
          }
          break;
        }
        for (size_t g = 0; g < groups; ++g) PackGroup(values + g * 8, out + g * 15);
        out += groups * 15;
        i += groups * 8;
      }
      if (i == length) break;
    }
    const uint32_t value = ValueOf(text[i]);
    if (value == kInvalid) {
      if (strict) return {Base2e15Error::kOutsideAlphabet, static_cast<size_t>(out - start), i};
      ++i;
      continue;
    }
    if (value & kTailMarker) {
      if (bits == 0) return {Base2e15Error::kTailWithoutBits, static_cast<size_t>(out - start), i};
      acc = (acc << 7) | (value & 0x7F);
      bits += 7 - 8;
      *out++ = static_cast<uint8_t>(acc >> bits);
      if (strict) {
        if (i + 1 != length) return {Base2e15Error::kAfterTail, static_cast<size_t>(out - start), i + 1};
        if ((acc & ((1u << bits) - 1)) != 0) {
          return {Base2e15Error::kNonZeroPadding, static_cast<size_t>(out - start), i};
        }
      }
      return {Base2e15Error::kNone, static_cast<size_t>(out - start), 0};
    }
    acc = (acc << 15) | value;
    bits += 15;
    while (bits >= 8) {
      bits -= 8;
      *out++ = static_cast<uint8_t>(acc >> bits);
    }
    acc &= (1u << bits) - 1;
    ++i;
  }
  if (strict && acc != 0) {
    return {Base2e15Error::kNonZeroPadding, static_cast<size_t>(out - start), length - 1};
  }
  return {Base2e15Error::kNone, static_cast<size_t>(out - start), 0};
}

}  // namespace atagent
