// Render dashboard Markdown as GitHub shows it in an issue, and check what a coordinator
// would see: GFM (markdown-it), GitHub's stylesheet (github-markdown-css), the Mermaid
// chart drawn by the pinned `mermaid`, all in Debian's headless Chromium.
//
//   node render.mjs [--demo] [--width 880] [--screenshot page.png] [--chart chart.png] [FILE.md ...]
//
// The pictures are of the first source; --today sets the day the chart marks as today
// (the demo's last run for --demo). --demo renders the dashboard the demo (`python scripts/simulate.py`) ends with. Checks,
// each printed with what it measured: every Mermaid block parses and draws, every table
// fits the column without scrolling, no table cell wraps a date, the chart's axis labels
// do not run into each other. Exit status 1 when a check fails, 2 on a usage error.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import MarkdownIt from "markdown-it";
import puppeteer from "puppeteer-core";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..", "..");
const require = createRequire(import.meta.url);
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const MERMAID = JSON.parse(readFileSync(require.resolve("mermaid/package.json"), "utf8")).version;
const DEMO_HEADING = "## The dashboard issue, as the coordinators see it";

function parseArgs(argv) {
  const args = { width: 880, screenshot: "", chart: "", today: "", demo: false, files: [] };
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    if (a === "--demo") args.demo = true;
    else if (a === "--width") args.width = Number(argv[(i += 1)]);
    else if (a === "--screenshot") args.screenshot = argv[(i += 1)];
    else if (a === "--chart") args.chart = argv[(i += 1)];
    else if (a === "--today") args.today = argv[(i += 1)];
    else if (a.startsWith("--")) throw new Error(`unknown option ${a}`);
    else args.files.push(a);
  }
  if (!Number.isInteger(args.width) || args.width < 200) throw new Error("--width takes pixels, 200 or more");
  if (args.today && !/^\d{4}-\d\d-\d\d$/.test(args.today)) throw new Error("--today takes YYYY-MM-DD");
  if (!args.demo && args.files.length === 0) throw new Error("give --demo or Markdown files");
  return args;
}

// The dashboard's text at the end of the demo's output (its heading up to the marker).
function demoDashboard() {
  const venv = join(root, ".venv", "bin", "python");
  // PYTHON as given, a path taken from where the tool was started (the demo runs at the root).
  const given = process.env.PYTHON;
  const python = given ? (given.includes("/") ? resolve(given) : given) : existsSync(venv) ? venv : "python3";
  let out;
  try {
    const options = { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] };
    out = execFileSync(python, [join(root, "scripts", "simulate.py")], options);
  } catch (err) {
    const why = String(err.stderr || err.message).trim().split("\n").pop();
    throw new Error(`the demo did not run with ${python} (${why}); set PYTHON to the project's Python`);
  }
  const start = out.indexOf(DEMO_HEADING);
  const end = out.indexOf("<!-- mentoring:dashboard -->", start);
  if (start < 0 || end < 0) throw new Error("the demo's output has no dashboard");
  const ran = /^## Mentorships \((\d{4}-\d\d-\d\d) /m.exec(out); // its last run's day
  return [out.slice(start + DEMO_HEADING.length, end), ran ? ran[1] : ""];
}

// GitHub renders a ```mermaid fence as a diagram; everything else as GFM with the HTML
// GitHub allows (details, summary, sub).
function toHtml(markdown) {
  const md = new MarkdownIt({ html: true, linkify: true });
  const fence = md.renderer.rules.fence;
  md.renderer.rules.fence = (tokens, idx, options, env, self) => {
    const token = tokens[idx];
    if (token.info.trim() !== "mermaid") return fence(tokens, idx, options, env, self);
    return `<div class="mermaid-box"><pre class="mermaid-source">${md.utils.escapeHtml(token.content)}</pre></div>`;
  };
  return md.render(markdown);
}

function page(body, width) {
  const css = readFileSync(require.resolve("github-markdown-css/github-markdown-light.css"), "utf8");
  return `<!doctype html><html><head><meta charset="utf-8"><style>${css}
body { margin: 0; background: #fff; }
.markdown-body { box-sizing: content-box; width: ${width}px; padding: 16px; }
</style></head><body><article class="markdown-body">${body}</article></body></html>`;
}

// In the page, before Mermaid loads: "today" (the gantt's red marker) is the given day,
// so that a picture of the demo shows the demo's today, not the machine's.
function pretendToday(day) {
  const Real = Date;
  const fixed = new Real(`${day}T12:00:00Z`).getTime();
  window.Date = class extends Real {
    constructor(...args) {
      super(...(args.length ? args : [fixed]));
    }
    static now() {
      return fixed;
    }
  };
}

