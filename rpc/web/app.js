// The verifier page: reads a proof file, sends its bytes to POST /verify, shows the verdict.
"use strict";

const form = document.getElementById("form");
const fileInput = document.getElementById("proof");
const drop = document.getElementById("drop");
const sizeSelect = document.getElementById("size");
const keyInput = document.getElementById("key");
const button = document.getElementById("verify");
const result = document.getElementById("result");

// Filled from GET /config: [{log_size, max_proof_len, gas_limit}, ...].
let sizes = [];

async function loadSizes() {
  try {
    const response = await fetch("/config");
    if (!response.ok) throw new Error("HTTP " + response.status);
    sizes = (await response.json()).sizes;
    for (const size of sizes) {
      const option = document.createElement("option");
      option.value = String(size.log_size);
      option.textContent = "2^" + size.log_size;
      sizeSelect.append(option);
    }
  } catch (e) {
    show("error", "Cannot read the server's configuration: " + e.message);
  }
}

// The last number in the file name, if it is a supported size: proof_20.bin is 20.
function sizeFromName(name) {
  const numbers = name.match(/\d+/g);
  if (!numbers) return null;
  const n = Number(numbers[numbers.length - 1]);
  return sizes.some((s) => s.log_size === n) ? n : null;
}

// Resolves to the verdict object, or throws an Error carrying the server's refusal.
// The file's bytes go as they are, the size in the query: no hex, half the upload.
async function verify(bytes, logSize) {
  const headers = { "Content-Type": "application/octet-stream" };
  if (keyInput.value) headers.Authorization = "Bearer " + keyInput.value;
  const response = await fetch("/verify?size=" + logSize, {
    method: "POST",
    headers,
    body: bytes,
  });
  let body;
  try {
    body = await response.json();
  } catch {
    throw new Error("HTTP " + response.status + ": the answer is not JSON");
  }
  if (!response.ok) {
    const e = body.error || {};
    throw new Error("HTTP " + response.status + " (" + e.code + "): " + e.message);
  }
  return body;
}

// The sizes to try, in order: the chosen one, the one in the file name, or every size it fits.
function candidates(file) {
  if (sizeSelect.value !== "auto") return [Number(sizeSelect.value)];
  const named = sizeFromName(file.name);
  if (named !== null) return [named];
  return sizes.filter((s) => file.size <= s.max_proof_len).map((s) => s.log_size);
}

async function run(file) {
  const tries = candidates(file);
  if (tries.length === 0) {
    show("error", "The file (" + file.size + " bytes) is larger than any supported proof.");
    return;
  }
  button.disabled = true;
  show("pending", "Verifying " + file.name + "…");
  try {
    const bytes = await file.arrayBuffer();
    // A proof checked at the wrong size is invalid or fails to decode, so
    // only "valid" settles the size; otherwise report the first size at
    // which it decoded (else the last error).
    let verdict;
    let decoded = null;
    for (const logSize of tries) {
      verdict = await verify(bytes, logSize);
      if (verdict.valid) break;
      if (decoded === null && verdict.verdict !== "error") decoded = verdict;
    }
    let note = "";
    if (tries.length > 1) {
      if (verdict.valid) {
        note = " (found by trying the supported sizes)";
      } else {
        verdict = decoded || verdict;
        note = " (valid at no size tried: 2^" + tries.join(", 2^") + ")";
      }
    }
    showVerdict(verdict, note);
  } catch (e) {
    show("error", e.message);
  } finally {
    button.disabled = false;
  }
}

function show(kind, text) {
  result.className = kind;
  const p = document.createElement("p");
  p.id = kind === "pending" ? "status" : "verdict";
  p.textContent = text;
  result.replaceChildren(p);
  result.scrollIntoView({ block: "nearest" });
}

function showVerdict(v, note) {
  result.className = v.verdict;
  const heading = document.createElement("p");
  heading.id = "verdict";
  heading.textContent = v.verdict;
  const list = document.createElement("dl");
  const rows = [
    ["Size", "2^" + v.log_size + note],
    ["Gas used", v.gas_used.toLocaleString("en")],
    ["Time", v.elapsed_ms + " ms in the verifier"],
    ["Diagnostic", v.message],
    ["Exit code", String(v.exit_code)],
    ["Backend", v.backend],
    ["Guest code hash", v.code_hash],
  ];
  for (const [name, value] of rows) {
    const dt = document.createElement("dt");
    dt.textContent = name;
    const dd = document.createElement("dd");
    dd.textContent = value;
    list.append(dt, dd);
  }
  result.replaceChildren(heading, list);
  result.scrollIntoView({ block: "nearest" });
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const file = fileInput.files[0];
  if (file) run(file);
});

