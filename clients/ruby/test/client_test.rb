# frozen_string_literal: true

require "minitest/autorun"
require "upload_token_gateway_client"

# Client against an in-process UploadTokenService that answers from a script.
class ClientTest < Minitest::Test
  V1 = UploadTokenGateway::V1
  Codes = GRPC::Core::StatusCodes

  # Answers each RPC with the next entry of its script (an exception to
  # raise, a response, or a lambda giving either); records the requests and their metadata.
  class ScriptedService < V1::UploadTokenService::Service
    attr_reader :requests, :scripts

    def initialize
      super
      @scripts = Hash.new { |h, k| h[k] = [] }
      @requests = Hash.new { |h, k| h[k] = [] }
    end

    %i[create_upload_token get_upload_token list_upload_tokens
       delete_upload_token purge_upload_tokens].each do |rpc|
      define_method(rpc) do |request, call|
        @requests[rpc] << [request, call.metadata.dup]
        answer = @scripts[rpc].shift or raise GRPC::Internal, "script of #{rpc} is empty"
        answer = answer.call if answer.respond_to?(:call)
        raise answer if answer.is_a?(Exception)

        call.merge_metadata_to_send("x-cache" => "miss")
        call.output_metadata["x-trailer"] = "yes"
        answer
      end
    end
  end

  def self.error(code, message, *details)
    status = Google::Rpc::Status.new(code: code, message: message,
                                     details: details.map { |d| Google::Protobuf::Any.pack(d) })
    GRPC::BadStatus.new_status_exception(code, message,
                                         { "grpc-status-details-bin" => Google::Rpc::Status.encode(status),
                                           "x-ratelimit-retry-after" => "1" })
  end

  def setup
    @service = ScriptedService.new
    @server = GRPC::RpcServer.new(pool_size: 2)
    port = @server.add_http2_port("127.0.0.1:0", :this_port_is_insecure)
    @server.handle(@service)
    @thread = Thread.new { @server.run }
    @server.wait_till_running(5)
    @client = UploadTokenGateway::Client.connect("127.0.0.1:#{port}", default_timeout: 5,
                                                                        create_backoff: 0.01)
  end

  def teardown
    @server.stop
    @thread.join
  end

  def unavailable
    GRPC::Unavailable.new("replica gone")
  end

  def test_create_makes_a_request_id_and_reuses_it_on_unavailable
    @service.scripts[:create_upload_token].push(unavailable, unavailable, V1::UploadToken.new(token: "to1", ttl: 60))
    token = @client.create(ttl: 60)
    assert_equal "to1", token.token
    ids = @service.requests[:create_upload_token].map { |request, _| request.request_id }
    assert_equal 3, ids.size
    assert_match(/\A\h{8}-\h{4}-4\h{3}-[89ab]\h{3}-\h{12}\z/, ids[0])
    assert_equal [ids[0]], ids.uniq
    assert_equal 60, @service.requests[:create_upload_token][0][0].ttl
  end

  def test_create_keeps_the_callers_request_id_and_a_fresh_one_per_call
    @service.scripts[:create_upload_token].push(V1::UploadToken.new(token: "a"), V1::UploadToken.new(token: "b"),
                                                V1::UploadToken.new(token: "c"))
    @client.create(request_id: "4f9b6c1e-2d3a-4b5c-8e7f-0a1b2c3d4e5f")
    @client.create
    @client.create
    requests = @service.requests[:create_upload_token].map(&:first)
    assert_equal "4f9b6c1e-2d3a-4b5c-8e7f-0a1b2c3d4e5f", requests[0].request_id
    refute_equal requests[1].request_id, requests[2].request_id
    refute requests[1].has_ttl?, "no ttl given: none sent"
  end

  def test_create_is_not_retried_on_other_errors_nor_by_grpc
    @service.scripts[:create_upload_token].push(GRPC::InvalidArgument.new("ttl"))
    assert_raises(GRPC::InvalidArgument) { @client.create(ttl: -1) }
    assert_equal 1, @service.requests[:create_upload_token].size

    # create_attempts: 1, one request. (gRPC's own retries cannot be seen
    # here: a Ruby server sends response headers before any error, which
    # commits the call; the gateway's errors are trailers-only.)
    client = UploadTokenGateway::Client.new(@client.stub.instance_variable_get(:@ch), create_attempts: 1)
    @service.scripts[:create_upload_token].push(unavailable)
    assert_raises(GRPC::Unavailable) { client.create }
    assert_equal 2, @service.requests[:create_upload_token].size
  end

  def test_metadata_in_and_out
    @service.scripts[:get_upload_token].push(V1::UploadToken.new(token: "to1"),
                                             self.class.error(Codes::NOT_FOUND, "gone"))
    metadata = UploadTokenGateway::ResponseMetadata.new
    @client.get("to1", metadata: { "traceparent" => "00-abc" }, response_metadata: metadata)
    assert_equal "00-abc", @service.requests[:get_upload_token][0][1]["traceparent"]
    assert_equal "miss", metadata["x-cache"]
    assert_equal "yes", metadata.trailing["x-trailer"]

    metadata = UploadTokenGateway::ResponseMetadata.new
    assert_raises(GRPC::NotFound) { @client.get("to2", response_metadata: metadata) }
    assert_equal "1", metadata["x-ratelimit-retry-after"], "filled on errors too"
    assert metadata.trailing.keys.none? { |key| key.end_with?("-bin") }
  end

  def test_per_call_timeout
    slow = lambda do
      sleep 0.5
      V1::UploadToken.new(token: "late")
    end
    @service.scripts[:get_upload_token].push(slow, slow)
    assert_raises(GRPC::DeadlineExceeded) { @client.get("to1", timeout: 0.1) }
    assert_equal "late", @client.get("to1").token, "the default (5 s) is back"
  end

  def page(*tokens, next_page_token: "")
    V1::ListUploadTokensResponse.new(upload_tokens: tokens.map { |t| V1::UploadToken.new(token: t) },
                                     next_page_token: next_page_token)
  end

  def rate_limited(seconds)
    self.class.error(Codes::RESOURCE_EXHAUSTED, "slow down",
                     Google::Rpc::RetryInfo.new(retry_delay: Google::Protobuf::Duration.new(nanos: (seconds * 1e9).to_i)))
  end

  def test_list_all_follows_pages_and_waits_out_retry_info
    @service.scripts[:list_upload_tokens].push(page("a", "b", next_page_token: "p2"), rate_limited(0.2),
                                               page("c"))
    started = Process.clock_gettime(Process::CLOCK_MONOTONIC)
    tokens = @client.list_all(page_size: 2).map(&:token)
    assert_equal %w[a b c], tokens
    assert_operator Process.clock_gettime(Process::CLOCK_MONOTONIC) - started, :>=, 0.2
    requests = @service.requests[:list_upload_tokens].map(&:first)
    assert_equal ["", "p2", "p2"], requests.map(&:page_token)
    assert_equal [2, 2, 2], requests.map(&:page_size)
  end

  def test_list_all_gives_up_past_its_max_wait
    client = UploadTokenGateway::Client.new(@client.stub.instance_variable_get(:@ch), list_all_max_wait: 0.1)
    @service.scripts[:list_upload_tokens].push(rate_limited(0.2))
    assert_raises(GRPC::ResourceExhausted) { client.list_all.to_a }
    @service.scripts[:list_upload_tokens].push(self.class.error(Codes::RESOURCE_EXHAUSTED, "no RetryInfo"))
    assert_raises(GRPC::ResourceExhausted) { @client.list_all.to_a }
  end

  def test_delete_and_purge
    @service.scripts[:delete_upload_token].push(Google::Protobuf::Empty.new)
    assert_nil @client.delete("to1")
    @service.scripts[:purge_upload_tokens].push(V1::PurgeUploadTokensResponse.new(purge_count: 2))
    assert_equal 2, @client.purge(filter: 'creator = "web"', force: true).purge_count
    request = @service.requests[:purge_upload_tokens][0][0]
    assert request.force
  end
end
