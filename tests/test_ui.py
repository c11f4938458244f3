"""The staff page /ui through the test client: login, pages, escaping of citizen texts, the counts."""

from __future__ import annotations

import re
import shutil

import pytest
from conftest import service_settings
from fastapi.testclient import TestClient

from service.app import create_app
from service.auth import COOKIE
from service.pages import bar_chart, highlight
from triage.labels import CATEGORIES, CATEGORY_NAMES, ROUTE_NAMES, ROUTES, URGENCIES, URGENCY_NAMES

PAGES = ["/ui", "/ui/models", "/ui/stats", "/ui/overview", "/ui/tickets/T-1"]
SITE = "http://testserver"
NASTY = "<script>alert('x')</script>三号楼楼道里的水管爆了，满地是水 & 没有物业"


@pytest.fixture
def ui(triager, tmp_path, small_models_dir):
    models = tmp_path / "models"
    shutil.copytree(small_models_dir, models)
    app = create_app(service_settings(tmp_path, models_dir=models), triager=triager)
    store = app.state.service.store
    keys = {role: store.create_key(name, role) for role, name in
            [("intake", "接线员"), ("staff", "王芳"), ("admin", "李主任")]}
    with TestClient(app, headers={"Origin": SITE}) as client:  # as the browser sends from the page itself
        client.keys, client.store, client.models = keys, store, models
        yield client


def login(ui, role="staff"):
    r = ui.post("/ui/login", data={"key": ui.keys[role]}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/ui"
    return r


def post_ticket(ui, text, ticket_id):
    r = ui.post("/v1/triage", json={"text": text, "id": ticket_id, "store": True})
    assert r.status_code == 200
    return r.json()


def test_every_label_code_has_a_chinese_name():
    assert tuple(CATEGORY_NAMES) == CATEGORIES
    assert tuple(URGENCY_NAMES) == URGENCIES
    assert tuple(ROUTE_NAMES) == ROUTES


def test_matched_words_are_marked_in_escaped_text():
    assert highlight("<b>楼里没有物业</b>", ["没有物业", "<b>", ""]) == (
        "<mark>&lt;b&gt;</mark>楼里<mark>没有物业</mark>&lt;/b&gt;")
    assert highlight("a.b(c", []) == "a.b(c" and highlight("a.b(c", ["b("]) == "a.<mark>b(</mark>c"


def test_bars_scale_to_the_largest_count():
    chart = bar_chart("urgency", {"high": 1}, {"high": 4, "normal": 2})
    assert [(r["name"], r["week"], r["month"], r["w_month"]) for r in chart["rows"]] == [
        ("紧急", 0, 0, 0), ("较急", 1, 4, 360), ("一般", 0, 2, 180)]


def test_pages_send_a_visitor_without_a_staff_key_to_the_login_form(ui):
    for cookie in (None, "trg_wrong", ui.keys["intake"]):
        ui.cookies.clear()
        if cookie:
            ui.cookies.set(COOKIE, cookie)
        for path in PAGES:
            r = ui.get(path, follow_redirects=False)
            assert (r.status_code, r.headers.get("location")) == (303, "/ui/login"), (cookie, path)
    ui.cookies.clear()
    page = ui.get("/ui")
    assert page.url.path == "/ui/login" and "API 密钥" in page.text and "登录" in page.text


def test_a_wrong_or_empty_key_gets_a_message_and_no_cookie(ui):
    r = ui.post("/ui/login", data={"key": "trg_wrong"}, follow_redirects=False)
    assert r.status_code == 401 and "API 密钥无效或已吊销。" in r.text
    assert "set-cookie" not in r.headers
    r = ui.post("/ui/login", data={"key": "  "}, follow_redirects=False)
    assert r.status_code == 401 and "请输入 API 密钥。" in r.text


def test_an_intake_key_is_refused_at_login(ui):
    r = ui.post("/ui/login", data={"key": ui.keys["intake"]}, follow_redirects=False)
    assert r.status_code == 403 and "set-cookie" not in r.headers
    assert "该密钥的角色是“录入”，不能使用审核页面" in r.text


def test_login_sets_a_strict_httponly_cookie_and_logout_clears_it(ui):
    cookie = login(ui).headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}={ui.keys['staff']};")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    page = ui.get("/ui")
    assert page.status_code == 200 and "审核队列" in page.text and "王芳（审核员）" in page.text
    assert ui.get("/ui/login", follow_redirects=False).headers["location"] == "/ui"
    r = ui.post("/ui/logout", follow_redirects=False)
    assert r.headers["location"] == "/ui/login" and f'{COOKIE}=""' in r.headers["set-cookie"]
    assert ui.get("/ui", follow_redirects=False).status_code == 303


