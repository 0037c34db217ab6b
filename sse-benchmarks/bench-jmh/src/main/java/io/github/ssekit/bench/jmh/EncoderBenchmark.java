package io.github.ssekit.bench.jmh;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.github.ssekit.SseEvent;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import org.springframework.http.converter.StringHttpMessageConverter;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter.DataWithMediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Cost of turning one event (id, event name, data) into the bytes written to the socket:
 * ssekit's {@link SseEvent} against {@link SseEmitter#event()}, whose parts Spring MVC
 * converts to bytes with {@link StringHttpMessageConverter} (UTF-8 for SSE). Run with
 * {@code -prof gc} for bytes allocated per event.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EncoderBenchmark {

	@Param({ "64", "1024" })
	private int size;

	private String data;

	private long counter;

	/**
	 * Prepare the event data.
	 */
	@Setup
	public void setUp() {
		this.data = "x".repeat(Math.max(1, this.size - 30));
	}

	/**
	 * ssekit: build the immutable event and encode it to UTF-8 bytes.
	 * @return the encoded bytes
	 */
	@Benchmark
	public byte[] ssekit() {
		return SseEvent.builder().id(Long.toString(this.counter++)).event("tick").data(this.data).build().encoded();
	}

	/**
	 * SseEmitter: build the event and convert each part to bytes as Spring MVC does when
	 * sending it.
	 * @return the total number of bytes
	 */
	@Benchmark
	public int sseEmitter() {
		Set<DataWithMediaType> parts = SseEmitter.event()
			.id(Long.toString(this.counter++))
			.name("tick")
			.data(this.data)
			.build();
		int length = 0;
		for (DataWithMediaType part : parts) {
			length += ((String) part.getData()).getBytes(StandardCharsets.UTF_8).length;
		}
		return length;
	}

}
