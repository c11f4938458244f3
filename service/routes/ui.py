"""The staff page /ui: log in with an API key, the queue (filters, search, bulk, keyboard), a ticket's story,
model versions, the overview.

Server-rendered (Jinja) pages; the browser's corrections, activations and retraining go to the
JSON API under /v1 with the ``triage_key`` cookie the login form sets. Pages without a staff
cookie send the browser to the login form.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from ..auth import COOKIE, Principal, principal
from ..deps import ServiceDep
from ..errors import ApiError
from ..origin import from_this_site, sent_over_https
from ..overview import model_charts, week_overview
from ..pages import LABEL_NAMES, ROLE_NAMES, bar_chart, figure_rows, make_templates
from ..queue import list_queue
from ..queue_page import problem, queue_context, read_filter
from ..store import NotFound, role_allows
from ..ticket_story import story
from .models import model_versions

router = APIRouter(prefix="/ui", include_in_schema=False)
templates = make_templates()

LOGIN = "/ui/login"
_HEADERS = {"Content-Security-Policy": "default-src 'self'; img-src 'self' data:; base-uri 'none'; "
                                       "form-action 'self'; frame-ancestors 'none'",
            "Cache-Control": "no-store", "Referrer-Policy": "same-origin", "X-Content-Type-Options": "nosniff"}


async def _viewer(request: Request) -> Principal | None:
    """The staff member whose key is in the cookie, or None (the page then asks them to log in)."""
    try:
        return await principal(request, "staff")
    except ApiError:
        return None


Viewer = Annotated[Principal | None, Depends(_viewer)]


def _page(request: Request, name: str, who: Principal | None, status: int = 200, **context: Any) -> Response:
    context = {"who": who, "tz": request.app.state.service.settings.timezone, "page": name.split(".")[0], **context}
    return templates.TemplateResponse(request, name, context, status_code=status, headers=_HEADERS)


def _to_login() -> Response:
    return RedirectResponse(LOGIN, status_code=303)


@router.get("/login")
def login_form(request: Request, who: Viewer) -> Response:
    """The login form: paste an API key (someone already logged in goes to the queue)."""
    if who is not None:
        return RedirectResponse("/ui", status_code=303)
    return _page(request, "login.html", None)


def _cross_site(request: Request) -> Response | None:
    """The refusal of a form posted from another site (or with no Origin or Referer at all), else None."""
    if from_this_site(request, request.app.state.service.settings.trusted_proxies):
        return None
    return _page(request, "message.html", None, status=403,
                 message="请求来自其他网站，已拒绝。请在本站页面上操作。")


@router.post("/login")
def login(request: Request, service: ServiceDep, key: Annotated[str, Form()] = "") -> Response:
    """Check the key (staff or admin), keep it in an HttpOnly cookie and open the queue.

    The cookie is Secure when the page was asked for over HTTPS (directly, or as a trusted proxy says).
    """
    if refused := _cross_site(request):
        return refused
    key = key.strip()
    found = service.store.key_role(key) if key else None
    if found is None:
        error = "请输入 API 密钥。" if not key else "API 密钥无效或已吊销。"
        return _page(request, "login.html", None, status=401, error=error)
    _name, role = found
    if not role_allows(role, "staff"):
        shown = ROLE_NAMES.get(role, role)
        return _page(request, "login.html", None, status=403,
                     error=f"该密钥的角色是“{shown}”，不能使用审核页面；需要审核员或管理员的密钥。")
    response = RedirectResponse("/ui", status_code=303)
    response.set_cookie(COOKIE, key, httponly=True, samesite="strict", path="/",
                        secure=sent_over_https(request, service.settings.trusted_proxies))
    return response


@router.post("/logout")
def logout(request: Request, service: ServiceDep) -> Response:
    """Forget the key and go back to the login form."""
    if refused := _cross_site(request):
        return refused
    response = _to_login()
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict",
                           secure=sent_over_https(request, service.settings.trusted_proxies))
    return response


@router.get("")
def queue(request: Request, service: ServiceDep, who: Viewer) -> Response:
    """The review queue: the filter, search and sort the address names (by default what is not yet
    reviewed, flagged and least confident first), facet counts, bulk actions and a correction form per ticket."""
    if who is None:
        return _to_login()
    try:
        f = read_filter(request.query_params)
    except ValidationError as e:
        return _page(request, "message.html", who, status=400, message=f"筛选条件有误：{problem(e)}")
    found = list_queue(service, f)
    return _page(request, "queue.html", who, items=found["items"], **queue_context(service, f, found))


@router.get("/tickets/{ticket_id:path}")
def ticket(request: Request, ticket_id: str, service: ServiceDep, who: Viewer) -> Response:
    """One ticket's whole story: text, predictions, corrections, its life and deadline, incident and place,
    with the correction form and the lifecycle actions its state allows."""
    if who is None:
        return _to_login()
    try:
        found = story(service, ticket_id, who)
    except NotFound:
        return _page(request, "message.html", who, status=404, message=f"工单 {ticket_id} 不存在。")
    return _page(request, "ticket.html", who, **found)


@router.get("/models")
def models(request: Request, service: ServiceDep, who: Viewer) -> Response:
    """Model versions with their held-out and dev figures; admins may activate one or retrain."""
    if who is None:
        return _to_login()
    versions = [{**m, "rows": figure_rows(m["metrics"])} for m in model_versions(service)]
    return _page(request, "models.html", who, versions=versions)


@router.get("/stats")
def stats(who: Viewer) -> Response:
    """The counts page moved into the overview."""
    return _to_login() if who is None else RedirectResponse("/ui/overview", status_code=303)


@router.get("/overview")
def overview(request: Request, service: ServiceDep, who: Viewer) -> Response:
    """This week's summary as charts (category, state, overdue, solved per level, satisfaction), the model's
    figures per version, and the counts by label over the last 7 and 30 days."""
    if who is None:
        return _to_login()
    week, month = service.store.counts(7), service.store.counts(30)
    charts = [bar_chart(field, week[field], month[field]) for field in LABEL_NAMES]
    versions = [{**m, "rows": figure_rows(m["metrics"])} for m in model_versions(service)]
    return _page(request, "overview.html", who, charts=charts, week=week_overview(service, who),
                 model_charts=model_charts(versions), versions=versions,
                 totals={"week": sum(week["category"].values()), "month": sum(month["category"].values())})
