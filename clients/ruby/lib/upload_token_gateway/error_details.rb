# frozen_string_literal: true

require "grpc"
require "google/protobuf/well_known_types"
require "google/rpc/status_pb"
require "google/rpc/error_details_pb"

module UploadTokenGateway
  # The decoded details of a failed call. Every error of the gateway carries a
  # google.rpc.Status in the grpc-status-details-bin trailer, whose details are
  # Any messages; those the call did not carry are nil.
  #
  #   rescue GRPC::NotFound => e
  #     details = UploadTokenGateway::ErrorDetails.from(e)
  #     details.reason                      # => "RESOURCE_NOT_FOUND"
  #     details.resource_info.resource_name # => the token
  class ErrorDetails
    STATUS_DETAILS_KEY = "grpc-status-details-bin"

    TYPES = {
      error_info: Google::Rpc::ErrorInfo,
      resource_info: Google::Rpc::ResourceInfo,
      retry_info: Google::Rpc::RetryInfo,
      bad_request: Google::Rpc::BadRequest,
      quota_failure: Google::Rpc::QuotaFailure
    }.freeze

    # code: the GRPC::Core::StatusCodes value; message: the status message;
    # others: the details of any other type, still packed (Google::Protobuf::Any).
    attr_reader :code, :message, :error_info, :resource_info, :retry_info,
                :bad_request, :quota_failure, :others

    # The details of +error+, a GRPC::BadStatus. An error without details
    # (e.g. a deadline the client enforced itself) gives only code and
    # message; so do details that do not parse.
    def self.from(error)
      raise ArgumentError, "not a GRPC::BadStatus: #{error.class}" unless error.is_a?(GRPC::BadStatus)

      new(error.code, error.details, (error.metadata || {})[STATUS_DETAILS_KEY])
    end

    # +status_bin+: a serialized google.rpc.Status, or nil.
    def initialize(code, message, status_bin = nil)
      @code = code
      @message = message
      @others = []
      decode(status_bin) if status_bin
    end

    # ErrorInfo.reason (e.g. "RESOURCE_NOT_FOUND"), or "" without ErrorInfo.
    def reason
      @error_info ? @error_info.reason : ""
    end

    # ErrorInfo.domain ("api.video" or "upload-token-gateway"), or "".
    def domain
      @error_info ? @error_info.domain : ""
    end

    # ErrorInfo.metadata[key], or nil.
    def metadata(key)
      @error_info && @error_info.metadata[key]
    end

    # RetryInfo.retry_delay in seconds (Float), or nil without RetryInfo.
    def retry_delay
      @retry_info&.retry_delay&.to_f
    end

    # The status code's name, e.g. "NOT_FOUND".
    def code_name
      GRPC::Core::StatusCodes.constants.find { |name| GRPC::Core::StatusCodes.const_get(name) == @code }.to_s
    end

    private

    def decode(status_bin)
      status = Google::Rpc::Status.decode(status_bin)
      status.details.each do |any|
        field, type = TYPES.find { |_, klass| any.is(klass) }
        if field && instance_variable_get("@#{field}").nil?
          instance_variable_set("@#{field}", any.unpack(type))
        else
          @others << any
        end
      end
    rescue Google::Protobuf::ParseError
      @others = []
    end
  end
end
