'use strict';

const KEEP = 5;

function $(selector, root = document) {
	return root.querySelector(selector);
}

// Opens an EventSource and shows its state (connecting, open, reconnecting) in a card;
// onReopen gets the milliseconds from losing the connection to having it back.
function watch(url, card, onReopen) {
	const source = new EventSource(url);
	const state = $('.state', card);
	let opened = false;
	let lostAt = null;
	const show = (text) => {
		state.textContent = text;
		state.dataset.state = text;
	};
	show('connecting');
	source.addEventListener('open', () => {
		show('open');
		if (opened && onReopen) {
			onReopen(Math.round(performance.now() - lostAt));
		}
		opened = true;
		lostAt = null;
	});
	source.addEventListener('error', () => {
		lostAt = lostAt ?? performance.now();
		show(source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
	});
	return source;
}

function showLastId(card, event) {
	$('.last-id', card).textContent = event.lastEventId || 'none';
}

function prepend(list, element, keep = KEEP) {
	list.prepend(element);
	while (list.children.length > keep) {
		list.lastElementChild.remove();
	}
}

function item(text) {
	const li = document.createElement('li');
	li.textContent = text;
	return li;
}

function increment(id, by = 1) {
	const element = document.getElementById(id);
	element.textContent = String(Number(element.textContent) + by);
}

function startCounter() {
	const card = document.getElementById('counter');
	let last = null;
	const source = watch('/counter', card, (milliseconds) => {
		increment('counter-reconnects');
		document.getElementById('counter-reconnect-time').textContent = `${milliseconds} ms`;
	});
	source.addEventListener('message', (event) => {
		const value = Number(event.data);
		if (last !== null && value <= last) {
			increment('counter-repeats');
		}
		else if (last !== null && value > last + 1) {
			increment('counter-gaps', value - last - 1);
		}
		last = Math.max(value, last ?? value);
		increment('counter-received');
		document.getElementById('counter-value').textContent = event.data;
		showLastId(card, event);
	});
	document.getElementById('drop').addEventListener('click', () => {
		fetch('/counter/drop', { method: 'POST' });
	});
}

function startTimestamps() {
	const card = document.getElementById('timestamps');
	const source = watch('/sse', card);
	source.addEventListener('timestamp', (event) => {
		prepend(document.getElementById('timestamp-log'), item(event.data));
		showLastId(card, event);
	});
}

function startGreetings() {
	const source = watch('/greetings', document.getElementById('greetings'));
	source.addEventListener('greeting', (event) => {
		const block = document.createElement('div');
		block.className = 'greeting';
		block.textContent = event.data;
		prepend(document.getElementById('greeting-log'), block, 3);
		increment('greeting-count');
	});
	source.addEventListener('message', (event) => {
		prepend(document.getElementById('unnamed-log'), item(event.data));
		increment('unnamed-count');
	});
}

// One answer at a time: Ask opens an EventSource on /tokens, the text fills in token by
// token, and the stream is closed on 'done' (or Stop), so the browser never reconnects
// to ask again.
function startTokens() {
	const card = document.getElementById('tokens');
	const text = document.getElementById('tokens-text');
	const count = document.getElementById('tokens-count');
	const ask = document.getElementById('tokens-start');
	const stop = document.getElementById('tokens-stop');
	const state = $('.state', card);
	let source = null;
	const idle = () => {
		source = null;
		ask.disabled = false;
		stop.disabled = true;
	};
	const finish = (result) => {
		source.close();
		idle();
		state.textContent = result;
		state.dataset.state = result;
	};
	ask.addEventListener('click', () => {
		const delay = document.getElementById('tokens-delay').value;
		const stream = watch(delay === '' ? '/tokens' : `/tokens?delay=${encodeURIComponent(delay)}`, card);
		source = stream;
		ask.disabled = true;
		stop.disabled = false;
		// a reconnect starts the answer again, so start the text again too
		stream.addEventListener('open', () => {
			text.textContent = '';
			count.textContent = '0';
		});
		stream.addEventListener('token', (event) => {
			text.append(event.data);
			increment('tokens-count');
		});
		stream.addEventListener('done', () => finish('done'));
		// rejected (a delay out of range gets a 400): the browser gives up by itself
		stream.addEventListener('error', () => {
			if (stream.readyState === EventSource.CLOSED) {
				idle();
			}
		});
	});
	stop.addEventListener('click', () => finish('stopped'));
}

startCounter();
startTimestamps();
startGreetings();
startTokens();
