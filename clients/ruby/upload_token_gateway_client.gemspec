# frozen_string_literal: true

require_relative "lib/upload_token_gateway/version"

Gem::Specification.new do |spec|
  spec.name = "upload_token_gateway_client"
  spec.version = UploadTokenGateway::VERSION
  spec.summary = "Client of the Upload Token Gateway (apivideo.uploadtokens.v1.UploadTokenService)"
  spec.description = <<~TEXT
    gRPC client of the Upload Token Gateway, which creates, lists, gets and
    deletes api.video delegated upload tokens: the generated messages and stub
    (UploadTokenGateway::V1), and UploadTokenGateway::Client with round_robin
    over every replica, TLS/mTLS and the caller's bearer token, deadlines,
    request and response metadata, retried creates, paging and typed error
    details.
  TEXT
  spec.authors = ["Upload Token Gateway maintainers"]
  spec.required_ruby_version = ">= 2.7"

  # Everything under lib/ (the generated upload_token_gateway/v1 included);
  # Dir, not git ls-files: the gem is also built from a copy of the tree.
  spec.files = Dir.chdir(__dir__) { Dir["lib/**/*.rb"].sort + ["README.md"] }
  spec.require_paths = ["lib"]

  # Debian 12 ships grpc 1.51, google-protobuf 3.21 and
  # googleapis-common-protos-types 1.4 (ruby-grpc, ruby-google-protobuf,
  # ruby-googleapis-common-protos-types); google.rpc comes from the latter.
  spec.add_dependency "googleapis-common-protos-types", "~> 1.4"
  spec.add_dependency "google-protobuf", "~> 3.21"
  spec.add_dependency "grpc", "~> 1.51"
end
