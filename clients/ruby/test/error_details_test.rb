# frozen_string_literal: true

require "minitest/autorun"
require "upload_token_gateway_client"

class ErrorDetailsTest < Minitest::Test
  def pack(message)
    Google::Protobuf::Any.pack(message)
  end

  def error_with(*details, code: GRPC::Core::StatusCodes::NOT_FOUND)
    status = Google::Rpc::Status.new(code: code, message: "gone", details: details.map { |d| pack(d) })
    GRPC::BadStatus.new_status_exception(code, "gone",
                                         { "grpc-status-details-bin" => Google::Rpc::Status.encode(status) })
  end

  def test_decodes_every_known_detail
    error = error_with(
      Google::Rpc::ErrorInfo.new(domain: "api.video", reason: "RESOURCE_NOT_FOUND",
                                 metadata: { "token" => "to1" }),
      Google::Rpc::ResourceInfo.new(resource_type: "apivideo.uploadtokens.v1.UploadToken",
                                    resource_name: "to1"),
      Google::Rpc::RetryInfo.new(retry_delay: Google::Protobuf::Duration.new(seconds: 2, nanos: 500_000_000)),
      Google::Rpc::BadRequest.new(field_violations: [{ field: "token", description: "bad" }]),
      Google::Rpc::QuotaFailure.new(violations: [{ subject: "caller", description: "creates" }]),
      Google::Rpc::DebugInfo.new(detail: "other")
    )
    details = UploadTokenGateway::ErrorDetails.from(error)
    assert_equal GRPC::Core::StatusCodes::NOT_FOUND, details.code
    assert_equal "NOT_FOUND", details.code_name
    assert_equal "gone", details.message
    assert_equal "RESOURCE_NOT_FOUND", details.reason
    assert_equal "api.video", details.domain
    assert_equal "to1", details.metadata("token")
    assert_equal "to1", details.resource_info.resource_name
    assert_in_delta 2.5, details.retry_delay
    assert_equal "token", details.bad_request.field_violations[0].field
    assert_equal "caller", details.quota_failure.violations[0].subject
    assert_equal 1, details.others.size
  end

  def test_error_without_details
    error = GRPC::DeadlineExceeded.new("too slow")
    details = UploadTokenGateway::ErrorDetails.from(error)
    assert_equal GRPC::Core::StatusCodes::DEADLINE_EXCEEDED, details.code
    assert_equal "", details.reason
    assert_nil details.retry_delay
    assert_nil details.error_info
  end

  def test_details_that_do_not_parse
    error = GRPC::BadStatus.new_status_exception(GRPC::Core::StatusCodes::INTERNAL, "x",
                                                 { "grpc-status-details-bin" => "\xff\xff\xff" })
    details = UploadTokenGateway::ErrorDetails.from(error)
    assert_equal GRPC::Core::StatusCodes::INTERNAL, details.code
    assert_nil details.error_info
  end

  def test_refuses_other_errors
    assert_raises(ArgumentError) { UploadTokenGateway::ErrorDetails.from(RuntimeError.new("no")) }
  end
end
