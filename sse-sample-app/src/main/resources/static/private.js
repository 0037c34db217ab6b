'use strict';

// The private page of the sample's 'secure' profile. Its state is kept in window.sample for the
// browser tests: the events received, and when each stream opened, ended or was refused.
const sample = window.sample = {
	notifications: [],
	notificationsOpen: false,
	notificationsEndedAt: null,
	channelEvents: [],
	channelRefusal: null,
	loggedOutAt: null
};

// csrf.spa(): the XSRF-TOKEN cookie's value goes back as the X-XSRF-TOKEN header
function csrfHeaders() {
	const cookie = document.cookie.split('; ').find((c) => c.startsWith('XSRF-TOKEN='));
	return cookie ? { 'X-XSRF-TOKEN': decodeURIComponent(cookie.substring('XSRF-TOKEN='.length)) } : {};
}

function post(path, fields) {
	return fetch(path, { method: 'POST', headers: csrfHeaders(), body: new URLSearchParams(fields) });
}

function setState(card, state) {
	const element = document.querySelector('#' + card + ' .state');
	element.textContent = state;
	element.dataset.state = state;
}

function append(list, text) {
	const item = document.createElement('li');
	item.textContent = text;
	document.getElementById(list).prepend(item);
}

function describe(event) {
	const message = JSON.parse(event.data);
	return message.from + ': ' + message.message;
}

// An EventSource gives up (readyState CLOSED) when its reconnect is answered by anything but an
// event stream: after signing out, that is the login page.
const notifications = new EventSource('/me/notifications');
notifications.onopen = () => {
	sample.notificationsOpen = true;
	setState('notifications', 'open');
};
notifications.addEventListener('notification', (event) => {
	sample.notifications.push(JSON.parse(event.data));
	append('notification-log', describe(event));
});
notifications.onerror = () => {
	if (sample.notificationsOpen) {
		sample.notificationsOpen = false;
		sample.notificationsEndedAt = performance.now();
	}
	setState('notifications', notifications.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
};

let channel = null;

async function subscribe(name) {
	if (channel) {
		channel.close();
	}
	sample.channelEvents = [];
	sample.channelRefusal = null;
	document.getElementById('channel-log').replaceChildren();
	document.getElementById('channel-refusal').textContent = '';
	const path = '/channels/' + encodeURIComponent(name);
	channel = new EventSource(path);
	setState('channel', 'connecting');
	channel.onopen = () => setState('channel', 'open');
	channel.onmessage = (event) => append('channel-log', event.data);
	channel.addEventListener('message', (event) => sample.channelEvents.push(event.data));
	channel.onerror = async () => {
		if (channel.readyState !== EventSource.CLOSED) {
			setState('channel', 'reconnecting');
			return;
		}
		setState('channel', 'closed');
		// EventSource does not show why; ask again to read the status and the Problem Detail
		const response = await fetch(path, { headers: { Accept: 'text/event-stream' } });
		if (response.ok) {
			await response.body.cancel();
			return;
		}
		const problem = await response.json().catch(() => ({}));
		sample.channelRefusal = { status: response.status, detail: problem.detail || '' };
		document.getElementById('channel-refusal').textContent =
			'refused: ' + response.status + ' ' + (problem.detail || '');
	};
}

document.getElementById('subscribe').addEventListener('submit', (event) => {
	event.preventDefault();
	subscribe(new FormData(event.target).get('name'));
});

document.getElementById('notify').addEventListener('submit', (event) => {
	event.preventDefault();
	const form = new FormData(event.target);
	post('/users/' + encodeURIComponent(form.get('to')) + '/notifications', { message: form.get('message') });
});

document.getElementById('say').addEventListener('submit', (event) => {
	event.preventDefault();
	const form = new FormData(event.target);
	post('/rooms/' + encodeURIComponent(form.get('room')) + '/messages', { message: form.get('message') });
});

document.getElementById('logout').addEventListener('click', async () => {
	sample.loggedOutAt = performance.now();
	await post('/logout', {});
	document.getElementById('user').textContent = 'nobody (signed out)';
});

fetch('/me').then((response) => response.json()).then((me) => {
	document.getElementById('user').textContent = me.name;
});
