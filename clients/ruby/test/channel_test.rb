# frozen_string_literal: true

require "minitest/autorun"
require "tmpdir"
require "upload_token_gateway_client"

class ChannelTest < Minitest::Test
  Channel = UploadTokenGateway::Channel
  TlsOptions = UploadTokenGateway::TlsOptions

  def test_service_config_balances_and_retries_reads_only
    config = Channel::SERVICE_CONFIG
    assert_equal [{ "round_robin" => {} }], config["loadBalancingConfig"]
    methods = config["methodConfig"].flat_map { |c| c["name"].map { |n| n["method"] } }
    assert_equal %w[GetUploadToken ListUploadTokens], methods.sort
    policy = config["methodConfig"][0]["retryPolicy"]
    assert_equal ["UNAVAILABLE"], policy["retryableStatusCodes"]
  end

  def test_needs_a_target
    assert_raises(ArgumentError) { Channel.create("") }
  end

  def test_refuses_a_token_without_tls
    error = assert_raises(ArgumentError) { Channel.create("localhost:1", bearer_token: "t") }
    assert_match(/TLS/, error.message)
  end

  def test_refuses_half_a_client_certificate
    assert_raises(ArgumentError) do
      Channel.create("localhost:1", tls: TlsOptions.new(client_certificate_chain: "pem"))
    end
  end

  def test_makes_channels
    assert_kind_of GRPC::Core::Channel, Channel.create("dns:///localhost:1")
    assert_kind_of GRPC::Core::Channel,
                   Channel.create("localhost:1", tls: TlsOptions.new, bearer_token: "t")
  end

  def test_tls_from_files_reads_them
    Dir.mktmpdir do |dir|
      File.write(File.join(dir, "ca.pem"), "CA")
      tls = TlsOptions.from_files(ca_file: File.join(dir, "ca.pem"))
      assert_equal "CA", tls.root_certificates
      assert_nil tls.client_certificate_chain
      assert_raises(Errno::ENOENT) { TlsOptions.from_files(ca_file: File.join(dir, "none.pem")) }
    end
  end
end
