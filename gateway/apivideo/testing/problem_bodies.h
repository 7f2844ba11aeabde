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

}  // namespace gateway::apivideo::testing

#endif  // GATEWAY_APIVIDEO_TESTING_PROBLEM_BODIES_H_
