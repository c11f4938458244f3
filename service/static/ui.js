// The staff page's little script: corrections from the queue, model activation and retraining.
// It talks to the JSON API under /v1; the login cookie authenticates it. No libraries, no build step.
"use strict";

const FIELDS = ["category", "urgency", "route"];
const JOB_STATUS = { queued: "排队中", running: "训练中", promoted: "已启用新版本", rejected: "未通过评估，保留当前版本",
                     failed: "失败" };

async function api(method, url, body, headers) {
  const options = { method, headers: { Accept: "application/json", ...headers }, credentials: "same-origin" };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, options);
  } catch (e) {
    return { ok: false, message: "网络错误，请稍后重试。" };
  }
  const data = await response.json().catch(() => null);
  if (response.ok) return { ok: true, data };
  const message = (data && data.error && data.error.message_zh) || `请求失败（${response.status}）`;
  return { ok: false, status: response.status, data,
           message: response.status === 401 ? message + " 请重新登录。" : message };
}

function say(element, text, ok) {
  element.textContent = text;  // textContent, never innerHTML: nothing here is parsed as HTML
  element.className = element.className.replace(/\b(ok|bad)\b/g, "").trim() + (ok ? " ok" : " bad");
}

// The queue: post only the fields that changed (all three when none did: a confirmation).
async function submitCorrection(form) {
  const id = form.dataset.ticket;
  const result = form.querySelector(".result");
  const body = {};
  const changed = [];
  for (const field of FIELDS) {
    const select = form.elements[field];
    if (select.value !== select.dataset.predicted) {
      body[field] = select.value;
      const before = select.querySelector(`option[value="${select.dataset.predicted}"]`);
      changed.push(`${select.dataset.name}：${before ? before.textContent : "—"}`
                   + ` → ${select.selectedOptions[0].textContent}`);
    }
  }
  if (!changed.length) for (const field of FIELDS) body[field] = form.elements[field].value;
  const note = form.elements.note.value.trim();
  if (note) body.note = note;

  const button = form.querySelector("button");
  button.disabled = true;
  const answer = await api("POST", `/v1/tickets/${encodeURIComponent(id)}/corrections`, body,
                           { "If-Match": `"${form.dataset.version}"` });
  if (!answer.ok && answer.status === 412 && answer.data && answer.data.current) {
    showConflict(form, answer.data.current);
    button.disabled = false;
    return;
  }
  if (!answer.ok) {
    say(result, answer.message, false);
    button.disabled = false;
    return;
  }
  const done = changed.length ? `已更正：${changed.join("；")}` : "已确认预测无误";
  say(result, done, true);
  const flash = document.getElementById("flash");
  if (flash) flash.textContent = `工单 ${id} ${done}`;
  const item = form.closest(".ticket");
  item.classList.add("done");
  setTimeout(() => {
    item.remove();
    const queue = document.getElementById("queue");
    if (queue && !queue.children.length) queue.insertAdjacentHTML("afterend", '<p class="empty">队列已清空，没有待审核的工单。</p>');
  }, 1500);
}

// A colleague corrected the ticket meanwhile: show their labels beside the reviewer's choice and
// take their version, so that submitting again is a decision made knowing both.
function showConflict(form, current) {
  const result = form.querySelector(".result");
  const theirs = [];
  for (const field of FIELDS) {
    const select = form.elements[field];
    const value = current.labels[field];
    const option = select.querySelector(`option[value="${value}"]`);
    theirs.push(`${select.dataset.name}：${option ? option.textContent : value}`);
    select.dataset.predicted = value;  // what is stored now: an unchanged field is no longer a change
  }
  form.dataset.version = current.version;
  say(result, `同事已更正此工单，现为 ${theirs.join("；")}。保留您的选择请再次提交，或改回上述标签。`, false);
}

// Models: activate a version; retrain and follow the job until it ends.
async function activate(button) {
  const version = button.dataset.activate;
  if (!window.confirm(`启用模型版本 ${version}？所有工作进程将在几秒内改用该版本。`)) return;
  button.disabled = true;
  const answer = await api("POST", `/v1/models/${encodeURIComponent(version)}/activate`);
  const flash = document.getElementById("flash");
  if (!answer.ok) {
    say(flash, answer.message, false);
    button.disabled = false;
    return;
  }
  say(flash, `已启用版本 ${version}。`, true);
  setTimeout(() => window.location.reload(), 800);
}

async function retrain(button) {
  const status = document.getElementById("job");
  button.disabled = true;
  const answer = await api("POST", "/v1/models/retrain");
  if (!answer.ok) {
    say(status, answer.message, false);
    button.disabled = false;
    return;
  }
  const id = answer.data.id;
  say(status, `重训任务 #${id}：${JOB_STATUS[answer.data.status] || answer.data.status}`, true);
  const timer = setInterval(async () => {
    const poll = await api("GET", `/v1/models/jobs/${id}`);
    if (!poll.ok) {
      say(status, `重训任务 #${id}：${poll.message}`, false);
      clearInterval(timer);
      return;
    }
    const job = poll.data;
    const final = ["promoted", "rejected", "failed"].includes(job.status);
    const label = JOB_STATUS[job.status] || job.status;
    const extra = job.status === "promoted" && job.candidate_version ? `（${job.candidate_version}，刷新页面查看）` : "";
    say(status, `重训任务 #${id}：${label}${extra} · ${job.progress}`, job.status !== "failed");
    if (final) {
      clearInterval(timer);
      button.disabled = false;
    }
  }, 2000);
}

document.addEventListener("submit", (event) => {
  if (event.target.matches("form.correct")) {
    event.preventDefault();
    submitCorrection(event.target);
  }
});

document.addEventListener("click", (event) => {
  const button = event.target.closest("button");
  if (!button) return;
  if (button.dataset.activate) activate(button);
  else if (button.id === "retrain") retrain(button);
});
