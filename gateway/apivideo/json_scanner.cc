#include "gateway/apivideo/json_scanner.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "google/protobuf/util/time_util.h"

namespace gateway::apivideo {
namespace {

using ::apivideo::uploadtokens::v1::UploadToken;

// The scanner behind ScanUploadToken and ScanTokenList: a recursive-descent
// reader of the subset of JSON described in json_scanner.h.
class Scanner {
 public:
  explicit Scanner(absl::string_view text)
      : p_(text.data()), end_(text.data() + text.size()) {}

  bool ParseToken(UploadToken& token) { return TokenObject(token) && AtEnd(); }

  bool ParseList(json::TokenListResponse& list) {
    bool seen_data = false, seen_pagination = false;
    return Object([&](absl::string_view key) {
             if (key == "data") {
               if (seen_data) return false;
               seen_data = true;
               return Array([&] { return TokenObject(*list.add_data()); });
             }
             if (key == "pagination") {
               if (seen_pagination) return false;
               seen_pagination = true;
               return Pagination(*list.mutable_pagination());
             }
             return SkipValue(0);
           }) &&
           AtEnd();
  }

 private:
  static constexpr int kMaxDepth = 32;

  void Space() {
    while (p_ < end_ &&
           (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) {
      ++p_;
    }
  }
  bool Eat(char c) {
    Space();
    if (p_ < end_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }
  bool AtEnd() {
    Space();
    return p_ == end_;
  }
  bool Literal(absl::string_view word) {
    if (static_cast<size_t>(end_ - p_) < word.size() ||
        absl::string_view(p_, word.size()) != word) {
      return false;
    }
    p_ += word.size();
    return true;
  }
  bool Null() {
    Space();
    return Literal("null");
  }

  // A string without escapes, control characters or non-ASCII bytes.
  bool String(absl::string_view& out) {
    if (!Eat('"')) return false;
    const char* start = p_;
    while (p_ < end_) {
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        out = absl::string_view(start, p_ - start);
        ++p_;
        return true;
      }
      if (c == '\\' || c < 0x20 || c >= 0x80) return false;
      ++p_;
    }
    return false;
  }

  // An integer in int32 range, without fraction or exponent.
  bool Int32(std::int32_t& out) {
    Space();
    const bool negative = p_ < end_ && *p_ == '-';
    if (negative) ++p_;
    if (p_ == end_ || !absl::ascii_isdigit(static_cast<unsigned char>(*p_))) {
      return false;
    }
    if (*p_ == '0' && p_ + 1 < end_ &&
        absl::ascii_isdigit(static_cast<unsigned char>(p_[1]))) {
      return false;  // Leading zero: not JSON.
    }
    std::int64_t value = 0;
    int digits = 0;
    while (p_ < end_ && absl::ascii_isdigit(static_cast<unsigned char>(*p_))) {
      if (++digits > 10) return false;
      value = value * 10 + (*p_ - '0');
      ++p_;
    }
    if (p_ < end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E')) return false;
    if (negative) value = -value;
    if (value < INT32_MIN || value > INT32_MAX) return false;
    out = static_cast<std::int32_t>(value);
    return true;
  }

  // A plain JSON number, dropped: at most 18 integer digits, no leading
  // zero, no exponent. Protobuf's parser refuses some numbers JSON allows
  // (an integer with a leading zero, anything beyond a double's range, such
  // as 1e999 or 400 digits), so the rest goes to it to decide.
  bool Number() {
    auto digits = [this] {
      const char* start = p_;
      while (p_ < end_ &&
             absl::ascii_isdigit(static_cast<unsigned char>(*p_))) {
        ++p_;
      }
      return p_ - start;
    };
    if (p_ < end_ && *p_ == '-') ++p_;
    const char* integer = p_;
    const std::ptrdiff_t integer_digits = digits();
    if (integer_digits == 0 || integer_digits > 18) return false;
    if (*integer == '0' && integer_digits > 1) return false;
    if (p_ < end_ && *p_ == '.' && (++p_, digits() == 0)) return false;
    return p_ == end_ || (*p_ != 'e' && *p_ != 'E');
  }

  // {"key": value, ...}; `field` reads the value of each key. An empty key
  // is left to protobuf's parser, which refuses one in a message.
  template <typename Field>
  bool Object(Field field) {
    if (!Eat('{')) return false;
    if (Eat('}')) return true;
    do {
      absl::string_view key;
      if (!String(key) || key.empty() || !Eat(':') || !field(key)) {
        return false;
      }
    } while (Eat(','));
    return Eat('}');
  }

  // [element, ...]; `element` reads each.
  template <typename Element>
  bool Array(Element element) {
    if (!Eat('[')) return false;
    if (Eat(']')) return true;
    do {
      if (!element()) return false;
    } while (Eat(','));
    return Eat(']');
  }

  // Any value, validated and dropped.
  bool SkipValue(int depth) {
    if (depth > kMaxDepth) return false;
    Space();
    if (p_ == end_) return false;
    switch (*p_) {
      case '{':
        return Object([&](absl::string_view) { return SkipValue(depth + 1); });
      case '[':
        return Array([&] { return SkipValue(depth + 1); });
      case '"': {
        absl::string_view ignored;
        return String(ignored);
      }
      case 't':
        return Literal("true");
      case 'f':
        return Literal("false");
      case 'n':
        return Literal("null");
      default:
        return Number();
    }
  }

  // A timestamp string, read by the parser protobuf's own JSON parser uses
  // for Timestamp fields (TimeUtil::FromString), so that both read it
  // alike. The copy goes into a buffer that keeps its capacity: no
  // allocation per timestamp once warm.
  bool Timestamp(google::protobuf::Timestamp& out) {
    absl::string_view text;
    if (!String(text)) return false;
    thread_local std::string buffer;
    buffer.assign(text.data(), text.size());
    return google::protobuf::util::TimeUtil::FromString(buffer, &out);
  }

  // Which known keys of a token object were read.
  struct Seen {
    bool token = false, ttl = false, created_at = false, expires_at = false;
  };

  bool TokenObject(UploadToken& token) {
    Seen seen;
    return Object(
        [&](absl::string_view key) { return TokenField(key, token, seen); });
  }

  bool TokenField(absl::string_view key, UploadToken& token, Seen& seen_) {
    // Each known key once: a repeated one goes to protobuf's parser.
    auto once = [](bool& seen) { return !std::exchange(seen, true); };
    if (key == "token") {
      if (!once(seen_.token)) return false;
      if (Null()) return true;
      absl::string_view value;
      if (!String(value)) return false;
      token.set_token(value.data(), value.size());
      return true;
    }
    if (key == "ttl") {
      if (!once(seen_.ttl)) return false;
      if (Null()) return true;
      std::int32_t value;
      if (!Int32(value)) return false;
      token.set_ttl(value);
      return true;
    }
    if (key == "createdAt" || key == "created_at") {
      if (!once(seen_.created_at)) return false;
      return Null() || Timestamp(*token.mutable_created_at());
    }
    if (key == "expiresAt" || key == "expires_at") {
      if (!once(seen_.expires_at)) return false;
      return Null() || Timestamp(*token.mutable_expires_at());
    }
    return SkipValue(0);
  }

  bool Pagination(json::Pagination& page) {
    std::uint32_t seen = 0;
    return Object([&](absl::string_view key) {
      struct Field {
        absl::string_view camel, snake;
        void (json::Pagination::*set)(std::int32_t);
      };
      static constexpr Field kFields[] = {
          {"itemsTotal", "items_total", &json::Pagination::set_items_total},
          {"pagesTotal", "pages_total", &json::Pagination::set_pages_total},
          {"pageSize", "page_size", &json::Pagination::set_page_size},
          {"currentPage", "current_page", &json::Pagination::set_current_page},
          {"currentPageItems", "current_page_items",
           &json::Pagination::set_current_page_items},
      };
      for (std::uint32_t i = 0; i < 5; ++i) {
        if (key != kFields[i].camel && key != kFields[i].snake) continue;
        if (seen & (1u << i)) return false;
        seen |= 1u << i;
        if (Null()) return true;
        std::int32_t value;
        if (!Int32(value)) return false;
        (page.*kFields[i].set)(value);
        return true;
      }
      return SkipValue(1);
    });
  }

  const char* p_;
  const char* const end_;
};

}  // namespace

bool ScanUploadToken(absl::string_view json, UploadToken& token) {
  return Scanner(json).ParseToken(token);
}

bool ScanTokenList(absl::string_view json, json::TokenListResponse& list) {
  return Scanner(json).ParseList(list);
}

}  // namespace gateway::apivideo
