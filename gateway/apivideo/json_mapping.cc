#include "gateway/apivideo/json_mapping.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gateway/common/json_string.h"
#include "gateway/common/status_details.h"
#include "google/protobuf/util/json_util.h"

namespace gateway::apivideo {
namespace {

using ::apivideo::uploadtokens::v1::UploadToken;

constexpr absl::string_view kMalformedReason = "UPSTREAM_MALFORMED_RESPONSE";

absl::Status Malformed(absl::string_view what, absl::string_view why) {
  return MakeError(absl::StatusCode::kInternal,
                   absl::StrCat("api.video sent ", what,
                                " that the gateway cannot read: ", why),
                   kMalformedReason);
}

// Parses `json` into `message`, ignoring keys the message does not have.
absl::Status ParseJson(absl::string_view json,
                       google::protobuf::Message& message,
                       absl::string_view what) {
  // protobuf's parser accepts an empty input as an empty object; an empty body
  // where a document is expected is a broken answer, not a default one.
  if (json.find_first_not_of(" \t\r\n") == absl::string_view::npos) {
    return Malformed(what, "the body is empty");
  }
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  const auto parsed = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &message,
      options);
  if (!parsed.ok()) {
    // The parser's message ends with an excerpt and a caret on lines of
    // their own; the first line says what is wrong.
    const std::string message = parsed.message().ToString();
    return Malformed(what, absl::StripAsciiWhitespace(
                               message.substr(0, message.find('\n'))));
  }
  return absl::OkStatus();
}

// Checks what the JSON parser cannot: the fields every token must have.
absl::Status CheckToken(UploadToken& token, absl::string_view what) {
  if (token.token().empty()) return Malformed(what, "\"token\" is missing");
  if (token.ttl() < 0) return Malformed(what, "\"ttl\" is negative");
  if (!token.has_created_at()) {
    return Malformed(what, "\"createdAt\" is missing");
  }
  // The API promises no expiry for ttl 0, whatever else it sends.
  if (token.ttl() == 0) token.clear_expires_at();
  return absl::OkStatus();
}

// A fast path for the two documents on every call's way back: an upload
// token and a page of them. protobuf's JSON parser costs about 10 us per
// token (over 800 us for a page of 100); this scanner reads the plain,
// well-formed documents api.video sends in well under a microsecond per
// token. It answers "parsed" only for documents whose meaning it is sure
// of (no escapes, no non-ASCII text, integers only, known timestamp forms,
// no duplicate keys, limited nesting); anything else goes to protobuf's
// parser, which then decides exactly as before, errors included.
class FastJson {
 public:
  explicit FastJson(absl::string_view text)
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

