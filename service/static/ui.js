// The staff page's shared script: api() and say() for every page, model activation and retraining.
// The queue's script is queue.js (and bulk.js), the ticket page's ticket.js.
// It talks to the JSON API under /v1; the login cookie authenticates it. No libraries, no build step.
"use strict";

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

document.addEventListener("click", (event) => {
  const button = event.target.closest("button");
  if (!button) return;
  if (button.dataset.activate) activate(button);
  else if (button.id === "retrain") retrain(button);
});
