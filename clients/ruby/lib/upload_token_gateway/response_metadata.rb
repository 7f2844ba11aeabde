# frozen_string_literal: true

module UploadTokenGateway
  # What the gateway sent beside its answer, e.g. x-ratelimit-limit,
  # x-ratelimit-remaining, x-ratelimit-retry-after and x-cache (hit, miss,
  # coalesced): the initial and the trailing metadata, each a Hash of
  # lower-case key to value (an Array when a key came more than once).
  # Binary (-bin) entries are left out. Pass one as +response_metadata:+ to a
  # Client call, which fills it, also when the call raises.
  class ResponseMetadata
    attr_reader :initial, :trailing

    def initialize
      @initial = {}
      @trailing = {}
    end

    # The first value of +key+ in the initial metadata, else in the trailing;
    # nil when neither has it.
    def [](key)
      [@initial, @trailing].each do |entries|
        value = entries[key]
        return value.is_a?(Array) ? value.first : value unless value.nil?
      end
      nil
    end

    # Replaces the contents with those of a finished call (Client does this).
    def replace(initial, trailing)
      @initial = text_only(initial)
      @trailing = text_only(trailing)
      self
    end

    def to_h
      { initial: @initial, trailing: @trailing }
    end

    private

    def text_only(metadata)
      (metadata || {}).reject { |key, _| key.to_s.end_with?("-bin") }
                      .to_h { |key, value| [key.to_s, value] }
    end
  end
end
