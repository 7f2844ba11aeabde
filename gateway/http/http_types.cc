#include "gateway/http/http_types.h"

#include "gateway/common/enum_names.h"

namespace gateway::http {

absl::string_view MethodName(Method method) {
  static constexpr EnumName<Method> kNames[] = {{Method::kGet, "GET"},
                                                {Method::kPost, "POST"},
                                                {Method::kDelete, "DELETE"}};
  return NameOf(method, kNames);
}

const std::string* HttpResponse::FindHeader(absl::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return &value;
  }
  return nullptr;
}

}  // namespace gateway::http
