// The guide's producer: family events, keyed by member id, to topic "family".
const { kafka } = require("./kafka");

const producer = kafka("family-producer").producer();
const relations = ["parent", "child", "sibling", "grandparent", "cousin"];
const names = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken"];

async function sendMessage() {
  await producer.connect();
  const count = Number(process.env.EVENTS || 10);
  for (let i = 0; i < count; i++) {
    const name = `${names[i % names.length]} ${Math.floor(i / names.length)}`;
    const event = {
      id: `member-${i}`,
      name,
      relation: relations[i % relations.length],
      email: `${name.toLowerCase().replace(" ", ".")}@example.org`,
      createdAt: new Date().toISOString(),
    };
    await producer.send({
      topic: "family",
      messages: [{ key: event.id, value: JSON.stringify(event) }],
    });
    console.log(`Sent: ${event.id} ${event.name}`);
  }
  await producer.disconnect();
}

sendMessage().catch((error) => {
  console.error(`producer failed: ${error.message}`);
  process.exit(1);
});
