// The guide's first service: sends a welcome email (here: prints it) for every family event.
const { kafka } = require("./kafka");

const consumer = kafka("email-service").consumer({ groupId: "email-service" });

async function run() {
  await consumer.connect();
  await consumer.subscribe({ topic: "family", fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const event = JSON.parse(message.value.toString());
      console.log(`email-service: welcome email to ${event.email} for ${event.id}`
        + ` (partition ${partition}, offset ${message.offset})`);
    },
  });
}

run().catch((error) => {
  console.error(`email-service failed: ${error.message}`);
  process.exit(1);
});
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => consumer.disconnect().finally(() => process.exit(0)));
}
