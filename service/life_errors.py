"""The API's answers when a lifecycle request is refused: one place turns each refusal into its status."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from triage.errors import IllegalTransition, MissingRequirement

from .auth import Principal
from .errors import ApiError
from .lifecycle import Caller, OutOfScope
from .store import NotFound, StaleState

__all__ = ["caller_of", "refusals"]

_NEEDS_ZH = {"unit": "责任单位", "reason": "原因", "measure": "整改措施", "satisfaction": "满意度",
             "dissatisfied": "“不满意”的回访"}
_FIELDS = {"unit": "unit", "reason": "note", "measure": "measures", "satisfaction": "satisfaction",
           "dissatisfied": "satisfaction"}


def caller_of(who: Principal) -> Caller:
    """The key as the lifecycle sees it: a unit's key, an intake system's, or the desk (staff and admins)."""
    return Caller(who.name, who.role if who.role in ("unit", "intake") else "staff", who.unit)


@contextmanager
def refusals(ticket_id: str) -> Iterator[None]:
    """Turn what the lifecycle refuses into 403, 404, 409 or 422 answers."""
    try:
        yield
    except NotFound:
        raise ApiError(404, f"No ticket {ticket_id!r}.", f"工单 {ticket_id!r} 不存在。") from None
    except OutOfScope as e:
        raise ApiError(403, f"{e}.", "该工单不属于本单位（或其下级单位），或此操作只能由派单人员执行。") from None
    except StaleState as e:
        now = {"state": e.current["state"], "version": e.current["version"]}
        raise ApiError(409, f"Ticket {ticket_id!r} changed since you read it: it is {now['state']} at version "
                       f"{now['version']}; read it again and decide.",
                       f"工单 {ticket_id!r} 在您读取后已有新的处理步骤，请重新查看后再操作。", code="stale_version",
                       fields=["version"], current=now) from None
    except IllegalTransition as e:
        raise ApiError(409, f"{e}.", f"工单当前状态为 {e.state}，不能执行 {e.action}。", code="illegal_transition",
                       fields=["action"], current={"state": e.state}) from None
    except MissingRequirement as e:
        raise ApiError(422, f"{e}.", f"此操作需要：{'、'.join(_NEEDS_ZH.get(n, n) for n in e.needs)}。",
                       fields=[_FIELDS.get(n, n) for n in e.needs]) from None
    except ValueError as e:
        raise ApiError(422, f"{e}.", "请求内容不合法。", fields=["body"]) from None
