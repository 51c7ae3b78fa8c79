// Lighthouse (mobile, its defaults) on each URL given, in one Chromium started once.
// Run by tests/test_lighthouse.py: node tests/lighthouse.mjs <chromium> <flags JSON> <url>...
// Prints one JSON object: {url: {scores: {category: 0-100}, failed: [...], cpu: {...}}}.
//
// The CPU slowdown is calibrated before each page, as Lighthouse's docs/throttling.md
// asks: its default 4x assumes a host whose BenchmarkIndex is about 1533, and a shared
// 2-core machine scores far less (Lighthouse warns under 1000). The multiplier comes from
// the index by the Lighthouse team's calculator
// (github.com/patrickhulce/lighthouse-cpu-throttling-calculator, pages/index.js).
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import * as constants from "lighthouse/core/config/constants.js";
import { pageFunctions } from "lighthouse/core/lib/page-functions.js";
import puppeteer from "puppeteer-core";

const [chromePath, flagsJson, ...urls] = process.argv.slice(2);
if (!chromePath || !flagsJson || urls.length === 0) {
  console.error("usage: node tests/lighthouse.mjs <chromium> <flags JSON> <url>...");
  process.exit(2);
}
const flags = JSON.parse(flagsJson);

function multiplier(index) {
  if (index >= 1300) return 3 + (index - 1300) / 233;
  if (index >= 800) return 2 + (index - 800) / 500;
  return Math.max(1, 1 + (index - 150) / 650);
}

// The median of five: one measurement swung from 1,300 to 2,800 within minutes here
// (shared cores), and with it the slowdown from 3x to 9.5x.
async function benchmarkIndex(browser) {
  const page = await browser.newPage();
  try {
    const runs = [];
    for (let i = 0; i < 5; i++) {
      runs.push(await page.evaluate(`(${pageFunctions.computeBenchmarkIndex})()`));
    }
    return runs.sort((a, b) => a - b)[2];
  } finally {
    await page.close();
  }
}

// The metrics the performance score weighs (Lighthouse 12: TBT 30%, LCP 25%, CLS 25%,
// FCP 10%, Speed Index 10%), in milliseconds (CLS: a unitless score).
const METRICS = [
  "first-contentful-paint",
  "largest-contentful-paint",
  "total-blocking-time",
  "cumulative-layout-shift",
  "speed-index",
];
const settings = {
  // Screenshots are for people reading a report; nothing here reads them.
  disableFullPageScreenshot: true,
  skipAudits: ["screenshot-thumbnails", "final-screenshot", "bf-cache"],
};
const chrome = await chromeLauncher.launch({ chromePath, chromeFlags: flags, logLevel: "error" });
const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${chrome.port}` });
const results = {};
try {
  for (const url of urls) {
    const index = await benchmarkIndex(browser);
    const cpuSlowdownMultiplier = Math.round(multiplier(index) * 100) / 100;
    const throttling = { ...constants.throttling.mobileSlow4G, cpuSlowdownMultiplier };
    const config = { extends: "lighthouse:default", settings: { ...settings, throttling } };
    const options = { port: chrome.port, output: "json", logLevel: "error" };
    const { lhr } = await lighthouse(url, options, config);
    if (lhr.runtimeError) {
      throw new Error(`${url}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
    }
    const scores = {};
    const failed = [];
    for (const [id, category] of Object.entries(lhr.categories)) {
      scores[id] = Math.round(category.score * 100);
      for (const ref of category.auditRefs) {
        const audit = lhr.audits[ref.id];
        if (ref.weight > 0 && audit.score !== null && audit.score < 1) {
          const items = (audit.details?.items || []).slice(0, 3).map((item) => {
            const node = item.node || item.source || {};
            return node.snippet || node.selector || item.url || "";
          });
          failed.push(`${id}/${ref.id} (${audit.score}): ${audit.title} ${JSON.stringify(items)}`);
        }
      }
    }
    const cpu = { benchmarkIndex: Math.round(index), cpuSlowdownMultiplier };
    const metrics = {};
    for (const id of METRICS) {
      const value = lhr.audits[id].numericValue;
      metrics[id] = id === "cumulative-layout-shift" ? Math.round(value * 1000) / 1000 : Math.round(value);
    }
    results[url] = { scores, failed, cpu, metrics };
  }
} finally {
  await browser.disconnect();
  await chrome.kill();
}
console.log(JSON.stringify(results, null, 1));