// In the page: draw each chart, open every <details>, and measure.
async function measure(page) {
  return page.evaluate(async () => {
    const report = { charts: [], tables: [], dates: { count: 0, wrapped: [] } };
    mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: "default" });
    let n = 0;
    for (const box of document.querySelectorAll(".mermaid-box")) {
      const source = box.querySelector("pre").textContent;
      const chart = { parsed: false, drawn: false, error: "", bars: 0, ticks: [], overlaps: 0 };
      try {
        chart.parsed = Boolean(await mermaid.parse(source));
        const { svg } = await mermaid.render(`chart${(n += 1)}`, source);
        box.innerHTML = svg;
        chart.drawn = true;
        const el = box.querySelector("svg");
        chart.bars = el.querySelectorAll("rect.task").length;
        const ticks = [...el.querySelectorAll(".tick text")].map((t) => t.getBoundingClientRect());
        chart.ticks = [...el.querySelectorAll(".tick text")].map((t) => t.textContent);
        for (let i = 1; i < ticks.length; i += 1) if (ticks[i].left < ticks[i - 1].right) chart.overlaps += 1;
        chart.width = Math.round(el.getBoundingClientRect().width);
      } catch (err) {
        chart.error = String(err && err.message ? err.message : err);
      }
      report.charts.push(chart);
    }
    for (const d of document.querySelectorAll("details")) d.open = true;
    const body = document.querySelector(".markdown-body");
    const column = body.getBoundingClientRect().width - 32; // its padding is 16 px a side
    report.column = column;
    for (const table of document.querySelectorAll("table")) {
      const head = [...table.querySelectorAll("th")].map((th) => th.textContent);
      report.tables.push({
        columns: head.length,
        head: head.join(" | "),
        width: table.scrollWidth,
        scrolls: table.scrollWidth > table.clientWidth + 1 || table.scrollWidth > column,
        tallestRow: Math.max(0, ...[...table.querySelectorAll("tr")].map((tr) => Math.round(tr.getBoundingClientRect().height))),
      });
    }
    const date = /\d{4}-\u2060?\d{2}-\u2060?\d{2}/g;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.parentElement.closest("td")) continue;
      for (const m of node.textContent.matchAll(date)) {
        report.dates.count += 1;
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (lines.size > 1) report.dates.wrapped.push(m[0].replaceAll("\u2060", ""));
      }
    }
    return report;
  });
}

function verdicts(report) {
  const failed = [];
  if (report.charts.length === 0) failed.push("no Mermaid chart");
  report.charts.forEach((c, i) => {
    if (!c.parsed || !c.drawn) failed.push(`chart ${i + 1} does not draw: ${c.error}`);
    if (c.overlaps) failed.push(`chart ${i + 1}: ${c.overlaps} axis labels overlap`);
  });
  report.tables.forEach((t) => {
    if (t.scrolls) failed.push(`table "${t.head}" is ${t.width} px: wider than the ${report.column} px column`);
    if (t.columns > 6) failed.push(`table "${t.head}" has ${t.columns} columns`);
  });
  if (report.dates.wrapped.length) failed.push(`dates wrap: ${report.dates.wrapped.join(", ")}`);
  return failed;
}

async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`render.mjs: ${err.message}`);
    return 2;
  }
  let sources;
  try {
    sources = args.files.map((f) => [f, readFileSync(f, "utf8")]);
    if (args.demo) {
      const [markdown, ran] = demoDashboard();
      sources.unshift(["the demo's dashboard", markdown]);
      args.today ||= ran;
    }
  } catch (err) {
    console.error(`render.mjs: ${err.message}`);
    return 2;
  }
  const profile = mkdtempSync(join(tmpdir(), "render-chromium-"));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...FLAGS, `--user-data-dir=${profile}`],
  });
  let failures = 0;
  try {
    const tab = await browser.newPage();
    await tab.setViewport({ width: args.width + 32, height: 800 });
    for (const [name, markdown] of sources) {
      await tab.setContent(page(toHtml(markdown), args.width), { waitUntil: "load" });
      if (args.today) await tab.evaluate(pretendToday, args.today);
      await tab.addScriptTag({ path: require.resolve("mermaid/dist/mermaid.min.js") });
      const report = await measure(tab);
      const failed = verdicts(report);
      failures += failed.length;
      console.log(`${name}: mermaid ${MERMAID}, column ${report.column} px`);
      for (const c of report.charts)
        console.log(`  chart: parsed ${c.parsed}, drawn ${c.drawn}, ${c.bars} bars, ${c.width} px, axis ${c.ticks.join(" · ")}`);
      for (const t of report.tables)
        console.log(`  table (${t.columns} columns, ${t.width} px, tallest row ${t.tallestRow} px): ${t.head}`);
      console.log(`  dates in cells: ${report.dates.count}, wrapped: ${report.dates.wrapped.length}`);
      for (const f of failed) console.log(`  FAILED: ${f}`);
      const chart = await tab.$(".mermaid-box svg");
      if (args.chart && chart && name === sources[0][0]) {
        await chart.screenshot({ path: args.chart });
        console.log(`  chart screenshot: ${args.chart}`);
      }
      if (args.screenshot && name === sources[0][0]) {
        await tab.evaluate(() => document.querySelectorAll("details").forEach((d) => (d.open = false)));
        const article = await tab.$(".markdown-body");
        await article.screenshot({ path: args.screenshot });
        console.log(`  screenshot: ${args.screenshot}`);
      }
    }
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
  console.log(failures ? `${failures} checks failed` : "all checks passed");
  return failures ? 1 : 0;
}

process.exitCode = await main();
