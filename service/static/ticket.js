// The ticket page: the correction form, the lifecycle actions, measures and the incident split.
// Uses api() and say() from ui.js. Every write carries the version the page loaded; a stale one shows
// the colleague's state beside the reviewer's choice and lets them keep either. No innerHTML anywhere.
"use strict";

const STORY_FIELDS = ["category", "urgency", "route"];
const LIFE_FIELDS = ["unit", "note", "satisfaction"];

function flash(text) {
  const element = document.getElementById("flash");
  if (element) say(element, text, true);
}

function reloadSoon() {
  setTimeout(() => window.location.reload(), 700);
}

function optionName(select, value) {
  const option = select.querySelector(`option[value="${CSS.escape(value || "")}"]`);
  return option ? option.textContent.trim() : (value || "—");
}

// Corrections: the fields that differ from the labels in force, or all three (a confirmation).
function correctionBody(form) {
  const body = {};
  for (const field of STORY_FIELDS) {
    const select = form.elements[field];
    if (select.value !== select.dataset.predicted) body[field] = select.value;
  }
  if (!Object.keys(body).length) for (const field of STORY_FIELDS) body[field] = form.elements[field].value;
  const note = form.elements.note.value.trim();
  if (note) body.note = note;
  return body;
}

async function sendCorrection(form) {
  const result = form.querySelector(".result");
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  const answer = await api("POST", `/v1/tickets/${encodeURIComponent(form.dataset.ticket)}/corrections`,
                           correctionBody(form), { "If-Match": `"${form.dataset.version}"` });
  button.disabled = false;
  if (!answer.ok && answer.status === 412 && answer.data && answer.data.current) {
    showCorrectionConflict(form, answer.data.current);
    say(result, "未保存：同事已更正，请选择保留哪一方。", false);
    return;
  }
  if (!answer.ok) {
    say(result, answer.message, false);
    return;
  }
  say(result, "已保存更正", true);
  flash(`工单 ${form.dataset.ticket} 已保存更正`);
  reloadSoon();
}

function showCorrectionConflict(form, current) {
  const panel = document.getElementById("correct-conflict");
  for (const field of STORY_FIELDS) {
    const select = form.elements[field];
    const row = panel.querySelector(`tr[data-field="${field}"]`);
    row.querySelector(".theirs").textContent = optionName(select, current.labels[field]);
    row.querySelector(".mine").textContent = optionName(select, select.value);
  }
  panel.dataset.version = current.version;
  panel.dataset.theirs = JSON.stringify(current.labels);
  panel.hidden = false;
}

function keepCorrection(which) {
  const form = document.getElementById("correct");
  const panel = document.getElementById("correct-conflict");
  const theirs = JSON.parse(panel.dataset.theirs);
  form.dataset.version = panel.dataset.version;
  for (const field of STORY_FIELDS) form.elements[field].dataset.predicted = theirs[field];
  panel.hidden = true;
  if (which === "mine") {
    sendCorrection(form);  // a decision made knowing both, against the version now stored
    return;
  }
  for (const field of STORY_FIELDS) form.elements[field].value = theirs[field];
  say(form.querySelector(".result"), "已采用同事的标签，未做更改。", true);
  reloadSoon();
}

// Lifecycle: one step, with the lifecycle version the page loaded.
function stepBody(form, version) {
  const body = { action: form.dataset.action, version: Number(version) };
  for (const name of LIFE_FIELDS) {
    const input = form.elements[name];
    if (input && input.value.trim()) body[name] = input.value.trim();
  }
  return body;
}

function describeStep(form) {
  let text = `${form.dataset.name} → ${form.dataset.to}`;
  const unit = form.elements.unit;
  if (unit && unit.value) text += `，交 ${optionName(unit, unit.value)}`;
  const note = form.elements.note;
  if (note && note.value.trim()) text += `（${note.value.trim()}）`;
  return text;
}

