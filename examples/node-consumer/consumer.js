#!/usr/bin/env node
// Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
//
// Reads tracer's decisions and gate events from Kafka, decodes their Avro (Confluent wire format: magic byte 0,
// 4-byte schema id) through the schema registry's Confluent API, prints every gate flip and counts decisions.
//
//   npm ci
//   node consumer.js --bootstrap localhost:9092 --registry http://localhost:8081
//
// Options (or the environment variable in brackets):
//   --bootstrap HOST:PORT     Kafka brokers [TRACER_BOOTSTRAP, default localhost:9092]
//   --registry URL            Confluent-API schema registry [TRACER_REGISTRY, default http://localhost:8081]
//   --decisions TOPIC         [TRACER_TOPIC_DECISIONS, default tracer.decisions]
//   --gate-events TOPIC       [TRACER_TOPIC_GATE_EVENTS, default tracer.gate-events]
//   --group ID                consumer group [TRACER_GROUP, default tracer-node-consumer]
//   --from-beginning          read the topics from their beginning (default: only new records)
//   --json                    one JSON object per line instead of text
//   --until-flips N           stop once N gate flips were read ...
//   --until-decisions N       ... and N decisions (either alone, or both; default: run until Ctrl-C)
//   --timeout-ms MS           stop with exit code 2 if still running after MS (default: none)
//
// At the end it prints a summary: decisions per task and per decision/reason, and the gate flips seen.
'use strict';

const { Kafka, logLevel } = require('kafkajs');
const { SchemaRegistry } = require('@kafkajs/confluent-schema-registry');

function parseArgs(argv) {
  const env = process.env;
  const opts = {
    bootstrap: env.TRACER_BOOTSTRAP || 'localhost:9092',
    registry: env.TRACER_REGISTRY || 'http://localhost:8081',
    decisions: env.TRACER_TOPIC_DECISIONS || 'tracer.decisions',
    gateEvents: env.TRACER_TOPIC_GATE_EVENTS || 'tracer.gate-events',
    group: env.TRACER_GROUP || 'tracer-node-consumer',
    fromBeginning: false,
    json: false,
    untilFlips: 0,
    untilDecisions: 0,
    timeoutMs: 0,
  };
  const valued = {
    '--bootstrap': 'bootstrap', '--registry': 'registry', '--decisions': 'decisions',
    '--gate-events': 'gateEvents', '--group': 'group', '--until-flips': 'untilFlips',
    '--until-decisions': 'untilDecisions',
    '--timeout-ms': 'timeoutMs',
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--from-beginning') opts.fromBeginning = true;
    else if (a === '--json') opts.json = true;
    else if (a === '--help' || a === '-h') { console.log(require('fs').readFileSync(__filename, 'utf8').split('\n').filter((l) => l.startsWith('//')).map((l) => l.slice(3)).join('\n')); process.exit(0); }
    else if (valued[a]) {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      opts[valued[a]] = argv[++i];
    } else throw new Error(`unknown option ${a} (try --help)`);
  }
  for (const k of ['untilFlips', 'untilDecisions', 'timeoutMs']) {
    const n = Number(opts[k]);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())} must be a whole number >= 0, got ${opts[k]}`);
    opts[k] = n;
  }
  return opts;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const kafka = new Kafka({
    clientId: 'tracer-node-consumer',
    brokers: opts.bootstrap.split(','),
    logLevel: logLevel.ERROR,
  });
  const registry = new SchemaRegistry({ host: opts.registry });
  // read_committed (kafkajs' default): only decisions of committed transactions, as tracer writes exactly once
  const consumer = kafka.consumer({ groupId: opts.group, readUncommitted: false });

  const counts = {}; // task -> "HANDLED/CONFIDENT" -> n
  const flips = [];
  let decisions = 0;
  let undecodable = 0;
  let finished = false;

  const print = (obj, text) => console.log(opts.json ? JSON.stringify(obj) : text);

  const finish = async (code) => {
    if (finished) return;
    finished = true;
    print({ type: 'summary', decisions, undecodable, by_task: counts, gate_flips: flips.length },
      `summary: ${decisions} decisions, ${flips.length} gate flips, ${undecodable} undecodable records; `
      + `per task: ${JSON.stringify(counts)}`);
    // disconnect is bounded: it may be called from inside a message handler
    await Promise.race([consumer.disconnect().catch(() => {}), new Promise((r) => setTimeout(r, 5000).unref())]);
    process.exit(code);
  };
  const done = () => (opts.untilFlips > 0 || opts.untilDecisions > 0)
    && flips.length >= opts.untilFlips && decisions >= opts.untilDecisions;

  await consumer.connect();
  await consumer.subscribe({ topics: [opts.decisions, opts.gateEvents], fromBeginning: opts.fromBeginning });
  if (opts.timeoutMs > 0) {
    setTimeout(() => {
      console.error(`tracer-node-consumer: still running after --timeout-ms ${opts.timeoutMs}`);
      finish(2);
    }, opts.timeoutMs).unref();
  }
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => finish(0));

  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      if (finished || message.value === null) return;
      let value;
      try {
        value = await registry.decode(message.value);
      } catch (e) {
        undecodable += 1;
        console.error(`skipping an undecodable record at ${topic}-${partition}@${message.offset}: ${e.message}`);
        return;
      }
      if (topic === opts.gateEvents) {
        flips.push(value);
        const threshold = value.threshold == null ? 'none' : Number(value.threshold).toFixed(3);
        print({
          type: 'gate-flip', task: value.task, previous: value.previous, state: value.state, reason: value.reason,
          threshold: value.threshold, agreement_lower: value.agreement_lower, coverage: value.coverage,
          traces_seen: Number(value.traces_seen),
        }, `gate ${value.task}: ${value.previous} -> ${value.state} (${value.reason}) threshold ${threshold}, `
          + `agreement lower bound ${value.agreement_lower.toFixed(3)} (alpha ${value.alpha}), `
          + `coverage ${value.coverage.toFixed(3)}, after ${value.traces_seen} traces`);
      } else {
        decisions += 1;
        const perTask = counts[value.task] || (counts[value.task] = {});
        const key = `${value.decision}/${value.reason}`;
        perTask[key] = (perTask[key] || 0) + 1;
      }
      if (done()) setImmediate(() => finish(0));
    },
  });
}

main().catch((e) => {
  console.error(`tracer-node-consumer: ${e.message}`);
  process.exit(1);
});
