"""Generated from apivideo/uploadtokens/v1/upload_tokens.proto by clients/python/generate.sh: do not edit."""