def test_the_queue_shows_text_prediction_explanation_and_dropdowns(ui):
    answer = post_ticket(ui, "三号楼楼道里的水管爆了，水流得满地都是，楼里没有物业没人管。", "Q-1")
    login(ui)
    page = ui.get("/ui").text
    assert "三号楼楼道里的水管爆了" in re.sub("<[^>]+>", "", page) and "工单 Q-1" in page
    for field, names in [("category", CATEGORY_NAMES), ("urgency", URGENCY_NAMES), ("route", ROUTE_NAMES)]:
        assert f'data-predicted="{answer[field]}"' in page
        assert f'<option value="{answer[field]}" selected>{names[answer[field]]}</option>' in page
    why = answer["explanation"]
    for rule in why["route"]["rules"]:
        assert f"<code>{rule}</code>" in page
    if why["urgency"].get("rule"):
        assert f"<code>{why['urgency']['rule']}</code>" in page
    for words in why["route"]["matched"].values():
        assert all(f"<mark>{w}</mark>" in page for w in words)
    assert "提交更正" in page and 'name="note"' in page


def test_the_queue_says_which_field_the_answer_was_unsure_of(ui):
    answers = [post_ticket(ui, text, f"F-{i}") for i, text in enumerate(
        ["路灯不亮", "水管爆了，到处是水", "邻居家装修太吵", "三号楼楼道水管爆了，楼里没有物业没人管",
         "小区门口乱停车"])]
    login(ui)
    page = ui.get("/ui").text
    assert page.count('class="flag"') == sum(a["needs_review"] for a in answers) > 0
    names = {"category": "类别", "urgency": "紧急程度", "route": "责任单位"}
    for a in answers:
        if a["needs_review"]:
            assert "、".join(names[f] for f in a["explanation"]["review"]["flagged"]) + "把握不足" in page


def test_citizen_text_and_ids_are_escaped(ui):
    post_ticket(ui, NASTY, "X-<b>1</b>")
    login(ui)
    for path in ("/ui", "/ui/tickets/X-%3Cb%3E1%3C/b%3E"):
        page = ui.get(path)
        assert page.status_code == 200, path
        assert "<script>alert" not in page.text and "<b>1</b>" not in page.text
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page.text
        assert "X-&lt;b&gt;1&lt;/b&gt;" in page.text
    queue = ui.get("/ui").text
    assert 'href="/ui/tickets/X-%3Cb%3E1%3C/b%3E"' in queue


def test_the_ticket_page_shows_the_correction_history(ui):
    answer = post_ticket(ui, "小区里的路灯坏了好几天了", "H-1")
    login(ui)
    new = "other" if answer["category"] != "other" else "lighting"
    r = ui.post("/v1/tickets/H-1/corrections", json={"category": new, "note": "其实是电线问题"})  # key in the cookie
    assert r.status_code == 201 and r.json()["annotator"] == "王芳"
    page = ui.get("/ui/tickets/H-1").text
    history = page[page.index('id="history"'):]
    assert "王芳" in history and "其实是电线问题" in history
    assert f"类别：{CATEGORY_NAMES[answer['category']]} → {CATEGORY_NAMES[new]}" in history
    assert "H-1" not in ui.get("/ui").text  # reviewed: out of the queue
    missing = ui.get("/ui/tickets/nope")
    assert missing.status_code == 404 and "工单 nope 不存在。" in missing.text


