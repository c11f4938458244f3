// The review queue: corrections with the version the reviewer saw, one-click alternatives, undo, and the
// keyboard (shortcuts listed on "?"). Uses api() and say() from ui.js; bulk actions are in bulk.js.
// Nothing here uses innerHTML: citizen text is never parsed as HTML.
"use strict";

const QUEUE_FIELDS = ["category", "urgency", "route"];
let current = null;   // the ticket the keyboard acts on
let pending = "";     // "u" or "r" while waiting for the digit that follows
let lastDone = null;  // what "z" undoes

function tickets() {
  return [...document.querySelectorAll("#queue > li.ticket:not(.done)")];
}

function flashQueue(text, ok = true) {
  const element = document.getElementById("flash");
  if (element) say(element, text, ok);
}

function choose(item, move = true) {
  if (!item) return;
  if (current) current.classList.remove("current");
  current = item;
  item.classList.add("current");
  if (move) {
    item.focus({ preventScroll: true });
    item.scrollIntoView({ block: "nearest" });
  }
}

function step(by) {
  const list = tickets();
  if (!list.length) return;
  const at = list.indexOf(current);
  choose(list[Math.min(list.length - 1, Math.max(0, at < 0 ? 0 : at + by))]);
}

function nameOf(select, value) {
  const option = select.querySelector(`option[value="${CSS.escape(value || "")}"]`);
  return option ? option.textContent.trim() : (value || "—");
}

function labelsOf(form, attribute) {
  const labels = {};
  for (const field of QUEUE_FIELDS) {
    const select = form.elements[field];
    labels[field] = attribute ? select.dataset.predicted : select.value;
  }
  return labels;
}

// The fields that differ from the labels in force, or all three when none does (a confirmation).
function correctionOf(form) {
  const body = {};
  const changed = [];
  for (const field of QUEUE_FIELDS) {
    const select = form.elements[field];
    if (select.value !== select.dataset.predicted) {
      body[field] = select.value;
      changed.push(`${select.dataset.name}：${nameOf(select, select.dataset.predicted)} → ${nameOf(select, select.value)}`);
    }
  }
  if (!changed.length) Object.assign(body, labelsOf(form));
  const note = form.elements.note.value.trim();
  if (note) body.note = note;
  return { body, changed };
}

async function submitCorrection(form) {
  const item = form.closest(".ticket");
  const id = form.dataset.ticket;
  const result = form.querySelector(".result");
  const { body, changed } = correctionOf(form);
  const before = labelsOf(form, true);
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  const answer = await api("POST", `/v1/tickets/${encodeURIComponent(id)}/corrections`, body,
                           { "If-Match": `"${form.dataset.version}"` });
  button.disabled = false;
  if (!answer.ok && answer.status === 412 && answer.data && answer.data.current) {
    showConflict(item, answer.data.current);
    return false;
  }
  if (!answer.ok) {
    say(result, answer.message, false);
    return false;
  }
  const done = changed.length ? `已更正：${changed.join("；")}` : "已确认预测无误";
  item.querySelector(".conflict").hidden = true;
  say(result, done, true);
  flashQueue(`工单 ${id} ${done}。按 z 可撤销。`);
  finish(item, { id, before, after: labelsOf(form), version: answer.data.version, corrected: changed.length > 0 });
  return true;
}

// A reviewed ticket leaves the page (after a moment, so the reviewer sees what happened); the keyboard
// moves on to the next one at once.
function finish(item, record) {
  item.classList.add("done");
  if (current === item) {
    const list = tickets();
    choose(list.find((t) => item.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING) || list.at(-1));
  }
  const box = item.querySelector("input.pick");
  if (box && box.checked) box.click();
  lastDone = record ? { ...record, item, parent: item.parentNode, next: item.nextSibling } : null;
  setTimeout(() => {
    if (!item.classList.contains("done")) return;
    item.remove();
    const queue = document.getElementById("queue");
    if (queue && !queue.children.length && !document.querySelector(".empty")) {
      const empty = document.createElement("p");
      empty.className = "empty";
      empty.textContent = "本页已处理完。";
      queue.after(empty);
    }
  }, 1500);
}

// Undo: a correction is reversed by a correction back to the labels before it (against the version it made);
// a confirmation cannot be taken back from the audit log, so the ticket just returns for another decision.
async function undo() {
  const last = lastDone;
  if (!last) {
    flashQueue("没有可撤销的提交。", false);
    return;
  }
  const form = last.item.querySelector("form.correct");
  if (last.corrected) {
    const body = { ...last.before, note: "撤销上一次更正" };
    const answer = await api("POST", `/v1/tickets/${encodeURIComponent(last.id)}/corrections`, body,
                             { "If-Match": `"${last.version}"` });
    if (!answer.ok) {
      flashQueue(answer.status === 412 ? `无法撤销：工单 ${last.id} 已被同事再次更正。` : answer.message, false);
      return;
    }
    form.dataset.version = answer.data.version;
  }
  for (const field of QUEUE_FIELDS) {
    form.elements[field].dataset.predicted = last.before[field];
    form.elements[field].value = last.before[field];
  }
  lastDone = null;
  last.item.classList.remove("done");
  if (!last.item.isConnected) last.parent.insertBefore(last.item, last.next && last.next.isConnected ? last.next : null);
  say(form.querySelector(".result"), "", true);
  flashQueue(last.corrected ? `已撤销工单 ${last.id} 的更正，标签已恢复。`
                            : `工单 ${last.id} 已回到队列（确认记录保留在审计日志中）。`);
  choose(last.item);
}

