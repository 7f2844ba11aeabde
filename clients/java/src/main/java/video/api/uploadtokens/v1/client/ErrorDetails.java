package video.api.uploadtokens.v1.client;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.QuotaFailure;
import com.google.rpc.ResourceInfo;
import com.google.rpc.RetryInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The google.rpc.Status details the gateway sends in the
 * grpc-status-details-bin trailer of every error, decoded and typed.
 */
public final class ErrorDetails {
  public static final Metadata.Key<byte[]> STATUS_DETAILS_KEY =
      Metadata.Key.of("grpc-status-details-bin", Metadata.BINARY_BYTE_MARSHALLER);

  private final Status status;
  private ErrorInfo errorInfo;
  private ResourceInfo resourceInfo;
  private RetryInfo retryInfo;
  private BadRequest badRequest;
  private QuotaFailure quotaFailure;
  private final List<Any> others = new ArrayList<>();

  private ErrorDetails(Status status) {
    this.status = status;
  }

  /** Decodes the details of a failed call; none if the trailer is missing or unreadable. */
  public static ErrorDetails from(StatusRuntimeException error) {
    ErrorDetails details = new ErrorDetails(error.getStatus());
    Metadata trailers = error.getTrailers();
    byte[] bytes = trailers == null ? null : trailers.get(STATUS_DETAILS_KEY);
    if (bytes == null) return details;
    try {
      for (Any any : com.google.rpc.Status.parseFrom(bytes).getDetailsList()) {
        if (any.is(ErrorInfo.class)) {
          details.errorInfo = any.unpack(ErrorInfo.class);
        } else if (any.is(ResourceInfo.class)) {
          details.resourceInfo = any.unpack(ResourceInfo.class);
        } else if (any.is(RetryInfo.class)) {
          details.retryInfo = any.unpack(RetryInfo.class);
        } else if (any.is(BadRequest.class)) {
          details.badRequest = any.unpack(BadRequest.class);
        } else if (any.is(QuotaFailure.class)) {
          details.quotaFailure = any.unpack(QuotaFailure.class);
        } else {
          details.others.add(any);
        }
      }
    } catch (InvalidProtocolBufferException e) {
      // A trailer that does not parse: report the status alone.
    }
    return details;
  }

  public Status.Code code() { return status.getCode(); }
  public String message() { return status.getDescription() == null ? "" : status.getDescription(); }
  public Optional<ErrorInfo> errorInfo() { return Optional.ofNullable(errorInfo); }
  public Optional<ResourceInfo> resourceInfo() { return Optional.ofNullable(resourceInfo); }
  public Optional<RetryInfo> retryInfo() { return Optional.ofNullable(retryInfo); }
  public Optional<BadRequest> badRequest() { return Optional.ofNullable(badRequest); }
  public Optional<QuotaFailure> quotaFailure() { return Optional.ofNullable(quotaFailure); }
  /** Details of other types, still packed. */
  public List<Any> others() { return Collections.unmodifiableList(others); }
  /** ErrorInfo.reason, e.g. RESOURCE_NOT_FOUND, or "". */
  public String reason() { return errorInfo == null ? "" : errorInfo.getReason(); }
}
