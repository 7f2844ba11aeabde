# frozen_string_literal: true

require "json"
require "grpc"
require "upload_token_gateway/version"

module UploadTokenGateway
  # TLS for a channel, as PEM text (from_files reads files).
  #   root_certificates         the CAs that may sign the gateway's certificate;
  #                             nil: gRPC's default roots
  #   client_certificate_chain  for mTLS (the gateway's --client_ca_file), with
  #   client_private_key        its key: both or neither
  TlsOptions = Struct.new(:root_certificates, :client_certificate_chain,
                          :client_private_key, keyword_init: true) do
    # Reads the PEM files given (nil: not used); raises Errno::ENOENT and the
    # like naming a file that cannot be read.
    def self.from_files(ca_file: nil, cert_file: nil, key_file: nil)
      read = ->(path) { path && File.read(path) }
      new(root_certificates: read.call(ca_file),
          client_certificate_chain: read.call(cert_file),
          client_private_key: read.call(key_file))
    end
  end

  # Channels to the gateway the way the deployment expects them: every replica
  # used (round_robin over what the target resolves to, e.g. a headless
  # Service's dns:/// name), TLS or mTLS, the caller's bearer token on every
  # call, and reads retried by gRPC itself when a replica is unavailable.
  module Channel
    SERVICE = "apivideo.uploadtokens.v1.UploadTokenService"

    # The service config of every channel: round_robin, and up to 3 attempts
    # of GetUploadToken and ListUploadTokens on UNAVAILABLE (a replica gone or
    # restarting; backoff 0.1 s to 1 s). Create, Delete and Purge are not
    # retried by gRPC: Client#create retries with its request_id, which makes
    # a retry safe.
    SERVICE_CONFIG = {
      "loadBalancingConfig" => [{ "round_robin" => {} }],
      "methodConfig" => [{
        "name" => [
          { "service" => SERVICE, "method" => "GetUploadToken" },
          { "service" => SERVICE, "method" => "ListUploadTokens" }
        ],
        "retryPolicy" => {
          "maxAttempts" => 3,
          "initialBackoff" => "0.1s",
          "maxBackoff" => "1s",
          "backoffMultiplier" => 2,
          "retryableStatusCodes" => ["UNAVAILABLE"]
        }
      }]
    }.freeze

    # A GRPC::Core::Channel to +target+ ("dns:///name:port", "host:port",
    # "unix:/path"). +tls+: a TlsOptions, nil for plaintext (only for a gateway
    # on the same host). +bearer_token+: the caller's token (the gateway's
    # --caller_tokens_file), sent as "authorization: Bearer <token>" on every
    # call; it needs +tls+, a credential is never sent in clear. +channel_args+
    # are added to (and may replace) the client's. ArgumentError for options
    # that cannot make a channel.
    def self.create(target, tls: nil, bearer_token: nil, channel_args: {})
      raise ArgumentError, "the channel needs a target" if target.nil? || target.empty?

      credentials = credentials(tls, bearer_token)
      args = {
        "grpc.service_config" => JSON.generate(SERVICE_CONFIG),
        # A service config published in DNS TXT records must not replace ours.
        "grpc.service_config_disable_resolution" => 1,
        "grpc.primary_user_agent" => "upload_token_gateway_client/#{VERSION}"
      }.merge(channel_args)
      GRPC::Core::Channel.new(target, args, credentials)
    end

    def self.credentials(tls, bearer_token)
      token = bearer_token.to_s
      if tls.nil?
        unless token.empty?
          raise ArgumentError, "a bearer token is sent only over TLS: pass tls:"
        end
        return :this_channel_is_insecure
      end
      chain = tls.client_certificate_chain.to_s
      key = tls.client_private_key.to_s
      if chain.empty? != key.empty?
        raise ArgumentError,
              "mTLS needs both the client certificate chain and its private key"
      end
      credentials = if chain.empty?
                      GRPC::Core::ChannelCredentials.new(tls.root_certificates)
                    else
                      GRPC::Core::ChannelCredentials.new(tls.root_certificates, key, chain)
                    end
      return credentials if token.empty?

      header = { "authorization" => "Bearer #{token}" }.freeze
      credentials.compose(GRPC::Core::CallCredentials.new(proc { |_context| header }))
    end
    private_class_method :credentials
  end
end
