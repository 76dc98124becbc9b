// The one place that names the brokers: the guide's code used "localhost:9092"; KAFKA_BROKERS overrides it.
const { Kafka, logLevel } = require("kafkajs");

function kafka(clientId) {
  return new Kafka({
    clientId,
    brokers: (process.env.KAFKA_BROKERS || "localhost:9092").split(","),
    logLevel: logLevel.WARN,
  });
}

module.exports = { kafka };