def test_the_models_page_shows_figures_and_admin_buttons(ui):
    shutil.copytree(ui.models / "small", ui.models / "small-b")
    login(ui)
    page = ui.get("/ui/models").text
    assert "small-b" in page and "当前启用" in page and "类别宏平均 F1" in page and "留出集" in page
    assert re.search(r"<td>\d+\.\d%</td>", page)
    assert "data-activate" not in page and 'id="retrain"' not in page
    login(ui, "admin")
    page = ui.get("/ui/models").text
    assert 'data-activate="small-b"' in page and 'data-activate="small"' not in page and 'id="retrain"' in page


def test_the_models_page_lists_a_damaged_version_with_its_reason(ui):
    shutil.copytree(ui.models / "small", ui.models / "small-d")
    (ui.models / "small-d" / "meta.json").write_text("[1, 2]", encoding="utf-8")
    login(ui, "admin")
    page = ui.get("/ui/models")
    assert page.status_code == 200
    assert "已损坏" in page.text and "not a model meta.json" in page.text
    assert 'data-activate="small-d"' not in page.text


def test_the_overview_shows_the_counts_of_7_and_30_days(ui):
    texts = ["单元门口有很重的煤气味", "小区停车位被外人占了", "路灯不亮好几天了", "单元门口煤气味很重"]
    for i, text in enumerate(texts):
        post_ticket(ui, text, f"S-{i}")
    login(ui)
    ui.post("/v1/tickets/S-2/corrections", json={"category": "other", "urgency": "emergency"})
    moved = ui.get("/ui/stats", follow_redirects=False)
    assert (moved.status_code, moved.headers["location"]) == (303, "/ui/overview")
    page = ui.get("/ui/stats").text
    week, month = ui.store.counts(7), ui.store.counts(30)
    assert sum(week["category"].values()) == 4 and week["category"].get("other", 0) >= 1
    assert "近 7 天 4 件，近 30 天 4 件" in page
    for field, names in [("category", CATEGORY_NAMES), ("urgency", URGENCY_NAMES), ("route", ROUTE_NAMES)]:
        for code, name in names.items():
            row = f"<tr><td>{name}</td><td>{week[field].get(code, 0)}</td><td>{month[field].get(code, 0)}</td></tr>"
            assert row in page, row
    assert all(f'id="chart-{field}"' in page for field in ("category", "urgency", "route"))
    assert page.count('class="bar-week"') >= len(ROUTES)


def test_pages_need_nothing_from_outside_and_forbid_inline_script(ui):
    post_ticket(ui, "井盖丢了", "O-1")
    login(ui, "admin")
    for path in ["/ui", "/ui/models", "/ui/overview", "/ui/tickets/O-1", "/ui/login"]:
        r = ui.get(path)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        assert "default-src 'self'" in r.headers["content-security-policy"]
        assert not re.search(r"(src|href)=\"(https?:)?//", r.text), path
        assert "<script>" not in r.text and " style=" not in r.text, path
    for name, kind in [("ui.css", "text/css"), ("ui.js", "javascript"), ("ticket.js", "javascript")]:
        r = ui.get(f"/ui/static/{name}")
        assert r.status_code == 200 and kind in r.headers["content-type"] and "http" not in r.text


def cross_site(ui, method, path, headers, **kw):
    """A request as another site's form or script would send it, the staff cookie attached."""
    ui.headers.pop("Origin", None)
    try:
        return ui.request(method, path, headers=headers, follow_redirects=False, **kw)
    finally:
        ui.headers["Origin"] = SITE


@pytest.mark.parametrize("headers", [{"Origin": "http://evil.example"}, {"Origin": "null"},
                                     {"Referer": "http://evil.example/ui"}, {"Origin": "https://testserver"},
                                     {"Origin": "http://testserver.evil.example"}, {}])
def test_a_form_from_another_site_can_neither_log_in_nor_out(ui, headers):
    r = cross_site(ui, "POST", "/ui/login", headers, data={"key": ui.keys["staff"]})
    assert r.status_code == 403 and "请求来自其他网站" in r.text and "set-cookie" not in r.headers
    login(ui)
    r = cross_site(ui, "POST", "/ui/logout", headers)
    assert r.status_code == 403 and "set-cookie" not in r.headers
    assert ui.get("/ui", follow_redirects=False).status_code == 200  # still logged in


