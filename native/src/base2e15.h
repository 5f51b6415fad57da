// base2e15 (shared/spec base2e15.md): 15 bits per UTF-16 code unit in three CJK/Hangul
// ranges, with an optional final 7-bit character from U+3400..U+347F. Pure functions over
// caller-provided memory; the N-API glue is in base2e15_binding.cc.
//
// Decoding rules (the TypeScript fallback implements the same ones):
// * Lenient (default, like upstream): code units outside the alphabet are skipped. A 7-bit
//   character appends 7 bits, completes the final byte and ends decoding; whatever follows is
//   ignored. Fewer than 8 bits left at the end are padding and dropped.
// * Both modes reject a 7-bit character that arrives with no bits pending (first in the text,
//   or right after a complete 8-character group): it cannot complete a byte, and upstream
//   throws there too.
// * Strict additionally rejects any code unit outside the alphabet, anything after a 7-bit
//   character, and non-zero padding bits. Strict therefore accepts exactly the strings the
//   encoder produces.
#pragma once

#include <cstddef>
#include <cstdint>

namespace atagent {

// ceil(8n / 15) characters for n bytes.
constexpr size_t Base2e15EncodedLength(size_t byteCount) { return (byteCount * 8 + 14) / 15; }

// An upper bound on decoded bytes for `charCount` code units: floor(15c / 8).
constexpr size_t Base2e15MaxDecodedLength(size_t charCount) { return charCount / 8 * 15 + charCount % 8 * 15 / 8; }

// Writes Base2e15EncodedLength(length) code units to `out`.
void Base2e15Encode(const uint8_t* bytes, size_t length, char16_t* out);

enum class Base2e15Error {
  kNone,
  kOutsideAlphabet,     // strict only
  kAfterTail,           // strict only: a code unit follows the 7-bit character
  kTailWithoutBits,     // both modes: 7-bit character with no pending bits
  kNonZeroPadding,      // strict only
};

struct Base2e15DecodeResult {
  Base2e15Error error;
  size_t bytesWritten;
  size_t errorIndex;  // code unit index the error refers to
};

// `out` must hold Base2e15MaxDecodedLength(length) bytes.
Base2e15DecodeResult Base2e15Decode(const char16_t* text, size_t length, bool strict, uint8_t* out);

}  // namespace atagent
