# frozen_string_literal: true

module UploadTokenGateway
  VERSION = "1.0.0"
end