def test_a_write_with_the_cookie_from_another_site_is_refused_and_changes_nothing(ui):
    shutil.copytree(ui.models / "small", ui.models / "small-b")
    post_ticket(ui, "小区里的路灯坏了好几天了", "CS-1")
    login(ui, "admin")
    evil = {"Origin": "http://evil.example"}
    r = cross_site(ui, "POST", "/v1/models/small-b/activate", evil)  # a bare form: no body, no JSON needed
    assert r.status_code == 403 and r.json()["error"]["code"] == "cross_site"
    assert (ui.models / "ACTIVE").read_text().strip() == "small"
    r = cross_site(ui, "POST", "/v1/tickets/CS-1/corrections", evil, json={"category": "other"})
    assert r.status_code == 403 and ui.store.ticket("CS-1")["corrections"] == []
    assert cross_site(ui, "GET", "/v1/tickets/CS-1", evil).status_code == 200  # reading changes nothing
    bearer = {**evil, "Authorization": f"Bearer {ui.keys['admin']}"}  # a program with a key, not a browser's cookie
    assert cross_site(ui, "POST", "/v1/tickets/CS-1/corrections", bearer, json={"category": "other"}).status_code == 201


def test_the_page_itself_may_write_with_its_origin_or_its_referer(ui):
    post_ticket(ui, "小区里的路灯坏了好几天了", "CS-2")
    login(ui)
    r = cross_site(ui, "POST", "/v1/tickets/CS-2/corrections", {"Referer": f"{SITE}/ui"}, json={"urgency": "high"})
    assert r.status_code == 201
    r = cross_site(ui, "POST", "/v1/tickets/CS-2/corrections", {"Origin": "HTTP://TestServer:80"},
                   json={"urgency": "normal"})
    assert r.status_code == 201


def test_the_cookie_is_secure_when_the_page_is_served_over_https(triager, tmp_path, small_models_dir):
    shutil.copytree(small_models_dir, tmp_path / "models")
    app = create_app(service_settings(tmp_path, models_dir=tmp_path / "models"), triager=triager)
    key = app.state.service.store.create_key("王芳", "staff")
    with TestClient(app, base_url="https://triage.example.org", headers={"Origin": "https://triage.example.org"}) as c:
        assert "Secure" in c.post("/ui/login", data={"key": key}, follow_redirects=False).headers["set-cookie"]
        assert "Secure" in c.post("/ui/logout", follow_redirects=False).headers["set-cookie"]
    with TestClient(app, headers={"Origin": SITE, "X-Forwarded-Proto": "https"}) as c:  # the caller is no proxy
        assert "Secure" not in c.post("/ui/login", data={"key": key}, follow_redirects=False).headers["set-cookie"]


def test_behind_a_trusted_proxy_its_forwarded_scheme_and_host_are_believed(triager, tmp_path, small_models_dir):
    shutil.copytree(small_models_dir, tmp_path / "models")
    app = create_app(service_settings(tmp_path, models_dir=tmp_path / "models", trusted_proxies=["10.0.0.0/24"]),
                     triager=triager)
    key = app.state.service.store.create_key("王芳", "staff")
    proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "triage.example.org",
               "Origin": "https://triage.example.org"}
    with TestClient(app, base_url="http://127.0.0.1:8000", client=("10.0.0.5", 40000), headers=proxied) as c:
        r = c.post("/ui/login", data={"key": key}, follow_redirects=False)
        assert r.status_code == 303 and "Secure" in r.headers["set-cookie"]
    with TestClient(app, base_url="http://127.0.0.1:8000", client=("192.0.2.9", 40000), headers=proxied) as c:
        assert c.post("/ui/login", data={"key": key}, follow_redirects=False).status_code == 403  # not the proxy


def test_trusted_proxies_must_be_addresses():
    from service.settings import Settings

    with pytest.raises(ValueError, match="expected IP addresses or networks"):
        Settings(trusted_proxies=["proxy.internal"])
