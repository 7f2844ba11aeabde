# frozen_string_literal: true

# Walks through UploadTokenService with the installed gem and checks every
# answer; exits non-zero on the first mismatch. It knows the client only as
# an installed gem, as a service in another repository would.
#
# Environment: GATEWAY_TARGET (any gRPC target, e.g.
# dns://DNS_HOST:PORT/gateway.test:PORT; else GATEWAY_ADDRESS); for TLS,
# GATEWAY_CA_FILE, and GATEWAY_CLIENT_CERT_FILE + GATEWAY_CLIENT_KEY_FILE for
# mTLS; GATEWAY_CALLER_TOKEN, the caller's bearer token; EMULATOR_URL, the
# api.video emulator whose rate limit the last checks change.
gem "upload_token_gateway_client", "1.0.0"
require "upload_token_gateway_client"
require "json"
require "net/http"
require "set"

def check(condition, what)
  unless condition
    warn "FAILED: #{what}"
    exit 1
  end
  puts "ok: #{what}"
end

# The GRPC::BadStatus that the block raises; fails when it raises none.
def error_of(what)
  yield
  warn "FAILED: #{what}: no error"
  exit 1
rescue GRPC::BadStatus => e
  e
end

def print_details(details)
  puts "  code=#{details.code_name} message=#{details.message}"
  if details.error_info
    puts "  ErrorInfo: domain=#{details.domain} reason=#{details.reason}"
  end
  if details.resource_info
    puts "  ResourceInfo: #{details.resource_info.resource_type} #{details.resource_info.resource_name}"
  end
  details.bad_request&.field_violations&.each do |violation|
    puts "  BadRequest: #{violation.field}: #{violation.description}"
  end
  puts "  RetryInfo: retry_delay=#{details.retry_delay}s" if details.retry_info
end

# A request to the emulator's test-only control surface; its JSON answer.
def emulator_request(emulator_url, method_class, path, body = nil)
  uri = URI("#{emulator_url.chomp('/')}#{path}")
  request = method_class.new(uri.path)
  if body
    request["Content-Type"] = "application/json"
    request.body = JSON.generate(body)
  end
  response = Net::HTTP.start(uri.host, uri.port, open_timeout: 5, read_timeout: 5) do |http|
    http.request(request)
  end
  check(response.is_a?(Net::HTTPSuccess), "emulator #{method_class::METHOD} #{path} #{body}")
  response.body.to_s.empty? ? {} : JSON.parse(response.body)
end

def emulator_post(emulator_url, path, body)
  emulator_request(emulator_url, Net::HTTP::Post, path, body)
end

# The emulator's rate limits: GET, or POST to replace those given.
def rate_limit(emulator_url, limits = nil)
  return emulator_request(emulator_url, Net::HTTP::Get, "/_emulator/ratelimit") unless limits

  emulator_post(emulator_url, "/_emulator/ratelimit", limits)
end

target = ENV["GATEWAY_TARGET"].to_s.empty? ? ENV["GATEWAY_ADDRESS"].to_s : ENV["GATEWAY_TARGET"]
check(!target.empty?, "GATEWAY_TARGET is set")
tls = nil
unless ENV["GATEWAY_CA_FILE"].to_s.empty?
  tls = UploadTokenGateway::TlsOptions.from_files(
    ca_file: ENV["GATEWAY_CA_FILE"],
    cert_file: ENV["GATEWAY_CLIENT_CERT_FILE"],
    key_file: ENV["GATEWAY_CLIENT_KEY_FILE"]
  )
end
token = ENV["GATEWAY_CALLER_TOKEN"]
client = UploadTokenGateway::Client.connect(target, tls: tls, bearer_token: token,
                                                    default_timeout: 10)

refused = begin
  UploadTokenGateway::Channel.create(target, bearer_token: "secret")
  false
rescue ArgumentError
  true
end
check(refused, "a bearer token without TLS is refused")

unless token.to_s.empty?
  # The same channel without the token: the gateway must refuse it, which
  # shows that the token is what lets the calls below in.
  stranger = UploadTokenGateway::Client.connect(target, tls: tls)
  error = error_of("create without the caller's token") { stranger.create(ttl: 60) }
  check(error.is_a?(GRPC::Unauthenticated), "a call without the caller's token is UNAUTHENTICATED")
end

emulator = ENV["EMULATOR_URL"].to_s
# One-second rate windows at api.video (limits unchanged), so that the
# gateway, which learns the window from api.video's answers, holds reads for
# about a second, not a minute, after the 429 of the list_all check below.
rate_limit(emulator, { "window_seconds" => 1 }) unless emulator.empty?

created = []
create_metadata = UploadTokenGateway::ResponseMetadata.new
6.times do |i|
  created << client.create(ttl: 3600 + i, response_metadata: create_metadata)
  check(!created.last.token.empty? && created.last.ttl == 3600 + i, "create #{created.last.token}")
end
check(created.map(&:token).uniq.size == created.size,
      "creates without request_id make a token each (a fresh request_id per create)")
puts "create response metadata: #{create_metadata.to_h}"
check(!create_metadata["x-ratelimit-limit"].nil? && !create_metadata["x-ratelimit-remaining"].nil?,
      "create returns the rate-limit metadata (x-ratelimit-remaining: #{create_metadata['x-ratelimit-remaining']})")

