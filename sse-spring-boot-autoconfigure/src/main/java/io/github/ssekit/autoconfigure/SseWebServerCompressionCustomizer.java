package io.github.ssekit.autoconfigure;

import java.util.Arrays;
import java.util.Locale;

import org.springframework.boot.web.server.AbstractConfigurableWebServerFactory;
import org.springframework.boot.web.server.Compression;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

/**
 * Keeps {@code server.compression} away from event streams: a compressing container
 * buffers output until a block fills, which stalls events. Removes
 * {@code text/event-stream}, and any entry that would match it by prefix, from the
 * compressed MIME types.
 *
 * @author ssekit
 */
final class SseWebServerCompressionCustomizer
		implements WebServerFactoryCustomizer<AbstractConfigurableWebServerFactory>, Ordered {

	private static final String EVENT_STREAM = "text/event-stream";

	@Override
	public void customize(AbstractConfigurableWebServerFactory factory) {
		Compression compression = factory.getCompression();
		if (compression == null || !compression.getEnabled() || compression.getMimeTypes() == null) {
			return;
		}
		String[] kept = Arrays.stream(compression.getMimeTypes())
			.filter((mimeType) -> !matchesEventStream(mimeType))
			.toArray(String[]::new);
		if (kept.length != compression.getMimeTypes().length) {
			Compression copy = new Compression();
			copy.setEnabled(true);
			copy.setMimeTypes(kept);
			copy.setExcludedUserAgents(compression.getExcludedUserAgents());
			copy.setMinResponseSize(compression.getMinResponseSize());
			factory.setCompression(copy);
		}
	}

	private static boolean matchesEventStream(String mimeType) {
		String type = mimeType.trim().toLowerCase(Locale.ROOT);
		int parameters = type.indexOf(';');
		if (parameters >= 0) {
			type = type.substring(0, parameters).trim();
		}
		return !type.isEmpty() && (EVENT_STREAM.startsWith(type) || type.equals("text/*") || type.equals("*/*"));
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
