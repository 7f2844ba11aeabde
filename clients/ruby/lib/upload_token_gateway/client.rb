# frozen_string_literal: true

require "securerandom"
require "grpc"
require "upload_token_gateway/v1/upload_tokens_services_pb"
require "upload_token_gateway/channel"
require "upload_token_gateway/error_details"
require "upload_token_gateway/response_metadata"

module UploadTokenGateway
  # UploadTokenService with what every caller would otherwise write again: a
  # deadline on every call, the caller's metadata in and the gateway's (rate
  # limit, cache) out, a request_id on every create so that it can be retried,
  # every page of a listing, and errors whose details ErrorDetails.from reads.
  #
  # Failed calls raise gRPC's own errors (GRPC::NotFound, GRPC::InvalidArgument,
  # ..., all GRPC::BadStatus). Calls block the calling thread; a client may be
  # shared between threads.
  #
  # Every call takes, all optional:
  #   timeout:            seconds, replaces default_timeout for this call
  #   metadata:           more request metadata, e.g. { "traceparent" => "00-..." }
  #   response_metadata:  a ResponseMetadata to fill with the gateway's (for
  #                       list_all, that of the last page)
  class Client
    # The generated stub, for anything not wrapped here.
    attr_reader :stub

    # A client on a new Channel.create(target, tls:, bearer_token:); +options+
    # are those of #initialize.
    def self.connect(target, tls: nil, bearer_token: nil, channel_args: {}, **options)
      new(Channel.create(target, tls: tls, bearer_token: bearer_token,
                                 channel_args: channel_args), **options)
    end

    # +channel+: a GRPC::Core::Channel, as Channel.create makes.
    #   default_timeout:    seconds, the deadline of a call that gives none; for
    #                       list_all it applies to each page, for create to
    #                       all its attempts together
    #   create_attempts:    attempts of a create that ends UNAVAILABLE (the
    #                       gateway not reached, or the answer lost); each sends
    #                       the same request_id, so at most one token is made
    #   create_backoff:     seconds before a create's second attempt; doubled
    #                       for each next one
    #   list_all_max_wait:  seconds list_all may wait in all, following
    #                       RetryInfo on RESOURCE_EXHAUSTED, before it raises
    def initialize(channel, default_timeout: 10.0, create_attempts: 3,
                   create_backoff: 0.1, list_all_max_wait: 60.0)
      @stub = V1::UploadTokenService::Stub.new(
        "unused", :this_channel_is_insecure, channel_override: channel
      )
      @default_timeout = default_timeout
      @create_attempts = create_attempts
      @create_backoff = create_backoff
      @list_all_max_wait = list_all_max_wait
    end

    # A new token, valid for +ttl+ seconds (0: never expires; nil: the
    # caller's policy default). +request_id+ (a UUID) makes retries safe: the
    # same request_id again gets the first call's token back. When nil, a
    # fresh UUIDv4 is made here, and reused by this call's own retries of
    # UNAVAILABLE. Returns a V1::UploadToken.
    def create(ttl: nil, request_id: nil, timeout: nil, metadata: {}, response_metadata: nil)
      request = V1::CreateUploadTokenRequest.new(
        request_id: request_id.to_s.empty? ? Client.new_request_id : request_id
      )
      request.ttl = ttl unless ttl.nil?
      deadline = now + (timeout || @default_timeout)
      backoff = @create_backoff
      attempt = 1
      begin
        invoke(:create_upload_token, request, deadline, metadata, response_metadata)
      rescue GRPC::Unavailable
        # Only UNAVAILABLE says the gateway may not have the request; any other
        # answer is the gateway's, and asking again would get it again.
        raise if attempt >= @create_attempts || now + backoff >= deadline

        sleep backoff
        backoff *= 2
        attempt += 1
        retry
      end
    end

    # The V1::UploadToken +token+; GRPC::NotFound when it does not exist, was
    # deleted or has expired.
    def get(token, timeout: nil, metadata: {}, response_metadata: nil)
      invoke(:get_upload_token, V1::GetUploadTokenRequest.new(token: token),
             deadline_of(timeout), metadata, response_metadata)
    end

    # Deletes +token+; returns nil.
    def delete(token, timeout: nil, metadata: {}, response_metadata: nil)
      invoke(:delete_upload_token, V1::DeleteUploadTokenRequest.new(token: token),
             deadline_of(timeout), metadata, response_metadata)
      nil
    end

    # One page (a V1::ListUploadTokensResponse): +page_size+ (0: the
    # gateway's default), +page_token+ (the previous page's next_page_token),
    # +order_by+ ("created_at desc", ...), +filter+ ('creator = "web"').
    def list_page(page_size: 0, page_token: "", order_by: "", filter: "",
                  timeout: nil, metadata: {}, response_metadata: nil)
      request = V1::ListUploadTokensRequest.new(
        page_size: page_size, page_token: page_token, order_by: order_by, filter: filter
      )
      invoke(:list_upload_tokens, request, deadline_of(timeout), metadata, response_metadata)
    end

    # Every token of every page from +page_token+ on, page by page as the
    # caller iterates (+page_size+, +order_by+ and +filter+ apply to each
    # page; the deadline too). A page refused with RESOURCE_EXHAUSTED and a
    # RetryInfo is asked again after the delay it gives, as long as the waits
    # add up to no more than list_all_max_wait. With a block, yields each
    # V1::UploadToken; without, returns an Enumerator.
    def list_all(page_size: 0, page_token: "", order_by: "", filter: "",
                 timeout: nil, metadata: {}, response_metadata: nil, &block)
      return enum_for(__method__, page_size: page_size, page_token: page_token,
                                  order_by: order_by, filter: filter, timeout: timeout,
                                  metadata: metadata, response_metadata: response_metadata) unless block

      waited = 0.0
      loop do
        page = begin
          list_page(page_size: page_size, page_token: page_token, order_by: order_by,
                    filter: filter, timeout: timeout, metadata: metadata,
                    response_metadata: response_metadata)
        rescue GRPC::ResourceExhausted => e
          delay = ErrorDetails.from(e).retry_delay
          raise if delay.nil? || delay <= 0 || waited + delay > @list_all_max_wait

          sleep delay
          waited += delay
          next
        end
        page.upload_tokens.each(&block)
        return nil if page.next_page_token.empty?

        page_token = page.next_page_token
      end
    end

    # Deletes (+force+) or counts the tokens +filter+ matches; a
    # V1::PurgeUploadTokensResponse.
    def purge(filter:, force: false, timeout: nil, metadata: {}, response_metadata: nil)
      invoke(:purge_upload_tokens, V1::PurgeUploadTokensRequest.new(filter: filter, force: force),
             deadline_of(timeout), metadata, response_metadata)
    end

    # A random (version 4) UUID, as CreateUploadTokenRequest.request_id wants.
    def self.new_request_id
      SecureRandom.uuid
    end

    private

    def now
      Process.clock_gettime(Process::CLOCK_MONOTONIC)
    end

    def deadline_of(timeout)
      now + (timeout || @default_timeout)
    end

    # Calls +method+ of the stub with a deadline at +deadline+ (monotonic
    # seconds) and reports the response metadata, also of a failed call.
    def invoke(method, request, deadline, metadata, response_metadata)
      remaining = [deadline - now, 0].max
      op = @stub.public_send(method, request, deadline: Time.now + remaining,
                                              metadata: metadata || {}, return_op: true)
      begin
        op.execute
      ensure
        response_metadata&.replace(op.metadata, op.trailing_metadata)
      end
    end
  end
end
