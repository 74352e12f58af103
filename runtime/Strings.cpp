//===- Strings.cpp - STRING_CAST and STRING_NORMALIZER primitives ---------===//
//
// The primitives on STRING tensors (elements are aic_string_t). Strings a
// primitive computes live in its per-exec-state PrimState: one std::string
// per output element, sized when the state is made, so their addresses stay
// put until the state's next run overwrites them. aic_model_run_in copies
// the graph's STRING outputs out of them before the state is reused.
//
// Numbers print as ONNX's reference implementation (numpy's str of a
// scalar) does: the shortest digits that read back to the same value,
// positional for 1e-4 <= |x| < 1e16 ("0.5", "100.0"), else scientific
// ("1e+16", "1.5e-05"); "NaN", "INF", "-INF"; integers in decimal; bool as
// "True"/"False". Parsing is strict: the whole string (surrounding ASCII
// blanks aside) must be a number of the target type, or "NaN", "INF",
// "+INF", "-INF" in any case for floats, or "true"/"false" (any case) or a
// number for bool; anything else fails the run (ONNX leaves it undefined).
//
//===----------------------------------------------------------------------===//

#include "Context.h"
#include "Dtype.h"
#include "Errors.h"
#include "Primitive.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <cwctype>
#include <limits>
#include <locale.h>
#include <string>
#include <unordered_set>
#include <vector>

using namespace aic::rt;

