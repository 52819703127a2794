"""LiteLLM proxy pre-call hook: ask llmcost whether the request's customer may
spend more this month, and refuse the request when its budget is exhausted.

Environment:
  LLMCOST_URL            base URL of llmcost, e.g. http://llmcost:8080
  LLMCOST_GATEWAY_TOKEN  a gateway token (POST /api/v1/gateway-tokens, admin)
  LLMCOST_FAIL_OPEN      "1" (default) lets requests through when llmcost cannot
                         be reached; "0" refuses them
  LLMCOST_TIMEOUT        seconds to wait for an answer (default 0.5)

The customer is the request's end user ("user" in the OpenAI request body, or
LiteLLM's end_user_id), falling back to metadata.customer_id.
"""

import os

import httpx
from fastapi import HTTPException
from litellm.integrations.custom_logger import CustomLogger


class LLMCostBudget(CustomLogger):
    def __init__(self):
        self.url = os.environ.get("LLMCOST_URL", "http://localhost:8080").rstrip("/")
        self.token = os.environ["LLMCOST_GATEWAY_TOKEN"]
        self.fail_open = os.environ.get("LLMCOST_FAIL_OPEN", "1") != "0"
        self.client = httpx.AsyncClient(timeout=float(os.environ.get("LLMCOST_TIMEOUT", "0.5")))

    @staticmethod
    def customer(user_api_key_dict, data):
        meta = data.get("metadata") or {}
        return (
            data.get("user")
            or getattr(user_api_key_dict, "end_user_id", None)
            or meta.get("customer_id")
        )

    async def async_pre_call_hook(self, user_api_key_dict, cache, data, call_type):
        customer = self.customer(user_api_key_dict, data)
        if not customer:
            return data
        try:
            resp = await self.client.get(
                f"{self.url}/api/v1/budget-check",
                params={"customer_id": customer},
                headers={"Authorization": f"Bearer {self.token}"},
            )
        except httpx.HTTPError as err:
            if self.fail_open:
                return data
            raise HTTPException(status_code=503, detail=f"llmcost budget check failed: {err}")
        decision = resp.json()
        if resp.status_code == 403 and decision.get("allowed") is False:
            raise HTTPException(
                status_code=429,
                detail={
                    "error": "budget_exceeded",
                    "message": decision.get("reason"),
                    "spent": decision.get("spent"),
                    "budget": decision.get("budget"),
                },
            )
        if resp.status_code != 200 and not self.fail_open:
            raise HTTPException(status_code=503, detail=f"llmcost budget check: HTTP {resp.status_code}")
        if decision.get("warning"):
            data.setdefault("metadata", {})["llmcost_warning"] = decision["warning"]
        return data


proxy_handler_instance = LLMCostBudget()