async function sendStep(form) {
  const life = document.getElementById("life");
  const result = form.querySelector(".result");
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  const id = life.dataset.ticket;
  const answer = await api("POST", `/v1/tickets/${encodeURIComponent(id)}/transitions`,
                           stepBody(form, life.dataset.version));
  button.disabled = false;
  if (!answer.ok && answer.status === 409 && answer.data && answer.data.error
      && answer.data.error.code === "stale_version") {
    say(result, "未执行：工单已有新的处理步骤，请选择。", false);
    await showStepConflict(form, id);
    return;
  }
  if (!answer.ok) {
    const illegal = answer.status === 409 && answer.data && answer.data.error
      && answer.data.error.code === "illegal_transition";
    say(result, illegal ? `工单现在的状态不能${form.dataset.name}，请刷新页面查看最新状态。` : answer.message, false);
    return;
  }
  say(result, `已${form.dataset.name}`, true);
  flash(`工单 ${id} 已${form.dataset.name}，现为${answer.data.state_name || answer.data.state}`);
  reloadSoon();
}

async function showStepConflict(form, id) {
  const panel = document.getElementById("life-conflict");
  const now = await api("GET", `/v1/tickets/${encodeURIComponent(id)}/lifecycle`);
  let theirs = "无法读取当前状态，请刷新页面。";
  if (now.ok) {
    const last = now.data.history[now.data.history.length - 1];
    theirs = `${now.data.state_name || now.data.state}`
      + (now.data.unit ? `，${now.data.unit.name}承办` : "")
      + (last ? `（最新一步：${last.actor} ${last.action_name}）` : "");
    panel.dataset.version = now.data.version;
  }
  panel.querySelector(".theirs").textContent = theirs;
  panel.querySelector(".mine").textContent = describeStep(form);
  panel.dataset.action = form.dataset.action;
  panel.hidden = false;
}

function keepStep(which) {
  const panel = document.getElementById("life-conflict");
  panel.hidden = true;
  if (which !== "mine" || panel.dataset.version === undefined) {
    window.location.reload();  // keep theirs: read the ticket as it is now
    return;
  }
  const life = document.getElementById("life");
  life.dataset.version = panel.dataset.version;
  sendStep(document.querySelector(`form.life-action[data-action="${CSS.escape(panel.dataset.action)}"]`));
}

async function sendRecord(form) {
  const id = document.getElementById("life").dataset.ticket;
  const answer = await api("POST", `/v1/tickets/${encodeURIComponent(id)}/rectifications`,
                           { kind: form.elements.kind.value, text: form.elements.text.value });
  say(form.querySelector(".result"), answer.ok ? "已登记" : answer.message, answer.ok);
  if (answer.ok) reloadSoon();
}

async function sendSplit(form) {
  if (!window.confirm("把本工单从该并单事件中拆出，单独成件？")) return;
  const note = form.elements.note.value.trim();
  const answer = await api("POST", `/v1/tickets/${encodeURIComponent(form.dataset.ticket)}/split`,
                           note ? { note } : {});
  say(form.querySelector(".result"), answer.ok ? `已拆出为事件 #${answer.data.incident_id}` : answer.message,
      answer.ok);
  if (answer.ok) reloadSoon();
}

const SENDERS = { "form.story-correct": sendCorrection, "form.life-action": sendStep, "form.rectify": sendRecord,
                  "form.split": sendSplit };

document.addEventListener("submit", (event) => {
  for (const [selector, send] of Object.entries(SENDERS)) {
    if (event.target.matches(selector)) {
      event.preventDefault();
      send(event.target);
    }
  }
});

document.addEventListener("click", (event) => {
  const button = event.target.closest("button");
  if (!button) return;
  if (button.dataset.keep) keepCorrection(button.dataset.keep);
  else if (button.dataset.lifeKeep) keepStep(button.dataset.lifeKeep);
});