metadata = UploadTokenGateway::ResponseMetadata.new
got = client.get(created[0].token, response_metadata: metadata,
                                   metadata: { "traceparent" => "00-#{'1' * 32}-#{'2' * 16}-01" })
check(got.token == created[0].token && got.ttl == 3600, "get")
check(!metadata["x-cache"].nil?, "get returns the gateway's metadata (x-cache: #{metadata['x-cache']})")

listed = client.list_all(page_size: 2).to_a
names = listed.map(&:token)
check(names.uniq.size == names.size, "list has no duplicates (#{names.size} tokens)")
created.each { |t| check(names.include?(t.token), "list has #{t.token}") }
first_page = client.list_page(page_size: 2)
check(first_page.upload_tokens.size == 2 && !first_page.next_page_token.empty?,
      "list_page gives one page of two and a next_page_token")

request_id = UploadTokenGateway::Client.new_request_id
check(request_id.match?(/\A\h{8}-\h{4}-4\h{3}-[89ab]\h{3}-\h{12}\z/), "new_request_id is a UUIDv4")
once = client.create(ttl: 60, request_id: request_id)
again = client.create(ttl: 60, request_id: request_id)
check(once.token == again.token, "request_id: one token (#{once.token})")
created << once

unless emulator.empty?
  # api.video answering reads after 1 s: a call with a 0.2 s timeout (this
  # call only) ends DEADLINE_EXCEEDED; the same call with the client's
  # default (10 s) waits for the answer.
  fault = emulator_post(emulator, "/_emulator/faults",
                        { "method" => "GET", "path" => "/upload-tokens/", "match" => "prefix",
                          "times" => 0, "latency_ms" => 1000 })
  begin
    error = error_of("get with a 0.2 s timeout") { client.get("slow#{rand(1 << 30)}", timeout: 0.2) }
    check(error.is_a?(GRPC::DeadlineExceeded), "a per-call timeout overrides the default (#{error.class})")
    error = error_of("get with the default timeout") { client.get("slow#{rand(1 << 30)}") }
    check(error.is_a?(GRPC::NotFound), "the default deadline waits for the slow answer (#{error.class})")
  ensure
    emulator_request(emulator, Net::HTTP::Delete, "/_emulator/faults/#{fault['id']}")
  end
end

unless emulator.empty?
  # api.video refusing the next listing once (429, retry after 1 s): the
  # gateway answers RESOURCE_EXHAUSTED with a RetryInfo, which list_all waits
  # out before it asks again.
  emulator_post(emulator, "/_emulator/faults",
                { "method" => "GET", "path" => "/upload-tokens", "times" => 1, "status" => 429,
                  "body" => JSON.generate({ "title" => "Too many requests", "status" => 429 }),
                  "headers" => { "X-RateLimit-Retry-After" => "1" } })
  started = Process.clock_gettime(Process::CLOCK_MONOTONIC)
  waited_list = client.list_all(page_size: 2).map(&:token)
  elapsed = Process.clock_gettime(Process::CLOCK_MONOTONIC) - started
  check(created.all? { |t| waited_list.include?(t.token) },
        "list_all waits out RetryInfo on RESOURCE_EXHAUSTED (#{format('%.1f', elapsed)} s, " \
        "#{waited_list.size} tokens)")
  check(elapsed >= 0.9, "list_all did wait (#{format('%.1f', elapsed)} s)")
end

created.each do |t|
  check(client.delete(t.token).nil?, "delete #{t.token}")
end

error = error_of("get after delete") { client.get(created[0].token) }
details = UploadTokenGateway::ErrorDetails.from(error)
puts "get after delete:"
print_details(details)
check(error.is_a?(GRPC::NotFound) && details.code == GRPC::Core::StatusCodes::NOT_FOUND, "NOT_FOUND")
check(details.domain == "api.video", "ErrorInfo.domain")
check(details.reason == "RESOURCE_NOT_FOUND", "ErrorInfo.reason")
check(details.resource_info&.resource_name == created[0].token &&
      details.resource_info&.resource_type == "apivideo.uploadtokens.v1.UploadToken", "ResourceInfo")

error = error_of("get with a malformed token") { client.get("not a token!") }
details = UploadTokenGateway::ErrorDetails.from(error)
puts "get with a malformed token:"
print_details(details)
check(details.code == GRPC::Core::StatusCodes::INVALID_ARGUMENT, "INVALID_ARGUMENT")
check(details.bad_request&.field_violations&.size == 1 &&
      details.bad_request.field_violations[0].field == "token", "BadRequest")

unless emulator.empty?
  original = rate_limit(emulator)
  rate_limit(emulator, { "reads" => 0 })
  metadata = UploadTokenGateway::ResponseMetadata.new
  begin
    error = error_of("a rate-limited get") { client.get("ratelimited#{rand(1 << 30)}", response_metadata: metadata) }
  ensure
    rate_limit(emulator, { "reads" => original["reads"] })
  end
  details = UploadTokenGateway::ErrorDetails.from(error)
  puts "get over the rate limit:"
  print_details(details)
  check(error.is_a?(GRPC::ResourceExhausted), "RESOURCE_EXHAUSTED")
  check(details.reason == "TOO_MANY_REQUESTS", "ErrorInfo.reason")
  check(details.retry_delay.to_f.positive?, "RetryInfo")
  check(!metadata["x-ratelimit-retry-after"].nil?,
        "the error's metadata has x-ratelimit-retry-after (#{metadata['x-ratelimit-retry-after']})")
end
puts "all checks passed"