// A colleague corrected the ticket meanwhile: nothing was written. Their labels are shown beside the
// reviewer's choice and become the labels in force, so submitting again (or "keep mine") is a decision made
// knowing both, and "keep theirs" leaves the colleague's labels as they are.
function showConflict(item, now) {
  const form = item.querySelector("form.correct");
  const panel = item.querySelector(".conflict");
  const theirs = [];
  for (const field of QUEUE_FIELDS) {
    const select = form.elements[field];
    const row = panel.querySelector(`tr[data-field="${field}"]`);
    row.querySelector(".theirs").textContent = nameOf(select, now.labels[field]);
    row.querySelector(".mine").textContent = nameOf(select, select.value);
    theirs.push(`${select.dataset.name}：${nameOf(select, now.labels[field])}`);
    select.dataset.predicted = now.labels[field];
  }
  form.dataset.version = now.version;
  panel.dataset.theirs = JSON.stringify(now.labels);
  panel.hidden = false;
  say(form.querySelector(".result"), `同事已更正此工单，现为 ${theirs.join("；")}。保留您的选择请再次提交或选“保留我的”，`
      + "否则选“采用同事的”。", false);
  panel.querySelector(".keep-mine").focus();
}

function keep(item, which) {
  const form = item.querySelector("form.correct");
  const panel = item.querySelector(".conflict");
  const theirs = JSON.parse(panel.dataset.theirs);
  panel.hidden = true;
  choose(item);
  if (which === "mine") {
    submitCorrection(form);  // decided knowing both, against the version stored now
    return;
  }
  for (const field of QUEUE_FIELDS) form.elements[field].value = theirs[field];
  say(form.querySelector(".result"), "已采用同事的标签", true);
  flashQueue(`工单 ${form.dataset.ticket} 采用同事的标签，未写入您的选择。`);
  finish(item, null);
}

// One click (or "a") takes the model's candidate and submits it.
function accept(button) {
  const item = button.closest(".ticket");
  const form = item.querySelector("form.correct");
  form.elements[button.dataset.field].value = button.dataset.value;
  choose(item, false);
  submitCorrection(form);
}

function setField(field, index) {
  if (!current) return;
  const select = current.querySelector(`form.correct select[name=${field}]`);
  const option = select.options[index];
  if (!option) return;
  select.value = option.value;
  say(current.querySelector(".result"), `${select.dataset.name}：${option.textContent.trim()}（Enter 提交）`, true);
}

// Keys typed into a text field, a list or the help belong to it; on a checkbox or button they are shortcuts.
function typing(target) {
  if (target.matches("input")) return !["checkbox", "radio", "button", "submit"].includes(target.type);
  return Boolean(target.closest("select, textarea, [contenteditable], dialog"));
}

function onKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const help = document.getElementById("help");
  const keys = document.getElementById("route-keys");
  if (event.key === "Escape") {
    pending = "";
    keys.hidden = true;
    if (help.open) help.close();
    return;
  }
  if (typing(event.target)) return;
  const onItem = event.target === document.body || event.target.matches("li.ticket");
  if (pending) {
    const digit = "1234567890".indexOf(event.key);
    if (digit >= 0) setField(pending === "u" ? "urgency" : "route", digit);
    pending = "";
    keys.hidden = true;
    event.preventDefault();
    return;
  }
  const key = event.key;
  if (!current && ["1", "2", "3", "4", "5", "6", "u", "r", "a", "x", "o", "c", "Enter"].includes(key)) step(0);
  if (key === "j" || key === "ArrowDown") step(1);
  else if (key === "k" || key === "ArrowUp") step(-1);
  else if ("123456".includes(key) && key.length === 1) setField("category", Number(key) - 1);
  else if (key === "u" || key === "r") {
    pending = key;
    keys.hidden = key !== "r";
  } else if (key === "a") {
    const button = current && current.querySelector("button.accept");
    if (button) accept(button);
  } else if ((key === "Enter" && onItem) || key === "c") {
    if (current) submitCorrection(current.querySelector("form.correct"));
  } else if (key === "x") {
    if (current) current.querySelector("input.pick").click();
  } else if (key === "o") {
    if (current) window.location.href = current.querySelector("a.open").href;
  } else if (key === "z") undo();
  else if (key === "/") document.getElementById("q").focus();
  else if (key === "?") help.open ? help.close() : help.showModal();
  else return;
  event.preventDefault();
}

document.addEventListener("keydown", onKey);
document.addEventListener("submit", (event) => {
  if (!event.target.matches("form.correct")) return;
  event.preventDefault();
  choose(event.target.closest(".ticket"), false);
  submitCorrection(event.target);
});
document.addEventListener("click", (event) => {
  const button = event.target.closest("button");
  const item = event.target.closest("li.ticket");
  if (button && button.matches(".accept")) accept(button);
  else if (button && button.matches(".keep-mine, .keep-theirs")) keep(item, button.matches(".keep-mine") ? "mine" : "theirs");
  else if (item && !event.target.closest("a, input, select, button")) choose(item, false);
});
document.addEventListener("DOMContentLoaded", () => {
  const first = tickets()[0];
  if (first) choose(first, !window.location.hash);
});
