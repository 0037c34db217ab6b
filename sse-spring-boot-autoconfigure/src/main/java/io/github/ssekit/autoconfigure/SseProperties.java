package io.github.ssekit.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.ssekit.OverflowPolicy;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.DeprecatedConfigurationProperty;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties for Server-Sent Events streams.
 *
 * @author ssekit
 */
@ConfigurationProperties("sse")
public class SseProperties {

	/**
	 * Whether to enable the SSE auto-configuration.
	 */
	private boolean enabled = true;

	/**
	 * Maximum lifetime of a stream. Deprecated: use sse.stream.max-lifetime.
	 */
	private @Nullable Duration timeout;

	/**
	 * Reconnection time sent as the first line of every new stream ('retry:' field). Not
	 * set means none is sent and clients use their own default.
	 */
	private @Nullable Duration retry;

	/**
	 * Maximum number of open streams. Requests beyond it get 503 Service Unavailable with
	 * a Retry-After header. Not set means no limit.
	 */
	private @Nullable Integer maxStreams;

	/**
	 * Maximum number of streams one user may have open at once: an authenticated
	 * principal by name, an anonymous client by remote address (as
	 * server.forward-headers-strategy gives it). Requests beyond it get 429 Too Many
	 * Requests with a Retry-After header. Not set means no limit.
	 */
	private @Nullable Integer maxStreamsPerUser;

	/**
	 * Broker behind the channels: 'memory' keeps each channel's history in this instance,
	 * 'redis' shares channels and history between instances through Redis Streams (needs
	 * Spring Data Redis with Lettuce).
	 */
	private SseBrokerType broker = SseBrokerType.MEMORY;

	private final Heartbeat heartbeat = new Heartbeat();

	private final Headers headers = new Headers();

	private final LastEventId lastEventId = new LastEventId();

	private final Stream stream = new Stream();

	private final Shutdown shutdown = new Shutdown();

	private final Channels channels = new Channels();

	private final Tomcat tomcat = new Tomcat();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	/**
	 * Return the maximum lifetime of a stream under its old name.
	 * @return the maximum lifetime, or {@code null}
	 * @deprecated since 0.2.0 in favour of {@code sse.stream.max-lifetime}
	 */
	@Deprecated(since = "0.2.0")
	@DeprecatedConfigurationProperty(replacement = "sse.stream.max-lifetime", since = "0.2.0")
	public @Nullable Duration getTimeout() {
		return this.timeout;
	}

	/**
	 * Set the maximum lifetime of a stream under its old name.
	 * @param timeout the maximum lifetime
	 * @deprecated since 0.2.0 in favour of {@code sse.stream.max-lifetime}
	 */
	@Deprecated(since = "0.2.0")
	public void setTimeout(@Nullable Duration timeout) {
		this.timeout = timeout;
	}

	public @Nullable Duration getRetry() {
		return this.retry;
	}

	public void setRetry(@Nullable Duration retry) {
		this.retry = retry;
	}

	public @Nullable Integer getMaxStreams() {
		return this.maxStreams;
	}

	public void setMaxStreams(@Nullable Integer maxStreams) {
		this.maxStreams = maxStreams;
	}

	public @Nullable Integer getMaxStreamsPerUser() {
		return this.maxStreamsPerUser;
	}

	public void setMaxStreamsPerUser(@Nullable Integer maxStreamsPerUser) {
		this.maxStreamsPerUser = maxStreamsPerUser;
	}

	public SseBrokerType getBroker() {
		return this.broker;
	}

	public void setBroker(SseBrokerType broker) {
		this.broker = broker;
	}

	public Heartbeat getHeartbeat() {
		return this.heartbeat;
	}

	public Headers getHeaders() {
		return this.headers;
	}

	public LastEventId getLastEventId() {
		return this.lastEventId;
	}

	public Stream getStream() {
		return this.stream;
	}

	public Shutdown getShutdown() {
		return this.shutdown;
	}

	public Channels getChannels() {
		return this.channels;
	}

	public Tomcat getTomcat() {
		return this.tomcat;
	}

	/**
	 * Heartbeat settings.
	 */
	public static class Heartbeat {

		/**
		 * How long a stream may stay idle before a heartbeat comment is sent to it. Zero
		 * disables heartbeats.
		 */
		private Duration interval = Duration.ofSeconds(15);

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

	}

	/**
	 * Response headers of every stream.
	 */
	public static class Headers {

		/**
		 * Whether to send 'X-Accel-Buffering: no', which keeps nginx from buffering the
		 * stream.
		 */
		private boolean xAccelBuffering = true;

