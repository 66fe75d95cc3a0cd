// Produces task.created events with an idempotent kafkajs producer, then reads them back with a consumer group.
// Usage: node interop.js <bootstrap.servers> <topic> <count>. Prints "produced=N" and "consumed=N distinct=N".
const { Kafka, logLevel } = require('kafkajs');

const [bootstrap, topic, countText] = process.argv.slice(2);
const count = Number(countText);
const kafka = new Kafka({ clientId: 'kafkajs-interop', brokers: bootstrap.split(','), logLevel: logLevel.ERROR });

async function main() {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 5 });
  await producer.connect();
  let produced = 0;
  for (let i = 0; i < count; i += 50) {
    const messages = [];
    for (let j = i; j < Math.min(count, i + 50); j++) {
      messages.push({ key: `task-${j % 20}`, value: JSON.stringify({ event_type: 'task.created', event_id: `evt-${j}` }), headers: { 'event-id': `evt-${j}` } });
    }
    const result = await producer.send({ topic, acks: -1, messages });
    produced += messages.length;
    if (result.some(r => r.errorCode !== 0)) throw new Error('produce error ' + JSON.stringify(result));
  }
  await producer.disconnect();
  console.log(`produced=${produced}`);

  const consumer = kafka.consumer({ groupId: 'kafkajs-group', sessionTimeout: 10000, heartbeatInterval: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen = [];
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out with ${seen.length} of ${count}`)), 60000);
    consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(message.headers['event-id'].toString());
        if (seen.length >= count) { clearTimeout(timer); resolve(); }
      },
    }).catch(reject);
  });
  await consumer.disconnect();
  console.log(`consumed=${seen.length} distinct=${new Set(seen).size}`);
}

main().then(() => process.exit(0), e => { console.error(e); process.exit(1); });
