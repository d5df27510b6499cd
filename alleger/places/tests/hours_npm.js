// The npm opening_hours package's answers, for alleger/places/tests/test_hours_npm.py.
// Reads {nominatim, expressions: [string], instants: [epoch ms], horizonDays} on stdin and writes, for each
// expression, {error} or {answers: [[open 0|1, unknown 0|1, next opening in epoch ms or null], …]} (one per
// instant) on stdout. Run with TZ set to the territory's zone: Date reads local time.
"use strict";
const OpeningHours = require("opening_hours");

function nextOpening(oh, at, limit) {
  const it = oh.getIterator(at);
  let wasOpen = it.getState();
  while (it.advance(limit)) {
    const open = it.getState();
    if (open && !wasOpen) return it.getDate().getTime();
    wasOpen = open;
  }
  return null;
}

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const request = JSON.parse(input);
  const horizon = request.horizonDays * 24 * 3600 * 1000;
  const results = request.expressions.map((expression) => {
    let oh;
    try {
      oh = new OpeningHours(expression, request.nominatim, { mode: 0, locale: "fr" });
    } catch (error) {
      return { error: String(error).split("\n")[0] };
    }
    return {
      answers: request.instants.map((ms) => {
        const at = new Date(ms);
        return [oh.getState(at) ? 1 : 0, oh.getUnknown(at) ? 1 : 0, nextOpening(oh, at, new Date(ms + horizon))];
      }),
    };
  });
  process.stdout.write(JSON.stringify(results));
});
