package internal.uploadtokengateway.client;

import io.grpc.Metadata;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the gateway sent beside its answer: initial and trailing metadata, e.g.
 * x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-retry-after and
 * x-cache (hit, miss, coalesced). Binary (-bin) entries are left out. Pass one
 * to {@link CallSettings.Builder#responseMetadata}; the call fills it, whether
 * it succeeds or fails.
 */
public final class ResponseMetadata {
  // Written by the call's thread (set), read by any.
  private volatile Map<String, List<String>> initial = Map.of();
  private volatile Map<String, List<String>> trailing = Map.of();

  public ResponseMetadata() {}

  /** Initial metadata (headers): key to values, keys in lower case. */
  public Map<String, List<String>> initial() {
    return initial;
  }

  /** Trailing metadata (trailers). */
  public Map<String, List<String>> trailing() {
    return trailing;
  }

  /** The first value of {@code key} in the initial metadata, else in the trailing. */
  public Optional<String> find(String key) {
    for (Map<String, List<String>> entries : List.of(initial, trailing)) {
      List<String> values = entries.get(key);
      if (values != null && !values.isEmpty()) return Optional.of(values.get(0));
    }
    return Optional.empty();
  }

  void set(Metadata headers, Metadata trailers) {
    initial = text(headers);
    trailing = text(trailers);
  }

  private static Map<String, List<String>> text(Metadata metadata) {
    if (metadata == null) return Map.of();
    Map<String, List<String>> result = new LinkedHashMap<>();
    for (String key : metadata.keys()) {
      if (key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) continue;
      Iterable<String> values =
          metadata.getAll(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
      List<String> list = new ArrayList<>();
      if (values != null) values.forEach(list::add);
      result.put(key, Collections.unmodifiableList(list));
    }
    return Collections.unmodifiableMap(result);
  }

  @Override
  public String toString() {
    return "ResponseMetadata{initial=" + initial + ", trailing=" + trailing + "}";
  }
}
