// Lighthouse (mobile) on each URL given, in one Chromium started once.
// Run by tests/test_lighthouse.py:
//   node tests/lighthouse.mjs <chromium> <flags JSON> <default|calibrated> <url>...
// Prints one JSON object: {url: {scores: {category: 0-100}, failed: [...], cpu: {...},
// metrics: {...}}}.
//
// "default" is Lighthouse's own mobile preset (simulated slow 4G, 4x CPU slowdown), the
// conditions of the figures. "calibrated" sets the CPU slowdown before each page
// from the host's BenchmarkIndex, as Lighthouse's docs/throttling.md suggests for a host
// unlike its reference one (the 4x assumes an index of about 1533), by the Lighthouse
// team's calculator (github.com/patrickhulce/lighthouse-cpu-throttling-calculator,
// pages/index.js); at this machine's 2,600-3,900 that is 8.6x to 14x.
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import * as constants from "lighthouse/core/config/constants.js";
import { pageFunctions } from "lighthouse/core/lib/page-functions.js";
import puppeteer from "puppeteer-core";

const [chromePath, flagsJson, cpuMode, ...urls] = process.argv.slice(2);
if (!chromePath || !flagsJson || !["default", "calibrated"].includes(cpuMode) || !urls.length) {
  console.error("usage: node tests/lighthouse.mjs <chromium> <flags JSON> <default|calibrated> <url>...");
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
  // A new browser's first page load is slower than the rest (one page scored 73 first
  // and 87-96 after): a load that is not measured takes that cost.
  const warmUp = await browser.newPage();
  await warmUp.goto(urls[0], { waitUntil: "load" });
  await warmUp.close();
  for (const url of urls) {
    let config = { extends: "lighthouse:default", settings };
    let index = null; // calibrated: the median of our five runs; else Lighthouse's own
    if (cpuMode === "calibrated") {
      index = await benchmarkIndex(browser);
      const cpuSlowdownMultiplier = Math.round(multiplier(index) * 100) / 100;
      const throttling = { ...constants.throttling.mobileSlow4G, cpuSlowdownMultiplier };
      config = { ...config, settings: { ...settings, throttling } };
    }
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
    const cpu = {
      benchmarkIndex: Math.round(index ?? lhr.environment.benchmarkIndex),
      cpuSlowdownMultiplier: lhr.configSettings.throttling.cpuSlowdownMultiplier,
    };
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
