package io.github.ssekit.client;

import java.lang.System.Logger.Level;

/**
 * Runs a client on its own thread: connects, and reconnects after each connection ends
 * until the client stops, waiting the reconnection time with backoff. Holds what the next
 * connection resumes with: the last event ID, sent as {@code Last-Event-ID}, and the
 * reconnection time, which the server's {@code retry} field changes.
 *
 * @author ssekit
 */
final class ConnectionLoop {

	private static final System.Logger logger = System.getLogger(SseClient.class.getName());

	private final ClientSettings settings;

	private final RequestFactory requests;

	private final ClientLifecycle lifecycle;

	private final Listeners listeners;

	private volatile String lastEventId;

	private volatile long reconnectionTime;

	ConnectionLoop(ClientSettings settings, ClientLifecycle lifecycle, Listeners listeners) {
		this.settings = settings;
		this.requests = new RequestFactory(settings);
		this.lifecycle = lifecycle;
		this.listeners = listeners;
		this.lastEventId = settings.lastEventId();
		this.reconnectionTime = settings.reconnectDelay().toMillis();
	}

	String lastEventId() {
		return this.lastEventId;
	}

	void lastEventId(String lastEventId) {
		this.lastEventId = lastEventId;
	}

	long reconnectionTime() {
		return this.reconnectionTime;
	}

	void reconnectionTime(long milliseconds) {
		this.reconnectionTime = milliseconds;
	}

	/**
	 * Connects until the client stops, then {@link ClientLifecycle#terminate()
	 * terminates} it. An unexpected error stops the client as its failure.
	 */
	void run() {
		Backoff backoff = new Backoff(this.settings.maxReconnectDelay().toMillis());
		try {
			while (connect(backoff) && this.lifecycle.awaitReconnection(backoff.delayMillis(this.reconnectionTime))) {
				logger.log(Level.DEBUG, () -> "Reconnecting to " + this.settings.uri());
			}
		}
		catch (RuntimeException ex) {
			if (!this.lifecycle.isClosed()) {
				this.lifecycle.fail(ex);
			}
		}
		finally {
			this.lifecycle.terminate();
		}
	}

	private boolean connect(Backoff backoff) {
		Connection connection = new Connection(this, this.settings, this.lifecycle, this.listeners);
		boolean reconnect = connection.run(this.requests.create(this.lastEventId));
		if (connection.isHealthy()) {
			backoff.recordHealthy();
		}
		else {
			backoff.recordFailure();
		}
		return reconnect;
	}

}
