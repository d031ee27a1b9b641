"""The chat endpoint of the LLM writer: one OpenAI-compatible /v1/chat/completions POST per story."""

from __future__ import annotations

import re

import httpx

from newsdesk.errors import NewsdeskError


class LLMError(NewsdeskError):
    """The endpoint could not be reached, timed out, or answered something that is not a chat completion."""

def chat_url(base: str) -> str:
    base = base.strip().rstrip("/")
    if not base:
        raise LLMError("no LLM endpoint configured (llm_url / NEWSDESK_LLM_URL)")
    if not re.match(r"^https?://[^/\s]+", base):
        raise LLMError(f"LLM endpoint {base!r} is not an http:// or https:// URL")
    if base.endswith("/chat/completions"):
        return base
    if base.endswith("/v1"):
        return base + "/chat/completions"
    return base + "/v1/chat/completions"


class ChatClient:
    """POST {base}/v1/chat/completions; every failure becomes an LLMError naming the endpoint."""

    def __init__(self, url: str, model: str = "", api_key: str = "", timeout: float = 120.0) -> None:
        self.url = chat_url(url)
        self.model = model
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._http = httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)), headers=headers)

    def complete(self, messages: list[dict[str, str]], max_tokens: int = 220, temperature: float = 0.2) -> str:
        body: dict = {"messages": messages, "max_tokens": max_tokens, "temperature": temperature,
                      "stream": False}
        if self.model:
            body["model"] = self.model
        try:
            response = self._http.post(self.url, json=body)
        except httpx.TimeoutException as exc:
            raise LLMError(f"{self.url}: no answer in time ({type(exc).__name__})") from exc
        except httpx.HTTPError as exc:
            raise LLMError(f"{self.url}: cannot reach the endpoint ({exc})") from exc
        if response.status_code != 200:
            raise LLMError(f"{self.url}: HTTP {response.status_code}: {response.text[:200].strip()}")
        try:
            content = response.json()["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise LLMError(f"{self.url}: not a chat completion: {response.text[:200].strip()!r}") from exc
        if not isinstance(content, str):
            raise LLMError(f"{self.url}: the completion has no text")
        return content

    def close(self) -> None:
        self._http.close()
