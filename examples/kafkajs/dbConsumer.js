// The guide's second service: stores every family event (here: in memory, printing each saved row).
const { kafka } = require("./kafka");

const consumer = kafka("db-service").consumer({ groupId: "db-service" });
const rows = new Map();

async function run() {
  await consumer.connect();
  await consumer.subscribe({ topic: "family", fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const event = JSON.parse(message.value.toString());
      rows.set(event.id, event);
      console.log(`db-service: saved ${event.id} ${event.name} (${rows.size} rows;`
        + ` partition ${partition}, offset ${message.offset})`);
    },
  });
}

run().catch((error) => {
  console.error(`db-service failed: ${error.message}`);
  process.exit(1);
});
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => consumer.disconnect().finally(() => process.exit(0)));
}