namespace {

//===--- 16-bit floats ----------------------------------------------------===//

float halfToFloat(uint16_t h) {
  uint32_t sign = (h & 0x8000u) << 16, exp = (h >> 10) & 0x1f, man = h & 0x3ff;
  uint32_t bits;
  if (exp == 0x1f) {
    bits = sign | 0x7f800000u | (man << 13);
  } else if (exp != 0) {
    bits = sign | ((exp + 112) << 23) | (man << 13);
  } else if (man == 0) {
    bits = sign;
  } else { // subnormal: normalize
    int e = -1;
    do {
      ++e;
      man <<= 1;
    } while (!(man & 0x400));
    bits = sign | ((112 - e) << 23) | ((man & 0x3ff) << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

/// Round to nearest even, as the IEEE conversion does.
uint16_t floatToHalf(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000);
  uint32_t abs = bits & 0x7fffffffu;
  if (abs > 0x7f800000u) // NaN, quiet
    return sign | 0x7e00;
  if (abs >= 0x477ff000u) // rounds to infinity
    return sign | 0x7c00;
  if (abs < 0x38800000u) { // subnormal half or zero
    float a;
    std::memcpy(&a, &abs, 4);
    // Scaling by 2^24 puts the half subnormal's unit at 1; rint rounds to
    // nearest even.
    return sign | static_cast<uint16_t>(std::nearbyint(a * 16777216.0f));
  }
  uint32_t rounded = abs + 0xfff + ((abs >> 13) & 1);
  return sign | static_cast<uint16_t>((rounded - 0x38000000u) >> 13);
}

float bf16ToFloat(uint16_t b) {
  uint32_t bits = static_cast<uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

uint16_t floatToBf16(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  if ((bits & 0x7fffffffu) > 0x7f800000u)
    return static_cast<uint16_t>((bits >> 16) | 0x40);
  bits += 0x7fff + ((bits >> 16) & 1);
  return static_cast<uint16_t>(bits >> 16);
}

//===--- Formatting -------------------------------------------------------===//

/// Lays out `value`, whose shortest digits are `digits` (no dot) with
/// decimal exponent `exp` (|value| ~ d1.d2... * 10^exp), as numpy's str of
/// a float scalar does.
std::string layout(double value, const std::string &digits, int exp) {
  std::string s = std::signbit(value) ? "-" : "";
  if (value == 0)
    return s + "0.0";
  // numpy decides on the value itself: float32(1e-4) is just below 1e-4.
  double mag = std::fabs(value);
  if (mag >= 1e-4 && mag < 1e16) {
    if (exp < 0) {
      s += "0." + std::string(-exp - 1, '0') + digits;
    } else if (static_cast<int>(digits.size()) <= exp + 1) {
      s += digits + std::string(exp + 1 - digits.size(), '0') + ".0";
    } else {
      s += digits.substr(0, exp + 1) + "." + digits.substr(exp + 1);
    }
    return s;
  }
  s += digits.substr(0, 1);
  if (digits.size() > 1)
    s += "." + digits.substr(1);
  std::string e = std::to_string(std::abs(exp));
  if (e.size() < 2)
    e = "0" + e;
  return s + (exp < 0 ? "e-" : "e+") + e;
}

/// Splits "d.ddde[+-]XX" (printf/to_chars scientific) into digits and
/// exponent, dropping trailing zeros of the digits.
void splitScientific(const char *text, std::string &digits, int &exp) {
  digits.clear();
  const char *p = text;
  for (; *p && *p != 'e'; ++p)
    if (*p >= '0' && *p <= '9')
      digits += *p;
  exp = *p == 'e' ? std::atoi(p + 1) : 0;
  while (digits.size() > 1 && digits.back() == '0')
    digits.pop_back();
}

template <typename T> std::string formatShortest(T v) {
  if (std::isnan(v))
    return "NaN";
  if (std::isinf(v))
    return v < 0 ? "-INF" : "INF";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf) - 1, std::fabs(v),
                         std::chars_format::scientific);
  *r.ptr = 0;
  std::string digits;
  int exp;
  splitScientific(buf, digits, exp);
  return layout(static_cast<double>(v), digits, exp);
}

/// The shortest digits that round back to `bits` through `toBits`.
std::string formatShortest16(uint16_t bits, float (*toFloat)(uint16_t),
                             uint16_t (*toBits)(float)) {
  float v = toFloat(bits);
  if (std::isnan(v) || std::isinf(v) || v == 0)
    return formatShortest(v);
  char buf[64];
  for (int precision = 0; precision < 9; ++precision) {
    std::snprintf(buf, sizeof(buf), "%.*e", precision,
                  static_cast<double>(std::fabs(v)));
    float back = std::strtof(buf, nullptr);
    if (toBits(back) == (bits & 0x7fff))
      break;
  }
  std::string digits;
  int exp;
  splitScientific(buf, digits, exp);
  return layout(static_cast<double>(v), digits, exp);
}

template <typename T> T load(const void *base, size_t i) {
  T v;
  std::memcpy(&v, static_cast<const char *>(base) + i * sizeof(T), sizeof(T));
  return v;
}

template <typename T> void store(void *base, size_t i, T v) {
  std::memcpy(static_cast<char *>(base) + i * sizeof(T), &v, sizeof(T));
}

std::string formatElement(int64_t dtype, const void *src, size_t i) {
  switch (dtype) {
  case AIC_DTYPE_FLOAT32:
    return formatShortest(load<float>(src, i));
  case AIC_DTYPE_FLOAT64:
    return formatShortest(load<double>(src, i));
  case AIC_DTYPE_FLOAT16:
    return formatShortest16(load<uint16_t>(src, i), halfToFloat, floatToHalf);
  case AIC_DTYPE_BFLOAT16:
    return formatShortest16(load<uint16_t>(src, i), bf16ToFloat, floatToBf16);
  case AIC_DTYPE_BOOL:
    return load<uint8_t>(src, i) ? "True" : "False";
  case AIC_DTYPE_INT8:
    return std::to_string(load<int8_t>(src, i));
  case AIC_DTYPE_UINT8:
    return std::to_string(load<uint8_t>(src, i));
  case AIC_DTYPE_INT16:
    return std::to_string(load<int16_t>(src, i));
  case AIC_DTYPE_UINT16:
    return std::to_string(load<uint16_t>(src, i));
  case AIC_DTYPE_INT32:
    return std::to_string(load<int32_t>(src, i));
  case AIC_DTYPE_UINT32:
    return std::to_string(load<uint32_t>(src, i));
  case AIC_DTYPE_INT64:
    return std::to_string(load<int64_t>(src, i));
  default:
    return std::to_string(load<uint64_t>(src, i));
  }
}

//===--- Parsing ----------------------------------------------------------===//

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  auto blank = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
  while (!s.empty() && blank(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && blank(s.back()))
    s.remove_suffix(1);
  return s;
}

template <typename T> bool parseFloat(std::string_view s, T &out) {
  if (equalsIgnoringCase(s, "nan")) {
    out = std::numeric_limits<T>::quiet_NaN();
    return true;
  }
  bool negative = !s.empty() && s.front() == '-';
  std::string_view body = s;
  if (!body.empty() && (body.front() == '+' || body.front() == '-'))
    body.remove_prefix(1);
  if (equalsIgnoringCase(body, "inf")) {
    out = negative ? -std::numeric_limits<T>::infinity()
                   : std::numeric_limits<T>::infinity();
    return true;
  }
  // from_chars takes no '+' and no "inf"/"nan" spellings beyond the above.
  if (s.empty() || s.front() == '+')
    s = body;
  if (s.empty() ||
      !(std::isdigit(static_cast<unsigned char>(s.back())) || s.back() == '.'))
    return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  // Out of range: from_chars leaves `out`; ONNX has no rule, infinity is
  // what a conversion of the exact value gives.
  if (r.ec == std::errc::result_out_of_range && r.ptr == s.data() + s.size()) {
    double d = std::strtod(std::string(s).c_str(), nullptr);
    out = static_cast<T>(d);
    return true;
  }
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

/// `d` as a float rounded to odd: truncated, with the last bit set when
/// inexact. Rounding that to a 16-bit float then rounds `d` correctly, where
/// rounding to nearest twice could be one unit off.
float roundToOdd(double d) {
  float f = static_cast<float>(d);
  if (std::isnan(d) || std::isinf(f) || static_cast<double>(f) == d)
    return f;
  if (std::fabs(static_cast<double>(f)) > std::fabs(d))
    f = std::nextafter(f, 0.0f);
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  bits |= 1;
  std::memcpy(&f, &bits, 4);
  return f;
}

template <typename T> bool parseInt(std::string_view s, T &out) {
  if (!s.empty() && s.front() == '+')
    s.remove_prefix(1);
  if (s.empty() || s.front() == '+')
    return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

/// Parses element `s` into `dst[i]`; false if it is not a number of `dtype`.
bool parseElement(int64_t dtype, std::string_view s, void *dst, size_t i) {
  s = trim(s);
  switch (dtype) {
  case AIC_DTYPE_FLOAT32: {
    float v;
    return parseFloat(s, v) && (store(dst, i, v), true);
  }
  case AIC_DTYPE_FLOAT64: {
    double v;
    return parseFloat(s, v) && (store(dst, i, v), true);
  }
  case AIC_DTYPE_FLOAT16:
  case AIC_DTYPE_BFLOAT16: {
    double v;
    if (!parseFloat(s, v))
      return false;
    float f = roundToOdd(v);
    store(dst, i, dtype == AIC_DTYPE_FLOAT16 ? floatToHalf(f) : floatToBf16(f));
    return true;
  }
  case AIC_DTYPE_BOOL: {
    double v;
    bool b;
    if (equalsIgnoringCase(s, "true"))
      b = true;
    else if (equalsIgnoringCase(s, "false"))
      b = false;
    else if (parseFloat(s, v) && !std::isnan(v))
      b = v != 0;
    else
      return false;
    store<uint8_t>(dst, i, b);
    return true;
  }
#define AIC_PARSE_INT(DTYPE, T)                                                \
  case DTYPE: {                                                                \
    T v;                                                                       \
    return parseInt(s, v) && (store(dst, i, v), true);                         \
  }
    AIC_PARSE_INT(AIC_DTYPE_INT8, int8_t)
    AIC_PARSE_INT(AIC_DTYPE_UINT8, uint8_t)
    AIC_PARSE_INT(AIC_DTYPE_INT16, int16_t)
    AIC_PARSE_INT(AIC_DTYPE_UINT16, uint16_t)
    AIC_PARSE_INT(AIC_DTYPE_INT32, int32_t)
    AIC_PARSE_INT(AIC_DTYPE_UINT32, uint32_t)
    AIC_PARSE_INT(AIC_DTYPE_INT64, int64_t)
    AIC_PARSE_INT(AIC_DTYPE_UINT64, uint64_t)
#undef AIC_PARSE_INT
  default:
    return false;
  }
}

/// "abc" quoted for a message, cut after 40 bytes.
std::string quote(const aic_string_t &s) {
  std::string text(s.data ? s.data : "", std::min<size_t>(s.size, 40));
  return "\"" + text + (s.size > 40 ? "...\"" : "\"");
}

int64_t countOf(const Tensor &t) {
  int64_t n = 1;
  for (int64_t d : t.dims)
    n *= d;
  return n;
}

/// The strings one exec state's run of a primitive computed.
struct StringState : PrimState {
  explicit StringState(size_t n) : strings(n) {}
  std::vector<std::string> strings;
};

/// Points `dst[i]` at `state.strings[i]` after moving `text` there.
void emit(StringState &state, aic_string_t *dst, size_t i, std::string text) {
  state.strings[i] = std::move(text);
  dst[i] = {state.strings[i].data(), state.strings[i].size()};
}

//===--- STRING_CAST ------------------------------------------------------===//

class StringCast : public Primitive {
public:
  StringCast(const aic::contract::StringCast &d, const CreateInfo &ci)
      : Primitive(ci.label, 2), src_(d.src), dst_(d.dst),
        count_(countOf(d.src)) {}

  std::unique_ptr<PrimState> makeState(aicrt_exec_state &) const override {
    return std::make_unique<StringState>(dst_.dtype == AIC_DTYPE_STRING ? count_
                                                                        : 0);
  }

  void exec(aicrt_exec_state &, PrimState *ps, void *const *args) override {
    if (dst_.dtype == AIC_DTYPE_STRING) {
      auto &state = static_cast<StringState &>(*ps);
      auto *dst = static_cast<aic_string_t *>(args[1]);
      for (int64_t i = 0; i < count_; ++i)
        emit(state, dst, i, formatElement(src_.dtype, args[0], i));
      return;
    }
    const auto *src = static_cast<const aic_string_t *>(args[0]);
    for (int64_t i = 0; i < count_; ++i)
      if (!parseElement(dst_.dtype, {src[i].data, src[i].size}, args[1], i))
        fail(AIC_ERROR_RUNTIME, label_ + ": cannot cast the string " +
                                    quote(src[i]) + " (element " +
                                    std::to_string(i) + ") to " +
                                    dtypeName(dst_.dtype));
  }

private:
  Tensor src_, dst_;
  int64_t count_;
};

//===--- STRING_NORMALIZER ------------------------------------------------===//

/// UTF-8 case mapping with the C.UTF-8 locale's tables (Unicode simple
/// case mapping), independent of the process locale.
class CaseMapper {
public:
  CaseMapper() : locale_(newlocale(LC_CTYPE_MASK, "C.UTF-8", nullptr)) {}
  ~CaseMapper() {
    if (locale_)
      freelocale(locale_);
  }
  bool ok() const { return locale_ != nullptr; }

  /// Maps every code point of `s` (lower if `lower`, else upper) into
  /// `out`; false if `s` is not valid UTF-8.
  bool map(std::string_view s, bool lower, std::string &out) const {
    out.clear();
    for (size_t i = 0; i < s.size();) {
      char32_t c;
      if (!decode(s, i, c))
        return false;
      wint_t m = lower ? towlower_l(c, locale_) : towupper_l(c, locale_);
      encode(static_cast<char32_t>(m), out);
    }
    return true;
  }

private:
  static bool decode(std::string_view s, size_t &i, char32_t &c) {
    auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char b = byte(i);
    int n = b < 0x80         ? 0
            : (b >> 5) == 6  ? 1
            : (b >> 4) == 14 ? 2
            : (b >> 3) == 30 ? 3
                             : -1;
    if (n < 0 || s.size() - i <= static_cast<size_t>(n))
      return false;
    c = n == 0 ? b : b & (0x3f >> n);
    for (int k = 1; k <= n; ++k) {
      if ((byte(i + k) & 0xc0) != 0x80)
        return false;
      c = (c << 6) | (byte(i + k) & 0x3f);
    }
    static const char32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (c < kMin[n] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
      return false;
    i += n + 1;
    return true;
  }

  static void encode(char32_t c, std::string &out) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xc0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xe0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (c & 0x3f));
    } else {
      out += static_cast<char>(0xf0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3f));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (c & 0x3f));
    }
  }