		/**
		 * Cache-Control header value, unless the handler set one. Empty sends none.
		 */
		private String cacheControl = "no-cache";

		/**
		 * Additional headers, unless the handler set them.
		 */
		private Map<String, String> extra = new LinkedHashMap<>();

		public boolean isXAccelBuffering() {
			return this.xAccelBuffering;
		}

		public void setXAccelBuffering(boolean xAccelBuffering) {
			this.xAccelBuffering = xAccelBuffering;
		}

		public String getCacheControl() {
			return this.cacheControl;
		}

		public void setCacheControl(String cacheControl) {
			this.cacheControl = cacheControl;
		}

		public Map<String, String> getExtra() {
			return this.extra;
		}

		public void setExtra(Map<String, String> extra) {
			this.extra = extra;
		}

	}

	/**
	 * How @LastEventId parameters are read.
	 */
	public static class LastEventId {

		/**
		 * Query parameter read when the Last-Event-ID header is absent, for first
		 * connections and EventSource polyfills that cannot set headers. Not set means
		 * only the header is read.
		 */
		private @Nullable String queryParameter;

		/**
		 * Longest Last-Event-ID accepted; a longer one is answered with 400 Bad Request.
		 */
		private int maxLength = 1024;

		public @Nullable String getQueryParameter() {
			return this.queryParameter;
		}

		public void setQueryParameter(@Nullable String queryParameter) {
			this.queryParameter = queryParameter;
		}

		public int getMaxLength() {
			return this.maxLength;
		}

		public void setMaxLength(int maxLength) {
			this.maxLength = maxLength;
		}

	}

	/**
	 * Outbound queue of every stream, which absorbs a client that reads slowly.
	 */
	public static class Stream {

		/**
		 * Most events (and comments) a stream queues for its client.
		 */
		private int maxQueuedEvents = 1000;

		/**
		 * Most bytes a stream queues for its client.
		 */
		private DataSize maxQueuedBytes = DataSize.ofMegabytes(1);

		/**
		 * What to do when the queue is full.
		 */
		private OverflowPolicy overflow = OverflowPolicy.DISCONNECT;

		/**
		 * How long a client may take no bytes while some are waiting before it is
		 * disconnected. Not set means no limit.
		 */
		private @Nullable Duration writeTimeout = Duration.ofSeconds(10);

		/**
		 * Maximum lifetime of a stream, after which it is closed and the client
		 * reconnects. Not set means no limit; Spring MVC's async request timeout never
		 * applies.
		 */
		private @Nullable Duration maxLifetime;

		public int getMaxQueuedEvents() {
			return this.maxQueuedEvents;
		}

		public void setMaxQueuedEvents(int maxQueuedEvents) {
			this.maxQueuedEvents = maxQueuedEvents;
		}

		public DataSize getMaxQueuedBytes() {
			return this.maxQueuedBytes;
		}

		public void setMaxQueuedBytes(DataSize maxQueuedBytes) {
			this.maxQueuedBytes = maxQueuedBytes;
		}

		public OverflowPolicy getOverflow() {
			return this.overflow;
		}

		public void setOverflow(OverflowPolicy overflow) {
			this.overflow = overflow;
		}

		public @Nullable Duration getWriteTimeout() {
			return this.writeTimeout;
		}

		public void setWriteTimeout(@Nullable Duration writeTimeout) {
			this.writeTimeout = writeTimeout;
		}

		public @Nullable Duration getMaxLifetime() {
			return this.maxLifetime;
		}

		public void setMaxLifetime(@Nullable Duration maxLifetime) {
			this.maxLifetime = maxLifetime;
		}

	}

	/**
	 * What happens to open streams when the application stops.
	 */
	public static class Shutdown {

		/**
		 * Name of an event sent to every open stream before it is closed on shutdown.
		 */
		private @Nullable String event;

		/**
		 * Data of the event sent to every open stream before it is closed on shutdown.
		 */
		private @Nullable String data;

		/**
		 * How long shutdown waits for streams to write what was published before they are
		 * cut off.
		 */
		private Duration timeout = Duration.ofSeconds(1);

		public @Nullable String getEvent() {
			return this.event;
		}

		public void setEvent(@Nullable String event) {
			this.event = event;
		}

		public @Nullable String getData() {
			return this.data;
		}

		public void setData(@Nullable String data) {
			this.data = data;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

	}

	/**
	 * Channels: named topics with a bounded history for Last-Event-ID replay.
	 */
	public static class Channels {

