// Reads the sample's streams with the 'eventsource' npm package (4.x) and prints what it
// received as JSON; NodeEventSourceTests makes the assertions.
//
//   node eventsource-check.mjs http://localhost:8080 [drops]
//
// /counter: after 3 events on a connection the script asks the server to drop it
// (POST /counter/drop), waits for EventSource to reconnect by itself, and repeats.
// /greetings: named 'greeting' events and unnamed ones, until 3 of each arrived.
import { EventSource } from 'eventsource';

const base = process.argv[2];
const drops = Number(process.argv[3] ?? 3);
const EVENTS_PER_CONNECTION = 3;

const deadline = setTimeout(() => {
	console.error('eventsource-check: timed out');
	process.exit(2);
}, 30_000);

function readCounter() {
	return new Promise((resolve) => {
		const seen = { events: [], opens: 0, errors: 0, drops: 0 };
		const source = new EventSource(`${base}/counter`);
		let sinceOpen = 0;
		let dropping = false;
		source.addEventListener('open', () => {
			seen.opens++;
			sinceOpen = 0;
			dropping = false;
		});
		source.addEventListener('error', () => {
			seen.errors++;
		});
		source.addEventListener('message', (event) => {
			seen.events.push({ id: event.lastEventId, data: event.data });
			sinceOpen++;
			if (dropping || sinceOpen < EVENTS_PER_CONNECTION) {
				return;
			}
			if (seen.drops === drops) {
				source.close();
				resolve(seen);
				return;
			}
			dropping = true;
			seen.drops++;
			fetch(`${base}/counter/drop`, { method: 'POST' }).catch((error) => console.error(error));
		});
	});
}

function readGreetings() {
	return new Promise((resolve) => {
		const seen = { named: [], unnamed: [] };
		const source = new EventSource(`${base}/greetings`);
		const check = () => {
			if (seen.named.length >= 3 && seen.unnamed.length >= 3) {
				source.close();
				resolve(seen);
			}
		};
		source.addEventListener('greeting', (event) => {
			seen.named.push(event.data);
			check();
		});
		source.addEventListener('message', (event) => {
			seen.unnamed.push(event.data);
			check();
		});
	});
}

const [counter, greetings] = await Promise.all([readCounter(), readGreetings()]);
clearTimeout(deadline);
process.stdout.write(JSON.stringify({ counter, greetings }) + '\n');
