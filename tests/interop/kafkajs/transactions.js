// Kafka transactions with kafkajs against a cluster: a committed transaction over two topics, an aborted one, offsets
// sent in a transaction (consume-transform-produce), then a read_committed consumer that must see exactly the
// committed records. Usage: node transactions.js <bootstrap.servers>. Prints "committed-seen=N aborted-seen=0 offset=N".
const { Kafka, logLevel } = require('kafkajs');

const [bootstrap] = process.argv.slice(2);
const kafka = new Kafka({ clientId: 'kafkajs-txn', brokers: bootstrap.split(','), logLevel: logLevel.ERROR });

async function main() {
  const producer = kafka.producer({ transactionalId: 'kafkajs-txn', maxInFlightRequests: 1, idempotent: true });
  await producer.connect();

  const committed = await producer.transaction();
  await committed.send({ topic: 'js-orders', messages: [0, 1, 2].map(i => ({ key: `k${i}`, value: `committed-${i}` })) });
  await committed.send({ topic: 'js-audit', messages: [0, 1, 2].map(i => ({ key: `k${i}`, value: `committed-audit-${i}` })) });
  await committed.commit();

  const aborted = await producer.transaction();
  await aborted.send({ topic: 'js-orders', messages: [0, 1].map(i => ({ key: `k${i}`, value: `aborted-${i}` })) });
  await aborted.abort();

  // Consume-transform-produce: the input's offsets are committed in the same transaction as the output.
  const input = kafka.consumer({ groupId: 'kafkajs-transform', readUncommitted: false });
  await input.connect();
  await input.subscribe({ topic: 'js-input', fromBeginning: true });
  const consumed = [];
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`input: ${consumed.length} of 2`)), 60000);
    input.run({ autoCommit: false, eachMessage: async ({ message }) => {
      consumed.push(message);
      if (consumed.length >= 2) { clearTimeout(timer); resolve(); }
    } }).catch(reject);
  });
  await input.stop();
  const transform = await producer.transaction();
  await transform.send({ topic: 'js-orders', messages: consumed.map(m => ({ key: m.key, value: `transformed-${m.value}` })) });
  const next = (BigInt(consumed[consumed.length - 1].offset) + 1n).toString();
  await transform.sendOffsets({ consumerGroupId: 'kafkajs-transform', topics: [{ topic: 'js-input', partitions: [{ partition: 0, offset: next }] }] });
  await transform.commit();
  await input.disconnect();

  const end = await producer.transaction();
  // A committed end record in every partition: a reader has read everything before them once it has seen all three.
  await end.send({ topic: 'js-orders', messages: [0, 1, 2].map(partition => ({ key: 'end', value: 'end', partition })) });
  await end.commit();
  await producer.disconnect();

  const reader = kafka.consumer({ groupId: 'kafkajs-reader', readUncommitted: false });
  await reader.connect();
  await reader.subscribe({ topic: 'js-orders', fromBeginning: true });
  const seen = [];
  const ended = new Set();
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`reader: saw ${JSON.stringify(seen)}, ends of ${[...ended]}`)), 60000);
    reader.run({ eachMessage: async ({ partition, message }) => {
      const value = message.value.toString();
      if (value === 'end') {
        ended.add(partition);
        if (ended.size === 3) { clearTimeout(timer); resolve(); }
      } else { seen.push(value); }
    } }).catch(reject);
  });
  await reader.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchOffsets({ groupId: 'kafkajs-transform', topics: ['js-input'] });
  await admin.disconnect();
  const offset = offsets[0].partitions.find(p => p.partition === 0).offset;
  console.log(`seen=${JSON.stringify(seen.sort())}`);
  console.log(`committed-seen=${seen.filter(v => v.startsWith('committed') || v.startsWith('transformed')).length} aborted-seen=${seen.filter(v => v.startsWith('aborted')).length} offset=${offset}`);
}

main().then(() => process.exit(0), e => { console.error(e); process.exit(1); });