		/**
		 * Largest event, encoded, that a channel publishes. A larger one is refused at
		 * publish with SseEventTooLargeException (413 in a request), before it is stored
		 * in history. Keep it well under sse.stream.max-queued-bytes.
		 */
		private DataSize maxEventSize = DataSize.ofKilobytes(256);

		/**
		 * Channels that belong to one user, as names with a '{name}' placeholder (for
		 * example 'user:{name}'): only the principal of that name may subscribe to such a
		 * channel; others, anonymous clients included, get 403.
		 */
		private List<String> userChannels = new ArrayList<>();

		private final History history = new History();

		public List<String> getUserChannels() {
			return this.userChannels;
		}

		public void setUserChannels(List<String> userChannels) {
			this.userChannels = userChannels;
		}

		public DataSize getMaxEventSize() {
			return this.maxEventSize;
		}

		public void setMaxEventSize(DataSize maxEventSize) {
			this.maxEventSize = maxEventSize;
		}

		private final Metrics metrics = new Metrics();

		public History getHistory() {
			return this.history;
		}

		public Metrics getMetrics() {
			return this.metrics;
		}

		/**
		 * History kept per channel for clients that resume with Last-Event-ID.
		 */
		public static class History {

			/**
			 * Most events each channel keeps for replay, with either broker. Zero keeps
			 * none in memory, so every resume reports lost history. Not set means 100 in
			 * memory and 1000 in Redis.
			 */
			private @Nullable Integer maxEvents;

			/**
			 * How long an event stays available for replay, with either broker. With
			 * Redis, zero means no age limit.
			 */
			private Duration maxAge = Duration.ofMinutes(5);

			public @Nullable Integer getMaxEvents() {
				return this.maxEvents;
			}

			public void setMaxEvents(@Nullable Integer maxEvents) {
				this.maxEvents = maxEvents;
			}

			public Duration getMaxAge() {
				return this.maxAge;
			}

			public void setMaxAge(Duration maxAge) {
				this.maxAge = maxAge;
			}

		}

		/**
		 * Channel metrics.
		 */
		public static class Metrics {

			/**
			 * Channels whose meters carry their name in the 'channel' tag. Others are
			 * counted under 'other', which keeps the tag cardinality bounded (per-user
			 * channels should not be listed).
			 */
			private List<String> taggedChannels = new ArrayList<>();

			public List<String> getTaggedChannels() {
				return this.taggedChannels;
			}

			public void setTaggedChannels(List<String> taggedChannels) {
				this.taggedChannels = taggedChannels;
			}

		}

	}

	/**
	 * Tomcat connector settings that shrink the heap every open connection holds, for
	 * applications that keep many streams open. Each applies to every connection of the
	 * connector, not only to event streams, and is left at Tomcat's default when not set.
	 */
	public static class Tomcat {

		/**
		 * Size of the read buffer of every connection (Tomcat's socket.appReadBufSize,
		 * 8KB when not set). Tomcat's buffer for a request's line and headers is this
		 * plus server.max-http-request-header-size. A request body is read in at most
		 * this much per read from the socket. Over TLS, Tomcat enlarges it to the TLS
		 * session's buffer size.
		 */
		private @Nullable DataSize socketReadBufferSize;

		/**
		 * Size of the write buffer of every connection (Tomcat's socket.appWriteBufSize,
		 * 8KB when not set). A response is written in at most this much per write to the
		 * socket. Over TLS, Tomcat enlarges it to the TLS session's buffer size.
		 */
		private @Nullable DataSize socketWriteBufferSize;

		/**
		 * Most bytes of trailer headers a chunked request body may end with (Tomcat's
		 * maxTrailerSize, 8KB when not set); a request with more is rejected. Tomcat
		 * allocates a buffer of this size for every connection.
		 */
		private @Nullable DataSize maxTrailerSize;

		public @Nullable DataSize getSocketReadBufferSize() {
			return this.socketReadBufferSize;
		}

		public void setSocketReadBufferSize(@Nullable DataSize socketReadBufferSize) {
			this.socketReadBufferSize = socketReadBufferSize;
		}

		public @Nullable DataSize getSocketWriteBufferSize() {
			return this.socketWriteBufferSize;
		}

		public void setSocketWriteBufferSize(@Nullable DataSize socketWriteBufferSize) {
			this.socketWriteBufferSize = socketWriteBufferSize;
		}

		public @Nullable DataSize getMaxTrailerSize() {
			return this.maxTrailerSize;
		}

		public void setMaxTrailerSize(@Nullable DataSize maxTrailerSize) {
			this.maxTrailerSize = maxTrailerSize;
		}

	}

}