  // RFC 3339 as protobuf reads it: YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM).
  bool Timestamp(google::protobuf::Timestamp& out) {
    absl::string_view s;
    if (!String(s)) return false;
    auto num = [&s](size_t at, size_t n, int& value) {
      if (at + n > s.size()) return false;
      value = 0;
      for (size_t i = at; i < at + n; ++i) {
        if (!absl::ascii_isdigit(static_cast<unsigned char>(s[i])))
          return false;
        value = value * 10 + (s[i] - '0');
      }
      return true;
    };
    int year, month, day, hour, minute, second;
    if (s.size() < 20 || !num(0, 4, year) || s[4] != '-' || !num(5, 2, month) ||
        s[7] != '-' || !num(8, 2, day) || s[10] != 'T' || !num(11, 2, hour) ||
        s[13] != ':' || !num(14, 2, minute) || s[16] != ':' ||
        !num(17, 2, second)) {
      return false;
    }
    static constexpr int kDays[] = {31, 29, 31, 30, 31, 30,
                                    31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (year < 1 || month < 1 || month > 12 || day < 1 ||
        day > kDays[month - 1] || (month == 2 && day == 29 && !leap) ||
        hour > 23 || minute > 59 || second > 59) {
      return false;
    }
    size_t at = 19;
    std::int32_t nanos = 0;
    if (s[at] == '.') {
      ++at;
      int digits = 0;
      while (at < s.size() &&
             absl::ascii_isdigit(static_cast<unsigned char>(s[at]))) {
        if (++digits > 9) return false;
        nanos = nanos * 10 + (s[at] - '0');
        ++at;
      }
      // The forms protobuf prints and api.video sends; others go to protobuf.
      if (digits != 3 && digits != 6 && digits != 9) return false;
      for (int i = digits; i < 9; ++i) nanos *= 10;
    }
    std::int64_t offset = 0;
    if (at + 1 == s.size() && s[at] == 'Z') {
      // UTC.
    } else if (at + 6 == s.size() && (s[at] == '+' || s[at] == '-') &&
               s[at + 3] == ':') {
      int oh, om;
      if (!num(at + 1, 2, oh) || !num(at + 4, 2, om) || oh > 23 || om > 59) {
        return false;
      }
      offset = static_cast<std::int64_t>(oh * 60 + om) * 60;
      if (s[at] == '-') offset = -offset;
    } else {
      return false;
    }
    // Days from 1970-01-01 to the civil date (proleptic Gregorian).
    const int y = year - (month <= 2 ? 1 : 0);
    const int era = y / 400;
    const int yoe = y - era * 400;
    const int mp = (month + 9) % 12;
    const int doy = (153 * mp + 2) / 5 + day - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    const std::int64_t days =
        static_cast<std::int64_t>(era) * 146097 + doe - 719468;
    const std::int64_t seconds = days * 86400 + std::int64_t{hour} * 3600 +
                                 std::int64_t{minute} * 60 + second - offset;
    // protobuf's valid range: 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z.
    if (seconds < -62135596800LL || seconds > 253402300799LL) return false;
    out.set_seconds(seconds);
    out.set_nanos(nanos);
    return true;
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

std::string ApiKeyRequestBody(absl::string_view api_key) {
  return absl::StrCat("{\"apiKey\":", JsonString(api_key), "}");
}

std::string RefreshRequestBody(absl::string_view refresh_token) {
  return absl::StrCat("{\"refreshToken\":", JsonString(refresh_token), "}");
}

absl::StatusOr<json::AccessToken> ParseAccessToken(absl::string_view json) {
  // The body holds credentials: errors name what is wrong, never the text.
  constexpr absl::string_view kWhat = "an access token";
  json::AccessToken token;
  if (absl::Status status = ParseJson(json, token, kWhat); !status.ok()) {
    return Malformed(kWhat, "the body is not a valid access-token document");
  }
  if (token.access_token().empty()) {
    return Malformed(kWhat, "\"access_token\" is missing");
  }
  if (token.expires_in() <= 0) {
    return Malformed(kWhat, "\"expires_in\" is missing or not positive");
  }
  return token;
}

std::string CreateTokenRequestBody(std::int32_t ttl_seconds) {
  return absl::StrCat("{\"ttl\":", ttl_seconds, "}");
}

absl::StatusOr<UploadToken> ParseUploadToken(absl::string_view json) {
  constexpr absl::string_view kWhat = "an upload token";
  UploadToken token;
  if (!FastJson(json).ParseToken(token)) {
    token.Clear();
    if (absl::Status status = ParseJson(json, token, kWhat); !status.ok()) {
      return status;
    }
  }
  if (absl::Status status = CheckToken(token, kWhat); !status.ok()) {
    return status;
  }
  return token;
}

absl::StatusOr<json::TokenListResponse> ParseTokenList(absl::string_view json) {
  constexpr absl::string_view kWhat = "a token list";
  json::TokenListResponse list;
  if (!FastJson(json).ParseList(list)) {
    list.Clear();
    if (absl::Status status = ParseJson(json, list, kWhat); !status.ok()) {
      return status;
    }
  }
  if (!list.has_pagination()) {
    return Malformed(kWhat, "\"pagination\" is missing");
  }
  for (UploadToken& token : *list.mutable_data()) {
    if (absl::Status status = CheckToken(token, kWhat); !status.ok()) {
      return status;
    }
  }
  return list;
}

absl::StatusOr<TokenPage> ParseTokenPage(absl::string_view json) {
  absl::StatusOr<json::TokenListResponse> list = ParseTokenList(json);
  if (!list.ok()) return list.status();
  TokenPage page;
  page.tokens.Swap(list->mutable_data());
  page.total_tokens = list->pagination().items_total();
  page.page = list->pagination().current_page();
  page.page_count = list->pagination().pages_total();
  return page;
}

absl::StatusOr<json::Problem> ParseProblem(absl::string_view json) {
  json::Problem problem;
  if (absl::Status status = ParseJson(json, problem, "an error document");
      !status.ok()) {
    return status;
  }
  return problem;
}

}  // namespace gateway::apivideo
