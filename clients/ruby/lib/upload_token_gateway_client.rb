# frozen_string_literal: true

# The client of the Upload Token Gateway (apivideo.uploadtokens.v1.UploadTokenService):
#
#   require "upload_token_gateway_client"
#
#   client = UploadTokenGateway::Client.connect(
#     "dns:///upload-token-gateway.upload-tokens:50051",
#     tls: UploadTokenGateway::TlsOptions.from_files(ca_file: "ca.pem"),
#     bearer_token: ENV.fetch("GATEWAY_CALLER_TOKEN"))
#   token = client.create(ttl: 3600)
#
# The generated messages and stub are UploadTokenGateway::V1 (from
# upload_token_gateway/v1/upload_tokens_pb and upload_tokens_services_pb).
require "upload_token_gateway/version"
require "upload_token_gateway/v1/upload_tokens_pb"
require "upload_token_gateway/v1/upload_tokens_services_pb"
require "upload_token_gateway/channel"
require "upload_token_gateway/error_details"
require "upload_token_gateway/response_metadata"
require "upload_token_gateway/client"
