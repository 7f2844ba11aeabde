// Error bodies that api.video sends (RFC 7807 problem documents, as its
// documentation shows them) for more than one test: those that parse them
// and those that map them.

#ifndef GATEWAY_APIVIDEO_TESTING_PROBLEM_BODIES_H_
#define GATEWAY_APIVIDEO_TESTING_PROBLEM_BODIES_H_

namespace gateway::apivideo::testing {

// 400 on POST /upload-tokens: two problems, the first repeated at the top.
inline constexpr char kAttributeRequiredProblem[] =
    R"({"type":"https://docs.api.video/reference/attribute-required",)"
    R"("title":"This attribute is required.","name":"title","status":400,)"
    R"("problems":[{"type":"https://docs.api.video/reference/attribute-required",)"
    R"("title":"This attribute is required.","name":"title"},)"
    R"({"type":"https://docs.api.video/reference/invalid-attribute",)"
    R"("title":"This attribute must be a ISO-8601 date.",)"
    R"("name":"scheduledAt"}]})";

// 404 on /upload-tokens/{token}: no such token.
inline constexpr char kResourceNotFoundProblem[] =
    R"({"type":"https://docs.api.video/reference/resource-not-found",)"
    R"("title":"The requested resource was not found.",)"
    R"("name":"uploadToken","status":404})";

// 404 for a URL api.video does not serve (a wrong base path, a moved route).
inline constexpr char kUnrecognizedRequestUrlProblem[] =
    R"({"type":"https://docs.api.video/reference/unrecognized-request-url",)"
    R"("title":"Unrecognized request URL.","status":404})";

}  // namespace gateway::apivideo::testing

#endif  // GATEWAY_APIVIDEO_TESTING_PROBLEM_BODIES_H_
