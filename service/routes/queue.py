"""The staff queue: filtered, searched, sorted and counted (GET /v1/queue), and bulk corrections.

Plain ``def`` routes: FastAPI runs them in its thread pool, so database calls never block the loop.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from ..auth import StaffUser
from ..deps import ServiceDep
from ..errors import ApiError
from ..idempotency import IdempotencyHeader, idempotency_key, key_reused
from ..openapi import errors
from ..queue import QueueFilter, list_queue
from ..queue_schemas import BulkCreate, BulkPublic, BulkStalePublic, QueuePagePublic
from ..store import BulkStale, KeyReused, NotFound, summary_of

router = APIRouter(prefix="/v1", tags=["review"])


@router.get("/queue", response_model=QueuePagePublic,
            responses=errors(401, 403, 422, 503, _422="A filter is not valid: an unknown parameter, a date that is "
                             "not YYYY-MM-DD, a sort not listed, a limit outside 1–500, a search over 200 characters."))
def queue(service: ServiceDep, _who: StaffUser, f: Annotated[QueueFilter, Query()]) -> dict:
    """The tickets a filter picks (received in its date range, by default the last 30 days), sorted and paged,
    with `total` and, for every facet, the count of each value with the other filters applied."""
    return list_queue(service, f)


@router.post("/corrections/bulk", response_model=BulkPublic,
             responses={**errors(401, 403, 404, 413, 415, 422, 503, _404="An item names a ticket that is not stored "
                                 "(the error's fields list them); nothing was written.",
                                 _422="Not a bulk body: no items or over 500, a ticket named twice, a code that is "
                                      "not one of LABELS.md's, an unknown field."),
                        **errors(409, model=BulkStalePublic, _409="A ticket was corrected since the version its item "
                                 "names (code stale_version; `current.conflicts` gives each one's version and labels "
                                 "now). Nothing was written.")})
def bulk(body: BulkCreate, service: ServiceDep, who: StaffUser, idempotency: IdempotencyHeader = None) -> dict:
    """Correct or confirm many tickets in one action: one audited correction per item, all written or none."""
    items = [item.model_dump(exclude_none=True) for item in body.items]
    key = idempotency_key(idempotency, who, "POST /v1/corrections/bulk", body.model_dump(mode="json"),
                          service.settings)
    try:
        made = service.store.correct_many(items, annotator=who.name, note=body.note, idempotency=key)
    except NotFound as e:
        raise ApiError(404, f"Not stored: {e}.", "批量操作中有工单不存在，未作任何更改。") from None
    except KeyReused:
        raise key_reused() from None
    except ValueError as e:
        raise ApiError(422, str(e), "批量操作有误：同一工单出现两次或标签代码无效。", fields=["items"]) from None
    except BulkStale as e:
        raise ApiError(409, f"{len(e.conflicts)} tickets were corrected since the versions named; nothing was "
                       "written.", f"有 {len(e.conflicts)} 件工单在您读取后已被他人更正，未作任何更改。",
                       code="stale_version", current={"conflicts": e.conflicts}) from None
    return {"corrections": made, "summary": summary_of(made)}
