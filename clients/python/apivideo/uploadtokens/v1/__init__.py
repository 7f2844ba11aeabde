"""Client of apivideo.uploadtokens.v1.UploadTokenService (the Upload Token Gateway).

Generated: upload_tokens_pb2 (messages), upload_tokens_pb2_grpc (stub).
Hand-written: client (deadlines by default, a generator over every page) and
errors (typed google.rpc error details from the grpc-status-details-bin trailer).
"""