for (const name of ["dragenter", "dragover"]) {
  drop.addEventListener(name, (event) => {
    event.preventDefault();
    drop.classList.add("over");
  });
}
for (const name of ["dragleave", "drop"]) {
  drop.addEventListener(name, () => drop.classList.remove("over"));
}
drop.addEventListener("drop", (event) => {
  event.preventDefault();
  if (event.dataTransfer.files.length > 0) {
    fileInput.files = event.dataTransfer.files;
    run(fileInput.files[0]);
  }
});

// On the development node: the latest blocks and their events, live over
// WebSocket. The standalone server has no chain, so this stays hidden there.
const chain = document.getElementById("chain");
const chainStatus = document.getElementById("chain-status");
const blocks = document.getElementById("blocks");
const SHOWN_BLOCKS = 10;

async function isNode() {
  try {
    const response = await fetch("/", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "system_name", params: [] }),
    });
    return response.ok && (await response.json()).result === "ligerito-node";
  } catch {
    return false;
  }
}

async function watchChain() {
  if (!(await isNode())) return;
  chain.hidden = false;
  const socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/");
  const calls = new Map();
  let nextId = 0;
  let shown = Promise.resolve();
  function call(method, params) {
    return new Promise((resolve, reject) => {
      nextId += 1;
      calls.set(nextId, { resolve, reject });
      socket.send(JSON.stringify({ jsonrpc: "2.0", id: nextId, method, params }));
    });
  }
  socket.addEventListener("open", () => {
    call("chain_subscribeNewHeads", []).catch((e) => {
      chainStatus.textContent = "Cannot follow new blocks: " + e.message;
    });
  });
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(event.data);
    if (message.method === "chain_newHead") {
      // One block at a time, so that they are listed in order.
      shown = shown.then(() => showBlock(message.params.result, call));
    } else if (calls.has(message.id)) {
      const { resolve, reject } = calls.get(message.id);
      calls.delete(message.id);
      if (message.error) reject(new Error(message.error.message));
      else resolve(message.result);
    }
  });
  socket.addEventListener("close", () => {
    chainStatus.textContent = "Disconnected from the node; reload the page to reconnect.";
  });
}

async function showBlock(header, call) {
  const number = parseInt(header.number, 16);
  let receipt;
  try {
    receipt = await call("ligerito_blockReceipt", [number]);
  } catch (e) {
    chainStatus.textContent = "Cannot read block #" + number + ": " + e.message;
    return;
  }
  if (!receipt) return;
  const item = document.createElement("li");
  item.id = "block-" + number;
  const title = document.createElement("strong");
  title.textContent = "#" + number;
  const hash = document.createElement("code");
  hash.textContent = receipt.hash.slice(0, 18) + "…";
  hash.title = receipt.hash;
  const count = receipt.extrinsics.length;
  item.append(title, " ", hash, " · " + count + (count === 1 ? " extrinsic" : " extrinsics"));
  const details = document.createElement("ul");
  for (const xt of receipt.extrinsics) {
    const line = document.createElement("li");
    line.textContent = "extrinsic " + xt.index + ": " + (xt.success ? "success" : "failed: " + xt.error) +
      (xt.gasUsed === null || xt.gasUsed === undefined ? "" : ", gas " + Number(xt.gasUsed).toLocaleString("en"));
    if (!xt.success) line.className = "failed";
    details.append(line);
  }
  for (const event of receipt.events) {
    const line = document.createElement("li");
    line.textContent = event.readable;
    details.append(line);
  }
  if (details.children.length > 0) item.append(details);
  blocks.prepend(item);
  while (blocks.children.length > SHOWN_BLOCKS) blocks.lastElementChild.remove();
  chainStatus.textContent = "Block #" + number + ": " + count + (count === 1 ? " extrinsic." : " extrinsics.");
}

loadSizes();
watchChain();
