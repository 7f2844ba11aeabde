package internal.uploadtokengateway.v1;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 * <pre>
 * Manages api.video upload tokens.
 * Errors follow google/rpc/code.proto and carry google.rpc.Status details in
 * the `grpc-status-details-bin` trailer: every error has a google.rpc.ErrorInfo
 * whose domain says who produced it: "api.video" for api.video's own answers,
 * "upload-token-gateway" for the reasons the gateway makes itself (validation,
 * the caller's policy, overload). Invalid requests add google.rpc.BadRequest,
 * unknown or forbidden tokens google.rpc.ResourceInfo, rate-limited calls
 * google.rpc.RetryInfo, and a used-up caller quota google.rpc.QuotaFailure.
 * When the gateway runs with a caller policy file, each caller (the service
 * that its bearer token names) may be limited: a maximum and default ttl,
 * creates per minute, live tokens, read-only, and what it may do with tokens
 * another caller created. A forbidden RPC or another caller's token is
 * PERMISSION_DENIED; a used-up quota RESOURCE_EXHAUSTED.
 * api.video's rate-limit headers come back as the response metadata
 * `x-ratelimit-limit`, `x-ratelimit-remaining` and `x-ratelimit-retry-after`.
 * </pre>
 */
@javax.annotation.Generated(
    value = "by gRPC proto compiler",
    comments = "Source: apivideo/uploadtokens/v1/upload_tokens.proto")
@io.grpc.stub.annotations.GrpcGenerated
public final class UploadTokenServiceGrpc {

  private UploadTokenServiceGrpc() {}

  public static final String SERVICE_NAME = "apivideo.uploadtokens.v1.UploadTokenService";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<internal.uploadtokengateway.v1.CreateUploadTokenRequest,
      internal.uploadtokengateway.v1.UploadToken> getCreateUploadTokenMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "CreateUploadToken",
      requestType = internal.uploadtokengateway.v1.CreateUploadTokenRequest.class,
      responseType = internal.uploadtokengateway.v1.UploadToken.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<internal.uploadtokengateway.v1.CreateUploadTokenRequest,
      internal.uploadtokengateway.v1.UploadToken> getCreateUploadTokenMethod() {
    io.grpc.MethodDescriptor<internal.uploadtokengateway.v1.CreateUploadTokenRequest, internal.uploadtokengateway.v1.UploadToken> getCreateUploadTokenMethod;
    if ((getCreateUploadTokenMethod = UploadTokenServiceGrpc.getCreateUploadTokenMethod) == null) {
      synchronized (UploadTokenServiceGrpc.class) {
        if ((getCreateUploadTokenMethod = UploadTokenServiceGrpc.getCreateUploadTokenMethod) == null) {
          UploadTokenServiceGrpc.getCreateUploadTokenMethod = getCreateUploadTokenMethod =
              io.grpc.MethodDescriptor.<internal.uploadtokengateway.v1.CreateUploadTokenRequest, internal.uploadtokengateway.v1.UploadToken>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "CreateUploadToken"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  internal.uploadtokengateway.v1.CreateUploadTokenRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  internal.uploadtokengateway.v1.UploadToken.getDefaultInstance()))
              .setSchemaDescriptor(new UploadTokenServiceMethodDescriptorSupplier("CreateUploadToken"))
              .build();
        }
      }
    }
    return getCreateUploadTokenMethod;
  }

  private static volatile io.grpc.MethodDescriptor<internal.uploadtokengateway.v1.ListUploadTokensRequest,
      internal.uploadtokengateway.v1.ListUploadTokensResponse> getListUploadTokensMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListUploadTokens",
      requestType = internal.uploadtokengateway.v1.ListUploadTokensRequest.class,
      responseType = internal.uploadtokengateway.v1.ListUploadTokensResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<internal.uploadtokengateway.v1.ListUploadTokensRequest,
      internal.uploadtokengateway.v1.ListUploadTokensResponse> getListUploadTokensMethod() {
    io.grpc.MethodDescriptor<internal.uploadtokengateway.v1.ListUploadTokensRequest, internal.uploadtokengateway.v1.ListUploadTokensResponse> getListUploadTokensMethod;
    if ((getListUploadTokensMethod = UploadTokenServiceGrpc.getListUploadTokensMethod) == null) {
      synchronized (UploadTokenServiceGrpc.class) {
        if ((getListUploadTokensMethod = UploadTokenServiceGrpc.getListUploadTokensMethod) == null) {
          UploadTokenServiceGrpc.getListUploadTokensMethod = getListUploadTokensMethod =
              io.grpc.MethodDescriptor.<internal.uploadtokengateway.v1.ListUploadTokensRequest, internal.uploadtokengateway.v1.ListUploadTokensResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListUploadTokens"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  internal.uploadtokengateway.v1.ListUploadTokensRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  internal.uploadtokengateway.v1.ListUploadTokensResponse.getDefaultInstance()))
              .setSchemaDescriptor(new UploadTokenServiceMethodDescriptorSupplier("ListUploadTokens"))
              .build();
        }
      }
    }
    return getListUploadTokensMethod;
  }

  private static volatile io.grpc.MethodDescriptor<internal.uploadtokengateway.v1.GetUploadTokenRequest,
      internal.uploadtokengateway.v1.UploadToken> getGetUploadTokenMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetUploadToken",
      requestType = internal.uploadtokengateway.v1.GetUploadTokenRequest.class,
      responseType = internal.uploadtokengateway.v1.UploadToken.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<internal.uploadtokengateway.v1.GetUploadTokenRequest,
      internal.uploadtokengateway.v1.UploadToken> getGetUploadTokenMethod() {
    io.grpc.MethodDescriptor<internal.uploadtokengateway.v1.GetUploadTokenRequest, internal.uploadtokengateway.v1.UploadToken> getGetUploadTokenMethod;
    if ((getGetUploadTokenMethod = UploadTokenServiceGrpc.getGetUploadTokenMethod) == null) {
      synchronized (UploadTokenServiceGrpc.class) {
        if ((getGetUploadTokenMethod = UploadTokenServiceGrpc.getGetUploadTokenMethod) == null) {
          UploadTokenServiceGrpc.getGetUploadTokenMethod = getGetUploadTokenMethod =
              io.grpc.MethodDescriptor.<internal.uploadtokengateway.v1.GetUploadTokenRequest, internal.uploadtokengateway.v1.UploadToken>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetUploadToken"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  internal.uploadtokengateway.v1.GetUploadTokenRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  internal.uploadtokengateway.v1.UploadToken.getDefaultInstance()))
              .setSchemaDescriptor(new UploadTokenServiceMethodDescriptorSupplier("GetUploadToken"))
              .build();
        }
      }
    }
    return getGetUploadTokenMethod;
  }

  private static volatile io.grpc.MethodDescriptor<internal.uploadtokengateway.v1.DeleteUploadTokenRequest,
      com.google.protobuf.Empty> getDeleteUploadTokenMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "DeleteUploadToken",
      requestType = internal.uploadtokengateway.v1.DeleteUploadTokenRequest.class,
      responseType = com.google.protobuf.Empty.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<internal.uploadtokengateway.v1.DeleteUploadTokenRequest,
      com.google.protobuf.Empty> getDeleteUploadTokenMethod() {
    io.grpc.MethodDescriptor<internal.uploadtokengateway.v1.DeleteUploadTokenRequest, com.google.protobuf.Empty> getDeleteUploadTokenMethod;
    if ((getDeleteUploadTokenMethod = UploadTokenServiceGrpc.getDeleteUploadTokenMethod) == null) {
      synchronized (UploadTokenServiceGrpc.class) {
        if ((getDeleteUploadTokenMethod = UploadTokenServiceGrpc.getDeleteUploadTokenMethod) == null) {
          UploadTokenServiceGrpc.getDeleteUploadTokenMethod = getDeleteUploadTokenMethod =
              io.grpc.MethodDescriptor.<internal.uploadtokengateway.v1.DeleteUploadTokenRequest, com.google.protobuf.Empty>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "DeleteUploadToken"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  internal.uploadtokengateway.v1.DeleteUploadTokenRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.google.protobuf.Empty.getDefaultInstance()))
              .setSchemaDescriptor(new UploadTokenServiceMethodDescriptorSupplier("DeleteUploadToken"))
              .build();
        }
      }
    }
    return getDeleteUploadTokenMethod;
  }

  private static volatile io.grpc.MethodDescriptor<internal.uploadtokengateway.v1.PurgeUploadTokensRequest,
      internal.uploadtokengateway.v1.PurgeUploadTokensResponse> getPurgeUploadTokensMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "PurgeUploadTokens",
      requestType = internal.uploadtokengateway.v1.PurgeUploadTokensRequest.class,
      responseType = internal.uploadtokengateway.v1.PurgeUploadTokensResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<internal.uploadtokengateway.v1.PurgeUploadTokensRequest,
      internal.uploadtokengateway.v1.PurgeUploadTokensResponse> getPurgeUploadTokensMethod() {
    io.grpc.MethodDescriptor<internal.uploadtokengateway.v1.PurgeUploadTokensRequest, internal.uploadtokengateway.v1.PurgeUploadTokensResponse> getPurgeUploadTokensMethod;
    if ((getPurgeUploadTokensMethod = UploadTokenServiceGrpc.getPurgeUploadTokensMethod) == null) {
      synchronized (UploadTokenServiceGrpc.class) {
        if ((getPurgeUploadTokensMethod = UploadTokenServiceGrpc.getPurgeUploadTokensMethod) == null) {
          UploadTokenServiceGrpc.getPurgeUploadTokensMethod = getPurgeUploadTokensMethod =
              io.grpc.MethodDescriptor.<internal.uploadtokengateway.v1.PurgeUploadTokensRequest, internal.uploadtokengateway.v1.PurgeUploadTokensResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "PurgeUploadTokens"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  internal.uploadtokengateway.v1.PurgeUploadTokensRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  internal.uploadtokengateway.v1.PurgeUploadTokensResponse.getDefaultInstance()))
              .setSchemaDescriptor(new UploadTokenServiceMethodDescriptorSupplier("PurgeUploadTokens"))
              .build();
        }
      }
    }
    return getPurgeUploadTokensMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static UploadTokenServiceStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<UploadTokenServiceStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<UploadTokenServiceStub>() {
        @java.lang.Override
        public UploadTokenServiceStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new UploadTokenServiceStub(channel, callOptions);
        }
      };
    return UploadTokenServiceStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static UploadTokenServiceBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<UploadTokenServiceBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<UploadTokenServiceBlockingStub>() {
        @java.lang.Override
        public UploadTokenServiceBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new UploadTokenServiceBlockingStub(channel, callOptions);
        }
      };
    return UploadTokenServiceBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static UploadTokenServiceFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<UploadTokenServiceFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<UploadTokenServiceFutureStub>() {
        @java.lang.Override
        public UploadTokenServiceFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new UploadTokenServiceFutureStub(channel, callOptions);
        }
      };
    return UploadTokenServiceFutureStub.newStub(factory, channel);
  }

  /**
   * <pre>
   * Manages api.video upload tokens.
   * Errors follow google/rpc/code.proto and carry google.rpc.Status details in
   * the `grpc-status-details-bin` trailer: every error has a google.rpc.ErrorInfo
   * whose domain says who produced it: "api.video" for api.video's own answers,
   * "upload-token-gateway" for the reasons the gateway makes itself (validation,
   * the caller's policy, overload). Invalid requests add google.rpc.BadRequest,
   * unknown or forbidden tokens google.rpc.ResourceInfo, rate-limited calls
   * google.rpc.RetryInfo, and a used-up caller quota google.rpc.QuotaFailure.
   * When the gateway runs with a caller policy file, each caller (the service
   * that its bearer token names) may be limited: a maximum and default ttl,
   * creates per minute, live tokens, read-only, and what it may do with tokens
   * another caller created. A forbidden RPC or another caller's token is
   * PERMISSION_DENIED; a used-up quota RESOURCE_EXHAUSTED.
   * api.video's rate-limit headers come back as the response metadata
   * `x-ratelimit-limit`, `x-ratelimit-remaining` and `x-ratelimit-retry-after`.
   * </pre>
   */
  public static abstract class UploadTokenServiceImplBase implements io.grpc.BindableService {

    /**
     * <pre>
     * Creates an upload token (POST /upload-tokens).
     * Every successful call creates a new token, unless it carries the
     * request_id of an earlier call (see CreateUploadTokenRequest.request_id),
     * which makes it safe to retry.
     * </pre>
     */
    public void createUploadToken(internal.uploadtokengateway.v1.CreateUploadTokenRequest request,
        io.grpc.stub.StreamObserver<internal.uploadtokengateway.v1.UploadToken> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getCreateUploadTokenMethod(), responseObserver);
    }

    /**
     * <pre>
     * Lists the active upload tokens, one page at a time (GET /upload-tokens).
     * Expired and deleted tokens are not listed.
     * </pre>
     */
    public void listUploadTokens(internal.uploadtokengateway.v1.ListUploadTokensRequest request,
        io.grpc.stub.StreamObserver<internal.uploadtokengateway.v1.ListUploadTokensResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListUploadTokensMethod(), responseObserver);
    }

    /**
     * <pre>
     * Gets one upload token (GET /upload-tokens/{token}).
     * NOT_FOUND, with a google.rpc.ResourceInfo naming the token, when the token
     * does not exist, has been deleted, or has expired. PERMISSION_DENIED when
     * the caller's policy does not let it read tokens that another caller
     * created.
     * </pre>
     */
    public void getUploadToken(internal.uploadtokengateway.v1.GetUploadTokenRequest request,
        io.grpc.stub.StreamObserver<internal.uploadtokengateway.v1.UploadToken> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetUploadTokenMethod(), responseObserver);
    }

    /**
     * <pre>
     * Deletes an upload token (DELETE /upload-tokens/{token}); uploads that use
     * it are refused from then on.
     * NOT_FOUND when the token does not exist, has been deleted, or has expired.
     * PERMISSION_DENIED when the caller is read-only or its policy does not let
     * it delete tokens that another caller created.
     * </pre>
     */
    public void deleteUploadToken(internal.uploadtokengateway.v1.DeleteUploadTokenRequest request,
        io.grpc.stub.StreamObserver<com.google.protobuf.Empty> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getDeleteUploadTokenMethod(), responseObserver);
    }

    /**
     * <pre>
     * Deletes every upload token that `filter` matches
     * (https://google.aip.dev/165): for the day a service is compromised,
     * revoke every token it created in one call. Without `force`, only counts
     * the tokens and returns a sample, deleting nothing.
     * Each token is deleted as by DeleteUploadToken (a few at a time): it
     * spends api.video's write quota like any delete, and the caller needs the
     * right to delete each (its own tokens, or others' when its policy says
     * DELETE; PERMISSION_DENIED before anything is deleted otherwise). A token
     * already gone counts as deleted. When the deadline comes first, what was
     * deleted stays deleted: call again to delete the rest.
     * </pre>
     */
    public void purgeUploadTokens(internal.uploadtokengateway.v1.PurgeUploadTokensRequest request,
        io.grpc.stub.StreamObserver<internal.uploadtokengateway.v1.PurgeUploadTokensResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getPurgeUploadTokensMethod(), responseObserver);
    }

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return io.grpc.ServerServiceDefinition.builder(getServiceDescriptor())
          .addMethod(
            getCreateUploadTokenMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                internal.uploadtokengateway.v1.CreateUploadTokenRequest,
                internal.uploadtokengateway.v1.UploadToken>(
                  this, METHODID_CREATE_UPLOAD_TOKEN)))
          .addMethod(
            getListUploadTokensMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                internal.uploadtokengateway.v1.ListUploadTokensRequest,
                internal.uploadtokengateway.v1.ListUploadTokensResponse>(
                  this, METHODID_LIST_UPLOAD_TOKENS)))
          .addMethod(
            getGetUploadTokenMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                internal.uploadtokengateway.v1.GetUploadTokenRequest,
                internal.uploadtokengateway.v1.UploadToken>(
                  this, METHODID_GET_UPLOAD_TOKEN)))
          .addMethod(
            getDeleteUploadTokenMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                internal.uploadtokengateway.v1.DeleteUploadTokenRequest,
                com.google.protobuf.Empty>(
                  this, METHODID_DELETE_UPLOAD_TOKEN)))
          .addMethod(
            getPurgeUploadTokensMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                internal.uploadtokengateway.v1.PurgeUploadTokensRequest,
                internal.uploadtokengateway.v1.PurgeUploadTokensResponse>(
                  this, METHODID_PURGE_UPLOAD_TOKENS)))
          .build();
    }
  }

  /**
   * <pre>
   * Manages api.video upload tokens.
   * Errors follow google/rpc/code.proto and carry google.rpc.Status details in
   * the `grpc-status-details-bin` trailer: every error has a google.rpc.ErrorInfo
   * whose domain says who produced it: "api.video" for api.video's own answers,
   * "upload-token-gateway" for the reasons the gateway makes itself (validation,
   * the caller's policy, overload). Invalid requests add google.rpc.BadRequest,
   * unknown or forbidden tokens google.rpc.ResourceInfo, rate-limited calls
   * google.rpc.RetryInfo, and a used-up caller quota google.rpc.QuotaFailure.
   * When the gateway runs with a caller policy file, each caller (the service
   * that its bearer token names) may be limited: a maximum and default ttl,
   * creates per minute, live tokens, read-only, and what it may do with tokens
   * another caller created. A forbidden RPC or another caller's token is
   * PERMISSION_DENIED; a used-up quota RESOURCE_EXHAUSTED.
   * api.video's rate-limit headers come back as the response metadata
   * `x-ratelimit-limit`, `x-ratelimit-remaining` and `x-ratelimit-retry-after`.
   * </pre>
   */
  public static final class UploadTokenServiceStub extends io.grpc.stub.AbstractAsyncStub<UploadTokenServiceStub> {
    private UploadTokenServiceStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected UploadTokenServiceStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new UploadTokenServiceStub(channel, callOptions);
    }

    /**
     * <pre>
     * Creates an upload token (POST /upload-tokens).
     * Every successful call creates a new token, unless it carries the
     * request_id of an earlier call (see CreateUploadTokenRequest.request_id),
     * which makes it safe to retry.
     * </pre>
     */
    public void createUploadToken(internal.uploadtokengateway.v1.CreateUploadTokenRequest request,
        io.grpc.stub.StreamObserver<internal.uploadtokengateway.v1.UploadToken> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getCreateUploadTokenMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Lists the active upload tokens, one page at a time (GET /upload-tokens).
     * Expired and deleted tokens are not listed.
     * </pre>
     */
    public void listUploadTokens(internal.uploadtokengateway.v1.ListUploadTokensRequest request,
        io.grpc.stub.StreamObserver<internal.uploadtokengateway.v1.ListUploadTokensResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListUploadTokensMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Gets one upload token (GET /upload-tokens/{token}).
     * NOT_FOUND, with a google.rpc.ResourceInfo naming the token, when the token
     * does not exist, has been deleted, or has expired. PERMISSION_DENIED when
     * the caller's policy does not let it read tokens that another caller
     * created.
     * </pre>
     */
    public void getUploadToken(internal.uploadtokengateway.v1.GetUploadTokenRequest request,
        io.grpc.stub.StreamObserver<internal.uploadtokengateway.v1.UploadToken> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetUploadTokenMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Deletes an upload token (DELETE /upload-tokens/{token}); uploads that use
     * it are refused from then on.
     * NOT_FOUND when the token does not exist, has been deleted, or has expired.
     * PERMISSION_DENIED when the caller is read-only or its policy does not let
     * it delete tokens that another caller created.
     * </pre>
     */
    public void deleteUploadToken(internal.uploadtokengateway.v1.DeleteUploadTokenRequest request,
        io.grpc.stub.StreamObserver<com.google.protobuf.Empty> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getDeleteUploadTokenMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Deletes every upload token that `filter` matches
     * (https://google.aip.dev/165): for the day a service is compromised,
     * revoke every token it created in one call. Without `force`, only counts
     * the tokens and returns a sample, deleting nothing.
     * Each token is deleted as by DeleteUploadToken (a few at a time): it
     * spends api.video's write quota like any delete, and the caller needs the
     * right to delete each (its own tokens, or others' when its policy says
     * DELETE; PERMISSION_DENIED before anything is deleted otherwise). A token
     * already gone counts as deleted. When the deadline comes first, what was
     * deleted stays deleted: call again to delete the rest.
     * </pre>
     */
    public void purgeUploadTokens(internal.uploadtokengateway.v1.PurgeUploadTokensRequest request,
        io.grpc.stub.StreamObserver<internal.uploadtokengateway.v1.PurgeUploadTokensResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getPurgeUploadTokensMethod(), getCallOptions()), request, responseObserver);
    }
  }

  /**
   * <pre>
   * Manages api.video upload tokens.
   * Errors follow google/rpc/code.proto and carry google.rpc.Status details in
   * the `grpc-status-details-bin` trailer: every error has a google.rpc.ErrorInfo
   * whose domain says who produced it: "api.video" for api.video's own answers,
   * "upload-token-gateway" for the reasons the gateway makes itself (validation,
   * the caller's policy, overload). Invalid requests add google.rpc.BadRequest,
   * unknown or forbidden tokens google.rpc.ResourceInfo, rate-limited calls
   * google.rpc.RetryInfo, and a used-up caller quota google.rpc.QuotaFailure.
   * When the gateway runs with a caller policy file, each caller (the service
   * that its bearer token names) may be limited: a maximum and default ttl,
   * creates per minute, live tokens, read-only, and what it may do with tokens
   * another caller created. A forbidden RPC or another caller's token is
   * PERMISSION_DENIED; a used-up quota RESOURCE_EXHAUSTED.
   * api.video's rate-limit headers come back as the response metadata
   * `x-ratelimit-limit`, `x-ratelimit-remaining` and `x-ratelimit-retry-after`.
   * </pre>
   */
  public static final class UploadTokenServiceBlockingStub extends io.grpc.stub.AbstractBlockingStub<UploadTokenServiceBlockingStub> {
    private UploadTokenServiceBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected UploadTokenServiceBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new UploadTokenServiceBlockingStub(channel, callOptions);
    }

    /**
     * <pre>
     * Creates an upload token (POST /upload-tokens).
     * Every successful call creates a new token, unless it carries the
     * request_id of an earlier call (see CreateUploadTokenRequest.request_id),
     * which makes it safe to retry.
     * </pre>
     */
    public internal.uploadtokengateway.v1.UploadToken createUploadToken(internal.uploadtokengateway.v1.CreateUploadTokenRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getCreateUploadTokenMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists the active upload tokens, one page at a time (GET /upload-tokens).
     * Expired and deleted tokens are not listed.
     * </pre>
     */
    public internal.uploadtokengateway.v1.ListUploadTokensResponse listUploadTokens(internal.uploadtokengateway.v1.ListUploadTokensRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListUploadTokensMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Gets one upload token (GET /upload-tokens/{token}).
     * NOT_FOUND, with a google.rpc.ResourceInfo naming the token, when the token
     * does not exist, has been deleted, or has expired. PERMISSION_DENIED when
     * the caller's policy does not let it read tokens that another caller
     * created.
     * </pre>
     */
    public internal.uploadtokengateway.v1.UploadToken getUploadToken(internal.uploadtokengateway.v1.GetUploadTokenRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetUploadTokenMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Deletes an upload token (DELETE /upload-tokens/{token}); uploads that use
     * it are refused from then on.
     * NOT_FOUND when the token does not exist, has been deleted, or has expired.
     * PERMISSION_DENIED when the caller is read-only or its policy does not let
     * it delete tokens that another caller created.
     * </pre>
     */
    public com.google.protobuf.Empty deleteUploadToken(internal.uploadtokengateway.v1.DeleteUploadTokenRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getDeleteUploadTokenMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Deletes every upload token that `filter` matches
     * (https://google.aip.dev/165): for the day a service is compromised,
     * revoke every token it created in one call. Without `force`, only counts
     * the tokens and returns a sample, deleting nothing.
     * Each token is deleted as by DeleteUploadToken (a few at a time): it
     * spends api.video's write quota like any delete, and the caller needs the
     * right to delete each (its own tokens, or others' when its policy says
     * DELETE; PERMISSION_DENIED before anything is deleted otherwise). A token
     * already gone counts as deleted. When the deadline comes first, what was
     * deleted stays deleted: call again to delete the rest.
     * </pre>
     */
    public internal.uploadtokengateway.v1.PurgeUploadTokensResponse purgeUploadTokens(internal.uploadtokengateway.v1.PurgeUploadTokensRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getPurgeUploadTokensMethod(), getCallOptions(), request);
    }
  }

  /**
   * <pre>
   * Manages api.video upload tokens.
   * Errors follow google/rpc/code.proto and carry google.rpc.Status details in
   * the `grpc-status-details-bin` trailer: every error has a google.rpc.ErrorInfo
   * whose domain says who produced it: "api.video" for api.video's own answers,
   * "upload-token-gateway" for the reasons the gateway makes itself (validation,
   * the caller's policy, overload). Invalid requests add google.rpc.BadRequest,
   * unknown or forbidden tokens google.rpc.ResourceInfo, rate-limited calls
   * google.rpc.RetryInfo, and a used-up caller quota google.rpc.QuotaFailure.
   * When the gateway runs with a caller policy file, each caller (the service
   * that its bearer token names) may be limited: a maximum and default ttl,
   * creates per minute, live tokens, read-only, and what it may do with tokens
   * another caller created. A forbidden RPC or another caller's token is
   * PERMISSION_DENIED; a used-up quota RESOURCE_EXHAUSTED.
   * api.video's rate-limit headers come back as the response metadata
   * `x-ratelimit-limit`, `x-ratelimit-remaining` and `x-ratelimit-retry-after`.
   * </pre>
   */
  public static final class UploadTokenServiceFutureStub extends io.grpc.stub.AbstractFutureStub<UploadTokenServiceFutureStub> {
    private UploadTokenServiceFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected UploadTokenServiceFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new UploadTokenServiceFutureStub(channel, callOptions);
    }

    /**
     * <pre>
     * Creates an upload token (POST /upload-tokens).
     * Every successful call creates a new token, unless it carries the
     * request_id of an earlier call (see CreateUploadTokenRequest.request_id),
     * which makes it safe to retry.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<internal.uploadtokengateway.v1.UploadToken> createUploadToken(
        internal.uploadtokengateway.v1.CreateUploadTokenRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getCreateUploadTokenMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Lists the active upload tokens, one page at a time (GET /upload-tokens).
     * Expired and deleted tokens are not listed.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<internal.uploadtokengateway.v1.ListUploadTokensResponse> listUploadTokens(
        internal.uploadtokengateway.v1.ListUploadTokensRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListUploadTokensMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Gets one upload token (GET /upload-tokens/{token}).
     * NOT_FOUND, with a google.rpc.ResourceInfo naming the token, when the token
     * does not exist, has been deleted, or has expired. PERMISSION_DENIED when
     * the caller's policy does not let it read tokens that another caller
     * created.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<internal.uploadtokengateway.v1.UploadToken> getUploadToken(
        internal.uploadtokengateway.v1.GetUploadTokenRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetUploadTokenMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Deletes an upload token (DELETE /upload-tokens/{token}); uploads that use
     * it are refused from then on.
     * NOT_FOUND when the token does not exist, has been deleted, or has expired.
     * PERMISSION_DENIED when the caller is read-only or its policy does not let
     * it delete tokens that another caller created.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<com.google.protobuf.Empty> deleteUploadToken(
        internal.uploadtokengateway.v1.DeleteUploadTokenRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getDeleteUploadTokenMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Deletes every upload token that `filter` matches
     * (https://google.aip.dev/165): for the day a service is compromised,
     * revoke every token it created in one call. Without `force`, only counts
     * the tokens and returns a sample, deleting nothing.
     * Each token is deleted as by DeleteUploadToken (a few at a time): it
     * spends api.video's write quota like any delete, and the caller needs the
     * right to delete each (its own tokens, or others' when its policy says
     * DELETE; PERMISSION_DENIED before anything is deleted otherwise). A token
     * already gone counts as deleted. When the deadline comes first, what was
     * deleted stays deleted: call again to delete the rest.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<internal.uploadtokengateway.v1.PurgeUploadTokensResponse> purgeUploadTokens(
        internal.uploadtokengateway.v1.PurgeUploadTokensRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getPurgeUploadTokensMethod(), getCallOptions()), request);
    }
  }

  private static final int METHODID_CREATE_UPLOAD_TOKEN = 0;
  private static final int METHODID_LIST_UPLOAD_TOKENS = 1;
  private static final int METHODID_GET_UPLOAD_TOKEN = 2;
  private static final int METHODID_DELETE_UPLOAD_TOKEN = 3;
  private static final int METHODID_PURGE_UPLOAD_TOKENS = 4;

  private static final class MethodHandlers<Req, Resp> implements
      io.grpc.stub.ServerCalls.UnaryMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ServerStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ClientStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.BidiStreamingMethod<Req, Resp> {
    private final UploadTokenServiceImplBase serviceImpl;
    private final int methodId;

    MethodHandlers(UploadTokenServiceImplBase serviceImpl, int methodId) {
      this.serviceImpl = serviceImpl;
      this.methodId = methodId;
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public void invoke(Req request, io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        case METHODID_CREATE_UPLOAD_TOKEN:
          serviceImpl.createUploadToken((internal.uploadtokengateway.v1.CreateUploadTokenRequest) request,
              (io.grpc.stub.StreamObserver<internal.uploadtokengateway.v1.UploadToken>) responseObserver);
          break;
        case METHODID_LIST_UPLOAD_TOKENS:
          serviceImpl.listUploadTokens((internal.uploadtokengateway.v1.ListUploadTokensRequest) request,
              (io.grpc.stub.StreamObserver<internal.uploadtokengateway.v1.ListUploadTokensResponse>) responseObserver);
          break;
        case METHODID_GET_UPLOAD_TOKEN:
          serviceImpl.getUploadToken((internal.uploadtokengateway.v1.GetUploadTokenRequest) request,
              (io.grpc.stub.StreamObserver<internal.uploadtokengateway.v1.UploadToken>) responseObserver);
          break;
        case METHODID_DELETE_UPLOAD_TOKEN:
          serviceImpl.deleteUploadToken((internal.uploadtokengateway.v1.DeleteUploadTokenRequest) request,
              (io.grpc.stub.StreamObserver<com.google.protobuf.Empty>) responseObserver);
          break;
        case METHODID_PURGE_UPLOAD_TOKENS:
          serviceImpl.purgeUploadTokens((internal.uploadtokengateway.v1.PurgeUploadTokensRequest) request,
              (io.grpc.stub.StreamObserver<internal.uploadtokengateway.v1.PurgeUploadTokensResponse>) responseObserver);
          break;
        default:
          throw new AssertionError();
      }
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public io.grpc.stub.StreamObserver<Req> invoke(
        io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        default:
          throw new AssertionError();
      }
    }
  }

  private static abstract class UploadTokenServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    UploadTokenServiceBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return internal.uploadtokengateway.v1.UploadTokensProto.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("UploadTokenService");
    }
  }

  private static final class UploadTokenServiceFileDescriptorSupplier
      extends UploadTokenServiceBaseDescriptorSupplier {
    UploadTokenServiceFileDescriptorSupplier() {}
  }

  private static final class UploadTokenServiceMethodDescriptorSupplier
      extends UploadTokenServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final String methodName;

    UploadTokenServiceMethodDescriptorSupplier(String methodName) {
      this.methodName = methodName;
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.MethodDescriptor getMethodDescriptor() {
      return getServiceDescriptor().findMethodByName(methodName);
    }
  }

  private static volatile io.grpc.ServiceDescriptor serviceDescriptor;

  public static io.grpc.ServiceDescriptor getServiceDescriptor() {
    io.grpc.ServiceDescriptor result = serviceDescriptor;
    if (result == null) {
      synchronized (UploadTokenServiceGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new UploadTokenServiceFileDescriptorSupplier())
              .addMethod(getCreateUploadTokenMethod())
              .addMethod(getListUploadTokensMethod())
              .addMethod(getGetUploadTokenMethod())
              .addMethod(getDeleteUploadTokenMethod())
              .addMethod(getPurgeUploadTokensMethod())
              .build();
        }
      }
    }
    return result;
  }
}