  locale_t locale_;
};

class StringNormalizer : public Primitive {
public:
  StringNormalizer(const aic::contract::StringNormalizer &d,
                   const CreateInfo &ci)
      : Primitive(ci.label, d.stopwords ? 3 : 2), count_(countOf(d.src)),
        stopwords_(d.stopwords ? countOf(*d.stopwords) : 0),
        outCount_(countOf(d.dst)), caseChange_(d.case_change),
        caseSensitive_(d.case_sensitive) {}

  std::unique_ptr<PrimState> makeState(aicrt_exec_state &) const override {
    return std::make_unique<StringState>(outCount_);
  }

  void exec(aicrt_exec_state &, PrimState *ps, void *const *args) override {
    auto &state = static_cast<StringState &>(*ps);
    const auto *src = static_cast<const aic_string_t *>(args[0]);
    const auto *words =
        stopwords_ ? static_cast<const aic_string_t *>(args[1]) : nullptr;
    auto *dst = static_cast<aic_string_t *>(args[stopwords_ ? 2 : 1]);

    // Case-insensitive matching compares lower-cased forms.
    std::string folded;
    auto key = [&](const aic_string_t &s, const char *what, size_t i) {
      std::string_view text(s.data, s.size);
      if (caseSensitive_)
        return std::string(text);
      if (!mapper_.map(text, /*lower=*/true, folded))
        invalidUtf8(what, i);
      return folded;
    };
    std::unordered_set<std::string> stop;
    for (int64_t i = 0; i < stopwords_; ++i)
      stop.insert(key(words[i], "stopword", i));

    int64_t kept = 0;
    std::string mapped;
    for (int64_t i = 0; i < count_; ++i) {
      if (!stop.empty() && stop.count(key(src[i], "input string", i)))
        continue;
      if (kept >= outCount_)
        countMismatch(std::to_string(kept + 1) + " or more");
      std::string_view text(src[i].data, src[i].size);
      if (caseChange_ == 0) {
        emit(state, dst, kept++, std::string(text));
        continue;
      }
      if (!mapper_.map(text, caseChange_ == 1, mapped))
        invalidUtf8("input string", i);
      emit(state, dst, kept++, mapped);
    }
    // Nothing left: one empty string, as ONNX specifies.
    if (kept == 0 && outCount_ == 1)
      emit(state, dst, kept++, "");
    if (kept != outCount_)
      countMismatch(std::to_string(kept));
  }

