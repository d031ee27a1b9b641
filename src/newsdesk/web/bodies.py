"""The JSON bodies of API writes: read whole (at most MAX_BODY bytes, else 413) and checked against the call's
model; anything else is a 400 saying what is wrong, before anything is changed."""

from __future__ import annotations

import json

from fastapi import HTTPException, Request
from pydantic import BaseModel, ValidationError

MAX_BODY = 16_384


async def json_body(request: Request, model: type[BaseModel], *, optional: bool = False) -> BaseModel | None:
    """The request's JSON body as `model`, else 400 saying what is wrong."""
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise HTTPException(413, f"the body has at most {MAX_BODY} bytes")
    if not raw.strip():
        if optional:
            return None
        raise HTTPException(400, "a JSON object is needed in the body")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise HTTPException(400, "the body is not JSON") from None
    if not isinstance(data, dict):
        raise HTTPException(400, "the body is a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in exc.errors())
        raise HTTPException(400, problems) from None


def takes(model: type[BaseModel], required: bool = True) -> dict:
    """The OpenAPI request body of a call that reads its JSON body itself (to answer 400 on a bad one)."""
    return {"requestBody": {"required": required,
                            "content": {"application/json": {"schema": model.model_json_schema()}}}}
