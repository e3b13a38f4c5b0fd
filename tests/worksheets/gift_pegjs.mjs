// Parse GIFT files with the npm gift-pegjs parser and print each question as the same plain summary our
// Python test makes from our own import, one JSON list per file: the two parsers must agree.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { parse } = require("gift-pegjs");

const weight = (choice) => (choice.weight !== null ? choice.weight : choice.isCorrect ? 100 : 0);
const feedback = (f) => (f ? f.text : "");

function numeric(c) {
  if (c.type === "high-low") return [(c.numberLow + c.numberHigh) / 2, (c.numberHigh - c.numberLow) / 2];
  return [c.number, c.range || 0];
}

function summary(q) {
  const base = { type: q.type, title: q.title || "", stem: q.stem ? q.stem.text.trim() : "" };
  switch (q.type) {
    case "MC":
    case "Short":
      return { ...base, answers: q.choices.map((c) => [c.text.text.trim(), weight(c), feedback(c.feedback)]) };
    case "TF":
      return { ...base, answers: [q.isTrue, feedback(q.trueFeedback), feedback(q.falseFeedback)] };
    case "Matching":
      return { ...base, answers: q.matchPairs.map((p) => [p.subquestion.text.trim(), p.subanswer.trim()]) };
    case "Numerical": {
      const choices = Array.isArray(q.choices) ? q.choices : [{ text: q.choices, isCorrect: true, weight: null }];
      return { ...base, answers: choices.map((c) => [...numeric(c.text), weight(c)]) };
    }
    default:
      return base;
  }
}

const out = {};
for (const file of process.argv.slice(2)) {
  out[file] = parse(readFileSync(file, "utf8")).filter((q) => q.type !== "Category").map(summary);
}
process.stdout.write(JSON.stringify(out));