  bool ready() const { return mapper_.ok(); }

private:
  [[noreturn]] void invalidUtf8(const char *what, size_t i) const {
    fail(AIC_ERROR_RUNTIME, label_ + ": " + what + " " + std::to_string(i) +
                                " is not valid UTF-8");
  }
  [[noreturn]] void countMismatch(const std::string &kept) const {
    fail(AIC_ERROR_RUNTIME,
         label_ + ": " + kept +
             " strings remain, but the model was compiled for " +
             std::to_string(outCount_) +
             " (the output's length depends on the input's values)");
  }

  int64_t count_, stopwords_, outCount_, caseChange_;
  bool caseSensitive_;
  CaseMapper mapper_;
};

void requireStrings(const CreateInfo &ci, const Tensor &t, const char *what) {
  if (t.dtype != AIC_DTYPE_STRING)
    invalid(ci, std::string(what) + " is " + dtypeName(t.dtype) +
                    ", expected string");
}

} // namespace

PrimitivePtr aic::rt::createStringCast(const contract::StringCast &d,
                                       const CreateInfo &ci) {
  requirePlain(ci, {&d.src, &d.dst});
  if ((d.src.dtype == AIC_DTYPE_STRING) == (d.dst.dtype == AIC_DTYPE_STRING))
    invalid(ci, std::string("casts ") + dtypeName(d.src.dtype) + " to " +
                    dtypeName(d.dst.dtype) + "; exactly one must be string");
  const Tensor &other = d.src.dtype == AIC_DTYPE_STRING ? d.dst : d.src;
  if (dtypeSize(other.dtype) == 0)
    invalid(ci, "unknown dtype " + std::to_string(other.dtype));
  if (d.src.dims != d.dst.dims)
    invalid(ci, "src and dst dims differ");
  return std::make_unique<StringCast>(d, ci);
}

PrimitivePtr
aic::rt::createStringNormalizer(const aic::contract::StringNormalizer &d,
                                const CreateInfo &ci) {
  requirePlain(ci, {&d.src, &d.dst});
  requireStrings(ci, d.src, "src");
  requireStrings(ci, d.dst, "dst");
  if (d.stopwords)
    requireStrings(ci, *d.stopwords, "stopwords");
  if (d.src.rank() != d.dst.rank() || d.src.rank() < 1 || d.src.rank() > 2 ||
      (d.src.rank() == 2 && (d.src.dims[0] != 1 || d.dst.dims[0] != 1)))
    invalid(ci, "src and dst must be [C] or [1, C]");
  if (d.case_change < 0 || d.case_change > 2)
    invalid(ci, "unknown case_change " + std::to_string(d.case_change));
  auto p = std::make_unique<StringNormalizer>(d, ci);
  if (!p->ready())
    fail(AIC_ERROR_UNSUPPORTED,
         ci.label + ": the C.UTF-8 locale, needed for case mapping, is not "
                    "available");
  return p;
}
