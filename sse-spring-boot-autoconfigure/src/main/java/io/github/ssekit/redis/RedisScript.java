package io.github.ssekit.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

/**
 * A Lua script on one key, run with {@code EVALSHA} and, when the server does not know it
 * yet ({@code NOSCRIPT}, for example after a restart or on another Cluster node), with
 * {@code EVAL}, which also loads it. A script on one key runs where the key's slot is, so
 * it works on Redis Cluster too.
 *
 * @author ssekit
 */
final class RedisScript {

	private final String source;

	private final String sha;

	private final ScriptOutputType outputType;

	/**
	 * Create a script.
	 * @param source the Lua source
	 * @param outputType how its reply is read
	 */
	RedisScript(String source, ScriptOutputType outputType) {
		this.source = source;
		this.sha = sha1(source);
		this.outputType = outputType;
	}

	private static String sha1(String source) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-1 is not available", ex);
		}
	}

	/**
	 * Run the script on one key.
	 * @param <T> the reply type
	 * @param commands the commands to run it with
	 * @param key the key
	 * @param args the arguments
	 * @return the reply
	 */
	<T> CompletableFuture<T> call(RedisClusterAsyncCommands<String, String> commands, String key, String... args) {
		String[] keys = { key };
		CompletableFuture<T> first = commands.<T>evalsha(this.sha, this.outputType, keys, args).toCompletableFuture();
		return first.exceptionallyCompose((ex) -> {
			Throwable cause = (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
			if (cause instanceof RedisNoScriptException
					|| (cause.getMessage() != null && cause.getMessage().startsWith("NOSCRIPT"))) {
				return commands.<T>eval(this.source, this.outputType, keys, args).toCompletableFuture();
			}
			return CompletableFuture.failedFuture(cause);
		});
	}

}
