// Bulk actions on the queue: select tickets (on this page, or every one the filter picks, read page by page
// from /v1/queue), then confirm or correct them all in one POST /v1/corrections/bulk, which stores one audited
// correction per ticket, all or none. A ticket a colleague changed meanwhile is shown side by side.
// Uses api() and say() from ui.js.
"use strict";

const BULK_MAX = 500;                // items per request, as the API allows
const chosen = new Map();            // ticket id -> the version the reviewer saw
let held = null;                     // the items refused as stale, with the labels now stored

function bulkCount() {
  const shown = document.getElementById("selected");
  shown.textContent = `已选 ${chosen.size} 件`;
  document.getElementById("bulk-apply").disabled = chosen.size === 0;
  const boxes = [...document.querySelectorAll("#queue input.pick")];
  document.getElementById("select-page").checked = boxes.length > 0 && boxes.every((b) => b.checked);
}

function pick(box) {
  if (box.checked) chosen.set(box.dataset.ticket, box.dataset.version);
  else chosen.delete(box.dataset.ticket);
  box.closest(".ticket").classList.toggle("picked", box.checked);
  bulkCount();
}

async function selectAll(button) {
  const bulk = document.getElementById("bulk");
  const result = document.getElementById("bulk-result");
  const address = new URL(bulk.dataset.api, window.location.href);
  address.searchParams.set("limit", String(BULK_MAX));
  button.disabled = true;
  for (let offset = 0; ; offset += BULK_MAX) {
    address.searchParams.set("offset", String(offset));
    const answer = await api("GET", address.pathname + address.search);
    if (!answer.ok) {
      say(result, answer.message, false);
      break;
    }
    for (const item of answer.data.items) chosen.set(item.id, item.version);
    if (offset + BULK_MAX >= answer.data.total) break;
  }
  button.disabled = false;
  for (const box of document.querySelectorAll("#queue input.pick")) {
    box.checked = chosen.has(box.dataset.ticket);
    box.closest(".ticket").classList.toggle("picked", box.checked);
  }
  bulkCount();
}

function wanted() {
  const labels = {};
  for (const select of document.querySelectorAll("#bulk select[data-field]")) {
    if (select.value) labels[select.dataset.field] = select.value;
  }
  return labels;
}

function describe(summary) {
  const parts = [`确认 ${summary.confirmed} 件`, `更正 ${summary.corrected} 件`];
  for (const [field, moves] of Object.entries(summary.changes || {})) {
    const select = document.getElementById(`bulk-${field}`);
    for (const [move, count] of Object.entries(moves)) {
      const [from, to] = move.split("→");
      parts.push(`${select.parentElement.firstChild.textContent.trim()}：${nameIn(select, from)} → ${nameIn(select, to)} ×${count}`);
    }
  }
  return parts.join("；");
}

function nameIn(select, value) {
  const option = select.querySelector(`option[value="${CSS.escape(value)}"]`);
  return option && option.value ? option.textContent.trim() : value;
}

async function apply(items) {
  const result = document.getElementById("bulk-result");
  const note = document.getElementById("bulk-note").value.trim();
  const labels = wanted();
  const made = [];
  for (let i = 0; i < items.length; i += BULK_MAX) {
    const body = { items: items.slice(i, i + BULK_MAX).map((item) => ({ ...item, ...labels })) };
    if (note) body.note = note;
    const answer = await api("POST", "/v1/corrections/bulk", body);
    if (!answer.ok && answer.status === 409 && answer.data && answer.data.current) {
      showStale(answer.data.current.conflicts, labels, items.slice(i));
      say(result, `${made.length ? `已完成 ${made.length} 件；` : ""}${answer.message}`, false);
      return;
    }
    if (!answer.ok) {
      say(result, answer.message, false);
      return;
    }
    made.push(answer.data);
  }
  const summary = { confirmed: 0, corrected: 0, changes: {} };
  for (const part of made) {
    summary.confirmed += part.summary.confirmed;
    summary.corrected += part.summary.corrected;
    for (const [field, moves] of Object.entries(part.summary.changes || {})) {
      summary.changes[field] = summary.changes[field] || {};
      for (const [move, n] of Object.entries(moves)) summary.changes[field][move] = (summary.changes[field][move] || 0) + n;
    }
  }
  say(result, `批量操作完成：${describe(summary)}。每件工单的记录都已单独保存。`, true);
  for (const item of items) {
    chosen.delete(item.ticket_id);
    const li = document.querySelector(`#queue li.ticket[data-ticket="${CSS.escape(item.ticket_id)}"]`);
    if (li) {
      li.classList.add("done");
      setTimeout(() => li.remove(), 1500);
    }
  }
  bulkCount();
}

function showStale(conflicts, labels, items) {
  const panel = document.getElementById("bulk-conflict");
  const body = panel.querySelector("tbody");
  body.replaceChildren();
  const names = (values) => ["category", "urgency", "route"]
    .map((field) => nameIn(document.getElementById(`bulk-${field}`), values[field])).join(" / ");
  for (const c of conflicts) {
    const row = body.insertRow();
    row.insertCell().textContent = c.ticket_id;
    row.insertCell().textContent = names(c.labels);
    row.insertCell().textContent = names({ ...c.labels, ...labels }) + (Object.keys(labels).length ? "" : "（确认）");
  }
  held = { conflicts, items };
  panel.hidden = false;
  document.getElementById("bulk-keep-mine").focus();
}

function resolve(which) {
  const panel = document.getElementById("bulk-conflict");
  panel.hidden = true;
  const stale = new Map(held.conflicts.map((c) => [c.ticket_id, c.version]));
  const items = held.items.flatMap((item) => {
    if (!stale.has(item.ticket_id)) return [item];
    if (which === "theirs") {
      chosen.delete(item.ticket_id);
      return [];
    }
    chosen.set(item.ticket_id, stale.get(item.ticket_id));
    return [{ ...item, version: stale.get(item.ticket_id) }];
  });
  held = null;
  bulkCount();
  if (items.length) apply(items);
  else say(document.getElementById("bulk-result"), "已采用同事的标签，没有需要写入的工单。", true);
}

function start() {
  const items = [...chosen].map(([ticket_id, version]) => ({ ticket_id, version }));
  const labels = wanted();
  const what = Object.keys(labels).length ? "按所选标签更正" : "确认预测无误";
  if (!window.confirm(`对所选 ${items.length} 件工单${what}？`)) return;
  apply(items);
}

document.addEventListener("change", (event) => {
  if (event.target.matches("#queue input.pick")) pick(event.target);
  else if (event.target.id === "select-page") {
    for (const box of document.querySelectorAll("#queue li.ticket:not(.done) input.pick")) {
      if (box.checked !== event.target.checked) box.click();
    }
  }
});
document.addEventListener("click", (event) => {
  const id = event.target.closest("button") && event.target.closest("button").id;
  if (id === "select-all") selectAll(event.target.closest("button"));
  else if (id === "bulk-apply") start();
  else if (id === "bulk-keep-mine") resolve("mine");
  else if (id === "bulk-keep-theirs") resolve("theirs");
});
